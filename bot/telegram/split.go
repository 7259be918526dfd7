package telegram

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the longest text Telegram accepts in one message, in Unicode
// code points (sendMessage and editMessageText: "1-4096 characters after
// entities parsing"; TDLib counts code points).
const MaxText = 4096

// Split cuts text into parts of at most max code points each, so that each
// can be sent as one message. It cuts at the last paragraph break (a blank
// line) that fits, else at the last line break, else at the last space,
// else between two code points; the whitespace at a cut is dropped. Parts
// are never empty; a text that is empty or only whitespace gives no parts.
// max < 1 means MaxText.
func Split(text string, max int) []string {
	if max < 1 {
		max = MaxText
	}
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	var parts []string
	for text != "" {
		if utf8.RuneCountInString(text) <= max {
			parts = append(parts, text)
			break
		}
		head := prefixRunes(text, max) // the longest prefix that fits, in bytes
		cut := cutPoint(text[:head])
		if cut <= 0 {
			cut = head
		}
		part := strings.TrimRightFunc(text[:cut], unicode.IsSpace)
		if part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeftFunc(text[cut:], func(r rune) bool { return r == '\n' || r == '\r' || r == ' ' })
	}
	return parts
}

// cutPoint returns the byte offset in head at which to cut: after the last
// paragraph break, else the last line break, else the last space; 0 if
// there is none in the second half of head (cutting earlier would make
// needlessly many parts).
func cutPoint(head string) int {
	half := len(head) / 2
	if i := strings.LastIndex(head, "\n\n"); i > 0 && i >= half/2 {
		return i + 1
	}
	if i := strings.LastIndexByte(head, '\n'); i > 0 && i >= half {
		return i + 1
	}
	if i := strings.LastIndexByte(head, ' '); i > 0 && i >= half {
		return i + 1
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
