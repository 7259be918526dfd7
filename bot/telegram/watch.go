package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

// Group watch. An administrator of a group switches it on with "/watch on"
// (off with "/watch off"; "/watch" alone shows it). While it is on, a group
// message that the core's WatchVerdict finds to resemble a scam gets one
// short, kind warning naming the kind of scam, with a button to a private
// check; at most one warning per group per interval. The warning is a new
// message: it never replies to, quotes or names the member. Group messages
// are read in memory only: never stored, never logged.
//
// Whether someone is an administrator is asked of Telegram
// (getChatAdministrators, by user id, never by name), cached per group for
// adminTTL. Anyone else's /watch is ignored without a word, so that nobody
// can make the bot talk in a group by repeating it.

// A CommunityStore keeps the group watch settings. cmd/scambot backs it
// with bot/sqlite; a Bot without one (Options.Community nil) ignores /watch
// and never reads group messages.
type CommunityStore interface {
	// SetWatch switches a group's watch on or off at interval; byUserID is
	// the administrator who did it (0 for an anonymous administrator).
	SetWatch(ctx context.Context, chatID int64, enabled bool, interval time.Duration, byUserID int64) error
	// Watch returns a group's watch setting; the zero value (off) if none.
	Watch(ctx context.Context, chatID int64) (WatchState, error)
	// ClaimWarning records a warning in a watched group at now if the
	// group's interval has passed since the last one, atomically, and
	// reports whether the caller may send it.
	ClaimWarning(ctx context.Context, chatID int64, now time.Time) (bool, error)
	// ForgetWatcher removes userID from the watch records (who switched a
	// group's watch on or off), for /forget.
	ForgetWatcher(ctx context.Context, userID int64) error
}

// WatchState is a group's watch setting.
type WatchState struct {
	Enabled  bool
	Interval time.Duration
}

// DefaultWatchInterval is the least time between two warnings in one group
// unless Options.WatchInterval says otherwise.
const DefaultWatchInterval = 10 * time.Minute

// adminTTL is how long a group's administrator list is trusted; adminCap
// bounds the groups remembered.
const (
	adminTTL = time.Minute
	adminCap = 1024
)

// adminTimeout bounds getChatAdministrators, which runs while the update
// is handled (only for /watch, which is rare).
const adminTimeout = 10 * time.Second

// kindWatch labels watch warnings and /watch answers in metrics.
const (
	kindWatchWarning = "watch_warning"
	kindWatchSetting = "watch_setting"
)

// watchState is what the Bot keeps for the group watch.
type watchState struct {
	store  CommunityStore // nil: no group watch
	every  time.Duration
	admins admins
}

func (w *watchState) init(opts Options) {
	w.store, w.every = opts.Community, opts.WatchInterval
	if w.every <= 0 {
		w.every = DefaultWatchInterval
	}
}

// admins caches each group's administrators.
type admins struct {
	mu sync.Mutex
	m  map[int64]adminList
}

type adminList struct {
	ids map[int64]bool
	bot bool // the bot itself is an administrator (it then sees every message)
	at  time.Time
}

func (a *admins) get(chatID int64, now time.Time) (adminList, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.m[chatID]
	if !ok || now.Sub(l.at) > adminTTL || now.Before(l.at) {
		return adminList{}, false
	}
	return l, true
}

func (a *admins) put(chatID int64, l adminList) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil || len(a.m) >= adminCap {
		a.m = map[int64]adminList{}
	}
	a.m[chatID] = l
}

// administrators asks Telegram who administers a group.
func (c *Client) administrators(ctx context.Context, chatID int64) (adminList, error) {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	ms, err := c.with(ctx).GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: chatID}})
	if err != nil {
		return adminList{}, redact(err, c.bot.Token)
	}
	l := adminList{ids: make(map[int64]bool, len(ms))}
	for _, m := range ms {
		if m.User == nil || (m.Status != "creator" && m.Status != "administrator") {
			continue
		}
		l.ids[m.User.ID] = true
		l.bot = l.bot || m.User.ID == c.ID()
	}
	return l, nil
}

// isAdmin reports whether the sender of in administers its group. An
// anonymous administrator (who writes as the group itself) is one by
// construction: Telegram lets only administrators do that.
func (b *Bot) isAdmin(ctx context.Context, in *incoming, now time.Time) (adminList, bool, error) {
	l, ok := b.watch.admins.get(in.chatID, now)
	if !ok {
		var err error
		if l, err = b.api.administrators(ctx, in.chatID); err != nil {
			return adminList{}, false, err
		}
		l.at = now
		b.watch.admins.put(in.chatID, l)
	}
	return l, in.anonAdmin || (in.userID != 0 && l.ids[in.userID]), nil
}

// classifyAnonymous maps a message an anonymous administrator wrote as the
// group itself: their /watch is honoured, anything else is chatter (the
// member is hidden, so it cannot be moved to a private chat).
func classifyAnonymous(m *tgbotapi.Message, me string) (incoming, bool) {
	if m.SenderChat == nil || m.Chat == nil || m.SenderChat.ID != m.Chat.ID || !isGroup(m.Chat.Type) {
		return incoming{}, false
	}
	in := incoming{kind: "message", act: actIgnore, what: "chatter", chatID: m.Chat.ID, chatType: m.Chat.Type, anonAdmin: true}
	if m.From != nil {
		in.lang, _ = bot.ParseLang(m.From.LanguageCode)
	}
	if cmd, args, forOther, isCmd := command(m, me); isCmd && !forOther && cmd == "watch" {
		in.act, in.what = actWatch, "command"
		in.event = bot.Event{Kind: bot.EventCommand, Command: cmd, Args: args}
	}
	return in, true
}

// watchCommand answers /watch from a group administrator: on, off, or the
// current setting. Others get no answer. It returns the messages to queue.
func (b *Bot) watchCommand(ctx context.Context, in *incoming, now time.Time) []OutMsg {
	if b.watch.store == nil {
		return nil
	}
	l, ok, err := b.isAdmin(ctx, in, now)
	if err != nil {
		b.log.Warn("cannot check the group's administrators; /watch ignored", "chat", b.hash(in.chatID), "err", describe(err))
		return nil
	}
	if !ok {
		b.log.Info("/watch from someone who is not an administrator ignored", "chat", b.hash(in.chatID))
		return nil
	}
	msgs := b.core.Bot().Engine().Catalogue().Messages
	lang := orZH(in.lang)
	minutes := strconv.Itoa(max(1, int(b.watch.every/time.Minute)))
	say := func(keys ...string) []OutMsg {
		var parts []string
		for _, k := range keys {
			parts = append(parts, msgs.Get(lang, k, "minutes", minutes))
		}
		p := payload{Text: strings.Join(parts, "\n\n"), Kind: kindWatchSetting}
		return []OutMsg{{ChatID: in.chatID, Priority: PriorityNormal, Payload: p.encode()}}
	}
	var enable bool
	switch strings.ToLower(strings.TrimSpace(in.event.Args)) {
	case "on", "开", "开启", "打开":
		enable = true
	case "off", "关", "关闭":
		enable = false
	default:
		w, err := b.watch.store.Watch(ctx, in.chatID)
		if err != nil {
			b.log.Error("cannot read the group's watch setting", "chat", b.hash(in.chatID), "err", err)
			return nil
		}
		if w.Enabled {
			return say("watch_status_on")
		}
		return say("watch_status_off")
	}
	if err := b.watch.store.SetWatch(ctx, in.chatID, enable, b.watch.every, in.userID); err != nil {
		b.log.Error("cannot store the group's watch setting", "chat", b.hash(in.chatID), "err", err)
		return nil
	}
	b.log.Info("group watch switched", "chat", b.hash(in.chatID), "on", enable, "by", b.hash(in.userID))
	if !enable {
		return say("watch_off")
	}
	if l.bot || b.api.bot.Self.CanReadAllGroupMessages {
		return say("watch_on")
	}
	// Privacy mode hides ordinary messages from the bot: say how to lift it.
	return say("watch_on", "watch_on_hidden")
}

// watchMessage reads a group message when the group's watch is on and, if
// it resembles a scam and the group's interval has passed, returns the one
// warning to queue. The text is only read here; nothing of it is kept.
func (b *Bot) watchMessage(ctx context.Context, in *incoming, now time.Time) []OutMsg {
	if b.watch.store == nil || strings.TrimSpace(string(in.event.Text)) == "" {
		return nil
	}
	w, err := b.watch.store.Watch(ctx, in.chatID)
	if err != nil {
		b.log.Error("cannot read the group's watch setting", "chat", b.hash(in.chatID), "err", err)
		return nil
	}
	if !w.Enabled {
		return nil
	}
	reply, scam := conversation.WatchVerdict(b.core.Bot().Engine(), string(in.event.Text), "")
	if !scam {
		return nil
	}
	ok, err := b.watch.store.ClaimWarning(ctx, in.chatID, now)
	if err != nil {
		b.log.Error("cannot record a watch warning", "chat", b.hash(in.chatID), "err", err)
		return nil
	}
	if !ok {
		return nil // warned recently
	}
	b.log.Info("watch warning", "chat", b.hash(in.chatID), "level", reply.Level.String())
	return []OutMsg{b.watchWarning(in.chatID, reply)}
}

// watchWarning turns the core's warning into a group message: its text and
// one URL button per choice opening a private check (never a callback
// button: the bot runs no checklist in groups).
func (b *Bot) watchWarning(chatID int64, r bot.Reply) OutMsg {
	p := payload{Text: r.Text, Kind: kindWatchWarning}
	if len(r.Choices) > 0 { // one way out is enough
		p.KB = [][]button{{{Text: shorten(r.Choices[0].Label, maxButtonText), URL: b.DeepLink(conversation.ChoiceCheck)}}}
	}
	return OutMsg{ChatID: chatID, Priority: PriorityNormal, Payload: p.encode()}
}

// forgetCommunity removes a user who asked to be forgotten from the watch
// records; the user's other data went in the commit.
func (b *Bot) forgetCommunity(ctx context.Context, userID int64) {
	if b.watch.store == nil || userID == 0 {
		return
	}
	if err := b.watch.store.ForgetWatcher(ctx, userID); err != nil {
		b.log.Error("cannot forget the user in the watch records", "err", fmt.Errorf("forget watcher: %w", err))
	}
}
