// Package telegram is scambot's Telegram adapter and the only importer of
// github.com/go-telegram-bot-api/telegram-bot-api/v5. It turns updates into
// the core's bot.Events, runs the conversation (bot/conversation), and turns
// the core's bot.Replies into Bot API calls. It knows nothing of SQL: it
// keeps its state through the Store interface, which cmd/scambot backs with
// bot/sqlite.
//
// # One update, one transaction
//
// Updates come by long polling (Poll, our own getUpdates loop: the library's
// GetUpdatesChan confirms updates before they are handled and never sees a
// context) or by webhook (RunWebhook and WebhookHandler, which check the
// secret token themselves: the library cannot). For each update the bot
// answers a callback query at once, loads the chat's session, steps the
// conversation, and calls Store.Commit with the update id, the new state and
// the replies: the polling offset, the state and the outbox change together
// or not at all. A re-delivered update is skipped; a crash between commit
// and delivery loses nothing, since replies wait in the outbox.
//
// # One way out
//
// Every outgoing call goes through one scheduler (Deliver): callback answers
// and urgent warnings first, then the first reply to a chat that was idle,
// then the rest round robin across chats; each chat in order, paced per
// chat, per group and globally under Telegram's limits (Limits). It honours
// 429 retry_after, backs off with jitter on network errors and 5xx, logs and
// removes what Telegram refuses for good, and removes an outbox message only
// after Telegram accepted it.
//
// # Telegram specifics
//
// Texts are sent as plain text (no parse_mode), so nothing a user wrote is
// ever read as markup. Replies longer than 4096 characters are split at
// paragraph, then line, then word boundaries (Split), the keyboard on the
// last part. Choices become inline buttons whose callback_data is the
// core's Choice.ID (at most 64 bytes; a longer one is logged and left out).
// A checklist question answered by a button is edited into the message
// that showed the button before. In groups (privacy mode on) the bot
// answers /check, /start, /help and replies to its own messages with one
// short message and a button to a private chat (t.me/<bot>?start=check); it
// never runs the checklist or quotes anyone there.
//
// # Communities and the model
//
// With Options.Community, a group's administrators (asked of Telegram with
// getChatAdministrators) switch a group watch on with /watch on: scam-like
// group messages then get one kind warning per Options.WatchInterval that
// names the kind of scam and never quotes or names anyone (watch.go).
// Inline queries ("@bot 刷流水") are answered with the catalogue's warning
// cards, each with a deep link that opens the card in a private chat
// (inline.go). With Options.Model, RunModel gives free text a second,
// slower reading off the intake's path and sends a follow-up only when it
// raises the level (model.go).
//
// Logs carry no message text, names or clear ids: chats and users appear as
// Options.HashID(id).
package telegram
