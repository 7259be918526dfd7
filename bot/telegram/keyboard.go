package telegram

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
)

// Keyboard limits. Telegram documents only the callback_data size; the
// others are community measurements that the real server enforces with
// "reply markup is too long".
const (
	MaxCallbackData = 64  // bytes of callback_data
	maxRowButtons   = 8   // buttons in one row
	maxButtons      = 100 // buttons in one keyboard
	maxButtonText   = 64  // characters of a label we send (Telegram cuts long ones)
)

// ErrCallbackData means a choice id cannot be a Telegram callback_data: it
// is empty, longer than MaxCallbackData bytes or not valid UTF-8.
var ErrCallbackData = errors.New("choice id does not fit in callback_data")

// CheckCallbackData reports whether id can be sent as callback_data:
// 1-64 bytes of valid UTF-8. The core's ids are short ASCII; an id that
// does not fit is a bug in the core or the catalogue, never user input.
func CheckCallbackData(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrCallbackData)
	case len(id) > MaxCallbackData:
		return fmt.Errorf("%w: %d bytes, limit %d", ErrCallbackData, len(id), MaxCallbackData)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: not UTF-8", ErrCallbackData)
	}
	return nil
}

// A button is one inline keyboard button as stored in the outbox: a
// callback button (Data) or a URL button.
type button struct {
	Text string `json:"t"`
	Data string `json:"d,omitempty"`
	URL  string `json:"u,omitempty"`
}

// keyboard lays choices out in rows by Choice.Row (rows in increasing
// order, choices in their order within a row). Choices whose id cannot be
// callback_data are left out and returned in dropped, for the caller to
// log; they are never sent, since Telegram would refuse the whole message.
// A row of more than 8 buttons is wrapped; buttons past 100 are dropped.
func keyboard(choices []bot.Choice) (rows [][]button, dropped []error) {
	if len(choices) == 0 {
		return nil, nil
	}
	byRow := map[int][]button{}
	var order []int
	n := 0
	for _, c := range choices {
		if err := CheckCallbackData(c.ID); err != nil {
			dropped = append(dropped, err)
			continue
		}
		label := strings.TrimSpace(c.Label)
		if label == "" {
			label = c.ID
		}
		if n == maxButtons {
			dropped = append(dropped, fmt.Errorf("more than %d buttons", maxButtons))
			break
		}
		n++
		if _, seen := byRow[c.Row]; !seen {
			order = append(order, c.Row)
		}
		byRow[c.Row] = append(byRow[c.Row], button{Text: shorten(label, maxButtonText), Data: c.ID})
	}
	sort.Ints(order)
	for _, r := range order {
		row := byRow[r]
		for len(row) > maxRowButtons {
			rows = append(rows, row[:maxRowButtons])
			row = row[maxRowButtons:]
		}
		rows = append(rows, row)
	}
	return rows, dropped
}

// markup converts stored rows to the client library's inline keyboard; nil
// for no rows.
func markup(rows [][]button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := make([][]tgbotapi.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		kb[i] = make([]tgbotapi.InlineKeyboardButton, len(row))
		for j, b := range row {
			if b.URL != "" {
				kb[i][j] = tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL)
			} else {
				kb[i][j] = tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data)
			}
		}
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// shorten cuts s to at most n code points, ending with "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return s[:prefixRunes(s, n-1)] + "…"
}
