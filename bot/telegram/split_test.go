package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	para := func(n int, r string) string { return strings.Repeat(r, n) }
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"exact", "0123456789", 10, []string{"0123456789"}},
		{"empty", "", 10, nil},
		{"blank", " \n\n ", 10, nil},
		{"paragraphs", "aaaa\n\nbbbb\n\ncccc", 11, []string{"aaaa\n\nbbbb", "cccc"}},
		{"lines", "aaaa\nbbbb\ncccc", 10, []string{"aaaa\nbbbb", "cccc"}},
		{"words", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"runes", "一二三四五六七八九十一二", 5, []string{"一二三四五", "六七八九十", "一二"}},
		{"paragraph before line", "aa\n\nbbbbbb\ncc", 12, []string{"aa\n\nbbbbbb", "cc"}},
		{"too early a break", "a\n" + para(20, "b"), 10, []string{"a\nbbbbbbbb", "bbbbbbbbbb", "bb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, tt.max)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

// TestSplitLimits: any text, cut to Telegram's limit, gives parts within
// it that keep every non-space character in order.
func TestSplitLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 40000; i++ {
		switch i % 7 {
		case 0:
			b.WriteString("\n\n")
		case 3:
			b.WriteString("\n")
		default:
			b.WriteString("骗子让你借钱刷流水 then buy gift cards 🎁 ")
		}
	}
	b.WriteString(strings.Repeat("x", 9000)) // one long word
	text := b.String()
	parts := Split(text, MaxText)
	if len(parts) < 3 {
		t.Fatalf("Split gave %d parts", len(parts))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > MaxText || n == 0 {
			t.Errorf("part %d has %d characters", i, n)
		}
		if strings.TrimSpace(p) != p {
			t.Errorf("part %d has whitespace at an end", i)
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if squash(strings.Join(parts, "")) != squash(text) {
		t.Error("the parts do not hold the text")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("hello\n\nworld", 5)
	f.Add("一二三 四五六\n七八九", 3)
	f.Add("\xff\xfe bad utf8", 2)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 1 || max > 100 {
			max = 1 + (max&0x7fffffff)%100
		}
		for _, p := range Split(text, max) {
			if p == "" || utf8.RuneCountInString(p) > max {
				t.Fatalf("Split(%q, %d) gave part %q", text, max, p)
			}
		}
	})
}
