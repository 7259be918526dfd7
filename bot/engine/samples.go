package engine

import (
	"fmt"

	"github.com/scambot/scambot/bot"
)

// A Miss is a catalogue sample the engine scored wrongly.
type Miss struct {
	Script   string
	Path     string
	Line     int
	Negative bool
	Lang     bot.Lang
	Text     string
	Want     string // what the sample expects, e.g. "level >= high, category fake_courier_compensation"
	Got      bot.Assessment
}

func (m Miss) String() string {
	return fmt.Sprintf("%s:%d: want %s, got %s %d %s", m.Path, m.Line, m.Want, m.Got.Level, m.Got.Score, m.Got.Category)
}

// SampleCount is how many samples CheckSamples ran.
type SampleCount struct{ Positive, Negative int }

// CheckSamples runs every sample of every script through the engine: a
// positive sample must reach its level (default high) with the script's
// category (or the sample's own), a negative one stay at or below its level
// (default low).
func (e *Engine) CheckSamples() ([]Miss, SampleCount) {
	var misses []Miss
	var n SampleCount
	var sc Scratch
	for _, s := range e.cat.Scripts {
		for _, sm := range s.Samples {
			n.Positive++
			want, cat := bot.High, s.Category
			if sm.Level != nil {
				want = *sm.Level
			}
			if sm.Category != "" {
				cat = sm.Category
			}
			a := e.Assess(&sc, Input{Text: sm.Text, Lang: sm.Lang})
			if a.Level < want || a.Category != cat {
				misses = append(misses, Miss{Script: s.ID, Path: s.Path, Line: sm.Line, Lang: sm.Lang, Text: sm.Text,
					Want: fmt.Sprintf("level >= %s, category %s", want, cat), Got: Clone(a)})
			}
		}
		for _, sm := range s.Negatives {
			n.Negative++
			limit := bot.Low
			if sm.Level != nil {
				limit = *sm.Level
			}
			a := e.Assess(&sc, Input{Text: sm.Text, Lang: sm.Lang})
			if a.Level > limit {
				misses = append(misses, Miss{Script: s.ID, Path: s.Path, Line: sm.Line, Negative: true, Lang: sm.Lang, Text: sm.Text,
					Want: fmt.Sprintf("level <= %s", limit), Got: Clone(a)})
			}
		}
	}
	return misses, n
}
