package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/llm/llmtest"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// modelText reads as nothing to the deterministic engine (a "customer
// service" asking to park money with a friend); a model that sees a "safe
// account" in it makes it critical. The phone number must never reach the
// model.
const (
	modelText     = "客服让我把钱先放在一个朋友那里保管，说过几天连本带利还给我，他的电话是13912345678"
	modelEvidence = "把钱先放在一个朋友那里保管"
)

var modelSignal = llmtest.Signal{ID: "safe_account", Evidence: modelEvidence}

// checkModelText fails unless the test's text is still below high for the
// deterministic engine and critical with the model's signal.
func checkModelText(t *testing.T) {
	t.Helper()
	eng := engine.New(testCatalogue(t))
	var sc engine.Scratch
	in := engine.Input{Text: modelText, Lang: bot.ZH}
	if a := eng.Assess(&sc, in); a.Level >= bot.High {
		t.Fatalf("test data: %q is %v without the model; pick a text the engine misses", modelText, a.Level)
	}
	in.Extra = []bot.SignalHit{{ID: bot.SignalID(modelSignal.ID), Source: bot.FromModel, Evidence: modelEvidence}}
	if a := eng.Assess(&sc, in); a.Level < bot.High {
		t.Fatalf("test data: %q with %s is only %v", modelText, modelSignal.ID, a.Level)
	}
}

// modelConfig points serve at the fake model.
func modelConfig(t *testing.T, srv *telegramtest.Server, llm *llmtest.Server) Config {
	cfg := testConfig(t, srv, t.TempDir())
	cfg.LLMBaseURL, cfg.LLMAPIKey, cfg.LLMModel = llm.BaseURL(), llm.APIKey(), "test-model"
	return cfg
}

// waitMetric polls a counter of the harness until it reaches want.
func (h *harness) waitMetric(want float64, name string, labels ...string) {
	h.t.Helper()
	ctx := ctxFor(h.t, 20*time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for h.metric(name, labels...) < want {
		select {
		case <-tick.C:
		case <-ctx.Done():
			h.t.Fatalf("%s%v = %v, want %v\nlogs:\n%s", name, labels, h.metric(name, labels...), want, h.logs)
		}
	}
}

// checkModelRequests fails if any request the model got names the person:
// their user or chat id, their name, or the phone number in their text.
func checkModelRequests(t *testing.T, llm *llmtest.Server, users ...telegramtest.User) {
	t.Helper()
	reqs := llm.Requests()
	if len(reqs) == 0 {
		t.Fatal("the model got no request")
	}
	for _, r := range reqs {
		body := string(r.Body)
		for _, u := range users {
			for _, s := range []string{strconv.FormatInt(u.ID, 10), u.FirstName} {
				if strings.Contains(body, s) {
					t.Errorf("a model request holds %q:\n%s", s, body)
				}
			}
		}
		if strings.Contains(body, "13912345678") {
			t.Errorf("a model request holds the phone number unmasked")
		}
		for _, f := range r.Fields {
			if f == "user" || f == "metadata" {
				t.Errorf("a model request has a %q field", f)
			}
		}
	}
}

// TestServeModelRaise: the deterministic reply goes out first; the model's
// signal raises the level; one follow-up comes, "hang up" first, then the
// closer look and the result, committed once.
func TestServeModelRaise(t *testing.T) {
	checkModelText(t)
	srv := telegramtest.NewServer(t)
	llm := llmtest.NewServer(t)
	llm.Default(llmtest.Signals(modelSignal))
	h := startServe(t, srv, modelConfig(t, srv, llm), unlimited(fastTuning()))
	qiao := user(6060606, "Qiaozhen", "zh-hans")
	srv.SendText(telegramtest.PrivateChat(qiao), qiao, modelText)
	h.waitMetric(1, "scambot_telegram_model_second_looks_total", "outcome", "sent")
	h.settle()

	sent := srv.SentTo(qiao.ID)
	det := expectedTexts(t, "zh", bot.Event{Kind: bot.EventText, Text: modelText})
	if len(sent) != len(det)+3 {
		t.Fatalf("sent %d messages, want the %d deterministic ones and a follow-up of 3:%s", len(sent), len(det), texts(sent))
	}
	for i, want := range det {
		if sent[i].Text != want {
			t.Errorf("message %d = %.60q, want the deterministic reply %.60q first", i+1, sent[i].Text, want)
		}
	}
	follow := sent[len(det):]
	closer := testCatalogue(t).Messages.Get(bot.ZH, "model_closer_look")
	if !strings.HasPrefix(follow[0].Text, "⛔") {
		t.Errorf("follow-up starts with %q, want the urgent warning", follow[0].Text)
	}
	if !strings.HasPrefix(follow[1].Text, closer) || !strings.Contains(follow[1].Text, modelEvidence) {
		t.Errorf("follow-up's second message = %q, want the closer look quoting what the model saw", follow[1].Text)
	}
	if !strings.Contains(follow[2].Text, "🔴") {
		t.Errorf("follow-up's last message = %q, want the critical result", follow[2].Text)
	}
	if n := strings.Count(strings.Join(msgTexts(sent), "\n"), closer); n != 1 {
		t.Errorf("the closer look was said %d times, want once", n)
	}
	if n := h.metric("scambot_assessments_total", "level", "critical"); n != 1 {
		t.Errorf("assessments{critical} = %v, want 1", n)
	}
	if n := len(llm.Requests()); n != 1 {
		t.Errorf("the model was asked %d times, want 1", n)
	}
	checkModelRequests(t, llm, qiao)
	h.checkLogs("朋友那里", "13912345678", "6060606", "Qiaozhen")
}

func msgTexts(ms []telegramtest.SentMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

// TestServeModelSlow: a model that does not answer holds up nobody: while
// one user's model call hangs (and the only model worker with it), another
// user's replies go out; the first user has only the deterministic reply.
// On shutdown the call is cancelled and nothing more is sent.
func TestServeModelSlow(t *testing.T) {
	checkModelText(t)
	srv := telegramtest.NewServer(t)
	llm := llmtest.NewServer(t)
	llm.Default(llmtest.Signals(modelSignal).After(time.Hour)) // until the client gives up
	cfg := modelConfig(t, srv, llm)
	cfg.LLMTimeout = time.Hour
	tune := unlimited(fastTuning())
	tune.telegram.ModelWorkers = 1
	h := startServe(t, srv, cfg, tune)
	ann, bo := user(6161616, "Annika", "zh-hans"), user(6262626, "Bolek", "zh-hans")
	srv.SendText(telegramtest.PrivateChat(ann), ann, modelText)
	det := expectedTexts(t, "zh", bot.Event{Kind: bot.EventText, Text: modelText})
	h.waitSent(ann.ID, len(det))
	// Ann's model call has started and hangs.
	ctx := ctxFor(t, 20*time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for len(llm.Requests()) < 1 {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("the model was never asked")
		}
	}
	srv.SendText(telegramtest.PrivateChat(bo), bo, courierText)
	boSent := h.waitSent(bo.ID, 3)
	if !strings.HasPrefix(boSent[0].Text, "⛔") {
		t.Errorf("Bo's first reply = %q, want the urgent warning", boSent[0].Text)
	}
	// Bo's replies came while Ann's model call was still held.
	if n := h.metric("scambot_telegram_model_second_looks_total", "outcome", "sent") +
		h.metric("scambot_telegram_model_second_looks_total", "outcome", "failed"); n != 0 {
		t.Errorf("%v second looks finished; the model call should still hang", n)
	}
	h.settle()
	h.stop()
	checkDelivered(t, srv, ann.ID, det)
	checkModelRequests(t, llm, ann, bo)
}

// TestServeModelNoFollowUp: a model that is down, errs, answers nonsense,
// times out, or adds nothing that raises the level changes nothing for the
// user: exactly the deterministic replies, no error.
func TestServeModelNoFollowUp(t *testing.T) {
	checkModelText(t)
	for _, tc := range []struct {
		name    string
		reply   llmtest.Reply
		down    bool
		timeout time.Duration
		outcome string
	}{
		{name: "down", down: true, outcome: "failed"},
		{name: "500", reply: llmtest.Error(http.StatusInternalServerError), outcome: "failed"},
		{name: "429", reply: llmtest.Error(http.StatusTooManyRequests), outcome: "failed"},
		{name: "malformed", reply: llmtest.Content(`{"signals": [`), outcome: "failed"},
		{name: "hangup", reply: llmtest.Hangup(), outcome: "failed"},
		{name: "slow", reply: llmtest.Signals(modelSignal).After(time.Hour), timeout: 50 * time.Millisecond, outcome: "failed"},
		{name: "nothing", reply: llmtest.Signals(), outcome: "nothing"},
		{name: "evidence not in the text", reply: llmtest.Signals(llmtest.Signal{ID: "safe_account", Evidence: "转到安全账户"}), outcome: "nothing"},
		{name: "no raise", reply: llmtest.Signals(llmtest.Signal{ID: "urgency", Evidence: "说过几天"}), outcome: "nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := telegramtest.NewServer(t)
			llm := llmtest.NewServer(t)
			llm.Default(tc.reply)
			cfg := modelConfig(t, srv, llm)
			if tc.timeout > 0 {
				cfg.LLMTimeout = tc.timeout
			}
			if tc.down {
				llm.Close()
			}
			h := startServe(t, srv, cfg, unlimited(fastTuning()))
			u := user(6363636, "Ursula", "zh-hans")
			srv.SendText(telegramtest.PrivateChat(u), u, modelText)
			h.waitMetric(1, "scambot_telegram_model_second_looks_total", "outcome", tc.outcome)
			h.settle()
			checkDelivered(t, srv, u.ID, expectedTexts(t, "zh", bot.Event{Kind: bot.EventText, Text: modelText}))
			if n := h.metric("scambot_telegram_model_second_looks_total", "outcome", "sent"); n != 0 {
				t.Errorf("%v follow-ups sent", n)
			}
			if !tc.down {
				checkModelRequests(t, llm, u)
			}
		})
	}
}
