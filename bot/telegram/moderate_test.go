package telegram

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

var (
	modCatOnce sync.Once
	modCat     *catalogue.Catalogue
	modCatErr  error
)

func embeddedCatalogue(tb testing.TB) *catalogue.Catalogue {
	tb.Helper()
	modCatOnce.Do(func() { modCat, modCatErr = catalogue.LoadEmbedded() })
	if modCatErr != nil {
		tb.Fatalf("load catalogue: %v", modCatErr)
	}
	return modCat
}

// modTestBot is a Bot with just what the review buttons need: a hash.
func modTestBot() *Bot { return &Bot{hash: randomHash()} }

func TestModeratorCallbackDataRoundTrip(t *testing.T) {
	b := modTestBot()
	for _, a := range []modAction{
		{"ok", 1, modScriptRef("courier-compensation-credit-loop")},
		{"ok", math.MaxInt64, modScriptRef(strings.Repeat("x", 200))},
		{"pg", 12, "c0"},
		{"pg", math.MaxInt64, "a123"},
		{"no", 3, "-"}, {"nw", 4, "-"}, {"sk", 5, "-"}, {"bk", 6, "-"},
	} {
		data := b.modData(a)
		if err := CheckCallbackData(data); err != nil {
			t.Errorf("modData(%+v) = %q: %v", a, data, err)
		}
		got, ok := b.parseModData(data)
		if !ok || got != a {
			t.Errorf("parseModData(%q) = %+v, %v; want %+v", data, got, ok, a)
		}
	}
}

// TestModeratorCallbackDataForged: data this bot did not make, or made and
// then edited, is refused; so is a tag made by another bot (another salt).
func TestModeratorCallbackDataForged(t *testing.T) {
	b := modTestBot()
	good := b.modData(modAction{"no", 42, "-"})
	parts := strings.Split(good, ":")
	tag := parts[len(parts)-1]
	forged := []string{
		"",
		"mod:",
		"mod:no:42:-",                          // no tag
		"mod:no:42:-:" + "00000000",            // made-up tag
		"mod:ok:42:-:" + tag,                   // verb changed
		"mod:no:43:-:" + tag,                   // report changed
		"mod:no:42:x:" + tag,                   // argument changed
		"mod:no:042:-:" + b.modTag("no:042:-"), // well tagged, but not a canonical id
		"mod:zz:42:-:" + b.modTag("zz:42:-"),   // well tagged, unknown verb
		"mod:no:0:-:" + b.modTag("no:0:-"),     // no report 0
		"mod:no:-1:-:" + b.modTag("no:-1:-"),
		"mod:ok:42::" + b.modTag("ok:42:"), // approve to nothing
		"mod:no:42:-:x:" + b.modTag("no:42:-:x"),
		modTestBot().modData(modAction{"no", 42, "-"}), // another bot's salt
		strings.Replace(good, "mod:", "MOD:", 1),
		good + "0",
	}
	for _, data := range forged {
		if a, ok := b.parseModData(data); ok {
			t.Errorf("parseModData(%q) accepted: %+v", data, a)
		}
	}
	if _, ok := b.parseModData(good); !ok {
		t.Errorf("parseModData(%q) refused the bot's own data", good)
	}
}

// TestModeratorDataNeverCoreChoice: review data cannot be mistaken for a
// conversation choice and vice versa (the core's ids never start "mod:").
func TestModeratorDataNeverCoreChoice(t *testing.T) {
	for _, id := range []string{"story", "check", "back", "result", "restart", "hotlines", "fix", "continue",
		"report", "skip", "cancel", "a:1:who:courier", "fix:1", "lang:zh", "region:CN", "share:x"} {
		if strings.HasPrefix(id, modPrefix) {
			t.Errorf("core choice %q has the moderator prefix", id)
		}
	}
}

func TestModeratorScriptRefs(t *testing.T) {
	cat := embeddedCatalogue(t)
	seen := map[string]string{}
	for _, s := range cat.Scripts {
		ref := modScriptRef(s.ID)
		if other, dup := seen[ref]; dup {
			t.Fatalf("scripts %s and %s share the reference %s", s.ID, other, ref)
		}
		seen[ref] = s.ID
		if got := scriptByRef(cat, ref); got == nil || got.ID != s.ID {
			t.Errorf("scriptByRef(%s) = %v, want %s", ref, got, s.ID)
		}
	}
	if s := scriptByRef(cat, modScriptRef("no-such-script")); s != nil {
		t.Errorf("a removed script resolved to %s", s.ID)
	}
}

func testModReq(t *testing.T, lang bot.Lang) *modReq {
	return &modReq{b: modTestBot(), lang: lang, cat: embeddedCatalogue(t), now: time.Now()}
}

// TestModeratorScriptPages: the pages of all scripts list every script once,
// every button fits Telegram's limits and parses back, and a page past the
// end is refused.
func TestModeratorScriptPages(t *testing.T) {
	r := testModReq(t, bot.EN)
	rep := FieldReport{ID: 77, Category: "fake_courier_compensation", Script: "courier-compensation-credit-loop"}
	listed := map[string]int{}
	pages := 0
	for page := 0; ; page++ {
		kb, ok := r.scriptKeyboard(rep, fmt.Sprintf("a%d", page))
		if !ok {
			break
		}
		pages++
		n := 0
		for _, row := range kb {
			if len(row) > maxRowButtons {
				t.Errorf("page %d: a row of %d buttons", page, len(row))
			}
			for _, btn := range row {
				n++
				if err := CheckCallbackData(btn.Data); err != nil {
					t.Errorf("page %d: %q: %v", page, btn.Data, err)
				}
				a, ok := r.b.parseModData(btn.Data)
				if !ok || a.report != 77 {
					t.Errorf("page %d: button %q does not parse back to report 77", page, btn.Data)
				}
				if a.verb == "ok" {
					listed[scriptByRef(r.cat, a.arg).ID]++
				}
			}
		}
		if n > maxButtons {
			t.Errorf("page %d has %d buttons", page, n)
		}
	}
	if want := (len(r.cat.Scripts) + scriptsPerPage - 1) / scriptsPerPage; pages != want {
		t.Errorf("%d pages of all scripts, want %d", pages, want)
	}
	for _, s := range r.cat.Scripts {
		if listed[s.ID] != 1 {
			t.Errorf("script %s listed %d times across the pages", s.ID, listed[s.ID])
		}
	}
	// The category list holds only that category's scripts.
	kb, ok := r.scriptKeyboard(rep, "c0")
	if !ok {
		t.Fatal("no first page of the category")
	}
	for _, row := range kb {
		for _, btn := range row {
			if a, _ := r.b.parseModData(btn.Data); a.verb == "ok" {
				if s := scriptByRef(r.cat, a.arg); string(s.Category) != rep.Category {
					t.Errorf("category page lists %s (%s)", s.ID, s.Category)
				}
			}
		}
	}
	for _, bad := range []string{"a99", "c99", "x0", "a", "a-1", "a01", "c1x"} {
		if _, ok := r.scriptKeyboard(rep, bad); ok {
			t.Errorf("scriptKeyboard(%q) accepted", bad)
		}
	}
}

func TestModeratorDecisionKeyboard(t *testing.T) {
	r := testModReq(t, bot.ZH)
	kb := r.decisionKeyboard(FieldReport{ID: 5, Category: "fake_courier_compensation", Script: "courier-compensation-credit-loop"})
	var verbs []string
	for _, row := range kb {
		for _, btn := range row {
			a, ok := r.b.parseModData(btn.Data)
			if !ok {
				t.Fatalf("button %q does not parse", btn.Data)
			}
			verbs = append(verbs, a.verb+":"+a.arg)
		}
	}
	want := []string{"ok:" + modScriptRef("courier-compensation-credit-loop"), "pg:c0", "no:-", "nw:-", "sk:-"}
	if fmt.Sprint(verbs) != fmt.Sprint(want) {
		t.Errorf("decision buttons = %v, want %v", verbs, want)
	}
	// A script the catalogue no longer has gets no approve button; no
	// category means the list of all scripts.
	kb = r.decisionKeyboard(FieldReport{ID: 5, Script: "gone-script"})
	if a, _ := r.b.parseModData(kb[0][0].Data); a.verb != "pg" || a.arg != "a0" {
		t.Errorf("first button without a known script = %+v, want the list of all scripts", a)
	}
}

// TestModeratorReportText: a report's text is shown as written, even
// when it contains a placeholder of the message around it, and long texts
// are cut to fit one message.
func TestModeratorReportText(t *testing.T) {
	r := testModReq(t, bot.EN)
	text := r.reportText(FieldReport{ID: 9, Lang: "en", Text: "he said {script} and {level}", Evidence: "+86 138 0000 0000", Script: "x"}, 2)
	if !strings.Contains(text, "he said {script} and {level}") || !strings.Contains(text, "+86 138 0000 0000") {
		t.Errorf("report text = %q", text)
	}
	long := r.reportText(FieldReport{ID: 9, Text: strings.Repeat("长", 10000)}, 1)
	if n := len([]rune(long)); n > MaxText {
		t.Errorf("a long report renders as %d characters, over %d", n, MaxText)
	}
}

func TestRenderStats(t *testing.T) {
	msgs := embeddedCatalogue(t).Messages
	today := time.Date(2026, 5, 7, 0, 0, 0, 0, time.UTC)
	week := Stats{Events: 5, Users: 4, Days: []StatDay{{"2026-05-02", 2, 2}, {"2026-05-07", 3, 2}}}
	month := Stats{Events: 60, Users: 30,
		Levels:     []StatCount{{"critical", 40}, {"low", 20}},
		Categories: []StatCount{{"fake_courier_compensation", 40}, {"", 20}},
		Scripts:    []StatCount{{"courier-compensation-credit-loop", 40}},
		Signals:    []StatCount{{"asks_to_borrow", 30}},
	}
	got := renderStats(msgs, bot.EN, today, week, month, 3)
	for _, want := range []string{
		"Last 7 days: 5 checks by 4 people, 0.7 a day",
		"05-01  0", "05-02  2", "05-06  0", "05-07  3",
		"Last 30 days: 60 checks by 30 people, 2.0 a day",
		"critical 40 · low 20", "fake_courier_compensation 40 · none 20",
		"courier-compensation-credit-loop 40", "asks_to_borrow 30",
		"Reports waiting for review: 3",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stats lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "04-30") || strings.Contains(got, "05-08") {
		t.Errorf("stats list a day outside the 7:\n%s", got)
	}
	empty := renderStats(msgs, bot.ZH, today, Stats{}, Stats{}, 0)
	if !strings.Contains(empty, msgs.Get(bot.ZH, "mod_stats_empty")) || !strings.Contains(empty, "05-07  0") {
		t.Errorf("empty stats:\n%s", empty)
	}
}

func TestRenderHistory(t *testing.T) {
	msgs := embeddedCatalogue(t).Messages
	at := time.Date(2026, 5, 7, 9, 30, 0, 0, time.UTC)
	got := renderHistory(msgs, bot.EN,
		[]AuditEntry{{At: at, Actor: "0123456789abcdef", Action: "review", Detail: "report 5 approved x"}},
		[]CatalogueVersion{{Hash: "abcdef0123456789abcdef", At: at, Actor: "watch", Source: "watch", Scripts: 40, Changed: []string{"+new-one"}}})
	for _, want := range []string{"05-07 09:30 · abcdef012345 · watch (watch) · 40 · +new-one", "05-07 09:30 · 01234567 · review · report 5 approved x"} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "0123456789abcdef") {
		t.Errorf("history shows a whole actor hash:\n%s", got)
	}
	if got := renderHistory(msgs, bot.ZH, nil, nil); got != msgs.Get(bot.ZH, "mod_history_empty") {
		t.Errorf("empty history = %q", got)
	}
}

// TestModeratorTextsAreCatalogueKeys: every key this file and texts.go use
// is one the catalogue guarantees (MessageKeys), so a missing translation
// is a load error, not a key shown to a user.
func TestModeratorTextsAreCatalogueKeys(t *testing.T) {
	known := map[string]bool{}
	for _, k := range catalogue.MessageKeys {
		known[k] = true
	}
	keys := []string{msgGroupInvite, msgGroupIntro, msgPrivateButton, msgSlowDown,
		"mod_help", "mod_help_owner", "mod_reload_no_dir", "mod_reload_live", "mod_reload_unchanged", "mod_reload_errors",
		"mod_reload_misses", "mod_more", "mod_none", "mod_stats_empty", "mod_history_empty", "mod_reports_none",
		"mod_report", "mod_report_evidence", "mod_pick_script", "mod_done_approved", "mod_done_rejected",
		"mod_done_new_pattern", "mod_stale", "btn_mod_approve", "btn_mod_other", "btn_mod_reject",
		"btn_mod_new_pattern", "btn_mod_skip", "btn_mod_category", "btn_mod_all", "btn_mod_prev", "btn_mod_next",
		"btn_mod_back", "mod_usage", "mod_bad_id", "mod_added", "mod_removed", "mod_not_added", "mod_configured", "mod_list"}
	for _, c := range append(append([]menuCommand(nil), menuCommands...), modMenuCommands...) {
		keys = append(keys, c.key)
		if len(c.name) > 32 || strings.Trim(c.name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("command %q is not a valid menu command", c.name)
		}
	}
	for _, k := range keys {
		if !known[k] {
			t.Errorf("message key %q is not in catalogue.MessageKeys", k)
		}
	}
	for c := range modCommands {
		found := false
		for _, m := range modMenuCommands {
			found = found || m.name == c
		}
		if !found {
			t.Errorf("moderator command %s is not in the moderators' menu", c)
		}
	}
}

func FuzzModeratorCallbackData(f *testing.F) {
	b := &Bot{hash: func(id int64) string { return fmt.Sprintf("%016x", uint64(id)*0x9E3779B97F4A7C15) }}
	f.Add(b.modData(modAction{"ok", 1, modScriptRef("x")}))
	f.Add(b.modData(modAction{"pg", 99, "a3"}))
	f.Add("mod:no:1:-:00000000")
	f.Add("a:1:who:courier")
	f.Fuzz(func(t *testing.T, data string) {
		a, ok := b.parseModData(data)
		if !ok {
			return
		}
		if again := b.modData(a); again != data {
			// Accepted data is exactly what modData makes.
			t.Errorf("parseModData(%q) = %+v, which encodes as %q", data, a, again)
		}
		if len(data) > MaxCallbackData {
			t.Errorf("accepted %d bytes", len(data))
		}
	})
}
