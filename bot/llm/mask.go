package llm

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace what the model must not see.
const (
	maskNumber = "[number]"
	maskLink   = "[link]"
	maskEmail  = "[email]"
)

// minMaskedDigits is the number of digits from which a number is masked:
// phone, card, account and ID numbers have 7 or more, while the amounts a
// story turns on ("5000", "10w", "3,000,000") keep fewer in a row.
const minMaskedDigits = 7

// A masked is a text with numbers, links and emails replaced, and the map
// back to the original.
type masked struct {
	text  string
	spans []maskSpan // in increasing order
}

// A maskSpan is one replacement: orig[start:end] became text[mstart:mend].
type maskSpan struct {
	start, end   int
	mstart, mend int
}

// mask replaces links ("[link]"), emails ("[email]") and numbers of 7 or
// more digits ("[number]": phones, cards, accounts, ids, in any spacing,
// with a country code, an id's letter prefix or check letter) in s. Amounts
// stay readable: fewer than 7 digits, or grouped by commas in thousands
// ("3,000,000"); so do dates ("2024-05-01"). The result never holds a run
// of 7 or more digits.
func mask(s string) masked {
	// Links and emails first: they contain digits of their own.
	var links []repl
	for i := 0; i < len(s); {
		if !isURLByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isURLByte(s[j]) {
			j++
		}
		tok := strings.TrimRight(s[i:j], ".,:;!?*&=+-_~#$%/@'")
		if with := classifyToken(tok); with != "" {
			links = append(links, repl{i, i + len(tok), with})
		}
		i = j
	}
	// inLink reports whether offset at lies in a link or email.
	inLink := func(at int) bool {
		k := sort.Search(len(links), func(k int) bool { return links[k].end > at })
		return k < len(links) && links[k].start <= at
	}
	// Then numbers, outside links and emails.
	var nums []repl
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsDigit(r) || inLink(i) {
			i += size
			continue
		}
		start, end, digits := i, i+size, 1
		for j := end; j < len(s); {
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsDigit(r) {
				if inLink(j) {
					break
				}
				digits++
				j += size
				end = j
				continue
			}
			// A short run of separators joins digit groups: "138 1234 5678",
			// "+86-138-1234-5678", "(852) 9123 4567", "6222 0212 3456".
			k, seps := j, 0
			for k < len(s) && seps <= maxNumberSeps {
				r, size := utf8.DecodeRuneInString(s[k:])
				if !isNumberSep(r) {
					break
				}
				seps++
				k += size
			}
			if seps == 0 || seps > maxNumberSeps || k >= len(s) {
				break
			}
			if r, _ := utf8.DecodeRuneInString(s[k:]); !unicode.IsDigit(r) || inLink(k) {
				break
			}
			j = k
		}
		i = end
		tok := s[start:end]
		if digits < minMaskedDigits || isAmount(tok) || isDate(tok) {
			continue
		}
		start, end = widenNumber(s, start, end)
		if n := len(nums); n > 0 && start < nums[n-1].end {
			start = nums[n-1].end // a letter glued between two numbers
		}
		nums = append(nums, repl{start, end, maskNumber})
	}
	if len(links) == 0 && len(nums) == 0 {
		return masked{text: s}
	}
	rs := append(links, nums...)
	sort.Slice(rs, func(a, b int) bool { return rs[a].start < rs[b].start })
	var b strings.Builder
	b.Grow(len(s))
	m := masked{spans: make([]maskSpan, 0, len(rs))}
	at := 0
	for _, r := range rs {
		if r.start < at {
			// A number widened into a link's last letter: keep what is
			// left of it masked as well.
			r.start = at
		}
		if r.end <= r.start {
			continue
		}
		b.WriteString(s[at:r.start])
		ms := b.Len()
		b.WriteString(r.with)
		m.spans = append(m.spans, maskSpan{r.start, r.end, ms, b.Len()})
		at = r.end
	}
	b.WriteString(s[at:])
	m.text = b.String()
	return m
}

// maxNumberSeps is the longest run of separators between two digit groups
// of one number (" - " in "+86 - 138").
const maxNumberSeps = 4

// A repl replaces s[start:end] with with.
type repl struct {
	start, end int
	with       string
}

// widenNumber extends a number to the marks that belong to it: a leading
// "+" or "(", a trailing ")" when an opening one is inside, one or two
// letters glued in front of it (an id's "A" or "HK"), and one letter glued
// behind it (the "X" of a Chinese id, the check letter of a Singapore NRIC).
func widenNumber(s string, start, end int) (int, int) {
	tok := s[start:end]
	if strings.Count(tok, "(")+strings.Count(tok, "（") > strings.Count(tok, ")")+strings.Count(tok, "）") {
		if strings.HasPrefix(s[end:], ")") {
			end++
		} else if strings.HasPrefix(s[end:], "）") {
			end += len("）")
		}
	}
	if r, size := utf8.DecodeLastRuneInString(s[:start]); r == '+' || r == '＋' {
		start -= size
	} else if r == '(' || r == '（' {
		if strings.Count(tok, ")")+strings.Count(tok, "）") > strings.Count(tok, "(")+strings.Count(tok, "（") {
			start -= size
		}
	} else {
		// Letters glued in front, when they begin a word.
		k := start
		for k > 0 && start-k < 3 && isASCIILetter(s[k-1]) {
			k--
		}
		if n := start - k; n >= 1 && n <= 2 && (k == 0 || !isASCIILetter(s[k-1])) {
			start = k
		}
	}
	if end < len(s) && isASCIILetter(s[end]) && (end+1 == len(s) || !isASCIILetter(s[end+1])) {
		end++
	}
	return start, end
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isNumberSep reports whether r may stand between the digit groups of one
// number. Line breaks may not: they separate the lines of a list of amounts.
func isNumberSep(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u3000', '-', '.', '(', ')', '/', ',',
		'－', '（', '）', '．', '，', '–', '—', '_':
		return true
	}
	return false
}

// isAmount reports whether tok is a number grouped by commas in
// thousands, like "3,000,000" or "12,500.50": a sum of money, not a phone.
func isAmount(tok string) bool {
	intPart, frac, hasFrac := strings.Cut(tok, ".")
	if hasFrac && (len(frac) == 0 || len(frac) > 2 || !allASCIIDigits(frac)) {
		return false
	}
	groups := strings.Split(intPart, ",")
	if len(groups) < 2 || len(groups[0]) == 0 || len(groups[0]) > 3 || !allASCIIDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allASCIIDigits(g) {
			return false
		}
	}
	return true
}

// isDate reports whether tok is a date: 2024-05-01, 2024/5/1 or 2024.5.1.
func isDate(tok string) bool {
	if len(tok) < 8 || len(tok) > 10 || !(strings.HasPrefix(tok, "19") || strings.HasPrefix(tok, "20")) {
		return false
	}
	sep := tok[4]
	if sep != '-' && sep != '/' && sep != '.' {
		return false
	}
	parts := strings.Split(tok, string(sep))
	if len(parts) != 3 || len(parts[0]) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || !allASCIIDigits(p) {
			return false
		}
	}
	return len(parts[1]) <= 2 && len(parts[2]) <= 2
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isURLByte reports whether c may be part of a link or an email address as
// people write them in running text.
func isURLByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#@!$&*+=%", c) >= 0
}

// classifyToken says what a run of URL characters is: maskLink,
// maskEmail, or "" for neither.
func classifyToken(tok string) string {
	lower := strings.ToLower(tok)
	if strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.") && len(lower) > 4 {
		return maskLink
	}
	if at := strings.IndexByte(lower, '@'); at > 0 {
		if host := lower[at+1:]; isHost(host, false) {
			return maskEmail
		}
	}
	host, _, _ := strings.Cut(lower, "/")
	if isHost(host, true) {
		return maskLink
	}
	return ""
}

// isHost reports whether h is a domain name (labels joined by dots, the
// last a top-level domain of letters). Outside emails only the top-level
// domains scam links use count, so that "e.g." or "Node.js" stay text.
func isHost(h string, knownTLD bool) bool {
	h, _, _ = strings.Cut(h, ":") // a port
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	if !knownTLD {
		return true
	}
	_, ok := linkTLDs[tld]
	return ok
}

// linkTLDs are the top-level domains that make a bare "name.tld" a link.
var linkTLDs = map[string]struct{}{
	"com": {}, "net": {}, "org": {}, "cn": {}, "hk": {}, "tw": {}, "mo": {}, "sg": {}, "my": {},
	"io": {}, "co": {}, "me": {}, "ly": {}, "cc": {}, "top": {}, "xyz": {}, "vip": {}, "info": {},
	"app": {}, "shop": {}, "site": {}, "online": {}, "link": {}, "club": {}, "biz": {}, "pro": {},
	"live": {}, "store": {}, "tech": {}, "cloud": {}, "fun": {}, "icu": {}, "work": {}, "asia": {},
	"uk": {}, "us": {}, "ru": {}, "tk": {}, "ml": {}, "ga": {}, "cf": {}, "gq": {}, "in": {}, "to": {},
}

// origRange maps the range [ms, me) of the masked text back to the
// original. A range that begins or ends inside a placeholder maps to
// nothing.
func (m masked) origRange(ms, me int) (int, int, bool) {
	start, ok := m.origOffset(ms)
	if !ok {
		return 0, 0, false
	}
	end, ok := m.origOffset(me)
	if !ok || end < start {
		return 0, 0, false
	}
	return start, end, true
}

func (m masked) origOffset(mo int) (int, bool) {
	// The first span that does not end before mo.
	k := sort.Search(len(m.spans), func(k int) bool { return m.spans[k].mend >= mo })
	shift := 0 // original offset minus masked offset, before span k
	if k > 0 {
		shift = m.spans[k-1].end - m.spans[k-1].mend
	}
	if k == len(m.spans) || mo <= m.spans[k].mstart {
		return mo + shift, true
	}
	if mo == m.spans[k].mend {
		return m.spans[k].end, true
	}
	return 0, false
}
