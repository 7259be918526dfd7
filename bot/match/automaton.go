package match

// An automaton is an Aho-Corasick machine compiled to a dense DFA over byte
// classes: every byte that occurs in some pattern gets a class of its own,
// every other byte shares class 0, so a table row has as many cells as the
// patterns have distinct bytes (about a hundred for Chinese and English)
// rather than 256. Transitions are stored premultiplied by the row width, and
// negated when the target state ends at least one pattern, so the scan loop
// is one load, one add and one sign test per byte.
type automaton struct {
	class  [256]uint8
	width  int32   // number of classes, the row width
	delta  []int32 // premultiplied transitions, negative when the target has outputs
	outIdx []int32 // outputs of state s are outPat[outIdx[s]:outIdx[s+1]]
	outPat []int32
}

// rawHit is a state with outputs reached after byte end-1.
type rawHit struct {
	state int32 // premultiplied
	end   int32
}

func compile(patterns []string) *automaton {
	a := &automaton{}
	var seen [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			seen[p[i]] = true
		}
	}
	a.width = 1
	for b := 0; b < 256; b++ {
		if seen[b] {
			a.class[b] = uint8(a.width)
			a.width++
		}
	}
	if a.width > 256 {
		// More than 255 distinct bytes cannot happen with uint8 classes; the
		// alphabet of UTF-8 text has at most 256 bytes and class 0 is shared.
		panic("match: too many byte classes")
	}
	w := int(a.width)
	// Trie with -1 for a missing child.
	trie := make([]int32, w)
	for i := range trie {
		trie[i] = -1
	}
	own := [][]int32{nil}
	for id, p := range patterns {
		s := 0
		for i := 0; i < len(p); i++ {
			c := int(a.class[p[i]])
			next := trie[s*w+c]
			if next < 0 {
				next = int32(len(own))
				trie[s*w+c] = next
				own = append(own, nil)
				for j := 0; j < w; j++ {
					trie = append(trie, -1)
				}
			}
			s = int(next)
		}
		own[s] = append(own[s], int32(id))
	}
	n := len(own)
	fail := make([]int32, n)
	order := make([]int32, 0, n)
	for c := 0; c < w; c++ {
		if u := trie[c]; u >= 0 {
			fail[u] = 0
			order = append(order, u)
		} else {
			trie[c] = 0
		}
	}
	for q := 0; q < len(order); q++ {
		s := int(order[q])
		for c := 0; c < w; c++ {
			u := trie[s*w+c]
			if u >= 0 {
				fail[u] = trie[int(fail[s])*w+c]
				order = append(order, u)
			} else {
				trie[s*w+c] = trie[int(fail[s])*w+c]
			}
		}
	}
	// Merge outputs along failure links, in breadth-first order so that a
	// state's failure target is complete before the state.
	out := make([][]int32, n)
	for _, s := range order {
		out[s] = append(append([]int32(nil), own[s]...), out[fail[s]]...)
	}
	a.outIdx = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.outIdx[s+1] = a.outIdx[s] + int32(len(out[s]))
		a.outPat = append(a.outPat, out[s]...)
	}
	a.delta = make([]int32, len(trie))
	for i, t := range trie {
		v := t * a.width
		if len(out[t]) > 0 {
			v = -v
		}
		a.delta[i] = v
	}
	return a
}

// scan appends to hits every position where some pattern ends.
func (a *automaton) scan(text []byte, hits []rawHit) []rawHit {
	delta, class := a.delta, &a.class
	cur := int32(0)
	for i, b := range text {
		next := delta[cur+int32(class[b])]
		if next < 0 {
			next = -next
			hits = append(hits, rawHit{state: next, end: int32(i + 1)})
		}
		cur = next
	}
	return hits
}

// outputs returns the pattern ids that end in a (premultiplied) state.
func (a *automaton) outputs(state int32) []int32 {
	s := state / a.width
	return a.outPat[a.outIdx[s]:a.outIdx[s+1]]
}

// states returns the number of DFA states.
func (a *automaton) states() int { return len(a.outIdx) - 1 }
