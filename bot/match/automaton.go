package match

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
	symLo   []uint16        // symbol of each rune below len(symLo)
	symHi   map[rune]uint16 // symbols of the rare runes above
	nsym    int32           // number of symbols, including 0
	fail    []int32         // failure link of each state
	denseOf []int32         // row in dense, or -1 for a sparse state
	dense   []int32         // rows of nsym child states, -1 for none
	first   []int32         // sparse edges of state s: edgeS/edgeTo[first[s]:first[s+1]]
	edgeS   []uint16
	edgeTo  []int32
	outIdx  []int32 // outputs of state s: outPat[outIdx[s]:outIdx[s+1]]
	outPat  []int32
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
	n := len(head)
	a.fail = make([]int32, n)
	a.denseOf = make([]int32, n)
	a.first = make([]int32, n+1)
	a.outIdx = make([]int32, n+1)
	w := int(a.nsym)
	a.edgeS = make([]uint16, 0, len(eSym))
	a.edgeTo = make([]int32, 0, len(eSym))
	var buf []buildEdge
	for s := 0; s < n; s++ {
		es := children(int32(s), buf)
		buf = es
		a.first[s] = int32(len(a.edgeS))
		a.denseOf[s] = -1
		if len(es) >= denseMin || s == 0 {
			a.denseOf[s] = int32(len(a.dense) / w)
			base := len(a.dense)
			for i := 0; i < w; i++ {
				a.dense = append(a.dense, -1)
			}
			for _, e := range es {
				a.dense[base+int(e.sym)] = e.to
			}
			continue
		}
		for _, e := range es {
			a.edgeS = append(a.edgeS, e.sym)
			a.edgeTo = append(a.edgeTo, e.to)
		}
	}
	a.first[n] = int32(len(a.edgeS))
	// Failure links, breadth first.
	order := make([]int32, 0, n)
	for e := head[0]; e >= 0; e = eNxt[e] {
		order = append(order, eTo[e])
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		for e := head[s]; e >= 0; e = eNxt[e] {
			sym, to := eSym[e], eTo[e]
			f := a.fail[s]
			for {
				if t := a.next(f, sym); t >= 0 {
					a.fail[to] = t
					break
				}
				if f == 0 {
					break
				}
				f = a.fail[f]
			}
			order = append(order, to)
		}
	}
	// Outputs merged along failure links (a state's failure target comes
	// earlier in breadth-first order).
	out := make([][]int32, n)
	for _, s := range order {
		if len(own[s]) == 0 && len(out[a.fail[s]]) == 0 {
			continue
		}
		if len(own[s]) == 0 {
			out[s] = out[a.fail[s]] // shared, never appended to
			continue
		}
		out[s] = append(append(make([]int32, 0, len(own[s])+len(out[a.fail[s]])), own[s]...), out[a.fail[s]]...)
	}
	total := 0
	for s := 0; s < n; s++ {
		total += len(out[s])
	}
	a.outPat = make([]int32, 0, total)
	for s := 0; s < n; s++ {
		a.outIdx[s+1] = a.outIdx[s] + int32(len(out[s]))
		a.outPat = append(a.outPat, out[s]...)
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
	if row := a.denseOf[s]; row >= 0 {
		return a.dense[int(row)*int(a.nsym)+int(sym)]
	}
	for i, hi := a.first[s], a.first[s+1]; i < hi; i++ {
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
	outIdx := a.outIdx
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
	return 2*(len(a.symLo)+len(a.edgeS)) + 4*(len(a.fail)+len(a.denseOf)+len(a.dense)+len(a.first)+len(a.edgeTo)+len(a.outIdx)+len(a.outPat))
}
