package telegramtest_test

import (
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// TestInlineResultChecks: answerInlineQuery refuses what the real server
// refuses in a result (an article without text or title, a markup that is
// not an inline keyboard, bad buttons) and in the button above the results
// (the start parameter's length and characters), with its descriptions.
func TestInlineResultChecks(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	qid := srv.SendInlineQuery(ann, "courier")
	article := func(mod func(a *tgbotapi.InlineQueryResultArticle)) []any {
		a := tgbotapi.NewInlineQueryResultArticle("card-1", "Fake courier", "⚠️ Scam warning: fake courier")
		mod(&a)
		return []any{a}
	}
	urlKB := func(u string) *tgbotapi.InlineKeyboardMarkup {
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Check", u)))
		return &kb
	}
	tests := []struct {
		name string
		cfg  tgbotapi.InlineConfig
		desc string
	}{
		{"empty text", tgbotapi.InlineConfig{Results: article(func(a *tgbotapi.InlineQueryResultArticle) {
			a.InputMessageContent = tgbotapi.InputTextMessageContent{Text: ""}
		})}, "Bad Request: can't parse inline query result: Input message content is not specified"},
		{"no content", tgbotapi.InlineConfig{Results: article(func(a *tgbotapi.InlineQueryResultArticle) {
			a.InputMessageContent = nil
		})}, `Bad Request: can't parse inline query result: Can't find field "message_text"`},
		{"no title", tgbotapi.InlineConfig{Results: []any{map[string]any{
			"type": "article", "id": "x", "input_message_content": map[string]any{"message_text": "hi"},
		}}}, `Bad Request: can't parse inline query result: Can't find field "title"`},
		{"bad markdown", tgbotapi.InlineConfig{Results: article(func(a *tgbotapi.InlineQueryResultArticle) {
			a.InputMessageContent = tgbotapi.InputTextMessageContent{Text: "a.b", ParseMode: "MarkdownV2"}
		})}, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"},
		{"reply keyboard", tgbotapi.InlineConfig{Results: []any{map[string]any{
			"type": "article", "id": "x", "title": "t", "input_message_content": map[string]any{"message_text": "hi"},
			"reply_markup": map[string]any{"keyboard": [][]string{{"yes"}}},
		}}}, "Bad Request: inline keyboard expected"},
		{"bad URL", tgbotapi.InlineConfig{Results: article(func(a *tgbotapi.InlineQueryResultArticle) {
			a.ReplyMarkup = urlKB("http://")
		})}, "Bad Request: inline keyboard button URL 'http://' is invalid: Wrong HTTP URL"},
		{"long callback data", tgbotapi.InlineConfig{Results: article(func(a *tgbotapi.InlineQueryResultArticle) {
			kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
			a.ReplyMarkup = &kb
		})}, "Bad Request: BUTTON_DATA_INVALID"},
		{"empty start parameter", tgbotapi.InlineConfig{SwitchPMText: "Check privately"},
			"Bad Request: can't use empty start_parameter"},
		{"long start parameter", tgbotapi.InlineConfig{SwitchPMText: "Check", SwitchPMParameter: strings.Repeat("a", 65)},
			"Bad Request: too long start_parameter specified"},
		{"bad start parameter", tgbotapi.InlineConfig{SwitchPMText: "Check", SwitchPMParameter: "card fake"},
			"Bad Request: unallowed characters in start_parameter are used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.InlineQueryID = qid
			_, err := bot.Request(tt.cfg)
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
	if n := len(srv.InlineAnswers()); n != 0 {
		t.Fatalf("%d refused answers were recorded", n)
	}
	// A good answer, with a deep-link URL button on the result and the
	// button above the results, is taken and recorded.
	good := article(func(a *tgbotapi.InlineQueryResultArticle) {
		a.ReplyMarkup = urlKB("https://t.me/" + telegramtest.DefaultBotUsername + "?start=card-courier")
	})
	mustRequest(t, bot, tgbotapi.InlineConfig{InlineQueryID: qid, Results: good, IsPersonal: true,
		SwitchPMText: "Check privately", SwitchPMParameter: "check"})
	a := srv.InlineAnswers()
	if len(a) != 1 || a[0].ButtonText != "Check privately" || a[0].StartParameter != "check" || !a[0].IsPersonal || len(a[0].Results) != 1 {
		t.Fatalf("InlineAnswers = %+v", a)
	}
}
