package match

// stem reduces an English word in place to a crude stem and returns its new
// length. It is deliberately simple (a few suffixes, no dictionary) and is
// applied both to phrases and to text, so it only has to be consistent:
// "borrow", "borrows", "borrowed", "borrowing" all become "borrow";
// "transferred" becomes "transfer"; "share", "shared", "sharing" become
// "shar". Words with digits, and words of three letters or fewer, are kept.
// stem(stem(w)) == stem(w).
func stem(w []rune) int {
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return len(w)
		}
	}
	n := len(w)
	for {
		m := stemOnce(w[:n])
		if m == n {
			return n
		}
		n = m
	}
}

func stemOnce(w []rune) int {
	n := len(w)
	if n <= 3 {
		return n
	}
	ends := func(s string) bool {
		return n >= len(s) && eqASCII(w[n-len(s):], s)
	}
	switch {
	case (ends("ies") || ends("ied")) && n >= 5:
		w[n-3] = 'y'
		return n - 2
	case ends("ing") && n-3 >= 3:
		return undouble(w, n-3)
	case ends("ed") && n-2 >= 3:
		return undouble(w, n-2)
	case ends("s") && !ends("ss") && !ends("us") && !ends("is") && n-1 >= 3:
		return n - 1
	case ends("e") && !ends("ee") && n-1 >= 3:
		return n - 1 // "payee", "employee", "fee" keep theirs: a payee is no "pay"
	}
	return n
}

// undouble drops the last letter of w[:n] when it doubles a consonant other
// than l, s or z ("transferr" -> "transfer", but "call" stays).
func undouble(w []rune, n int) int {
	if n >= 4 && w[n-1] == w[n-2] {
		switch w[n-1] {
		case 'a', 'e', 'i', 'o', 'u', 'l', 's', 'z':
			return n
		}
		return n - 1
	}
	return n
}
