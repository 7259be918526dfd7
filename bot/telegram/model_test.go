package telegram

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// friendText reads as nothing to the deterministic engine; a model that
// sees a "safe account" in it makes it critical.
const friendText = "客服让我把钱先放在一个朋友那里保管，说过几天连本带利还给我"

var friendHit = bot.SignalHit{ID: "safe_account", Source: bot.FromModel, Evidence: "把钱先放在一个朋友那里保管"}

func TestRaises(t *testing.T) {
	eng := testCore(t).Engine()
	st := conversation.State{V: conversation.Version, Lang: bot.ZH}
	if !raises(eng, st, friendText, []bot.SignalHit{friendHit}) {
		t.Errorf("safe_account on %q does not raise the level", friendText)
	}
	known := st
	known.Signals = []bot.SignalHit{{ID: "safe_account", Source: bot.FromText, Evidence: "保管"}}
	if raises(eng, known, friendText, []bot.SignalHit{friendHit}) {
		t.Error("a signal the conversation already holds raised the level")
	}
	courier := "刚才有个自称快递客服的说我芝麻信用分太低，让我在借呗借钱刷流水"
	if raises(eng, st, courier, []bot.SignalHit{{ID: "asks_to_borrow", Source: bot.FromModel, Evidence: "借钱"}}) {
		t.Error("a signal the text already shows raised the level")
	}
}

func TestCloserLook(t *testing.T) {
	rs := []bot.Reply{{Kind: bot.ReplyUrgent, Text: "⛔ hang up"}, {Kind: bot.ReplyMessage, Text: "I read:"}, {Kind: bot.ReplyResult, Text: "result"}}
	got := closerLook(rs, "Closer look:")
	if got[0].Text != "⛔ hang up" || got[1].Text != "Closer look:\nI read:" || got[2].Text != "result" {
		t.Errorf("closerLook = %+v", got)
	}
	if rs[1].Text != "I read:" {
		t.Error("closerLook changed its argument")
	}
	if got := closerLook([]bot.Reply{{Kind: bot.ReplyUrgent, Text: "u"}}, "c"); len(got) != 2 || got[1].Text != "c" {
		t.Errorf("closerLook after urgent only = %+v", got)
	}
}

// readerFunc is a ModelReader from a function.
type readerFunc func(ctx context.Context, text string, lang bot.Lang) ([]bot.SignalHit, error)

func (f readerFunc) Read(ctx context.Context, text string, lang bot.Lang) ([]bot.SignalHit, error) {
	return f(ctx, text, lang)
}

func newModelBot(t *testing.T, r ModelReader, workers, queue int) (*Bot, *prometheus.Registry) {
	t.Helper()
	srv := telegramtest.NewServer(t)
	reg := prometheus.NewRegistry()
	b, err := New(dial(t, srv), nil, Fixed(testCore(t)), Options{Model: r, ModelWorkers: workers, ModelQueue: queue, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	return b, reg
}

// secondLooks returns scambot_telegram_model_second_looks_total{outcome}.
func secondLooks(t *testing.T, reg *prometheus.Registry, outcome string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "scambot_telegram_model_second_looks_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestModelJob(t *testing.T) {
	b, _ := newModelBot(t, readerFunc(func(context.Context, string, bot.Lang) ([]bot.SignalHit, error) { return nil, nil }), 1, 1)
	text := &incoming{chatID: 5, userID: 5, event: bot.Event{Kind: bot.EventText, Text: friendText}}
	started := t0
	o := conversation.Outcome{State: conversation.State{Lang: bot.ZH, Started: started}}
	j := b.modelJob(text, conversation.State{}, o)
	if j == nil || j.text != friendText || j.chatID != 5 || !j.started.Equal(started) {
		t.Fatalf("modelJob = %+v", j)
	}
	for name, tc := range map[string]struct {
		in     *incoming
		before conversation.Phase
		o      conversation.Outcome
	}{
		"command":      {&incoming{event: bot.Event{Kind: bot.EventCommand, Command: "start"}}, "", o},
		"button":       {&incoming{event: bot.Event{Kind: bot.EventChoice, Choice: "check"}}, "", o},
		"sticker":      {&incoming{event: bot.Event{Kind: bot.EventText}}, "", o},
		"report story": {text, conversation.PhaseReportText, o},
		"evidence":     {text, conversation.PhaseReportEvidence, o},
		"critical":     {text, "", conversation.Outcome{Result: &bot.Assessment{Level: bot.Critical}}},
	} {
		if j := b.modelJob(tc.in, conversation.State{Phase: tc.before}, tc.o); j != nil {
			t.Errorf("%s: modelJob = %+v, want none", name, j)
		}
	}
	if j := newWatchBot(t, telegramtest.NewServer(t), nil).modelJob(text, conversation.State{}, o); j != nil {
		t.Error("a job without a model")
	}
}

// TestModelQueueFull: the intake never waits for the model: with the
// queue full, the second look is skipped and counted.
func TestModelQueueFull(t *testing.T) {
	b, reg := newModelBot(t, readerFunc(func(context.Context, string, bot.Lang) ([]bot.SignalHit, error) { return nil, nil }), 1, 1)
	j := &modelJob{chatID: 1, text: "x"}
	b.queueModel(j, 10)
	b.queueModel(j, 11) // nobody runs RunModel: the queue (1) is full
	if got := secondLooks(t, reg, modelDropped); got != 1 {
		t.Errorf("dropped = %v, want 1", got)
	}
	if q := <-b.model.jobs; q.updateID != 10 {
		t.Errorf("queued job for update %d, want 10", q.updateID)
	}
}

// TestRunModelBounded: RunModel never runs more model calls at once than
// ModelWorkers, runs every queued one, and returns when its context ends,
// cancelling the calls in progress.
func TestRunModelBounded(t *testing.T) {
	var inflight, most, calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 16)
	r := readerFunc(func(ctx context.Context, text string, _ bot.Lang) ([]bot.SignalHit, error) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		calls.Add(1)
		started <- struct{}{}
		if text == "hang" {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		<-release
		return nil, nil
	})
	b, reg := newModelBot(t, r, 2, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.RunModel(ctx) }()
	for i := range 5 {
		b.queueModel(&modelJob{chatID: int64(i), text: "x"}, int64(i+1))
	}
	// Two start; a third only once one of them is released.
	<-started
	<-started
	for i := range 5 {
		release <- struct{}{}
		if i < 3 {
			<-started
		}
	}
	if most.Load() != 2 || calls.Load() != 5 {
		t.Errorf("%d calls, at most %d at once; want 5 calls, 2 at once", calls.Load(), most.Load())
	}
	b.queueModel(&modelJob{chatID: 9, text: "hang"}, 9)
	<-started
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunModel = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunModel did not return after cancel")
	}
	if got := secondLooks(t, reg, modelFailed); got != 1 {
		t.Errorf("failed = %v, want 1 (the cancelled call)", got)
	}
	if got := secondLooks(t, reg, modelNothing); got != 5 {
		t.Errorf("nothing = %v, want 5", got)
	}
}
