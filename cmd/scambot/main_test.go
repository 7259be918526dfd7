package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scambot/scambot/bot"
)

// runCmd runs the command line with the given environment and stdin.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestAssessJSON(t *testing.T) {
	code, out, errs := runCmd(t, nil, "", "assess", "--json", "快递客服说我芝麻信用分太低，让我在借呗借钱刷流水，再用他给的当当账号买礼品卡")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var a bot.Assessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if a.Level < bot.High || a.Category != bot.FakeCourierCompensation || a.Lang != bot.ZH || a.Region != "CN" {
		t.Errorf("assessment = level %v category %v lang %v region %v", a.Level, a.Category, a.Lang, a.Region)
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"score", "level", "category", "lang", "region", "scripts", "signals", "reasons", "advice", "hotlines"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("assess --json lacks %q (CONTRACTS.md)", k)
		}
	}
	for _, s := range a.Signals {
		if s.Source == bot.FromText && !strings.Contains("快递客服说我芝麻信用分太低，让我在借呗借钱刷流水，再用他给的当当账号买礼品卡", s.Evidence) {
			t.Errorf("evidence %q is not the user's words", s.Evidence)
		}
	}
}

func TestAssessStdinAndRegion(t *testing.T) {
	code, out, _ := runCmd(t, map[string]string{"SCAMBOT_REGION": "hk"}, "有人自稱內地公安，話我涉嫌洗黑錢，要我將錢轉去安全戶口", "assess", "--json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var a bot.Assessment
	json.Unmarshal([]byte(out), &a)
	if a.Region != "HK" || a.Level < bot.High {
		t.Errorf("region %q level %v, want HK and high", a.Region, a.Level)
	}
	found := false
	for _, h := range a.Hotlines {
		found = found || h.Number == "18222"
	}
	if !found {
		t.Errorf("Hong Kong hotlines lack 18222: %+v", a.Hotlines)
	}
}

func TestAssessBatch(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "text": "他让我把验证码告诉他", "lang": "zh"}`,
		`this is not json`,
		`{"id": 7, "text": "My parcel locker code arrived, picking it up later"}`,
		`{"id": "b"}`,
		`{"id": "c", "text": "x", "lang": "fr"}`,
		``,
		`{"id": "d", "text": "The courier called to say he will deliver tomorrow"}`,
	}, "\n")
	code, out, errs := runCmd(t, nil, in, "assess", "--batch")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d output lines, want 6 (one per non-empty input line):\n%s", len(lines), out)
	}
	wantIDs := []string{`"a"`, `null`, `7`, `"b"`, `"c"`, `"d"`}
	for i, l := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d not JSON: %s", i+1, l)
		}
		if string(m["id"]) != wantIDs[i] {
			t.Errorf("line %d id = %s, want %s", i+1, m["id"], wantIDs[i])
		}
		_, isErr := m["error"]
		if wantErr := i == 1 || i == 3 || i == 4; isErr != wantErr {
			t.Errorf("line %d error = %v, want %v: %s", i+1, isErr, wantErr, l)
		}
	}
}

func TestScriptsLintAndTestShipped(t *testing.T) {
	code, out, errs := runCmd(t, nil, "", "scripts", "lint")
	if code != exitOK || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("lint: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCmd(t, nil, "", "scripts", "test")
	if code != exitOK {
		t.Fatalf("scripts test on the shipped catalogue: exit %d\n%s", code, out)
	}
}

// copyTree copies the repository's content/ and scripts/ into a temp dir.
func copyTree(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, dir := range []string{"content", "scripts"} {
		src := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			target := filepath.Join(dst, dir, rel)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			if !strings.HasSuffix(p, ".yaml") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestScriptsTestFailsOnMisScoredSample(t *testing.T) {
	dir := copyTree(t)
	p := filepath.Join(dir, "scripts", "courier-compensation-credit-loop.yaml")
	data, _ := os.ReadFile(p)
	// A harmless sentence claimed as a scam sample must be reported.
	broken := strings.Replace(string(data), "samples:\n", "samples:\n  - lang: en\n    text: I went for a walk in the park today\n", 1)
	os.WriteFile(p, []byte(broken), 0o644)
	code, out, _ := runCmd(t, nil, "", "scripts", "test", dir)
	if code != exitFinding {
		t.Fatalf("exit %d, want %d\n%s", code, exitFinding, out)
	}
	if !strings.Contains(out, "courier-compensation-credit-loop.yaml:") || !strings.Contains(out, "walk in the park") {
		t.Errorf("the mis-scored sample is not reported with its file and line:\n%s", out)
	}
}

func TestBrokenCatalogueIsRefused(t *testing.T) {
	dir := copyTree(t)
	p := filepath.Join(dir, "scripts", "courier-compensation-credit-loop.yaml")
	data, _ := os.ReadFile(p)
	s := strings.Replace(string(data), "category: fake_courier_compensation", "category: fake_courier_compensaton\ncolour: red", 1)
	s = strings.Replace(s, "{id: knew_details, weight: 0.15}", "{id: knew_detail, weight: 0.15}", 1)
	os.WriteFile(p, []byte(s), 0o644)
	code, out, _ := runCmd(t, nil, "", "scripts", "lint", dir)
	if code != exitFinding {
		t.Fatalf("lint exit %d, want %d\n%s", code, exitFinding, out)
	}
	for _, want := range []string{
		"courier-compensation-credit-loop.yaml:9: unknown field \"colour\"",
		"unknown category \"fake_courier_compensaton\"",
		"unknown signal \"knew_detail\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	// chat and assess refuse to start on it, listing the errors.
	code, _, errs := runCmd(t, map[string]string{"SCAMBOT_CONTENT_DIR": dir}, "", "chat")
	if code != exitUsage || !strings.Contains(errs, "unknown signal \"knew_detail\"") {
		t.Errorf("chat with a broken SCAMBOT_CONTENT_DIR: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCmd(t, map[string]string{"SCAMBOT_CONTENT_DIR": filepath.Join(dir, "missing")}, "", "assess", "hi")
	if code != exitUsage || errs == "" {
		t.Errorf("assess with a missing content dir: exit %d, stderr %q", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{}, {"nope"}, {"chat", "--region", "XX"}, {"chat", "--lang", "fr"}, {"assess"}, {"scripts"}, {"scripts", "frob"},
		{"eval"}, {"eval", "/no/such/file.jsonl"}, {"assess", "--batch", "text"},
	} {
		if code, _, _ := runCmd(t, nil, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestChatRunsToEOF(t *testing.T) {
	code, out, errs := runCmd(t, nil, "他说是公安局的，让我把钱转到安全账户\n", "chat")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "⛔") || !strings.Contains(out, "110") {
		t.Errorf("chat transcript lacks the warning:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, nil, "", "version")
	if code != exitOK || !strings.Contains(out, "catalogue ") {
		t.Fatalf("version: exit %d\n%s", code, out)
	}
}

func TestScriptsNewWritesALintableTemplate(t *testing.T) {
	dir := copyTree(t)
	code, _, errs := runCmd(t, nil, "", "scripts", "new", "example-new-script", "--category", "fake_ecommerce_refund", "--dir", filepath.Join(dir, "scripts"))
	if code != exitOK {
		t.Fatalf("scripts new: exit %d %s", code, errs)
	}
	if code, out, _ := runCmd(t, nil, "", "scripts", "lint", dir); code != exitOK {
		t.Fatalf("the template does not lint:\n%s", out)
	}
	if code, _, _ := runCmd(t, nil, "", "scripts", "new", "example-new-script", "--category", "fake_ecommerce_refund", "--dir", filepath.Join(dir, "scripts")); code != exitUsage {
		t.Error("scripts new overwrote an existing script")
	}
	if code, _, _ := runCmd(t, nil, "", "scripts", "new", "x", "--category", "nonsense"); code != exitUsage {
		t.Error("scripts new accepted an unknown category")
	}
}
