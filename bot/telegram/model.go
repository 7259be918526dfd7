package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
)

// The model's second look. With Options.Model set, the deterministic reply
// to a free-text message goes out at once, as without a model; then a
// bounded pool of workers (RunModel) asks the model about the text in the
// background, so a slow model never holds up the poller or anyone else. The
// model gets the text only (bot/llm masks numbers, links and emails), never
// who wrote it. If the model's signals raise the level of the conversation,
// the worker steps the conversation once more with the same text and the
// model's signals (Event.Extra) and commits the outcome like an update:
// state and replies in one Store.Commit, under the id -update_id, so it
// happens at most once. The user then gets a short "on a closer look"
// follow-up (an urgent warning first if it is now urgent). If the model
// adds nothing, is down, slow or answers nonsense, nothing more is sent.
//
// The follow-up is skipped when the conversation moved on in a way the text
// no longer belongs to: forgotten, restarted, expired, or in the middle of
// a report. A crash before the follow-up is committed loses it (the model
// is optional; the user already has the deterministic answer).

// A ModelReader is the optional second reader of free text: it returns the
// signals of the catalogue's vocabulary it finds in text, each with
// evidence quoted from it (Source bot.FromModel). *llm.Reader is one. It
// must be safe for concurrent use and honour ctx.
type ModelReader interface {
	Read(ctx context.Context, text string, lang bot.Lang) ([]bot.SignalHit, error)
}

// Defaults of the model pass.
const (
	DefaultModelWorkers = 4
	DefaultModelQueue   = 256
)

// A modelJob is one text waiting for the model's second look. It holds the
// text in memory only, until the model has answered.
type modelJob struct {
	updateID int64
	chatID   int64
	userID   int64
	text     bot.Text
	lang     bot.Lang
	// started identifies the conversation the text belongs to.
	started time.Time
}

// modelPass is the Bot's model, its queue and its pool size.
type modelPass struct {
	reader   ModelReader
	jobs     chan modelJob
	workers  int
	outcomes *prometheus.CounterVec
}

// Outcomes of a second look, as metric labels.
const (
	modelSent    = "sent"    // a follow-up was committed
	modelNothing = "nothing" // the model added nothing that raises the level
	modelFailed  = "failed"  // the model failed (down, slow, malformed); nothing sent
	modelStale   = "stale"   // the conversation moved on; nothing sent
	modelDropped = "dropped" // the queue was full; the model was not asked
)

// newModelPass returns the model pass, or nil without a model.
func newModelPass(opts Options) (*modelPass, error) {
	if opts.Model == nil {
		return nil, nil
	}
	mp := &modelPass{
		reader:  opts.Model,
		workers: opts.ModelWorkers,
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_telegram_model_second_looks_total",
			Help: "Free-text messages given to the optional model after the deterministic reply, by outcome (sent, nothing, failed, stale, dropped).",
		}, []string{"outcome"}),
	}
	if mp.workers <= 0 {
		mp.workers = DefaultModelWorkers
	}
	queue := opts.ModelQueue
	if queue <= 0 {
		queue = DefaultModelQueue
	}
	mp.jobs = make(chan modelJob, queue)
	if opts.Metrics != nil {
		if err := opts.Metrics.Register(mp.outcomes); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return mp, nil
}

// RunModel runs the model's second looks until ctx is done, at most
// Options.ModelWorkers at once; then it waits for the looks in progress
// (their model calls are cancelled, so they send nothing) and returns nil.
// Texts still queued are dropped. Without Options.Model it returns nil at
// once.
func (b *Bot) RunModel(ctx context.Context) error {
	mp := b.model
	if mp == nil {
		return nil
	}
	var g errgroup.Group
	g.SetLimit(mp.workers)
	for {
		select {
		case <-ctx.Done():
			return g.Wait()
		case j := <-mp.jobs:
			g.Go(func() error {
				mp.outcomes.WithLabelValues(b.secondLook(ctx, j)).Inc()
				return nil
			})
		}
	}
}

// modelJob returns the second look to ask for after a conversation step,
// or nil: only for free text read as a story (not a report being written),
// only with a model, and only if the level can still rise.
func (b *Bot) modelJob(in *incoming, before conversation.State, o conversation.Outcome) *modelJob {
	if b.model == nil || in.event.Kind != bot.EventText || strings.TrimSpace(string(in.event.Text)) == "" || o.Forget {
		return nil
	}
	if before.Phase == conversation.PhaseReportText || before.Phase == conversation.PhaseReportEvidence {
		return nil
	}
	if o.Result != nil && o.Result.Level >= bot.Critical {
		return nil
	}
	return &modelJob{chatID: in.chatID, userID: in.userID, text: in.event.Text, lang: o.State.Lang, started: o.State.Started}
}

// queueModel hands a committed update's text to the model's workers. It
// never blocks the intake: with the queue full, the second look is skipped.
func (b *Bot) queueModel(j *modelJob, updateID int64) {
	if j == nil || b.model == nil {
		return
	}
	j.updateID = updateID
	select {
	case b.model.jobs <- *j:
	default:
		b.model.outcomes.WithLabelValues(modelDropped).Inc()
		// Counted; not logged one by one, since it happens in bursts.
		b.log.Debug("model queue full; second look skipped", "chat", b.hash(j.chatID))
	}
}

// secondLook asks the model about one text and commits a follow-up if its
// signals raise the level. It returns the outcome.
func (b *Bot) secondLook(ctx context.Context, j modelJob) string {
	hits, err := b.model.reader.Read(ctx, string(j.text), j.lang)
	if err != nil {
		// The reader logged why; the user keeps the deterministic answer.
		return modelFailed
	}
	if len(hits) == 0 {
		return modelNothing
	}
	if ctx.Err() != nil {
		return modelFailed
	}
	out, err := b.followUp(context.WithoutCancel(ctx), j, hits)
	if err != nil {
		b.log.Error("model follow-up not committed", "chat", b.hash(j.chatID), "err", err)
		return modelFailed
	}
	return out
}

// followUp steps the conversation with the text and the model's signals,
// under the chat's lock, and commits the outcome if the level rose.
func (b *Bot) followUp(ctx context.Context, j modelJob, hits []bot.SignalHit) (string, error) {
	l := b.chatLock(j.chatID)
	l.Lock()
	defer l.Unlock()
	sess, err := b.store.Session(ctx, j.chatID)
	if err != nil {
		return "", err
	}
	if sess.State == nil {
		return modelStale, nil // forgotten or expired
	}
	var st conversation.State
	now := b.now()
	if err := json.Unmarshal(sess.State, &st); err != nil || st.V != conversation.Version ||
		!st.Started.Equal(j.started) || st.Expired(now, b.ttl) ||
		st.Phase == conversation.PhaseReportText || st.Phase == conversation.PhaseReportEvidence {
		return modelStale, nil
	}
	conv := b.core.Bot()
	if !raises(conv.Engine(), st, string(j.text), hits) {
		return modelNothing, nil
	}
	o := conv.Step(st, bot.Event{Kind: bot.EventText, Text: j.text, Extra: hits, Time: now, Lang: j.lang})
	state, err := json.Marshal(o.State)
	if err != nil {
		return "", fmt.Errorf("encode state: %w", err)
	}
	closer := conv.Engine().Catalogue().Messages.Get(orZH(o.State.Lang), "model_closer_look")
	replies := closerLook(o.Replies, closer)
	in := incoming{chatID: j.chatID, chatType: "private", userID: j.userID, lang: j.lang}
	c := Commit{UpdateID: -j.updateID, ChatID: j.chatID, UserID: j.userID, State: state, Out: b.replies(&in, sess, false, replies)}
	if o.Result != nil {
		c.Stat = statEvent(o.Result)
	}
	err = b.store.Commit(ctx, c)
	if errors.Is(err, ErrDuplicate) {
		return modelNothing, nil
	}
	if err != nil {
		return "", err
	}
	if o.Result != nil {
		b.m.assessments.WithLabelValues(o.Result.Level.String()).Inc()
	}
	b.log.Info("model follow-up", "chat", b.hash(j.chatID), "signals", len(hits))
	b.sched.notify()
	return modelSent, nil
}

// raises reports whether the model's signals lift the conversation's level
// above what the deterministic reading of the same text gives, computed as
// the core's text step computes it.
func raises(eng *engine.Engine, st conversation.State, text string, hits []bot.SignalHit) bool {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > conversation.MaxText {
		text = text[:prefixRunes(text, conversation.MaxText)]
	}
	lang := st.Lang
	if !st.LangSet {
		lang = conversation.DetectLang(text, st.Lang)
	}
	in := engine.Input{Answers: st.Answers, Text: text, Known: st.Signals, Lang: orZH(lang), Region: st.Region, Org: st.Org}
	var sc engine.Scratch
	before := eng.Assess(&sc, in).Level
	in.Extra = hits
	after := eng.Assess(&sc, in).Level
	return after > before
}

// closerLook puts "on a closer look" before the first reply that is not an
// urgent warning (the warning stays first), or after them all.
func closerLook(rs []bot.Reply, closer string) []bot.Reply {
	out := append([]bot.Reply(nil), rs...)
	for i := range out {
		if out[i].Kind != bot.ReplyUrgent {
			out[i].Text = closer + "\n" + out[i].Text
			return out
		}
	}
	return append(out, bot.Reply{Kind: bot.ReplyMessage, Text: closer})
}

// statEvent counts an assessment shown: its outcome, never its text.
func statEvent(a *bot.Assessment) *StatEvent {
	ev := &StatEvent{Level: a.Level.String(), Category: string(a.Category)}
	if len(a.Scripts) > 0 {
		ev.Script = a.Scripts[0].ID
	}
	for _, s := range a.Signals {
		ev.Signals = append(ev.Signals, string(s.ID))
	}
	return ev
}

// chatLock returns the lock that serialises the updates of a chat.
func (b *Bot) chatLock(chatID int64) *sync.Mutex {
	return &b.locks[uint64(chatID)%uint64(len(b.locks))]
}
