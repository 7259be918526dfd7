package conversation_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
)

func TestReportFlow(t *testing.T) {
	b := newBot(t)
	o := b.Step(conversation.State{}, text("快递客服说我芝麻信用分太低，让我在借呗借钱刷流水，再买当当礼品卡"))
	var report string
	for _, r := range o.Replies {
		for _, c := range r.Choices {
			if c.ID == conversation.ChoiceReport {
				report = c.ID
			}
		}
	}
	if report == "" {
		t.Fatalf("no report button after a critical result: %+v", o.Replies)
	}
	o = b.Step(o.State, choose(report))
	if o.State.Phase != conversation.PhaseReportText || !strings.Contains(o.Replies[0].Text, "遮住") {
		t.Fatalf("report consent: phase %q, reply %q", o.State.Phase, o.Replies[0].Text)
	}
	o = b.Step(o.State, text("他打138 1234 5678找我，说是顺丰客服，让我把钱转到6222 0212 3456 7890 123，我叫王小明"))
	if o.Report != nil || o.State.Phase != conversation.PhaseReportEvidence {
		t.Fatalf("after the story: phase %q report %+v, want the evidence question", o.State.Phase, o.Report)
	}
	o = b.Step(o.State, text("骗子的号码 13812345678"))
	r := o.Report
	if r == nil {
		t.Fatal("no report after the evidence")
	}
	for _, leak := range []string{"1234 5678", "6222", "王小明"} {
		if strings.Contains(r.Text, leak) {
			t.Errorf("report text keeps %q: %q", leak, r.Text)
		}
	}
	if r.Evidence != "骗子的号码 13812345678" || r.Category == bot.CategoryNone || r.Script == "" || len(r.Signals) == 0 {
		t.Errorf("report = %+v", r)
	}
	if o.State.ReportText != "" || o.State.Phase != conversation.PhaseResult {
		t.Errorf("the draft stays in the state: %+v", o.State)
	}
	// Cancel and skip.
	o2 := b.Step(o.State, choose(conversation.ChoiceReport))
	o2 = b.Step(o2.State, choose(conversation.ChoiceCancel))
	if o2.Report != nil || o2.State.Phase != conversation.PhaseResult {
		t.Errorf("cancel: %+v", o2)
	}
	o3 := b.Step(o.State, choose(conversation.ChoiceReport))
	o3 = b.Step(o3.State, text("courier said my credit was too low"))
	o3 = b.Step(o3.State, choose(conversation.ChoiceSkip))
	if o3.Report == nil || o3.Report.Evidence != "" {
		t.Errorf("skip evidence: %+v", o3.Report)
	}
	// A report button pressed with no result behind it is stale.
	o4 := b.Step(conversation.State{}, choose(conversation.ChoiceReport))
	if o4.State.Phase == conversation.PhaseReportText {
		t.Error("a forged report button started a report")
	}
}

func TestSearchCards(t *testing.T) {
	b := newBot(t)
	for _, tc := range []struct {
		q    string
		want string
	}{
		{"courier", "courier-"}, {"刷流水", ""}, {"快递", "courier-"}, {"gift card", "gift-card"}, {"", ""},
	} {
		cards := conversation.SearchCards(b.Engine(), tc.q, "", 50)
		if len(cards) == 0 || len(cards) > 50 {
			t.Errorf("SearchCards(%q): %d cards", tc.q, len(cards))
			continue
		}
		if tc.want != "" && !strings.HasPrefix(cards[0].Script, tc.want) {
			t.Errorf("SearchCards(%q)[0] = %s, want %s*", tc.q, cards[0].Script, tc.want)
		}
		for _, c := range cards {
			if len(c.Payload) > 64 || c.Text == "" || len([]rune(c.Text)) > 360 {
				t.Errorf("card %s: payload %q (%d), text %d characters", c.Script, c.Payload, len(c.Payload), len([]rune(c.Text)))
			}
		}
	}
	if cards := conversation.SearchCards(b.Engine(), "zzzqqq", "", 50); len(cards) != 0 {
		t.Errorf("nonsense query matched %d cards", len(cards))
	}
}

func TestWatchVerdict(t *testing.T) {
	b := newBot(t)
	for _, tc := range []struct {
		text string
		warn bool
	}{
		{"招日结兼职，在家点赞视频一单返佣5元，先垫付做任务，加vx详聊", true},
		{"需要提升芝麻信用分的找我，帮你刷流水，借呗额度秒提", true},
		{"Part time job: like TikTok videos and earn commission daily, top up first to unlock merchant tasks, DM me on Telegram", true},
		{"明天几点集合？我带水果", false},
		{"小区快递柜满了，我的包裹放在驿站了", false},
		{"Anyone know a good dentist near Tampines?", false},
	} {
		r, warn := conversation.WatchVerdict(b.Engine(), tc.text, "")
		if warn != tc.warn {
			t.Errorf("WatchVerdict(%q) = %v, want %v", tc.text, warn, tc.warn)
			continue
		}
		if warn && (strings.Contains(r.Text, "vx") || strings.Contains(r.Text, "TikTok") || len(r.Choices) != 1) {
			t.Errorf("warning %q quotes the message or lacks its button", r.Text)
		}
	}
}

// TestCardsReadWell: every script's card, in both languages, is short and
// its summary is either a whole sentence or cut where a reader would pause
// (a comma or, in English, between words), never in the middle of a word.
func TestCardsReadWell(t *testing.T) {
	b := newBot(t)
	cat := b.Engine().Catalogue()
	for _, s := range cat.Scripts {
		for _, lang := range []bot.Lang{bot.ZH, bot.EN} {
			card := conversation.CardText(cat, s, lang)
			if n := len([]rune(card)); n > 360 {
				t.Errorf("%s/%s: card of %d characters", s.ID, lang, n)
			}
			summary := s.Summary.Get(lang)
			i := strings.Index(card, "…")
			if i < 0 {
				continue
			}
			// The text before the ellipsis is a prefix of the summary,
			// and the summary goes on with a pause or a space there.
			line := card[strings.LastIndex(card[:i], "\n")+1 : i]
			rest, ok := strings.CutPrefix(summary, line)
			if !ok {
				t.Errorf("%s/%s: %q is not the start of the summary", s.ID, lang, line)
				continue
			}
			if r, _ := utf8.DecodeRuneInString(rest); !strings.ContainsRune(" ，、,：:", r) {
				t.Errorf("%s/%s: summary cut mid-phrase: %q|%q", s.ID, lang, line, rest)
			}
		}
	}
}
