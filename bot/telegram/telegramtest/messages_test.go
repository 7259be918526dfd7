package telegramtest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

func TestSendMessage(t *testing.T) {
	clock := newClock()
	srv, bot := started(t, telegramtest.Options{Now: clock.Now})
	msg := tgbotapi.NewMessage(ann.ID, "Is this a scam?")
	msg.ReplyMarkup = keyboard("yes", "no")
	msg.ReplyToMessageID = 1
	m := mustSend(t, bot, msg)
	if m.MessageID != 2 || m.Chat.ID != ann.ID || m.From == nil || !m.From.IsBot || m.From.ID != 42 {
		t.Errorf("message = %+v, want id 2 in ann's chat from the bot", m)
	}
	if m.Text != "Is this a scam?" || m.Date != int(clock.Now().Unix()) {
		t.Errorf("text %q date %d, want the text and %d (seconds)", m.Text, m.Date, clock.Now().Unix())
	}
	if m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard[0]) != 2 ||
		*m.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "no" {
		t.Errorf("reply markup = %+v, want the keyboard echoed", m.ReplyMarkup)
	}
	if m.ReplyToMessage == nil || m.ReplyToMessage.Text != "/start" {
		t.Errorf("reply_to_message = %+v, want ann's /start", m.ReplyToMessage)
	}
	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("Sent = %+v", sent)
	}
	s := sent[0]
	if s.ChatID != ann.ID || s.MessageID != 2 || s.Text != "Is this a scam?" || s.ReplyToMessageID != 1 ||
		!s.Time.Equal(clock.Now()) || strings.Join(s.ReplyMarkup.CallbackData(), ",") != "yes,no" {
		t.Errorf("SentMessage = %+v", s)
	}

	// Reply keyboards are not echoed in the result but are recorded.
	rk := tgbotapi.NewMessage(ann.ID, "Pick")
	rk.ReplyMarkup = tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButton("English")))
	if m := mustSend(t, bot, rk); m.ReplyMarkup != nil {
		t.Errorf("reply keyboard echoed: %+v", m.ReplyMarkup)
	}
	msgs := srv.Messages(ann.ID)
	if last := msgs[len(msgs)-1]; last.Markup() == nil || last.Markup().Keyboard[0][0].Text != "English" {
		t.Errorf("stored markup = %+v, want the reply keyboard", last.Markup())
	}
}

func TestSendMessageErrors(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	srv.AddUser(bob) // known (e.g. from a group) but never wrote to the bot
	srv.SendText(telegramtest.PrivateChat(carol), carol, "/start")
	srv.Block(carol.ID)
	srv.AddChat(telegramtest.GroupChat(-555, "old group"))
	srv.MigrateChat(-555, -1009999)

	text := func(s string) tgbotapi.MessageConfig { return tgbotapi.NewMessage(ann.ID, s) }
	withMode := func(s, mode string) tgbotapi.MessageConfig {
		m := text(s)
		m.ParseMode = mode
		return m
	}
	tests := []struct {
		name string
		msg  tgbotapi.MessageConfig
		code int
		desc string
	}{
		{"unknown chat", tgbotapi.NewMessage(999, "hi"), 400, "Bad Request: chat not found"},
		{"unknown username", tgbotapi.NewMessageToChannel("@nosuchchannel", "hi"), 400, "Bad Request: chat not found"},
		{"no chat id", tgbotapi.MessageConfig{Text: "hi"}, 400, "Bad Request: chat_id is empty"},
		{"empty text", text(""), 400, "Bad Request: message text is empty"},
		{"blank text", text(" \n "), 400, "Bad Request: text must be non-empty"},
		{"empty after parsing", withMode("<b> </b>", "HTML"), 400, "Bad Request: text must be non-empty"},
		{"over 32768 bytes", text(strings.Repeat("a", 32769)), 400, "Bad Request: text is too long"},
		{"parse mode", withMode("hi", "HTML5"), 400, "Bad Request: unsupported parse_mode"},
		{"never started", tgbotapi.NewMessage(bob.ID, "hi"), 403, "Forbidden: bot can't initiate conversation with a user"},
		{"blocked", tgbotapi.NewMessage(carol.ID, "hi"), 403, "Forbidden: bot was blocked by the user"},
		{"reply to nothing", func() tgbotapi.MessageConfig {
			m := text("hi")
			m.ReplyToMessageID = 77
			return m
		}(), 400, "Bad Request: message to be replied not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Send(tt.msg)
			wantAPIError(t, err, tt.code, tt.desc)
		})
	}

	t.Run("reply allowed without the original", func(t *testing.T) {
		m := text("hi")
		m.ReplyToMessageID = 77
		m.AllowSendingWithoutReply = true
		if got := mustSend(t, bot, m); got.ReplyToMessage != nil {
			t.Errorf("reply_to_message = %+v, want none", got.ReplyToMessage)
		}
	})
	t.Run("migrated group", func(t *testing.T) {
		_, err := bot.Send(tgbotapi.NewMessage(-555, "hi"))
		apiErr := wantAPIError(t, err, 400, "Bad Request: group chat was upgraded to a supergroup chat")
		if apiErr.MigrateToChatID != -1009999 {
			t.Errorf("MigrateToChatID = %d, want -1009999", apiErr.MigrateToChatID)
		}
	})
	if n := len(srv.Sent()); n != 1 {
		t.Errorf("%d messages accepted, want 1", n)
	}
}

func TestParseEntityErrors(t *testing.T) {
	_, bot := started(t, telegramtest.Options{})
	prefix := "Bad Request: can't parse entities: "
	tests := []struct {
		mode, text, reason string
	}{
		{"HTML", "a<br>b", `Unsupported start tag "br" at byte offset 1`},
		{"HTML", "<p>x</p>", `Unsupported start tag "p" at byte offset 0`},
		{"HTML", "<b>bold", `Can't find end tag corresponding to start tag "b"`},
		{"HTML", "<b>x</i>", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"HTML", "x</b>", `Unexpected end tag at byte offset 1`},
		{"HTML", "x <b", `Unclosed start tag at byte offset 2`},
		{"HTML", "1 < 2", `Unsupported start tag "" at byte offset 2`},
		{"HTML", `<span class="x">s</span>`, `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"MarkdownV2", "Total: 5.00", `Character '.' is reserved and must be escaped with the preceding '\'`},
		{"MarkdownV2", "call +44", `Character '+' is reserved and must be escaped with the preceding '\'`},
		{"MarkdownV2", "(hi)", `Character '(' is reserved and must be escaped with the preceding '\'`},
		{"MarkdownV2", "a *bold", `Can't find end of Bold entity at byte offset 2`},
		{"MarkdownV2", "x _it", `Can't find end of Italic entity at byte offset 2`},
		{"MarkdownV2", "[link](http://x.com", `Can't find end of a URL at byte offset 7`},
		{"Markdown", "a *bold", `Can't find end of the entity starting at byte offset 2`},
		{"Markdown", "snake_case", `Can't find end of the entity starting at byte offset 5`},
	}
	for _, tt := range tests {
		t.Run(tt.mode+" "+tt.text, func(t *testing.T) {
			m := tgbotapi.NewMessage(ann.ID, tt.text)
			m.ParseMode = tt.mode
			_, err := bot.Send(m)
			wantAPIError(t, err, http.StatusBadRequest, prefix+tt.reason)
		})
	}
}

func TestParseEntities(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	tests := []struct {
		mode, text, want string
		entities         []tgbotapi.MessageEntity
	}{
		{"HTML", `<b>Scam</b> alert: <a href="example.com">details</a> &amp; <i>more</i>`,
			"Scam alert: details & more", []tgbotapi.MessageEntity{
				{Type: "bold", Offset: 0, Length: 4},
				{Type: "text_link", Offset: 12, Length: 7, URL: "http://example.com/"},
				{Type: "italic", Offset: 22, Length: 4},
			}},
		{"HTML", "<pre><code class=\"language-go\">x := 1</code></pre>", "x := 1", []tgbotapi.MessageEntity{
			{Type: "pre", Offset: 0, Length: 6, Language: "go"},
		}},
		// Offsets count UTF-16 units: the emoji takes two.
		{"MarkdownV2", `😀 *bold* \. __under__ ||spoiler||`, "😀 bold . under spoiler", []tgbotapi.MessageEntity{
			{Type: "bold", Offset: 3, Length: 4},
			{Type: "underline", Offset: 10, Length: 5},
			{Type: "spoiler", Offset: 16, Length: 7},
		}},
		{"MarkdownV2", "[site](https://example.com/a\\)b)", "site", []tgbotapi.MessageEntity{
			{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.com/a)b"},
		}},
		{"Markdown", "*b* _i_ `c` [l](http://example.org)", "b i c l", []tgbotapi.MessageEntity{
			{Type: "bold", Offset: 0, Length: 1},
			{Type: "italic", Offset: 2, Length: 1},
			{Type: "code", Offset: 4, Length: 1},
			{Type: "text_link", Offset: 6, Length: 1, URL: "http://example.org/"},
		}},
		// Inside code only ` and \ are special.
		{"MarkdownV2", "`a.b` ```go\nfmt.Println()```", "a.b fmt.Println()", []tgbotapi.MessageEntity{
			{Type: "code", Offset: 0, Length: 3},
			{Type: "pre", Offset: 4, Length: 13, Language: "go"},
		}},
		{"MarkdownV2", ">quote line\nafter", "quote line\nafter", []tgbotapi.MessageEntity{
			{Type: "blockquote", Offset: 0, Length: 11},
		}},
		{"HTML", `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &#128512;<blockquote expandable>x</blockquote>`,
			"👍 😀x", []tgbotapi.MessageEntity{
				{Type: "custom_emoji", Offset: 0, Length: 2},
				{Type: "expandable_blockquote", Offset: 5, Length: 1},
			}},
		{"", "  plain *text*  \n", "plain *text*", nil},
	}
	for _, tt := range tests {
		t.Run(tt.mode+" "+tt.text, func(t *testing.T) {
			m := tgbotapi.NewMessage(ann.ID, tt.text)
			m.ParseMode = tt.mode
			got := mustSend(t, bot, m)
			if got.Text != tt.want {
				t.Errorf("text = %q, want %q", got.Text, tt.want)
			}
			if len(got.Entities) != len(tt.entities) {
				t.Fatalf("entities = %+v, want %+v", got.Entities, tt.entities)
			}
			for i, e := range tt.entities {
				g := got.Entities[i]
				if g.Type != e.Type || g.Offset != e.Offset || g.Length != e.Length || g.URL != e.URL || g.Language != e.Language {
					t.Errorf("entity %d = %+v, want %+v", i, g, e)
				}
			}
		})
	}
	if sent := srv.Sent(); sent[0].RawText == sent[0].Text || sent[0].ParseMode != "HTML" {
		t.Errorf("SentMessage keeps raw text and parse mode: %+v", sent[0])
	}
}

func TestMessageLengthAfterParsing(t *testing.T) {
	_, bot := started(t, telegramtest.Options{})
	tests := []struct {
		name string
		text string
		mode string
		ok   bool
	}{
		{"4096 ASCII", strings.Repeat("a", 4096), "", true},
		{"4097 ASCII", strings.Repeat("a", 4097), "", false},
		{"4096 Cyrillic in tags", "<b>" + strings.Repeat("я", 4096) + "</b>", "HTML", true},
		{"4097 Cyrillic in tags", "<b>" + strings.Repeat("я", 4097) + "</b>", "HTML", false},
		{"4096 emoji (8192 UTF-16 units)", strings.Repeat("😀", 4096), "", true},
		{"4097 emoji", strings.Repeat("😀", 4097), "", false},
		{"4096 after escapes", strings.Repeat(`\.`, 4096), "MarkdownV2", true},
		{"4096 plus trailing spaces", strings.Repeat("a", 4096) + "   ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tgbotapi.NewMessage(ann.ID, tt.text)
			m.ParseMode = tt.mode
			_, err := bot.Send(m)
			if tt.ok && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !tt.ok {
				wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is too long")
			}
		})
	}
}

func TestReplyMarkupValidation(t *testing.T) {
	_, bot := started(t, telegramtest.Options{})
	empty := ""
	tests := []struct {
		name   string
		markup any
		desc   string // "" means accepted
	}{
		{"64 bytes of callback data", keyboard(strings.Repeat("é", 32)), ""},
		{"65 bytes of callback data", keyboard(strings.Repeat("é", 32) + "a"), "Bad Request: BUTTON_DATA_INVALID"},
		{"33 two-byte runes", keyboard(strings.Repeat("ж", 33)), "Bad Request: BUTTON_DATA_INVALID"},
		{"8 in a row", keyboard("1", "2", "3", "4", "5", "6", "7", "8"), ""},
		{"9 in a row", keyboard("1", "2", "3", "4", "5", "6", "7", "8", "9"), "Bad Request: reply markup is too long"},
		{"101 buttons", func() tgbotapi.InlineKeyboardMarkup {
			var rows [][]tgbotapi.InlineKeyboardButton
			for i := range 13 {
				var row []tgbotapi.InlineKeyboardButton
				for j := range 8 {
					if i*8+j < 101 {
						row = append(row, tgbotapi.NewInlineKeyboardButtonData("b", "d"))
					}
				}
				rows = append(rows, row)
			}
			return tgbotapi.NewInlineKeyboardMarkup(rows...)
		}(), "Bad Request: reply markup is too long"},
		{"text-only button", tgbotapi.NewInlineKeyboardMarkup([]tgbotapi.InlineKeyboardButton{
			{Text: "no action", CallbackData: &empty},
		}), "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"url button", tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonURL("Report", "https://t.me/scambot_test_bot?start=report"))), ""},
		{"bad url", tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonURL("x", "http://localhost/report"))),
			"Bad Request: inline keyboard button URL 'http://localhost/report' is invalid: Wrong HTTP URL"},
		{"keyboard removal", tgbotapi.NewRemoveKeyboard(true), ""},
		{"force reply", tgbotapi.ForceReply{ForceReply: true, InputFieldPlaceholder: "number"}, ""},
		{"not an object", []int{1}, "Bad Request: object expected as reply markup"},
		{"rows not arrays", map[string]any{"inline_keyboard": []any{"x"}},
			"Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays"},
		{"button without text", map[string]any{"inline_keyboard": [][]map[string]any{{{"callback_data": "x"}}}},
			"Bad Request: can't parse inline keyboard button: Can't find field \"text\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tgbotapi.NewMessage(ann.ID, "pick one")
			m.ReplyMarkup = tt.markup
			_, err := bot.Send(m)
			if tt.desc == "" {
				if err != nil {
					t.Errorf("rejected: %v", err)
				}
				return
			}
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
}

func TestEditMessage(t *testing.T) {
	clock := newClock()
	srv, bot := started(t, telegramtest.Options{Now: clock.Now})
	msg := tgbotapi.NewMessage(ann.ID, "Checking…")
	msg.ReplyMarkup = keyboard("cancel")
	m := mustSend(t, bot, msg)

	// Same text and same keyboard: not modified.
	same := tgbotapi.NewEditMessageTextAndMarkup(ann.ID, m.MessageID, "Checking…", keyboard("cancel"))
	_, err := bot.Send(same)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message "+
		"content and reply markup are exactly the same as a current content and reply markup of the message")

	// New text without reply_markup: edited, and the keyboard is gone.
	clock.Advance(time.Minute)
	edited := mustSend(t, bot, tgbotapi.NewEditMessageText(ann.ID, m.MessageID, "<b>Done</b>"))
	if edited.Text != "<b>Done</b>" || edited.ReplyMarkup != nil || edited.EditDate != int(clock.Now().Unix()) {
		t.Errorf("edited = %+v", edited)
	}
	cur, _ := srv.Message(ann.ID, m.MessageID)
	if cur.Text != "<b>Done</b>" || cur.Markup() != nil {
		t.Errorf("stored message = %+v", cur)
	}
	// The same text parsed as HTML differs (entities): modified.
	html := tgbotapi.NewEditMessageText(ann.ID, m.MessageID, "<b>Done</b>")
	html.ParseMode = tgbotapi.ModeHTML
	if got := mustSend(t, bot, html); got.Text != "Done" || len(got.Entities) != 1 {
		t.Errorf("HTML edit = %+v", got)
	}
	_, err = bot.Send(html)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message "+
		"content and reply markup are exactly the same as a current content and reply markup of the message")

	// Markup edits.
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(ann.ID, m.MessageID, keyboard("again"))); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(ann.ID, m.MessageID, keyboard("again")))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message "+
		"content and reply markup are exactly the same as a current content and reply markup of the message")
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(ann.ID, m.MessageID, keyboard(strings.Repeat("x", 65))))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: BUTTON_DATA_INVALID")

	tests := []struct {
		name string
		c    tgbotapi.Chattable
		desc string
	}{
		{"missing message", tgbotapi.NewEditMessageText(ann.ID, 999, "x"), "Bad Request: message to edit not found"},
		{"missing markup target", tgbotapi.NewEditMessageReplyMarkup(ann.ID, 999, keyboard("a")), "Bad Request: message to edit not found"},
		{"user's message", tgbotapi.NewEditMessageText(ann.ID, 1, "x"), "Bad Request: message can't be edited"},
		{"empty text", tgbotapi.NewEditMessageText(ann.ID, m.MessageID, ""), "Bad Request: message text is empty"},
		{"too long", tgbotapi.NewEditMessageText(ann.ID, m.MessageID, strings.Repeat("a", 4097)), "Bad Request: message is too long"},
		{"unknown chat", tgbotapi.NewEditMessageText(5, 1, "x"), "Bad Request: chat not found"},
		{"inline message", tgbotapi.EditMessageTextConfig{BaseEdit: tgbotapi.BaseEdit{InlineMessageID: "AgAAA"}, Text: "x"},
			"Bad Request: MESSAGE_ID_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Send(tt.c)
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
}

func TestDeleteMessage(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	m := mustSend(t, bot, tgbotapi.NewMessage(ann.ID, "bye"))
	resp := mustRequest(t, bot, tgbotapi.NewDeleteMessage(ann.ID, m.MessageID))
	if string(resp.Result) != "true" {
		t.Errorf("result = %s, want true", resp.Result)
	}
	_, err := bot.Request(tgbotapi.NewDeleteMessage(ann.ID, m.MessageID))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message to delete not found")
	_, err = bot.Request(tgbotapi.NewDeleteMessage(ann.ID, 0))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message identifier is not specified")

	// In a group the bot may delete others' messages only as an admin.
	srv.AddChat(group)
	srv.SendText(group, bob, "/start")
	_, err = bot.Request(tgbotapi.NewDeleteMessage(group.ID, 1))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message can't be deleted")
	srv.SetAdmins(group.ID, carol.ID, srv.Bot().ID)
	mustRequest(t, bot, tgbotapi.NewDeleteMessage(group.ID, 1))
	if n := len(srv.Messages(ann.ID)); n != 1 {
		t.Errorf("ann's chat has %d messages, want only /start", n)
	}
}

func TestSendChatAction(t *testing.T) {
	_, bot := started(t, telegramtest.Options{})
	mustRequest(t, bot, tgbotapi.NewChatAction(ann.ID, tgbotapi.ChatTyping))
	_, err := bot.Request(tgbotapi.NewChatAction(ann.ID, "dancing"))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: wrong parameter action in request")
	_, err = bot.Request(tgbotapi.NewChatAction(31337, tgbotapi.ChatTyping))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: chat not found")
}

func TestConcurrentSends(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	users := make([]telegramtest.User, 20)
	for i := range users {
		users[i] = telegramtest.User{ID: int64(2000 + i), FirstName: "U"}
		srv.SendText(telegramtest.PrivateChat(users[i]), users[i], "/start")
	}
	errc := make(chan error, len(users)*5)
	for _, u := range users {
		go func() {
			for range 5 {
				_, err := bot.Send(tgbotapi.NewMessage(u.ID, "hi"))
				errc <- err
			}
		}()
	}
	for range len(users) * 5 {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
	for _, u := range users {
		ids := map[int]bool{}
		for _, m := range srv.SentTo(u.ID) {
			ids[m.MessageID] = true
		}
		if len(ids) != 5 {
			t.Errorf("user %d: %d distinct message ids, want 5", u.ID, len(ids))
		}
	}
}
