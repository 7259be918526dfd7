package telegramtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

const queryTooOld = "Bad Request: query is too old and response timeout expired or query ID is invalid"

func TestCallbackQuery(t *testing.T) {
	clock := newClock()
	srv, bot := started(t, telegramtest.Options{Now: clock.Now})
	chat := telegramtest.PrivateChat(ann)
	msg := tgbotapi.NewMessage(ann.ID, "Did they ask for a code?")
	msg.ReplyMarkup = keyboard("q1:yes", "q1:no")
	m := mustSend(t, bot, msg)

	qid := srv.PressButton(chat, ann, m.MessageID, "q1:no")
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: 2})
	if len(us) != 1 || us[0].CallbackQuery == nil {
		t.Fatalf("updates = %+v, want one callback query", us)
	}
	cq := us[0].CallbackQuery
	if cq.ID != qid || cq.Data != "q1:no" || cq.From.ID != ann.ID || cq.Message.MessageID != m.MessageID ||
		cq.Message.Chat.ID != ann.ID || cq.ChatInstance == "" {
		t.Errorf("callback query = %+v", cq)
	}

	// The client's Send expects a Message; the result is true.
	_, err := bot.Send(tgbotapi.NewCallback(qid, "Noted"))
	if err == nil || !strings.Contains(err.Error(), "cannot unmarshal bool") {
		t.Errorf("Send(answerCallbackQuery) = %v, want the client's unmarshal error on true", err)
	}
	// That Send did answer the query: answering again fails.
	_, err = bot.Request(tgbotapi.NewCallback(qid, "again"))
	wantAPIError(t, err, http.StatusBadRequest, queryTooOld)
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].QueryID != qid || a[0].Text != "Noted" {
		t.Errorf("CallbackAnswers = %+v", a)
	}

	// Late answers fail.
	late := srv.PressButton(chat, ann, m.MessageID, "q1:yes")
	clock.Advance(telegramtest.DefaultCallbackDeadline + time.Second)
	_, err = bot.Request(tgbotapi.NewCallback(late, ""))
	wantAPIError(t, err, http.StatusBadRequest, queryTooOld)

	// A longer deadline applies to pending queries too.
	slow := srv.PressButton(chat, ann, m.MessageID, "q1:yes")
	clock.Advance(20 * time.Second)
	srv.SetCallbackDeadline(time.Minute)
	mustRequest(t, bot, tgbotapi.NewCallbackWithAlert(slow, "ok"))

	// Unknown ids and over-long texts.
	_, err = bot.Request(tgbotapi.NewCallback("123", ""))
	wantAPIError(t, err, http.StatusBadRequest, queryTooOld)
	long := srv.PressButton(chat, ann, m.MessageID, "q1:yes")
	_, err = bot.Request(tgbotapi.NewCallback(long, strings.Repeat("ы", 201)))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: MESSAGE_TOO_LONG")
	mustRequest(t, bot, tgbotapi.NewCallback(long, strings.Repeat("ы", 200)))
}

func TestPressButtonChecksTheKeyboard(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := telegramtest.NewServer(rec)
	defer rec.runCleanups()
	bot := newBot(t, srv)
	chat := telegramtest.PrivateChat(ann)
	srv.SendText(chat, ann, "/start")
	msg := tgbotapi.NewMessage(ann.ID, "pick")
	msg.ReplyMarkup = keyboard("a")
	m := mustSend(t, bot, msg)
	if id := srv.PressButton(chat, ann, m.MessageID, "b"); id != "" {
		t.Errorf("pressing a missing button gave %q", id)
	}
	if id := srv.PressButton(chat, ann, 1, "a"); id != "" {
		t.Errorf("pressing a button on the user's own message gave %q", id)
	}
	if errs := rec.Errors(); len(errs) != 2 {
		t.Errorf("reported %q, want 2 errors", errs)
	}
	// After an edit removes the keyboard, its buttons cannot be pressed.
	mustSend(t, bot, tgbotapi.NewEditMessageText(ann.ID, m.MessageID, "done"))
	srv.PressButton(chat, ann, m.MessageID, "a")
	if errs := rec.Errors(); len(errs) != 3 {
		t.Errorf("pressing a removed button: %d errors, want 3", len(errs))
	}
}

func TestInlineQuery(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	qid := srv.SendInlineQuery(ann, "+44 20")
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{})
	if len(us) != 1 || us[0].InlineQuery == nil || us[0].InlineQuery.ID != qid || us[0].InlineQuery.Query != "+44 20" {
		t.Fatalf("updates = %+v", us)
	}
	results := func(n int, id func(int) string) []any {
		var out []any
		for i := range n {
			out = append(out, tgbotapi.NewInlineQueryResultArticle(id(i), "title", "text"))
		}
		return out
	}
	seq := func(i int) string { return fmt.Sprint("r", i) }
	tests := []struct {
		name    string
		results []any
		desc    string
	}{
		{"51 results", results(51, seq), "Bad Request: too many inline query results specified"},
		{"65-byte id", results(1, func(int) string { return strings.Repeat("i", 65) }), "Bad Request: RESULT_ID_INVALID"},
		{"duplicate ids", results(2, func(int) string { return "same" }), "Bad Request: RESULT_ID_DUPLICATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Request(tgbotapi.InlineConfig{InlineQueryID: qid, Results: tt.results})
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
	mustRequest(t, bot, tgbotapi.InlineConfig{InlineQueryID: qid, Results: results(50, seq), CacheTime: 5})
	_, err := bot.Request(tgbotapi.InlineConfig{InlineQueryID: qid, Results: results(1, seq)})
	wantAPIError(t, err, http.StatusBadRequest, queryTooOld)
	if a := srv.InlineAnswers(); len(a) != 1 || len(a[0].Results) != 50 || a[0].CacheTime != 5 {
		t.Errorf("InlineAnswers = %+v", a)
	}
}

func TestMyCommands(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	cmds := []tgbotapi.BotCommand{
		{Command: "/start", Description: "Start"},
		{Command: "check", Description: "  Check a message  "},
	}
	mustRequest(t, bot, tgbotapi.NewSetMyCommands(cmds...))
	got, err := bot.GetMyCommands()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Command != "start" || got[1].Description != "Check a message" {
		t.Errorf("commands = %+v, want /start without the slash and a trimmed description", got)
	}

	// Per scope and language.
	admins := tgbotapi.NewBotCommandScopeAllChatAdministrators()
	mustRequest(t, bot, tgbotapi.NewSetMyCommandsWithScopeAndLanguage(admins, "ru",
		tgbotapi.BotCommand{Command: "ban", Description: "Забанить"}))
	if got := srv.Commands(telegramtest.CommandScope{Type: "all_chat_administrators"}, "ru"); len(got) != 1 || got[0].Command != "ban" {
		t.Errorf("admin ru commands = %+v", got)
	}
	if got, _ := bot.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScope(admins)); len(got) != 0 {
		t.Errorf("admin commands without language = %+v, want none", got)
	}
	mustRequest(t, bot, tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(admins, "ru"))
	if got := srv.Commands(telegramtest.CommandScope{Type: "all_chat_administrators"}, "ru"); len(got) != 0 {
		t.Errorf("after delete = %+v", got)
	}

	many := make([]tgbotapi.BotCommand, 101)
	for i := range many {
		many[i] = tgbotapi.BotCommand{Command: fmt.Sprint("c", i), Description: "d"}
	}
	tests := []struct {
		name string
		c    tgbotapi.SetMyCommandsConfig
		desc string
	}{
		{"upper case", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Start", Description: "x"}), "Bad Request: BOT_COMMAND_INVALID"},
		{"hyphen", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "check-number", Description: "x"}), "Bad Request: BOT_COMMAND_INVALID"},
		{"cyrillic", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "старт", Description: "x"}), "Bad Request: BOT_COMMAND_INVALID"},
		{"33 characters", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: strings.Repeat("a", 33), Description: "x"}),
			"Bad Request: command length must not exceed 32"},
		{"only a slash", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "/", Description: "x"}), "Bad Request: command must be non-empty"},
		{"no description", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "a", Description: " "}),
			"Bad Request: command description must be non-empty"},
		{"257-character description", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "a", Description: strings.Repeat("ж", 257)}),
			"Bad Request: command description length must not exceed 256"},
		{"101 commands", tgbotapi.NewSetMyCommands(many...), "Bad Request: BOT_COMMANDS_TOO_MUCH"},
		// v5.5.1 encodes a nil slice as null, which the server rejects.
		{"nil slice", tgbotapi.NewSetMyCommands(), "Bad Request: expected an Array of BotCommand"},
		{"bad language", tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "eng",
			tgbotapi.BotCommand{Command: "a", Description: "b"}), "Bad Request: invalid language code specified"},
		{"unknown chat scope", tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(-100777),
			tgbotapi.BotCommand{Command: "a", Description: "b"}), "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Request(tt.c)
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
	ok := make([]tgbotapi.BotCommand, 100)
	copy(ok, many)
	mustRequest(t, bot, tgbotapi.NewSetMyCommands(ok...))
}

func TestChatMembers(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	srv.SendText(group, bob, "/check")
	srv.SetAdmins(group.ID, carol.ID, srv.Bot().ID)
	srv.SetMemberStatus(group.ID, 1004, "kicked")
	srv.AddUser(telegramtest.User{ID: 1004, FirstName: "Dan"})

	admins, err := bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: group.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(admins) != 2 || admins[0].Status != "creator" || admins[0].User.ID != carol.ID ||
		admins[1].Status != "administrator" || !admins[1].User.IsBot || !admins[1].CanDeleteMessages {
		t.Errorf("admins = %+v", admins)
	}
	_, err = bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: ann.ID}})
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: there are no administrators in the private chat")

	member := func(chat, user int64) (tgbotapi.ChatMember, error) {
		return bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chat, UserID: user}})
	}
	for _, tt := range []struct {
		user   int64
		status string
	}{{carol.ID, "creator"}, {bob.ID, "member"}, {ann.ID, "left"}, {1004, "kicked"}, {srv.Bot().ID, "administrator"}} {
		m, err := member(group.ID, tt.user)
		if err != nil || m.Status != tt.status || m.User.ID != tt.user {
			t.Errorf("member %d = %+v, %v; want %s", tt.user, m, err, tt.status)
		}
	}
	_, err = member(group.ID, 5555)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: user not found")
	_, err = member(group.ID, 0)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: invalid user_id specified")

	chat, err := bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: group.ID}})
	if err != nil || chat.Type != "supergroup" || chat.Title != "Scam watchers" {
		t.Errorf("GetChat = %+v, %v", chat, err)
	}
	_, err = bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: -42}})
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: chat not found")
}
