package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// The narrative of the news case: a fake courier, then "your credit score
// is too low", then "borrow on Jiebei to make running water".
const courierText = "刚才有个自称快递客服的说我芝麻信用分太低，让我在借呗借钱刷流水"

var (
	catOnce sync.Once
	catVal  *catalogue.Catalogue
	catErr  error
)

func testCatalogue(tb testing.TB) *catalogue.Catalogue {
	tb.Helper()
	catOnce.Do(func() { catVal, catErr = catalogue.LoadEmbedded() })
	if catErr != nil {
		tb.Fatalf("load catalogue: %v", catErr)
	}
	return catVal
}

// syncBuffer is a goroutine-safe log sink, to check what the logs hold.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A harness runs serve in process against a fake Bot API server, with a
// real SQLite file, until the test ends.
type harness struct {
	t      testing.TB
	srv    *telegramtest.Server
	cfg    Config
	reg    *prometheus.Registry
	logs   *syncBuffer
	addr   string
	cancel context.CancelFunc
	done   chan error
}

// fastTuning keeps the real pacing but short backoffs, so failure tests
// take milliseconds rather than seconds.
func fastTuning() serveTuning {
	return serveTuning{telegram: telegram.Options{
		RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond, PollTimeout: 5 * time.Second,
	}}
}

// unlimited turns our pacing off (for tests that are about something else
// and for benchmarks).
func unlimited(t serveTuning) serveTuning {
	t.telegram.Limits = telegram.Limits{Global: rate.Inf, Private: rate.Inf, Group: rate.Inf}
	t.telegram.FloodPerMinute = -1
	return t
}

func testConfig(tb testing.TB, srv *telegramtest.Server, dir string) Config {
	cfg := DefaultConfig()
	cfg.TelegramToken = srv.Token()
	cfg.TelegramAPIURL = srv.URL
	cfg.DB = filepath.Join(dir, "scambot.db")
	cfg.HTTPAddr = "127.0.0.1:0"
	return cfg
}

// startServe runs serve and waits until it is long polling (or, in webhook
// mode, until the webhook is registered).
func startServe(t testing.TB, srv *telegramtest.Server, cfg Config, tune serveTuning) *harness {
	t.Helper()
	h := &harness{t: t, srv: srv, cfg: cfg, reg: prometheus.NewRegistry(), logs: &syncBuffer{}, done: make(chan error, 1)}
	tune.registry = h.reg
	addr := make(chan string, 1)
	tune.listening = func(a string) { addr <- a }
	if tune.httpClient == nil {
		tune.httpClient = srv.Client()
	}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- serve(ctx, cfg, testCatalogue(t), log, tune) }()
	select {
	case h.addr = <-addr:
	case err := <-h.done:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not listen")
	}
	t.Cleanup(func() { h.stop() })
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	err := srv.WaitFor(wctx, func(s *telegramtest.Server) bool {
		if cfg.WebhookURL != "" {
			return s.Webhook().URL != ""
		}
		return s.Polling()
	})
	if err != nil {
		t.Fatalf("bot did not start taking updates: %v\nlogs:\n%s", err, h.logs)
	}
	return h
}

// stop cancels serve and waits for it; it fails the test on an error.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		h.t.Errorf("serve did not stop within 20 s")
	}
}

func ctxFor(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

// waitSent waits for n messages to chat and fails with the logs if they do
// not come.
func (h *harness) waitSent(chat int64, n int) []telegramtest.SentMessage {
	h.t.Helper()
	got, err := h.srv.WaitSentTo(ctxFor(h.t, 20*time.Second), chat, n)
	if err != nil {
		h.t.Fatalf("%v\nsent: %s\nlogs:\n%s", err, texts(got), h.logs)
	}
	return got
}

// settle waits until nothing is pending: every update confirmed, every
// reply delivered, so counts can be checked for "exactly once". The fake
// server wakes WaitFor on its own changes only, and the outbox empties just
// after the last call, so the outbox part is checked on a short tick.
func (h *harness) settle() {
	h.t.Helper()
	ctx := ctxFor(h.t, 20*time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		err := h.srv.WaitFor(ctx, func(s *telegramtest.Server) bool {
			return len(s.PendingUpdates()) == 0 && s.Polling()
		})
		if err == nil && h.metric("scambot_outbox_depth") == 0 && h.metric("scambot_telegram_calls_pending") == 0 &&
			len(h.srv.PendingUpdates()) == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			h.t.Fatalf("not settled: pending updates %v, outbox %v\nlogs:\n%s", h.srv.PendingUpdates(), h.metric("scambot_outbox_depth"), h.logs)
		}
	}
}

// metric returns the value of a counter or gauge series in the harness's
// registry (0 if absent).
func (h *harness) metric(name string, labels ...string) float64 {
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := true
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				match = match && found
			}
			if !match {
				continue
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func texts(ms []telegramtest.SentMessage) string {
	var b strings.Builder
	for i, m := range ms {
		fmt.Fprintf(&b, "\n  %d. [%d] %.60q", i+1, m.ChatID, m.Text)
	}
	return b.String()
}

// callbackData returns the buttons' data of a message's inline keyboard.
func callbackData(m *telegramtest.ReplyMarkup) []string {
	if m == nil {
		return nil
	}
	return m.CallbackData()
}

// buttonWith returns the callback data among data that has the prefix (or,
// with an exact id, equals it).
func buttonWith(t testing.TB, data []string, prefix string) string {
	t.Helper()
	for _, d := range data {
		if d == prefix || strings.HasPrefix(d, prefix) {
			return d
		}
	}
	t.Fatalf("no button %q among %q", prefix, data)
	return ""
}

// currentQuestion returns the bot's message in chat that shows a question
// (its text as it is now, after edits) and its buttons.
func currentQuestion(t testing.TB, srv *telegramtest.Server, chat int64, id int) (string, []string) {
	t.Helper()
	m, ok := srv.Message(chat, id)
	if !ok {
		t.Fatalf("no message %d in chat %d", id, chat)
	}
	return m.Text, callbackData(m.Markup())
}

func user(id int64, name, lang string) telegramtest.User {
	return telegramtest.User{ID: id, FirstName: name, LanguageCode: lang}
}

// checkLogs fails if the logs hold any of the secrets (message text,
// names, clear ids).
func (h *harness) checkLogs(secrets ...string) {
	h.t.Helper()
	logs := h.logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			h.t.Errorf("logs contain %q:\n%s", s, logs)
		}
	}
}

func TestServePrivateCriticalText(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), fastTuning())
	ann := user(424242, "Ann", "zh-hans")
	chat := telegramtest.PrivateChat(ann)
	srv.SendText(chat, ann, courierText)
	sent := h.waitSent(ann.ID, 3)
	h.settle()
	sent = srv.SentTo(ann.ID)
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want 3:%s", len(sent), texts(sent))
	}
	if !strings.HasPrefix(sent[0].Text, "⛔") {
		t.Errorf("first message = %q, want the urgent warning first", sent[0].Text)
	}
	if !strings.Contains(sent[1].Text, "我从你的话里看到") {
		t.Errorf("second message = %q, want what was understood", sent[1].Text)
	}
	res := sent[2].Text
	for _, want := range []string{"🔴", "110", "96110"} {
		if !strings.Contains(res, want) {
			t.Errorf("result lacks %q:\n%s", want, res)
		}
	}
	for _, m := range sent {
		if m.ParseMode != "" {
			t.Errorf("message sent with parse_mode %q, want plain text", m.ParseMode)
		}
	}
	if got := callbackData(sent[2].ReplyMarkup); len(got) == 0 {
		t.Errorf("result has no buttons")
	}
	if n := h.metric("scambot_assessments_total", "level", "critical"); n != 1 {
		t.Errorf("assessments{critical} = %v, want 1", n)
	}
	if n := h.metric("scambot_telegram_replies_total", "kind", "urgent"); n != 1 {
		t.Errorf("replies{urgent} = %v, want 1", n)
	}
	// The command menu, in Chinese and by default in English.
	if zh := srv.Commands(telegramtest.CommandScope{}, "zh"); len(zh) == 0 || !strings.ContainsAny(zh[0].Description, "检查") {
		t.Errorf("zh command menu = %+v", zh)
	}
	if en := srv.Commands(telegramtest.CommandScope{}, ""); len(en) == 0 || en[0].Command != "check" {
		t.Errorf("default command menu = %+v", en)
	}
	h.checkLogs("芝麻", "借呗", "Ann", "424242")
}

// e2eSecond scales the waits of end-to-end tests.
const e2eSecond = time.Second

func itoa(i int) string { return strconv.Itoa(i) }

// offsetClock is the real clock plus an offset that tests advance (the
// scheduler's pacing needs time to pass).
type offsetClock struct{ off atomic.Int64 }

func newOffsetClock() *offsetClock { return &offsetClock{} }

func (c *offsetClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// expireSessions deletes every session idle longer than ttl, as if that
// much time had passed, through a second handle on the database file.
func expireSessions(t testing.TB, path string, ttl time.Duration) {
	t.Helper()
	ctx := ctxFor(t, 10*time.Second)
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	if _, err := db.Expire(ctx, time.Now().Add(ttl+time.Hour), ttl, 0); err != nil {
		t.Fatalf("expire: %v", err)
	}
}

func TestServeWithoutToken(t *testing.T) {
	code, _, stderr := runCmd(t, map[string]string{}, "", "serve")
	if code != exitUsage || !strings.Contains(stderr, "TELEGRAM_BOT_TOKEN") || !strings.Contains(stderr, "scambot chat") {
		t.Errorf("serve without a token: exit %d, stderr %q; want exit 2 naming TELEGRAM_BOT_TOKEN and scambot chat", code, stderr)
	}
}

func TestServeBadConfig(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":       "42:abc",
		"SCAMBOT_TELEGRAM_API_URL": "ftp://example.com/%s",
		"SCAMBOT_WEBHOOK_URL":      "https://example.com/hook",
		"SCAMBOT_WEBHOOK_SECRET":   "has spaces!",
		"SCAMBOT_REGION":           "XX",
	}
	code, _, stderr := runCmd(t, env, "", "serve")
	if code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"SCAMBOT_TELEGRAM_API_URL", "SCAMBOT_WEBHOOK_SECRET", "SCAMBOT_REGION"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}
	env = map[string]string{"TELEGRAM_BOT_TOKEN": "42:abc", "SCAMBOT_WEBHOOK_URL": "https://example.com/hook"}
	if code, _, stderr := runCmd(t, env, "", "serve"); code != exitUsage || !strings.Contains(stderr, "set both") {
		t.Errorf("webhook URL without secret: exit %d %q", code, stderr)
	}
}

// TestServeRejectedToken: a token Telegram refuses stops serve with exit 2.
func TestServeRejectedToken(t *testing.T) {
	srv := telegramtest.NewServer(t)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":       "42:wrong",
		"SCAMBOT_TELEGRAM_API_URL": srv.URL,
		"SCAMBOT_DB":               filepath.Join(t.TempDir(), "db"),
		"SCAMBOT_HTTP_ADDR":        "127.0.0.1:0",
	}
	code, _, stderr := runCmd(t, env, "", "serve")
	if code != exitUsage || !strings.Contains(stderr, "rejected the bot token") {
		t.Errorf("exit %d, stderr %q; want 2 and 'rejected the bot token'", code, stderr)
	}
}

// TestServeShutdownDrainsAndResumes: on shutdown the scheduler sends what
// it can within its budget; what it could not send stays in the outbox and
// goes out after the next start, once.
func TestServeShutdownDrainsAndResumes(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dir := t.TempDir()
	cfg := testConfig(t, srv, dir)
	tune := unlimited(fastTuning())
	tune.telegram.Workers = 1
	tune.telegram.Limits.Global, tune.telegram.Limits.GlobalBurst = 4, 1 // 250 ms a message
	tune.telegram.Drain = 300 * time.Millisecond
	h := startServe(t, srv, cfg, tune)
	var users []telegramtest.User
	for i := range 4 {
		u := user(int64(60000+i), "P", "zh")
		users = append(users, u)
		srv.SendText(telegramtest.PrivateChat(u), u, courierText)
	}
	if err := srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool { return len(s.PendingUpdates()) == 0 && len(s.Sent()) >= 1 }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	h.stop()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v with a 300 ms drain budget", d)
	}
	early := len(srv.Sent())
	if early >= 12 {
		t.Fatalf("all 12 messages went out before the restart; the test needs a backlog")
	}
	if !strings.Contains(h.logs.String(), "stays queued") {
		t.Errorf("no log of messages left queued:\n%s", h.logs)
	}
	h2 := startServe(t, srv, cfg, unlimited(fastTuning()))
	h2.settle()
	want := expectedTexts(t, "zh", bot.Event{Kind: bot.EventText, Text: courierText})
	for _, u := range users {
		checkDelivered(t, srv, u.ID, want)
	}
}
