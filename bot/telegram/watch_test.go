package telegram

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

var (
	catOnce sync.Once
	catVal  *catalogue.Catalogue
	catErr  error
)

// testCore returns the conversation core of the shipped catalogue.
func testCore(t testing.TB) *conversation.Bot {
	t.Helper()
	catOnce.Do(func() { catVal, catErr = catalogue.LoadEmbedded() })
	if catErr != nil {
		t.Fatalf("load catalogue: %v", catErr)
	}
	return conversation.New(engine.New(catVal))
}

// memCommunity is a CommunityStore in memory.
type memCommunity struct {
	mu     sync.Mutex
	watch  map[int64]WatchState
	by     map[int64]int64
	last   map[int64]time.Time
	forgot []int64
}

func newMemCommunity() *memCommunity {
	return &memCommunity{watch: map[int64]WatchState{}, by: map[int64]int64{}, last: map[int64]time.Time{}}
}

func (m *memCommunity) SetWatch(_ context.Context, chatID int64, on bool, every time.Duration, by int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.watch[chatID], m.by[chatID] = WatchState{Enabled: on, Interval: every}, by
	return nil
}

func (m *memCommunity) Watch(_ context.Context, chatID int64) (WatchState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.watch[chatID], nil
}

func (m *memCommunity) ClaimWarning(_ context.Context, chatID int64, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.watch[chatID]
	if !w.Enabled || (!m.last[chatID].IsZero() && now.Sub(m.last[chatID]) < w.Interval) {
		return false, nil
	}
	m.last[chatID] = now
	return true, nil
}

func (m *memCommunity) ForgetWatcher(_ context.Context, userID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forgot = append(m.forgot, userID)
	return nil
}

// newWatchBot returns a Bot on srv with the shipped catalogue and a
// community store in memory. It has no Store: only the group watch may be
// exercised.
func newWatchBot(t *testing.T, srv *telegramtest.Server, com CommunityStore) *Bot {
	t.Helper()
	b, err := New(dial(t, srv), nil, Fixed(testCore(t)), Options{Community: com, WatchInterval: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func outTexts(t *testing.T, out []OutMsg) []string {
	t.Helper()
	var s []string
	for _, m := range out {
		p, err := decodePayload(m.Payload)
		if err != nil {
			t.Fatal(err)
		}
		s = append(s, p.Text)
	}
	return s
}

// TestWatchCommandAdmins: only an administrator (as getChatAdministrators
// says, by id) switches the watch; the list is asked once per adminTTL; the
// answer to "on" says how to lift privacy mode when the bot is no admin.
func TestWatchCommandAdmins(t *testing.T) {
	srv := telegramtest.NewServer(t)
	const grp, admin, member = int64(-1001), int64(501), int64(502)
	srv.AddChat(telegramtest.SupergroupChat(grp, "G"))
	srv.SetAdmins(grp, admin)
	com := newMemCommunity()
	b := newWatchBot(t, srv, com)
	ctx := context.Background()
	cmd := func(user int64, args string) *incoming {
		return &incoming{act: actWatch, chatID: grp, chatType: "supergroup", userID: user, lang: bot.EN,
			event: bot.Event{Kind: bot.EventCommand, Command: "watch", Args: args}}
	}
	now := t0
	if out := b.watchCommand(ctx, cmd(member, "on"), now); len(out) != 0 {
		t.Fatalf("a member's /watch on was answered: %q", outTexts(t, out))
	}
	if w, _ := com.Watch(ctx, grp); w.Enabled {
		t.Fatal("a member switched the watch on")
	}
	out := outTexts(t, b.watchCommand(ctx, cmd(admin, "on"), now))
	if len(out) != 1 || !strings.Contains(out[0], "/setprivacy") || !strings.Contains(out[0], "@BotFather") || !strings.Contains(out[0], "10 minutes") {
		t.Fatalf("answer to the admin's /watch on = %q, want the interval and how to lift privacy mode", out)
	}
	if w, _ := com.Watch(ctx, grp); !w.Enabled || w.Interval != 10*time.Minute || com.by[grp] != admin {
		t.Fatalf("watch = %+v by %d", w, com.by[grp])
	}
	if n := len(srv.Calls("getChatAdministrators")); n != 1 {
		t.Errorf("getChatAdministrators called %d times, want 1 (cached)", n)
	}
	// The bot made an admin: after the cache expires, "on" no longer
	// explains privacy mode.
	srv.SetAdmins(grp, admin, srv.Bot().ID)
	out = outTexts(t, b.watchCommand(ctx, cmd(admin, "on"), now.Add(30*time.Second)))
	if len(out) != 1 || !strings.Contains(out[0], "/setprivacy") {
		t.Errorf("within the cache time the old list should still be used: %q", out)
	}
	now = now.Add(adminTTL + time.Second)
	out = outTexts(t, b.watchCommand(ctx, cmd(admin, "on"), now))
	if len(out) != 1 || strings.Contains(out[0], "/setprivacy") {
		t.Errorf("with the bot an admin, /watch on = %q, want no privacy instructions", out)
	}
	if n := len(srv.Calls("getChatAdministrators")); n != 2 {
		t.Errorf("getChatAdministrators called %d times, want 2", n)
	}
	// Status, then off.
	if out := outTexts(t, b.watchCommand(ctx, cmd(admin, ""), now)); len(out) != 1 || !strings.Contains(out[0], "/watch off") {
		t.Errorf("/watch = %q, want the status (on)", out)
	}
	if out := outTexts(t, b.watchCommand(ctx, cmd(admin, "off"), now)); len(out) != 1 || !strings.Contains(out[0], "off") {
		t.Errorf("/watch off = %q", out)
	}
	if w, _ := com.Watch(ctx, grp); w.Enabled {
		t.Error("the watch is still on")
	}
	// An anonymous administrator (no user id) is one by construction.
	anon := cmd(0, "on")
	anon.anonAdmin = true
	if out := b.watchCommand(ctx, anon, now); len(out) != 1 {
		t.Errorf("an anonymous admin's /watch on got %d answers, want 1", len(out))
	}
	// Without a community store, /watch is ignored.
	if out := newWatchBot(t, srv, nil).watchCommand(ctx, cmd(admin, "on"), now); len(out) != 0 {
		t.Errorf("without a store /watch was answered")
	}
}

// TestWatchMessage: a scam-like message in a watched group gives one
// warning per interval: a plain new message (no reply, nothing quoted)
// with one URL button to a private check; nothing when the watch is off or
// the message is ordinary.
func TestWatchMessage(t *testing.T) {
	srv := telegramtest.NewServer(t)
	const grp = int64(-1002)
	com := newMemCommunity()
	b := newWatchBot(t, srv, com)
	ctx := context.Background()
	scam := "兼职刷单，日结工资，先垫付后返佣金，加QQ群了解，联系人小王 13800001111"
	msg := func(text string) *incoming {
		return &incoming{act: actGroupText, chatID: grp, chatType: "supergroup", userID: 77,
			event: bot.Event{Kind: bot.EventText, Text: bot.Text(text)}}
	}
	if out := b.watchMessage(ctx, msg(scam), t0); len(out) != 0 {
		t.Fatal("a warning in a group whose watch is off")
	}
	com.SetWatch(ctx, grp, true, 10*time.Minute, 1)
	for _, benign := range []string{"大家好，今晚一起吃饭吗", "Happy birthday Mei!", "", "   "} {
		if out := b.watchMessage(ctx, msg(benign), t0); len(out) != 0 {
			t.Errorf("warning for %q", benign)
		}
	}
	out := b.watchMessage(ctx, msg(scam), t0)
	if len(out) != 1 || out[0].ChatID != grp || out[0].Priority != PriorityNormal {
		t.Fatalf("watchMessage = %+v, want one normal message to the group", out)
	}
	p, _ := decodePayload(out[0].Payload)
	if p.Edit != 0 || p.Question || len(p.KB) != 1 || len(p.KB[0]) != 1 || p.KB[0][0].Data != "" ||
		p.KB[0][0].URL != "https://t.me/"+telegramtest.DefaultBotUsername+"?start=check" {
		t.Errorf("warning payload = %+v, want one URL button to ?start=check", p)
	}
	for _, part := range []string{"13800001111", "小王", "日结工资"} {
		if strings.Contains(p.Text, part) {
			t.Errorf("warning quotes %q: %q", part, p.Text)
		}
	}
	if out := b.watchMessage(ctx, msg(scam), t0.Add(9*time.Minute)); len(out) != 0 {
		t.Error("a second warning within the interval")
	}
	if out := b.watchMessage(ctx, msg(scam), t0.Add(10*time.Minute)); len(out) != 1 {
		t.Error("no warning after the interval")
	}
}

func TestClassifyWatch(t *testing.T) {
	anonGroup := `"sender_chat":` + group
	groupBot := `{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"}`
	tests := []struct {
		name   string
		update string
		act    action
		what   string
		args   string
		text   string
		anon   bool
	}{
		{"watch on", msg(group, ann, "/watch on", ""), actWatch, "command", "on", "", false},
		{"watch to me", msg(group, ann, "/watch@scambot_test_bot off", ""), actWatch, "command", "off", "", false},
		{"watch to another bot", msg(group, ann, "/watch@other_bot on", ""), actGroupText, "chatter", "", "/watch@other_bot on", false},
		{"chatter read", msg(group, ann, "有人让我刷流水", ""), actGroupText, "chatter", "", "有人让我刷流水", false},
		{"caption read", msg(group, ann, "", `,"photo":[{"file_id":"x","file_unique_id":"y","width":1,"height":1}],"caption":"先垫付后返佣金"`),
			actGroupText, "chatter", "", "先垫付后返佣金", false},
		{"anonymous admin watch", msg(group, groupBot, "/watch on", ","+anonGroup), actWatch, "command", "on", "", true},
		{"anonymous admin chatter", msg(group, groupBot, "hello", ","+anonGroup), actIgnore, "chatter", "", "", true},
		{"channel as sender", msg(group, groupBot, "/watch on", `,"sender_chat":{"id":-100999,"type":"channel","title":"C"}`),
			actIgnore, "anonymous", "", "", false},
		{"watch in private", msg(privAnn, ann, "/watch on", ""), actConverse, "command", "on", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := classify(decodeUpdate(t, tt.update), me, t0)
			if in.act != tt.act || in.what != tt.what || in.anonAdmin != tt.anon {
				t.Fatalf("classify = act %d what %q anon %v, want act %d what %q anon %v", in.act, in.what, in.anonAdmin, tt.act, tt.what, tt.anon)
			}
			if in.event.Args != tt.args || string(in.event.Text) != tt.text {
				t.Errorf("event = args %q text %q, want %q %q", in.event.Args, in.event.Text, tt.args, tt.text)
			}
		})
	}
}

// BenchmarkWatchMessage is the cost of one group message in a watched
// group: the setting, the core's verdict, the interval claim (a scam
// message) or nothing more (chatter).
func BenchmarkWatchMessage(b *testing.B) {
	srv := telegramtest.NewServer(b)
	c, err := Dial(context.Background(), srv.Token(), srv.URL, srv.Client())
	if err != nil {
		b.Fatal(err)
	}
	com := newMemCommunity()
	bt, err := New(c, nil, Fixed(testCore(b)), Options{Community: com})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	com.SetWatch(ctx, -1, true, time.Hour, 1)
	for _, tc := range []struct{ name, text string }{
		{"chatter", "大家好，今晚一起吃饭吗？周末去公园散步的可以报名。"},
		{"scam", "兼职刷单，日结工资，先垫付后返佣金，加QQ群了解"},
	} {
		in := &incoming{act: actGroupText, chatID: -1, userID: 2, event: bot.Event{Kind: bot.EventText, Text: bot.Text(tc.text)}}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.text)))
			for b.Loop() {
				bt.watchMessage(ctx, in, t0)
			}
		})
	}
}
