package match

import "math"

// An automaton is an Aho-Corasick machine over symbols: every rune that
// occurs in some pattern gets a symbol of its own (1, 2, ...), every other
// rune is symbol 0, which no pattern contains, so reading it sends the
// machine straight back to the root. Reading runes rather than UTF-8 bytes
// takes one step per Chinese character instead of three. The root and the
// few states with many children get a dense row over all symbols; the many
// states with a few children keep a short sorted edge list, and a miss
// follows the failure link. The machine stays small (a few megabytes for
// thousands of phrases) and is built in a few milliseconds.
type automaton struct {
	symLo  []uint16        // symbol of each rune below len(symLo)
	symHi  map[rune]uint16 // symbols of the rare runes above
	nsym   int32           // number of symbols, including 0
	nodes  []node          // the states, numbered breadth first
	dense  []int32         // rows of nsym child states, -1 for none
	edgeS  []uint16        // sparse edges: symbols, sorted per state
	edgeTo []int32
	outPat []int32 // pattern ids ending in each state (see node.out)
}

// A node is everything one step reads about a state, in one cache line:
// six parallel arrays cost six cache misses per rune on a catalogue of
// tens of thousands of states.
type node struct {
	fail  int32 // failure link
	dense int32 // offset of its row in dense, or -1 for a sparse state
	first int32 // sparse edges: edgeS/edgeTo[first:first+nedge]
	nedge int32
	out   int32 // outputs: outPat[out:out+nout]
	nout  int32
}

// denseMin is the number of children from which a state gets a dense row.
const denseMin = 24

// symLimit bounds the dense rune-to-symbol table (the BMP).
const symLimit = 0x10000

// rawHit is a state with outputs reached after rune end-1.
type rawHit struct {
	state int32
	end   int32
}

type buildEdge struct {
	sym uint16
	to  int32
}

func compile(patterns [][]rune) *automaton {
	a := &automaton{symHi: map[rune]uint16{}, nsym: 1}
	maxLo := rune(0)
	for _, p := range patterns {
		for _, r := range p {
			if r < symLimit && r >= maxLo {
				maxLo = r + 1
			}
		}
	}
	a.symLo = make([]uint16, maxLo)
	symbol := func(r rune) uint16 {
		if r < symLimit {
			if a.symLo[r] == 0 {
				a.symLo[r] = uint16(a.nsym)
				a.nsym++
			}
			return a.symLo[r]
		}
		s, ok := a.symHi[r]
		if !ok {
			s = uint16(a.nsym)
			a.symHi[r] = s
			a.nsym++
		}
		return s
	}
	// Trie as sibling lists in flat arrays: no allocation per state.
	var (
		head = []int32{-1} // first edge of each state
		own  = [][]int32{nil}
		eSym []uint16
		eTo  []int32
		eNxt []int32 // next sibling edge
	)
	// Edge lookup while building: the root alone has thousands of children.
	edges := make(map[uint64]int32, 4*len(patterns))
	child := func(s int32, sym uint16) int32 {
		if t, ok := edges[uint64(s)<<16|uint64(sym)]; ok {
			return t
		}
		return -1
	}
	for id, p := range patterns {
		s := int32(0)
		for _, r := range p {
			sym := symbol(r)
			next := child(s, sym)
			if next < 0 {
				next = int32(len(head))
				eSym = append(eSym, sym)
				eTo = append(eTo, next)
				eNxt = append(eNxt, head[s])
				head[s] = int32(len(eSym) - 1)
				edges[uint64(s)<<16|uint64(sym)] = next
				head = append(head, -1)
				own = append(own, nil)
			}
			s = next
		}
		own[s] = append(own[s], int32(id))
	}
	children := func(s int32, buf []buildEdge) []buildEdge {
		buf = buf[:0]
		for e := head[s]; e >= 0; e = eNxt[e] {
			buf = append(buf, buildEdge{eSym[e], eTo[e]})
		}
		sortEdges(buf)
		return buf
	}
	if a.nsym > 1<<16 {
		panic("match: more than 65536 distinct characters in the catalogue")
	}
	// Number the states breadth first: the shallow states, visited on
	// almost every rune, then sit together in memory.
	n := len(head)
	order := make([]int32, 1, n) // trie state of each automaton state
	newID := make([]int32, n)
	var buf []buildEdge
	for q := 0; q < len(order); q++ {
		newID[order[q]] = int32(q)
		buf = children(order[q], buf)
		for _, e := range buf {
			order = append(order, e.to)
		}
	}
	w := int(a.nsym)
	a.nodes = make([]node, n)
	a.edgeS = make([]uint16, 0, len(eSym))
	a.edgeTo = make([]int32, 0, len(eSym))
	for q, old := range order {
		es := children(old, buf)
		buf = es
		nd := &a.nodes[q]
		nd.dense = -1
		nd.first = int32(len(a.edgeS))
		if len(es) >= denseMin || q == 0 {
			base := len(a.dense)
			if base+w > math.MaxInt32 {
				panic("match: automaton too large")
			}
			nd.dense = int32(base)
			for i := 0; i < w; i++ {
				a.dense = append(a.dense, -1)
			}
			for _, e := range es {
				a.dense[base+int(e.sym)] = newID[e.to]
			}
			continue
		}
		for _, e := range es {
			a.edgeS = append(a.edgeS, e.sym)
			a.edgeTo = append(a.edgeTo, newID[e.to])
		}
		nd.nedge = int32(len(es))
	}
	// Failure links, in breadth-first (= numbering) order, so a parent's
	// link is known before its children's. The root's children fail to
	// the root.
	for q, old := range order {
		buf = children(old, buf)
		for _, e := range buf {
			to := newID[e.to]
			if q == 0 {
				continue
			}
			f := a.nodes[q].fail
			for {
				if t := a.next(f, e.sym); t >= 0 {
					a.nodes[to].fail = t
					break
				}
				if f == 0 {
					break
				}
				f = a.nodes[f].fail
			}
		}
	}
	// Outputs merged along failure links (a state's failure target comes
	// earlier in breadth-first order).
	out := make([][]int32, n)
	for q, old := range order {
		f := a.nodes[q].fail
		switch {
		case q == 0:
			out[q] = own[old]
		case len(own[old]) == 0:
			out[q] = out[f] // shared, never appended to
		default:
			out[q] = append(append(make([]int32, 0, len(own[old])+len(out[f])), own[old]...), out[f]...)
		}
	}
	total := 0
	for q := range out {
		total += len(out[q])
	}
	a.outPat = make([]int32, 0, total)
	for q := range out {
		a.nodes[q].out, a.nodes[q].nout = int32(len(a.outPat)), int32(len(out[q]))
		a.outPat = append(a.outPat, out[q]...)
	}
	return a
}

func sortEdges(es []buildEdge) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].sym < es[j-1].sym; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// sym returns the symbol of a rune, 0 if no pattern contains it.
func (a *automaton) sym(r rune) uint16 {
	if r < rune(len(a.symLo)) {
		return a.symLo[r]
	}
	if r >= symLimit {
		return a.symHi[r]
	}
	return 0
}

// next returns the child of s on a symbol, or -1.
func (a *automaton) next(s int32, sym uint16) int32 {
	nd := &a.nodes[s]
	if nd.dense >= 0 {
		return a.dense[int(nd.dense)+int(sym)]
	}
	for i, hi := nd.first, nd.first+nd.nedge; i < hi; i++ {
		if es := a.edgeS[i]; es >= sym {
			if es == sym {
				return a.edgeTo[i]
			}
			return -1
		}
	}
	return -1
}

// scan appends to hits every position where some pattern ends.
func (a *automaton) scan(text []rune, hits []rawHit) []rawHit {
	s := int32(0)
	nodes := a.nodes
	symLo := a.symLo
	for i, r := range text {
		var sym uint16
		if r < rune(len(symLo)) {
			sym = symLo[r]
		} else if r >= symLimit {
			sym = a.symHi[r]
		}
		if sym == 0 {
			// No pattern contains this rune: back to the root.
			s = 0
			continue
		}
		for {
			if t := a.next(s, sym); t >= 0 {
				s = t
				break
			}
			if s == 0 {
				break
			}
			s = nodes[s].fail
		}
		if nodes[s].nout != 0 {
			hits = append(hits, rawHit{state: s, end: int32(i + 1)})
		}
	}
	return hits
}

// outputs returns the pattern ids that end in a state.
func (a *automaton) outputs(state int32) []int32 {
	nd := &a.nodes[state]
	return a.outPat[nd.out : nd.out+nd.nout]
}

// states returns the number of states.
func (a *automaton) states() int { return len(a.nodes) }

// size returns the memory the tables take, in bytes.
func (a *automaton) size() int {
	return 2*(len(a.symLo)+len(a.edgeS)) + 24*len(a.nodes) + 4*(len(a.dense)+len(a.edgeTo)+len(a.outPat))
}
