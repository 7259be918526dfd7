package telegramtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

func TestFailNext(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	hi := tgbotapi.NewMessage(ann.ID, "hi")

	srv.FailNext("sendMessage", http.StatusTooManyRequests, 1)
	_, err := bot.Send(hi)
	if apiErr := wantAPIError(t, err, 429, "Too Many Requests: retry after 1"); apiErr.RetryAfter != 1 {
		t.Errorf("RetryAfter = %d, want 1", apiErr.RetryAfter)
	}
	mustSend(t, bot, hi)

	srv.FailNextWithRetryAfter("SENDMESSAGE", 7, 2)
	for range 2 {
		_, err := bot.Send(hi)
		if apiErr := wantAPIError(t, err, 429, "Too Many Requests: retry after 7"); apiErr.RetryAfter != 7 {
			t.Errorf("RetryAfter = %d, want 7", apiErr.RetryAfter)
		}
	}
	mustSend(t, bot, hi)

	srv.FailNext("getUpdates", http.StatusInternalServerError, 1)
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantAPIError(t, err, 500, "Internal Server Error: restart")

	srv.FailNext("sendMessage", http.StatusForbidden, 1)
	_, err = bot.Send(hi)
	wantAPIError(t, err, 403, "Forbidden: bot was blocked by the user")

	srv.FailNextWith("sendMessage", telegramtest.Failure{
		Status: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateToChatID: -100123,
	}, 1)
	_, err = bot.Send(hi)
	if apiErr := wantAPIError(t, err, 400, "Bad Request: group chat was upgraded to a supergroup chat"); apiErr.MigrateToChatID != -100123 {
		t.Errorf("MigrateToChatID = %d", apiErr.MigrateToChatID)
	}

	// A proxy error page is not JSON: the client reports a decode error.
	srv.FailNext("*", http.StatusBadGateway, 1)
	_, err = bot.GetMe()
	if err == nil || errors.As(err, new(*tgbotapi.Error)) {
		t.Errorf("502: %v (%T), want a JSON decode error", err, err)
	}

	if n := len(srv.SentTo(ann.ID)); n != 2 {
		t.Errorf("%d messages accepted, want 2", n)
	}
	injected := 0
	for _, c := range srv.Calls("") {
		if c.Injected {
			injected++
		}
	}
	if injected != 7 {
		t.Errorf("%d injected calls recorded, want 7", injected)
	}
}

func TestFailNextWireFormat(t *testing.T) {
	srv := telegramtest.NewServer(t)
	srv.FailNextWithRetryAfter("getMe", 7, 1)
	resp := postRaw(t, srv, "getMe", "application/x-www-form-urlencoded", "")
	body, _ := io.ReadAll(resp.Body)
	want := `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || string(body) != want {
		t.Errorf("got %d Retry-After=%q %s, want 429 Retry-After=7 %s", resp.StatusCode, resp.Header.Get("Retry-After"), body, want)
	}

	srv.FailNext("getMe", http.StatusGatewayTimeout, 1)
	resp = postRaw(t, srv, "getMe", "application/x-www-form-urlencoded", "")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 504 || !strings.Contains(string(body), "<h1>504 Gateway Time-out</h1>") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("504 = %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestDropNext(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	srv.DropNext("sendMessage", 1)
	_, err := bot.Send(tgbotapi.NewMessage(ann.ID, "lost"))
	if err == nil || errors.As(err, new(*tgbotapi.Error)) {
		t.Fatalf("dropped connection: %v (%T), want a transport error", err, err)
	}
	mustSend(t, bot, tgbotapi.NewMessage(ann.ID, "delivered"))
	calls := srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Status != 0 || !calls[0].Injected || calls[1].Status != 200 {
		t.Errorf("calls = %+v, want a dropped then a successful call", calls)
	}
	if sent := srv.Sent(); len(sent) != 1 || sent[0].Text != "delivered" {
		t.Errorf("sent = %+v", sent)
	}
}

func TestLimitsPerChat(t *testing.T) {
	clock := newClock()
	srv, bot := started(t, telegramtest.Options{Now: clock.Now})
	srv.SetLimits(telegramtest.Limits{PerChatPerSecond: 1, PerChatBurst: 3})
	hi := tgbotapi.NewMessage(ann.ID, "hi")
	for i := range 3 {
		if _, err := bot.Send(hi); err != nil {
			t.Fatalf("send %d within the burst: %v", i, err)
		}
	}
	_, err := bot.Send(hi)
	if apiErr := wantAPIError(t, err, 429, "Too Many Requests: retry after 1"); apiErr.RetryAfter != 1 {
		t.Errorf("RetryAfter = %d, want 1", apiErr.RetryAfter)
	}
	// Another chat has its own bucket.
	srv.SendText(telegramtest.PrivateChat(bob), bob, "/start")
	mustSend(t, bot, tgbotapi.NewMessage(bob.ID, "hi"))

	clock.Advance(time.Second)
	mustSend(t, bot, hi)
	_, err = bot.Send(hi)
	wantAPIError(t, err, 429, "Too Many Requests: retry after 1")

	srv.SetLimits(telegramtest.NoLimits)
	for range 50 {
		mustSend(t, bot, hi)
	}
}

func TestLimitsPerGroupAndGlobal(t *testing.T) {
	clock := newClock()
	srv, bot := started(t, telegramtest.Options{Now: clock.Now})
	srv.AddChat(group)
	srv.SetLimits(telegramtest.Limits{PerGroupPerMinute: 20})
	for i := range 20 {
		if _, err := bot.Send(tgbotapi.NewMessage(group.ID, "alert")); err != nil {
			t.Fatalf("group send %d: %v", i, err)
		}
		clock.Advance(time.Second)
	}
	_, err := bot.Send(tgbotapi.NewMessage(group.ID, "alert"))
	if apiErr := wantAPIError(t, err, 429, "Too Many Requests: retry after 40"); apiErr.RetryAfter != 40 {
		t.Errorf("RetryAfter = %d, want 40", apiErr.RetryAfter)
	}
	// Private chats are not group-limited.
	mustSend(t, bot, tgbotapi.NewMessage(ann.ID, "fine"))
	clock.Advance(40 * time.Second)
	mustSend(t, bot, tgbotapi.NewMessage(group.ID, "alert"))

	srv.SetLimits(telegramtest.Limits{GlobalPerSecond: 30})
	for i := range 30 {
		u := telegramtest.User{ID: int64(3000 + i), FirstName: "U"}
		srv.SendText(telegramtest.PrivateChat(u), u, "/start")
		if _, err := bot.Send(tgbotapi.NewMessage(u.ID, "broadcast")); err != nil {
			t.Fatalf("broadcast %d: %v", i, err)
		}
	}
	_, err = bot.Send(tgbotapi.NewMessage(ann.ID, "one too many"))
	wantAPIError(t, err, 429, "Too Many Requests: retry after 1")
	clock.Advance(time.Second)
	mustSend(t, bot, tgbotapi.NewMessage(ann.ID, "next second"))
}

func TestCallParamHelper(t *testing.T) {
	srv, bot := started(t, telegramtest.Options{})
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"message", "callback_query"}}); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("getUpdates")
	var allowed []string
	if !calls[len(calls)-1].Param("allowed_updates", &allowed) || len(allowed) != 2 {
		t.Errorf("allowed_updates param = %v", allowed)
	}
	info := srv.Webhook()
	if b, _ := json.Marshal(info); !strings.Contains(string(b), `"allowed_updates":["message","callback_query"]`) {
		t.Errorf("webhook info JSON = %s, want the allowed updates", b)
	}
}
