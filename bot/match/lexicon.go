package match

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Kind says what a phrase of a Lexicon stands for.
type Kind uint8

// Phrase kinds.
const (
	// Signal phrases reveal a signal: ID is the signal's index.
	Signal Kind = iota
	// Term phrases are occurrences of a term (a named set of words such as
	// "a loan app"), used by Rules and reported by Scratch.Terms: ID is the
	// term's index.
	Term
	// Negator phrases negate a signal phrase that follows closely in the
	// same clause ("没", "not", "refused to").
	Negator
	// NotNegator phrases contain a negator but do not negate ("没想到",
	// "不知道", "not only"); a negator inside one is ignored.
	NotNegator
	// Hearsay phrases mark the rest of their sentence as reported speech
	// ("听说有一种骗局", "I read about a scam"): signals there are not the
	// user's own situation.
	Hearsay
)

// An Entry is one phrase of a Lexicon.
type Entry struct {
	Phrase string
	Kind   Kind
	ID     int32
}

// A Rule reveals a signal when an occurrence of every one of its terms lies
// within a window of Within units (a unit is a Chinese character or an
// English word), in any order: "told me to" near "a loan app" means "asked
// to borrow" even with other words between.
type Rule struct {
	Signal int32
	Terms  []int32
	Within int
	// Ordered: the terms must occur in the order given ("claiming to be"
	// before "mum", not "rang my mum claiming to be from the post office").
	Ordered bool
}

// NegationGap is how many units may stand between a negator and the phrase
// it negates: "没有给他验证码", "never asked me for the code".
const NegationGap = 4

// A Lexicon finds phrases, terms and rules in text. It is built once and is
// safe for concurrent use; each goroutine needs its own Scratch.
type Lexicon struct {
	// AmountTerms are the terms that every run of digits in the text is an
	// occurrence of ("5000", "10w", "3.5"), so rules can require an amount.
	AmountTerms []int32
	// Entity marks, by term index, the terms whose occurrences Scratch.Terms
	// reports (organisations, apps); other terms only feed rules.
	Entity   []bool
	ac       *automaton
	patterns []pattern
	payload  []Entry // payload of pattern p: payload[p.first : p.first+p.n]
	rules    []Rule
	nterms   int
	// NegationGap overrides the package default when positive.
	negGap int
}

type pattern struct {
	length      int32
	first, n    int32
	left, right bool // needs an ASCII word boundary on that side
}

// ErrEmptyPhrase is returned by NormalizePhrase for a phrase with no letters.
var ErrEmptyPhrase = errors.New("phrase has no letters or digits")

// NormalizePhrase returns the normalised form of a catalogue phrase, or an
// error when it cannot be matched: empty after normalising, or containing
// clause or sentence punctuation (a phrase never spans a clause).
func NormalizePhrase(p string) (string, error) {
	r, _ := normalizeRunes(nil, nil, p)
	if len(r) == 0 {
		return "", ErrEmptyPhrase
	}
	for _, c := range r {
		if c == ClauseSep || c == SentenceSep {
			return "", fmt.Errorf("phrase %q contains punctuation; split it into separate phrases", p)
		}
	}
	return string(r), nil
}

// NewLexicon compiles entries and rules. Phrases are normalised here; an
// entry whose phrase NormalizePhrase rejects is an error. Terms used by
// rules are numbered 0..nterms-1 by the caller.
func NewLexicon(entries []Entry, rules []Rule, nterms int) (*Lexicon, error) {
	lx := &Lexicon{rules: rules, nterms: nterms}
	byText := map[string]int{}
	var texts []string
	var lists [][]Entry
	var errs []error
	for _, e := range entries {
		norm, err := NormalizePhrase(e.Phrase)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		i, ok := byText[norm]
		if !ok {
			i = len(texts)
			byText[norm] = i
			texts = append(texts, norm)
			lists = append(lists, nil)
		}
		dup := false
		for _, have := range lists[i] {
			if have.Kind == e.Kind && have.ID == e.ID {
				dup = true
			}
		}
		if !dup {
			lists[i] = append(lists[i], e)
		}
	}
	for _, r := range rules {
		for _, t := range r.Terms {
			if t < 0 || int(t) >= nterms {
				errs = append(errs, fmt.Errorf("rule for signal %d names term %d of %d", r.Signal, t, nterms))
			}
		}
		if len(r.Terms) == 0 || r.Within <= 0 {
			errs = append(errs, fmt.Errorf("rule for signal %d needs terms and a positive window", r.Signal))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	lx.patterns = make([]pattern, len(texts))
	runes := make([][]rune, len(texts))
	for i, t := range texts {
		r := []rune(t)
		runes[i] = r
		lx.patterns[i] = pattern{
			length: int32(len(r)),
			first:  int32(len(lx.payload)),
			n:      int32(len(lists[i])),
			left:   isAlnumRune(r[0]),
			right:  isAlnumRune(r[len(r)-1]),
		}
		lx.payload = append(lx.payload, lists[i]...)
	}
	lx.ac = compile(runes)
	return lx, nil
}

// Patterns returns the number of distinct phrases compiled.
func (lx *Lexicon) Patterns() int { return len(lx.patterns) }

// States returns the number of automaton states, a measure of its size.
func (lx *Lexicon) States() int { return lx.ac.states() }

// Found is a signal found in text.
type Found struct {
	Signal int32
	// Start and End are byte offsets of the evidence in the original text.
	Start, End int
	// Rule is the index of the rule that matched, or -1 for a phrase.
	Rule int32
	// Negated: a negator precedes it in the same clause ("没让我转账").
	Negated bool
	// Hearsay: it is in a sentence of reported speech.
	Hearsay bool
}

// Occurrence is a term found in text, with its byte offsets in the original.
type Occurrence struct {
	Term       int32
	Start, End int
}

type span struct{ start, end int32 } // in normalised runes

type termOcc struct {
	term       int32
	start, end int32 // normalised runes
	next       int32 // next occurrence of the same term, or -1
}

// Scratch holds the buffers of one Find. Reusing it across calls makes
// Find allocation-free once the buffers have grown. The zero value is ready.
type Scratch struct {
	text   string
	norm   []rune
	offs   []int32 // source byte offset of each normalised rune
	units  []int32 // unit index of each normalised rune
	clause []int32
	sent   []int32
	raw    []rawHit
	neg    []span
	not    []span
	hear   []span
	occ    []termOcc
	// head is the last occurrence of each term (-1: none), the start of a
	// list through termOcc.next; seen lists the terms with one, so a
	// catalogue of many terms costs nothing for the terms a text lacks.
	head []int32
	seen []int32
	// hits are every term occurrence of the scan; only those a rule or
	// Terms can use become occurrences (occ). present and needed mark
	// terms for the current Find (equal to gen), so nothing is cleared.
	hits    []termOcc
	present []uint32
	needed  []uint32
	gen     uint32
	full    []int32 // rules all of whose terms occur
	// byTerm lists occurrence indexes grouped by term, each group sorted by
	// position: term t's are byTerm[termAt[t]:termAt[t]+termN[t]], for the
	// terms in seen.
	byTerm []int32
	termAt []int32
	termN  []int32
	amt    []Occurrence // amounts, in source offsets
	cand   []Found      // normalised offsets until the end of Find
	found  []Found
	merge  []Found
	terms  []Occurrence
}

// Normalized returns the normalised text of the last Find (for debugging;
// it allocates).
func (sc *Scratch) Normalized() string { return string(sc.norm) }

// Terms returns the occurrences of entity terms (Lexicon.Entity) found by
// the last Find, in text order.
func (sc *Scratch) Terms() []Occurrence { return sc.terms }

// Find normalises text and returns the signals found, in text order. The
// result and sc.Terms() are owned by sc and valid until its next use.
func (lx *Lexicon) Find(sc *Scratch, text string) []Found {
	sc.text = text
	if sc.offs == nil {
		sc.offs = make([]int32, 0, 2*len(text)+8)
	}
	sc.norm, sc.offs = normalizeRunes(sc.norm[:0], sc.offs[:0], text)
	norm := sc.norm
	sc.units, sc.clause, sc.sent = sc.units[:0], sc.clause[:0], sc.sent[:0]
	sc.raw = lx.ac.scan(norm, sc.raw[:0])
	sc.neg, sc.not, sc.hear = sc.neg[:0], sc.not[:0], sc.hear[:0]
	sc.occ, sc.cand, sc.found, sc.terms, sc.amt = sc.occ[:0], sc.cand[:0], sc.found[:0], sc.terms[:0], sc.amt[:0]
	sc.resetTerms(lx.nterms)

	for _, h := range sc.raw {
		for _, pid := range lx.ac.outputs(h.state) {
			p := &lx.patterns[pid]
			end := h.end
			start := end - p.length
			if p.left && start > 0 && isAlnumRune(norm[start-1]) {
				continue
			}
			if p.right && int(end) < len(norm) && isAlnumRune(norm[end]) {
				continue
			}
			for _, e := range lx.payload[p.first : p.first+p.n] {
				sp := span{start, end}
				switch e.Kind {
				case Signal:
					sc.cand = append(sc.cand, Found{Signal: e.ID, Start: int(start), End: int(end), Rule: -1})
				case Term:
					sc.hit(e.ID, start, end)
				case Negator:
					sc.neg = append(sc.neg, sp)
				case NotNegator:
					sc.not = append(sc.not, sp)
				case Hearsay:
					sc.hear = append(sc.hear, sp)
				}
			}
		}
	}
	sc.amounts(lx.AmountTerms)
	sc.selectTerms(lx)
	// A negator inside a longer non-negating word is not a negator.
	if len(sc.not) > 0 {
		keep := sc.neg[:0]
		for _, n := range sc.neg {
			inside := false
			for _, w := range sc.not {
				if n.start >= w.start && n.end <= w.end {
					inside = true
					break
				}
			}
			if !inside {
				keep = append(keep, n)
			}
		}
		sc.neg = keep
	}
	// Unit, clause and sentence positions are only needed to judge windows,
	// negation and reported speech.
	if len(sc.occ) > 0 || len(sc.neg) > 0 || len(sc.hear) > 0 {
		sc.units, sc.clause, sc.sent = positions(sc.units, sc.clause, sc.sent, norm)
	}
	nPhrase := len(sc.cand)
	if len(sc.full) > 0 {
		sc.groupTerms()
		for _, ri := range sc.full {
			lx.matchRule(sc, ri)
		}
	}
	for i := range sc.cand {
		f := sc.cand[i]
		start, end := int32(f.Start), int32(f.End)
		if len(sc.neg) > 0 && !f.Negated {
			f.Negated = sc.negated(start, lx.gap())
		}
		f.Hearsay = sc.hearsay(start)
		f.Start, f.End = sc.source(start, end)
		sc.found = append(sc.found, f)
	}
	sc.found = sc.inTextOrder(sc.found, nPhrase)
	for _, o := range sc.occ {
		if int(o.term) >= len(lx.Entity) || !lx.Entity[o.term] {
			continue
		}
		s, e := sc.source(o.start, o.end)
		sc.terms = append(sc.terms, Occurrence{Term: o.term, Start: s, End: e})
	}
	return sc.found
}

func (lx *Lexicon) gap() int32 {
	if lx.negGap > 0 {
		return int32(lx.negGap)
	}
	return NegationGap
}

// maxRuleHits bounds the candidates one rule adds per text: the engine needs
// one; a few more let it skip negated ones.
const maxRuleHits = 8

// groupTerms sorts the occurrences into per-term groups ordered by position.
func (sc *Scratch) groupTerms() {
	if cap(sc.byTerm) < len(sc.occ) {
		sc.byTerm = make([]int32, len(sc.occ))
	}
	sc.byTerm = sc.byTerm[:len(sc.occ)]
	pos := int32(0)
	for _, t := range sc.seen {
		n := int32(0)
		for i := sc.head[t]; i >= 0; i = sc.occ[i].next {
			n++
		}
		sc.termAt[t], sc.termN[t] = pos, n
		// The list runs backwards from the last occurrence; filled from
		// the end, the group comes out in scan order, which is almost
		// start order (insertion sort finishes it).
		g := sc.byTerm[pos : pos+n]
		j := n
		for i := sc.head[t]; i >= 0; i = sc.occ[i].next {
			j--
			g[j] = i
		}
		for i := 1; i < len(g); i++ {
			for j := i; j > 0 && sc.occ[g[j]].start < sc.occ[g[j-1]].start; j-- {
				g[j], g[j-1] = g[j-1], g[j]
			}
		}
		pos += n
	}
}

// resetTerms readies the per-term lists for a lexicon of nterms terms,
// touching only the terms the last text had.
func (sc *Scratch) resetTerms(nterms int) {
	for _, t := range sc.seen {
		sc.head[t] = -1
	}
	sc.seen, sc.hits, sc.full = sc.seen[:0], sc.hits[:0], sc.full[:0]
	if len(sc.head) != nterms {
		sc.head = make([]int32, nterms)
		for i := range sc.head {
			sc.head[i] = -1
		}
		sc.termAt = make([]int32, nterms)
		sc.termN = make([]int32, nterms)
		sc.present = make([]uint32, nterms)
		sc.needed = make([]uint32, nterms)
		sc.gen = 0
	}
	if sc.gen++; sc.gen == 0 {
		clear(sc.present)
		clear(sc.needed)
		sc.gen = 1
	}
}

// selectTerms keeps the term occurrences something will read: those of
// the rules all of whose terms occur, and of entity terms. A story of 500
// characters holds a thousand term occurrences, most of them common words
// of rules that cannot match; grouping only the rest saves most of the
// rule matcher's work.
func (sc *Scratch) selectTerms(lx *Lexicon) {
	g := sc.gen
rules:
	for ri := range lx.rules {
		r := &lx.rules[ri]
		for _, t := range r.Terms {
			if sc.present[t] != g {
				continue rules
			}
		}
		sc.full = append(sc.full, int32(ri))
		for _, t := range r.Terms {
			sc.needed[t] = g
		}
	}
	for _, o := range sc.hits {
		if sc.needed[o.term] == g || int(o.term) < len(lx.Entity) && lx.Entity[o.term] {
			sc.addOcc(o.term, o.start, o.end)
		}
	}
}

// hit notes an occurrence of term t for selectTerms.
func (sc *Scratch) hit(t, start, end int32) {
	sc.hits = append(sc.hits, termOcc{term: t, start: start, end: end})
	sc.present[t] = sc.gen
}

// addOcc records an occurrence of term t.
func (sc *Scratch) addOcc(t, start, end int32) {
	if sc.head[t] < 0 {
		sc.seen = append(sc.seen, t)
	}
	sc.occ = append(sc.occ, termOcc{term: t, start: start, end: end, next: sc.head[t]})
	sc.head[t] = int32(len(sc.occ) - 1)
}

// inTextOrder sorts found by start: the first n (phrases, found in scan
// order) are almost sorted, the rest (near rules, found rule by rule) are
// few; each part is insertion sorted, then the two are merged.
func (sc *Scratch) inTextOrder(found []Found, n int) []Found {
	isort := func(fs []Found) {
		for i := 1; i < len(fs); i++ {
			for j := i; j > 0 && fs[j].Start < fs[j-1].Start; j-- {
				fs[j], fs[j-1] = fs[j-1], fs[j]
			}
		}
	}
	a, b := found[:n], found[n:]
	isort(a)
	isort(b)
	if len(b) == 0 || len(a) == 0 || a[len(a)-1].Start <= b[0].Start {
		return found
	}
	// Merge from the back into found, keeping the rules' part aside.
	sc.merge = append(sc.merge[:0], b...)
	b = sc.merge
	i, j, k := len(a)-1, len(b)-1, len(found)-1
	for j >= 0 {
		if i >= 0 && a[i].Start > b[j].Start {
			found[k] = a[i]
			i--
		} else {
			found[k] = b[j]
			j--
		}
		k--
	}
	return found
}

// group returns term t's occurrence indexes, by position.
func (sc *Scratch) group(t int32) []int32 {
	if sc.head[t] < 0 {
		return nil
	}
	return sc.byTerm[sc.termAt[t] : sc.termAt[t]+sc.termN[t]]
}

// matchRule adds a candidate for occurrences of the rule's first term that
// have the other terms within the window. Each other term's nearest
// occurrence is found by binary search, so a long hostile text costs
// O(n log n), not O(n²).
func (lx *Lexicon) matchRule(sc *Scratch, ri int32) {
	r := &lx.rules[ri]
	for _, t := range r.Terms {
		if len(sc.group(t)) == 0 {
			return
		}
	}
	if r.Ordered {
		lx.matchOrdered(sc, ri)
		return
	}
	// Walk the occurrences of the rarest term and look for the others near
	// each: "我" may occur fifty times where "借呗" occurs once.
	lead := 0
	for k, t := range r.Terms {
		if len(sc.group(t)) < len(sc.group(r.Terms[lead])) {
			lead = k
		}
	}
	hits := 0
	for _, o := range sc.group(r.Terms[lead]) {
		first := sc.occ[o]
		lo, hi := first.start, first.end
		ok := true
		for k, t := range r.Terms {
			if k == lead {
				continue
			}
			best := sc.nearest(sc.group(t), first)
			if best < 0 {
				ok = false
				break
			}
			oc := sc.occ[best]
			lo, hi = min(lo, oc.start), max(hi, oc.end)
		}
		if !ok || sc.units[hi-1]-sc.units[lo]+1 > int32(r.Within) {
			continue
		}
		// A negator before any part negates the whole: "no deposit needed"
		// inside "commission ... no deposit" is not a deposit asked for.
		negated := false
		if len(sc.neg) > 0 {
			negated = sc.negated(first.start, lx.gap())
			for k, t := range r.Terms {
				if k == lead {
					continue
				}
				if b := sc.nearest(sc.group(t), first); b >= 0 && sc.negated(sc.occ[b].start, lx.gap()) {
					negated = true
				}
			}
		}
		sc.cand = append(sc.cand, Found{Signal: r.Signal, Start: int(lo), End: int(hi), Rule: ri, Negated: negated})
		if hits++; hits == maxRuleHits {
			return
		}
	}
}

// matchOrdered matches a rule whose terms must come in order: from each
// occurrence of the first term, the earliest occurrence of each next term
// that starts after the previous one ends (the shortest span from there).
func (lx *Lexicon) matchOrdered(sc *Scratch, ri int32) {
	r := &lx.rules[ri]
	hits := 0
	for _, o := range sc.group(r.Terms[0]) {
		first := sc.occ[o]
		end := first.end
		ok := true
		for _, t := range r.Terms[1:] {
			g := sc.group(t)
			i, j := 0, len(g)
			for i < j {
				h := int(uint(i+j) >> 1)
				if sc.occ[g[h]].start < end {
					i = h + 1
				} else {
					j = h
				}
			}
			if i == len(g) {
				ok = false
				break
			}
			end = sc.occ[g[i]].end
		}
		if !ok {
			return // no later occurrence now means none for later firsts either
		}
		if sc.units[end-1]-sc.units[first.start]+1 > int32(r.Within) {
			continue
		}
		negated := len(sc.neg) > 0 && sc.negated(first.start, lx.gap())
		sc.cand = append(sc.cand, Found{Signal: r.Signal, Start: int(first.start), End: int(end), Rule: ri, Negated: negated})
		if hits++; hits == maxRuleHits {
			return
		}
	}
}

// nearest returns the occurrence of g (sorted by start) closest to first
// that does not overlap it, or -1.
func (sc *Scratch) nearest(g []int32, first termOcc) int32 {
	// The first occurrence starting at or after first.start.
	i, j := 0, len(g)
	for i < j {
		h := int(uint(i+j) >> 1)
		if sc.occ[g[h]].start < first.start {
			i = h + 1
		} else {
			j = h
		}
	}
	best, bestDist := int32(-1), int32(1<<30)
	consider := func(k int) bool {
		if k < 0 || k >= len(g) {
			return false
		}
		oc := sc.occ[g[k]]
		if oc.start < first.end && oc.end > first.start {
			return true // the same words cannot stand for two terms; look further
		}
		d := sc.units[oc.start] - sc.units[first.start]
		if d < 0 {
			d = -d
		}
		if d < bestDist {
			best, bestDist = g[k], d
		}
		return false
	}
	for k := i; k < len(g) && consider(k); k++ {
	}
	for k := i - 1; k >= 0 && consider(k); k-- {
	}
	return best
}

// negated reports whether a negator ends at most gap units before start, in
// the same clause. Negators are in text order, so only the ones just
// before start are looked at.
func (sc *Scratch) negated(start, gap int32) bool {
	// The last negator that ends at or before start.
	i, j := 0, len(sc.neg)
	for i < j {
		h := int(uint(i+j) >> 1)
		if sc.neg[h].end <= start {
			i = h + 1
		} else {
			j = h
		}
	}
	for k := i - 1; k >= 0; k-- {
		n := sc.neg[k]
		if start < int32(len(sc.units)) && sc.units[start]-sc.units[n.end-1]-1 > gap {
			return false // further negators are further away
		}
		if int(start) >= len(sc.clause) || sc.clause[n.end-1] == sc.clause[start] {
			return true
		}
	}
	return false
}

// hearsay reports whether a hearsay marker precedes start in its sentence.
func (sc *Scratch) hearsay(start int32) bool {
	if len(sc.hear) == 0 || int(start) >= len(sc.sent) {
		return false
	}
	// Markers are in text order: only the last one that ends before start
	// can share its sentence (sentences only move forward).
	i, j := 0, len(sc.hear)
	for i < j {
		h := int(uint(i+j) >> 1)
		if sc.hear[h].end <= start {
			i = h + 1
		} else {
			j = h
		}
	}
	return i > 0 && sc.sent[sc.hear[i-1].start] == sc.sent[start]
}

// source maps a normalised span to byte offsets in the original text.
func (sc *Scratch) source(start, end int32) (int, int) {
	s := int(sc.offs[start])
	last := int(sc.offs[end-1])
	_, size := utf8.DecodeRuneInString(sc.text[last:])
	e := last + size
	// A stem ends inside a word ("code" -> "cod"): give the whole word.
	if isAlnumRune(sc.norm[end-1]) && (int(end) == len(sc.norm) || !isAlnumRune(sc.norm[end])) {
		for e < len(sc.text) && isAlnum(lower(sc.text[e])) {
			e++
		}
	}
	if e < s {
		e = s
	}
	return s, e
}

// turns are the words that turn a sentence ("but", "但是"): a negation
// before one does not reach past it. "And" is not one: "I did not
// download it and share my screen" denies both.
var turns = [][]rune{[]rune("but"), []rune("however"), []rune("yet"), []rune("但是"), []rune("可是"), []rune("不过"), []rune("结果"), []rune("后来"), []rune("然后"), []rune("但"), []rune("可")}

// turnsAt reports whether a turning word starts at norm[i] (English: a
// whole word; Chinese: the characters).
func turnsAt(norm []rune, i int) bool {
	switch norm[i] {
	case 'b', 'h', 'y', '但', '可', '不', '结', '后', '然':
	default:
		return false
	}
	for _, w := range turns {
		if i+len(w) > len(norm) || !slices.Equal(norm[i:i+len(w)], w) {
			continue
		}
		if w[0] < 0x80 && i+len(w) < len(norm) && isAlnumRune(norm[i+len(w)]) {
			continue // "butter", "yeti"
		}
		if w[0] == '可' && i+1 < len(norm) && (norm[i+1] == '以' || norm[i+1] == '能' || norm[i+1] == '疑') {
			continue // 可以, 可能, 可疑 are no turn
		}
		return true
	}
	return false
}

// positions fills, for each rune of norm, the index of its unit (one
// non-ASCII letter or one ASCII word), of its clause and of its sentence.
func positions(units, clauses, sents []int32, norm []rune) ([]int32, []int32, []int32) {
	n := len(norm)
	if cap(units) < n {
		units, clauses, sents = make([]int32, n, n+n/2), make([]int32, n, n+n/2), make([]int32, n, n+n/2)
	}
	units, clauses, sents = units[:n], clauses[:n], sents[:n]
	u, c, st := int32(-1), int32(0), int32(0)
	prevAlnum := false
	for i, r := range norm {
		alnum := isAlnumRune(r)
		switch {
		case r >= 0x80:
			u++
			if turnsAt(norm, i) {
				c++ // "他没让我转账，但是发了链接": the negation ends here
			}
		case alnum && !prevAlnum:
			u++
			if turnsAt(norm, i) {
				c++
			}
		case r == ClauseSep:
			c++
		case r == SentenceSep && !(prevAlnum && i+1 < n && isDigitRune(norm[i+1])):
			c++
			st++
		}
		prevAlnum = alnum
		units[i], clauses[i], sents[i] = max(u, 0), c, st
	}
	return units, clauses, sents
}

// Bytes returns the memory the automaton's tables take.
func (lx *Lexicon) Bytes() int { return lx.ac.size() }

// isHanNumeral reports whether r writes a number in Chinese.
func isHanNumeral(r rune) bool {
	switch r {
	case '零', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿', '几', '半':
		return true
	}
	return false
}

func isHanUnit(r rune) bool {
	return r == '十' || r == '百' || r == '千' || r == '万' || r == '亿'
}

// amounts records every run of digits, and every Chinese numeral with a
// unit ("十五万", "两千"), as an occurrence of each term.
func (sc *Scratch) amounts(terms []int32) {
	norm := sc.norm
	for i := 0; i < len(norm); i++ {
		if isHanNumeral(norm[i]) {
			j, unit := i, false
			for j < len(norm) && isHanNumeral(norm[j]) {
				unit = unit || isHanUnit(norm[j])
				j++
			}
			// "一万", "十五万", "两千块": at least two characters with a unit;
			// "一个" or a lone "十" is no amount.
			if unit && j-i >= 2 {
				for _, t := range terms {
					sc.hit(t, int32(i), int32(j))
				}
				k := j
				if k < len(norm) && isUnit(norm[k]) {
					k++
				}
				s, e := sc.source(int32(i), int32(k))
				sc.amt = append(sc.amt, Occurrence{Start: s, End: e})
			}
			i = j - 1
			continue
		}
		if norm[i] > '9' || norm[i] < '0' {
			continue
		}
		j := i + 1
		for j < len(norm) && (isDigitRune(norm[j]) || norm[j] == '.' && j+1 < len(norm) && isDigitRune(norm[j+1])) {
			j++
		}
		// An amount as written: with a unit right after ("10w", "3万",
		// "5k", "5000元") or a currency before.
		k := j
		if k < len(norm) && isUnit(norm[k]) {
			k++
		} else if k+1 < len(norm) && norm[k] == ' ' && norm[k+1] >= 0x80 && isUnit(norm[k+1]) {
			k += 2 // "5000元": the normaliser spaces digits from Chinese
		}
		cur := currencyBefore(sc, i)
		if k == j && cur == 0 && sc.notMoney(i, j) {
			i = j
			continue
		}
		for _, t := range terms {
			sc.hit(t, int32(i), int32(j))
		}
		if k > j || cur > 0 || j-i >= 3 {
			s, e := sc.source(int32(i), int32(k))
			sc.amt = append(sc.amt, Occurrence{Start: s - cur, End: e})
		}
		i = j
	}
}

// notMoney reports whether the digits norm[i:j], with no currency or unit,
// are a time, a date, a duration or a long number (a phone, an account, a
// tracking number): "between 2pm and 4pm", "3点", "14:30", "2024年",
// "3 days", "a code 8812 3345 901". Rules that want a sum of money must not
// fire on them.
func (sc *Scratch) notMoney(i, j int) bool {
	if j-i >= 7 {
		return true
	}
	_, e := sc.source(int32(i), int32(j))
	rest := strings.TrimLeft(sc.text[e:], " ")
	if j-i <= 2 && len(rest) >= 3 && (rest[0] == ':' || rest[0] == '.') && isDigit(rest[1]) && isDigit(rest[2]) && (len(rest) == 3 || !isDigit(rest[3])) {
		return true // 14:30, 2.30 pm is read below as well
	}
	for _, w := range timeWords {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
			if w[0] < 0x80 && len(rest) > len(w) && isASCIILetter(rest[len(w)]) {
				continue // "5 amazing" is no time
			}
			return true
		}
	}
	return false
}

// timeWords follow a number that is a time, a date, a duration, a count
// or a rate, not a sum: "6-digit code", "12% returns". ("3 times" stays:
// "they reimburse me 3 times" is the compensation hook.)
var timeWords = []string{
	"am", "pm", "a.m", "p.m", "o'clock", "oclock", "-digit", "digit", "%", "percent", "per cent",
	"stars", "star", "pcs", "pieces", "people", "persons",
	"days", "day", "hours", "hour", "hrs", "hr", "minutes", "minute", "mins", "min", "seconds", "secs",
	"weeks", "week", "months", "month", "years", "year", "yrs",
	"st ", "nd ", "rd ", "th ",
	"点", "點", "时", "時", "分钟", "分鐘", "秒", "号", "號", "日", "月", "年", "天", "周", "週", "个月", "個月", "小时", "小時", "岁", "歲",
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// Counts reports the work of the last Find: automaton hits, term
// occurrences and candidate signals. Benchmarks use it to explain costs.
func (sc *Scratch) Counts() (hits, occurrences, candidates int) {
	return len(sc.raw), len(sc.occ), len(sc.cand)
}

// Amounts returns the sums of money found by the last Find, as source
// offsets: digit runs with a unit ("10w", "5k", "3万"), a currency before
// them, or at least three digits.
func (sc *Scratch) Amounts() []Occurrence { return sc.amt }

func isUnit(r rune) bool {
	switch r {
	case 'w', 'k', '万', '千', '元', '块', '蚊', '亿':
		return true
	}
	return false
}

// currencyBefore returns how many source bytes of a currency sign or code
// (and the spaces after it) stand just before normalised position i
// ("¥3000", "RM 300", "HK$50"), or 0.
func currencyBefore(sc *Scratch, i int) int {
	at := int(sc.offs[i])
	before := strings.TrimRight(sc.text[:at], " ")
	for _, c := range []string{"HK$", "hk$", "S$", "s$", "NT$", "nt$", "¥", "￥", "$", "£", "€", "RMB", "rmb", "HKD", "hkd", "SGD", "sgd", "RM", "rm", "Rm"} {
		if strings.HasSuffix(before, c) {
			return at - (len(before) - len(c))
		}
	}
	return 0
}
