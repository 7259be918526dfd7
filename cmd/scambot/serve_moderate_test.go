package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
	"github.com/scambot/scambot/content"
	"github.com/scambot/scambot/scripts"
)

// copyCatalogue writes the catalogue the test binary embeds (content/ and
// scripts/, the same files as testCatalogue) into a new directory laid out
// like SCAMBOT_CONTENT_DIR, and returns it.
func copyCatalogue(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for name, fsys := range map[string]fs.FS{"content": content.FS, "scripts": scripts.FS} {
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			target := filepath.Join(dir, name, p)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			t.Fatalf("copy %s: %v", name, err)
		}
	}
	return dir
}

// The marker script is a copy of the courier script under another id whose
// title carries a marker: it ties with the original and, sorting first,
// becomes the script a courier story "looks most like", so its title shows
// which catalogue answered.
const (
	markerID    = "aaa-reload-marker"
	markerTitle = "【标记】"
	baseScript  = "courier-compensation-credit-loop"
)

var titleRE = regexp.MustCompile(`(?m)^title:\n  zh: (.*)\n  en: (.*)$`)

// markerScript returns the marker script's YAML; broken makes its English
// title start with "[", which YAML reads as a flow sequence: a syntax error.
func markerScript(t testing.TB, broken bool) []byte {
	t.Helper()
	data, err := fs.ReadFile(scripts.FS, baseScript+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "id: "+baseScript+"\n", "id: "+markerID+"\n", 1)
	en := "(marker) $2"
	if broken {
		en = "[marker] $2"
	}
	s2 := titleRE.ReplaceAllString(s, "title:\n  zh: "+markerTitle+"$1\n  en: "+en)
	if s2 == s || !strings.Contains(s2, "id: "+markerID) {
		t.Fatalf("cannot make the marker script from %s.yaml", baseScript)
	}
	return []byte(s2)
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// catalogueErrors returns the problems catalogue.Load reports for dir, as
// path:line: message.
func catalogueErrors(t testing.TB, dir string) []string {
	t.Helper()
	_, err := catalogue.Load(catalogue.OnDisk(dir))
	var errs catalogue.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("the catalogue in %s loads (%v); the test needs it broken", dir, err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// moderatedServe starts serve with a content directory (unless dir is "")
// and no directory watch, pacing and flood control off.
func moderatedServe(t *testing.T, dir string, setup func(*Config)) (*harness, *telegramtest.Server, Config) {
	t.Helper()
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	cfg.ContentDir = dir
	if setup != nil {
		setup(&cfg)
	}
	tune := unlimited(fastTuning())
	tune.watchInterval = -1
	return startServe(t, srv, cfg, tune), srv, cfg
}

// ask sends text from u in its private chat and returns the messages the
// bot sent there in answer, once everything is settled.
func (h *harness) ask(u telegramtest.User, text string) []telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.SentTo(u.ID))
	h.srv.SendText(telegramtest.PrivateChat(u), u, text)
	h.settle()
	return h.srv.SentTo(u.ID)[before:]
}

// press presses a button on the bot's message msgID in u's private chat
// and returns the new messages it caused.
func (h *harness) press(u telegramtest.User, msgID int, data string) []telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.SentTo(u.ID))
	h.srv.PressButton(telegramtest.PrivateChat(u), u, msgID, data)
	h.settle()
	return h.srv.SentTo(u.ID)[before:]
}

// forge queues a callback query with any data on the bot's message msgID
// in u's chat, as a modified client can, and returns the new messages.
func (h *harness) forge(u telegramtest.User, msgID int, data string) []telegramtest.SentMessage {
	h.t.Helper()
	m, ok := h.srv.Message(u.ID, msgID)
	if !ok {
		h.t.Fatalf("no message %d in chat %d", msgID, u.ID)
	}
	before := len(h.srv.SentTo(u.ID))
	h.srv.AddUpdate(map[string]any{"callback_query": map[string]any{
		"id": "forged-" + itoa(len(h.srv.CallbackAnswers())+before) + "-" + itoa(msgID), "from": u,
		"message":       map[string]any{"message_id": m.MessageID, "chat": telegramtest.PrivateChat(u), "date": 1, "text": m.Text, "from": h.srv.Bot()},
		"chat_instance": "1", "data": data,
	}})
	h.settle()
	return h.srv.SentTo(u.ID)[before:]
}

func onlyText(t testing.TB, what string, ms []telegramtest.SentMessage) string {
	t.Helper()
	if len(ms) != 1 {
		t.Fatalf("%s: %d messages, want 1:%s", what, len(ms), texts(ms))
	}
	return ms[0].Text
}

func joined(ms []telegramtest.SentMessage) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// openDB opens a second handle on serve's database (WAL lets both work).
func openDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctxFor(t, 10*time.Second), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eventually polls cond until it holds or 20 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// saveUntil writes a file and waits until cond holds, writing it again
// (a new modification time) every half second meanwhile: a first write
// that lands before the watch takes its first look is part of what the
// watch starts from, and only a later one is a change to it.
func saveUntil(t testing.TB, path string, data []byte, what string, cond func() bool) {
	t.Helper()
	var saved time.Time
	eventually(t, what, func() bool {
		if cond() {
			return true
		}
		if time.Since(saved) > 500*time.Millisecond {
			writeFile(t, path, data)
			saved = time.Now()
		}
		return false
	})
}

func history(t testing.TB, db *sqlite.DB) []sqlite.AuditEntry {
	t.Helper()
	h, err := db.History(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func versions(t testing.TB, db *sqlite.DB) []sqlite.CatalogueVersion {
	t.Helper()
	v, err := db.CatalogueVersions(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestServeModeratorCommandsHidden: for someone who is not a moderator,
// every moderator command, and the review buttons (even genuine ones taken
// from a moderator's message), get exactly the answer an unknown command or
// a stale button gets, change nothing, and set no menu.
func TestServeModeratorCommandsHidden(t *testing.T) {
	owner := user(90010001, "Ow", "en")
	h, srv, cfg := moderatedServe(t, copyCatalogue(t), func(c *Config) { c.Owner = owner.ID })
	db := openDB(t, cfg.DB)
	ctx := ctxFor(t, 20*time.Second)
	id, err := db.AddReport(ctx, sqlite.Report{UserHash: "someone", Lang: "en", Category: "fake_courier_compensation",
		Script: baseScript, Text: "The courier said my credit score is too low and I must borrow"})
	if err != nil {
		t.Fatal(err)
	}
	review := h.ask(owner, "/reports")
	genuine := callbackData(review[len(review)-1].ReplyMarkup)
	if len(genuine) < 4 {
		t.Fatalf("the owner's review message has buttons %q", genuine)
	}
	before := history(t, db)

	eve := user(66601234, "Eve", "en")
	unknown := onlyText(t, "/frobnicate", h.ask(eve, "/frobnicate"))
	for _, cmd := range []string{"/reload", "/stats", "/history", "/reports", "/mod list", "/mod add 66601234",
		"/reload@" + telegramtest.DefaultBotUsername, "/REPORTS"} {
		got := h.ask(eve, cmd)
		if len(got) != 1 || got[0].Text != unknown || got[0].ReplyMarkup != nil {
			t.Errorf("%s from a non-moderator:%s\nwant exactly the unknown-command answer %q", cmd, texts(got), unknown)
		}
	}
	help := joined(h.ask(eve, "/help"))
	if strings.Contains(help, "/reload") || strings.Contains(help, "/reports") {
		t.Errorf("a non-moderator's /help names moderator commands:\n%s", help)
	}
	on := srv.SentTo(eve.ID)[len(srv.SentTo(eve.ID))-1].MessageID
	stale := joined(h.forge(eve, on, "zzz-not-a-choice"))
	for _, data := range append(genuine, "mod:no:1:-:00000000", "mod:") {
		if got := joined(h.forge(eve, on, data)); got != stale {
			t.Errorf("review button %q pressed by a non-moderator: %q, want what any stale button gets: %q", data, got, stale)
		}
	}

	r, err := db.Report(ctx, id)
	if err != nil || r.Status != sqlite.ReportPending {
		t.Errorf("report after a non-moderator's buttons: %+v %v, want pending", r, err)
	}
	if after := history(t, db); len(after) != len(before) {
		t.Errorf("audit grew from %d to %d entries: %+v", len(before), len(after), after)
	}
	if mods, _ := db.Moderators(ctx); len(mods) != 0 {
		t.Errorf("moderators = %v, want none", mods)
	}
	if v := versions(t, db); len(v) != 1 || v[0].Source != "start" {
		t.Errorf("catalogue versions = %+v, want only the start", v)
	}
	if cmds := srv.Commands(telegramtest.CommandScope{Type: "chat", ChatID: itoa(int(eve.ID))}, ""); len(cmds) != 0 {
		t.Errorf("a non-moderator's chat got a command menu: %+v", cmds)
	}
	var names []string
	for _, c := range srv.Commands(telegramtest.CommandScope{Type: "chat", ChatID: itoa(int(owner.ID))}, "") {
		names = append(names, c.Command)
	}
	for _, want := range []string{"check", "reports", "reload", "stats", "history", "mod"} {
		if !slices.Contains(names, want) {
			t.Errorf("the owner's command menu %v lacks %s", names, want)
		}
	}
	if help := joined(h.ask(owner, "/help")); !strings.Contains(help, "/reload") || !strings.Contains(help, "/mod add") {
		t.Errorf("the owner's /help does not list the moderator commands:\n%s", help)
	}
	h.checkLogs("66601234", "Eve", "90010001", "credit score is too low")
}

// TestServeReloadFromDirectory: a broken edit is refused with its
// path:line and the bot keeps answering with the catalogue it had; so is an
// edit whose samples fail; a good edit goes live, is recorded and audited,
// and answers from the next update on.
func TestServeReloadFromDirectory(t *testing.T) {
	dir := copyCatalogue(t)
	mod := user(81000001, "Mo", "en")
	h, _, cfg := moderatedServe(t, dir, func(c *Config) { c.Moderators = []int64{mod.ID} })
	db := openDB(t, cfg.DB)
	ann := user(81000002, "Ann", "zh")
	result := func() string {
		t.Helper()
		got := joined(h.ask(ann, courierText))
		if !strings.Contains(got, "🔴") {
			t.Fatalf("no result for the courier story:%s", got)
		}
		return got
	}
	if strings.Contains(result(), markerTitle) {
		t.Fatal("the marker shows before any reload")
	}
	// The moderator is in the middle of a check of their own; moderating
	// must leave it where it is.
	q := h.ask(mod, "/check")
	if len(q) != 1 || !strings.Contains(q[0].Text, "(question 1)") {
		t.Fatalf("the moderator's /check:%s", texts(q))
	}

	// Unchanged files: nothing to do.
	if got := onlyText(t, "/reload", h.ask(mod, "/reload")); !strings.Contains(got, "Nothing to reload") {
		t.Errorf("reload of an unchanged directory: %q", got)
	}

	// Broken YAML: refused with path:line, the old catalogue answers.
	path := filepath.Join(dir, "scripts", markerID+".yaml")
	writeFile(t, path, markerScript(t, true))
	want := catalogueErrors(t, dir)
	got := joined(h.ask(mod, "/reload"))
	if !strings.Contains(got, "Not reloaded") || !strings.Contains(got, want[0]) ||
		!regexp.MustCompile(regexp.QuoteMeta(filepath.Join("scripts", markerID+".yaml"))+`:\d+: `).MatchString(got) {
		t.Errorf("reply to a broken reload:\n%s\nwant 'Not reloaded' and %q", got, want[0])
	}
	if strings.Contains(result(), markerTitle) {
		t.Error("a refused catalogue answered a user")
	}

	// A sample scored wrongly: refused, with the sample's path:line.
	good := markerScript(t, false)
	bad := strings.Replace(string(good), "samples:\n", "samples:\n  - lang: en\n    text: I had a lovely walk in the park today\n", 1)
	writeFile(t, path, []byte(bad))
	got = joined(h.ask(mod, "/reload"))
	if !strings.Contains(got, "samples are scored wrongly") || !strings.Contains(got, markerID+".yaml:") {
		t.Errorf("reply to a reload with a failing sample:\n%s", got)
	}
	if strings.Contains(result(), markerTitle) {
		t.Error("a catalogue with a failing sample answered a user")
	}

	// A good edit goes live at once.
	writeFile(t, path, good)
	got = onlyText(t, "/reload", h.ask(mod, "/reload"))
	if !strings.Contains(got, "is live") || !strings.Contains(got, "+"+markerID) {
		t.Errorf("reply to a good reload: %q", got)
	}
	if !strings.Contains(result(), markerTitle) {
		t.Error("the new catalogue does not answer after it went live")
	}
	v := versions(t, db)
	modHash := db.HashUser(mod.ID)
	if len(v) != 2 || v[0].Source != "reload" || v[0].ActorHash != modHash || !slices.Contains(v[0].Changed, "+"+markerID) ||
		v[1].Source != "start" || !strings.Contains(got, v[0].Hash[:12]) {
		t.Errorf("catalogue versions = %+v, want the reload by the moderator (named in the reply) after the start", v)
	}
	var actions []string
	for _, e := range history(t, db) {
		if e.ActorHash == modHash {
			actions = append(actions, e.Action+": "+e.Detail)
		}
	}
	if len(actions) != 4 || !strings.HasPrefix(actions[0], "catalogue: reload") ||
		!strings.Contains(actions[1], "refused") || !strings.Contains(actions[2], "refused") || !strings.Contains(actions[3], "unchanged") {
		t.Errorf("the moderator's audited actions, newest first: %q", actions)
	}
	hist := onlyText(t, "/history", h.ask(mod, "/history"))
	if !strings.Contains(hist, v[0].Hash[:12]) || !strings.Contains(hist, modHash[:8]+" (reload)") || strings.Contains(hist, itoa(int(mod.ID))) {
		t.Errorf("/history:\n%s", hist)
	}
	// After all that, the moderator's own checklist goes on at question 2.
	_, data := currentQuestion(t, h.srv, mod.ID, q[0].MessageID)
	if extra := h.press(mod, q[0].MessageID, answerFor(t, data)); len(extra) != 0 {
		t.Errorf("answering the moderator's question 1 sent new messages:%s", texts(extra))
	}
	if text, _ := currentQuestion(t, h.srv, mod.ID, q[0].MessageID); !strings.Contains(text, "(question 2)") {
		t.Errorf("the moderator's checklist after moderating: %q, want question 2", text)
	}
	h.checkLogs("81000001", "81000002", "芝麻")
}

// TestServeReloadWithoutDirectory: with the embedded catalogue, /reload
// says calmly that there is nothing to reload from.
func TestServeReloadWithoutDirectory(t *testing.T) {
	owner := user(82000001, "Ow", "zh")
	h, _, _ := moderatedServe(t, "", func(c *Config) { c.Owner = owner.ID })
	got := onlyText(t, "/reload", h.ask(owner, "/reload"))
	if !strings.Contains(got, "SCAMBOT_CONTENT_DIR") || !strings.Contains(got, "自带") {
		t.Errorf("/reload without a directory: %q", got)
	}
}

// TestServeReloadUnderLoad: users walk the checklist and tell their story
// while a moderator reloads, broken and good catalogues in turn. Every
// update gets its replies, every checklist goes on where it was, and every
// assessment comes from one catalogue: the marker script added by a reload
// appears exactly in the answers to the updates after that reload and
// before the one that removes it (updates are handled in update-id order).
func TestServeReloadUnderLoad(t *testing.T) {
	dir := copyCatalogue(t)
	mod := user(83000001, "Mo", "en")
	h, srv, _ := moderatedServe(t, dir, func(c *Config) { c.Moderators = []int64{mod.ID} })
	markerPath := filepath.Join(dir, "scripts", markerID+".yaml")
	brokenPath := filepath.Join(dir, "scripts", "zzz-broken.yaml")
	edits := []struct {
		name  string
		apply func()
		reply string // in the moderator's reply
	}{
		{"broken marker", func() { writeFile(t, markerPath, markerScript(t, true)) }, "Not reloaded"},
		{"marker", func() { writeFile(t, markerPath, markerScript(t, false)) }, "is live"},
		{"another broken file", func() { writeFile(t, brokenPath, []byte("id: [zzz-broken\n")) }, "Not reloaded"},
		{"back to the start", func() {
			os.Remove(markerPath)
			os.Remove(brokenPath)
		}, "is live"},
	}
	// The marker is live for the updates with ids in (from, to).
	from, to := -1, -1
	// Stories answered with and without the marker, walkers' results.
	withMarker, without, results := 0, 0, 0

	type walker struct {
		u       telegramtest.User
		msg     int // the question message
		answers int
		last    int // the update id of the last answer
		done    bool
	}
	type texter struct {
		u       telegramtest.User
		updates []int // ids of the stories sent
		seen    int   // messages already checked
	}
	var walkers []*walker
	var texters []*texter
	// Update ids are given in sequence; only this test adds updates, so a
	// button pressed gets the id after the last one.
	lastID := 0
	for i := range 10 {
		w := &walker{u: user(int64(83100000+i), "W", "zh")}
		lastID = srv.SendText(telegramtest.PrivateChat(w.u), w.u, "/check")
		walkers = append(walkers, w)
	}
	for i := range 6 {
		texters = append(texters, &texter{u: user(int64(83200000+i), "T", "zh")})
	}
	h.settle()
	for _, w := range walkers {
		sent := srv.SentTo(w.u.ID)
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "（第 1 题）") {
			t.Fatalf("walker %d after /check:%s", w.u.ID, texts(sent))
		}
		w.msg = sent[0].MessageID
	}

	checkTexters := func() {
		t.Helper()
		for _, x := range texters {
			sent := srv.SentTo(x.u.ID)
			var results []string
			for _, m := range sent[x.seen:] {
				if strings.Contains(m.Text, "🔴") {
					results = append(results, m.Text)
				}
			}
			x.seen = len(sent)
			if len(results) != len(x.updates) {
				t.Fatalf("texter %d: %d results for %d stories", x.u.ID, len(results), len(x.updates))
			}
			for i, res := range results {
				id := x.updates[i]
				want := from > 0 && id > from && (to < 0 || id < to)
				if got := strings.Contains(res, markerTitle); got != want {
					t.Errorf("texter %d, update %d (marker live in (%d, %d)): marker shown = %v", x.u.ID, id, from, to, got)
				}
				if want {
					withMarker++
				} else {
					without++
				}
			}
			x.updates = nil
		}
	}

	for round := 0; ; round++ {
		if round > 40 {
			t.Fatal("the checklists do not end")
		}
		var reloadID int
		press := func(ws []*walker) {
			for _, w := range ws {
				if w.done {
					continue
				}
				_, data := currentQuestion(t, srv, w.u.ID, w.msg)
				srv.PressButton(telegramtest.PrivateChat(w.u), w.u, w.msg, answerFor(t, data))
				lastID++
				w.last = lastID
			}
		}
		tell := func(xs []*texter) {
			for _, x := range xs {
				lastID = srv.SendText(telegramtest.PrivateChat(x.u), x.u, courierText)
				x.updates = append(x.updates, lastID)
			}
		}
		modBefore := len(srv.SentTo(mod.ID))
		press(walkers[:5])
		tell(texters[:3])
		if round < len(edits) {
			edits[round].apply()
			reloadID = srv.SendText(telegramtest.PrivateChat(mod), mod, "/reload")
			lastID = reloadID
		}
		press(walkers[5:])
		tell(texters[3:])
		h.settle()

		if round < len(edits) {
			got := joined(srv.SentTo(mod.ID)[modBefore:])
			if !strings.Contains(got, edits[round].reply) {
				t.Fatalf("round %d (%s): moderator got %q, want %q", round, edits[round].name, got, edits[round].reply)
			}
			switch edits[round].name {
			case "marker":
				from = reloadID
			case "back to the start":
				to = reloadID
			}
		}
		// Checked once the round's reload is known: the stories of this
		// round straddle it.
		checkTexters()
		alive := 0
		for _, w := range walkers {
			if w.done {
				continue
			}
			w.answers++
			if sent := srv.SentTo(w.u.ID); len(sent) > 1 {
				// The result came: as new messages, after the question.
				res := joined(sent[1:])
				if !strings.Contains(res, "🔴") && !strings.Contains(res, "🟠") && !strings.Contains(res, "🟡") {
					t.Errorf("walker %d: new messages that are no result:%s", w.u.ID, texts(sent[1:]))
				}
				// Whether the marker wins a walker's checklist depends on
				// the answers; outside its versions it must not show.
				if live := from > 0 && w.last > from && (to < 0 || w.last < to); !live && strings.Contains(res, markerTitle) {
					t.Errorf("walker %d: the marker in the answer to update %d, outside (%d, %d)", w.u.ID, w.last, from, to)
				}
				w.done = true
				results++
				continue
			}
			text, _ := currentQuestion(t, srv, w.u.ID, w.msg)
			if want := "（第 " + itoa(w.answers+1) + " 题）"; !strings.Contains(text, want) {
				t.Fatalf("walker %d after %d answers (round %d): question %q, want %q", w.u.ID, w.answers, round, text, want)
			}
			alive++
		}
		if alive == 0 && round >= len(edits) {
			break
		}
	}
	if n := h.metric("scambot_outbox_depth"); n != 0 {
		t.Errorf("outbox depth %v after settling", n)
	}
	// The test proves something only if both versions answered stories
	// and every checklist spanned the reloads to its result.
	if withMarker < 6 || without < 12 || results != len(walkers) || from < 0 || to < 0 {
		t.Errorf("stories with the marker %d, without %d; results %d of %d walkers; marker live in (%d, %d)",
			withMarker, without, results, len(walkers), from, to)
	}
}

// TestServeReloadOnWatch: a saved change in the content directory goes
// live by itself, recorded as the watch's; a broken one is refused (and
// audited) and the bot keeps the catalogue it had.
func TestServeReloadOnWatch(t *testing.T) {
	dir := copyCatalogue(t)
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	cfg.ContentDir = dir
	tune := unlimited(fastTuning())
	tune.watchInterval, tune.watchQuiet = 20*time.Millisecond, 60*time.Millisecond
	h := startServe(t, srv, cfg, tune)
	db := openDB(t, cfg.DB)
	bo := user(84000001, "Bo", "zh")

	saveUntil(t, filepath.Join(dir, "scripts", markerID+".yaml"), markerScript(t, false), "the watch records the change", func() bool {
		v := versions(t, db)
		return len(v) == 2 && v[0].Source == "watch" && v[0].ActorHash == "watch" && slices.Contains(v[0].Changed, "+"+markerID)
	})
	if got := joined(h.ask(bo, courierText)); !strings.Contains(got, markerTitle) {
		t.Errorf("after the watch reloaded, the answer lacks the new script:%s", got)
	}

	saveUntil(t, filepath.Join(dir, "content", "checklist.yaml"), []byte("questions: [\n"), "the watch refuses the broken file", func() bool {
		for _, e := range history(t, db) {
			if e.ActorHash == "watch" && e.Action == "reload" && strings.Contains(e.Detail, "refused") {
				return true
			}
		}
		return false
	})
	if got := joined(h.ask(bo, courierText)); !strings.Contains(got, markerTitle) || !strings.Contains(got, "🔴") {
		t.Errorf("after a refused change, the answer does not come from the live catalogue:%s", got)
	}
	if v := versions(t, db); len(v) != 2 {
		t.Errorf("a refused change was recorded: %+v", v)
	}
	if !strings.Contains(h.logs.String(), "checklist.yaml:") {
		t.Errorf("the log does not name the broken file:\n%s", h.logs)
	}
}

// TestServeOwnerManagesModerators: the owner adds a moderator, who can
// then reload; removed, they cannot. Moderators by configuration cannot be
// removed in the bot, and only the owner has /mod.
func TestServeOwnerManagesModerators(t *testing.T) {
	owner := user(85000001, "Ow", "en")
	cfgMod := user(85000002, "Cm", "en")
	kim := user(85000003, "Kim", "en")
	h, srv, cfg := moderatedServe(t, copyCatalogue(t), func(c *Config) {
		c.Owner = owner.ID
		c.Moderators = []int64{cfgMod.ID}
	})
	db := openDB(t, cfg.DB)
	unknown := onlyText(t, "unknown", h.ask(kim, "/nonesuch"))
	if got := onlyText(t, "/reload before", h.ask(kim, "/reload")); got != unknown {
		t.Fatalf("/reload from a stranger: %q", got)
	}
	if got := onlyText(t, "/mod by a moderator", h.ask(cfgMod, "/mod add "+itoa(int(kim.ID)))); got != unknown {
		t.Errorf("/mod from a moderator who is not the owner: %q, want the unknown-command answer", got)
	}
	if got := onlyText(t, "/mod add", h.ask(owner, "/mod add "+itoa(int(kim.ID)))); !strings.Contains(got, itoa(int(kim.ID))+" is now a moderator") {
		t.Errorf("/mod add: %q", got)
	}
	if got := onlyText(t, "/reload by the added moderator", h.ask(kim, "/reload")); !strings.Contains(got, "Nothing to reload") {
		t.Errorf("/reload from an added moderator: %q", got)
	}
	scope := telegramtest.CommandScope{Type: "chat", ChatID: itoa(int(kim.ID))}
	if cmds := srv.Commands(scope, ""); len(cmds) == 0 || !slices.ContainsFunc(cmds, func(c telegramtest.BotCommand) bool { return c.Command == "reload" }) ||
		slices.ContainsFunc(cmds, func(c telegramtest.BotCommand) bool { return c.Command == "mod" }) {
		t.Errorf("the added moderator's menu = %+v, want the moderator commands without /mod", cmds)
	}
	list := onlyText(t, "/mod list", h.ask(owner, "/mod list"))
	for _, want := range []string{itoa(int(owner.ID)), itoa(int(cfgMod.ID)), itoa(int(kim.ID))} {
		if !strings.Contains(list, want) {
			t.Errorf("/mod list lacks %s:\n%s", want, list)
		}
	}
	if got := onlyText(t, "remove configured", h.ask(owner, "/mod remove "+itoa(int(cfgMod.ID)))); !strings.Contains(got, "configuration") {
		t.Errorf("removing a configured moderator: %q", got)
	}
	if got := onlyText(t, "bad id", h.ask(owner, "/mod add @kim")); !strings.Contains(got, "not a Telegram user id") {
		t.Errorf("/mod add @kim: %q", got)
	}
	if got := onlyText(t, "/mod remove", h.ask(owner, "/mod remove "+itoa(int(kim.ID)))); !strings.Contains(got, "no longer a moderator") {
		t.Errorf("/mod remove: %q", got)
	}
	if got := onlyText(t, "/reload after removal", h.ask(kim, "/reload")); got != unknown {
		t.Errorf("/reload from a removed moderator: %q, want the unknown-command answer", got)
	}
	if cmds := srv.Commands(scope, ""); len(cmds) != 0 {
		t.Errorf("the removed moderator's menu is still %+v", cmds)
	}
	if got := onlyText(t, "remove again", h.ask(owner, "/mod remove "+itoa(int(kim.ID)))); !strings.Contains(got, "was not added") {
		t.Errorf("removing someone not added: %q", got)
	}
	if got := onlyText(t, "/reload by the configured moderator", h.ask(cfgMod, "/reload")); !strings.Contains(got, "Nothing to reload") {
		t.Errorf("/reload from a configured moderator: %q", got)
	}
	var actions []string
	for _, e := range history(t, db) {
		if e.ActorHash == db.HashUser(owner.ID) {
			actions = append(actions, e.Action+" "+e.Detail)
		}
	}
	kimHash := db.HashUser(kim.ID)
	if !slices.Contains(actions, "add_moderator "+kimHash) || !slices.Contains(actions, "remove_moderator "+kimHash) {
		t.Errorf("owner's audited actions %q lack adding and removing %s", actions, kimHash)
	}
	h.checkLogs("85000003", "Kim")
}

// TestServeReviewReports: a user's report, filed through the conversation
// and masked, and others waiting are reviewed with buttons: approve to the
// engine's script, to another script picked from the pages, reject, new
// pattern; stale and forged buttons change nothing; every review is
// audited; `scambot reports export` then writes the approved ones.
func TestServeReviewReports(t *testing.T) {
	owner := user(86000001, "Ow", "en")
	h, srv, cfg := moderatedServe(t, copyCatalogue(t), func(c *Config) { c.Owner = owner.ID })
	db := openDB(t, cfg.DB)
	ctx := ctxFor(t, 60*time.Second)

	// A report through the conversation: masked before it is kept.
	ro := user(86000002, "Ro", "zh")
	sent := h.ask(ro, courierText)
	res := sent[len(sent)-1]
	h.press(ro, res.MessageID, buttonWith(t, callbackData(res.ReplyMarkup), "report"))
	h.ask(ro, "对方电话13812345678，自称快递客服，让我借钱刷流水")
	ask := srv.SentTo(ro.ID)[len(srv.SentTo(ro.ID))-1]
	h.press(ro, ask.MessageID, buttonWith(t, callbackData(ask.ReplyMarkup), "skip"))
	for _, text := range []string{"second: a fake bank upgrade", "third: nonsense", "fourth: a new trick"} {
		if _, err := db.AddReport(ctx, sqlite.Report{UserHash: "u", Lang: "en", Category: "fake_bank_or_card_upgrade", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := db.Reports(ctx, sqlite.ReportPending, 10)
	if err != nil || len(pending) != 4 {
		t.Fatalf("pending reports: %d, %v", len(pending), err)
	}

	// The first: approve to the engine's script.
	first := h.ask(owner, "/reports")
	msg := first[len(first)-1]
	if !strings.Contains(msg.Text, "Report "+itoa(int(pending[0].ID))+" (4 waiting)") || strings.Contains(msg.Text, "13812345678") ||
		!strings.Contains(msg.Text, "快递客服") || !strings.Contains(msg.Text, "fake_courier_compensation") {
		t.Fatalf("first report shown as:\n%s", msg.Text)
	}
	approve := buttonWith(t, callbackData(msg.ReplyMarkup), "mod:ok:")
	next := h.press(owner, msg.MessageID, approve)
	if m, _ := srv.Message(owner.ID, msg.MessageID); !strings.Contains(m.Text, "Approved: filed under "+pending[0].Script) || len(callbackData(m.Markup())) != 0 {
		t.Errorf("the reviewed report now reads %q with buttons %q", m.Text, callbackData(m.Markup()))
	}
	second := next[len(next)-1]
	if !strings.Contains(second.Text, "second: a fake bank upgrade") || !strings.Contains(second.Text, "(3 waiting)") {
		t.Fatalf("after approving, the next report:\n%s", second.Text)
	}

	// The same approve button again (stale) and a forged one change nothing.
	for _, data := range []string{approve, strings.Replace(approve, ":ok:", ":no:", 1)} {
		if got := joined(h.forge(owner, msg.MessageID, data)); !strings.Contains(got, "out of date") {
			t.Errorf("button %q on a reviewed report: %q", data, got)
		}
	}

	// The second: another script, from the pages of all scripts.
	other := buttonWith(t, callbackData(second.ReplyMarkup), "mod:pg:")
	h.press(owner, second.MessageID, other)
	m, _ := srv.Message(owner.ID, second.MessageID)
	if !strings.Contains(m.Text, "Choose the script") {
		t.Fatalf("after 'another script': %q", m.Text)
	}
	all := ""
	for _, d := range callbackData(m.Markup()) {
		if strings.HasPrefix(d, "mod:pg:") && strings.Contains(d, ":a0:") {
			all = d
		}
	}
	if all == "" {
		t.Fatalf("no 'all scripts' button among %q", callbackData(m.Markup()))
	}
	h.press(owner, second.MessageID, all)
	m, _ = srv.Message(owner.ID, second.MessageID)
	var nextPage string
	for _, d := range callbackData(m.Markup()) {
		if strings.Contains(d, ":a1:") {
			nextPage = d
		}
	}
	if nextPage == "" {
		t.Fatalf("no next page among %q", callbackData(m.Markup()))
	}
	h.press(owner, second.MessageID, nextPage)
	m, _ = srv.Message(owner.ID, second.MessageID)
	var pick, picked string
	if mk := m.Markup(); mk != nil && len(mk.InlineKeyboard) > 0 {
		pick, picked = mk.InlineKeyboard[0][0].CallbackData, mk.InlineKeyboard[0][0].Text
	}
	if !strings.HasPrefix(pick, "mod:ok:") || testCatalogue(t).Script(picked) == nil {
		t.Fatalf("first button of page 2 = %q %q, want a script", picked, pick)
	}
	next = h.press(owner, second.MessageID, pick)
	third := next[len(next)-1]
	if !strings.Contains(third.Text, "third: nonsense") {
		t.Fatalf("after picking a script, the next report:\n%s", third.Text)
	}

	// The third: reject; the fourth: a new pattern; then none is left.
	next = h.press(owner, third.MessageID, buttonWith(t, callbackData(third.ReplyMarkup), "mod:no:"))
	fourth := next[len(next)-1]
	next = h.press(owner, fourth.MessageID, buttonWith(t, callbackData(fourth.ReplyMarkup), "mod:nw:"))
	if !strings.Contains(joined(next), "No reports are waiting") {
		t.Errorf("after the last review: %q", joined(next))
	}

	statuses := map[string]string{}
	for _, p := range pending {
		r, err := db.Report(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses[r.Status+" "+r.ReviewScript] = r.Text
	}
	for _, want := range []string{"approved " + pending[0].Script, "approved " + picked, "rejected ", "new_pattern "} {
		if _, ok := statuses[want]; !ok {
			t.Errorf("statuses %v lack %q", statuses, want)
		}
	}
	reviews := 0
	for _, e := range history(t, db) {
		if e.Action == "review" && e.ActorHash == db.HashUser(owner.ID) {
			reviews++
		}
	}
	if reviews != 4 {
		t.Errorf("%d reviews audited, want 4", reviews)
	}

	h.stop()
	out := filepath.Join(t.TempDir(), "export")
	code, stdout, stderr := runCmd(t, map[string]string{"SCAMBOT_DB": cfg.DB}, "", "reports", "export", "--out", out)
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	for script, text := range map[string]string{pending[0].Script: "快递客服", picked: "second: a fake bank upgrade"} {
		data, err := os.ReadFile(filepath.Join(out, script+".samples.yaml"))
		if err != nil {
			t.Fatalf("%v (stdout %s)", err, stdout)
		}
		var doc struct{ Samples []struct{ Lang, Text string } }
		if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Samples) != 1 || !strings.Contains(doc.Samples[0].Text, text) {
			t.Errorf("%s.samples.yaml = %s (%v), want the report with %q", script, data, err, text)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 2 {
		t.Errorf("export wrote %d files, want 2 (rejected and new patterns stay out)", len(entries))
	}
}

// TestServeModeratorStats: /stats counts the checks made, aggregated, in
// the moderator's language, with the reports pending.
func TestServeModeratorStats(t *testing.T) {
	mod := user(87000001, "Mo", "zh")
	h, _, cfg := moderatedServe(t, "", func(c *Config) { c.Moderators = []int64{mod.ID} })
	for i := range 3 {
		u := user(int64(87100000+i), "U", "zh")
		if got := joined(h.ask(u, courierText)); !strings.Contains(got, "🔴") {
			t.Fatalf("no result:%s", got)
		}
	}
	db := openDB(t, cfg.DB)
	if _, err := db.AddReport(ctxFor(t, 10*time.Second), sqlite.Report{UserHash: "u", Lang: "zh", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := onlyText(t, "/stats", h.ask(mod, "/stats"))
	today := time.Now().UTC().Format(time.DateOnly)[5:]
	for _, want := range []string{"最近 7 天：3 次检查，3 人", "最近 30 天：3 次检查", today + "  3", "critical 3",
		"fake_courier_compensation 3", "等待审核的举报：1 条"} {
		if !strings.Contains(got, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"87100000", db.HashUser(87100000), "芝麻"} {
		if strings.Contains(got, secret) {
			t.Errorf("/stats shows %q:\n%s", secret, got)
		}
	}
}
