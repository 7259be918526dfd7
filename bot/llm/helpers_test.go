package llm_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/llm"
	"github.com/scambot/scambot/bot/llm/llmtest"
)

const testModel = "gpt-test-mini"

// loadCatalogue loads the embedded catalogue once for all tests; it is
// immutable.
var loadCatalogue = sync.OnceValues(catalogue.LoadEmbedded)

func testCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	cat, err := loadCatalogue()
	if err != nil {
		t.Fatalf("LoadEmbedded: %v", err)
	}
	return cat
}

// fixture is a Reader wired to a fresh fake server and registry.
type fixture struct {
	cat *catalogue.Catalogue
	srv *llmtest.Server
	reg *prometheus.Registry
	r   *llm.Reader
}

func newFixture(t *testing.T, opts llm.Options) *fixture {
	t.Helper()
	f := &fixture{cat: testCatalogue(t), srv: llmtest.NewServer(t), reg: prometheus.NewRegistry()}
	if opts.BaseURL == "" {
		opts.BaseURL = f.srv.BaseURL()
	}
	if opts.APIKey == "" {
		opts.APIKey = f.srv.APIKey()
	}
	if opts.Model == "" {
		opts.Model = testModel
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = f.srv.Client()
	}
	opts.Registerer = f.reg
	f.r = llm.New(f.cat, opts)
	return f
}

// read calls Read, turning a panic into a test failure, and checks what
// must hold whatever the server did: on error no signals; otherwise
// signals of the vocabulary, not benign, from the model, once each, at
// most llm.MaxSignals, each quoting text exactly.
func (f *fixture) read(t *testing.T, text string, lang bot.Lang) (hits []bot.SignalHit, err error) {
	t.Helper()
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("Read panicked: %v", p)
			}
		}()
		hits, err = f.r.Read(context.Background(), text, lang)
	}()
	checkHits(t, f.cat, text, hits, err)
	return hits, err
}

func checkHits(t *testing.T, cat *catalogue.Catalogue, text string, hits []bot.SignalHit, err error) {
	t.Helper()
	if err != nil && hits != nil {
		t.Errorf("Read returned %d signals with error %v, want none", len(hits), err)
	}
	if len(hits) > llm.MaxSignals {
		t.Errorf("Read returned %d signals, want at most %d", len(hits), llm.MaxSignals)
	}
	seen := map[bot.SignalID]bool{}
	for _, h := range hits {
		i := cat.Signal(h.ID)
		switch {
		case i < 0:
			t.Errorf("signal %q is not in the vocabulary", h.ID)
		case cat.Signals[i].Kind == catalogue.Benign:
			t.Errorf("signal %q is benign", h.ID)
		}
		if h.Source != bot.FromModel {
			t.Errorf("signal %q source = %q, want %q", h.ID, h.Source, bot.FromModel)
		}
		if h.Evidence == "" || !strings.Contains(text, h.Evidence) {
			t.Errorf("signal %q evidence %q is not a substring of the text", h.ID, h.Evidence)
		}
		if seen[h.ID] {
			t.Errorf("signal %q returned twice", h.ID)
		}
		seen[h.ID] = true
	}
}

var longDigitRun = regexp.MustCompile(`\p{Nd}{7,}`)

// checkRequests checks every request the server received: only the model,
// the messages and the response format; messages with only a role and
// content; no user identifier; and none of the secrets (phone, card, id
// numbers of the input), neither as written nor as bare digits.
func checkRequests(t *testing.T, srv *llmtest.Server, secrets ...string) {
	t.Helper()
	allowed := []string{"messages", "model", "response_format"}
	for n, req := range srv.Requests() {
		for _, f := range req.Fields {
			if !slices.Contains(allowed, f) {
				t.Errorf("request %d has field %q; want only %v (no user identifier)", n, f, allowed)
			}
		}
		for _, m := range req.Messages {
			for _, f := range m.Fields {
				if f != "role" && f != "content" {
					t.Errorf("request %d: %s message has field %q", n, m.Role, f)
				}
			}
			if m.Role == "user" {
				if run := longDigitRun.FindString(m.Content); run != "" {
					t.Errorf("request %d: user message holds the digit run %q", n, run)
				}
			}
		}
		var decoded any
		if err := json.Unmarshal(req.Body, &decoded); err != nil {
			t.Errorf("request %d body: %v", n, err)
		}
		body := string(req.Body)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("request %d contains %q", n, s)
			}
			if d := digitsOf(s); len(d) >= 7 && strings.Contains(digitsOf(body), d) {
				t.Errorf("request %d contains the digits of %q", n, s)
			}
		}
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// assess runs the real engine on text, with extra signals if any.
func assess(cat *catalogue.Catalogue, text string, lang bot.Lang, extra []bot.SignalHit) bot.Assessment {
	var sc engine.Scratch
	return engine.Clone(engine.New(cat).Assess(&sc, engine.Input{Text: text, Lang: lang, Extra: extra}))
}

// metric returns the value of a counter or histogram sample count in reg,
// with the label pair if name is not "".
func metric(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := label == ""
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					match = true
				}
			}
			if !match {
				continue
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func calls(t *testing.T, reg *prometheus.Registry, result string) float64 {
	return metric(t, reg, "scambot_llm_calls_total", "result", result)
}

func dropped(t *testing.T, reg *prometheus.Registry, reason string) float64 {
	return metric(t, reg, "scambot_llm_dropped_total", "reason", reason)
}
