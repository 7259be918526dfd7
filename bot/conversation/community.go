package conversation

import (
	"sort"
	"strings"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/match"
)

// A Card is a script's warning card, for sharing into any chat.
type Card struct {
	Script string
	Title  string
	Text   string
	// Payload is the /start payload that opens the card and a check
	// ("card-" + script id; at most 64 characters of [A-Za-z0-9_-]).
	Payload string
}

// CardPayload returns the deep-link payload for a script's card.
func CardPayload(script string) string { return prefixCard + script }

// SearchCards returns the cards of the scripts that best match a query
// (what someone typed after @bot: "courier", "刷流水", a whole story), best
// first, at most limit. An empty query lists scripts in catalogue order.
func SearchCards(eng *engine.Engine, query string, lang bot.Lang, limit int) []Card {
	cat := eng.Catalogue()
	if lang == "" {
		lang = DetectLang(query, bot.ZH)
	}
	score := make([]float64, len(cat.Scripts))
	q := strings.TrimSpace(query)
	if q != "" {
		// What the query means: the scripts its signals fit.
		var sc engine.Scratch
		eng.Assess(&sc, engine.Input{Text: q, Lang: lang})
		copy(score, sc.Fits())
		// What the query names: words of a script's title, summary or id.
		if nq, err := match.NormalizePhrase(q); err == nil {
			for i, s := range cat.Scripts {
				// A title or id naming it counts most, a summary less.
				for _, f := range []struct {
					text   string
					weight float64
				}{{s.Title.ZH, 2}, {s.Title.EN, 2}, {s.ID, 2}, {string(s.Category), 2}, {s.Summary.ZH, 1}, {s.Summary.EN, 1}} {
					nf, _ := match.Normalize(nil, nil, strings.NewReplacer("-", " ", "_", " ").Replace(f.text))
					if strings.Contains(string(nf), nq) {
						score[i] += f.weight
					}
				}
			}
		}
	}
	idx := make([]int, 0, len(cat.Scripts))
	for i := range cat.Scripts {
		if q == "" || score[i] > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	if len(idx) > limit {
		idx = idx[:limit]
	}
	cards := make([]Card, 0, len(idx))
	for _, i := range idx {
		s := cat.Scripts[i]
		cards = append(cards, Card{Script: s.ID, Title: s.Title.Get(lang), Text: CardText(cat, s, lang), Payload: CardPayload(s.ID)})
	}
	return cards
}

// WatchMin is the level a group message must reach for a warning.
const WatchMin = bot.High

// WatchVerdict decides whether a message in a watched group resembles a
// scam script, and if so returns one short, kind warning for the group. The
// warning names the kind of scam only: it never quotes the message or
// anything personal. Its one choice (ChoiceCheck) is for the adapter to
// turn into a button that opens a private check.
func WatchVerdict(eng *engine.Engine, text string, lang bot.Lang) (bot.Reply, bool) {
	if strings.TrimSpace(text) == "" {
		return bot.Reply{}, false
	}
	if lang == "" {
		lang = DetectLang(text, bot.ZH)
	}
	var sc engine.Scratch
	a := eng.Assess(&sc, engine.Input{Text: truncateRunes(text, MaxText), Lang: lang})
	if a.Level < WatchMin || a.Category == bot.CategoryNone || len(a.Scripts) == 0 {
		return bot.Reply{}, false
	}
	cat := eng.Catalogue()
	title := cat.Script(a.Scripts[0].ID).Title.Get(lang)
	m := func(key string, args ...string) string { return cat.Messages.Get(lang, key, args...) }
	return bot.Reply{
		Kind:    bot.ReplyMessage,
		Text:    m("watch_warning", "title", title),
		Choices: []bot.Choice{{ID: ChoiceCheck, Label: m("btn_check_private")}},
		Level:   a.Level,
	}, true
}
