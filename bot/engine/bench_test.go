package engine_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/match"
)

// sampleNarrative repeats a narrative to n characters.
func sampleNarrative(base string, n int) string {
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(base)
	}
	s := b.String()
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// BenchmarkAssess assesses a narrative against the whole catalogue. Targets
// on one core: 500 characters <= 10 us and <= 5x BenchmarkFloor, 2,000
// characters <= 40 us, 0 allocations per assessment in steady state.
func BenchmarkAssess(b *testing.B) {
	e := loadEngine(b)
	for _, tc := range []struct {
		name string
		text string
		lang bot.Lang
	}{{"zh", narrativeZH, bot.ZH}, {"zh-Hant", narrativeTW, bot.ZH}, {"en", narrativeEN, bot.EN}} {
		for _, n := range []int{100, 500, 2000} {
			text := sampleNarrative(tc.text, n)
			b.Run(fmt.Sprintf("%s/chars=%d", tc.name, n), func(b *testing.B) {
				var sc engine.Scratch
				in := engine.Input{Text: text, Lang: tc.lang}
				e.Assess(&sc, in) // grow the scratch buffers
				b.ReportAllocs()
				b.SetBytes(int64(len(text)))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					e.Assess(&sc, in)
				}
			})
		}
	}
}

var floorTable [256]uint8

func init() {
	for i := range floorTable {
		floorTable[i] = uint8(i*7 + 3)
	}
}

var floorSink uint64

// BenchmarkFloor does one table lookup per byte over the same 500-character
// text: the cost no reader of the text can beat. The ratio Assess/Floor,
// measured in one run, holds on a noisy machine.
func BenchmarkFloor(b *testing.B) {
	for _, tc := range []struct{ name, text string }{{"zh", narrativeZH}, {"zh-Hant", narrativeTW}, {"en", narrativeEN}} {
		text := sampleNarrative(tc.text, 500)
		b.Run(tc.name+"/chars=500", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			var sum uint64
			for i := 0; i < b.N; i++ {
				for j := 0; j < len(text); j++ {
					sum += uint64(floorTable[text[j]])
				}
			}
			floorSink = sum
		})
	}
}

// BenchmarkLoad reads, validates and compiles the whole embedded catalogue
// (target <= 50 ms).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := catalogue.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessParallel measures assessments per second across cores,
// one Scratch per goroutine.
func BenchmarkAssessParallel(b *testing.B) {
	e := loadEngine(b)
	text := sampleNarrative(narrativeZH, 500)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var sc engine.Scratch
		for pb.Next() {
			e.Assess(&sc, engine.Input{Text: text, Lang: bot.ZH})
		}
	})
}

func TestAssessDoesNotAllocate(t *testing.T) {
	e := loadEngine(t)
	var sc engine.Scratch
	for _, text := range []string{sampleNarrative(narrativeZH, 500), sampleNarrative(narrativeTW, 2000), narrativeEN} {
		in := engine.Input{Text: text, Lang: bot.ZH}
		e.Assess(&sc, in)
		if n := testing.AllocsPerRun(20, func() { e.Assess(&sc, in) }); n != 0 {
			t.Errorf("Assess allocates %.0f times per call in steady state, want 0", n)
		}
	}
}

// BenchmarkFind measures the reader alone (normalising, the automaton,
// negation, rules) over the whole catalogue, as throughput.
func BenchmarkFind(b *testing.B) {
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, text string }{{"zh", narrativeZH}, {"zh-Hant", narrativeTW}, {"en", narrativeEN}} {
		text := sampleNarrative(tc.text, 2000)
		b.Run(tc.name+"/chars=2000", func(b *testing.B) {
			var sc match.Scratch
			cat.Lexicon.Find(&sc, text)
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cat.Lexicon.Find(&sc, text)
			}
		})
	}
}

// BenchmarkCompile builds the catalogue's automaton from its phrases.
func BenchmarkCompile(b *testing.B) {
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := match.NewLexicon(cat.Entries, cat.Rules, len(cat.TermID)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cat.Entries)), "phrases")
	b.ReportMetric(float64(cat.Lexicon.States()), "states")
	b.ReportMetric(float64(cat.Lexicon.Bytes()), "table-bytes")
}
