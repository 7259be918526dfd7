package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAutomatonAgreesWithNaiveSearch checks the machine against the obvious
// definition: a pattern ends at i when the text before i ends with it.
// Small alphabets make overlaps, shared prefixes, failure chains and dense
// rows (a state with many children) common.
func TestAutomatonAgreesWithNaiveSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		alphabet := []rune("ab借呗刷流水x")
		if round%4 == 0 {
			// Enough distinct runes after one prefix for dense rows.
			for r := rune(0x4e00); r < 0x4e00+40; r++ {
				alphabet = append(alphabet, r)
			}
		}
		if round%5 == 0 {
			alphabet = append(alphabet, 0x1F600, 0x20000) // above the dense symbol table
		}
		word := func(maxLen int) []rune {
			w := make([]rune, 1+rng.IntN(maxLen))
			for i := range w {
				w[i] = alphabet[rng.IntN(len(alphabet))]
			}
			return w
		}
		patterns := make([][]rune, 1+rng.IntN(60))
		for i := range patterns {
			patterns[i] = word(5)
		}
		a := compile(patterns)
		text := word(300)
		if rng.IntN(3) == 0 {
			text = append(text, []rune("中文z")...) // runes no pattern has
		}
		var got []string
		for _, h := range a.scan(text, nil) {
			for _, p := range a.outputs(h.state) {
				got = append(got, fmt.Sprintf("%d@%d", p, h.end))
			}
		}
		var want []string
		for end := 1; end <= len(text); end++ {
			for p, pat := range patterns {
				if len(pat) <= end && slices.Equal(text[end-len(pat):end], pat) {
					want = append(want, fmt.Sprintf("%d@%d", p, end))
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: patterns %q, text %q:\n got %v\nwant %v", round, patterns, string(text), got, want)
		}
	}
}

// TestFindInTextOrder checks that phrases and near-rule matches come back
// sorted by position, and that a reused Scratch gives the same answer.
func TestFindInTextOrder(t *testing.T) {
	lx := testLexicon(t)
	var sc Scratch
	texts := []string{
		"他让我在借呗借钱，然后让我在微粒贷借钱，说是刷流水。He told me to borrow on Jiebei.",
		"没让我借钱",
		"",
		"让我借呗让我借呗让我借呗",
	}
	first := map[string]string{}
	for round := range 2 {
		for _, s := range texts {
			fs := lx.Find(&sc, s)
			for i := 1; i < len(fs); i++ {
				if fs[i].Start < fs[i-1].Start {
					t.Fatalf("Find(%q): result %d starts at %d, before %d", s, i, fs[i].Start, fs[i-1].Start)
				}
			}
			got := fmt.Sprint(fs, sc.Terms())
			if round == 0 {
				first[s] = got
			} else if got != first[s] {
				t.Fatalf("Find(%q) with a reused Scratch: %s, first time %s", s, got, first[s])
			}
		}
	}
}
