package telegram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// Limits pace outgoing calls. Telegram does not publish exact limits; its
// FAQ says about 30 messages a second overall, about 1 a second per chat
// with short bursts, and 20 a minute per group. A zero field takes the
// default; rate.Inf turns a limit off (for benchmarks).
//
// The limits are token buckets (golang.org/x/time/rate): a bucket's burst
// is exactly Telegram's "short bursts are fine", and TokensAt lets the
// scheduler ask whether a chat may send without spending anything, so it
// can pick the next chat that is allowed instead of waiting on one that is
// not.
type Limits struct {
	// Global caps all calls that send messages; default 25 a second, burst
	// 3 (at most 28 in any second, under Telegram's 30).
	Global      rate.Limit
	GlobalBurst int
	// Private caps one private chat; default 1 a second, burst 3.
	Private      rate.Limit
	PrivateBurst int
	// Group caps one group or supergroup; default 18 a minute, burst 2 (at
	// most 20 in any minute).
	Group      rate.Limit
	GroupBurst int
}

func (l Limits) withDefaults() Limits {
	if l.Global == 0 {
		l.Global, l.GlobalBurst = 25, max(l.GlobalBurst, 3)
	}
	if l.Private == 0 {
		l.Private, l.PrivateBurst = 1, max(l.PrivateBurst, 3)
	}
	if l.Group == 0 {
		l.Group, l.GroupBurst = rate.Every(time.Minute/18), max(l.GroupBurst, 2)
	}
	l.GlobalBurst, l.PrivateBurst, l.GroupBurst = max(l.GlobalBurst, 1), max(l.PrivateBurst, 1), max(l.GroupBurst, 1)
	return l
}

// Lanes of calls that are not outbox messages, most urgent first.
const (
	laneAnswer = iota // answerCallbackQuery, answerInlineQuery: a spinner is waiting
	laneSystem        // setMyCommands and the like
	lanes
)

// answerDeadline is how long a callback or inline query can be answered;
// Telegram does not document it, about 10 s is the community figure.
const answerDeadline = 10 * time.Second

// refillEvery is how often an idle scheduler looks at the outbox anyway,
// for messages whose retry time has come or that another process queued.
const refillEvery = time.Second

// pendingBatch is how many outbox messages one look at the outbox loads.
const pendingBatch = 500

// pauseAllAfter is how many transient failures in a row, across chats,
// make the scheduler pause everything (Telegram or the network is down).
const pauseAllAfter = 3

// A scheduler is the one way out to Telegram. It delivers outbox messages
// (durable: removed with Done only after Telegram accepted them) and
// in-memory calls (callback answers, the command menu), paced by Limits:
//
//  1. callback and inline answers, then system calls;
//  2. urgent messages ("hang up now");
//  3. the first message to a chat that had nothing pending, so a new
//     user's first reply is not stuck behind another user's long result;
//  4. everything else, round robin across chats.
//
// Each chat has at most one call in flight and its messages go in order.
// A 429 pauses the chat for retry_after, and everything if 429s come from
// more than one chat; network errors and 5xx back off exponentially with
// jitter; a message Telegram refuses for good (400, 403) is logged and
// removed. Nothing is dropped silently.
//
// The run goroutine owns the queues; other goroutines only add calls
// (under mu) and wake it.
type scheduler struct {
	api     *Client
	store   Store
	m       *metrics
	log     *slog.Logger
	hash    func(int64) string
	now     func() time.Time
	lim     Limits
	workers int
	drain   time.Duration
	retry   [2]time.Duration // backoff base, max

	wake    chan struct{} // buffered 1: "look at the outbox"
	results chan *job

	// callsPending counts in-memory calls queued or in flight (a gauge).
	callsPending atomic.Int64

	mu      sync.Mutex
	calls   [lanes][]*job
	dropped []int64 // chats whose queued messages were dropped, to forget in memory

	// owned by run
	chats      map[int64]*chatQueue
	known      map[int64]bool // outbox ids in memory: queued or in flight
	sent       map[int64]bool // delivered (or refused for good), not yet removed from the outbox: never resend
	flushErrAt time.Time      // when removing them last failed
	ring       []*chatQueue   // chats in round-robin order
	rr         int
	global     *rate.Limiter
	pausedTill time.Time
	failures   int                 // transient failures in a row, across chats
	last429    map[int64]time.Time // chat → when it last got a 429
	inflight   int
	refill     bool  // look at the new end of the outbox (after a commit)
	full       bool  // look at the whole outbox (at start, after drops, every refillEvery)
	lastID     int64 // the highest outbox id seen
	complete   bool  // the last full look saw every due message (so a look at the new end suffices)
	lastRefill time.Time
	swept      time.Time
}

// chatQueue is one chat's messages in memory, oldest first.
type chatQueue struct {
	id     int64
	msgs   []OutMsg
	busy   bool      // a call to this chat is in flight
	until  time.Time // paused (429 or backoff) until
	lim    *rate.Limiter
	fresh  bool // nothing was pending when its messages arrived
	active time.Time
}

// A job is one call: an outbox message (msg set) or an in-memory call.
type job struct {
	msg    *OutMsg
	method string
	cfg    tgbotapi.Chattable
	lane   int
	expiry time.Time // in-memory calls: give up after
	after  time.Time // in-memory calls: not before
	tries  int

	// set by the worker
	out     outcome
	wait    time.Duration // retry_after for outRateLimited
	err     error
	blocked bool // 403: drop the chat's messages
}

func newScheduler(api *Client, store Store, m *metrics, opts Options) *scheduler {
	lim := opts.Limits.withDefaults()
	s := &scheduler{
		api:     api,
		store:   store,
		m:       m,
		log:     opts.Logger.With("part", "scheduler"),
		hash:    opts.HashID,
		now:     opts.Now,
		lim:     lim,
		workers: opts.Workers,
		drain:   opts.Drain,
		retry:   [2]time.Duration{opts.RetryBase, opts.RetryMax},
		wake:    make(chan struct{}, 1),
		chats:   map[int64]*chatQueue{},
		known:   map[int64]bool{},
		sent:    map[int64]bool{},
		last429: map[int64]time.Time{},
		global:  rate.NewLimiter(lim.Global, lim.GlobalBurst),
		full:    true,
	}
	if s.workers <= 0 {
		s.workers = 8
	}
	if s.drain <= 0 {
		s.drain = 5 * time.Second
	}
	s.results = make(chan *job, s.workers)
	return s
}

// notify tells the scheduler that the outbox has new messages.
func (s *scheduler) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// call queues an in-memory call on a lane. now is when it was caused
// (answers expire answerDeadline after it); the zero time means never.
func (s *scheduler) call(lane int, method string, cfg tgbotapi.Chattable, now time.Time) {
	j := &job{method: method, cfg: cfg, lane: lane}
	if !now.IsZero() && lane == laneAnswer {
		j.expiry = now.Add(answerDeadline)
	}
	s.callsPending.Add(1)
	s.mu.Lock()
	s.calls[lane] = append(s.calls[lane], j)
	s.mu.Unlock()
	s.notify()
}

// answerCallback queues the answer to a callback query: an empty answer,
// which just stops the client's spinner (the reply follows as a message).
func (s *scheduler) answerCallback(queryID string, now time.Time) {
	if queryID == "" {
		return
	}
	s.call(laneAnswer, "answerCallbackQuery", tgbotapi.CallbackConfig{CallbackQueryID: queryID}, now)
}

// dropChat forgets the chat's queued messages in memory (the caller has
// removed them from the store).
func (s *scheduler) dropChat(chatID int64) {
	s.mu.Lock()
	s.dropped = append(s.dropped, chatID)
	s.mu.Unlock()
	s.notify()
}

// run delivers until ctx is done, then drains for up to s.drain.
func (s *scheduler) run(ctx context.Context) error {
	// Calls run on their own context: they must outlive ctx while draining.
	callCtx, cancelCalls := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelCalls()
	done := ctx.Done()
	var deadline time.Time // set when draining
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	defer s.flushSent(callCtx, true)
	for {
		s.flushSent(callCtx, false)
		s.applyDrops()
		if s.refill || s.full || !s.complete {
			s.loadPending(callCtx)
		}
		next := s.dispatch(callCtx)
		now := s.now()
		if !deadline.IsZero() {
			if s.idle() {
				s.log.Info("scheduler drained")
				return nil
			}
			if !now.Before(deadline) {
				cancelCalls()
				for s.inflight > 0 {
					s.finish(callCtx, <-s.results)
				}
				s.log.Warn("scheduler stopped before everything was sent; the rest stays queued", "queued", len(s.known))
				return nil
			}
			next = minTime(next, deadline)
		}
		wait := refillEvery
		if s.lastRefill.Add(refillEvery).After(now) {
			wait = s.lastRefill.Add(refillEvery).Sub(now)
		}
		if !next.IsZero() && next.Sub(now) < wait {
			wait = max(next.Sub(now), time.Millisecond)
		}
		timer.Reset(wait)
		select {
		case <-s.wake:
			s.refill = true
		case j := <-s.results:
			s.finish(callCtx, j)
		case <-timer.C:
			if !s.lastRefill.Add(refillEvery).After(s.now()) {
				s.full = true
			}
		case <-done:
			done = nil
			deadline = s.now().Add(s.drain)
			s.full = true
		}
	}
}

// idle reports whether nothing is queued or in flight (for draining).
func (s *scheduler) idle() bool {
	if s.inflight > 0 || len(s.known) > 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.calls {
		if len(l) > 0 {
			return false
		}
	}
	return true
}

// applyDrops forgets the messages of chats dropped by the handler.
func (s *scheduler) applyDrops() {
	s.mu.Lock()
	drops := s.dropped
	s.dropped = nil
	s.mu.Unlock()
	if len(drops) > 0 {
		s.full = true // a message queued since may have been dropped from memory too
	}
	for _, id := range drops {
		if q := s.chats[id]; q != nil {
			for _, m := range q.msgs {
				delete(s.known, m.ID)
			}
			q.msgs = nil
		}
	}
}

// loadPending adds the outbox messages not yet in memory: those queued
// since the last look (cheap, after every commit), or all that are due.
func (s *scheduler) loadPending(ctx context.Context) {
	now := s.now()
	full := s.full
	// A look at the new end is only safe when everything older that is due
	// is in memory; otherwise a chat's later message could overtake one
	// that did not fit in the last batch. Then the backlog in memory is
	// sent first, and the whole outbox read again when it runs low (or
	// once a second): reading it all after every commit would cost more
	// as the backlog grows, just when time is short.
	if !s.complete && len(s.known) < pendingBatch/4 && now.Sub(s.lastRefill) >= 50*time.Millisecond {
		full = true
	}
	incremental := s.refill && s.complete
	s.refill, s.full = false, false
	var msgs []OutMsg
	var err error
	switch {
	case full:
		s.lastRefill = now
		msgs, err = s.store.Pending(dbCtx(ctx), pendingBatch, now)
		s.complete = err == nil && len(msgs) < pendingBatch
	case incremental:
		msgs, err = s.store.PendingSince(dbCtx(ctx), s.lastID, pendingBatch, now)
		if len(msgs) == pendingBatch {
			s.refill = true // more to read
		}
	default:
		return
	}
	if err != nil {
		s.log.Error("cannot read the outbox", "err", err)
		return
	}
	for _, m := range msgs {
		s.lastID = max(s.lastID, m.ID)
		if s.known[m.ID] || s.sent[m.ID] {
			continue
		}
		s.known[m.ID] = true
		q := s.chats[m.ChatID]
		if q == nil {
			q = &chatQueue{id: m.ChatID, lim: s.chatLimiter(m.ChatID)}
			s.chats[m.ChatID] = q
			s.ring = append(s.ring, q)
		}
		if len(q.msgs) == 0 && !q.busy {
			q.fresh = true
		}
		q.msgs = append(q.msgs, m)
		q.active = now
	}
	s.sweep(now)
}

func (s *scheduler) chatLimiter(chatID int64) *rate.Limiter {
	if chatID < 0 { // groups, supergroups and channels have negative ids
		return rate.NewLimiter(s.lim.Group, s.lim.GroupBurst)
	}
	return rate.NewLimiter(s.lim.Private, s.lim.PrivateBurst)
}

// sweep forgets chats idle long enough for their bucket to be full again,
// once a minute, so memory follows the number of active chats.
func (s *scheduler) sweep(now time.Time) {
	if now.Sub(s.swept) < time.Minute {
		return
	}
	s.swept = now
	keep := s.ring[:0]
	for _, q := range s.ring {
		if len(q.msgs) == 0 && !q.busy && now.Sub(q.active) > time.Minute && now.After(q.until) {
			delete(s.chats, q.id)
			continue
		}
		keep = append(keep, q)
	}
	clear(s.ring[len(keep):])
	s.ring = keep
	s.rr = 0
	for id, t := range s.last429 {
		if now.Sub(t) > time.Minute {
			delete(s.last429, id)
		}
	}
}

// dispatch starts as many calls as the limits allow and returns when the
// next one may become possible (zero: nothing waiting on time).
func (s *scheduler) dispatch(ctx context.Context) time.Time {
	for s.inflight < s.workers {
		j, next := s.pick(s.now())
		if j == nil {
			return next
		}
		s.inflight++
		go s.perform(ctx, j)
	}
	return time.Time{}
}

// pick chooses the next call by the priorities of the type comment, and
// spends its tokens. With nothing possible now it returns the earliest time
// something may be.
func (s *scheduler) pick(now time.Time) (*job, time.Time) {
	var next time.Time
	paused := now.Before(s.pausedTill)
	if paused {
		next = s.pausedTill
	}
	s.mu.Lock()
	for lane := range s.calls {
		for i, j := range s.calls[lane] {
			if j.after.After(now) {
				next = minTime(next, j.after)
				continue
			}
			// Answers skip the limits: a spinner is waiting, and Telegram's
			// message limits are about messages.
			if lane != laneAnswer && (paused || !s.globalAllows(now, &next)) {
				break
			}
			s.calls[lane] = append(s.calls[lane][:i], s.calls[lane][i+1:]...)
			s.mu.Unlock()
			if lane != laneAnswer {
				s.global.AllowN(now, 1)
			}
			return j, time.Time{}
		}
	}
	s.mu.Unlock()
	if paused || !s.globalAllows(now, &next) {
		return nil, next
	}
	// Urgent heads first, then fresh chats, each oldest first; then round
	// robin. Only candidates pay for a look at their limiter.
	var urgent, fresh *chatQueue
	for _, q := range s.ring {
		if q.busy || len(q.msgs) == 0 {
			continue
		}
		h := &q.msgs[0]
		betterUrgent := h.Priority == PriorityUrgent && (urgent == nil || h.ID < urgent.msgs[0].ID)
		betterFresh := urgent == nil && q.fresh && (fresh == nil || h.ID < fresh.msgs[0].ID)
		// (Once a candidate is found, something will be sent, so the
		// chats skipped here need not lower next.)
		if !betterUrgent && !betterFresh || !s.ready(q, now, &next) {
			continue
		}
		if betterUrgent {
			urgent = q
		}
		if betterFresh {
			fresh = q
		}
	}
	q := urgent
	if q == nil {
		q = fresh
	}
	if q == nil {
		for i := range s.ring {
			c := s.ring[(s.rr+i)%len(s.ring)]
			if c.busy || len(c.msgs) == 0 {
				continue
			}
			if s.ready(c, now, &next) {
				q = c
				s.rr = (s.rr + i + 1) % len(s.ring)
				break
			}
		}
	}
	if q == nil {
		return nil, next
	}
	q.lim.AllowN(now, 1)
	s.global.AllowN(now, 1)
	q.busy, q.fresh, q.active = true, false, now
	m := q.msgs[0] // a copy: the queue may grow while the call runs
	return &job{msg: &m}, time.Time{}
}

// ready reports whether chat q may send now; if not and next is not nil,
// it lowers *next to when it may.
func (s *scheduler) ready(q *chatQueue, now time.Time, next *time.Time) bool {
	if q.busy || len(q.msgs) == 0 {
		return false
	}
	if now.Before(q.until) {
		if next != nil {
			*next = minTime(*next, q.until)
		}
		return false
	}
	if t := q.lim.TokensAt(now); t < 1 {
		if next != nil {
			*next = minTime(*next, now.Add(tokenWait(q.lim, t)))
		}
		return false
	}
	return true
}

func (s *scheduler) globalAllows(now time.Time, next *time.Time) bool {
	t := s.global.TokensAt(now)
	if t >= 1 {
		return true
	}
	*next = minTime(*next, now.Add(tokenWait(s.global, t)))
	return false
}

// tokenWait is how long until a limiter holding t < 1 tokens has one.
func tokenWait(l *rate.Limiter, t float64) time.Duration {
	if l.Limit() <= 0 {
		return time.Second
	}
	return time.Duration((1-t)/float64(l.Limit())*float64(time.Second)) + time.Millisecond
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// perform makes the call (in its own goroutine) and reports to run.
func (s *scheduler) perform(ctx context.Context, j *job) {
	defer func() { s.results <- j }()
	if j.msg == nil {
		start := time.Now()
		_, err := s.api.request(ctx, j.cfg)
		s.m.sendLatency.WithLabelValues(j.method).Observe(time.Since(start).Seconds())
		j.out, j.wait = classifyErr(ctx, err)
		j.err = err
		return
	}
	s.deliver(ctx, j)
}

// deliver sends one outbox message: an edit of the question message when
// the payload says so (a new message if that one is gone), else a new
// message. On success it removes the message from the outbox and, for a
// question, remembers the message that shows it.
func (s *scheduler) deliver(ctx context.Context, j *job) {
	m := j.msg
	p, err := decodePayload(m.Payload)
	if err != nil {
		j.out, j.err = outPermanent, err
		return
	}
	chat := m.ChatID
	kb := markup(p.KB)
	var sent tgbotapi.Message
	if p.Edit != 0 {
		cfg := tgbotapi.EditMessageTextConfig{
			BaseEdit:              tgbotapi.BaseEdit{ChatID: chat, MessageID: int(p.Edit), ReplyMarkup: kb},
			Text:                  p.Text,
			DisableWebPagePreview: true,
		}
		start := time.Now()
		_, err = s.api.send(ctx, cfg)
		s.m.sendLatency.WithLabelValues("editMessageText").Observe(time.Since(start).Seconds())
		j.out, j.wait = classifyErr(ctx, err)
		j.err = err
		if j.out == outOK {
			s.m.replies.WithLabelValues(p.Kind).Inc()
			return
		}
		if j.out != outEditFailed {
			return
		}
		p.Edit = 0 // the message is gone: send the question anew
	}
	for attempt := 0; ; attempt++ {
		cfg := tgbotapi.MessageConfig{BaseChat: tgbotapi.BaseChat{ChatID: chat}, Text: p.Text, DisableWebPagePreview: true}
		if kb != nil {
			cfg.ReplyMarkup = kb
		}
		start := time.Now()
		sent, err = s.api.send(ctx, cfg)
		s.m.sendLatency.WithLabelValues("sendMessage").Observe(time.Since(start).Seconds())
		j.out, j.wait = classifyErr(ctx, err)
		j.err = err
		// A basic group upgraded to a supergroup: its messages go to the
		// new chat.
		if to := migrateTo(err); to != 0 && attempt == 0 {
			s.log.Info("group was upgraded; sending to the supergroup", "chat", s.hash(chat), "to", s.hash(to))
			chat = to
			continue
		}
		break
	}
	if j.out != outOK {
		return
	}
	s.m.replies.WithLabelValues(p.Kind).Inc()
	if p.Question && sent.MessageID != 0 {
		err := s.store.SetQuestionMessage(dbCtx(ctx), m.ChatID, int64(sent.MessageID))
		if err != nil && !errors.Is(err, ErrNotFound) {
			s.log.Error("cannot record the question message", "chat", s.hash(m.ChatID), "err", err)
		}
	}
}

// flushSent removes the messages delivered (or refused for good) since the
// last flush from the outbox, in one statement: one write for a burst of
// sends rather than one each. Until then they are in s.sent and never sent
// again; a crash in between sends them again after the restart, the same
// at-least-once as a crash between the call and its removal. After a
// failure it waits a second before trying again, unless final.
func (s *scheduler) flushSent(ctx context.Context, final bool) {
	if len(s.sent) == 0 || !final && s.now().Sub(s.flushErrAt) < time.Second {
		return
	}
	ids := make([]int64, 0, len(s.sent))
	for id := range s.sent {
		ids = append(ids, id)
	}
	if _, err := s.store.DoneMany(dbCtx(ctx), ids); err != nil {
		s.flushErrAt = s.now()
		s.log.Error("cannot remove sent messages from the outbox; will try again", "messages", len(ids), "err", err)
		return
	}
	clear(s.sent)
}

// finish applies a call's outcome, in the run goroutine.
func (s *scheduler) finish(ctx context.Context, j *job) {
	s.inflight--
	now := s.now()
	if j.msg == nil {
		s.finishCall(j, now)
		return
	}
	q := s.chats[j.msg.ChatID]
	q.busy = false
	switch j.out {
	case outOK, outPermanent:
		if j.out == outPermanent {
			s.m.sendFailures.WithLabelValues("permanent").Inc()
			s.log.Error("Telegram refused a message; dropped", "chat", s.hash(j.msg.ChatID), "err", describe(j.err))
		}
		s.failures = 0
		s.pop(q, j.msg.ID)
		s.sent[j.msg.ID] = true
	case outBlocked:
		s.m.sendFailures.WithLabelValues("blocked").Inc()
		n, err := s.store.DropOutbox(dbCtx(ctx), j.msg.ChatID)
		if err != nil {
			s.log.Error("cannot drop the messages of an unreachable chat", "chat", s.hash(j.msg.ChatID), "err", err)
		}
		s.log.Warn("chat unreachable; its queued messages were dropped", "chat", s.hash(j.msg.ChatID), "err", describe(j.err), "dropped", n)
		for _, m := range q.msgs {
			delete(s.known, m.ID)
		}
		q.msgs = nil
		s.failures = 0
	case outCanceled:
		// Draining ran out of time: the message stays in the outbox.
	case outRateLimited:
		s.m.rateLimited.Inc()
		s.m.retries.Inc()
		until := now.Add(j.wait)
		q.until = until
		s.rateLimited(j.msg.ChatID, until, now)
		s.delay(ctx, j.msg, until)
	default: // transient, unauthorized, conflict: try again later
		s.m.retries.Inc()
		s.failures++
		j.msg.Attempts++
		if len(q.msgs) > 0 && q.msgs[0].ID == j.msg.ID {
			q.msgs[0].Attempts = j.msg.Attempts
		}
		until := now.Add(jittered(s.retry[0], s.retry[1], j.msg.Attempts-1))
		q.until = until
		if s.failures >= pauseAllAfter {
			s.pausedTill = maxTime(s.pausedTill, now.Add(jittered(s.retry[0], s.retry[1], s.failures-pauseAllAfter)))
		}
		s.log.Warn("send failed; will retry", "chat", s.hash(j.msg.ChatID), "err", describe(j.err), "kind", j.out.String(), "attempts", j.msg.Attempts, "retry_in", seconds(until.Sub(now)))
		s.delay(ctx, j.msg, until)
	}
}

// rateLimited pauses everything when 429s come from more than one chat
// within the wait (or from a call not tied to a chat).
func (s *scheduler) rateLimited(chatID int64, until, now time.Time) {
	s.last429[chatID] = now
	others := 0
	for id, t := range s.last429 {
		if id != chatID && now.Sub(t) < max(until.Sub(now), time.Second) {
			others++
		}
	}
	if chatID == 0 || others > 0 {
		s.pausedTill = maxTime(s.pausedTill, until)
	}
	s.log.Warn("rate limited by Telegram", "chat", s.hash(chatID), "retry_after", seconds(until.Sub(now)), "all_paused", chatID == 0 || others > 0)
}

// delay records a failed attempt in the outbox, so that a restart honours
// the wait too.
func (s *scheduler) delay(ctx context.Context, m *OutMsg, until time.Time) {
	if err := s.store.Retry(dbCtx(ctx), m.ID, until); err != nil && !errors.Is(err, ErrNotFound) {
		s.log.Error("cannot record a retry in the outbox", "err", err)
	}
}

// pop removes message id (the head) from q.
func (s *scheduler) pop(q *chatQueue, id int64) {
	delete(s.known, id)
	if len(q.msgs) > 0 && q.msgs[0].ID == id {
		q.msgs[0] = OutMsg{}
		q.msgs = q.msgs[1:]
	}
	if len(q.msgs) == 0 {
		q.msgs = nil
	}
}

// finishCall applies the outcome of an in-memory call.
func (s *scheduler) finishCall(j *job, now time.Time) {
	requeued := false
	defer func() {
		if !requeued {
			s.callsPending.Add(-1)
		}
	}()
	retry := func(until time.Time) {
		if !j.expiry.IsZero() && until.After(j.expiry) {
			s.m.sendFailures.WithLabelValues("expired").Inc()
			s.log.Warn("call given up: too late to answer", "method", j.method, "err", describe(j.err))
			return
		}
		requeued = true
		s.m.retries.Inc()
		j.tries++
		j.after = until
		s.mu.Lock()
		s.calls[j.lane] = append([]*job{j}, s.calls[j.lane]...)
		s.mu.Unlock()
	}
	switch j.out {
	case outOK:
		s.failures = 0
	case outRateLimited:
		s.m.rateLimited.Inc()
		s.rateLimited(0, now.Add(j.wait), now)
		retry(now.Add(j.wait))
	case outTransient, outUnauthorized, outConflict:
		s.failures++
		retry(now.Add(jittered(s.retry[0], s.retry[1], j.tries)))
	case outCanceled:
	default:
		// A query answered late or twice ("query is too old"), which a
		// duplicate or slow update can cause: expected, not alarming.
		s.m.sendFailures.WithLabelValues("permanent").Inc()
		level := slog.LevelError
		if j.lane == laneAnswer {
			level = slog.LevelDebug
		}
		s.log.Log(context.Background(), level, "Telegram refused a call", "method", j.method, "err", describe(j.err))
	}
}

// dbCtx is the context for store calls: never cancelled, since they are
// local and short (SQLite's busy timeout bounds them), and since the
// driver runs every row of a cancellable query in a goroutine of its own.
func dbCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
