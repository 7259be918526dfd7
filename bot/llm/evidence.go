package llm

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scambot/scambot/bot/match"
)

// minEvidenceWeight is how much a quote must say to count as evidence: two
// Chinese characters or four ASCII letters or digits ("借钱", "code").
const minEvidenceWeight = 4

// A finder locates the model's quotes in one user text. Folded forms are
// built on first use and shared by all the quotes of a reply.
type finder struct {
	text   string
	m      masked
	ft, fm *folded
}

func newFinder(text string, m masked) *finder { return &finder{text: text, m: m} }

// locate finds a quote in the user's text and returns the exact original
// substring it stands for. It tries, in order: the quote as is; the quote
// with surrounding quotation marks removed; and each of those after folding
// width, case, Traditional characters and runs of spaces on both sides. A
// quote that copies a placeholder ("尾号[number]") is found in the masked
// text and mapped back. It reports false when the quote is not in the text
// or too short to be evidence.
func (f *finder) locate(quote string) (string, bool) {
	q := strings.TrimSpace(quote)
	cands := make([]string, 0, 2)
	for _, c := range []string{q, strings.TrimSpace(strings.Trim(q, quoteMarks))} {
		if evidenceWeight(c) >= minEvidenceWeight && !slices.Contains(cands, c) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	for _, c := range cands {
		if i := strings.Index(f.text, c); i >= 0 {
			return f.text[i : i+len(c)], true
		}
	}
	if f.ft == nil {
		ft := newFolded(f.text)
		f.ft = &ft
	}
	for k, c := range cands {
		cands[k] = strings.TrimSpace(newFolded(c).s)
		if start, end, ok := f.ft.find(cands[k]); ok {
			return f.text[start:end], true
		}
	}
	if len(f.m.spans) == 0 {
		return "", false
	}
	if f.fm == nil {
		fm := newFolded(f.m.text)
		f.fm = &fm
	}
	for _, c := range cands {
		ms, me, ok := f.fm.find(c)
		if !ok {
			continue
		}
		if start, end, ok := f.m.origRange(ms, me); ok {
			if ev := strings.TrimSpace(f.text[start:end]); ev != "" {
				return ev, true
			}
		}
	}
	return "", false
}

// locate finds one quote in text; see finder.locate.
func locate(text string, m masked, quote string) (string, bool) {
	return newFinder(text, m).locate(quote)
}

// quoteMarks are the marks a model may wrap a quote in.
const quoteMarks = "\"'`“”‘’「」『』《》«»"

// evidenceWeight counts the letters and digits of s: 2 for a wide
// character (Chinese), 1 for any other.
func evidenceWeight(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			w++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w += 2
		}
	}
	return w
}

// A folded text is a text with width, case, Traditional characters,
// quotation marks and runs of spaces folded, and for each of its bytes
// the range of the original it came from.
type folded struct {
	s          string
	start, end []int // by byte of s: the source rune's offsets
}

func newFolded(src string) folded {
	var b strings.Builder
	b.Grow(len(src))
	f := folded{start: make([]int, 0, len(src)), end: make([]int, 0, len(src))}
	emit := func(r rune, at, size int) {
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			f.start = append(f.start, at)
			f.end = append(f.end, at+size)
		}
	}
	space := false
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Invalid UTF-8 stays one byte so offsets stay exact.
			f.start = append(f.start, i)
			f.end = append(f.end, i+1)
			b.WriteByte(src[i])
			space = false
			i++
			continue
		case unicode.IsSpace(r) || r == 0x3000:
			if !space {
				emit(' ', i, size)
			}
			space = true
			i += size
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r == '“' || r == '”' || r == '「' || r == '」':
			r = '"'
		case r == '‘' || r == '’':
			r = '\''
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		emit(match.ToSimplified(r), i, size)
		space = false
		i += size
	}
	f.s = b.String()
	return f
}

// find locates the folded quote q and returns the range of the original
// it covers.
func (f folded) find(q string) (int, int, bool) {
	i := strings.Index(f.s, q)
	if i < 0 || q == "" {
		return 0, 0, false
	}
	return f.start[i], f.end[i+len(q)-1], true
}
