// Package telegramtest is a fake Telegram Bot API server for end-to-end
// tests of code that uses the real client library
// (github.com/go-telegram-bot-api/telegram-bot-api/v5).
//
// It runs on net/http/httptest and enforces what the real server
// (tdlib/telegram-bot-api over TDLib) enforces, answering with the real
// envelope — {"ok":true,"result":…} or {"ok":false,"error_code":N,
// "description":"…"} with HTTP status N, "parameters" only when non-empty —
// and the real error descriptions. The checks follow the real server's
// source (tdlib/telegram-bot-api Client.cpp; TDLib's MessageEntity.cpp,
// ReplyMarkup.cpp and BotCommand.cpp); comments name what each function
// mirrors.
//
//	srv := telegramtest.NewServer(t) // closed by t.Cleanup
//	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), srv.Client())
//	user := telegramtest.User{ID: 1001, FirstName: "Ann"}
//	srv.SendText(telegramtest.PrivateChat(user), user, "/start")
//	// … run the bot …
//	sent, err := srv.WaitSentTo(ctx, user.ID, 1)
//
// # Requests
//
// Paths are /bot<token>/<method> (method names are case-insensitive, or
// given in a "method" parameter). Parameters are read from the query string
// and from form-urlencoded, multipart/form-data or application/json bodies;
// objects (reply_markup, entities, allowed_updates, commands, scope,
// results) are JSON text inside the fields, and the JSON null the client
// sends for nil slices is handled as the real server handles it. A malformed
// token gets 401 "Unauthorized: invalid token specified", a wrong one 401
// "Unauthorized", an unknown method 404 "Not Found: method not found"
// (recorded in UnknownCalls, and reported as a test failure at cleanup
// unless Options.AllowUnknownMethods).
//
// # Emulated methods
//
//   - getMe: is_bot, username, can_read_all_group_messages (false unless
//     Options.PrivacyModeOff).
//   - getUpdates: ids below a positive offset are confirmed and forgotten;
//     offset <= 0 starts at the oldest unconfirmed update; a negative offset
//     keeps the last -offset updates; an offset more than 10 past the newest
//     id is ignored. limit is clamped to 1-100, timeout to 0-50 s; with
//     timeout > 0 and nothing to return the request is held until an update
//     arrives, the timeout passes or the client goes away. A newer long poll
//     ends the held one with 409 "Conflict: terminated by other getUpdates
//     request; …"; setWebhook ends it with "Conflict: terminated by
//     setWebhook request"; while a webhook is set getUpdates answers 409
//     "Conflict: can't use getUpdates method while webhook is active; …".
//     allowed_updates is remembered (absent or null keeps it; the default
//     leaves out chat_member, message_reaction and message_reaction_count)
//     and applies to updates created afterwards.
//   - sendMessage: chat_id ("chat_id is empty", "chat not found", "group
//     chat was upgraded to a supergroup chat" with migrate_to_chat_id),
//     text ("message text is empty", more than 32768 bytes "text is too
//     long"), parse_mode HTML, MarkdownV2 and Markdown parsed by ports of
//     TDLib's parsers ("can't parse entities: …" with TDLib's reasons and
//     byte offsets; "unsupported parse_mode"), 4096 code points counted after
//     parsing and trimming ("message is too long"), reply markup (the real
//     JSON errors, "Text buttons are unallowed in the inline keyboard",
//     invalid URL buttons, callback_data of 1-64 bytes else
//     BUTTON_DATA_INVALID, more than 8 buttons in a row or 100 in total
//     "reply markup is too long" — those two numbers are community
//     measurements, Telegram does not publish them), reply_to_message_id,
//     403 "bot was blocked by the user" (Block) and "bot can't initiate
//     conversation with a user" (a known user who never wrote to the bot),
//     and flood limits (SetLimits). The result is a full Message with
//     message_id increasing per chat, date in seconds and only inline
//     keyboards echoed.
//   - editMessageText, editMessageReplyMarkup: "message to edit not found",
//     "message can't be edited", "inline keyboard expected", "message is not
//     modified: …", the sendMessage text and markup checks; an edit without
//     reply_markup removes the inline keyboard, as on Telegram.
//   - deleteMessage ("message to delete not found", "message can't be
//     deleted" for others' messages in groups unless the bot is an admin).
//   - answerCallbackQuery: unknown, repeated or late (after
//     Options.CallbackDeadline, default 10 s) answers get "query is too old
//     and response timeout expired or query ID is invalid"; text over 200
//     characters gets MESSAGE_TOO_LONG.
//   - answerInlineQuery: at most 50 results ("too many inline query results
//     specified"), ids of 1-64 bytes (RESULT_ID_INVALID), unique
//     (RESULT_ID_DUPLICATE), same deadline as callbacks; each result's
//     message text (an article needs one, "Input message content is not
//     specified"), parse mode and length, an article's title, its reply
//     markup (inline keyboards only, URL and callback_data checks); the
//     button above the results (button.start_parameter or the older
//     switch_pm_text and switch_pm_parameter: 1-64 characters of
//     [A-Za-z0-9_-]), recorded in InlineAnswer.
//   - setMyCommands, getMyCommands, deleteMyCommands: per scope and
//     language_code; TDLib's trimming, leading "/" removal and length errors;
//     BOT_COMMAND_INVALID for characters other than [a-z0-9_];
//     BOT_COMMANDS_TOO_MUCH over 100; "expected an Array of BotCommand" for
//     the null a nil slice encodes to.
//   - getChat, getChatAdministrators (SetAdmins; "there are no
//     administrators in the private chat"), getChatMember, sendChatAction.
//   - setWebhook, deleteWebhook (drop_pending_updates), getWebhookInfo,
//     with the real descriptions ("Webhook was set", "Webhook is already
//     deleted"…), secret_token checks ("secret token is too long", "secret
//     token contains unallowed characters") and, when Limits.SetWebhookInterval
//     is set, 429 retry_after 1 for setWebhook calls less than 1 s apart.
//     DeliverWebhook posts an update with the X-Telegram-Bot-Api-Secret-Token
//     header and runs a method the bot returns in its response body.
//
// # Injecting traffic and failures
//
// SendText, SendReply, PressButton, SendInlineQuery and AddUpdate queue
// updates as users would cause them; DuplicateUpdate re-delivers one.
// Privacy mode is on by default: in groups where the bot is not an
// administrator, only commands (without @username or with the bot's) and
// replies to the bot's messages reach it. FailNext, FailNextWithRetryAfter,
// FailNextWith and DropNext force the next answers of a method: real 429
// envelopes with Retry-After, "Internal Server Error: restart", nginx HTML
// pages for 502-504, or a closed connection.
//
// # Observing
//
// Sent, SentTo, Messages, Calls, CallbackAnswers, InlineAnswers, Commands
// and Webhook report what the bot did. WaitFor, WaitSent, WaitSentTo and
// WaitCalls block until a condition holds, woken by every change, so tests
// need no sleeping or polling.
//
// # Not emulated
//
//   - Methods other than those above (media, files, payments, games,
//     stickers, forum topics, business connections, inline_message_id edits,
//     which always get MESSAGE_ID_INVALID).
//   - The real server's delays: waiting out short flood waits (up to 8 s),
//     holding a 409 for 3 s, the anti-spin rule that forces timeout >= 3
//     or limit = 1 for repeated offsets, and the 1-2 ms batching of updates.
//   - Webhook HTTPS and port checks, certificate checks, automatic delivery
//     and retries (delivery happens only through DeliverWebhook), and
//     max_connections.
//   - Auto-detected entities (URLs, mentions, hashtags) in the bot's texts;
//     only a leading command gets an entity in user messages.
//   - Expiry of updates after 24 h, messages that cannot be edited or
//     deleted after 48 h, channels' sign and permission rules, slow mode,
//     and per-user rights other than administrator.
//   - Limits apply to sendMessage only, and their exact numbers are guesses
//     (Telegram does not publish them).
package telegramtest
