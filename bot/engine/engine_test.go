package engine_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
)

// stories are short and long, scam and benign, in both languages.
var stories = []struct {
	text string
	lang bot.Lang
}{
	{narrativeZH, bot.ZH}, {narrativeTW, bot.ZH}, {narrativeEN, bot.EN},
	{"快递员说包裹放驿站了，取件码 3-2-1108", bot.ZH},
	{"银行客服打电话说我的信用卡要升级，让我报一下验证码", bot.ZH},
	{"my boss messaged on WhatsApp asking me to buy Apple gift cards and send him the codes", bot.EN},
	{"I requested a refund in the Shopee app and it came back to my card", bot.EN},
	{"有人自称公安，说我涉嫌洗钱，让我把钱转到安全账户，不能告诉家人", bot.ZH},
	{"", bot.ZH},
}

func assessJSON(t *testing.T, e *engine.Engine, sc *engine.Scratch, in engine.Input) string {
	t.Helper()
	b, err := json.Marshal(e.Assess(sc, in))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDeterministic: the same input gives the same assessment, whatever
// came before in the scratch and however many goroutines share the engine.
func TestDeterministic(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	want := make([]string, len(stories))
	for i, s := range stories {
		want[i] = assessJSON(t, e, &sc, engine.Input{Text: s.text, Lang: s.lang})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(stories))
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc engine.Scratch
			for round := range 20 {
				i := (g + round) % len(stories)
				a := e.Assess(&sc, engine.Input{Text: stories[i].text, Lang: stories[i].lang})
				b, _ := json.Marshal(a)
				if string(b) != want[i] {
					errs <- stories[i].text
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("a different assessment for %q the second time or in another goroutine", s)
	}
}

// TestModelCanOnlyRaise: whatever the model adds (real signals with
// evidence, unknown ids, a "benign" signal meant to whitewash), the score
// and level never go below the text's own.
func TestModelCanOnlyRaise(t *testing.T) {
	e := loadEngine(t)
	cat := e.Catalogue()
	var sc engine.Scratch
	for _, s := range stories {
		base := e.Assess(&sc, engine.Input{Text: s.text, Lang: s.lang})
		score, level := base.Score, base.Level
		for i := range cat.Signals {
			sig := cat.Signals[i].ID
			extra := []bot.SignalHit{{ID: sig, Source: bot.FromModel, Evidence: s.text}, {ID: "no_such_signal", Source: bot.FromModel, Evidence: "x"}}
			a := e.Assess(&sc, engine.Input{Text: s.text, Lang: s.lang, Extra: extra})
			if a.Score < score || a.Level < level {
				t.Fatalf("model signal %s lowered %q from %d %s to %d %s", sig, s.text, score, level, a.Score, a.Level)
			}
		}
	}
}

// TestNegationAndReportedSpeech: what did not happen, or happened to
// someone else, is not read as happening to the user.
func TestNegationAndReportedSpeech(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	direct := e.Assess(&sc, engine.Input{Text: "他让我在借呗借钱刷流水", Lang: bot.ZH}).Level
	for _, tc := range []struct {
		text string
		lang bot.Lang
	}{
		{"他没让我转账，也没让我借钱", bot.ZH},
		{"He did not ask for money and I refused to download anything", bot.EN},
		{"听说有人被骗，对方让她在借呗借钱刷流水，我想提醒我妈", bot.ZH},
		{"my friend told me about a scam where they make you buy gift cards", bot.EN},
	} {
		a := e.Assess(&sc, engine.Input{Text: tc.text, Lang: tc.lang})
		if a.Level >= bot.High || a.Level >= direct {
			t.Errorf("%q: level %s (the direct story is %s), want lower", tc.text, a.Level, direct)
		}
	}
}

// TestEvidenceAndReasons: every text signal quotes the user's own words;
// every reason names a ranked script and a signal that was found.
func TestEvidenceAndReasons(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	for _, s := range stories {
		a := e.Assess(&sc, engine.Input{Text: s.text, Lang: s.lang})
		found := map[bot.SignalID]bool{}
		for _, h := range a.Signals {
			found[h.ID] = true
			if h.Source == bot.FromText && !strings.Contains(s.text, h.Evidence) {
				t.Errorf("%q: evidence %q of %s is not in the text", s.text, h.Evidence, h.ID)
			}
		}
		ranked := map[string]bool{}
		for _, sc := range a.Scripts {
			ranked[sc.ID] = true
		}
		for _, r := range a.Reasons {
			// A benign sign's reason belongs to no script.
			if r.Script != "" && !ranked[r.Script] || !found[r.Signal] || r.Text == "" {
				t.Errorf("%q: reason %+v names a script or signal not in the result", s.text, r)
			}
		}
		if a.Level >= bot.Medium && (len(a.Reasons) == 0 || len(a.Advice) == 0 || len(a.Hotlines) == 0) {
			t.Errorf("%q: %s without reasons, advice or hotlines", s.text, a.Level)
		}
	}
}

// TestNumbersComeFromTheDirectory: every number the engine tells a user,
// in any region and language, is in content/hotlines.yaml.
func TestNumbersComeFromTheDirectory(t *testing.T) {
	e := loadEngine(t)
	dir, err := os.ReadFile("../../content/hotlines.yaml")
	if err != nil {
		t.Fatal(err)
	}
	digits := regexp.MustCompile(`\+?\d[\d -]{1,}\d`)
	known := map[string]bool{}
	for _, m := range digits.FindAllString(string(dir), -1) {
		known[strings.NewReplacer(" ", "", "-", "").Replace(m)] = true
	}
	var sc engine.Scratch
	for _, r := range e.Catalogue().Regions {
		for _, s := range stories {
			for _, lang := range []bot.Lang{bot.ZH, bot.EN} {
				a := e.Assess(&sc, engine.Input{Text: s.text, Lang: lang, Region: r.Code})
				var said []string
				said = append(said, a.Advice...)
				for _, h := range a.Hotlines {
					said = append(said, h.Number)
				}
				for _, line := range said {
					for _, m := range digits.FindAllString(line, -1) {
						n := strings.NewReplacer(" ", "", "-", "").Replace(m)
						if len(strings.TrimPrefix(n, "+")) >= 3 && !known[n] {
							t.Errorf("region %s: %q names %s, which is not in the hotline directory", r.Code, line, m)
						}
					}
				}
			}
		}
	}
}

// TestRegionalTelling: of two tellings of the same scam that fit alike,
// the user's region's comes first, with its numbers.
func TestRegionalTelling(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	text := "有人打电话说是警察，说我涉嫌洗钱，要把钱转到安全账户"
	cn := engine.Clone(e.Assess(&sc, engine.Input{Text: text, Lang: bot.ZH, Region: "CN"}))
	hk := engine.Clone(e.Assess(&sc, engine.Input{Text: text, Lang: bot.ZH, Region: "HK"}))
	if cn.Category != hk.Category {
		t.Fatalf("the region changed the category: %s vs %s", cn.Category, hk.Category)
	}
	home := func(a bot.Assessment, region string) bool {
		s := e.Catalogue().Script(a.Scripts[0].ID)
		return len(s.Regions) == 0 || strings.Contains(strings.Join(s.Regions, ","), region)
	}
	if !home(cn, "CN") || !home(hk, "HK") {
		t.Fatalf("top scripts CN %s, HK %s: want each told in its region", cn.Scripts[0].ID, hk.Scripts[0].ID)
	}
	if strings.Contains(strings.Join(hk.Advice, " "), "96110") || !strings.Contains(strings.Join(hk.Advice, " "), "18222") {
		t.Errorf("HK advice names the wrong anti-fraud line: %q", hk.Advice)
	}
}

// TestLossPutsPoliceFirst: once money has gone, the first step is the
// police, and the first number too.
func TestLossPutsPoliceFirst(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	for _, tc := range []struct{ region, police string }{{"CN", "110"}, {"HK", "999"}} {
		a := e.Assess(&sc, engine.Input{Text: narrativeZH, Lang: bot.ZH, Region: tc.region})
		if !a.Loss || a.Level != bot.Critical {
			t.Fatalf("%s: loss %v level %s, want a critical loss", tc.region, a.Loss, a.Level)
		}
		if a.Hotlines[0].Number != tc.police || !strings.Contains(a.Advice[0], tc.police) {
			t.Errorf("%s: first hotline %+v, first advice %q; want the police (%s)", tc.region, a.Hotlines[0], a.Advice[0], tc.police)
		}
	}
}

// TestNegationStopsAtATurn: "he didn't ask for money, but ..." denies the
// first part only.
func TestNegationStopsAtATurn(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	for _, tc := range []struct {
		text string
		lang bot.Lang
	}{
		{"He didn't ask for money but told me to install AnyDesk and share my screen", bot.EN},
		{"他没让我转账但是让我下载了一个会议App共享屏幕", bot.ZH},
	} {
		a := e.Assess(&sc, engine.Input{Text: tc.text, Lang: tc.lang})
		found := false
		for _, h := range a.Signals {
			found = found || h.ID == "screen_share"
		}
		if !found || a.Level < bot.High {
			t.Errorf("%q: level %s, signals %v; want the screen share after the turn read", tc.text, a.Level, a.Signals)
		}
	}
}
