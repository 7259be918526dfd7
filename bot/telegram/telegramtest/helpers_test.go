package telegramtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

var (
	ann   = telegramtest.User{ID: 1001, FirstName: "Ann", Username: "ann", LanguageCode: "en"}
	bob   = telegramtest.User{ID: 1002, FirstName: "Bob"}
	carol = telegramtest.User{ID: 1003, FirstName: "Carol"}
	group = telegramtest.SupergroupChat(-1001234567890, "Scam watchers")
)

// fakeClock is a manual clock for Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newBot connects the real client library to srv.
func newBot(t *testing.T, srv *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.URL+"/bot%s/%s", srv.Client())
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// started returns a server and bot where ann has started the bot in a
// private chat (the /start update is already consumed).
func started(t *testing.T, opts telegramtest.Options) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.NewServerWithOptions(t, opts)
	bot := newBot(t, srv)
	id := srv.SendText(telegramtest.PrivateChat(ann), ann, "/start")
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1}); err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	return srv, bot
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantAPIError checks that err is a *tgbotapi.Error with code and
// description.
func wantAPIError(t *testing.T, err error, code int, desc string) *tgbotapi.Error {
	t.Helper()
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want *tgbotapi.Error %d %q", err, err, code, desc)
	}
	if apiErr.Code != code || apiErr.Message != desc {
		t.Fatalf("error = %d %q, want %d %q", apiErr.Code, apiErr.Message, code, desc)
	}
	return apiErr
}

func mustSend(t *testing.T, bot *tgbotapi.BotAPI, c tgbotapi.Chattable) tgbotapi.Message {
	t.Helper()
	m, err := bot.Send(c)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	return m
}

func mustRequest(t *testing.T, bot *tgbotapi.BotAPI, c tgbotapi.Chattable) *tgbotapi.APIResponse {
	t.Helper()
	resp, err := bot.Request(c)
	if err != nil {
		t.Fatalf("Request: %v", err)
	}
	return resp
}

func keyboard(data ...string) tgbotapi.InlineKeyboardMarkup {
	var row []tgbotapi.InlineKeyboardButton
	for _, d := range data {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData("button "+d, d))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}

// recordingTB captures what the server reports to its testing.TB.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *recordingTB) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func (r *recordingTB) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// postRaw sends a request with an arbitrary body, for encodings the client
// library does not produce.
func postRaw(t *testing.T, srv *telegramtest.Server, method, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/bot"+srv.Token()+"/"+method, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", method, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
