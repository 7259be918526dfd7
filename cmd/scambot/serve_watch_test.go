package main

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// Group messages for the watch tests: three that read as scams, two that
// do not.
const (
	watchScamZH  = "兼职刷单，日结工资，先垫付后返佣金，加QQ群了解，找小王 13800001111"
	watchScamZH2 = "有人打电话说我芝麻信用分太低，要在借呗借钱刷流水才能退款"
	watchScamEN  = "I got a call from a courier saying my parcel was lost and they need me to share my screen"
)

var watchBenign = []string{"大家好，今晚一起吃饭吗？", "Happy birthday Mei! See you at the park at six."}

// checkWatchTexts fails unless the catalogue still reads the scam texts as
// scams worth a warning and the benign ones as nothing (the test's data).
func checkWatchTexts(t *testing.T) {
	t.Helper()
	eng := engine.New(testCatalogue(t))
	for _, s := range []string{watchScamZH, watchScamZH2, watchScamEN} {
		if _, ok := conversation.WatchVerdict(eng, s, ""); !ok {
			t.Fatalf("test data: %q no longer reads as a scam (WatchVerdict); pick another message", s)
		}
	}
	for _, s := range watchBenign {
		if _, ok := conversation.WatchVerdict(eng, s, ""); ok {
			t.Fatalf("test data: %q reads as a scam; pick another message", s)
		}
	}
}

// TestServeWatchOffByDefault: a group whose watch nobody switched on gets
// nothing for scam messages, and a member who is not an administrator (as
// getChatAdministrators says) cannot switch it on; nobody hears a word.
func TestServeWatchOffByDefault(t *testing.T) {
	checkWatchTexts(t)
	srv := telegramtest.NewServerWithOptions(t, telegramtest.Options{PrivacyModeOff: true})
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	grp := telegramtest.SupergroupChat(-1003300440055, "Neighbours")
	al, bo := user(7301, "Al", "zh-hans"), user(7302, "Bo", "zh-hans")
	srv.AddChat(grp)
	srv.SetAdmins(grp.ID, al.ID)
	for _, m := range []string{watchScamZH, watchBenign[0], "/watch on", "/watch@" + telegramtest.DefaultBotUsername + " on", watchScamZH2} {
		if srv.SendText(grp, bo, m) == 0 {
			t.Fatalf("%q did not reach the bot (privacy mode is off)", m)
		}
	}
	h.settle()
	if sent := srv.SentTo(grp.ID); len(sent) != 0 {
		t.Fatalf("sent to the group:%s\nwant nothing", texts(sent))
	}
	if n := len(srv.Calls("getChatAdministrators")); n < 1 {
		t.Errorf("getChatAdministrators was not asked: who decided Bo is no admin?")
	}
	if n := h.metric("scambot_telegram_updates_total", "type", "message", "content", "chatter"); n != 3 {
		t.Errorf("chatter updates = %v, want 3 (the messages reached the bot)", n)
	}
	h.checkLogs("刷单", "芝麻", "13800001111", "7302", "Bo\"")
}

// TestServeWatch: an administrator switches the watch on (the answer says
// how the bot gets to see messages), scam messages then get one kind
// warning per interval, never a reply to or quote of the member, ordinary
// chatter gets nothing, and after the interval (an injected clock) the
// next scam gets the next warning; off stops them. Group messages are not
// stored.
func TestServeWatch(t *testing.T) {
	checkWatchTexts(t)
	srv := telegramtest.NewServer(t) // privacy mode on, the bot no admin yet
	dir := t.TempDir()
	cfg := testConfig(t, srv, dir)
	cfg.WatchInterval = 10 * time.Minute
	clock := newOffsetClock()
	tune := unlimited(fastTuning())
	tune.telegram.Now = clock.Now
	h := startServe(t, srv, cfg, tune)
	grp := telegramtest.SupergroupChat(-1004400550066, "Estate")
	al, bo := user(7401, "Alison", "en-GB"), user(7402, "Bohdan", "zh-hans")
	srv.AddChat(grp)
	srv.SetAdmins(grp.ID, al.ID)

	srv.SendText(grp, al, "/watch on")
	on := h.waitSent(grp.ID, 1)[0]
	for _, want := range []string{"10 minutes", "@BotFather", "/setprivacy", "admin"} {
		if !strings.Contains(on.Text, want) {
			t.Errorf("answer to /watch on lacks %q:\n%s", want, on.Text)
		}
	}
	// The group follows the advice: the bot becomes an admin and sees all.
	srv.SetAdmins(grp.ID, al.ID, srv.Bot().ID)

	send := func(text string) {
		t.Helper()
		if srv.SendText(grp, bo, text) == 0 {
			t.Fatalf("%q did not reach the bot", text)
		}
	}
	send(watchScamZH)
	send(watchBenign[0])
	send(watchScamZH2) // within the interval
	send(watchBenign[1])
	h.settle()
	sent := srv.SentTo(grp.ID)
	if len(sent) != 2 {
		t.Fatalf("sent to the group:%s\nwant the /watch answer and one warning", texts(sent))
	}
	checkWarning(t, sent[1], watchScamZH, bo.FirstName)

	clock.Advance(cfg.WatchInterval + time.Second)
	send(watchScamEN)
	h.waitSent(grp.ID, 3)
	h.settle()
	sent = srv.SentTo(grp.ID)
	if len(sent) != 3 {
		t.Fatalf("after the interval:%s\nwant one more warning", texts(sent))
	}
	checkWarning(t, sent[2], watchScamEN, bo.FirstName)

	srv.SendText(grp, al, "/watch off")
	h.waitSent(grp.ID, 4)
	clock.Advance(cfg.WatchInterval + time.Second)
	send(watchScamZH)
	h.settle()
	if sent := srv.SentTo(grp.ID); len(sent) != 4 {
		t.Fatalf("after /watch off:%s\nwant no more warnings", texts(sent))
	}
	h.stop()
	// Nothing of the members' messages was kept anywhere.
	for _, m := range []string{watchScamZH, watchScamZH2, watchScamEN} {
		scanTables(t, cfg.DB, func(table, col string, v any) {
			if s := cellString(v); s != "" {
				if w := sharedWindow(m, s, 6); w != "" {
					t.Errorf("%s.%s holds %q of a group message", table, col, w)
				}
			}
		})
	}
	h.checkLogs("刷单", "芝麻", "parcel", "13800001111", "7402", "Bohdan")
}

// checkWarning fails unless m is a watch warning that leaves the member
// and their words out: a new message (no reply), no mention, one URL
// button to a private check, and no run of 6 characters of the member's
// message beyond the scam kind's title.
func checkWarning(t *testing.T, m telegramtest.SentMessage, member, name string) {
	t.Helper()
	if m.ReplyToMessageID != 0 {
		t.Errorf("warning replies to message %d", m.ReplyToMessageID)
	}
	if len(m.Entities) != 0 || strings.Contains(m.Text, name) {
		t.Errorf("warning mentions someone: %q %+v", m.Text, m.Entities)
	}
	kb := m.ReplyMarkup
	if kb == nil || len(kb.InlineKeyboard) != 1 || len(kb.InlineKeyboard[0]) != 1 ||
		kb.InlineKeyboard[0][0].URL != "https://t.me/"+telegramtest.DefaultBotUsername+"?start=check" {
		t.Errorf("warning keyboard = %+v, want one button to ?start=check", kb)
	}
	text := m.Text
	cat := testCatalogue(t)
	titled := false
	for _, s := range cat.Scripts {
		for _, title := range []string{s.Title.ZH, s.Title.EN} {
			if title != "" && strings.Contains(text, title) {
				text, titled = strings.ReplaceAll(text, title, ""), true
			}
		}
	}
	if !titled {
		t.Errorf("warning names no scam kind: %q", m.Text)
	}
	if w := sharedWindow(member, text, 6); w != "" {
		t.Errorf("warning repeats %q of the member's message:\n%s", w, m.Text)
	}
}

// sharedWindow returns a run of a found in b that holds n characters other
// than spaces (6 characters of Chinese; a word and a half of English, so
// that one shared word such as "share" does not count), or "".
func sharedWindow(a, b string, n int) string {
	rs := []rune(a)
	for i := range rs {
		if unicode.IsSpace(rs[i]) {
			continue
		}
		k := 0
		for j := i; j < len(rs); j++ {
			if !unicode.IsSpace(rs[j]) {
				k++
			}
			if k == n {
				if w := string(rs[i : j+1]); strings.Contains(b, w) {
					return w
				}
				break
			}
		}
	}
	return ""
}
