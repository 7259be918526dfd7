package telegram

import (
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
)

// What an update asks of the bot.
type action int

const (
	actIgnore      action = iota // nothing to do but confirm it (group chatter, edits, channel posts…)
	actConverse                  // a private message or button: step the conversation
	actGroupInvite               // a command or reply to the bot in a group: point to a private chat
	actGroupJoined               // the bot was added to a group: introduce itself once
	actGroupLeft                 // the bot was removed from a group
	actBlocked                   // a user blocked the bot in private
	actUnblocked                 // a user unblocked the bot
	actInline                    // an inline query: answer with the warning cards that fit it (inline.go)
	actAnswerOnly                // a callback query outside a private chat: answer it, nothing else
	actWatch                     // /watch in a group: an administrator switches the group watch (watch.go)
	actGroupText                 // other group messages: read only if the group watch is on (watch.go)
)

// An incoming is an update as the bot sees it: what to do, for which chat
// and user, and the core's Event for a conversation. It holds the user's
// text only inside Event.Text, which logs as its length.
type incoming struct {
	act  action
	kind string // the update type, for metrics: "message", "callback_query"…
	// what is the message kind for metrics ("text", "command", "sticker"…).
	what     string
	chatID   int64
	chatType string
	userID   int64
	// lang is the user's client language, when it is one scambot speaks.
	lang bot.Lang
	// event is the conversation event for actConverse.
	event bot.Event
	// queryID is the callback or inline query to answer.
	queryID string
	// msgID is the bot's message a callback button was pressed on.
	msgID int
	// langCode is the client's language code as sent (inline queries).
	langCode string
	// anonAdmin: an anonymous administrator wrote as the group itself.
	anonAdmin bool
	// model is the model's second look to ask for once the update is
	// committed (model.go); nil for none.
	model *modelJob
}

// The commands the bot answers in groups; any other command there is
// chatter.
var groupCommands = map[string]bool{"start": true, "check": true, "help": true}

// classify maps a Telegram update to what the bot should do. me is the
// bot's username, used to tell commands addressed to another bot apart
// ("/check@other_bot"). It never fails: an update it does not understand
// is actIgnore with kind "unknown".
func classify(u *tgbotapi.Update, me string, now time.Time) incoming {
	switch {
	case u.Message != nil:
		return classifyMessage(u.Message, me, now)
	case u.CallbackQuery != nil:
		return classifyCallback(u.CallbackQuery, now)
	case u.EditedMessage != nil:
		in := incoming{act: actIgnore, kind: "edited_message", what: "edit"}
		in.setChat(u.EditedMessage.Chat, u.EditedMessage.From)
		return in
	case u.ChannelPost != nil:
		return incoming{act: actIgnore, kind: "channel_post", what: "post"}
	case u.EditedChannelPost != nil:
		return incoming{act: actIgnore, kind: "edited_channel_post", what: "post"}
	case u.InlineQuery != nil:
		in := incoming{act: actInline, kind: "inline_query", what: "inline", queryID: u.InlineQuery.ID}
		if u.InlineQuery.From != nil {
			in.userID = u.InlineQuery.From.ID
			in.langCode = u.InlineQuery.From.LanguageCode
			in.lang, _ = bot.ParseLang(in.langCode)
		}
		in.event = bot.Event{Kind: bot.EventText, Text: bot.Text(u.InlineQuery.Query), Lang: in.lang}
		return in
	case u.MyChatMember != nil:
		return classifyMyChatMember(u.MyChatMember)
	case u.ChatMember != nil:
		return incoming{act: actIgnore, kind: "chat_member", what: "member"}
	case u.ChosenInlineResult != nil:
		return incoming{act: actIgnore, kind: "chosen_inline_result", what: "inline"}
	case u.ShippingQuery != nil:
		return incoming{act: actIgnore, kind: "shipping_query", what: "payment"}
	case u.PreCheckoutQuery != nil:
		return incoming{act: actIgnore, kind: "pre_checkout_query", what: "payment"}
	case u.Poll != nil:
		return incoming{act: actIgnore, kind: "poll", what: "poll"}
	case u.PollAnswer != nil:
		return incoming{act: actIgnore, kind: "poll_answer", what: "poll"}
	case u.ChatJoinRequest != nil:
		return incoming{act: actIgnore, kind: "chat_join_request", what: "member"}
	}
	// A type newer than the client library (reactions, boosts, business
	// messages…) decodes as an empty Update.
	return incoming{act: actIgnore, kind: "unknown", what: "unknown"}
}

func (in *incoming) setChat(c *tgbotapi.Chat, from *tgbotapi.User) {
	if c != nil {
		in.chatID, in.chatType = c.ID, c.Type
	}
	if from != nil {
		in.userID = from.ID
		in.lang, _ = bot.ParseLang(from.LanguageCode)
	}
}

func isGroup(chatType string) bool { return chatType == "group" || chatType == "supergroup" }

func classifyMessage(m *tgbotapi.Message, me string, now time.Time) incoming {
	if anon, ok := classifyAnonymous(m, me); ok {
		return anon
	}
	in := incoming{kind: "message"}
	in.setChat(m.Chat, m.From)
	if m.From == nil || m.From.IsBot || m.Chat == nil {
		in.act, in.what = actIgnore, "anonymous"
		return in
	}
	cmd, args, forOther, isCmd := command(m, me)
	switch in.chatType {
	case "private":
	case "group", "supergroup":
		switch {
		case isCmd && !forOther && cmd == "watch":
			in.act, in.what = actWatch, "command"
			in.event = bot.Event{Kind: bot.EventCommand, Command: cmd, Args: args, Time: now, Lang: in.lang}
		case isCmd && !forOther && groupCommands[cmd]:
			in.act, in.what = actGroupInvite, "command"
		case !isCmd && m.ReplyToMessage != nil && m.ReplyToMessage.From != nil &&
			m.ReplyToMessage.From.IsBot && strings.EqualFold(m.ReplyToMessage.From.UserName, me):
			in.act, in.what = actGroupInvite, "reply"
		default:
			// Read (in memory, never kept) only where the watch is on.
			in.act, in.what = actGroupText, "chatter"
			in.event = bot.Event{Kind: bot.EventText, Text: bot.Text(m.Text), Time: now, Lang: in.lang}
			if m.Text == "" {
				in.event.Text = bot.Text(m.Caption)
			}
		}
		return in
	default: // a channel
		in.act, in.what = actIgnore, "chatter"
		return in
	}
	ev := bot.Event{Time: now, Lang: in.lang}
	switch {
	case isCmd && forOther:
		in.act, in.what = actIgnore, "command_other_bot"
		return in
	case isCmd:
		ev.Kind, ev.Command, ev.Args = bot.EventCommand, cmd, args
		in.what = "command"
	case m.Text != "":
		ev.Kind, ev.Text = bot.EventText, bot.Text(m.Text)
		in.what = "text"
	case m.Caption != "":
		// A photo or document with words: read the words.
		ev.Kind, ev.Text = bot.EventText, bot.Text(m.Caption)
		in.what = "caption"
	default:
		// A sticker, photo, voice note…: the core answers an empty text
		// with a calm "please tell me in words" and re-shows the question.
		ev.Kind = bot.EventText
		in.what = mediaKind(m)
	}
	in.act, in.event = actConverse, ev
	return in
}

// mediaKind names what a message without text carries, for metrics.
func mediaKind(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case len(m.Photo) > 0:
		return "photo"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case m.Video != nil, m.VideoNote != nil, m.Animation != nil:
		return "video"
	case m.Document != nil:
		return "document"
	case m.Contact != nil:
		return "contact"
	case m.Location != nil, m.Venue != nil:
		return "location"
	case m.Poll != nil, m.Dice != nil:
		return "poll"
	case len(m.NewChatMembers) > 0, m.LeftChatMember != nil, m.NewChatTitle != "", m.PinnedMessage != nil:
		return "service"
	}
	return "other"
}

// command parses a leading bot command the way Telegram marks it: a
// bot_command entity at offset 0 (entity offsets count UTF-16 units), or,
// for clients that send none, a leading "/name". It returns the lower-case
// name without "/", the arguments, whether it is addressed to another bot
// ("/cmd@other_bot"), and whether there is a command at all.
func command(m *tgbotapi.Message, me string) (name, args string, forOther, ok bool) {
	text := m.Text
	end := 0
	if len(m.Entities) > 0 && m.Entities[0].Type == "bot_command" && m.Entities[0].Offset == 0 {
		end = utf16Prefix(text, m.Entities[0].Length)
	} else if strings.HasPrefix(text, "/") {
		end = 1
		for end < len(text) && isCommandByte(text[end]) {
			end++
		}
		if end < len(text) && text[end] == '@' {
			end++
			for end < len(text) && isCommandByte(text[end]) {
				end++
			}
		}
		if end == 1 || end < len(text) && text[end] != ' ' && text[end] != '\n' {
			return "", "", false, false
		}
	}
	if end <= 1 {
		return "", "", false, false
	}
	name, target, _ := strings.Cut(text[1:end], "@")
	if name == "" {
		return "", "", false, false
	}
	forOther = target != "" && !strings.EqualFold(target, me)
	return strings.ToLower(name), strings.TrimSpace(text[end:]), forOther, true
}

func isCommandByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// utf16Prefix returns the byte length of the prefix of s that is n UTF-16
// code units long (all of s if shorter).
func utf16Prefix(s string, n int) int {
	units := 0
	for i, r := range s {
		if units >= n {
			return i
		}
		units += utf16.RuneLen(r)
	}
	return len(s)
}

func classifyCallback(q *tgbotapi.CallbackQuery, now time.Time) incoming {
	in := incoming{kind: "callback_query", what: "button", queryID: q.ID}
	if q.From != nil {
		in.userID = q.From.ID
		in.lang, _ = bot.ParseLang(q.From.LanguageCode)
	}
	if q.Message == nil || q.Message.Chat == nil || q.Message.Chat.Type != "private" || q.From == nil {
		// Buttons on inline messages or in groups: the bot never sends
		// callback buttons there, so this is stale or forged.
		in.act = actAnswerOnly
		return in
	}
	in.chatID, in.chatType = q.Message.Chat.ID, q.Message.Chat.Type
	in.msgID = q.Message.MessageID
	in.act = actConverse
	in.event = bot.Event{Kind: bot.EventChoice, Choice: q.Data, Time: now, Lang: in.lang}
	return in
}

func classifyMyChatMember(u *tgbotapi.ChatMemberUpdated) incoming {
	in := incoming{act: actIgnore, kind: "my_chat_member", what: "member"}
	in.chatID, in.chatType = u.Chat.ID, u.Chat.Type
	in.userID = u.From.ID
	in.lang, _ = bot.ParseLang(u.From.LanguageCode)
	was, now := present(u.OldChatMember.Status), present(u.NewChatMember.Status)
	switch {
	case u.Chat.Type == "private" && u.NewChatMember.Status == "kicked":
		in.act = actBlocked
	case u.Chat.Type == "private" && now && !was:
		in.act = actUnblocked
	case isGroup(u.Chat.Type) && now && !was:
		in.act = actGroupJoined
	case isGroup(u.Chat.Type) && was && !now:
		in.act = actGroupLeft
	}
	return in
}

// present reports whether a chat member status means the bot is in the chat.
func present(status string) bool {
	switch status {
	case "creator", "administrator", "member", "restricted":
		return true
	}
	return false
}
