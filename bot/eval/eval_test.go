package eval_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/eval"
)

func run(t *testing.T, path string) eval.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := eval.Read(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return eval.Run(engine.New(cat), cases)
}

// TestDevSetTargets is `scambot eval testdata/dev.jsonl` as a test: it
// fails when a target is missed in any language.
func TestDevSetTargets(t *testing.T) {
	rep := run(t, "testdata/dev.jsonl")
	var b bytes.Buffer
	rep.Write(&b, false)
	t.Logf("dev set:\n%s", b.String())
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	if t.Failed() {
		b.Reset()
		rep.Write(&b, true)
		t.Logf("misses:\n%s", b.String())
	}
}

// TestHoldoutReport measures the held-out set, which nobody tunes on; it
// reports the figures and fails only on a collapse, far below the targets.
func TestHoldoutReport(t *testing.T) {
	rep := run(t, "testdata/holdout.jsonl")
	var b bytes.Buffer
	rep.Write(&b, false)
	t.Logf("holdout set:\n%s", b.String())
	for lang, c := range rep.ByLang {
		if c.Recall() < 0.7 || c.FalsePositiveRate() > 0.25 {
			t.Errorf("%s: holdout recall %.2f, false positives %.2f: generalisation collapsed", lang, c.Recall(), c.FalsePositiveRate())
		}
	}
}

func TestReadReportsBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","lang":"zh","text":"让我借钱","label":"scam","level_min":"high","category":"credit_score_running_water"}`,
		`not json`,
		`{"id":"b","lang":"fr","text":"x","label":"scam"}`,
		`{"id":"c","lang":"en","text":"","label":"benign"}`,
		`{"id":"d","lang":"en","text":"hi","label":"maybe"}`,
		`{"id":"e","lang":"en","text":"hi","label":"benign","level_max":"extreme"}`,
		`{"id":"f","lang":"en","text":"hi","label":"benign","colour":"red"}`,
		``,
		`{"id":"g","lang":"en","text":"the courier will deliver tomorrow","label":"benign","level_max":"low"}`,
	}, "\n")
	cases, err := eval.Read(strings.NewReader(in))
	if err == nil {
		t.Fatal("bad lines were not reported")
	}
	for _, want := range []string{"line 2", "line 3", "line 4", "line 5", "line 6", "line 7"} {
		if !strings.Contains(err.Error(), want+":") {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
	if len(cases) != 2 || cases[0].ID != "a" || cases[1].ID != "g" || cases[1].Line != 9 {
		t.Errorf("good cases = %+v", cases)
	}
}

func TestMetrics(t *testing.T) {
	cases, _ := eval.Read(strings.NewReader(strings.Join([]string{
		`{"id":"s1","lang":"zh","text":"快递客服说我芝麻信用分太低，让我在借呗借钱刷流水","label":"scam","level_min":"high","category":"fake_courier_compensation"}`,
		`{"id":"s2","lang":"zh","text":"今天天气不错","label":"scam","level_min":"high","category":"other_scam"}`,
		`{"id":"b1","lang":"zh","text":"快递员打电话问我几点在家","label":"benign","level_max":"low"}`,
		`{"id":"b2","lang":"zh","text":"有人让我把钱转到安全账户","label":"benign","level_max":"low"}`,
	}, "\n")))
	cat, _ := catalogue.LoadEmbedded()
	rep := eval.Run(engine.New(cat), cases)
	zh := rep.ByLang["zh"]
	if zh.Scams != 2 || zh.Recalled != 1 || zh.Benign != 2 || zh.FalsePositives != 1 || zh.CategoryRight != 1 {
		t.Fatalf("counts = %+v", *zh)
	}
	if zh.Recall() != 0.5 || zh.FalsePositiveRate() != 0.5 || zh.CategoryAccuracy() != 0.5 {
		t.Errorf("recall %.2f fp %.2f cat %.2f, want 0.5 each", zh.Recall(), zh.FalsePositiveRate(), zh.CategoryAccuracy())
	}
	if len(rep.Failures()) != 3 {
		t.Errorf("Failures = %v, want all three targets missed", rep.Failures())
	}
	var b bytes.Buffer
	rep.Write(&b, true)
	for _, want := range []string{"s2 (line 2, missed scam)", "b2 (line 4, false positive)", "safe_account"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
