package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// scanTables calls f with every cell of every table of the SQLite file at
// path: the tables come from sqlite_master, so a table added later is
// scanned too.
func scanTables(t *testing.T, path string, f func(table, column string, v any)) {
	t.Helper()
	// The driver is registered by bot/sqlite; read-only, beside the bot.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := ctxFor(t, 10*time.Second)
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("only %d tables in %s: %v", len(tables), path, tables)
	}
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("read %s: %v", table, err)
			}
			for i, c := range cols {
				f(table, c, vals[i])
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		rows.Close()
	}
}

// cellString is a cell as text (numbers in decimal).
func cellString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// A trace is what must not be left of someone: their id (as a number or
// inside text), their salted hash, and runs of 6 characters of what they
// wrote.
type trace struct {
	id    int64
	hash  string
	texts []string
}

// find reports what of tr the cell holds, "" if nothing.
func (tr trace) find(v any) string {
	if n, ok := v.(int64); ok && n == tr.id {
		return "the id " + strconv.FormatInt(n, 10)
	}
	s := cellString(v)
	if s == "" {
		return ""
	}
	if strings.Contains(s, strconv.FormatInt(tr.id, 10)) {
		return "the id in text"
	}
	if tr.hash != "" && strings.Contains(s, tr.hash) {
		return "the hash " + tr.hash
	}
	for _, t := range tr.texts {
		if w := sharedWindow(t, s, 6); w != "" {
			return fmt.Sprintf("%q of their text", w)
		}
	}
	return ""
}

// The words of the user of the privacy tests.
const (
	meiStory    = "我住在梧桐小区七栋，刚才有个自称快递客服的说我芝麻信用分太低，让我在借呗借钱刷流水"
	meiReport   = "上周三在梧桐小区门口接到电话，对方说包裹破损要双倍理赔，让我下载会议软件"
	meiEvidence = "骗子的微信号是 wx_scam_778899"
	meiStory2   = "今天又有人自称顺丰理赔专员，说我芝麻分太低，让我在微粒贷借钱转过去刷流水"
	meiReport2  = "第二次是晚上九点多来的电话，口音很重，一直催我赶紧借钱"
)

// report walks the report flow after the result just shown: consent, the
// story, then the evidence (or skip when evidence is "").
func report(t *testing.T, h *harness, chat telegramtest.Chat, u telegramtest.User, story, evidence string) {
	t.Helper()
	srv := h.srv
	sent := srv.SentTo(u.ID)
	res := sent[len(sent)-1]
	srv.PressButton(chat, u, res.MessageID, buttonWith(t, callbackData(res.ReplyMarkup), "report"))
	h.settle()
	srv.SendText(chat, u, story)
	h.settle()
	sent = srv.SentTo(u.ID)
	ask := sent[len(sent)-1]
	if evidence == "" {
		srv.PressButton(chat, u, ask.MessageID, buttonWith(t, callbackData(ask.ReplyMarkup), "skip"))
	} else {
		srv.SendText(chat, u, evidence)
	}
	h.settle()
	sent = srv.SentTo(u.ID)
	if last := sent[len(sent)-1].Text; !strings.Contains(last, "谢谢") {
		t.Fatalf("the report was not taken: %q", last)
	}
}

// TestServeForgetLeavesNothing: a user chats, sets preferences, gets
// results (statistics), reports twice (one report approved by a
// moderator), switches a group's watch on as its admin; then /forget. Every
// table of the database is scanned for their id, their salted hash and
// their words: nothing is left but the approved report, anonymised.
func TestServeForgetLeavesNothing(t *testing.T) {
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	h := startServe(t, srv, cfg, unlimited(fastTuning()))
	mei := user(7070707, "Meiling", "zh-hans")
	chat := telegramtest.PrivateChat(mei)
	say := func(text string) {
		t.Helper()
		srv.SendText(chat, mei, text)
		h.settle()
	}
	say("/lang zh")
	say("/region HK")
	say(meiStory)
	report(t, h, chat, mei, meiReport, meiEvidence)
	say(meiStory2)
	report(t, h, chat, mei, meiReport2, "")
	grp := telegramtest.SupergroupChat(-1005500660077, "Wutong residents")
	srv.AddChat(grp)
	srv.SetAdmins(grp.ID, mei.ID)
	srv.SendText(grp, mei, "/watch on")
	h.waitSent(grp.ID, 1)
	h.settle()

	// A moderator approves the second report: it is anonymised and stays.
	ctx := ctxFor(t, 10*time.Second)
	db, err := sqlite.Open(ctx, cfg.DB, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reports, err := db.Reports(ctx, sqlite.ReportPending, 10)
	if err != nil || len(reports) != 2 {
		t.Fatalf("pending reports = %d (%v), want 2", len(reports), err)
	}
	approved := reports[1].ID
	if err := db.ReviewReport(ctx, approved, sqlite.ReportApproved, "courier-compensation-credit-loop", db.HashUser(1)); err != nil {
		t.Fatal(err)
	}
	tr := trace{id: mei.ID, hash: db.HashUser(mei.ID), texts: []string{meiStory, meiReport, meiEvidence, meiStory2}}
	db.Close()

	// Before: the scan finds them everywhere (so it can find them at all).
	found := map[string]bool{}
	scanTables(t, cfg.DB, func(table, col string, v any) {
		if tr.find(v) != "" {
			found[table] = true
		}
	})
	for _, table := range []string{"sessions", "prefs", "stat_events", "reports", "group_watch", "audit"} {
		if !found[table] {
			t.Errorf("before /forget, nothing of the user in %s: the scan or the setup is wrong", table)
		}
	}

	say("/forget")
	if sent := srv.SentTo(mei.ID); !strings.Contains(sent[len(sent)-1].Text, "删除") {
		t.Errorf("answer to /forget = %q", sent[len(sent)-1].Text)
	}
	h.stop() // closing the database checkpoints the write-ahead log

	scanTables(t, cfg.DB, func(table, col string, v any) {
		if what := tr.find(v); what != "" {
			t.Errorf("after /forget, %s.%s still holds %s", table, col, what)
		}
	})
	// The approved report stays, anonymised: its text, no hash.
	var kept int
	scanTables(t, cfg.DB, func(table, col string, v any) {
		if table == "reports" && col == "text" && sharedWindow(meiReport2, cellString(v), 6) != "" {
			kept++
		}
	})
	if kept != 1 {
		t.Errorf("approved reports kept = %d, want 1", kept)
	}
	// Nor in the file's bytes: deleted rows are overwritten (secure_delete)
	// and the write-ahead log was checkpointed.
	for _, f := range []string{cfg.DB, cfg.DB + "-wal"} {
		raw, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(tr.hash)) {
			t.Errorf("%s still holds the user's hash", f)
		}
		for _, text := range []string{meiStory, meiReport, meiEvidence, meiStory2} {
			if w := sharedWindow(text, string(raw), 6); w != "" {
				t.Errorf("%s still holds %q of the user's text", f, w)
			}
		}
	}
}

// countRows counts a table's rows through a read-only handle.
func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// waitRows polls until cond holds for the row counts of tables, or fails.
func waitRows(t *testing.T, path string, what string, cond func(map[string]int) bool, tables ...string) map[string]int {
	t.Helper()
	ctx := ctxFor(t, 20*time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		counts := map[string]int{}
		for _, tb := range tables {
			counts[tb] = countRows(t, path, tb)
		}
		if cond(counts) {
			return counts
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("%s: rows %v", what, counts)
		}
	}
}

// TestServeRetention: the background expiry really deletes: with the clock
// moved past the session TTL the conversation goes (preferences,
// statistics and the pending report stay); past 48 h the processed update
// ids; past the retention the statistics and the unreviewed report.
// Preferences stay until /forget.
func TestServeRetention(t *testing.T) {
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	clock := newOffsetClock()
	tune := unlimited(fastTuning())
	tune.telegram.Now, tune.dbNow, tune.expiryEvery = clock.Now, clock.Now, 10*time.Millisecond
	h := startServe(t, srv, cfg, tune)
	mei := user(7070708, "Meiling", "zh-hans")
	chat := telegramtest.PrivateChat(mei)
	srv.SendText(chat, mei, "/region HK")
	h.settle()
	srv.SendText(chat, mei, meiStory)
	h.settle()
	report(t, h, chat, mei, meiReport, "")
	tables := []string{"sessions", "prefs", "stat_events", "reports", "processed_updates"}
	before := waitRows(t, cfg.DB, "after the chat", func(c map[string]int) bool {
		return c["sessions"] == 1 && c["prefs"] == 1 && c["stat_events"] >= 1 && c["reports"] == 1 && c["processed_updates"] > 0
	}, tables...)

	clock.Advance(cfg.SessionTTL + time.Hour)
	got := waitRows(t, cfg.DB, "past the session TTL", func(c map[string]int) bool { return c["sessions"] == 0 }, tables...)
	for _, tb := range []string{"prefs", "stat_events", "reports", "processed_updates"} {
		if got[tb] != before[tb] {
			t.Errorf("past the session TTL: %s %d rows, was %d; only sessions should go", tb, got[tb], before[tb])
		}
	}

	clock.Advance(sqlite.UpdateRetention)
	got = waitRows(t, cfg.DB, "past the update retention", func(c map[string]int) bool { return c["processed_updates"] == 0 }, tables...)
	if got["stat_events"] != before["stat_events"] || got["reports"] != 1 {
		t.Errorf("past 48 h: %v; statistics and the report should stay until the retention", got)
	}

	clock.Advance(cfg.Retention)
	got = waitRows(t, cfg.DB, "past the retention", func(c map[string]int) bool {
		return c["stat_events"] == 0 && c["reports"] == 0
	}, tables...)
	if got["prefs"] != 1 {
		t.Errorf("past the retention: %d preference rows, want 1 (kept until /forget)", got["prefs"])
	}
}
