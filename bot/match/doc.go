// Package match reads free text: it normalises what people type and finds
// the catalogue's phrases in it, in Chinese (no spaces) and English (any
// inflection), with negation ("he did not ask for money", "没让我转账") and
// reported speech ("I heard about a scam where...") marked.
//
// Normalize folds width, case, Traditional characters, punctuation, emoji
// and spacing into a compact byte string; a Lexicon compiles every phrase of
// the catalogue into one byte automaton at load time and scans that string
// once. Neither allocates in steady state: callers pass a Scratch and reuse
// it. The package performs no I/O and holds no global mutable state.
package match
