package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is the tests' starting time.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "scambot.db") }

// open opens path and closes it when the test ends.
func open(t testing.TB, path string, opts Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// count returns SELECT COUNT(*) FROM table.
func count(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	must(t, db.read.QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

func msg(chat int64, payload string) OutMsg {
	return OutMsg{ChatID: chat, Priority: PriorityNormal, Payload: []byte(payload)}
}

func payloads(msgs []OutMsg) []string {
	var p []string
	for _, m := range msgs {
		p = append(p, string(m.Payload))
	}
	return p
}

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	for i := range 2 {
		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		var rows, max int
		must(t, db.read.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&rows, &max))
		if rows != Version() || max != Version() {
			t.Errorf("Open #%d: schema_version has %d rows, max %d; want %d, %d", i+1, rows, max, Version(), Version())
		}
		tables, err := db.Tables(ctx)
		must(t, err)
		for _, want := range []string{"schema_version", "sessions", "processed_updates", "polling", "outbox", "prefs", "stat_events", "settings"} {
			if !slices.Contains(tables, want) {
				t.Errorf("Open #%d: Tables() = %v, missing %s", i+1, tables, want)
			}
		}
		var mode string
		must(t, db.read.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		must(t, db.Close())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	db, err := Open(ctx, path, Options{})
	must(t, err)
	_, err = db.write.Exec(`INSERT INTO schema_version (version, applied_at) VALUES (?, 0)`, Version()+1)
	must(t, err)
	must(t, db.Close())

	db, err = Open(ctx, path, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		if db != nil {
			db.Close()
		}
		t.Fatalf("Open of a newer database: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{
		"",
		"file:x.db",
		"x.db?mode=ro",
		filepath.Join(t.TempDir(), "missing", "dir", "x.db"),
	} {
		db, err := Open(ctx, path, Options{})
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	db := open(t, ":memory:", Options{})
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 5, State: []byte(`{"v":1}`), Out: []OutMsg{msg(0, `"hi"`)}}))
	s, err := db.Session(ctx, 5)
	must(t, err)
	if string(s.State) != `{"v":1}` {
		t.Errorf("Session state = %s, want {\"v\":1}", s.State)
	}
	p, err := db.Pending(ctx, 0, t0)
	must(t, err)
	if len(p) != 1 {
		t.Errorf("Pending = %v, want one message", payloads(p))
	}
}

// TestRestart commits, closes and reopens the file: state, offset, outbox,
// preferences, statistics and the salt survive.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	clock := newClock()
	db, err := Open(ctx, path, Options{Now: clock.Now})
	must(t, err)
	hash := db.HashUser(42)
	must(t, db.Commit(ctx, Commit{
		UpdateID: 100, ChatID: 42, UserID: 42,
		State: []byte(`{"v":1,"phase":"checklist"}`),
		Out:   []OutMsg{{Priority: PriorityUrgent, Payload: []byte(`{"method":"sendMessage"}`)}},
		Stat:  &StatEvent{Level: "high", Category: "investment", Script: "pig-butchering", Signals: []string{"guaranteed_returns"}},
	}))
	must(t, db.SetQuestionMessage(ctx, 42, 777))
	must(t, db.SetPrefs(ctx, 42, "zh-Hans", "HK"))
	must(t, db.Close())

	db = open(t, path, Options{Now: clock.Now})
	s, err := db.Session(ctx, 42)
	must(t, err)
	want := Session{ChatID: 42, UserID: 42, State: []byte(`{"v":1,"phase":"checklist"}`), QuestionMsgID: 777, Updated: t0}
	if !sessionEqual(s, want) {
		t.Errorf("Session after restart = %+v, want %+v", s, want)
	}
	off, err := db.Offset(ctx)
	must(t, err)
	if off != 101 {
		t.Errorf("Offset after restart = %d, want 101", off)
	}
	if ok, err := db.Processed(ctx, 100); err != nil || !ok {
		t.Errorf("Processed(100) after restart = %v, %v; want true", ok, err)
	}
	p, err := db.Pending(ctx, 10, t0)
	must(t, err)
	if len(p) != 1 || string(p[0].Payload) != `{"method":"sendMessage"}` || p[0].ChatID != 42 || !p[0].Created.Equal(t0) {
		t.Errorf("Pending after restart = %+v, want the queued message", p)
	}
	prefs, err := db.Prefs(ctx, 42)
	must(t, err)
	if prefs.Lang != "zh-Hans" || prefs.Region != "HK" {
		t.Errorf("Prefs after restart = %+v, want zh-Hans, HK", prefs)
	}
	st, err := db.Stats(ctx, time.Time{})
	must(t, err)
	if st.Events != 1 || st.Users != 1 {
		t.Errorf("Stats after restart: %d events, %d users; want 1, 1", st.Events, st.Users)
	}
	if got := db.HashUser(42); got != hash {
		t.Errorf("HashUser(42) after restart = %s, want %s (salt not persisted)", got, hash)
	}
}

func sessionEqual(a, b Session) bool {
	return a.ChatID == b.ChatID && a.UserID == b.UserID && string(a.State) == string(b.State) &&
		a.QuestionMsgID == b.QuestionMsgID && a.Updated.Equal(b.Updated)
}

func TestSession(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})

	s, err := db.Session(ctx, 1)
	if err != nil || s.State != nil || s.ChatID != 0 {
		t.Errorf("Session of an unknown chat = %+v, %v; want the zero Session", s, err)
	}
	if err := db.SetQuestionMessage(ctx, 1, 9); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetQuestionMessage without a session: err = %v, want ErrNotFound", err)
	}

	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, UserID: 11, State: []byte(`"a"`)}))
	must(t, db.SetQuestionMessage(ctx, 1, 9))
	clock.Add(time.Minute)
	// No user id: the stored one stays; the question message stays.
	must(t, db.Commit(ctx, Commit{UpdateID: 2, ChatID: 1, State: []byte(`"b"`)}))
	s, err = db.Session(ctx, 1)
	must(t, err)
	want := Session{ChatID: 1, UserID: 11, State: []byte(`"b"`), QuestionMsgID: 9, Updated: t0.Add(time.Minute)}
	if !sessionEqual(s, want) {
		t.Errorf("Session = %+v, want %+v", s, want)
	}
	// No state: the session is left alone.
	must(t, db.Commit(ctx, Commit{UpdateID: 3, ChatID: 1, UserID: 11}))
	s, err = db.Session(ctx, 1)
	must(t, err)
	if !sessionEqual(s, want) {
		t.Errorf("Session after a Commit without State = %+v, want %+v", s, want)
	}
	must(t, db.Commit(ctx, Commit{UpdateID: 4, ChatID: 1, DeleteChat: true}))
	s, err = db.Session(ctx, 1)
	if err != nil || s.State != nil {
		t.Errorf("Session after DeleteChat = %+v, %v; want the zero Session", s, err)
	}
}

func TestPrefs(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	p, err := db.Prefs(ctx, 3)
	if err != nil || p != (Prefs{}) {
		t.Errorf("Prefs of an unknown user = %+v, %v; want zero", p, err)
	}
	must(t, db.SetPrefs(ctx, 3, "en", "SG"))
	clock.Add(time.Hour)
	must(t, db.SetPrefs(ctx, 3, "zh-Hant", "TW"))
	p, err = db.Prefs(ctx, 3)
	must(t, err)
	if p.Lang != "zh-Hant" || p.Region != "TW" || !p.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("Prefs = %+v, want zh-Hant, TW at %v", p, t0.Add(time.Hour))
	}
}

func TestCommitDuplicate(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	first := Commit{UpdateID: 7, ChatID: 1, UserID: 1, State: []byte(`"first"`), Out: []OutMsg{msg(0, `"one"`)}, Stat: &StatEvent{Level: "low"}}
	must(t, db.Commit(ctx, first))
	again := Commit{UpdateID: 7, ChatID: 1, UserID: 1, State: []byte(`"second"`), Out: []OutMsg{msg(0, `"two"`)}, Stat: &StatEvent{Level: "high"}}
	if err := db.Commit(ctx, again); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second Commit of update 7: err = %v, want ErrDuplicate", err)
	}
	s, err := db.Session(ctx, 1)
	must(t, err)
	if string(s.State) != `"first"` {
		t.Errorf("state after duplicate = %s, want \"first\"", s.State)
	}
	if n := count(t, db, "outbox"); n != 1 {
		t.Errorf("outbox has %d rows after duplicate, want 1", n)
	}
	if n := count(t, db, "stat_events"); n != 1 {
		t.Errorf("stat_events has %d rows after duplicate, want 1", n)
	}
	if off, _ := db.Offset(ctx); off != 8 {
		t.Errorf("Offset = %d, want 8", off)
	}
}

// TestCommitAtomic makes the last part of a Commit fail and checks that
// nothing before it stayed.
func TestCommitAtomic(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, UserID: 1, State: []byte(`"before"`), Out: []OutMsg{msg(0, `"one"`)}}))

	for name, bad := range map[string]OutMsg{
		"empty payload":     {Payload: nil},
		"negative priority": {Priority: -1, Payload: []byte(`"x"`)},
	} {
		t.Run(name, func(t *testing.T) {
			c := Commit{
				UpdateID: 2, ChatID: 1, UserID: 1, State: []byte(`"after"`),
				Out:  []OutMsg{msg(0, `"two"`), bad},
				Stat: &StatEvent{Level: "high"},
			}
			if err := db.Commit(ctx, c); err == nil {
				t.Fatal("Commit with a bad message succeeded")
			}
			if off, err := db.Offset(ctx); err != nil || off != 2 {
				t.Errorf("Offset after a failed Commit = %d, %v; want 2", off, err)
			}
			if ok, _ := db.Processed(ctx, 2); ok {
				t.Error("update 2 is recorded as processed after a failed Commit")
			}
			s, err := db.Session(ctx, 1)
			must(t, err)
			if string(s.State) != `"before"` {
				t.Errorf("state after a failed Commit = %s, want \"before\"", s.State)
			}
			p, err := db.Pending(ctx, 0, t0)
			must(t, err)
			if got := payloads(p); !slices.Equal(got, []string{`"one"`}) {
				t.Errorf("Pending after a failed Commit = %q, want [\"one\"]", got)
			}
			if n := count(t, db, "stat_events"); n != 0 {
				t.Errorf("stat_events has %d rows after a failed Commit, want 0", n)
			}
		})
	}

	// The update can then be processed again.
	must(t, db.Commit(ctx, Commit{UpdateID: 2, ChatID: 1, State: []byte(`"after"`), Out: []OutMsg{msg(0, `"two"`)}}))
	if off, _ := db.Offset(ctx); off != 3 {
		t.Errorf("Offset = %d, want 3", off)
	}
}

func TestCommitInvalid(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	for name, c := range map[string]Commit{
		"state and delete":  {UpdateID: 1, ChatID: 1, State: []byte(`{}`), DeleteChat: true},
		"forget and state":  {UpdateID: 1, ChatID: 1, State: []byte(`{}`), Forget: true},
		"forget and stat":   {UpdateID: 1, ChatID: 1, Forget: true, Stat: &StatEvent{}},
		"comma in signal":   {UpdateID: 1, ChatID: 1, Stat: &StatEvent{Signals: []string{"a,b"}}},
		"message with chat": {UpdateID: 1, Out: []OutMsg{{Payload: []byte(`{}`)}}},
	} {
		if err := db.Commit(ctx, c); err == nil {
			t.Errorf("Commit (%s) succeeded, want an error", name)
		}
	}
	if off, _ := db.Offset(ctx); off != 0 {
		t.Errorf("Offset after invalid Commits = %d, want 0", off)
	}
}

func TestOffsetNeverGoesBack(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	if off, err := db.Offset(ctx); err != nil || off != 0 {
		t.Errorf("Offset of a new database = %d, %v; want 0", off, err)
	}
	for _, id := range []int64{5, 3, 9, 4} {
		must(t, db.Commit(ctx, Commit{UpdateID: id}))
	}
	if off, _ := db.Offset(ctx); off != 10 {
		t.Errorf("Offset = %d, want 10", off)
	}
	for id, want := range map[int64]bool{3: true, 4: true, 5: true, 6: false, 9: true, 10: false} {
		if got, err := db.Processed(ctx, id); err != nil || got != want {
			t.Errorf("Processed(%d) = %v, %v; want %v", id, got, err, want)
		}
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	const a, b, c, d = 100, 200, 300, 400
	must(t, db.Enqueue(ctx, msg(a, "a1"), msg(a, "a2"), msg(a, "a3")))
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: b, Out: []OutMsg{
		{Priority: PriorityUrgent, Payload: []byte("b1")},
		{Priority: PriorityNormal, Payload: []byte("b2")},
	}}))
	// c's head waits a minute, holding back c2 although c2 could go now.
	must(t, db.Enqueue(ctx, OutMsg{ChatID: c, Priority: PriorityUrgent, Payload: []byte("c1"), NotBefore: t0.Add(time.Minute)}, msg(c, "c2")))
	must(t, db.Enqueue(ctx, msg(d, "d1")))

	pending := func(limit int, now time.Time) []string {
		t.Helper()
		p, err := db.Pending(ctx, limit, now)
		must(t, err)
		return payloads(p)
	}
	// Round one: urgent heads (b1), then normal heads oldest first; round two...
	if got, want := pending(0, t0), []string{"b1", "a1", "d1", "a2", "b2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("Pending(now) = %q, want %q", got, want)
	}
	if got, want := pending(3, t0), []string{"b1", "a1", "d1"}; !slices.Equal(got, want) {
		t.Errorf("Pending(limit 3) = %q, want %q", got, want)
	}
	if got, want := pending(0, t0.Add(time.Minute)), []string{"b1", "c1", "a1", "d1", "a2", "b2", "c2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("Pending(a minute later) = %q, want %q", got, want)
	}

	all, err := db.Pending(ctx, 0, t0.Add(time.Minute))
	must(t, err)
	byName := map[string]OutMsg{}
	for _, m := range all {
		byName[string(m.Payload)] = m
	}
	if m := byName["a3"]; m.ChatID != a || m.Seq != 3 || m.Priority != PriorityNormal || !m.Created.Equal(t0) {
		t.Errorf("a3 = %+v, want chat %d seq 3", m, a)
	}

	// a1 fails: it and the rest of a wait.
	must(t, db.Retry(ctx, byName["a1"].ID, t0.Add(30*time.Second)))
	must(t, db.Done(ctx, byName["b1"].ID))
	must(t, db.Done(ctx, byName["d1"].ID))
	if got, want := pending(0, t0), []string{"b2"}; !slices.Equal(got, want) {
		t.Errorf("Pending after Retry and Done = %q, want %q", got, want)
	}
	p, err := db.Pending(ctx, 1, t0.Add(30*time.Second))
	must(t, err)
	if len(p) != 1 || string(p[0].Payload) != "a1" || p[0].Attempts != 1 || !p[0].NotBefore.Equal(t0.Add(30*time.Second)) {
		t.Errorf("retried message = %+v, want a1 with 1 attempt", p)
	}

	// Once a chat's queue is empty its numbering starts again.
	must(t, db.Done(ctx, byName["b2"].ID))
	must(t, db.Enqueue(ctx, msg(b, "b3")))
	p, err = db.Pending(ctx, 0, t0)
	must(t, err)
	if len(p) != 1 || string(p[0].Payload) != "b3" || p[0].Seq != 1 {
		t.Errorf("Pending = %+v, want b3 with seq 1", p)
	}

	if err := db.Done(ctx, byName["b1"].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Done twice: err = %v, want ErrNotFound", err)
	}
	if err := db.Retry(ctx, 12345, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Retry of an unknown message: err = %v, want ErrNotFound", err)
	}
	if err := db.Enqueue(ctx, OutMsg{Payload: []byte("x")}); err == nil {
		t.Error("Enqueue without a chat succeeded")
	}
	must(t, db.Enqueue(ctx)) // nothing to do
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	id := int64(0)
	add := func(user int64, e StatEvent) {
		t.Helper()
		id++
		must(t, db.Commit(ctx, Commit{UpdateID: id, ChatID: user, UserID: user, Stat: &e}))
	}
	add(1, StatEvent{Level: "low"}) // day 1, before since
	clock.Add(24 * time.Hour)
	since := clock.Now()
	add(1, StatEvent{Level: "high", Category: "investment", Script: "pig", Signals: []string{"s01", "s02"}})
	add(2, StatEvent{Level: "high", Category: "investment", Script: "pig", Signals: []string{"s01"}})
	clock.Add(24 * time.Hour)
	add(2, StatEvent{Level: "medium", Category: "impersonation", Script: "police", Signals: []string{"s03", "s01"}})
	add(3, StatEvent{Level: "high", Category: "impersonation", Script: "police",
		Signals: []string{"s02", "s04", "s05", "s06", "s07", "s08", "s09", "s10", "s11", "s12"}})

	st, err := db.Stats(ctx, since)
	must(t, err)
	if st.Events != 4 || st.Users != 3 {
		t.Errorf("Stats: %d events, %d users; want 4, 3", st.Events, st.Users)
	}
	wantDays := []Day{{"2025-03-15", 2, 2}, {"2025-03-16", 2, 2}}
	if !slices.Equal(st.Days, wantDays) {
		t.Errorf("Days = %v, want %v", st.Days, wantDays)
	}
	if want := []Count{{"high", 3}, {"medium", 1}}; !slices.Equal(st.Levels, want) {
		t.Errorf("Levels = %v, want %v", st.Levels, want)
	}
	if want := []Count{{"impersonation", 2}, {"investment", 2}}; !slices.Equal(st.Categories, want) {
		t.Errorf("Categories = %v, want %v", st.Categories, want)
	}
	if want := []Count{{"pig", 2}, {"police", 2}}; !slices.Equal(st.Scripts, want) {
		t.Errorf("Scripts = %v, want %v", st.Scripts, want)
	}
	wantSignals := []Count{{"s01", 3}, {"s02", 2}, {"s03", 1}, {"s04", 1}, {"s05", 1}, {"s06", 1}, {"s07", 1}, {"s08", 1}, {"s09", 1}, {"s10", 1}}
	if !slices.Equal(st.Signals, wantSignals) {
		t.Errorf("Signals = %v, want %v", st.Signals, wantSignals)
	}

	all, err := db.Stats(ctx, time.Time{})
	must(t, err)
	if all.Events != 5 || len(all.Days) != 3 {
		t.Errorf("Stats(all): %d events over %d days, want 5 over 3", all.Events, len(all.Days))
	}
	empty, err := db.Stats(ctx, clock.Now().Add(time.Hour))
	must(t, err)
	if empty.Events != 0 || empty.Days != nil || empty.Signals != nil {
		t.Errorf("Stats(future) = %+v, want nothing", empty)
	}
}

func TestHashUser(t *testing.T) {
	db1 := open(t, dbPath(t), Options{})
	db2 := open(t, dbPath(t), Options{})
	fixed := open(t, dbPath(t), Options{Salt: []byte("pepper")})
	h := db1.HashUser(42)
	if len(h) != 16 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Errorf("HashUser(42) = %q, want 16 hex digits", h)
	}
	if db1.HashUser(42) != h {
		t.Error("HashUser is not stable")
	}
	if db1.HashUser(43) == h {
		t.Error("HashUser(42) == HashUser(43)")
	}
	if db2.HashUser(42) == h {
		t.Error("two databases generated the same salt")
	}
	if fixed.HashUser(42) != open(t, dbPath(t), Options{Salt: []byte("pepper")}).HashUser(42) {
		t.Error("HashUser differs under the same Options.Salt")
	}
}

// dump returns every value of every table, by table.
func dump(t *testing.T, db *DB) map[string][][]any {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Tables(ctx)
	must(t, err)
	out := map[string][][]any{}
	for _, table := range tables {
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		must(t, err)
		cols, err := rows.Columns()
		must(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			out[table] = append(out[table], vals)
		}
		must(t, rows.Err())
		rows.Close()
	}
	return out
}

// mentions reports whether a value is one of the ids or contains one of the
// strings.
func mentions(v any, ids []int64, strs []string) bool {
	var s string
	switch v := v.(type) {
	case int64:
		return slices.Contains(ids, v)
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return false
	}
	for _, id := range ids {
		strs = append(strs, fmt.Sprint(id))
	}
	for _, x := range strs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

type person struct{ user, chat int64 }

// seed stores everything the bot keeps about p: a session in their chat and
// in a group where they wrote last, preferences, queued messages and
// statistics.
func seed(t *testing.T, db *DB, p person, group int64, update *int64) {
	t.Helper()
	ctx := context.Background()
	state := fmt.Sprintf(`{"v":1,"user":%d,"chat":%d}`, p.user, p.chat)
	for _, chat := range []int64{p.chat, group} {
		*update++
		must(t, db.Commit(ctx, Commit{
			UpdateID: *update, ChatID: chat, UserID: p.user, State: []byte(state),
			Out:  []OutMsg{msg(0, fmt.Sprintf(`{"chat_id":%d,"text":"hi"}`, chat))},
			Stat: &StatEvent{Level: "high", Signals: []string{"remote_access"}},
		}))
	}
	must(t, db.SetQuestionMessage(ctx, p.chat, 555))
	must(t, db.SetPrefs(ctx, p.user, "en", "SG"))
}

func TestForget(t *testing.T) {
	ctx := context.Background()
	for _, viaCommit := range []bool{false, true} {
		t.Run(fmt.Sprintf("commit=%v", viaCommit), func(t *testing.T) {
			path := dbPath(t)
			db := open(t, path, Options{})
			gone := person{user: 7_000_000_001, chat: 7_000_000_001}
			kept := person{user: 7_000_000_002, chat: 7_000_000_003}
			var update int64
			seed(t, db, gone, -1_000_000_000_111, &update)
			seed(t, db, kept, -1_000_000_000_222, &update)
			// Reports: the forgotten user's pending one goes; an approved one
			// was anonymised on approval and stays, with no trace of them.
			for _, p := range []person{gone, kept} {
				_, err := db.AddReport(ctx, Report{UserHash: db.HashUser(p.user), Lang: "zh", Text: "快递客服让我借钱 [number]"})
				must(t, err)
			}
			approved, err := db.AddReport(ctx, Report{UserHash: db.HashUser(gone.user), Lang: "en", Text: "courier asked me to borrow"})
			must(t, err)
			must(t, db.ReviewReport(ctx, approved, ReportApproved, "courier-compensation-credit-loop", "reviewer"))

			if viaCommit {
				update++
				must(t, db.Commit(ctx, Commit{UpdateID: update, ChatID: gone.chat, UserID: gone.user, Forget: true}))
			} else {
				must(t, db.Forget(ctx, gone.user, gone.chat))
			}

			goneIDs := []int64{gone.user, gone.chat, -1_000_000_000_111}
			goneHash := db.HashUser(gone.user)
			keptIDs := []int64{kept.user, kept.chat}
			keptHash := db.HashUser(kept.user)
			keptIn := map[string]bool{}
			for table, rows := range dump(t, db) {
				for _, row := range rows {
					for _, v := range row {
						if mentions(v, goneIDs, []string{goneHash}) {
							t.Errorf("after Forget, table %s still has %v in row %v", table, v, row)
						}
						if mentions(v, keptIDs, []string{keptHash}) {
							keptIn[table] = true
						}
					}
				}
			}
			if n := count(t, db, "reports"); n != 2 {
				t.Errorf("reports has %d rows after Forget, want 2 (the other user's, and the approved anonymous one)", n)
			}
			for _, table := range []string{"sessions", "prefs", "outbox", "stat_events", "reports"} {
				if !keptIn[table] {
					t.Errorf("after Forget, table %s has lost the other user's rows", table)
				}
			}
			if n := count(t, db, "sessions"); n != 2 {
				t.Errorf("sessions has %d rows after Forget, want 2", n)
			}
			// Nor do the bytes of the files: deleted content is zeroed and
			// the WAL checkpointed. (The ids appear as text in the blobs.)
			for _, file := range []string{path, path + "-wal"} {
				raw, err := os.ReadFile(file)
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Fatal(err)
				}
				for _, id := range []string{"7000000001", "-1000000000111"} {
					if i := bytes.Index(raw, []byte(id)); i >= 0 {
						t.Errorf("%s still holds %s at byte %d", filepath.Base(file), id, i)
					}
				}
				if file == path && !bytes.Contains(raw, []byte("7000000002")) {
					t.Errorf("%s lacks the other user's state", filepath.Base(file))
				}
			}
		})
	}
}

// TestForgetConfirmation queues a reply in the Commit that forgets.
func TestForgetConfirmation(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	var update int64
	seed(t, db, person{user: 5, chat: 5}, -9, &update)
	must(t, db.Commit(ctx, Commit{UpdateID: 99, ChatID: 5, UserID: 5, Forget: true, Out: []OutMsg{msg(0, "deleted")}}))
	p, err := db.Pending(ctx, 0, t0)
	must(t, err)
	if got := payloads(p); !slices.Equal(got, []string{"deleted"}) {
		t.Errorf("Pending after forgetting = %q, want only the confirmation", got)
	}
	if n := count(t, db, "stat_events") + count(t, db, "prefs") + count(t, db, "sessions"); n != 0 {
		t.Errorf("%d rows left about the user", n)
	}
}

func TestExpire(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	stat := &StatEvent{Level: "low"}
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, UserID: 1, State: []byte(`1`), Out: []OutMsg{msg(0, "old")}, Stat: stat}))
	clock.Add(47 * time.Hour)
	must(t, db.Commit(ctx, Commit{UpdateID: 2, ChatID: 2, UserID: 2, State: []byte(`2`), Out: []OutMsg{msg(0, "new")}, Stat: stat}))
	clock.Add(2 * time.Hour) // update 1 is 49 h old, update 2 is 2 h old

	c, err := db.Expire(ctx, clock.Now(), 0, 0) // keep sessions, outbox and stats
	must(t, err)
	if c != (ExpireCounts{Updates: 1}) {
		t.Errorf("Expire(no TTL, no retention) = %+v, want only one update", c)
	}
	if ok, _ := db.Processed(ctx, 1); ok {
		t.Error("update 1 still recorded after 49 h")
	}
	if ok, _ := db.Processed(ctx, 2); !ok {
		t.Error("update 2 pruned after 2 h")
	}

	c, err = db.Expire(ctx, clock.Now(), 24*time.Hour, 48*time.Hour)
	must(t, err)
	if c != (ExpireCounts{Sessions: 1, Outbox: 1, Stats: 1}) {
		t.Errorf("Expire(24h, 48h) = %+v, want one session, outbox message and event", c)
	}
	if s, _ := db.Session(ctx, 1); s.State != nil {
		t.Error("session 1 not expired")
	}
	if s, _ := db.Session(ctx, 2); s.State == nil {
		t.Error("session 2 expired")
	}
	p, err := db.Pending(ctx, 0, clock.Now())
	must(t, err)
	if got := payloads(p); !slices.Equal(got, []string{"new"}) {
		t.Errorf("Pending after Expire = %q, want [new]", got)
	}
	// The offset outlives the processed updates.
	if off, _ := db.Offset(ctx); off != 3 {
		t.Errorf("Offset after Expire = %d, want 3", off)
	}
}

// recorder is a slog.Handler that passes each message to a channel.
type recorder struct{ msgs chan string }

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r recorder) WithGroup(string) slog.Handler            { return r }
func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	select {
	case r.msgs <- rec.Message:
	default:
	}
	return nil
}

func TestRunExpiry(t *testing.T) {
	clock := newClock()
	rec := recorder{msgs: make(chan string, 100)}
	db := open(t, dbPath(t), Options{Now: clock.Now, Logger: slog.New(rec)})
	must(t, db.Commit(context.Background(), Commit{UpdateID: 1, ChatID: 1, State: []byte(`1`)}))
	clock.Add(2 * time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- db.RunExpiry(ctx, time.Hour, time.Hour, 0) }()
	timeout := time.After(10 * time.Second)
	for expired := false; !expired; {
		select {
		case m := <-rec.msgs:
			expired = m == "expired"
		case <-timeout:
			t.Fatal("RunExpiry did not expire at once")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunExpiry after cancel = %v, want nil", err)
		}
	case <-timeout:
		t.Fatal("RunExpiry did not return after cancel")
	}
	if s, _ := db.Session(context.Background(), 1); s.State != nil {
		t.Error("idle session not expired")
	}
	if err := db.RunExpiry(context.Background(), 0, 0, 0); err == nil {
		t.Error("RunExpiry(every 0) = nil, want an error")
	}
}

// TestConcurrentCommits commits from several goroutines while others read.
func TestConcurrentCommits(t *testing.T) {
	ctx := context.Background()
	db := open(t, dbPath(t), Options{})
	const workers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := int64(w*each + i + 1)
				chat := int64(w%3 + 1) // chats shared between workers
				c := Commit{UpdateID: id, ChatID: id + 1000, UserID: id, State: []byte(`{}`),
					Out: []OutMsg{msg(chat, fmt.Sprint(id))}, Stat: &StatEvent{Level: "low"}}
				if err := db.Commit(ctx, c); err != nil {
					errs <- err
				}
				if _, err := db.Pending(ctx, 10, time.Now()); err != nil {
					errs <- err
				}
				if _, err := db.Session(ctx, id+1000); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	const total = workers * each
	if off, _ := db.Offset(ctx); off != total+1 {
		t.Errorf("Offset = %d, want %d", off, total+1)
	}
	for table, want := range map[string]int{"processed_updates": total, "sessions": total, "outbox": total, "stat_events": total} {
		if n := count(t, db, table); n != want {
			t.Errorf("%s has %d rows, want %d", table, n, want)
		}
	}
	// Each chat's seqs are 1..n without gaps or repeats.
	rows, err := db.read.Query(`SELECT chat_id, COUNT(*), MIN(seq), MAX(seq), COUNT(DISTINCT seq) FROM outbox GROUP BY chat_id`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var chat, n, lo, hi, distinct int
		must(t, rows.Scan(&chat, &n, &lo, &hi, &distinct))
		if lo != 1 || hi != n || distinct != n {
			t.Errorf("chat %d: %d messages with seq %d..%d (%d distinct)", chat, n, lo, hi, distinct)
		}
	}
	must(t, rows.Err())
}

func TestPragmas(t *testing.T) {
	for _, durable := range []bool{false, true} {
		db := open(t, dbPath(t), Options{Durable: durable})
		wantSync := 1 // NORMAL
		if durable {
			wantSync = 2 // FULL
		}
		for _, p := range []struct {
			pool *sql.DB
			name string
			want int
		}{
			{db.write, "synchronous", wantSync},
			{db.write, "foreign_keys", 1},
			{db.write, "busy_timeout", 5000},
			{db.write, "secure_delete", 1},
			{db.write, "query_only", 0},
			{db.read, "foreign_keys", 1},
			{db.read, "busy_timeout", 5000},
			{db.read, "secure_delete", 1},
			{db.read, "query_only", 1},
		} {
			var got int
			must(t, p.pool.QueryRow(`PRAGMA `+p.name).Scan(&got))
			if got != p.want {
				t.Errorf("Durable=%v: PRAGMA %s = %d, want %d (write pool: %v)", durable, p.name, got, p.want, p.pool == db.write)
			}
		}
		if _, err := db.read.Exec(`DELETE FROM sessions`); err == nil {
			t.Error("the read pool accepted a write")
		}
	}
}

// TestTwoHandles writes the same file through two DBs, as a second process
// (an operator's command) would: the busy timeout and BEGIN IMMEDIATE make
// them take turns instead of failing.
func TestTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	dbs := []*DB{open(t, path, Options{}), open(t, path, Options{})}
	if dbs[0].HashUser(1) != dbs[1].HashUser(1) {
		t.Error("two handles on one file hash differently")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i, db := range dbs {
		wg.Go(func() {
			for j := range 100 {
				id := int64(j*2 + i + 1)
				if err := db.Commit(ctx, Commit{UpdateID: id, ChatID: id, State: []byte(`{}`), Out: []OutMsg{msg(1, "x")}}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if off, _ := dbs[1].Offset(ctx); off != 201 {
		t.Errorf("Offset = %d, want 201", off)
	}
	if n := count(t, dbs[0], "outbox"); n != 200 {
		t.Errorf("outbox has %d rows, want 200", n)
	}
}

// TestServeHelpers covers what scambot serve reads for readiness and gauges.
func TestServeHelpers(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	db := open(t, dbPath(t), Options{Now: clock.Now})
	must(t, db.Ping(ctx))
	must(t, db.Commit(ctx, Commit{UpdateID: 1, ChatID: 1, State: []byte(`1`), Out: []OutMsg{msg(0, "a"), msg(0, "b")}}))
	clock.Add(time.Hour)
	must(t, db.Commit(ctx, Commit{UpdateID: 2, ChatID: 2, State: []byte(`2`), Out: []OutMsg{msg(0, "c")}}))

	if n, err := db.OutboxDepth(ctx); err != nil || n != 3 {
		t.Errorf("OutboxDepth = %d, %v; want 3", n, err)
	}
	if n, err := db.CountSessions(ctx, t0.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("CountSessions(since a minute in) = %d, %v; want 1", n, err)
	}
	if n, err := db.DropOutbox(ctx, 1); err != nil || n != 2 {
		t.Errorf("DropOutbox(1) = %d, %v; want 2", n, err)
	}
	p, err := db.Pending(ctx, 0, clock.Now())
	must(t, err)
	if got := payloads(p); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Pending after DropOutbox = %q, want [c]", got)
	}
	must(t, db.Close())
	if err := db.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded")
	}
}
