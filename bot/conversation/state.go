// Package conversation runs the checklist dialogue as a pure state machine.
// It performs no I/O: an adapter loads a State, calls Step, stores the State
// it gets back and delivers the Replies. State round-trips through
// encoding/json, so a restart (even kill -9) resumes mid-checklist. Time
// comes in with each Event; the package has no clock.
package conversation

import (
	"slices"
	"time"

	"github.com/scambot/scambot/bot"
)

// Version is the State format version; a State of another version is reset.
const Version = 1

// Phase is where a conversation stands.
type Phase string

// Phases.
const (
	PhaseIdle      Phase = ""          // nothing in progress
	PhaseChecklist Phase = "checklist" // a question is waiting for an answer
	PhaseResult    Phase = "result"    // a result was shown
	// PhaseReportText: the user agreed to report and is asked for the story.
	PhaseReportText Phase = "report_text"
	// PhaseReportEvidence: the story is in; the user may add the scammer's
	// own number, account or link to keep as evidence.
	PhaseReportEvidence Phase = "report_evidence"
)

// State is everything the bot keeps about one conversation. It holds the
// minimum: answers, and the signals read from the user's text with short
// evidence, never the whole text.
type State struct {
	V int `json:"v"`
	// Lang is the conversation's language; LangSet means the user chose it
	// (otherwise it follows the language of what they write).
	Lang    bot.Lang `json:"lang,omitempty"`
	LangSet bool     `json:"lang_set,omitempty"`
	// Region is a region code of the hotline directory ("" means CN).
	Region string `json:"region,omitempty"`
	Phase  Phase  `json:"phase,omitempty"`
	// Answers are the checklist answers the user gave, by question id.
	Answers map[string]string `json:"answers,omitempty"`
	// Asked lists the questions answered, in order, for "back".
	Asked []string `json:"asked,omitempty"`
	// Current is the question waiting for an answer.
	Current string `json:"current,omitempty"`
	// Signals were read from the user's text.
	Signals []bot.SignalHit `json:"signals,omitempty"`
	// Org is the organisation the caller claimed to be, once known.
	Org string `json:"org,omitempty"`
	// Warned: the "hang up, do not transfer" warning was given.
	Warned bool `json:"warned,omitempty"`
	// Seq increases every time a question is shown; buttons carry it, so a
	// button from an earlier step is recognised as stale.
	Seq int `json:"seq,omitempty"`
	// Level is the level of the last result shown.
	Level bot.Level `json:"level,omitempty"`
	// Script and Category are those of the last result shown.
	Script   string       `json:"script,omitempty"`
	Category bot.Category `json:"category,omitempty"`
	// ReportText is the masked story of a report being written, until the
	// user adds evidence or skips.
	ReportText string    `json:"report_text,omitempty"`
	Started    time.Time `json:"started,omitzero"`
	Updated    time.Time `json:"updated,omitzero"`
}

// Expired reports whether the conversation has been idle longer than ttl at
// now; an adapter then starts afresh (keeping the language and region).
func (s State) Expired(now time.Time, ttl time.Duration) bool {
	return !s.Updated.IsZero() && now.Sub(s.Updated) > ttl
}

// Fresh returns an empty conversation that keeps the user's preferences.
func (s State) Fresh() State {
	return State{V: Version, Lang: s.Lang, LangSet: s.LangSet, Region: s.Region}
}

// Active reports whether a check is in progress (for metrics).
func (s State) Active() bool { return s.Phase == PhaseChecklist }

// clean drops what a stored state names that the current catalogue does not
// have. After a reload a question, answer, signal, script, organisation or
// region may be gone, and a hand-edited or damaged row must not break a
// conversation: what is unknown is forgotten, the rest goes on.
func (b *Bot) clean(st State) State {
	cat := b.cat
	if l, ok := bot.ParseLang(string(st.Lang)); ok {
		st.Lang = l
	} else {
		st.Lang, st.LangSet = "", false
	}
	if st.Region != "" && cat.Region(st.Region) == nil {
		st.Region = ""
	}
	switch st.Phase {
	case PhaseIdle, PhaseChecklist, PhaseResult, PhaseReportText, PhaseReportEvidence:
	default:
		st.Phase = PhaseIdle
	}
	known := func(q, a string) bool {
		qq := cat.Question(q)
		return qq != nil && qq.Answer(a) != nil
	}
	for q, a := range st.Answers {
		if !known(q, a) {
			// Copy before changing: the map may be shared with the caller.
			answers := make(map[string]string, len(st.Answers))
			for q, a := range st.Answers {
				if known(q, a) {
					answers[q] = a
				}
			}
			st.Answers = answers
			break
		}
	}
	if slices.ContainsFunc(st.Asked, func(q string) bool { _, ok := st.Answers[q]; return !ok }) {
		st.Asked = slices.DeleteFunc(slices.Clone(st.Asked), func(q string) bool { _, ok := st.Answers[q]; return !ok })
	}
	if st.Current != "" && cat.Question(st.Current) == nil {
		st.Current = ""
	}
	if slices.ContainsFunc(st.Signals, func(h bot.SignalHit) bool { return cat.Signal(h.ID) < 0 }) {
		st.Signals = slices.DeleteFunc(slices.Clone(st.Signals), func(h bot.SignalHit) bool { return cat.Signal(h.ID) < 0 })
	}
	if st.Org != "" && cat.Organisation(st.Org) == nil {
		st.Org = ""
	}
	if st.Script != "" && cat.Script(st.Script) == nil {
		st.Script = ""
	}
	if st.Category != "" && !st.Category.Valid() {
		st.Category = ""
	}
	if st.Level < bot.Low || st.Level > bot.Critical {
		st.Level = bot.Low
	}
	st.Seq = max(st.Seq, 0)
	return st
}
