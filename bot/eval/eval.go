// Package eval scores the engine on a labelled file (CONTRACTS.md,
// "Labelled files for eval"): recall of scams at their expected level,
// false positives on benign stories, and category accuracy, per language
// and overall, with every miss and the reasons the engine gave.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/engine"
)

// Targets the engine must meet in each language.
const (
	TargetRecall      = 0.95
	TargetFalsePos    = 0.05
	TargetCategoryAcc = 0.85
)

// A Case is one labelled narrative.
type Case struct {
	ID       string       `json:"id"`
	Lang     bot.Lang     `json:"lang"`
	Text     string       `json:"text"`
	Label    string       `json:"label"` // "scam" or "benign"
	LevelMin *bot.Level   `json:"level_min"`
	LevelMax *bot.Level   `json:"level_max"`
	Category bot.Category `json:"category"`
	Line     int          `json:"-"`
}

// Read parses a labelled JSON Lines file. It reports every bad line, with
// its number, and returns the good ones.
func Read(r io.Reader) ([]Case, error) {
	var cases []Case
	var errs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Case
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		c.Line = n
		switch {
		case c.Label != "scam" && c.Label != "benign":
			errs = append(errs, fmt.Sprintf("line %d: label %q (want scam or benign)", n, c.Label))
			continue
		case strings.TrimSpace(c.Text) == "":
			errs = append(errs, fmt.Sprintf("line %d: empty text", n))
			continue
		case c.Category != "" && !c.Category.Valid():
			errs = append(errs, fmt.Sprintf("line %d: unknown category %q", n, c.Category))
			continue
		}
		if _, ok := bot.ParseLang(string(c.Lang)); !ok {
			errs = append(errs, fmt.Sprintf("line %d: lang %q (want zh or en)", n, c.Lang))
			continue
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return cases, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return cases, nil
}

// Counts are the tallies behind the metrics of one language (or overall).
type Counts struct {
	Scams, Recalled, CategoryRight int
	Benign, FalsePositives         int
}

// Recall is the share of scams assessed at their expected level or above.
func (c Counts) Recall() float64 { return ratio(c.Recalled, c.Scams) }

// FalsePositiveRate is the share of benign stories assessed above their
// allowed level.
func (c Counts) FalsePositiveRate() float64 { return ratio(c.FalsePositives, c.Benign) }

// CategoryAccuracy is the share of scams whose top category is the labelled one.
func (c Counts) CategoryAccuracy() float64 { return ratio(c.CategoryRight, c.Scams) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// A Miss is a case the engine got wrong.
type Miss struct {
	Case  Case
	Kind  string // "missed scam", "false positive", "wrong category"
	Got   bot.Assessment
	Level bot.Level // the level the label asked for (min or max)
}

// Report is the outcome of a run.
type Report struct {
	Overall Counts
	ByLang  map[bot.Lang]*Counts
	Misses  []Miss
}

// Run assesses every case.
func Run(eng *engine.Engine, cases []Case) Report {
	r := Report{ByLang: map[bot.Lang]*Counts{}}
	var sc engine.Scratch
	for _, c := range cases {
		lc := r.ByLang[c.Lang]
		if lc == nil {
			lc = &Counts{}
			r.ByLang[c.Lang] = lc
		}
		a := eng.Assess(&sc, engine.Input{Text: c.Text, Lang: c.Lang})
		if c.Label == "scam" {
			want := bot.High
			if c.LevelMin != nil {
				want = *c.LevelMin
			}
			for _, t := range []*Counts{&r.Overall, lc} {
				t.Scams++
			}
			if a.Level >= want {
				r.Overall.Recalled++
				lc.Recalled++
			} else {
				r.Misses = append(r.Misses, Miss{Case: c, Kind: "missed scam", Got: engine.Clone(a), Level: want})
			}
			if a.Category == c.Category {
				r.Overall.CategoryRight++
				lc.CategoryRight++
			} else if a.Level >= want {
				r.Misses = append(r.Misses, Miss{Case: c, Kind: "wrong category", Got: engine.Clone(a), Level: want})
			}
			continue
		}
		limit := bot.Low
		if c.LevelMax != nil {
			limit = *c.LevelMax
		}
		r.Overall.Benign++
		lc.Benign++
		if a.Level > limit {
			r.Overall.FalsePositives++
			lc.FalsePositives++
			r.Misses = append(r.Misses, Miss{Case: c, Kind: "false positive", Got: engine.Clone(a), Level: limit})
		}
	}
	return r
}

// Failures lists every target the report misses, per language.
func (r Report) Failures() []string {
	var out []string
	for _, lang := range r.langs() {
		c := r.ByLang[lang]
		if c.Scams > 0 && c.Recall() < TargetRecall {
			out = append(out, fmt.Sprintf("%s: recall %.1f%% < %.0f%%", lang, 100*c.Recall(), 100*TargetRecall))
		}
		if c.Benign > 0 && c.FalsePositiveRate() > TargetFalsePos {
			out = append(out, fmt.Sprintf("%s: false positives %.1f%% > %.0f%%", lang, 100*c.FalsePositiveRate(), 100*TargetFalsePos))
		}
		if c.Scams > 0 && c.CategoryAccuracy() < TargetCategoryAcc {
			out = append(out, fmt.Sprintf("%s: category accuracy %.1f%% < %.0f%%", lang, 100*c.CategoryAccuracy(), 100*TargetCategoryAcc))
		}
	}
	return out
}

func (r Report) langs() []bot.Lang {
	var ls []bot.Lang
	for l := range r.ByLang {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
	return ls
}

// Write prints the metrics table and, if misses is true, every miss with
// the signals the engine found.
func (r Report) Write(w io.Writer, misses bool) {
	fmt.Fprintf(w, "%-8s %6s %8s %6s %8s %10s\n", "lang", "scams", "recall", "benign", "false+", "category")
	row := func(name string, c Counts) {
		fmt.Fprintf(w, "%-8s %6d %7.1f%% %6d %7.1f%% %9.1f%%\n", name, c.Scams, 100*c.Recall(), c.Benign, 100*c.FalsePositiveRate(), 100*c.CategoryAccuracy())
	}
	for _, l := range r.langs() {
		row(string(l), *r.ByLang[l])
	}
	row("overall", r.Overall)
	fmt.Fprintf(w, "targets per language: recall >= %.0f%%, false positives <= %.0f%%, category accuracy >= %.0f%%\n",
		100*TargetRecall, 100*TargetFalsePos, 100*TargetCategoryAcc)
	if !misses || len(r.Misses) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d misses:\n", len(r.Misses))
	for _, m := range r.Misses {
		want := ""
		switch m.Kind {
		case "false positive":
			want = "<= " + m.Level.String()
		case "missed scam":
			want = ">= " + m.Level.String()
		default:
			want = string(m.Case.Category)
		}
		fmt.Fprintf(w, "\n%s (line %d, %s): want %s, got %s %d %s\n  %s\n", m.Case.ID, m.Case.Line, m.Kind, want, m.Got.Level, m.Got.Score, m.Got.Category, oneLine(m.Case.Text))
		for _, s := range m.Got.Signals {
			fmt.Fprintf(w, "  - %s (%s) %q\n", s.ID, s.Source, s.Evidence)
		}
		if len(m.Got.Scripts) > 0 {
			var ss []string
			for _, s := range m.Got.Scripts {
				ss = append(ss, fmt.Sprintf("%s=%d", s.ID, s.Score))
			}
			fmt.Fprintf(w, "  scripts: %s\n", strings.Join(ss, " "))
		}
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return s
}
