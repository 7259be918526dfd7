package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

func updateIDs(us []tgbotapi.Update) []int {
	ids := make([]int, len(us))
	for i, u := range us {
		ids[i] = u.UpdateID
	}
	return ids
}

func getUpdates(t *testing.T, bot *tgbotapi.BotAPI, cfg tgbotapi.UpdateConfig) []tgbotapi.Update {
	t.Helper()
	us, err := bot.GetUpdates(cfg)
	if err != nil {
		t.Fatalf("GetUpdates(%+v): %v", cfg, err)
	}
	return us
}

func TestSendTextCommands(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	chat := telegramtest.PrivateChat(ann)
	srv.SendText(chat, ann, "/start ref_42")
	srv.SendText(chat, ann, "/check@scambot_test_bot +44 20 7946 0958")
	srv.SendText(chat, ann, "just text /notacommand")
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{})
	if len(us) != 3 {
		t.Fatalf("got %d updates, want 3", len(us))
	}
	tests := []struct {
		isCmd bool
		cmd   string
		args  string
	}{
		{true, "start", "ref_42"},
		{true, "check", "+44 20 7946 0958"},
		{false, "", ""},
	}
	for i, tt := range tests {
		m := us[i].Message
		if m.IsCommand() != tt.isCmd || m.Command() != tt.cmd || (tt.isCmd && m.CommandArguments() != tt.args) {
			t.Errorf("update %d %q: IsCommand=%v Command=%q Args=%q, want %v %q %q",
				i, m.Text, m.IsCommand(), m.Command(), m.CommandArguments(), tt.isCmd, tt.cmd, tt.args)
		}
		if m.From.ID != ann.ID || m.Chat.ID != ann.ID || m.Chat.Type != "private" || m.MessageID != i+1 {
			t.Errorf("update %d: from %d chat %d %s id %d", i, m.From.ID, m.Chat.ID, m.Chat.Type, m.MessageID)
		}
		if d := time.Since(m.Time()); d < -time.Minute || d > time.Minute {
			t.Errorf("update %d: date %d is not Unix seconds now", i, m.Date)
		}
	}
}

func TestGetUpdatesOffset(t *testing.T) {
	srv := telegramtest.NewServerWithOptions(t, telegramtest.Options{FirstUpdateID: 500})
	bot := newBot(t, srv)
	chat := telegramtest.PrivateChat(ann)
	for _, text := range []string{"one", "two", "three"} {
		srv.SendText(chat, ann, text)
	}

	// Without an offset nothing is confirmed: the same updates come back.
	for range 2 {
		if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{})); !slices.Equal(got, []int{500, 501, 502}) {
			t.Fatalf("ids = %v, want [500 501 502]", got)
		}
	}
	// limit is honoured.
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{Limit: 2})); !slices.Equal(got, []int{500, 501}) {
		t.Errorf("limit 2: ids = %v, want [500 501]", got)
	}
	// An offset confirms the ids below it, for good.
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: 501})); !slices.Equal(got, []int{501, 502}) {
		t.Errorf("offset 501: ids = %v, want [501 502]", got)
	}
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{})); !slices.Equal(got, []int{501, 502}) {
		t.Errorf("after confirming 500: ids = %v, want [501 502]", got)
	}
	// An offset far in the future is ignored and confirms nothing.
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: 9999})); !slices.Equal(got, []int{501, 502}) {
		t.Errorf("offset 9999: ids = %v, want [501 502]", got)
	}
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: 503})); len(got) != 0 {
		t.Errorf("offset 503: ids = %v, want none", got)
	}
	if p := srv.PendingUpdates(); len(p) != 0 {
		t.Errorf("pending = %v, want none", p)
	}

	// A negative offset keeps the last -offset updates.
	for _, text := range []string{"four", "five", "six"} {
		srv.SendText(chat, ann, text)
	}
	if got := updateIDs(getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: -1})); !slices.Equal(got, []int{505}) {
		t.Errorf("offset -1: ids = %v, want [505]", got)
	}
	if got := srv.PendingUpdates(); !slices.Equal(got, []int{505}) {
		t.Errorf("pending after offset -1 = %v, want [505]", got)
	}
}

func TestGetUpdatesLimitClamped(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	for range 120 {
		srv.SendText(telegramtest.PrivateChat(ann), ann, "spam")
	}
	if got := getUpdates(t, bot, tgbotapi.UpdateConfig{Limit: 500}); len(got) != 100 {
		t.Errorf("limit 500: %d updates, want 100", len(got))
	}
	if got := getUpdates(t, bot, tgbotapi.UpdateConfig{Limit: -3}); len(got) != 1 {
		t.Errorf("limit -3: %d updates, want 1", len(got))
	}
}

func TestLongPollReturnsWhenUpdateArrives(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	ctx := testContext(t)
	done := make(chan []tgbotapi.Update, 1)
	errc := make(chan error, 1)
	go func() {
		us, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		errc <- err
		done <- us
	}()
	if err := srv.WaitFor(ctx, (*telegramtest.Server).Polling); err != nil {
		t.Fatalf("waiting for the long poll: %v", err)
	}
	start := time.Now()
	id := srv.SendText(telegramtest.PrivateChat(ann), ann, "hello")
	if err := <-errc; err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	us := <-done
	if len(us) != 1 || us[0].UpdateID != id || us[0].Message.Text != "hello" {
		t.Fatalf("updates = %+v, want update %d", us, id)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("long poll answered after %v, want at once", d)
	}
	if srv.Polling() {
		t.Error("Polling() = true after the poll was answered")
	}
}

func TestLongPollTimeout(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	start := time.Now()
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{Timeout: 1})
	if d := time.Since(start); len(us) != 0 || d < 900*time.Millisecond {
		t.Errorf("timeout 1: %d updates after %v, want none after about 1s", len(us), d)
	}
}

func TestLongPollHonoursClientCancellation(t *testing.T) {
	srv := telegramtest.NewServer(t)
	client := srv.Client()
	client.Timeout = 200 * time.Millisecond
	bot, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.URL+"/bot%s/%s", client)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
	if err == nil || errors.As(err, new(*tgbotapi.Error)) {
		t.Fatalf("GetUpdates with a 200ms client timeout: %v, want a transport error", err)
	}
	ctx := testContext(t)
	err = srv.WaitFor(ctx, func(s *telegramtest.Server) bool {
		calls := s.Calls("getUpdates")
		return len(calls) == 1 && calls[0].Status == 0 && !s.Polling()
	})
	if err != nil {
		t.Errorf("the abandoned poll was not released: %v; calls %+v", err, srv.Calls("getUpdates"))
	}
}

func TestOverlappingLongPollsConflict(t *testing.T) {
	srv := telegramtest.NewServer(t)
	first := newBot(t, srv)
	second := newBot(t, srv)
	ctx := testContext(t)

	firstErr := make(chan error, 1)
	go func() {
		_, err := first.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		firstErr <- err
	}()
	if err := srv.WaitFor(ctx, (*telegramtest.Server).Polling); err != nil {
		t.Fatal(err)
	}
	secondDone := make(chan []tgbotapi.Update, 1)
	go func() {
		us, _ := second.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		secondDone <- us
	}()
	wantAPIError(t, <-firstErr, http.StatusConflict,
		"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
	if err := srv.WaitFor(ctx, (*telegramtest.Server).Polling); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(telegramtest.PrivateChat(ann), ann, "hi")
	if us := <-secondDone; len(us) != 1 || us[0].UpdateID != id {
		t.Errorf("second poller got %+v, want update %d", us, id)
	}
}

func TestAllowedUpdates(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	chatMember := json.RawMessage(`{"chat_member":{"chat":{"id":-1001234567890,"type":"supergroup","title":"g"},
		"from":{"id":1001,"is_bot":false,"first_name":"Ann"},"date":1700000000,
		"old_chat_member":{"user":{"id":1002,"is_bot":false,"first_name":"Bob"},"status":"left"},
		"new_chat_member":{"user":{"id":1002,"is_bot":false,"first_name":"Bob"},"status":"member"}}}`)

	// chat_member is not in the default set.
	if id := srv.AddUpdate(chatMember); id != 0 {
		t.Errorf("chat_member by default: id %d, want 0 (dropped)", id)
	}
	getUpdates(t, bot, tgbotapi.UpdateConfig{AllowedUpdates: []string{"message", "chat_member"}})
	id := srv.AddUpdate(chatMember)
	if id == 0 {
		t.Fatal("chat_member after allowing it was dropped")
	}
	// The client sends allowed_updates=null for a nil slice: the setting
	// is kept.
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{})
	if len(us) != 1 || us[0].ChatMember == nil || us[0].ChatMember.NewChatMember.Status != "member" {
		t.Fatalf("updates = %+v, want the chat_member update", us)
	}
	if got := srv.SendInlineQuery(ann, "x"); got == "" {
		t.Fatal("SendInlineQuery returned no id")
	}
	if p := srv.PendingUpdates(); !slices.Equal(p, []int{id}) {
		t.Errorf("pending = %v, want only %d (inline_query not allowed)", p, id)
	}
	// An empty list restores the default.
	getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: id + 1, AllowedUpdates: []string{}})
	if got := srv.AddUpdate(chatMember); got != 0 {
		t.Errorf("chat_member after resetting: id %d, want 0", got)
	}
	if got := srv.SendText(telegramtest.PrivateChat(ann), ann, "hi"); got == 0 {
		t.Error("message after resetting was dropped")
	}
}

func TestAddUpdate(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)

	// A tgbotapi.Update encodes my_chat_member, chat_member and
	// chat_join_request as null; they are ignored.
	edited := tgbotapi.Update{EditedMessage: &tgbotapi.Message{
		MessageID: 7,
		From:      &tgbotapi.User{ID: bob.ID, FirstName: bob.FirstName},
		Chat:      &tgbotapi.Chat{ID: bob.ID, Type: "private", FirstName: bob.FirstName},
		Date:      1700000000,
		EditDate:  1700000100,
		Text:      "edited",
	}}
	id1 := srv.AddUpdate(edited)
	sticker := `{"message":{"message_id":8,"from":{"id":1002,"is_bot":false,"first_name":"Bob"},
		"chat":{"id":1002,"type":"private","first_name":"Bob"},"date":1700000200,
		"sticker":{"file_id":"CAAC","file_unique_id":"u","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}}}`
	id2 := srv.AddUpdate(sticker)
	id3 := srv.AddUpdate(map[string]any{"update_id": 900, "my_chat_member": map[string]any{
		"chat": map[string]any{"id": bob.ID, "type": "private", "first_name": "Bob"},
		"from": bob, "date": 1700000300,
		"old_chat_member": map[string]any{"user": srv.Bot(), "status": "member"},
		"new_chat_member": map[string]any{"user": srv.Bot(), "status": "kicked", "until_date": 0},
	}})
	if id3 != 900 || id2 != id1+1 {
		t.Errorf("ids = %d %d %d, want consecutive then 900", id1, id2, id3)
	}
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{})
	if len(us) != 3 || us[0].EditedMessage == nil || us[0].EditedMessage.Text != "edited" ||
		us[1].Message == nil || us[1].Message.Sticker == nil || us[2].MyChatMember == nil {
		t.Fatalf("updates = %+v", us)
	}
	// Bob blocked the bot (my_chat_member "kicked" in his private chat).
	_, err := bot.Send(tgbotapi.NewMessage(bob.ID, "still there?"))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
}

func TestAddUpdateRejectsNonsense(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := telegramtest.NewServer(rec)
	defer rec.runCleanups()
	for _, bad := range []string{`[]`, `{"update_id":1}`, `{"message":{},"callback_query":{}}`, `{"reaction":{}}`} {
		if id := srv.AddUpdate(bad); id != 0 {
			t.Errorf("AddUpdate(%s) = %d, want 0", bad, id)
		}
	}
	if errs := rec.Errors(); len(errs) != 4 {
		t.Errorf("reported %d errors, want 4: %q", len(errs), errs)
	}
}

func TestDuplicateUpdate(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	id := srv.SendText(telegramtest.PrivateChat(ann), ann, "/check")
	getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: id + 1})
	srv.DuplicateUpdate(id)
	us := getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: id + 1})
	if len(us) != 1 || us[0].UpdateID != id || us[0].Message.Text != "/check" {
		t.Fatalf("after DuplicateUpdate: %+v, want update %d again", us, id)
	}
	if us := getUpdates(t, bot, tgbotapi.UpdateConfig{Offset: id + 1}); len(us) != 0 {
		t.Errorf("duplicate delivered twice: %+v", us)
	}
}

func TestPrivacyMode(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	srv.AddChat(group)
	if id := srv.SendText(group, bob, "this is a scam"); id != 0 {
		t.Errorf("plain group text delivered (id %d) with privacy mode on", id)
	}
	if id := srv.SendText(group, bob, "/check@other_bot"); id != 0 {
		t.Errorf("command for another bot delivered (id %d)", id)
	}
	for _, text := range []string{"/check", "/check@Scambot_Test_Bot now"} {
		if id := srv.SendText(group, bob, text); id == 0 {
			t.Errorf("%q not delivered", text)
		}
	}
	m := mustSend(t, bot, tgbotapi.NewMessage(group.ID, "Send /check to check a number"))
	if id := srv.SendReply(group, bob, m.MessageID, "+44 20 7946 0958"); id == 0 {
		t.Error("reply to the bot not delivered")
	}
	// An administrator bot sees everything.
	srv.SetAdmins(group.ID, carol.ID, srv.Bot().ID)
	if id := srv.SendText(group, bob, "hello"); id == 0 {
		t.Error("plain text not delivered to an admin bot")
	}
	if n := len(srv.Messages(group.ID)); n != 7 {
		t.Errorf("group has %d messages, want 7 (hidden ones are stored too)", n)
	}

	off := telegramtest.NewServerWithOptions(t, telegramtest.Options{PrivacyModeOff: true})
	if id := off.SendText(group, bob, "hello"); id == 0 {
		t.Error("privacy mode off: plain text not delivered")
	}
}

// echoBot is a minimal bot loop on the real client: it answers every text
// with its upper-case form until ctx ends.
func echoBot(ctx context.Context, bot *tgbotapi.BotAPI) error {
	offset := 0
	for ctx.Err() == nil {
		us, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1})
		if err != nil {
			return err
		}
		for _, u := range us {
			offset = u.UpdateID + 1
			if u.Message != nil {
				if _, err := bot.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "ECHO: "+u.Message.Text)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func TestWaitSentWithABotLoop(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() { done <- echoBot(ctx, bot) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("echo bot: %v", err)
		}
	}()

	srv.SendText(telegramtest.PrivateChat(ann), ann, "one")
	srv.SendText(telegramtest.PrivateChat(bob), bob, "two")
	sent, err := srv.WaitSent(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[int64]string{}
	for _, m := range sent {
		texts[m.ChatID] = m.Text
	}
	if texts[ann.ID] != "ECHO: one" || texts[bob.ID] != "ECHO: two" {
		t.Errorf("sent = %+v", sent)
	}
	if got, err := srv.WaitSentTo(ctx, bob.ID, 1); err != nil || got[0].MessageID != 2 {
		t.Errorf("WaitSentTo(bob) = %+v, %v; want message 2", got, err)
	}

	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	if _, err := srv.WaitSent(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitSent for a message that never comes: %v, want DeadlineExceeded", err)
	}
	if _, err := srv.WaitCalls(ctx, "sendMessage", 2); err != nil {
		t.Error(err)
	}
}
