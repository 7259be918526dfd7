package catalogue

import (
	"fmt"
	"strings"

	"github.com/scambot/scambot/bot/match"
)

// compile turns every phrase, term, alias and near rule into one Lexicon.
func (l *loader) compile(termIdx map[string]int) {
	c := l.c
	var entries []match.Entry
	var rules []match.Rule
	// Terms keep their index; literal near-rule parts and organisation
	// aliases become extra terms after them.
	c.TermID = make([]string, len(c.Terms))
	c.TermEntity = make([]string, len(c.Terms))
	// Only terms that something reads are scanned for: rules, entity
	// extraction, and the reader's own negation and hearsay words. Terms
	// used only as {term} inside phrases are already expanded there.
	used := l.termsInRules(termIdx)
	for i, t := range c.Terms {
		c.TermID[i], c.TermEntity[i] = t.ID, t.Entity
		kind := match.Term
		switch t.ID {
		case TermNegation:
			kind = match.Negator
		case TermNotNegation:
			kind = match.NotNegator
		case TermHearsay:
			kind = match.Hearsay
		default:
			if !used[i] && t.Entity == "" {
				continue
			}
		}
		for _, w := range append(append([]string(nil), t.ZH...), t.EN...) {
			entries = append(entries, match.Entry{Phrase: w, Kind: kind, ID: int32(i)})
		}
	}
	newTerm := func(id, entity string, words []string) int32 {
		i := int32(len(c.TermID))
		c.TermID = append(c.TermID, id)
		c.TermEntity = append(c.TermEntity, entity)
		for _, w := range words {
			entries = append(entries, match.Entry{Phrase: w, Kind: match.Term, ID: i})
		}
		return i
	}
	for _, o := range c.Organisations {
		if words := o.Aliases.All(); len(words) > 0 {
			newTerm("org:"+o.ID, "org", words)
		}
	}
	literal := map[string]int32{}
	var amountAlts []int32 // anonymous terms with {amount} among their alternatives
	part := func(p string, line int, what, s string) (int32, bool) {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") && !strings.Contains(s, "|") {
			id := s[1 : len(s)-1]
			i, ok := termIdx[id]
			if !ok {
				l.errorf(p, line, "%s: unknown term %q", what, s)
				return 0, false
			}
			return int32(i), true
		}
		if i, ok := literal[s]; ok {
			return i, true
		}
		// Alternatives: words, or {terms} standing for all their words.
		var words []string
		hasAmount := false
		for _, w := range strings.Split(s, "|") {
			hasAmount = hasAmount || w == "{"+TermAmount+"}"
			if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
				i, ok := termIdx[w[1:len(w)-1]]
				if !ok {
					l.errorf(p, line, "%s: unknown term %q", what, w)
					return 0, false
				}
				words = append(words, c.Terms[i].ZH...)
				words = append(words, c.Terms[i].EN...)
				continue
			}
			if _, err := match.NormalizePhrase(w); err != nil {
				l.errorf(p, line, "%s: %v", what, err)
				return 0, false
			}
			words = append(words, w)
		}
		i := newTerm("", "", words)
		literal[s] = i
		if hasAmount {
			amountAlts = append(amountAlts, i)
		}
		return i, true
	}
	addPhrases := func(p string, line int, sig int, phrases []string, near []Near) {
		what := "signal " + string(c.Signals[sig].ID)
		for _, ph := range phrases {
			expanded, err := expand(ph, c.Terms, termIdx)
			if err != nil {
				l.errorf(p, line, "%s: phrase %q: %v", what, ph, err)
				continue
			}
			for _, e := range expanded {
				if _, err := match.NormalizePhrase(e); err != nil {
					l.errorf(p, line, "%s: %v", what, err)
					continue
				}
				entries = append(entries, match.Entry{Phrase: e, Kind: match.Signal, ID: int32(sig)})
			}
		}
		for _, n := range near {
			ln := n.Line
			if ln == 0 {
				ln = line
			}
			if n.Within <= 0 || n.Within > maxWithin {
				l.errorf(p, ln, "%s: near rule window %d must be 1 to %d", what, n.Within, maxWithin)
				continue
			}
			if len(n.All) < 2 {
				l.errorf(p, ln, "%s: a near rule needs at least two parts", what)
				continue
			}
			r := match.Rule{Signal: int32(sig), Within: n.Within, Ordered: n.Ordered}
			ok := true
			for _, s := range n.All {
				t, good := part(p, ln, what+" near rule", s)
				ok = ok && good
				r.Terms = append(r.Terms, t)
			}
			if ok {
				rules = append(rules, r)
			}
		}
	}
	for i, s := range c.Signals {
		addPhrases(l.sigPath, s.Line, i, s.Phrases.All(), s.Near)
	}
	for _, s := range c.Scripts {
		for _, ph := range s.Phrases {
			if i := c.Signal(ph.Signal); i >= 0 {
				addPhrases(s.Path, ph.Line, i, append(append([]string(nil), ph.ZH...), ph.EN...), ph.Near)
			}
		}
	}
	if len(l.errs) > 0 {
		return
	}
	c.Entries, c.Rules = entries, rules
	lx, err := match.NewLexicon(entries, rules, len(c.TermID))
	if err != nil {
		l.errorf(l.sigPath, 1, "compile phrases: %v", err)
		return
	}
	if i, ok := termIdx[TermAmount]; ok {
		lx.AmountTerms = append(lx.AmountTerms, int32(i))
	}
	lx.AmountTerms = append(lx.AmountTerms, amountAlts...)
	lx.Entity = make([]bool, len(c.TermEntity))
	for i, e := range c.TermEntity {
		lx.Entity[i] = e != ""
	}
	c.Lexicon = lx
}

// expand replaces each {term} in a phrase with every word of the term.
func expand(phrase string, terms []*Term, termIdx map[string]int) ([]string, error) {
	open := strings.IndexByte(phrase, '{')
	if open < 0 {
		if strings.IndexByte(phrase, '}') >= 0 {
			return nil, fmt.Errorf("unmatched }")
		}
		return []string{phrase}, nil
	}
	end := strings.IndexByte(phrase[open:], '}')
	if end < 0 {
		return nil, fmt.Errorf("unmatched {")
	}
	id := phrase[open+1 : open+end]
	i, ok := termIdx[id]
	if !ok {
		return nil, fmt.Errorf("unknown term {%s}", id)
	}
	rest, err := expand(phrase[open+end+1:], terms, termIdx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range append(append([]string(nil), terms[i].ZH...), terms[i].EN...) {
		for _, r := range rest {
			out = append(out, phrase[:open]+w+" "+r)
			if len(out) > maxExpansions {
				return nil, fmt.Errorf("expands to more than %d phrases; use a near rule instead", maxExpansions)
			}
		}
	}
	return out, nil
}

// termsInRules marks the terms that a near rule names as a whole part.
func (l *loader) termsInRules(termIdx map[string]int) map[int]bool {
	used := map[int]bool{}
	mark := func(near []Near) {
		for _, n := range near {
			for _, p := range n.All {
				if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && !strings.Contains(p, "|") {
					if i, ok := termIdx[p[1:len(p)-1]]; ok {
						used[i] = true
					}
				}
			}
		}
	}
	for _, s := range l.c.Signals {
		mark(s.Near)
	}
	for _, s := range l.c.Scripts {
		for _, ph := range s.Phrases {
			mark(ph.Near)
		}
	}
	return used
}
