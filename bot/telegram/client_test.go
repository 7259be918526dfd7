package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

func dial(t *testing.T, srv *telegramtest.Server) *Client {
	t.Helper()
	c, err := Dial(context.Background(), srv.Token(), srv.URL, srv.Client())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c
}

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ base, want string }{
		{"", "https://api.telegram.org/bot%s/%s"},
		{"http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot%s/%s"},
		{"https://proxy.example/tg", "https://proxy.example/tg/bot%s/%s"},
	} {
		if got, err := Endpoint(tt.base); err != nil || got != tt.want {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", tt.base, got, err, tt.want)
		}
	}
	for _, bad := range []string{"api.telegram.org", "ftp://x", "https://x/%41"} {
		if _, err := Endpoint(bad); err == nil {
			t.Errorf("Endpoint(%q) accepted", bad)
		}
	}
}

func TestDial(t *testing.T) {
	srv := telegramtest.NewServer(t)
	c := dial(t, srv)
	if c.Username() != telegramtest.DefaultBotUsername || c.ID() != srv.Bot().ID {
		t.Errorf("Dial: @%s %d", c.Username(), c.ID())
	}
	_, err := Dial(context.Background(), "42:wrong", srv.URL, srv.Client())
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Dial with a wrong token = %v, want ErrUnauthorized", err)
	}
	srv.FailNext("getMe", 502, 2)
	c, err = DialRetry(context.Background(), srv.Token(), srv.URL, srv.Client(), nil)
	if err != nil || c == nil {
		t.Errorf("DialRetry after two 502s = %v", err)
	}
}

// TestClassifyErr reads the errors the real client library returns for the
// real server's answers, as the fake server gives them.
func TestClassifyErr(t *testing.T) {
	srv := telegramtest.NewServer(t)
	c := dial(t, srv)
	ann := telegramtest.User{ID: 1001, FirstName: "Ann"}
	srv.SendText(telegramtest.PrivateChat(ann), ann, "/start")
	ctx := context.Background()
	send := func() error {
		_, err := c.send(ctx, tgbotapi.NewMessage(ann.ID, "hi"))
		return err
	}
	tests := []struct {
		name  string
		setup func()
		call  func() error
		want  outcome
		wait  time.Duration
	}{
		{"ok", func() {}, send, outOK, 0},
		{"429", func() { srv.FailNextWithRetryAfter("sendMessage", 7, 1) }, send, outRateLimited, 7 * time.Second},
		{"500", func() { srv.FailNext("sendMessage", 500, 1) }, send, outTransient, 0},
		{"502 page", func() { srv.FailNext("sendMessage", 502, 1) }, send, outTransient, 0},
		{"dropped", func() { srv.DropNext("sendMessage", 1) }, send, outTransient, 0},
		{"chat not found", func() { srv.FailNext("sendMessage", 400, 1) }, send, outPermanent, 0},
		{"blocked", func() { srv.FailNext("sendMessage", 403, 1) }, send, outBlocked, 0},
		{"conflict", func() { srv.FailNext("getUpdates", 409, 1) }, func() error {
			_, err := c.getUpdates(ctx, 0, 1, 0, nil)
			return err
		}, outConflict, 0},
		{"unauthorized", func() { srv.FailNext("sendMessage", 401, 1) }, send, outUnauthorized, 0},
		{"edit not found", func() {}, func() error {
			_, err := c.send(ctx, tgbotapi.NewEditMessageText(ann.ID, 999, "x"))
			return err
		}, outEditFailed, 0},
		{"not modified", func() {}, func() error {
			m, err := c.send(ctx, tgbotapi.NewMessage(ann.ID, "same"))
			if err != nil {
				return err
			}
			_, err = c.send(ctx, tgbotapi.NewEditMessageText(ann.ID, m.MessageID, "same"))
			return err
		}, outOK, 0},
		{"answer too old", func() {}, func() error {
			_, err := c.request(ctx, tgbotapi.NewCallback("nope", ""))
			return err
		}, outPermanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			err := tt.call()
			got, wait := classifyErr(ctx, err)
			if got != tt.want || wait != tt.wait {
				t.Errorf("classifyErr(%v) = %v %v, want %v %v", err, got, wait, tt.want, tt.wait)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.getUpdates(cctx, 0, 1, 10*time.Second, nil)
	if got, _ := classifyErr(cctx, err); got != outCanceled {
		t.Errorf("a cancelled long poll = %v (%v), want canceled", got, err)
	}
}

// TestErrorsHideToken: transport errors name the URL, which holds the
// token; the client's errors do not.
func TestErrorsHideToken(t *testing.T) {
	srv := telegramtest.NewServer(t)
	c := dial(t, srv)
	srv.DropNext("sendMessage", 1)
	_, err := c.send(context.Background(), tgbotapi.NewMessage(1, "x"))
	if err == nil || strings.Contains(err.Error(), srv.Token()) || !strings.Contains(err.Error(), "<token>") {
		t.Errorf("error = %v, want the token replaced", err)
	}
	if out, _ := classifyErr(context.Background(), err); out != outTransient {
		t.Errorf("redacted error classified %v, want transient", out)
	}
	srv.DropNext("getMe", 1)
	_, err = Dial(context.Background(), srv.Token(), srv.URL, srv.Client())
	if err == nil || strings.Contains(err.Error(), srv.Token()) {
		t.Errorf("Dial error = %v, want no token", err)
	}
}

// TestLongPollCancel: cancelling the context ends a held long poll at once.
func TestLongPollCancel(t *testing.T) {
	srv := telegramtest.NewServer(t)
	c := dial(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.getUpdates(ctx, 0, 100, 50*time.Second, nil)
		done <- err
	}()
	if err := srv.WaitFor(context.Background(), func(s *telegramtest.Server) bool { return s.Polling() }); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a cancelled long poll returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll did not end when its context was cancelled")
	}
}

func TestBackoff(t *testing.T) {
	b := backoff{base: 100 * time.Millisecond, max: time.Second}
	for i := range 10 {
		d := b.next()
		lo, hi := 50*time.Millisecond<<i, 100*time.Millisecond<<i
		if hi > time.Second {
			lo, hi = 500*time.Millisecond, time.Second
		}
		if d < lo || d > hi {
			t.Errorf("wait %d = %v, want in [%v, %v]", i, d, lo, hi)
		}
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Errorf("after reset: %v", d)
	}
	if !sleep(context.Background(), 0) {
		t.Error("sleep(0) = false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sleep(ctx, time.Hour) {
		t.Error("sleep on a cancelled context = true")
	}
}
