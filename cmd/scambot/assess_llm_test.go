package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/llm/llmtest"
)

// TestAssessWithModel: with SCAMBOT_LLM_* set, assess asks the model through
// the real client; its signals carry source "model" and evidence from the
// text; a model that is down changes nothing.
func TestAssessWithModel(t *testing.T) {
	srv := llmtest.NewServer(t)
	text := "客服让我把钱先放在一个朋友那里保管，说过几天连本带利还给我"
	srv.Default(llmtest.Signals(llmtest.Signal{ID: "safe_account", Evidence: "把钱先放在一个朋友那里保管"}))
	env := map[string]string{"SCAMBOT_LLM_BASE_URL": srv.BaseURL(), "SCAMBOT_LLM_API_KEY": srv.APIKey(), "SCAMBOT_LLM_MODEL": "test-model"}
	code, out, errs := runCmd(t, env, "", "assess", "--json", text)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var a bot.Assessment
	json.Unmarshal([]byte(out), &a)
	found := false
	for _, s := range a.Signals {
		if s.Source == bot.FromModel {
			found = true
			if s.ID != "safe_account" || !strings.Contains(text, s.Evidence) {
				t.Errorf("model signal %+v: want safe_account with evidence from the text", s)
			}
		}
	}
	if !found {
		t.Fatalf("no model signal in %s", out)
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("%d requests reached the model, want 1", len(srv.Requests()))
	}

	// Without the model the deterministic result; with the model down the same.
	_, plain, _ := runCmd(t, nil, "", "assess", "--json", text)
	srv.Close()
	_, down, _ := runCmd(t, env, "", "assess", "--json", text)
	var p, d bot.Assessment
	json.Unmarshal([]byte(plain), &p)
	json.Unmarshal([]byte(down), &d)
	if p.Score != d.Score || p.Level != d.Level {
		t.Errorf("with the model down: %d %v, without a model: %d %v; want the same", d.Score, d.Level, p.Score, p.Level)
	}
	if a.Score < p.Score {
		t.Errorf("the model lowered the score: %d < %d", a.Score, p.Score)
	}
}
