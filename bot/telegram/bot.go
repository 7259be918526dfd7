package telegram

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

// Options configure a Bot. The zero value gives the defaults on each field.
type Options struct {
	// Logger receives operational events. Nothing a user wrote, no name and
	// no clear chat or user id is ever logged: ids appear as HashID(id).
	// Nil discards.
	Logger *slog.Logger
	// Metrics is where the bot registers its Prometheus series; nil keeps
	// them unexported.
	Metrics prometheus.Registerer
	// HashID turns a chat or user id into the token logs show (the
	// database's salted hash). Nil uses a salted hash with a random salt
	// per process.
	HashID func(int64) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long an idle conversation is kept: after it a
	// message starts afresh, keeping the user's language and region.
	// Default 24 h.
	SessionTTL time.Duration
	// Region is the hotline region of new conversations when the user has
	// not chosen one; "" is the core's default (CN).
	Region string
	// Limits pace outgoing calls; zero fields take the defaults.
	Limits Limits
	// Workers is how many calls may be in flight at once (each chat has at
	// most one, to keep its messages in order). Default 8.
	Workers int
	// Drain is how long Deliver keeps sending after its context ends.
	// Default 5 s.
	Drain time.Duration
	// PollTimeout is getUpdates' long-poll timeout. Default 50 s (the
	// server's maximum).
	PollTimeout time.Duration
	// FloodPerMinute is how many updates a minute one user may send before
	// the bot asks them to slow down and ignores them until they do.
	// Default 20; negative turns flood control off.
	FloodPerMinute int
	// RetryBase and RetryMax bound the exponential backoff after network
	// errors and 5xx answers. Defaults 500 ms and 30 s.
	RetryBase, RetryMax time.Duration

	// Moderation sets up the moderator commands (moderate.go); the zero
	// value turns them off.
	Moderation Moderation

	// Community keeps the group watch settings (watch.go); nil: /watch is
	// ignored and group messages are never read.
	Community CommunityStore
	// WatchInterval is the least time between two warnings in a watched
	// group. Default DefaultWatchInterval.
	WatchInterval time.Duration
	// Model is the optional second reader of free text (model.go); nil:
	// no model. Run RunModel when it is set.
	Model ModelReader
	// ModelWorkers is how many model calls may run at once (default
	// DefaultModelWorkers); ModelQueue how many texts may wait for one
	// (default DefaultModelQueue; beyond it the second look is skipped).
	ModelWorkers, ModelQueue int
}

// A Bot is scambot on Telegram: it turns updates into conversation events,
// commits each update's outcome (new state, replies, polling offset) in one
// store transaction, and delivers replies through one paced scheduler.
//
// Run Deliver, and one intake: Poll (long polling) or RunWebhook (with
// WebhookHandler mounted on an HTTP server). All are safe to run
// concurrently and return when their context is done.
type Bot struct {
	api    *Client
	store  Store
	core   Core
	log    *slog.Logger
	m      *metrics
	now    func() time.Time
	hash   func(int64) string
	ttl    time.Duration
	region string
	flood  *floodControl
	sched  *scheduler
	opts   Options

	// locks serialise updates of one chat (webhook deliveries can arrive
	// concurrently); a fixed stripe keeps memory flat.
	locks [64]sync.Mutex

	intake  atomic.Bool // Poll or RunWebhook is running
	webhook webhookState

	menus modMenus // moderators whose command menu is set (moderate.go)

	watch watchState // group watch (watch.go)
	model *modelPass // the model's second look (model.go); nil without a model
}

// A Core hands out the conversation core to use for one update. A
// *live.Holder is one (its catalogue can be reloaded while the bot runs);
// Fixed wraps a core that never changes.
type Core interface {
	Bot() *conversation.Bot
}

// Fixed is a Core that always returns the same conversation core.
func Fixed(b *conversation.Bot) Core { return fixed{b} }

type fixed struct{ b *conversation.Bot }

func (f fixed) Bot() *conversation.Bot { return f.b }

// New returns a Bot. api comes from Dial, store is the durable state and
// core hands out the conversation core. It fails only if the metrics cannot be
// registered.
func New(api *Client, store Store, core Core, opts Options) (*Bot, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HashID == nil {
		opts.HashID = randomHash()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 24 * time.Hour
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 50 * time.Second
	}
	if opts.FloodPerMinute == 0 {
		opts.FloodPerMinute = 20
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 500 * time.Millisecond
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 30 * time.Second
	}
	m, err := newMetrics(opts.Metrics)
	if err != nil {
		return nil, err
	}
	b := &Bot{
		api:    api,
		store:  store,
		core:   core,
		log:    opts.Logger,
		m:      m,
		now:    opts.Now,
		hash:   opts.HashID,
		ttl:    opts.SessionTTL,
		region: opts.Region,
		flood:  newFloodControl(opts.FloodPerMinute),
		opts:   opts,
	}
	b.sched = newScheduler(api, store, m, opts)
	b.watch.init(opts)
	if b.model, err = newModelPass(opts); err != nil {
		return nil, err
	}
	if opts.Metrics != nil {
		g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "scambot_telegram_calls_pending",
			Help: "Calls not backed by the outbox (callback answers, command menu) queued or in flight.",
		}, func() float64 { return float64(b.sched.callsPending.Load()) })
		if err := opts.Metrics.Register(g); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return b, nil
}

// randomHash hashes ids with a salt that lives as long as the process.
func randomHash() func(int64) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	return func(id int64) string {
		h := sha256.New()
		h.Write(salt)
		binary.Write(h, binary.LittleEndian, id)
		return hex.EncodeToString(h.Sum(nil)[:8])
	}
}

// Ready reports whether the bot is taking updates (Poll or RunWebhook is
// running and set up).
func (b *Bot) Ready() bool { return b.intake.Load() }

// Username returns the bot's username.
func (b *Bot) Username() string { return b.api.Username() }

// Deliver runs the send scheduler until ctx is done, then keeps sending
// for up to Options.Drain and returns nil. Replies not sent by then stay in
// the outbox for the next start. It first queues the command menu.
func (b *Bot) Deliver(ctx context.Context) error {
	b.queueCommands()
	return b.sched.run(ctx)
}

// queueCommands sets the command menu in Chinese (language_code "zh") and
// English (the default for every other language), described in the live
// catalogue's messages.
func (b *Bot) queueCommands() {
	cat := b.core.Bot().Engine().Catalogue()
	for _, lang := range []bot.Lang{bot.ZH, bot.EN} {
		cfg := tgbotapi.SetMyCommandsConfig{Commands: menu(cat, lang)}
		if lang == bot.ZH {
			cfg.LanguageCode = "zh"
		}
		b.sched.call(laneSystem, "setMyCommands", cfg, time.Time{})
	}
}

// handle processes one update: it answers a callback query at once, then
// steps the conversation (or whatever the update calls for) and commits
// the outcome with the update id. It returns an error only when the update
// could not be committed and must be tried again; an update already
// processed is skipped.
func (b *Bot) handle(ctx context.Context, u *tgbotapi.Update) error {
	// Store calls are local and bounded by SQLite's busy timeout; an
	// uncancellable context also spares the driver a goroutine per row.
	ctx = context.WithoutCancel(ctx)
	now := b.now()
	in := classify(u, b.api.Username(), now)
	id := int64(u.UpdateID)
	done, err := b.store.Processed(ctx, id)
	if err != nil {
		return fmt.Errorf("update %d: %w", id, err)
	}
	if done {
		b.m.duplicates.Inc()
		b.log.Debug("duplicate update skipped", "update_id", id, "type", in.kind)
		return nil
	}
	b.m.updates.WithLabelValues(in.kind, in.what).Inc()
	if in.kind == "callback_query" {
		// First, before anything slow: the user's client shows a spinner
		// until the query is answered.
		b.sched.answerCallback(in.queryID, now)
	}
	if in.chatID != 0 {
		l := &b.locks[uint64(in.chatID)%uint64(len(b.locks))]
		l.Lock()
		defer l.Unlock()
	}
	c := Commit{UpdateID: id, ChatID: in.chatID, UserID: in.userID}
	var result *bot.Assessment
	var report *conversation.Report
	switch in.act {
	case actConverse:
		// Moderator commands and review buttons, from moderators only;
		// they leave the conversation alone.
		var moderated bool
		if moderated, err = b.moderate(ctx, &in, &c, now); err != nil {
			return fmt.Errorf("update %d: %w", id, err)
		}
		if moderated {
			break
		}
		result, report, err = b.converse(ctx, &in, &c, now)
		if err == nil {
			err = b.moderatorHelp(ctx, &in, &c)
		}
		if err != nil {
			return fmt.Errorf("update %d: %w", id, err)
		}
	case actGroupInvite:
		switch b.flood.check(in.userID, now) {
		case floodOK:
			c.Out = []OutMsg{b.groupMessage(in, msgGroupInvite, kindInvite)}
		case floodWarn, floodIgnore:
			b.m.throttled.Inc()
		}
	case actGroupJoined:
		c.Out = []OutMsg{b.groupMessage(in, msgGroupIntro, kindIntro)}
		b.log.Info("added to a group", "chat", b.hash(in.chatID), "chat_type", in.chatType)
	case actGroupLeft, actBlocked:
		n, err := b.store.DropOutbox(ctx, in.chatID)
		if err != nil {
			return fmt.Errorf("update %d: %w", id, err)
		}
		b.sched.dropChat(in.chatID)
		if in.act == actBlocked {
			b.log.Warn("user blocked the bot; their queued replies were dropped", "chat", b.hash(in.chatID), "dropped", n)
		} else {
			b.log.Info("removed from a group; its queued messages were dropped", "chat", b.hash(in.chatID), "dropped", n)
		}
	case actUnblocked:
		b.log.Info("user unblocked the bot", "chat", b.hash(in.chatID))
	case actInline:
		b.answerInline(&in, now)
	case actWatch:
		c.Out = b.watchCommand(ctx, &in, now)
	case actGroupText:
		c.Out = b.watchMessage(ctx, &in, now)
	}
	err = b.store.Commit(ctx, c)
	if errors.Is(err, ErrDuplicate) {
		b.m.duplicates.Inc()
		return nil
	}
	if err != nil {
		return fmt.Errorf("update %d: %w", id, err)
	}
	if c.Forget {
		b.sched.dropChat(in.chatID)
		b.forgetCommunity(ctx, in.userID)
		b.log.Info("user data forgotten", "chat", b.hash(in.chatID))
	}
	b.queueModel(in.model, id)
	if result != nil {
		b.m.assessments.WithLabelValues(result.Level.String()).Inc()
	}
	if report != nil {
		// After the commit, so that a re-delivered update cannot file it
		// twice; a crash in between loses it (the user was thanked).
		if err := b.store.AddReport(ctx, in.userID, *report); err != nil {
			b.log.Error("field report not stored", "chat", b.hash(in.chatID), "err", err)
		} else {
			b.log.Info("field report stored", "chat", b.hash(in.chatID), "category", string(report.Category))
		}
	}
	if len(c.Out) > 0 {
		b.sched.notify()
	}
	return nil
}

// converse steps the conversation of a private chat and fills c with the
// new state and the replies. It returns the assessment shown and the field
// report to store, if any.
func (b *Bot) converse(ctx context.Context, in *incoming, c *Commit, now time.Time) (*bot.Assessment, *conversation.Report, error) {
	switch b.flood.check(in.userID, now) {
	case floodIgnore:
		b.m.throttled.Inc()
		return nil, nil, nil
	case floodWarn:
		b.m.throttled.Inc()
		b.log.Info("flood control: asked a user to slow down", "chat", b.hash(in.chatID))
		p := payload{Text: b.core.Bot().Engine().Catalogue().Messages.Get(orZH(in.lang), msgSlowDown), Kind: kindSlowDown}
		c.Out = []OutMsg{{ChatID: in.chatID, Priority: PriorityNormal, Payload: p.encode()}}
		return nil, nil, nil
	}
	sess, err := b.store.Session(ctx, in.chatID)
	if err != nil {
		return nil, nil, err
	}
	st, prefs, err := b.state(ctx, in, sess, now)
	if err != nil {
		return nil, nil, err
	}
	// One core for the whole update: a reload in between cannot mix
	// catalogue versions within one assessment.
	conv := b.core.Bot()
	o := conv.Step(st, in.event)
	in.model = b.modelJob(in, st, o)
	if o.Forget {
		c.Forget = true
	} else {
		if c.State, err = json.Marshal(o.State); err != nil {
			return nil, nil, fmt.Errorf("encode state: %w", err)
		}
		if err := b.savePrefs(ctx, in.userID, st, o.State, prefs); err != nil {
			return nil, nil, err
		}
	}
	if o.Report != nil {
		n, err := b.store.CountReports(ctx, in.userID, now.Add(-24*time.Hour))
		if err != nil {
			return nil, nil, err
		}
		if n >= maxReportsPerDay {
			// Over the limit: the thanks become a polite refusal.
			msgs := conv.Engine().Catalogue().Messages
			thanks, limit := msgs.Get(o.Report.Lang, "report_thanks"), msgs.Get(o.Report.Lang, "report_limit")
			for i := range o.Replies {
				if o.Replies[i].Text == thanks {
					o.Replies[i].Text = limit
				}
			}
			o.Report = nil
		}
	}
	// A valid answer can only come from the message showing the current
	// question (answer buttons carry the question's sequence number), so
	// that message is the one to edit, even if its id is not stored yet.
	answered := len(o.State.Asked) == len(st.Asked)+1
	c.Out = b.replies(in, sess, answered, o.Replies)
	if a := o.Result; a != nil {
		ev := &StatEvent{Level: a.Level.String(), Category: string(a.Category)}
		if len(a.Scripts) > 0 {
			ev.Script = a.Scripts[0].ID
		}
		for _, s := range a.Signals {
			ev.Signals = append(ev.Signals, string(s.ID))
		}
		c.Stat = ev
	}
	return o.Result, o.Report, nil
}

// maxReportsPerDay is how many field reports one user may file in 24 hours.
const maxReportsPerDay = 5

// state returns the conversation to continue: the stored one, or a fresh
// one (none stored, unreadable, or idle longer than the TTL) that keeps
// the user's language and region. prefs is non-nil when it was loaded.
func (b *Bot) state(ctx context.Context, in *incoming, sess Session, now time.Time) (conversation.State, *Prefs, error) {
	var st conversation.State
	if sess.State != nil {
		if err := json.Unmarshal(sess.State, &st); err != nil {
			b.log.Warn("unreadable conversation state; starting afresh", "chat", b.hash(in.chatID), "err", err)
			st = conversation.State{}
		}
		if st.V == conversation.Version && !st.Expired(now, b.ttl) {
			return st, nil, nil
		}
		if st.V == conversation.Version {
			st = st.Fresh()
		}
	}
	p, err := b.store.Prefs(ctx, in.userID)
	if err != nil {
		return st, nil, err
	}
	if st.V != conversation.Version {
		st = conversation.State{V: conversation.Version}
	}
	if l, ok := bot.ParseLang(p.Lang); ok {
		st.Lang, st.LangSet = l, true
	}
	switch {
	case p.Region != "":
		st.Region = p.Region
	case st.Region == "":
		st.Region = b.region
	}
	return st, &p, nil
}

// savePrefs stores the language or region the user chose in this step, so
// that later conversations start with them.
func (b *Bot) savePrefs(ctx context.Context, userID int64, before, after conversation.State, prefs *Prefs) error {
	langChosen := after.LangSet && (!before.LangSet || after.Lang != before.Lang)
	regionChosen := after.Region != before.Region && after.Region != ""
	if !langChosen && !regionChosen {
		return nil
	}
	if prefs == nil {
		p, err := b.store.Prefs(ctx, userID)
		if err != nil {
			return err
		}
		prefs = &p
	}
	p := *prefs
	if langChosen {
		p.Lang = string(after.Lang)
	}
	if regionChosen {
		p.Region = after.Region
	}
	return b.store.SetPrefs(ctx, userID, p.Lang, p.Region)
}

// replies turns the core's replies into outbox messages: plain text split
// to Telegram's limit with the keyboard on the last part, urgent warnings
// at top priority, and a question that follows a button pressed on the
// current question message (the stored one, or the one just answered)
// edited into that message.
func (b *Bot) replies(in *incoming, sess Session, answered bool, rs []bot.Reply) []OutMsg {
	var out []OutMsg
	for i, r := range rs {
		rows, dropped := keyboard(r.Choices)
		for _, err := range dropped {
			b.log.Error("button not sent", "err", err, "reply_kind", replyKind(r.Kind))
		}
		prio := PriorityNormal
		if r.Kind == bot.ReplyUrgent {
			prio = PriorityUrgent
		}
		parts := Split(r.Text, MaxText)
		var edit int64
		if r.Kind == bot.ReplyQuestion && i == 0 && len(parts) == 1 && in.msgID != 0 &&
			(int64(in.msgID) == sess.QuestionMsgID || answered) {
			edit = int64(in.msgID)
		}
		for j, part := range parts {
			p := payload{Text: part, Kind: replyKind(r.Kind)}
			if j == len(parts)-1 {
				p.KB, p.Edit, p.Question = rows, edit, r.Kind == bot.ReplyQuestion
			}
			out = append(out, OutMsg{ChatID: in.chatID, Priority: prio, Payload: p.encode()})
		}
	}
	return out
}

// groupMessage is the one short message the bot writes in a group: no
// question, nothing quoted, and a button that opens a private chat with
// the checklist (t.me/<bot>?start=check).
func (b *Bot) groupMessage(in incoming, key string, kind string) OutMsg {
	lang := orZH(in.lang)
	msgs := b.core.Bot().Engine().Catalogue().Messages
	p := payload{
		Text: msgs.Get(lang, key),
		KB:   [][]button{{{Text: msgs.Get(lang, msgPrivateButton), URL: b.DeepLink("check")}}},
		Kind: kind,
	}
	return OutMsg{ChatID: in.chatID, Priority: PriorityNormal, Payload: p.encode()}
}

// DeepLink returns the link that opens a private chat with the bot and
// sends "/start payload".
func (b *Bot) DeepLink(payload string) string {
	return "https://t.me/" + url.PathEscape(b.api.Username()) + "?start=" + url.QueryEscape(payload)
}

func orZH(l bot.Lang) bot.Lang {
	if l == "" {
		return bot.ZH
	}
	return l
}
