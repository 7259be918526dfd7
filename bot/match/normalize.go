package match

import (
	"unicode"
	"unicode/utf8"
)

// Separators in normalised text. Phrases never contain them, so a phrase
// never matches across a clause.
const (
	ClauseSep   = ';' // from , ， 、 ; ； : ：
	SentenceSep = '.' // from . 。 ! ！ ? ？ … and line breaks; also a decimal point between digits
)

// t2sDense maps a code point in [t2sLo, t2sHi] to its Simplified form, or 0
// when it has none. It is built once from the generated pairs.
var t2sDense = buildT2S()

const t2sLo, t2sHi = 0x3400, 0x9fff

func buildT2S() *[t2sHi - t2sLo + 1]uint16 {
	var t [t2sHi - t2sLo + 1]uint16
	for i := 0; i+1 < len(t2sPairs); i += 2 {
		t[t2sPairs[i]-t2sLo] = t2sPairs[i+1]
	}
	return &t
}

// ToSimplified returns the Simplified Chinese form of a Traditional (or
// Hong Kong / Taiwan variant) character, and any other rune unchanged.
func ToSimplified(r rune) rune {
	if r >= t2sLo && r <= t2sHi {
		if s := t2sDense[r-t2sLo]; s != 0 {
			return rune(s)
		}
	}
	return r
}

type kind uint8

const (
	kNone  kind = iota // start of text or after a separator
	kAlnum             // ASCII letter or digit
	kWide              // any other letter (Han, kana, Hangul, accented Latin...)
)

// A normalizer appends normalised runes to out and, for every rune written,
// the source byte offset of the rune that produced it to offs.
type normalizer struct {
	out       []rune
	offs      []int32
	last      kind
	gap       bool // whitespace or a symbol since the last letter
	wordStart int  // start in out of the current ASCII word, or -1
	skipNext  bool // the next rune was consumed by a contraction
}

// Normalize appends the normalised form of src to dst and returns it. If
// offs is not nil, it also appends, for each byte appended to dst, the byte
// offset in src of the rune that produced it, and returns the extended
// slice; evidence for a match can then be cut from src.
//
// The normalised form: ASCII letters lower-cased and English words reduced
// to a stem ("borrowed", "borrowing" -> "borrow"; "didn't" -> "did not");
// full-width forms folded to ASCII; Traditional characters to Simplified;
// zero-width characters dropped; emoji, symbols and whitespace removed
// between Chinese characters and reduced to one space between words;
// clause punctuation to ';' and sentence punctuation to '.'. Normalize is
// idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(dst []byte, offs []int32, src string) ([]byte, []int32) {
	var roffs []int32
	if offs != nil {
		roffs = make([]int32, 0, len(src))
	}
	runes, roffs := normalizeRunes(make([]rune, 0, len(src)), roffs, src)
	var buf [utf8.UTFMax]byte
	for i, r := range runes {
		k := utf8.EncodeRune(buf[:], r)
		dst = append(dst, buf[:k]...)
		if offs != nil {
			for j := 0; j < k; j++ {
				offs = append(offs, roffs[i])
			}
		}
	}
	return dst, offs
}

// normalizeRunes is Normalize on runes: one rune of output per character,
// which is what the automaton reads. offs, if not nil, gets one source byte
// offset per rune.
func normalizeRunes(dst []rune, offs []int32, src string) ([]rune, []int32) {
	n := normalizer{out: dst, offs: offs, wordStart: -1}
	base := len(dst)
	n.last = kNone
	for i := 0; i < len(src); {
		c := src[i]
		var r rune
		size := 1
		switch {
		case c < utf8.RuneSelf:
			r = rune(c)
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(src) && src[i+1]&0xC0 == 0x80 && src[i+2]&0xC0 == 0x80:
			// Three-byte sequences without the overlong (E0) and surrogate
			// (ED) cases: all CJK, decoded inline.
			r = rune(c&0x0F)<<12 | rune(src[i+1]&0x3F)<<6 | rune(src[i+2]&0x3F)
			size = 3
		default:
			r, size = utf8.DecodeRuneInString(src[i:])
		}
		if n.skipNext {
			n.skipNext = false
		} else {
			n.rune(src, i, size, r)
		}
		i += size
	}
	n.endWord()
	// Trim a trailing separator or space.
	for len(n.out) > base {
		b := n.out[len(n.out)-1]
		if b != ' ' && b != ClauseSep && b != SentenceSep {
			break
		}
		n.out = n.out[:len(n.out)-1]
		if n.offs != nil {
			n.offs = n.offs[:len(n.out)]
		}
	}
	return n.out, n.offs
}

func (n *normalizer) emit(r rune, at int) {
	n.out = append(n.out, r)
	if n.offs != nil {
		n.offs = append(n.offs, int32(at))
	}
}

func (n *normalizer) rune(src string, at, size int, r rune) {
	// Fast path: CJK ideographs, most of Chinese text. They have no case;
	// only the Traditional-to-Simplified table applies.
	if r >= t2sLo && r <= t2sHi && (r <= 0x4DBF || r >= 0x4E00) {
		n.wide(at, ToSimplified(r))
		return
	}
	// Fold full-width ASCII and the ideographic space.
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	case r == 0x3000:
		r = ' '
	}
	switch {
	case r < utf8.RuneSelf:
		n.ascii(src, at, size, byte(r))
		return
	case isIgnorable(r):
		return
	}
	switch r {
	case '，', '、', '；', '：', '﹐', '､':
		n.sep(ClauseSep, at)
		return
	case '。', '！', '？', '…', '｡', '\u2028', '\u2029', '\u0085':
		n.sep(SentenceSep, at)
		return
	case '’', '‘', 'ʼ':
		n.apostrophe(src, at, size)
		return
	}
	if unicode.IsLetter(r) || unicode.Is(unicode.Han, r) {
		r = ToSimplified(unicode.ToLower(r))
		if r < utf8.RuneSelf {
			// Some letters lower-case to ASCII (İ -> i, the Kelvin sign -> k).
			n.ascii(src, at, size, byte(r))
			return
		}
		n.wide(at, r)
		return
	}
	if unicode.IsDigit(r) {
		// Other decimal digits (full-width ones were folded above) are kept.
		n.wide(at, r)
		return
	}
	// Other punctuation, symbols, emoji, marks and spaces: a gap.
	if unicode.IsPunct(r) {
		n.sep(ClauseSep, at)
		return
	}
	n.endWord()
	n.gap = true
}

// wide writes a non-ASCII letter.
func (n *normalizer) wide(at int, r rune) {
	n.endWord()
	if n.last == kAlnum {
		n.emit(' ', at)
	}
	n.emit(r, at)
	n.last = kWide
	n.gap = false
}

func (n *normalizer) ascii(src string, at, size int, c byte) {
	switch {
	case c >= 'A' && c <= 'Z':
		c += 'a' - 'A'
		fallthrough
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		if n.last == kWide || (n.last == kAlnum && n.gap) {
			n.endWord()
			n.emit(' ', at)
		}
		if n.wordStart < 0 {
			n.wordStart = len(n.out)
		}
		n.emit(rune(c), at)
		n.last = kAlnum
		n.gap = false
		return
	case c == '\'':
		n.apostrophe(src, at, size)
		return
	case c == '.' || c == ',':
		// Between digits: a decimal point is kept, a thousands separator dropped.
		if n.last == kAlnum && !n.gap && len(n.out) > 0 && isDigitRune(n.out[len(n.out)-1]) &&
			at+1 < len(src) && isDigit(src[at+1]) {
			if c == '.' {
				n.emit('.', at)
			}
			return
		}
		if c == '.' {
			n.sep(SentenceSep, at)
		} else {
			n.sep(ClauseSep, at)
		}
		return
	case c == ';' || c == ':':
		n.sep(ClauseSep, at)
		return
	case c == '!' || c == '?' || c == '\n' || c == '\r':
		n.sep(SentenceSep, at)
		return
	}
	// Space, tab, other ASCII punctuation and symbols: a gap.
	n.endWord()
	n.gap = true
}

// apostrophe turns "n't" into " not" and otherwise splits words.
func (n *normalizer) apostrophe(src string, at, size int) {
	next := at + size
	if n.wordStart >= 0 && len(n.out)-n.wordStart >= 2 && n.out[len(n.out)-1] == 'n' &&
		next < len(src) && (src[next] == 't' || src[next] == 'T') &&
		(next+1 == len(src) || !isAlnum(lower(src[next+1]))) {
		w := n.out[n.wordStart : len(n.out)-1]
		can, will := eqASCII(w, "ca"), eqASCII(w, "wo")
		n.out = n.out[:len(n.out)-1]
		if n.offs != nil {
			n.offs = n.offs[:len(n.out)]
		}
		switch {
		case can: // can't: keep "can"
			n.emit('n', at)
		case will: // won't: "will"
			n.out[len(n.out)-1] = 'i'
			n.emit('l', at)
			n.emit('l', at)
		}
		n.endWord()
		n.emit(' ', at)
		n.emit('n', at)
		n.emit('o', at)
		n.emit('t', next)
		n.last = kAlnum
		n.gap = true
		n.skipNext = true
		return
	}
	n.endWord()
	n.gap = true
}

func (n *normalizer) sep(b rune, at int) {
	n.endWord()
	n.gap = false
	if n.last == kNone {
		if b == SentenceSep && len(n.out) > 0 && n.out[len(n.out)-1] == ClauseSep {
			n.out[len(n.out)-1] = SentenceSep
		}
		return
	}
	n.emit(b, at)
	n.last = kNone
}

// endWord stems the ASCII word being written, if any.
func (n *normalizer) endWord() {
	if n.wordStart < 0 {
		return
	}
	w := n.out[n.wordStart:]
	k := stem(w)
	n.out = n.out[:n.wordStart+k]
	if n.offs != nil {
		n.offs = n.offs[:len(n.out)]
	}
	n.wordStart = -1
}

func isIgnorable(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0xFEFF, r >= 0xFE00 && r <= 0xFE0F,
		r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return unicode.Is(unicode.Mn, r)
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isDigitRune(c rune) bool { return c >= '0' && c <= '9' }
func isAlnumRune(c rune) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// eqASCII reports whether the runes spell the ASCII string s.
func eqASCII(w []rune, s string) bool {
	if len(w) != len(s) {
		return false
	}
	for i := range w {
		if w[i] != rune(s[i]) {
			return false
		}
	}
	return true
}
func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
