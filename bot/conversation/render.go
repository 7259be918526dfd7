package conversation

import (
	"strconv"
	"strings"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// ResultText renders an assessment as one plain-text message: the level
// with a colour mark, what to do now (most urgent first), the numbers to
// call, where the user is in the scam and what comes next, and why.
func ResultText(cat *catalogue.Catalogue, a *bot.Assessment) string {
	lang := a.Lang
	m := func(key string, args ...string) string { return cat.Messages.Get(lang, key, args...) }
	var b strings.Builder
	b.WriteString(m("result_header_"+a.Level.String(), "score", strconv.Itoa(a.Score)))
	if a.Category != bot.CategoryNone && len(a.Scripts) > 0 {
		if sc := cat.Script(a.Scripts[0].ID); sc != nil {
			b.WriteString("\n")
			b.WriteString(m("result_script", "title", sc.Title.Get(lang)))
		}
	}
	b.WriteString("\n\n")
	b.WriteString(m("result_todo"))
	for i, adv := range a.Advice {
		b.WriteString("\n")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(adv)
	}
	if len(a.Hotlines) > 0 {
		b.WriteString("\n\n")
		b.WriteString(m("result_numbers"))
		for _, h := range a.Hotlines {
			b.WriteString("\n☎ ")
			b.WriteString(hotlineLine(cat, lang, h))
		}
	}
	if a.Stage != nil && a.Level >= bot.Medium {
		b.WriteString("\n\n")
		b.WriteString(m("result_stage", "n", strconv.Itoa(a.Stage.Index+1), "total", strconv.Itoa(a.Stage.Count), "title", a.Stage.Title))
		if a.Stage.Next != "" {
			b.WriteString("\n")
			b.WriteString(m("result_next", "next", a.Stage.Next))
		}
	}
	if len(a.Reasons) > 0 {
		b.WriteString("\n\n")
		b.WriteString(m("result_reasons"))
		for _, r := range a.Reasons {
			b.WriteString("\n• ")
			b.WriteString(r.Text)
			if r.Evidence != "" {
				b.WriteString(quote(lang, r.Evidence))
			}
		}
	}
	if a.Level == bot.Low {
		b.WriteString("\n\n")
		b.WriteString(m("result_low_note"))
	}
	return b.String()
}

func hotlineLine(cat *catalogue.Catalogue, lang bot.Lang, h bot.Hotline) string {
	if h.Number != "" {
		return cat.Messages.Get(lang, "hotline_line", "name", h.Name, "number", h.Number)
	}
	return cat.Messages.Get(lang, "hotline_line", "name", h.Name, "number", h.Where)
}

// HotlinesText lists a region's anti-fraud and police numbers.
func HotlinesText(cat *catalogue.Catalogue, region string, lang bot.Lang) string {
	r := cat.Region(region)
	if r == nil {
		r = cat.Region("CN")
	}
	m := func(key string, args ...string) string { return cat.Messages.Get(lang, key, args...) }
	if r == nil {
		return m("hotlines_none")
	}
	var b strings.Builder
	b.WriteString(m("hotlines_header", "region", r.Name.Get(lang)))
	n := 0
	for _, num := range r.Numbers {
		if num.Sender {
			continue
		}
		where := num.Number
		if where == "" {
			where = num.URL
		}
		if where == "" {
			where = num.Purpose.Get(lang)
		} else {
			where += " — " + num.Purpose.Get(lang)
		}
		b.WriteString("\n☎ ")
		b.WriteString(m("hotline_line", "name", num.Name.Get(lang), "number", where))
		n++
	}
	if n == 0 {
		return m("hotlines_none")
	}
	b.WriteString("\n\n")
	b.WriteString(m("advice_caller_id"))
	b.WriteString("\n")
	b.WriteString(m("hotlines_region"))
	return b.String()
}

// CardText is a script's warning card, short enough to read on a phone in
// ten seconds, to forward to family: the title, the summary's first
// sentence, and the rule that would have saved the victims.
func CardText(cat *catalogue.Catalogue, s *catalogue.Script, lang bot.Lang) string {
	return cat.Messages.Get(lang, "share_card", "title", s.Title.Get(lang), "summary", firstSentence(s.Summary.Get(lang), lang))
}

// firstSentence cuts a summary to its first sentence, and to at most about
// 80 Chinese characters or 130 English ones: a longer sentence is cut at
// its last comma (or, in English, word) before the limit, never mid-word.
func firstSentence(s string, lang bot.Lang) string {
	limit := 80
	if lang == bot.EN {
		limit = 130
	}
	n := 0
	clause, word := -1, -1 // byte offsets where a cut reads well
	for i, r := range s {
		n++
		switch r {
		case '。', '！', '？':
			return s[:i+len(string(r))]
		case '；':
			return s[:i] + "。"
		case '.', '!', '?':
			if i+1 == len(s) || s[i+1] == ' ' {
				return s[:i+1]
			}
		case ';':
			if i+1 == len(s) || s[i+1] == ' ' {
				return s[:i] + "."
			}
		case '，', '、', ',', '：', ':':
			clause = i
		case ' ':
			word = i
		}
		if n >= limit {
			cut := i
			switch {
			case clause > len(s[:i])/2:
				cut = clause
			case word > 0:
				cut = word
			}
			return strings.TrimSpace(s[:cut]) + "…"
		}
	}
	return s
}
