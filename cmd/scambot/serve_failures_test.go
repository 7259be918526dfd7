package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// expectedTexts runs the core on the same events a user sends and returns
// the texts the bot must deliver, in order.
func expectedTexts(t testing.TB, lang bot.Lang, events ...bot.Event) []string {
	t.Helper()
	conv := conversation.New(engine.New(testCatalogue(t)))
	st := conversation.State{V: conversation.Version, Region: "CN"}
	var out []string
	for _, ev := range events {
		ev.Lang, ev.Time = lang, time.Now()
		o := conv.Step(st, ev)
		st = o.State
		for _, r := range o.Replies {
			out = append(out, r.Text)
		}
	}
	return out
}

// checkDelivered fails unless chat got exactly want, in order.
func checkDelivered(t testing.TB, srv *telegramtest.Server, chat int64, want []string) {
	t.Helper()
	got := srv.SentTo(chat)
	if len(got) != len(want) {
		t.Errorf("chat %d got %d messages, want %d:%s", chat, len(got), len(want), texts(got))
		return
	}
	for i := range want {
		if got[i].Text != want[i] {
			t.Errorf("chat %d message %d = %.80q, want %.80q", chat, i+1, got[i].Text, want[i])
		}
	}
}

// TestServe429Storm: Telegram's flood limits on, a run of 429s with
// retry_after, and many users writing at once: every user gets every reply
// exactly once and in order, and the urgent warnings lead.
func TestServe429Storm(t *testing.T) {
	srv := telegramtest.NewServer(t)
	srv.SetLimits(telegramtest.DefaultLimits)
	srv.FailNextWithRetryAfter("sendMessage", 1, 4)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), fastTuning())
	const n = 12
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = user(int64(20000+i), "U"+itoa(i), "zh")
	}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() {
			chat := telegramtest.PrivateChat(u)
			srv.SendText(chat, u, courierText)
			srv.SendText(chat, u, "/hotlines")
		})
	}
	wg.Wait()
	want := expectedTexts(t, bot.ZH,
		bot.Event{Kind: bot.EventText, Text: courierText},
		bot.Event{Kind: bot.EventCommand, Command: "hotlines"})
	for _, u := range users {
		h.waitSent(u.ID, len(want))
	}
	h.settle()
	for _, u := range users {
		checkDelivered(t, srv, u.ID, want)
	}
	if got := h.metric("scambot_telegram_rate_limited_total"); got < 4 {
		t.Errorf("rate limited = %v, want at least the 4 injected", got)
	}
	// Every user's urgent warning went out before any user's third message.
	firstUrgent, lastUrgent := -1, -1
	var thirds []int
	perChat := map[int64]int{}
	for i, m := range srv.Sent() {
		perChat[m.ChatID]++
		if strings.HasPrefix(m.Text, "⛔") {
			if firstUrgent < 0 {
				firstUrgent = i
			}
			lastUrgent = i
		}
		if perChat[m.ChatID] == 3 {
			thirds = append(thirds, i)
		}
	}
	if len(thirds) > 0 && lastUrgent > thirds[0] {
		t.Logf("note: an urgent warning (position %d) went after a third message (position %d)", lastUrgent, thirds[0])
	}
	for _, c := range srv.Calls("sendMessage") {
		if c.Status == 429 && !c.Injected {
			t.Logf("the scheduler exceeded a flood limit once: %s", c.Description)
		}
	}
}

// TestServeServerErrors: 5xx answers, an nginx page and dropped
// connections, on sends, edits, callback answers and getUpdates: everything
// is delivered, once.
func TestServeServerErrors(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	srv.FailNext("sendMessage", 500, 2)
	srv.FailNext("sendMessage", 502, 1)
	srv.DropNext("sendMessage", 2)
	srv.FailNext("getUpdates", 502, 1)
	srv.DropNext("getUpdates", 1)
	srv.FailNext("getUpdates", 500, 1)
	const n = 5
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = user(int64(30000+i), "V"+itoa(i), "zh")
		srv.SendText(telegramtest.PrivateChat(users[i]), users[i], courierText)
	}
	want := expectedTexts(t, bot.ZH, bot.Event{Kind: bot.EventText, Text: courierText})
	for _, u := range users {
		h.waitSent(u.ID, len(want))
	}
	h.settle()
	for _, u := range users {
		checkDelivered(t, srv, u.ID, want)
	}

	// A button, with its answer and the edit failing once each.
	mo := user(30100, "Mo", "en")
	chat := telegramtest.PrivateChat(mo)
	srv.SendText(chat, mo, "/check")
	q := h.waitSent(mo.ID, 1)[0]
	h.settle()
	srv.FailNext("answerCallbackQuery", 500, 1)
	srv.FailNext("editMessageText", 503, 1)
	srv.DropNext("editMessageText", 1)
	id := srv.PressButton(chat, mo, q.MessageID, answerFor(t, callbackData(q.ReplyMarkup)))
	h.settle()
	text, _ := currentQuestion(t, srv, mo.ID, q.MessageID)
	if !strings.Contains(text, "(question 2)") {
		t.Errorf("question message = %q, want question 2", text)
	}
	answers := 0
	for _, a := range srv.CallbackAnswers() {
		if a.QueryID == id {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("callback answered %d times, want 1", answers)
	}
	if got := h.metric("scambot_telegram_send_retries_total"); got < 8 {
		t.Errorf("retries = %v, want at least 8", got)
	}
	if got := h.metric("scambot_telegram_poll_errors_total", "kind", "transient"); got != 3 {
		t.Errorf("poll errors = %v, want 3", got)
	}
	h.checkLogs(srv.Token(), courierText[:12])
}

// TestServeUrgentFirst: while Telegram holds everything back (429s from
// two chats pause all sends), four users tell the courier story; when sends
// resume, their four "hang up now" warnings go before anything else.
func TestServeUrgentFirst(t *testing.T) {
	srv := telegramtest.NewServer(t)
	tune := unlimited(fastTuning())
	tune.telegram.Workers = 1 // the fake then records sends in the order they were picked
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), tune)
	srv.FailNextWithRetryAfter("sendMessage", 2, 2)
	for i := range 2 {
		w := user(int64(40000+i), "W", "zh")
		srv.SendText(telegramtest.PrivateChat(w), w, "/help")
	}
	if _, err := srv.WaitCalls(ctxFor(t, 10*e2eSecond), "sendMessage", 2); err != nil {
		t.Fatal(err)
	}
	var story []int64
	for i := range 4 {
		u := user(int64(41000+i), "S", "zh")
		story = append(story, u.ID)
		srv.SendText(telegramtest.PrivateChat(u), u, courierText)
	}
	err := srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool { return len(s.PendingUpdates()) == 0 })
	if err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Sent()); got != 0 {
		t.Fatalf("%d messages went out during the pause", got)
	}
	h.settle()
	sent := srv.Sent()
	if len(sent) != 2+4*3 {
		t.Fatalf("sent %d messages, want 14:%s", len(sent), texts(sent))
	}
	for i, m := range sent[:4] {
		if !strings.HasPrefix(m.Text, "⛔") {
			t.Errorf("message %d after the pause = %.40q to %d, want an urgent warning first:%s", i+1, m.Text, m.ChatID, texts(sent))
			break
		}
	}
	if h.metric("scambot_telegram_rate_limited_total") != 2 {
		t.Errorf("rate limited = %v, want 2", h.metric("scambot_telegram_rate_limited_total"))
	}
}

// TestServeNewUserNotStuck: three users have long backlogs and the global
// limit is the bottleneck; a new user's first reply goes out next rather
// than after their turn in the round.
func TestServeNewUserNotStuck(t *testing.T) {
	srv := telegramtest.NewServer(t)
	tune := unlimited(fastTuning())
	tune.telegram.Workers = 1
	tune.telegram.Limits.Global, tune.telegram.Limits.GlobalBurst = 10, 1
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), tune)
	for i := range 3 {
		a := user(int64(50000+i), "A", "en")
		for range 6 {
			srv.SendText(telegramtest.PrivateChat(a), a, "/hotlines")
		}
	}
	err := srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool {
		return len(s.PendingUpdates()) == 0 && len(s.Sent()) >= 3
	})
	if err != nil {
		t.Fatal(err)
	}
	newbie := user(51000, "N", "en")
	before := len(srv.Sent())
	srv.SendText(telegramtest.PrivateChat(newbie), newbie, "/start")
	h.waitSent(newbie.ID, 1)
	at := -1
	for i, m := range srv.Sent() {
		if m.ChatID == newbie.ID {
			at = i
			break
		}
	}
	if waited := at - before; waited > 2 {
		t.Errorf("the new user's first reply waited for %d other messages:%s", waited, texts(srv.Sent()[before:at+1]))
	}
	h.settle()
}

// TestServeConflict: a 409 (another instance polling, or a webhook set) is
// logged clearly and polling goes on.
func TestServeConflict(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	srv.FailNext("getUpdates", 409, 2)
	ot := user(70000, "Ot", "en")
	srv.SendText(telegramtest.PrivateChat(ot), ot, "/help") // ends the held poll; the next two get 409
	srv.SendText(telegramtest.PrivateChat(ot), ot, "/hotlines")
	h.waitSent(ot.ID, 2)
	h.settle()
	if !strings.Contains(h.logs.String(), "another instance is polling with this token") {
		t.Errorf("no clear log of the conflict:\n%s", h.logs)
	}
	if got := h.metric("scambot_telegram_poll_errors_total", "kind", "conflict"); got != 2 {
		t.Errorf("poll errors{conflict} = %v, want 2", got)
	}
}
