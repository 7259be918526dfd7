package telegramtest_test

import (
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// webhookBot is the bot side of a webhook: it checks the secret token (the
// client library does not), decodes the update with the library and can
// answer with a method in the response body.
func webhookBot(t *testing.T, bot *tgbotapi.BotAPI, secret string) (*httptest.Server, <-chan tgbotapi.Update) {
	t.Helper()
	got := make(chan tgbotapi.Update, 10)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(telegramtest.SecretTokenHeader)), []byte(secret)) != 1 {
			http.Error(w, "wrong secret", http.StatusUnauthorized)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			http.Error(w, "content type "+ct, http.StatusBadRequest)
			return
		}
		u, err := bot.HandleUpdate(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- *u
		switch {
		case u.Message != nil && u.Message.Text == "boom":
			http.Error(w, "boom", http.StatusInternalServerError)
		case u.Message != nil && u.Message.Text == "ping":
			_ = tgbotapi.WriteToHTTPResponse(w, tgbotapi.NewMessage(u.Message.Chat.ID, "pong"))
		}
	}))
	t.Cleanup(ts.Close)
	return ts, got
}

func setWebhook(bot *tgbotapi.BotAPI, url, secret string) (*tgbotapi.APIResponse, error) {
	return bot.MakeRequest("setWebhook", tgbotapi.Params{"url": url, "secret_token": secret})
}

func TestWebhookSecretValidation(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	tests := []struct {
		name, url, secret, desc string
	}{
		{"bad characters", "https://bot.example.com/hook", "not allowed!", "Bad Request: secret token contains unallowed characters"},
		{"too long", "https://bot.example.com/hook", strings.Repeat("s", 257), "Bad Request: secret token is too long"},
		{"bad URL", "ftp://bot.example.com/hook", "ok", "Bad Request: invalid webhook URL specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := setWebhook(bot, tt.url, tt.secret)
			wantAPIError(t, err, http.StatusBadRequest, tt.desc)
		})
	}
	resp, err := setWebhook(bot, "https://bot.example.com/hook", strings.Repeat("s", 256))
	if err != nil || resp.Description != "Webhook was set" {
		t.Fatalf("256-character secret: %+v, %v", resp, err)
	}
	if w := srv.Webhook(); w.SecretToken != strings.Repeat("s", 256) {
		t.Errorf("secret not recorded: %+v", w)
	}
	resp, err = setWebhook(bot, "https://bot.example.com/hook", strings.Repeat("s", 256))
	if err != nil || resp.Description != "Webhook is already set" {
		t.Errorf("same webhook again: %+v, %v", resp, err)
	}
}

func TestWebhookDelivery(t *testing.T) {
	srv := telegramtest.NewServer(t)
	bot := newBot(t, srv)
	ctx := testContext(t)
	const secret = "s3cr3t_-TOKEN"
	hook, got := webhookBot(t, bot, secret)
	if _, err := setWebhook(bot, hook.URL+"/telegram", secret); err != nil {
		t.Fatal(err)
	}

	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantAPIError(t, err, http.StatusConflict,
		"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	id := srv.SendText(telegramtest.PrivateChat(ann), ann, "/start")
	info, err := bot.GetWebhookInfo()
	if err != nil || info.PendingUpdateCount != 1 || info.URL != hook.URL+"/telegram" {
		t.Fatalf("webhook info = %+v, %v; want 1 pending update", info, err)
	}

	// Forged deliveries are rejected by the bot and confirm nothing.
	for _, wrong := range []string{"guess", ""} {
		status, err := srv.DeliverWebhookWithSecret(ctx, id, wrong)
		if err != nil || status != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, %v; want 401", wrong, status, err)
		}
	}
	if p := srv.PendingUpdates(); len(p) != 1 {
		t.Errorf("pending after forged deliveries = %v", p)
	}

	status, err := srv.DeliverWebhook(ctx, id)
	if err != nil || status != http.StatusOK {
		t.Fatalf("DeliverWebhook: %d, %v", status, err)
	}
	if u := <-got; u.UpdateID != id || u.Message.Text != "/start" || !u.Message.IsCommand() {
		t.Errorf("bot received %+v", u)
	}
	if p := srv.PendingUpdates(); len(p) != 0 {
		t.Errorf("pending after delivery = %v, want none", p)
	}

	// A failing webhook keeps the update and records the error.
	boom := srv.SendText(telegramtest.PrivateChat(ann), ann, "boom")
	if status, _ := srv.DeliverWebhook(ctx, boom); status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", status)
	}
	<-got
	info, _ = bot.GetWebhookInfo()
	if info.LastErrorMessage != "Wrong response from the webhook: 500 Internal Server Error" ||
		info.LastErrorDate == 0 || info.PendingUpdateCount != 1 {
		t.Errorf("webhook info after a 500 = %+v", info)
	}

	// A method in the response body is run.
	ping := srv.SendText(telegramtest.PrivateChat(ann), ann, "ping")
	statuses, err := srv.DeliverPending(ctx)
	if err != nil || len(statuses) != 2 || statuses[1] != http.StatusOK {
		t.Fatalf("DeliverPending = %v, %v", statuses, err)
	}
	<-got
	<-got
	if sent := srv.SentTo(ann.ID); len(sent) != 1 || sent[0].Text != "pong" {
		t.Errorf("sent = %+v, want the webhook reply pong", sent)
	}
	if calls := srv.Calls("sendMessage"); len(calls) != 1 || !calls[0].FromWebhookReply || !calls[0].OK() {
		t.Errorf("sendMessage calls = %+v, want one from the webhook reply", calls)
	}
	_ = ping

	// Dropping pending updates and deleting the webhook.
	srv.SendText(telegramtest.PrivateChat(ann), ann, "left over")
	resp := mustRequest(t, bot, tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true})
	if resp.Description != "Webhook was deleted" || len(srv.PendingUpdates()) != 0 {
		t.Errorf("deleteWebhook: %q, pending %v", resp.Description, srv.PendingUpdates())
	}
	if resp := mustRequest(t, bot, tgbotapi.DeleteWebhookConfig{}); resp.Description != "Webhook is already deleted" {
		t.Errorf("second deleteWebhook: %q", resp.Description)
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Errorf("getUpdates after deleteWebhook: %v", err)
	}
	if _, err := srv.DeliverWebhook(ctx, id); err == nil {
		t.Error("DeliverWebhook without a webhook succeeded")
	}
}

func TestSetWebhookEndsLongPoll(t *testing.T) {
	srv := telegramtest.NewServer(t)
	poller := newBot(t, srv)
	ctx := testContext(t)
	errc := make(chan error, 1)
	go func() {
		_, err := poller.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		errc <- err
	}()
	if err := srv.WaitFor(ctx, (*telegramtest.Server).Polling); err != nil {
		t.Fatal(err)
	}
	if _, err := setWebhook(newBot(t, srv), "https://bot.example.com/hook", ""); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, <-errc, http.StatusConflict, "Conflict: terminated by setWebhook request")
}

func TestSetWebhookFlood(t *testing.T) {
	clock := newClock()
	srv := telegramtest.NewServerWithOptions(t, telegramtest.Options{Now: clock.Now, Limits: telegramtest.DefaultLimits})
	bot := newBot(t, srv)
	if _, err := setWebhook(bot, "https://a.example.com/", ""); err != nil {
		t.Fatal(err)
	}
	_, err := setWebhook(bot, "https://b.example.com/", "")
	if apiErr := wantAPIError(t, err, http.StatusTooManyRequests, "Too Many Requests: retry after 1"); apiErr.RetryAfter != 1 {
		t.Errorf("RetryAfter = %d, want 1", apiErr.RetryAfter)
	}
	// deleteWebhook is not limited.
	mustRequest(t, bot, tgbotapi.DeleteWebhookConfig{})
	clock.Advance(time.Second)
	if _, err := setWebhook(bot, "https://b.example.com/", ""); err != nil {
		t.Errorf("after a second: %v", err)
	}
}
