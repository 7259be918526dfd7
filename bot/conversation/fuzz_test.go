package conversation_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

// checkOutcome holds for every Step, whatever came in: replies have text,
// buttons fit Telegram's 64-byte callback data, and the state survives the
// trip through the database.
func checkOutcome(t *testing.T, o conversation.Outcome) {
	t.Helper()
	for _, r := range o.Replies {
		if strings.TrimSpace(r.Text) == "" {
			t.Fatalf("empty reply in %+v", o.Replies)
		}
		if !utf8.ValidString(r.Text) {
			t.Fatalf("reply is not valid UTF-8: %q", r.Text)
		}
		for _, c := range r.Choices {
			if c.ID == "" || len(c.ID) > 64 || c.Label == "" {
				t.Fatalf("bad choice %+v", c)
			}
		}
	}
	data, err := json.Marshal(o.State)
	if err != nil {
		t.Fatalf("state does not encode: %v", err)
	}
	var back conversation.State
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("state does not decode: %v", err)
	}
}

// event builds an event from fuzzed parts: kind picks what the user did.
func event(kind uint8, a, b string) bot.Event {
	switch kind % 4 {
	case 0:
		return bot.Event{Kind: bot.EventText, Text: bot.Text(a), Time: t0}
	case 1:
		return bot.Event{Kind: bot.EventChoice, Choice: a, Time: t0}
	case 2:
		return bot.Event{Kind: bot.EventCommand, Command: a, Args: b, Time: t0}
	default:
		// Signals from a model that does not play by the rules.
		return bot.Event{Kind: bot.EventText, Text: bot.Text(a), Time: t0,
			Extra: []bot.SignalHit{{ID: bot.SignalID(b), Evidence: b, Source: bot.FromModel}}}
	}
}

// FuzzStep feeds arbitrary button data, commands and text to conversations
// at every phase (fresh, mid-checklist, after a result, writing a report).
func FuzzStep(f *testing.F) {
	b := newBot(f)
	// Conversations at different phases, reached the way users reach them.
	starts := []conversation.State{{}}
	o := b.Step(conversation.State{}, cmd("check", ""))
	starts = append(starts, o.State)
	o = b.Step(conversation.State{}, text("快递客服说要理赔，让我在借呗借钱刷流水，再买当当卡"))
	starts = append(starts, o.State)
	o = b.Step(o.State, cmd("result", ""))
	starts = append(starts, o.State)
	o = b.Step(o.State, choose(conversation.ChoiceReport))
	starts = append(starts, o.State)
	for _, s := range []struct {
		kind uint8
		a, b string
	}{
		{1, "a:1:who:courier", ""}, {1, "a:999999999999:who:x", ""}, {1, "card-no-such", ""},
		{1, "region:HK", ""}, {1, "lang:xx", ""}, {1, strings.Repeat("é", 40), ""},
		{2, "start", "card-courier-compensation"}, {2, "start", strings.Repeat("x", 300)},
		{2, "region", "zz"}, {2, "lang", "en"}, {2, "", ""}, {0, strings.Repeat("借呗", 3000), ""},
		{3, "he asked for the code", "code_requested"}, {3, "hi", "no_such_signal"},
	} {
		f.Add(s.kind, s.a, s.b, uint8(0))
	}
	f.Fuzz(func(t *testing.T, kind uint8, a, bs string, at uint8) {
		st := starts[int(at)%len(starts)]
		o := b.Step(st, event(kind, a, bs))
		checkOutcome(t, o)
		// And the conversation goes on: a second event on the new state.
		checkOutcome(t, b.Step(o.State, event(kind+1, bs, a)))
	})
}

// FuzzState steps a stored state that is corrupt or from another version:
// the database is outside input too (a hand edit, a half-migrated row).
func FuzzState(f *testing.F) {
	b := newBot(f)
	o := b.Step(conversation.State{}, text("银行客服说我的信用卡要升级，让我报验证码"))
	good, _ := json.Marshal(o.State)
	f.Add(string(good), "a:1:who:bank")
	f.Add(`{"v":1,"phase":"checklist","current":"no_such_question","asked":["x","y"],"seq":-5}`, "back")
	f.Add(`{"v":1,"phase":"report_evidence","report_text":""}`, "skip")
	f.Add(`{"v":99,"answers":{"who":"???"}}`, "result")
	f.Add(`{"v":1,"signals":[{"id":"nope","evidence":"x"}],"level":"purple","region":"ZZ","lang":"xx"}`, "result")
	f.Fuzz(func(t *testing.T, js, choice string) {
		var st conversation.State
		if json.Unmarshal([]byte(js), &st) != nil {
			return
		}
		for _, ev := range []bot.Event{choose(choice), cmd(choice, ""), text(choice), cmd("back", ""), cmd("result", "")} {
			checkOutcome(t, b.Step(st, ev))
		}
	})
}
