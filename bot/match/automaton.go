package match

// An automaton is an Aho-Corasick machine over bytes. States with many
// children (the root, the states after a UTF-8 lead byte) get a dense row
// of 256 transitions; the many states with a few children keep a short
// sorted edge list, and a miss follows the failure link. Compared with a
// full DFA this keeps the machine small (a few hundred kilobytes for
// thousands of phrases rather than tens of megabytes), fast to build (a
// few milliseconds), and cache-friendly to scan.
type automaton struct {
	fail    []int32 // failure link of each state
	denseOf []int32 // row in dense, or -1 for a sparse state
	dense   []int32 // rows of 256 child states, -1 for none
	first   []int32 // sparse edges of state s: edgeB/edgeTo[first[s]:first[s+1]]
	edgeB   []byte
	edgeTo  []int32
	outIdx  []int32 // outputs of state s: outPat[outIdx[s]:outIdx[s+1]]
	outPat  []int32
}

// denseMin is the number of children from which a state gets a dense row.
const denseMin = 6

// rawHit is a state with outputs reached after byte end-1.
type rawHit struct {
	state int32
	end   int32
}

type buildEdge struct {
	b  byte
	to int32
}

func compile(patterns []string) *automaton {
	// Trie with per-state edge lists.
	children := [][]buildEdge{nil}
	own := [][]int32{nil}
	child := func(s int32, b byte) int32 {
		for _, e := range children[s] {
			if e.b == b {
				return e.to
			}
		}
		return -1
	}
	for id, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			next := child(s, p[i])
			if next < 0 {
				next = int32(len(children))
				children[s] = append(children[s], buildEdge{p[i], next})
				children = append(children, nil)
				own = append(own, nil)
			}
			s = next
		}
		own[s] = append(own[s], int32(id))
	}
	n := len(children)
	a := &automaton{
		fail:    make([]int32, n),
		denseOf: make([]int32, n),
		first:   make([]int32, n+1),
		outIdx:  make([]int32, n+1),
	}
	// Final layout: sorted sparse edges, dense rows for busy states.
	for s := 0; s < n; s++ {
		es := children[s]
		sortEdges(es)
		a.first[s] = int32(len(a.edgeB))
		a.denseOf[s] = -1
		if len(es) >= denseMin || s == 0 {
			a.denseOf[s] = int32(len(a.dense) / 256)
			row := make([]int32, 256)
			for i := range row {
				row[i] = -1
			}
			for _, e := range es {
				row[e.b] = e.to
			}
			a.dense = append(a.dense, row...)
			continue
		}
		for _, e := range es {
			a.edgeB = append(a.edgeB, e.b)
			a.edgeTo = append(a.edgeTo, e.to)
		}
	}
	a.first[n] = int32(len(a.edgeB))
	// Failure links, breadth first.
	order := make([]int32, 0, n)
	for _, e := range children[0] {
		a.fail[e.to] = 0
		order = append(order, e.to)
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		for _, e := range children[s] {
			f := a.fail[s]
			for {
				if t := a.next(f, e.b); t >= 0 {
					a.fail[e.to] = t
					break
				}
				if f == 0 {
					a.fail[e.to] = 0
					break
				}
				f = a.fail[f]
			}
			order = append(order, e.to)
		}
	}
	// Outputs merged along failure links (a state's failure target comes
	// earlier in breadth-first order).
	out := make([][]int32, n)
	for _, s := range order {
		if len(own[s]) == 0 && len(out[a.fail[s]]) == 0 {
			continue
		}
		out[s] = append(append([]int32(nil), own[s]...), out[a.fail[s]]...)
	}
	for s := 0; s < n; s++ {
		a.outIdx[s+1] = a.outIdx[s] + int32(len(out[s]))
		a.outPat = append(a.outPat, out[s]...)
	}
	return a
}

func sortEdges(es []buildEdge) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].b < es[j-1].b; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// next returns the child of s on byte b, or -1.
func (a *automaton) next(s int32, b byte) int32 {
	if row := a.denseOf[s]; row >= 0 {
		return a.dense[int(row)<<8|int(b)]
	}
	lo, hi := a.first[s], a.first[s+1]
	for i := lo; i < hi; i++ {
		if eb := a.edgeB[i]; eb >= b {
			if eb == b {
				return a.edgeTo[i]
			}
			return -1
		}
	}
	return -1
}

// scan appends to hits every position where some pattern ends.
func (a *automaton) scan(text []byte, hits []rawHit) []rawHit {
	s := int32(0)
	outIdx := a.outIdx
	for i, b := range text {
		for {
			if t := a.next(s, b); t >= 0 {
				s = t
				break
			}
			if s == 0 {
				break
			}
			s = a.fail[s]
		}
		if outIdx[s+1] != outIdx[s] {
			hits = append(hits, rawHit{state: s, end: int32(i + 1)})
		}
	}
	return hits
}

// outputs returns the pattern ids that end in a state.
func (a *automaton) outputs(state int32) []int32 {
	return a.outPat[a.outIdx[state]:a.outIdx[state+1]]
}

// states returns the number of states.
func (a *automaton) states() int { return len(a.fail) }

// size returns the memory the tables take, in bytes.
func (a *automaton) size() int {
	return 4*(len(a.fail)+len(a.denseOf)+len(a.dense)+len(a.first)+len(a.edgeTo)+len(a.outIdx)+len(a.outPat)) + len(a.edgeB)
}
