package live_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/live"
)

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

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func holder(t *testing.T, dir string) *live.Holder {
	t.Helper()
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return live.New(live.Build(cat, time.Now()), live.Source{Dir: dir}, nil)
}

const script = "scripts/courier-compensation-credit-loop.yaml"

func TestReload(t *testing.T) {
	dir := copyTree(t)
	h := holder(t, dir)
	first := h.Current()
	if r := h.Reload(); !r.Unchanged {
		t.Fatalf("a copy of the live catalogue: %+v, want unchanged", r)
	}

	// A broken edit is refused with path:line; the live version stays.
	edit(t, filepath.Join(dir, script), "category: fake_courier_compensation", "category: fake_courier_compensation\ncolour: red")
	r := h.Reload()
	if r.Live || len(r.Errors) == 0 || !strings.Contains(r.Errors[0], "courier-compensation-credit-loop.yaml:") || !strings.Contains(r.Summary(), "refused") {
		t.Fatalf("broken catalogue: %+v", r)
	}
	if h.Current() != first {
		t.Fatal("a broken catalogue replaced the live one")
	}
	edit(t, filepath.Join(dir, script), "\ncolour: red", "")

	// A catalogue whose samples fail is refused too.
	edit(t, filepath.Join(dir, script), "samples:\n", "samples:\n  - lang: en\n    text: I had a lovely walk in the park today\n")
	r = h.Reload()
	if r.Live || len(r.Misses) != 1 || !strings.Contains(r.Misses[0], "courier-compensation-credit-loop.yaml") {
		t.Fatalf("mis-scored sample: %+v", r)
	}
	if h.Current() != first {
		t.Fatal("a catalogue with a failing sample replaced the live one")
	}
	edit(t, filepath.Join(dir, script), "  - lang: en\n    text: I had a lovely walk in the park today\n", "")

	// A good edit goes live and names what changed.
	edit(t, filepath.Join(dir, script), "  - signal: offers_compensation\n    zh: [", "  - signal: offers_compensation\n    zh: [赔你三倍钱, ")
	var seen live.Result
	h.OnLive(func(old, new *live.Version, r live.Result) { seen = r })
	r = h.Reload()
	if !r.Live || h.Current() == first || len(r.Changed) != 1 || r.Changed[0] != "~courier-compensation-credit-loop" {
		t.Fatalf("good edit: %+v", r)
	}
	if seen.Hash != r.Hash {
		t.Error("OnLive was not told")
	}
}

// TestReloadUnderLoad: assessments running while catalogues are swapped
// each use one whole version: the score is always that of version A or
// version B, never a mixture, and nothing fails.
func TestReloadUnderLoad(t *testing.T) {
	dirA := copyTree(t)
	h := live.New(nil, live.Source{Dir: dirA}, nil)
	if r := h.Reload(); !r.Live {
		t.Fatalf("initial load: %+v", r)
	}
	text := "快递客服说赔我钱，让我加他微信"
	score := func(v *live.Version) int {
		var sc engine.Scratch
		return v.Engine.Assess(&sc, engine.Input{Text: text, Lang: bot.ZH}).Score
	}
	scoreA := score(h.Current())
	edit(t, filepath.Join(dirA, script), "  - {id: off_platform, weight: 0.45}", "  - {id: off_platform, weight: 0.5}")
	// Build B once to know its score, then flip between A and B.
	if r := h.Reload(); !r.Live {
		t.Fatalf("B: %+v", r)
	}
	scoreB := score(h.Current())
	if scoreA == scoreB {
		t.Fatalf("versions A and B score the same (%d); the test cannot tell them apart", scoreA)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc engine.Scratch
			for ctx.Err() == nil {
				v := h.Current()
				got := v.Engine.Assess(&sc, engine.Input{Text: text, Lang: bot.ZH}).Score
				if got != scoreA && got != scoreB {
					select {
					case errs <- "mixed score":
					default:
					}
				}
			}
		}()
	}
	weights := []string{"0.5", "0.45"}
	for i := 0; i < 6; i++ {
		from, to := weights[i%2], weights[(i+1)%2]
		edit(t, filepath.Join(dirA, script), "  - {id: off_platform, weight: "+from+"}", "  - {id: off_platform, weight: "+to+"}")
		if r := h.Reload(); !r.Live {
			t.Fatalf("reload %d: %+v", i, r)
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestWatchReloadsOnChange(t *testing.T) {
	dir := copyTree(t)
	h := holder(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan live.Result, 4)
	done := make(chan error, 1)
	go func() {
		done <- h.Watch(ctx, 10*time.Millisecond, 30*time.Millisecond, nil, func(r live.Result) { results <- r })
	}()
	// Let the watcher take its first look before the edit.
	time.Sleep(30 * time.Millisecond)
	edit(t, filepath.Join(dir, script), "  - signal: offers_compensation\n    zh: [", "  - signal: offers_compensation\n    zh: [赔你三倍钱, ")
	select {
	case r := <-results:
		if !r.Live {
			t.Fatalf("watch reload: %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not reload after a change")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
