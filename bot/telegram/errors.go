package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// An outcome is what a failed call means for the caller.
type outcome int

const (
	outOK           outcome = iota // success, or an error that means the work is done ("message is not modified")
	outRateLimited                 // 429: wait retry_after, then try again
	outTransient                   // network error, 5xx, a proxy's HTML page: back off and try again
	outEditFailed                  // the message to edit is gone or too old: send a new one instead
	outBlocked                     // 403 in a private chat: the user blocked the bot or deleted the account
	outPermanent                   // any other 4xx: retrying cannot help; log and drop
	outConflict                    // 409: another getUpdates, or a webhook is set
	outUnauthorized                // 401: the token was revoked
	outCanceled                    // our own context ended
)

var outcomeNames = [...]string{"ok", "rate_limited", "transient", "edit_failed", "blocked", "permanent", "conflict", "unauthorized", "canceled"}

func (o outcome) String() string { return outcomeNames[o] }

// classifyErr reads an error of the client library. The library returns a
// *tgbotapi.Error for every answer with ok=false (Code is error_code,
// RetryAfter is parameters.retry_after; it ignores the HTTP status), a
// JSON syntax error for a body that is not JSON (an nginx 502 page), and
// the transport's error when the connection fails.
func classifyErr(ctx context.Context, err error) (outcome, time.Duration) {
	if err == nil {
		return outOK, 0
	}
	te, isAPI := errors.AsType[*tgbotapi.Error](err)
	if !isAPI {
		if ctx.Err() != nil {
			return outCanceled, 0
		}
		return outTransient, 0
	}
	switch {
	case te.Code == http.StatusTooManyRequests || te.RetryAfter > 0:
		return outRateLimited, time.Duration(max(te.RetryAfter, 1)) * time.Second
	case te.Code >= 500:
		return outTransient, 0
	case strings.Contains(te.Message, "message is not modified"):
		return outOK, 0
	case strings.Contains(te.Message, "message to edit not found"),
		strings.Contains(te.Message, "message can't be edited"),
		strings.Contains(te.Message, "MESSAGE_ID_INVALID"):
		return outEditFailed, 0
	case te.Code == http.StatusForbidden:
		return outBlocked, 0
	case te.Code == http.StatusConflict:
		return outConflict, 0
	case te.Code == http.StatusUnauthorized:
		return outUnauthorized, 0
	case te.Code == 0:
		// The upload path builds errors without a code; nothing scambot
		// sends takes it, so treat it as the server hiccup it most likely is.
		return outTransient, 0
	}
	return outPermanent, 0
}

// migrateTo returns the supergroup a basic group was upgraded to, from a
// 400 "group chat was upgraded to a supergroup chat".
func migrateTo(err error) int64 {
	if te, ok := errors.AsType[*tgbotapi.Error](err); ok {
		return te.MigrateToChatID
	}
	return 0
}

// describe returns an error's text for logs. Telegram's descriptions and
// transport errors carry no message text (and the client's errors no
// token); an answer that is not JSON is named for what it most likely is.
func describe(err error) string {
	if err == nil {
		return ""
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return "the Bot API answered with something that is not JSON (a proxy's error page?): " + err.Error()
	}
	return err.Error()
}

// seconds renders a duration for logs as seconds (slog's JSON would give
// nanoseconds).
func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

// backoff is an exponential backoff with full jitter: the n-th wait is
// uniform in [base·2^n / 2, base·2^n], capped at max. The zero value
// starts at 500 ms and caps at 30 s.
type backoff struct {
	base, max time.Duration
	n         int
}

func (b *backoff) next() time.Duration {
	d := jittered(b.base, b.max, b.n)
	b.n++
	return d
}

func (b *backoff) reset() { b.n = 0 }

// jittered returns the n-th (from 0) backoff wait between base and max.
func jittered(base, max time.Duration, n int) time.Duration {
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if max <= 0 {
		max = 30 * time.Second
	}
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx is done; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
