package match

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalize: never panics, output is valid UTF-8 with no separator at
// either end, offsets point into the source, and Normalize is idempotent.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"He told me to BORROW on Jiebei!!", "快遞客服說，您的包裹丟了", "借 呗  微粒贷", "ＡＢＣ１２３",
		"I didn't download it. I can't", "¥3,000 and 3.5w", "v❤信", "借\u200b呗", "n't", "'", "don'", "3. 5",
		"a\xffb", "\u0301e", "wo't", "ca'T x", strings.Repeat("ab, ", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, offs := Normalize(nil, make([]int32, 0), s)
		if !utf8.Valid(out) && utf8.ValidString(s) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, out)
		}
		if len(offs) != len(out) {
			t.Fatalf("Normalize(%q): %d offsets for %d bytes", s, len(offs), len(out))
		}
		for _, o := range offs {
			if o < 0 || int(o) >= len(s) {
				t.Fatalf("Normalize(%q): offset %d outside the source", s, o)
			}
		}
		if len(out) > 0 {
			for _, b := range []byte{out[0], out[len(out)-1]} {
				if b == ' ' || b == ClauseSep || b == SentenceSep {
					t.Fatalf("Normalize(%q) = %q: separator at an end", s, out)
				}
			}
		}
		again, _ := Normalize(nil, nil, string(out))
		if string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}

// FuzzFind: any text, including long and hostile text, is read without a
// panic, and every evidence span lies inside the text.
func FuzzFind(f *testing.F) {
	lx := testLexicon(f)
	for _, s := range []string{
		"他没让我借钱", "He TOLD me to borrow on Jiebei", "听说有人让我借钱的骗局。今天他叫我在微粒贷借",
		strings.Repeat("让我", 3000), strings.Repeat("told me to ", 900) + "jiebei", "没" + strings.Repeat("，", 100) + "验证码",
	} {
		f.Add(s)
	}
	var sc Scratch
	f.Fuzz(func(t *testing.T, s string) {
		for _, fd := range lx.Find(&sc, s) {
			if fd.Start < 0 || fd.End > len(s) || fd.Start > fd.End {
				t.Fatalf("Find(%q): evidence [%d:%d] outside the text", s, fd.Start, fd.End)
			}
		}
		for _, o := range sc.Terms() {
			if o.Start < 0 || o.End > len(s) || o.Start > o.End {
				t.Fatalf("Find(%q): term [%d:%d] outside the text", s, o.Start, o.End)
			}
		}
	})
}

func TestFindOnHugeHostileInput(t *testing.T) {
	lx := testLexicon(t)
	var sc Scratch
	// Many overlapping rule candidates: the rule matcher must stay linear
	// enough that 10,000 characters are read at once.
	s := strings.Repeat("让我借呗", 2500)
	if got := lx.Find(&sc, s); len(got) == 0 {
		t.Fatal("nothing found in a repeated phrase")
	}
}
