package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram/telegramtest"
)

// walkAnswers answers the checklist as someone in the middle of the news
// case would.
var walkAnswers = map[string]string{
	"who": "courier", "channel": "call", "ask": "compensation", "knew": "yes", "offplat": "chat",
	"credit": "both", "cards": "no", "screen": "no", "code": "no", "safe": "no", "fee": "no",
	"invest": "no", "pressure": "urgent", "already": "no",
}

// answerFor picks the button of data that answers the question as
// walkAnswers says ("unsure" otherwise). Answer ids are
// "a:<seq>:<question>:<answer>".
func answerFor(t testing.TB, data []string) string {
	t.Helper()
	for _, d := range data {
		parts := strings.Split(d, ":")
		if len(parts) == 4 && parts[0] == "a" && walkAnswers[parts[2]] == parts[3] {
			return d
		}
	}
	for _, d := range data {
		if strings.HasPrefix(d, "a:") && strings.HasSuffix(d, ":unsure") {
			return d
		}
	}
	t.Fatalf("no answer button among %q", data)
	return ""
}

// TestServeButtonWalk walks the checklist with buttons: the question is
// edited in place, every callback is answered once, and the result comes as
// new messages, urgent warning first.
func TestServeButtonWalk(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), fastTuning())
	bo := user(5150, "Bo", "zh-CN")
	chat := telegramtest.PrivateChat(bo)

	srv.SendText(chat, bo, "/start")
	welcome := h.waitSent(bo.ID, 1)[0]
	var queries []string
	queries = append(queries, srv.PressButton(chat, bo, welcome.MessageID, buttonWith(t, callbackData(welcome.ReplyMarkup), "check")))
	q := h.waitSent(bo.ID, 2)[1]
	if !strings.Contains(q.Text, "（第 1 题）") {
		t.Fatalf("first question = %q", q.Text)
	}
	text, data := q.Text, callbackData(q.ReplyMarkup)
	for i := 2; ; i++ {
		edits := len(srv.Calls("editMessageText"))
		sent := len(srv.SentTo(bo.ID))
		queries = append(queries, srv.PressButton(chat, bo, q.MessageID, answerFor(t, data)))
		err := srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool {
			return len(s.Calls("editMessageText")) > edits || len(s.SentTo(bo.ID)) > sent
		})
		if err != nil {
			t.Fatalf("no reply to answer %d: %v\nlogs:\n%s", i-1, err, h.logs)
		}
		if len(srv.SentTo(bo.ID)) > sent {
			break // the result
		}
		text, data = currentQuestion(t, srv, bo.ID, q.MessageID)
		if want := "（第 " + itoa(i) + " 题）"; !strings.Contains(text, want) {
			t.Fatalf("question message after %d answers = %q, want %q", i-1, text, want)
		}
		if i > 20 {
			t.Fatal("the checklist does not end")
		}
	}
	h.settle()
	sent := srv.SentTo(bo.ID)
	if len(sent) != 4 {
		t.Fatalf("sent %d messages, want welcome, question, urgent warning, result:%s", len(sent), texts(sent))
	}
	if !strings.HasPrefix(sent[2].Text, "⛔") || !strings.Contains(sent[3].Text, "96110") {
		t.Errorf("after the checklist:%s\nwant the urgent warning, then the result with 96110", texts(sent[2:]))
	}
	// Every callback query answered exactly once.
	answered := map[string]int{}
	for _, a := range srv.CallbackAnswers() {
		answered[a.QueryID]++
	}
	for _, id := range queries {
		if answered[id] != 1 {
			t.Errorf("callback %s answered %d times, want 1", id, answered[id])
		}
	}
	for _, c := range srv.Calls("editMessageText") {
		if !c.OK() {
			t.Errorf("editMessageText failed: %d %s", c.Status, c.Description)
		}
	}
	h.checkLogs("Bo\"", "5150")
}

// TestServeForgedAndStaleCallbacks: random, 64-byte and outdated button
// data are answered and handled calmly.
func TestServeForgedAndStaleCallbacks(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	cy := user(7001, "Cy", "en")
	chat := telegramtest.PrivateChat(cy)
	srv.SendText(chat, cy, "/check")
	q := h.waitSent(cy.ID, 1)[0]
	first := answerFor(t, callbackData(q.ReplyMarkup))
	srv.PressButton(chat, cy, q.MessageID, first)
	err := srv.WaitFor(ctxFor(t, 10*e2eSecond), func(s *telegramtest.Server) bool { return len(s.Calls("editMessageText")) == 1 })
	if err != nil {
		t.Fatalf("no edit: %v", err)
	}
	msg, _ := srv.Message(cy.ID, q.MessageID)
	forged := []string{
		"zzz-not-a-choice",
		strings.Repeat("x", 64),
		"a:1:who:courier", // the first question's button, pressed again after it was answered
		"a:99:who:nonsense",
		"share:no-such-script",
		"lang:xx",
		"\u4e2d\u6587",
	}
	var ids []string
	for i, data := range forged {
		id := "forged-" + itoa(i)
		ids = append(ids, id)
		srv.AddUpdate(map[string]any{"callback_query": map[string]any{
			"id": id, "from": cy, "message": msg, "chat_instance": "1", "data": data,
		}})
	}
	// A callback query on a group message the bot never sent buttons to.
	grp := telegramtest.SupergroupChat(-100777, "Family")
	srv.AddChat(grp)
	srv.AddUpdate(map[string]any{"callback_query": map[string]any{
		"id": "forged-group", "from": cy, "message": map[string]any{"message_id": 5, "chat": grp, "date": 1, "text": "hi"},
		"chat_instance": "2", "data": "check",
	}})
	ids = append(ids, "forged-group")
	h.settle()
	answered := map[string]int{}
	for _, a := range srv.CallbackAnswers() {
		answered[a.QueryID]++
	}
	for _, id := range ids {
		if answered[id] != 1 {
			t.Errorf("callback %s answered %d times, want 1", id, answered[id])
		}
	}
	sent := srv.SentTo(cy.ID)
	stale := 0
	for _, m := range sent {
		if strings.Contains(m.Text, "earlier step") {
			stale++
		}
	}
	if stale != len(forged) {
		t.Errorf("%d calm 'earlier step' replies to %d forged buttons:%s", stale, len(forged), texts(sent))
	}
	if len(srv.SentTo(grp.ID)) != 0 {
		t.Errorf("the bot wrote in the group after a forged callback: %s", texts(srv.SentTo(grp.ID)))
	}
}

// TestServeLongText: a 10,000-character message gets a calm reply with the
// truncation notice; nothing sent exceeds 4096 characters.
func TestServeLongText(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	di := user(8080, "Di", "zh")
	long := strings.Repeat("他说我的快递丢了要赔偿我。", 1000)[:0]
	for utf8.RuneCountInString(long) < 10000 {
		long += "他说我的快递丢了要赔偿我，让我加他微信。\n\n"
	}
	srv.SendText(telegramtest.PrivateChat(di), di, long)
	h.settle()
	sent := srv.SentTo(di.ID)
	notice := false
	for _, m := range sent {
		if n := utf8.RuneCountInString(m.Text); n > 4096 {
			t.Errorf("sent %d characters", n)
		}
		notice = notice || strings.Contains(m.Text, "4000")
	}
	if !notice {
		t.Errorf("no truncation notice among:%s", texts(sent))
	}
	h.checkLogs("快递丢了")
}

// TestServeMediaAndOtherUpdates: stickers, photos, edits, channel posts,
// membership changes, inline queries, polls and types the client library
// cannot decode never crash; a private sticker or photo gets a calm "tell
// me in words"; every update is confirmed.
func TestServeMediaAndOtherUpdates(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	ed := user(9090, "Ed", "en")
	chat := telegramtest.PrivateChat(ed)
	srv.SendText(chat, ed, "/start")
	h.waitSent(ed.ID, 1)
	msg := func(extra map[string]any) map[string]any {
		m := map[string]any{"message_id": srv.LastMessageID(ed.ID) + 1, "from": ed, "chat": chat, "date": 1}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	srv.AddUpdate(map[string]any{"message": msg(map[string]any{"sticker": map[string]any{
		"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": false, "is_video": false, "type": "regular"}})})
	h.waitSent(ed.ID, 2)
	srv.AddUpdate(map[string]any{"message": msg(map[string]any{"photo": []map[string]any{{
		"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}}})})
	h.waitSent(ed.ID, 3)
	srv.AddUpdate(map[string]any{"edited_message": msg(map[string]any{"message_id": 1, "text": "edited text", "edit_date": 2})})
	srv.AddUpdate(map[string]any{"channel_post": map[string]any{"message_id": 1, "chat": map[string]any{"id": -100555, "type": "channel", "title": "News"}, "date": 1, "text": "post"}})
	srv.AddUpdate(map[string]any{"poll": map[string]any{"id": "p", "question": "q", "options": []any{}, "total_voter_count": 0,
		"is_closed": true, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}})
	srv.AddUpdate(map[string]any{"business_message": map[string]any{"message_id": 1, "chat": chat, "date": 1, "text": "new type"}})
	grp := telegramtest.SupergroupChat(-100888, "Neighbours")
	srv.AddUpdate(map[string]any{"chat_member": map[string]any{"chat": grp, "from": ed, "date": 1,
		"old_chat_member": map[string]any{"status": "left", "user": ed}, "new_chat_member": map[string]any{"status": "member", "user": ed}}})
	qid := srv.SendInlineQuery(ed, "courier scam")
	h.settle()
	sent := srv.SentTo(ed.ID)
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want welcome and two 'tell me in words':%s", len(sent), texts(sent))
	}
	for _, m := range sent[1:] {
		if !strings.Contains(m.Text, "in words") {
			t.Errorf("reply to media = %q, want a calm 'tell me in words'", m.Text)
		}
	}
	if ans := srv.InlineAnswers(); len(ans) != 1 || ans[0].QueryID != qid || len(ans[0].Results) != 0 {
		t.Errorf("inline answers = %+v, want one empty answer to %s", ans, qid)
	}
	for typ, want := range map[string]float64{"edited_message": 1, "channel_post": 1, "poll": 1, "unknown": 1, "chat_member": 1, "inline_query": 1} {
		if got := h.metric("scambot_telegram_updates_total", "type", typ); got != want {
			t.Errorf("updates{type=%s} = %v, want %v", typ, got, want)
		}
	}
	h.checkLogs("edited text", "courier scam", "9090")
}

// TestServeDuplicateUpdate: an update delivered again is processed once.
func TestServeDuplicateUpdate(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	fi := user(1212, "Fi", "zh")
	chat := telegramtest.PrivateChat(fi)
	id := srv.SendText(chat, fi, "/hotlines")
	h.waitSent(fi.ID, 1)
	h.settle()
	srv.DuplicateUpdate(id)
	srv.SendText(chat, fi, "/help")
	h.waitSent(fi.ID, 2)
	h.settle()
	if sent := srv.SentTo(fi.ID); len(sent) != 2 {
		t.Errorf("sent %d messages, want 2 (the duplicate skipped):%s", len(sent), texts(sent))
	}
	if n := h.metric("scambot_telegram_duplicate_updates_total"); n != 1 {
		t.Errorf("duplicates = %v, want 1", n)
	}
}

// TestServeForgetAndPreferences: an idle conversation expires (its old
// buttons are stale); /lang and /region are kept as preferences and apply
// to a new conversation after the old one is deleted; /forget deletes
// everything and confirms.
func TestServeForgetAndPreferences(t *testing.T) {
	srv := telegramtest.NewServer(t)
	clock := newOffsetClock()
	tune := unlimited(fastTuning())
	tune.telegram.Now = clock.Now
	cfg := testConfig(t, srv, t.TempDir())
	h := startServe(t, srv, cfg, tune)
	gu := user(3434, "Gu", "zh")
	chat := telegramtest.PrivateChat(gu)

	srv.SendText(chat, gu, "/check")
	q := h.waitSent(gu.ID, 1)[0]
	clock.Advance(cfg.SessionTTL + time.Minute)
	srv.PressButton(chat, gu, q.MessageID, answerFor(t, callbackData(q.ReplyMarkup)))
	sent := h.waitSent(gu.ID, 3)
	if !strings.Contains(sent[1].Text, "之前的") || strings.Contains(sent[2].Text, "第 2 题") {
		t.Errorf("a button pressed after the session expired:%s\nwant 'stale' and a fresh start", texts(sent[1:]))
	}

	srv.SendText(chat, gu, "/lang en")
	srv.SendText(chat, gu, "/region HK")
	h.waitSent(gu.ID, 5)
	h.settle()
	expireSessions(t, cfg.DB, cfg.SessionTTL) // the conversation is gone, the preferences stay
	srv.SendText(chat, gu, "/hotlines")
	m := h.waitSent(gu.ID, 6)[5]
	if !strings.Contains(m.Text, "Hong Kong") || !strings.Contains(m.Text, "Help lines") {
		t.Errorf("hotlines in a new conversation = %q, want English and Hong Kong", m.Text)
	}

	srv.SendText(chat, gu, "/forget")
	m = h.waitSent(gu.ID, 7)[6]
	if !strings.Contains(m.Text, "deleted everything") {
		t.Errorf("reply to /forget = %q", m.Text)
	}
	srv.SendText(chat, gu, "/hotlines")
	m = h.waitSent(gu.ID, 8)[7]
	if strings.Contains(m.Text, "Hong Kong") || strings.Contains(m.Text, "Help lines") {
		t.Errorf("hotlines after /forget = %q, want the defaults (Chinese, CN)", m.Text)
	}
}

// TestServeFloodControl: over 20 messages a minute, one "slow down", then
// silence; every update is still confirmed.
func TestServeFloodControl(t *testing.T) {
	srv := telegramtest.NewServer(t)
	tune := fastTuning()
	tune.telegram.Limits = unlimited(tune).telegram.Limits
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), tune)
	ha := user(5656, "Ha", "en")
	chat := telegramtest.PrivateChat(ha)
	for i := 0; i < 30; i++ {
		srv.SendText(chat, ha, "/help")
	}
	h.settle()
	sent := srv.SentTo(ha.ID)
	slow := 0
	for _, m := range sent {
		if strings.Contains(m.Text, "slow") || strings.Contains(m.Text, "a lot of messages") {
			slow++
		}
	}
	if len(sent) != 21 || slow != 1 {
		t.Errorf("sent %d messages (%d 'slow down'), want 20 answers and one 'slow down'", len(sent), slow)
	}
	if n := h.metric("scambot_telegram_throttled_updates_total"); n != 10 {
		t.Errorf("throttled = %v, want 10", n)
	}
}

// TestServeOps: health, readiness and metrics over HTTP.
func TestServeOps(t *testing.T) {
	srv := telegramtest.NewServer(t)
	h := startServe(t, srv, testConfig(t, srv, t.TempDir()), unlimited(fastTuning()))
	get := func(path string) (int, string) {
		resp, err := srv.Client().Get("http://" + h.addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	ia := user(7878, "Ia", "zh")
	srv.SendText(telegramtest.PrivateChat(ia), ia, courierText)
	h.settle()
	code, body := get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`scambot_telegram_updates_total{content="text",type="message"} 1`,
		`scambot_telegram_replies_total{kind="urgent"} 1`,
		`scambot_assessments_total{level="critical"} 1`,
		`scambot_telegram_send_duration_seconds_bucket{method="sendMessage"`,
		`scambot_outbox_depth 0`,
		`scambot_conversations_active 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	h.stop()
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(h.logs.String()), "\n") {
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Errorf("log line is not JSON: %q", l)
		}
	}
}

// TestServeFieldReport: after a result, a user reports the scam; the story
// is stored masked for moderators, and over the daily limit the thanks
// become a polite refusal.
func TestServeFieldReport(t *testing.T) {
	srv := telegramtest.NewServer(t)
	cfg := testConfig(t, srv, t.TempDir())
	h := startServe(t, srv, cfg, unlimited(fastTuning()))
	ro := user(8888, "Ro", "zh")
	chat := telegramtest.PrivateChat(ro)
	for i := range 6 {
		srv.SendText(chat, ro, courierText)
		h.settle()
		sent := srv.SentTo(ro.ID)
		res := sent[len(sent)-1]
		srv.PressButton(chat, ro, res.MessageID, buttonWith(t, callbackData(res.ReplyMarkup), "report"))
		h.settle()
		srv.SendText(chat, ro, "对方电话13812345678，自称快递客服，让我借钱刷流水")
		h.settle()
		sent = srv.SentTo(ro.ID)
		ask := sent[len(sent)-1]
		srv.PressButton(chat, ro, ask.MessageID, buttonWith(t, callbackData(ask.ReplyMarkup), "skip"))
		h.settle()
		sent = srv.SentTo(ro.ID)
		last := sent[len(sent)-1].Text
		if i < 5 && !strings.Contains(last, "谢谢") || i == 5 && !strings.Contains(last, "明天") {
			t.Errorf("reply to report %d = %q", i+1, last)
		}
	}
	h.stop()
	db, err := sqlite.Open(ctxFor(t, 10*time.Second), cfg.DB, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reports, err := db.Reports(ctxFor(t, 10*time.Second), sqlite.ReportPending, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 5 {
		t.Fatalf("%d reports stored, want 5 (the sixth over the limit)", len(reports))
	}
	r := reports[0]
	if strings.Contains(r.Text, "13812345678") || r.Category == "" || r.Lang != "zh" || r.UserHash == "" {
		t.Errorf("stored report = %+v, want it masked, with a category, language and user hash", r)
	}
	h.checkLogs("13812345678", "8888")
}
