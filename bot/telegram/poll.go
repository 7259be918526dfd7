package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the update types the bot asks for: every type
// Telegram sends by default (all but reactions), named explicitly, plus
// chat_member, which comes only where the bot is an administrator. Types
// newer than the client library (business messages, boosts…) decode as
// empty updates; they are counted as "unknown" and confirmed.
var allowedUpdates = []string{
	"message", "edited_message", "channel_post", "edited_channel_post",
	"business_connection", "business_message", "edited_business_message", "deleted_business_messages",
	"inline_query", "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
	"purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request",
	"chat_boost", "removed_chat_boost",
}

// maxUpdateFailures is how many times in a row one update may fail before
// the poller records it as processed without effect, so that one poison
// update cannot stop the bot. A store that is down fails that too, and the
// update is then tried again.
const maxUpdateFailures = 5

// Poll takes updates by long polling until ctx is done, then returns nil
// (after finishing and committing the update in progress). The offset comes
// from the store and advances only through Commit, so an update is
// confirmed to Telegram only after its outcome is stored. It returns an
// error if Telegram rejects the token or the store cannot say where to
// resume.
func (b *Bot) Poll(ctx context.Context) error {
	log := b.log.With("part", "poller")
	if err := b.deleteWebhook(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	offset, err := b.store.Offset(ctx)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	b.intake.Store(true)
	defer b.intake.Store(false)
	log.Info("polling for updates", "offset", offset)
	bo := backoff{base: b.opts.RetryBase, max: b.opts.RetryMax}
	var lastConflictLog time.Time
	failedID, failures := int64(-1), 0
	for ctx.Err() == nil {
		ups, err := b.api.getUpdates(ctx, int(offset), 100, b.opts.PollTimeout, allowedUpdates)
		if err != nil {
			out, wait := classifyErr(ctx, err)
			switch out {
			case outCanceled:
				return nil
			case outUnauthorized:
				return fmt.Errorf("getUpdates: %w: %s", ErrUnauthorized, describe(err))
			case outRateLimited:
				b.m.pollErrors.WithLabelValues("rate_limited").Inc()
				log.Warn("getUpdates rate limited", "retry_after", seconds(wait))
			case outConflict:
				b.m.pollErrors.WithLabelValues("conflict").Inc()
				// The real server answers a second poller's 409 after 3 s;
				// waiting at least that long keeps the log readable.
				wait = max(bo.next(), min(3*time.Second, bo.max))
				if time.Since(lastConflictLog) > time.Minute {
					lastConflictLog = time.Now()
					if strings.Contains(describe(err), "webhook") {
						log.Error("getUpdates refused: a webhook is set for this bot; unset SCAMBOT_WEBHOOK_URL everywhere or restart to delete it", "err", describe(err))
					} else {
						log.Error("getUpdates refused: another instance is polling with this token; run only one", "err", describe(err))
					}
				}
			default:
				b.m.pollErrors.WithLabelValues(out.String()).Inc()
				wait = bo.next()
				log.Warn("getUpdates failed; retrying", "err", describe(err), "retry_in", seconds(wait))
			}
			sleep(ctx, wait)
			continue
		}
		bo.reset()
		for i := range ups {
			if ctx.Err() != nil {
				return nil // the rest come again: their offset was not committed
			}
			u := &ups[i]
			// The update in progress finishes even if ctx ends now.
			err := b.handle(context.WithoutCancel(ctx), u)
			if err != nil {
				id := int64(u.UpdateID)
				if id == failedID {
					failures++
				} else {
					failedID, failures = id, 1
				}
				b.m.handleErrors.Inc()
				if failures < maxUpdateFailures || !b.skip(ctx, u, err) {
					log.Error("update failed; will retry", "update_id", u.UpdateID, "err", err, "failures", failures)
					sleep(ctx, bo.next())
					break // poll again from this update
				}
			}
			offset = max(offset, int64(u.UpdateID)+1)
		}
	}
	return nil
}

// skip records a repeatedly failing update as processed, without effect.
func (b *Bot) skip(ctx context.Context, u *tgbotapi.Update, cause error) bool {
	err := b.store.Commit(context.WithoutCancel(ctx), Commit{UpdateID: int64(u.UpdateID)})
	if err != nil && !errors.Is(err, ErrDuplicate) {
		return false
	}
	b.log.Error("update skipped after repeated failures", "update_id", u.UpdateID, "err", cause)
	return true
}

// deleteWebhook removes a webhook left from an earlier webhook-mode run:
// getUpdates does not work while one is set.
func (b *Bot) deleteWebhook(ctx context.Context) error {
	bo := backoff{base: b.opts.RetryBase, max: b.opts.RetryMax}
	for {
		resp, err := b.api.request(ctx, tgbotapi.DeleteWebhookConfig{})
		out, wait := classifyErr(ctx, err)
		switch out {
		case outOK:
			if resp != nil && resp.Description == "Webhook was deleted" {
				b.log.Warn("a webhook was set; deleted it to use long polling")
			}
			return nil
		case outCanceled:
			return ctx.Err()
		case outUnauthorized:
			return fmt.Errorf("deleteWebhook: %w: %s", ErrUnauthorized, describe(err))
		case outPermanent, outBlocked:
			return fmt.Errorf("deleteWebhook: %w", err)
		case outRateLimited:
		default:
			wait = bo.next()
		}
		b.log.Warn("deleteWebhook failed; retrying", "err", describe(err), "retry_in", seconds(wait))
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}
