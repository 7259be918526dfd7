package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader carries setWebhook's secret_token on every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxWebhookBody bounds one update's JSON.
const maxWebhookBody = 1 << 20

// webhookState tracks deliveries in progress, so RunWebhook can stop taking
// new ones and wait for those.
type webhookState struct {
	mu       sync.RWMutex
	closed   bool
	inflight sync.WaitGroup
}

// CheckSecret checks a webhook secret token as Telegram does: 1-256
// characters of A-Z, a-z, 0-9, _ and -.
func CheckSecret(secret string) error {
	if secret == "" || len(secret) > 256 {
		return fmt.Errorf("webhook secret: want 1 to 256 characters, have %d", len(secret))
	}
	for _, c := range []byte(secret) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return errors.New("webhook secret: only A-Z, a-z, 0-9, _ and - are allowed")
		}
	}
	return nil
}

// WebhookPath returns the path of a webhook URL, the one to serve ("/" when
// it has none). It fails for a URL that is not absolute http(s).
func WebhookPath(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("webhook URL %q: want an absolute https URL", rawURL)
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// WebhookHandler returns the handler for Telegram's webhook deliveries. It
// refuses a request without the right secret token (403, compared in
// constant time) before reading it, and answers 200 only after the update
// is committed; on a failure it answers 500 and Telegram delivers the
// update again. Once RunWebhook is stopping it answers 503.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	want := sha256.Sum256([]byte(secret))
	log := b.log.With("part", "webhook")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// Hashing first makes the comparison independent of the length.
		got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
		if secret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			b.m.updates.WithLabelValues("webhook", "bad_secret").Inc()
			log.Warn("webhook request with a wrong secret token refused", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		b.webhook.mu.RLock()
		if b.webhook.closed {
			b.webhook.mu.RUnlock()
			w.Header().Set("Retry-After", "5")
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		b.webhook.inflight.Add(1)
		b.webhook.mu.RUnlock()
		defer b.webhook.inflight.Done()

		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxWebhookBody)).Decode(&u); err != nil {
			log.Warn("webhook request is not an update", "err", err)
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		// The update finishes even if Telegram hangs up: it is committed
		// or not, never half.
		if err := b.handle(context.WithoutCancel(r.Context()), &u); err != nil {
			b.m.handleErrors.Inc()
			log.Error("update failed; Telegram will deliver it again", "update_id", u.UpdateID, "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// RunWebhook registers the webhook (setWebhook with the secret token,
// retried on transient failures) and then waits for ctx; deliveries arrive
// through WebhookHandler, mounted by the caller on an HTTP server. When ctx
// is done it stops taking deliveries and waits for those in progress. The
// webhook stays registered: Telegram keeps the updates until the next start.
func (b *Bot) RunWebhook(ctx context.Context, webhookURL, secret string) error {
	if err := CheckSecret(secret); err != nil {
		return err
	}
	if _, err := WebhookPath(webhookURL); err != nil {
		return err
	}
	p := tgbotapi.Params{
		"url":             webhookURL,
		"secret_token":    secret,
		"allowed_updates": jsonParam(allowedUpdates),
		"max_connections": "40",
	}
	bo := backoff{base: b.opts.RetryBase, max: b.opts.RetryMax}
	for {
		_, err := b.api.raw(ctx, "setWebhook", p)
		out, wait := classifyErr(ctx, err)
		if out == outOK {
			break
		}
		switch out {
		case outCanceled:
			return nil
		case outRateLimited:
		case outTransient, outConflict:
			wait = bo.next()
		default:
			return fmt.Errorf("setWebhook: %w", err)
		}
		b.log.Warn("setWebhook failed; retrying", "err", describe(err), "retry_in", seconds(wait))
		if !sleep(ctx, wait) {
			return nil
		}
	}
	b.log.Info("webhook registered")
	b.intake.Store(true)
	<-ctx.Done()
	b.intake.Store(false)
	b.webhook.mu.Lock()
	b.webhook.closed = true
	b.webhook.mu.Unlock()
	b.webhook.inflight.Wait()
	return nil
}
