package telegram

import (
	"strings"
	"unicode/utf8"
)

// MaxText is the longest text Telegram accepts in one message, in Unicode
// code points (sendMessage and editMessageText: "1-4096 characters after
// entities parsing"; TDLib counts code points).
const MaxText = 4096

// Split cuts text into parts of at most max code points each, so that each
// can be sent as one message. It cuts at the last paragraph break (a blank
// line) that fits, else at the last line break, else at the last space,
// else between two code points. Each part is trimmed of surrounding
// whitespace (Telegram trims too) and never empty; a text that is empty or
// only whitespace gives no parts.
// max < 1 means MaxText.
func Split(text string, max int) []string {
	if max < 1 {
		max = MaxText
	}
	var parts []string
	for {
		text = strings.TrimSpace(text)
		if text == "" {
			return parts
		}
		if utf8.RuneCountInString(text) <= max {
			return append(parts, text)
		}
		head := prefixRunes(text, max) // the longest prefix that fits, in bytes
		cut := cutPoint(text, head)
		if cut <= 0 {
			cut = head
		}
		if part := strings.TrimSpace(text[:cut]); part != "" {
			parts = append(parts, part)
		}
		text = text[cut:]
	}
}

// cutPoint returns where to end the part of text that must fit in its
// first head bytes: at the last paragraph break (a blank line) that starts
// within them, else the last line break, else the last space; 0 if there is
// none late enough (cutting early would make needlessly many parts).
func cutPoint(text string, head int) int {
	within := func(n int) string { return text[:min(len(text), head+n)] }
	if i := strings.LastIndex(within(2), "\n\n"); i > 0 && i >= head/4 {
		return i
	}
	if i := strings.LastIndexByte(within(1), '\n'); i > 0 && i >= head/2 {
		return i
	}
	if i := strings.LastIndexByte(within(1), ' '); i > 0 && i >= head/2 {
		return i
	}
	return 0
}

// prefixRunes returns the length in bytes of the first n code points of s.
func prefixRunes(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}
