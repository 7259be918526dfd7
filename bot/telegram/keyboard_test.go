package telegram

import (
	"errors"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot"
)

func TestCheckCallbackData(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"a:1:who:courier", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{strings.Repeat("一", 21), true},  // 63 bytes
		{strings.Repeat("一", 22), false}, // 66 bytes, 22 characters: the limit is bytes
		{"", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		err := CheckCallbackData(tt.id)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrCallbackData)) {
			t.Errorf("CheckCallbackData(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
	}
}

func TestKeyboard(t *testing.T) {
	long := strings.Repeat("z", 65)
	rows, dropped := keyboard([]bot.Choice{
		{ID: "result", Label: "Result", Row: 2},
		{ID: "a:1:q:yes", Label: "Yes", Row: 0},
		{ID: long, Label: "Too long", Row: 0},
		{ID: "a:1:q:no", Label: "No", Row: 0},
		{ID: "back", Label: " ", Row: 2},
	})
	if len(dropped) != 1 || !errors.Is(dropped[0], ErrCallbackData) {
		t.Errorf("dropped = %v, want the 65-byte id", dropped)
	}
	var got []string
	for _, r := range rows {
		var ids []string
		for _, b := range r {
			ids = append(ids, b.Data+"="+b.Text)
		}
		got = append(got, strings.Join(ids, ","))
	}
	want := []string{"a:1:q:yes=Yes,a:1:q:no=No", "result=Result,back=back"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows = %q, want %q", got, want)
	}

	var many []bot.Choice
	for i := range 120 {
		many = append(many, bot.Choice{ID: "c" + string(rune('a'+i%26)), Label: "x", Row: i / 12})
	}
	rows, dropped = keyboard(many)
	n := 0
	for _, r := range rows {
		if len(r) > maxRowButtons {
			t.Errorf("a row of %d buttons", len(r))
		}
		n += len(r)
	}
	if n != maxButtons || len(dropped) != 1 {
		t.Errorf("%d buttons kept, %d problems reported; want %d and 1", n, len(dropped), maxButtons)
	}
	if rows, _ := keyboard(nil); rows != nil || markup(rows) != nil {
		t.Errorf("no choices gave a keyboard")
	}
}

func TestMarkupURLButton(t *testing.T) {
	kb := markup([][]button{{{Text: "Check privately", URL: "https://t.me/x_bot?start=check"}, {Text: "B", Data: "d"}}})
	b := kb.InlineKeyboard[0]
	if b[0].URL == nil || *b[0].URL != "https://t.me/x_bot?start=check" || b[0].CallbackData != nil {
		t.Errorf("URL button = %+v", b[0])
	}
	if b[1].CallbackData == nil || *b[1].CallbackData != "d" {
		t.Errorf("callback button = %+v", b[1])
	}
}
