package conversation_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func newBot(t testing.TB) *conversation.Bot {
	t.Helper()
	cat, err := catalogue.LoadEmbedded()
	if err != nil {
		t.Fatalf("load catalogue: %v", err)
	}
	return conversation.New(engine.New(cat))
}

func text(s string) bot.Event    { return bot.Event{Kind: bot.EventText, Text: bot.Text(s), Time: t0} }
func choose(id string) bot.Event { return bot.Event{Kind: bot.EventChoice, Choice: id, Time: t0} }
func cmd(c, args string) bot.Event {
	return bot.Event{Kind: bot.EventCommand, Command: c, Args: args, Time: t0}
}

// lastQuestion returns the question reply of an outcome, failing if none.
func lastQuestion(t *testing.T, o conversation.Outcome) bot.Reply {
	t.Helper()
	for i := len(o.Replies) - 1; i >= 0; i-- {
		if o.Replies[i].Kind == bot.ReplyQuestion {
			return o.Replies[i]
		}
	}
	t.Fatalf("no question in replies: %+v", o.Replies)
	return bot.Reply{}
}

// pick returns the id of the choice whose id ends with ":"+answer.
func pick(t *testing.T, r bot.Reply, answer string) string {
	t.Helper()
	for _, c := range r.Choices {
		if strings.HasSuffix(c.ID, ":"+answer) {
			return c.ID
		}
	}
	t.Fatalf("no answer %q in %q (choices %+v)", answer, r.Text, r.Choices)
	return ""
}

func result(o conversation.Outcome) *bot.Reply {
	for i := range o.Replies {
		if o.Replies[i].Kind == bot.ReplyResult {
			return &o.Replies[i]
		}
	}
	return nil
}

// answerUntil answers every question with the answer the table gives for
// its id ("unsure" otherwise) until a result appears.
func answerUntil(t *testing.T, b *conversation.Bot, st conversation.State, o conversation.Outcome, answers map[string]string) (conversation.State, conversation.Outcome) {
	t.Helper()
	for i := 0; i < 20; i++ {
		if result(o) != nil {
			return st, o
		}
		q := lastQuestion(t, o)
		a := answers[st.Current]
		if a == "" {
			a = "unsure"
		}
		o = b.Step(st, choose(pick(t, q, a)))
		st = o.State
	}
	t.Fatal("no result after 20 answers")
	return st, o
}

func TestChecklistToCritical(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, cmd("check", ""))
	st := o.State
	if q := lastQuestion(t, o); !strings.Contains(q.Text, "是谁联系的你") {
		t.Fatalf("first question = %q, want who contacted you", q.Text)
	}
	st, o = answerUntil(t, b, st, o, map[string]string{
		"who": "courier", "ask": "compensation", "knew": "yes", "offplat": "chat",
		"credit": "both", "cards": "account", "already": "borrowed",
	})
	r := result(o)
	if r.Level != bot.Critical {
		t.Fatalf("level = %v, want critical\n%s", r.Level, r.Text)
	}
	if o.Result == nil || o.Result.Category != bot.FakeCourierCompensation {
		t.Fatalf("category = %v, want %v", o.Result.Category, bot.FakeCourierCompensation)
	}
	if !strings.Contains(r.Text, "110") || !strings.Contains(r.Text, "96110") {
		t.Errorf("critical result must give 110 and 96110:\n%s", r.Text)
	}
	if st.Phase != conversation.PhaseResult {
		t.Errorf("phase = %q, want result", st.Phase)
	}
	if o.Replies[0].Kind != bot.ReplyUrgent {
		t.Errorf("first reply kind = %v, want the urgent warning first", o.Replies[0].Kind)
	}
}

func TestChecklistLow(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{Lang: bot.EN, LangSet: true}, cmd("check", ""))
	_, o = answerUntil(t, b, o.State, o, map[string]string{
		"who": "courier", "ask": "other", "knew": "no", "offplat": "no", "credit": "no", "cards": "no",
		"screen": "no", "code": "no", "safe": "no", "fee": "no", "invest": "no", "pressure": "no", "already": "no",
		"channel": "call",
	})
	if r := result(o); r == nil || r.Level != bot.Low {
		t.Fatalf("result = %+v, want low", r)
	}
	if !strings.Contains(result(o).Text, "Low risk") {
		t.Errorf("English result expected:\n%s", result(o).Text)
	}
}

func TestTextPrefillsAndWarnsFirst(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, text("快递客服说我芝麻信用分太低赔款打不进来，让我在借呗借钱刷流水"))
	if len(o.Replies) == 0 || o.Replies[0].Kind != bot.ReplyUrgent {
		t.Fatalf("first reply = %+v, want the urgent warning", o.Replies)
	}
	if !strings.Contains(o.Replies[0].Text, "挂断") {
		t.Errorf("urgent reply %q must say hang up", o.Replies[0].Text)
	}
	if o.State.Lang != bot.ZH {
		t.Errorf("lang = %q, want zh detected", o.State.Lang)
	}
	var understood string
	for _, r := range o.Replies {
		if strings.HasPrefix(r.Text, "我从你的话里看到") {
			understood = r.Text
		}
	}
	for _, want := range []string{"快递", "借钱", "信用分"} {
		if !strings.Contains(understood, want) {
			t.Errorf("understood message lacks %q:\n%s", want, understood)
		}
	}
	// The text answered the credit question: it must not be asked again.
	for _, r := range o.Replies {
		if r.Kind == bot.ReplyQuestion && strings.Contains(r.Text, "信用分") {
			t.Errorf("asked again what the text said: %q", r.Text)
		}
	}
}

func TestCorrectAnInferredAnswer(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{Lang: bot.EN, LangSet: true}, text("The courier customer service offered me double compensation for my lost parcel"))
	st := o.State
	o = b.Step(st, choose("fix"))
	var fixWho string
	for _, r := range o.Replies {
		for _, c := range r.Choices {
			if c.ID == "fix:who" {
				fixWho = c.ID
			}
		}
	}
	if fixWho == "" {
		t.Fatalf("no way to correct who contacted: %+v", o.Replies)
	}
	o = b.Step(o.State, choose(fixWho))
	q := lastQuestion(t, o)
	o = b.Step(o.State, choose(pick(t, q, "bank")))
	if o.State.Answers["who"] != "bank" {
		t.Fatalf("answers = %v, want who=bank", o.State.Answers)
	}
	var sc engine.Scratch
	a := b.Engine().Assess(&sc, engine.Input{Answers: o.State.Answers, Known: o.State.Signals, Lang: bot.EN})
	for _, s := range a.Signals {
		if s.ID == "claims_courier" {
			t.Errorf("claims_courier survives the user's correction: %+v", a.Signals)
		}
	}
}

func TestBackChangesAnswer(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, cmd("check", ""))
	o = b.Step(o.State, choose(pick(t, lastQuestion(t, o), "courier")))
	o = b.Step(o.State, choose("back"))
	if o.State.Current != "who" || o.State.Answers["who"] != "" {
		t.Fatalf("after back: current %q answers %v, want who unanswered", o.State.Current, o.State.Answers)
	}
	o = b.Step(o.State, choose(pick(t, lastQuestion(t, o), "bank")))
	if o.State.Answers["who"] != "bank" || len(o.State.Asked) != 1 {
		t.Fatalf("answers %v asked %v, want who=bank once", o.State.Answers, o.State.Asked)
	}
}

func TestStaleAndForgedChoices(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, cmd("check", ""))
	first := pick(t, lastQuestion(t, o), "courier")
	o = b.Step(o.State, choose(first))
	before := o.State
	for _, id := range []string{first, "a:999:who:courier", "a:x:y", "a:1:nope:yes", "share:no-such-script", "region:XX", "lang:fr", "zzz", strings.Repeat("a", 500)} {
		o2 := b.Step(before, choose(id))
		if !strings.Contains(o2.Replies[0].Text, "之前的") {
			t.Errorf("choice %q: first reply %q, want the stale notice", id, o2.Replies[0].Text)
		}
		if len(o2.State.Answers) != len(before.Answers) {
			t.Errorf("choice %q changed the answers: %v", id, o2.State.Answers)
		}
		if o2.State.Current != before.Current {
			t.Errorf("choice %q moved the checklist from %q to %q", id, before.Current, o2.State.Current)
		}
	}
}

func TestStateRoundTripsThroughJSON(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, text("银行客服说我的信用卡要升级"))
	data, err := json.Marshal(o.State)
	if err != nil {
		t.Fatal(err)
	}
	var back conversation.State
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	q := lastQuestion(t, o)
	id := q.Choices[0].ID
	direct := b.Step(o.State, choose(id))
	restored := b.Step(back, choose(id))
	if len(direct.Replies) != len(restored.Replies) || direct.Replies[len(direct.Replies)-1].Text != restored.Replies[len(restored.Replies)-1].Text {
		t.Fatalf("a restored state answers differently:\n%+v\n%+v", direct.Replies, restored.Replies)
	}
}

func TestForget(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, text("有人让我把钱转到安全账户"))
	o = b.Step(o.State, cmd("forget", ""))
	if !o.Forget {
		t.Fatal("forget did not ask the adapter to delete")
	}
	if len(o.State.Signals) != 0 || len(o.State.Answers) != 0 || o.State.Region != "" {
		t.Fatalf("state after forget = %+v, want empty", o.State)
	}
}

func TestLongTextIsTruncatedCalmly(t *testing.T) {
	b := newBot(t)
	long := strings.Repeat("他让我借钱。", 2000)
	o := b.Step(conversation.State{}, text(long))
	found := false
	for _, r := range o.Replies {
		if strings.Contains(r.Text, "只看了前") {
			found = true
		}
	}
	if !found {
		t.Errorf("no notice that a %d-character message was truncated", len([]rune(long)))
	}
}

func TestCommands(t *testing.T) {
	b := newBot(t)
	for _, tc := range []struct {
		ev   bot.Event
		want string
	}{
		{cmd("help", ""), "/check"},
		{cmd("hotlines", ""), "96110"},
		{cmd("region", "hk"), "香港"},
		{cmd("lang", "en"), "English"},
		{cmd("start", "card-courier-compensation-credit-loop"), "快递"},
		{cmd("nonsense", ""), "/help"},
		{text("   "), "文字"},
	} {
		o := b.Step(conversation.State{}, tc.ev)
		var all []string
		for _, r := range o.Replies {
			all = append(all, r.Text)
		}
		if got := strings.Join(all, "\n"); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: replies %q lack %q", tc.ev, got, tc.want)
		}
	}
	o := b.Step(conversation.State{}, cmd("region", "HK"))
	o = b.Step(o.State, cmd("hotlines", ""))
	if !strings.Contains(o.Replies[0].Text, "18222") {
		t.Errorf("Hong Kong hotlines lack 18222: %q", o.Replies[0].Text)
	}
}

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bot.Lang
	}{
		{"他让我借钱", bot.ZH}, {"He told me to borrow", bot.EN}, {"顺丰 SF express 说赔偿", bot.ZH},
		{"ok", bot.EN}, {"123", bot.ZH}, {"他說要我去超商買點數卡", bot.ZH},
	} {
		if got := conversation.DetectLang(tc.in, ""); got != tc.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStateFromAnOlderCatalogue: a reload can remove a question, an answer,
// a signal or a script that stored conversations still name. The
// conversation forgets what is gone and goes on with a real question.
func TestStateFromAnOlderCatalogue(t *testing.T) {
	b := newBot(t)
	st := conversation.State{
		V: conversation.Version, Phase: conversation.PhaseChecklist, Current: "removed_question",
		Answers: map[string]string{"removed_question": "yes", "who": "no_such_answer"},
		Asked:   []string{"who", "removed_question"},
		Signals: []bot.SignalHit{{ID: "removed_signal", Evidence: "x", Source: bot.FromText}},
		Script:  "removed-script", Region: "ZZ", Seq: 3,
	}
	o := b.Step(st, choose("a:3:removed_question:yes"))
	q := lastQuestion(t, o)
	if o.State.Current == "" || o.State.Current == "removed_question" {
		t.Fatalf("current question %q after a stale choice, want a real one (%q)", o.State.Current, q.Text)
	}
	if len(o.State.Answers) != 0 || len(o.State.Asked) != 0 || len(o.State.Signals) != 0 || o.State.Script != "" || o.State.Region != "" {
		t.Fatalf("unknown names kept: %+v", o.State)
	}
	if st.Answers["removed_question"] != "yes" {
		t.Fatal("the caller's map was changed")
	}
}
