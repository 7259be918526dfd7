package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A StatEvent is what statistics count about one assessment shown to a user:
// its outcome, never its text. The zero value counts an assessment with
// nothing known.
type StatEvent struct {
	// Level is the risk level shown (the text of bot.Level).
	Level string
	// Category is the scam category, "" if none.
	Category string
	// Script is the id of the catalogue script that matched best, "" if none.
	Script string
	// Signals are the ids of the signals found. An id must not contain a
	// comma.
	Signals []string
}

func (e *StatEvent) check() error {
	for _, s := range e.Signals {
		if strings.ContainsRune(s, ',') {
			return fmt.Errorf("signal id %q contains a comma", s)
		}
	}
	return nil
}

// insertStat counts e for userID, known only by its hash. Days are UTC.
func (db *DB) insertStat(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, e *StatEvent) error {
	_, err := exec(ctx, tx, db.stmt.countStat,
		now.UTC().Format(time.DateOnly), e.Level, e.Category, e.Script, joinSignals(e.Signals), db.HashUser(userID), ms(now))
	if err != nil {
		return fmt.Errorf("count statistics: %w", err)
	}
	return nil
}

// Stats are counts of assessments since a time; users are counted by their
// hash, distinct within each figure.
type Stats struct {
	// Events is the number of assessments, Users the number of distinct
	// users they were for.
	Events, Users int
	// Days has one entry per UTC day with assessments, oldest first.
	Days []Day
	// Levels, Categories and Scripts count assessments by each value
	// (including ""), most frequent first, ties by name.
	Levels, Categories, Scripts []Count
	// Signals are the TopSignals signals found most often, most frequent
	// first, ties by name.
	Signals []Count
}

// TopSignals is how many signals Stats lists.
const TopSignals = 10

// A Day counts a day's assessments.
type Day struct {
	// Day is the date, YYYY-MM-DD (UTC).
	Day string
	// Events is the number of assessments, Users the number of distinct
	// users they were for.
	Events, Users int
}

// A Count is how many assessments had a value.
type Count struct {
	Name string
	N    int
}

// Stats returns the statistics of assessments made at or after since, read
// in one consistent snapshot.
func (db *DB) Stats(ctx context.Context, since time.Time) (Stats, error) {
	var st Stats
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return Stats{}, fmt.Errorf("read statistics: %w", err)
	}
	defer tx.Rollback() // read only: nothing to keep
	from := ms(since)
	if err := tx.QueryRowContext(ctx,
		`SELECT COUNT(*), COUNT(DISTINCT user_hash) FROM stat_events WHERE at >= ?`, from,
	).Scan(&st.Events, &st.Users); err != nil {
		return Stats{}, fmt.Errorf("read statistics: %w", err)
	}
	rows, err := tx.QueryContext(ctx,
		`SELECT day, COUNT(*), COUNT(DISTINCT user_hash) FROM stat_events WHERE at >= ? GROUP BY day ORDER BY day`, from)
	if err != nil {
		return Stats{}, fmt.Errorf("read statistics by day: %w", err)
	}
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Day, &d.Events, &d.Users); err != nil {
			rows.Close()
			return Stats{}, fmt.Errorf("read statistics by day: %w", err)
		}
		st.Days = append(st.Days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("read statistics by day: %w", err)
	}
	for _, g := range []struct {
		column string // a constant below, never input
		into   *[]Count
	}{
		{"level", &st.Levels},
		{"category", &st.Categories},
		{"script", &st.Scripts},
		{"signals", &st.Signals},
	} {
		counts, err := countBy(ctx, tx, g.column, from)
		if err != nil {
			return Stats{}, fmt.Errorf("read statistics by %s: %w", g.column, err)
		}
		*g.into = counts
	}
	st.Signals = topSignals(st.Signals, TopSignals)
	return st, nil
}

// countBy counts events by a column's value, most frequent first.
func countBy(ctx context.Context, tx *sql.Tx, column string, from int64) ([]Count, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+column+`, COUNT(*) AS n FROM stat_events WHERE at >= ? GROUP BY 1 ORDER BY n DESC, 1`, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var counts []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Name, &c.N); err != nil {
			return nil, err
		}
		counts = append(counts, c)
	}
	return counts, rows.Err()
}

// topSignals splits counts of comma-separated signal lists into counts of
// single signals and keeps the n most frequent.
func topSignals(lists []Count, n int) []Count {
	bySignal := map[string]int{}
	for _, l := range lists {
		if l.Name == "" {
			continue
		}
		for s := range strings.SplitSeq(l.Name, ",") {
			bySignal[s] += l.N
		}
	}
	counts := make([]Count, 0, len(bySignal))
	for s, c := range bySignal {
		counts = append(counts, Count{Name: s, N: c})
	}
	slices.SortFunc(counts, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name))
	})
	if len(counts) > n {
		counts = counts[:n]
	}
	if len(counts) == 0 {
		return nil
	}
	return counts
}
