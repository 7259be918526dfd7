package match

import (
	"fmt"
	"strings"
	"testing"
)

// testLexicon: signals 0 borrow, 1 code, 2 refund; terms 0 instruct, 1 loanapp.
func testLexicon(t testing.TB) *Lexicon {
	t.Helper()
	entries := []Entry{
		{"让我借钱", Signal, 0}, {"told me to borrow", Signal, 0},
		{"验证码", Signal, 1}, {"verification code", Signal, 1}, {"code", Signal, 1},
		{"召回", Signal, 2}, {"recall", Signal, 2},
		{"让我", Term, 0}, {"叫我", Term, 0}, {"told me to", Term, 0}, {"asked me to", Term, 0},
		{"借呗", Term, 1}, {"微粒贷", Term, 1}, {"jiebei", Term, 1}, {"loan app", Term, 1},
		{"没", Negator, 0}, {"没有", Negator, 0}, {"not", Negator, 0}, {"never", Negator, 0}, {"refused to", Negator, 0},
		{"没想到", NotNegator, 0}, {"不知道", NotNegator, 0},
		{"听说", Hearsay, 0}, {"heard about", Hearsay, 0}, {"told me about a scam", Hearsay, 0},
	}
	rules := []Rule{{Signal: 0, Terms: []int32{0, 1}, Within: 8}}
	lx, err := NewLexicon(entries, rules, 2)
	if err != nil {
		t.Fatal(err)
	}
	return lx
}

func describe(text string, fs []Found) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%d:%q", f.Signal, text[f.Start:f.End])
		if f.Negated {
			b.WriteString("!neg")
		}
		if f.Hearsay {
			b.WriteString("!hear")
		}
		if f.Rule >= 0 {
			b.WriteString("!rule")
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

func TestLexiconFind(t *testing.T) {
	lx := testLexicon(t)
	var sc Scratch
	for _, tc := range []struct{ text, want string }{
		{"他让我借钱", `0:"让我借钱"`},
		{"他没让我借钱", `0:"让我借钱"!neg`},
		{"没想到他让我借钱", `0:"让我借钱"`},
		{"He TOLD me to borrow on Jiebei", `0:"TOLD me to borrow" 0:"TOLD me to borrow on Jiebei"!rule`},
		{"he did not ask for a verification code", `1:"verification code"!neg 1:"code"!neg`},
		{"he never asked me for the code", `1:"code"!neg`},
		{"No. He asked for the code", `1:"code"`},
		{"I refused to give the code", `1:"code"!neg`},
		{"the task is a barcode", ``},
		{"叫我打开借呗看看额度", `0:"叫我打开借呗"!rule`},
		{"听说有人让我借钱的骗局。今天他叫我在微粒贷借", `0:"让我借钱"!hear 0:"叫我在微粒贷"!rule`},
		{"衣服印染不合格要召回", `2:"召回"`},
		{"They recalled my dress", `2:"recalled"`},
	} {
		got := describe(tc.text, lx.Find(&sc, tc.text))
		if got != tc.want {
			t.Errorf("Find(%q) = %s\nwant %s", tc.text, got, tc.want)
		}
	}
}

func TestLexiconRejectsPunctuation(t *testing.T) {
	if _, err := NewLexicon([]Entry{{"a, b", Signal, 0}}, nil, 0); err == nil {
		t.Fatal("NewLexicon accepted a phrase with a comma")
	}
	if _, err := NewLexicon([]Entry{{"!!", Signal, 0}}, nil, 0); err == nil {
		t.Fatal("NewLexicon accepted an empty phrase")
	}
}

// TestTimesAndLongNumbersAreNoAmounts: a rule that wants a sum of money
// must not fire on a delivery window, a date, a duration or a phone number.
func TestTimesAndLongNumbersAreNoAmounts(t *testing.T) {
	lx := testLexicon(t)
	var sc Scratch
	for text, want := range map[string]string{
		"courier comes between 2pm and 4pm":      "",
		"delivery at 14:30 or 9.15 am":           "",
		"明天下午3点到5点派送，12月8号":                      "",
		"wait 3 days, then 2 weeks":              "",
		"call 91234567 or 0123456789":            "",
		"he asked me to pay 3000 now":            "3000",
		"转了5000元，又转了$50":                         "5000元|$50",
		"RM 300 first, then 2 more transfers":    "RM 300",
		"2024年被骗了三万":                             "三万",
		"my OTP is 482913, he wants 500 dollars": "482913|500",
	} {
		lx.Find(&sc, text)
		var got []string
		for _, a := range sc.Amounts() {
			got = append(got, text[a.Start:a.End])
		}
		if strings.Join(got, "|") != want {
			t.Errorf("amounts in %q = %q, want %q", text, got, want)
		}
	}
}

func TestCountsAndRatesAreNoAmounts(t *testing.T) {
	lx := testLexicon(t)
	var sc Scratch
	for text, want := range map[string]string{
		"send him the 6-digit code":       "",
		"it shows 12% returns, 8 percent": "",
		"they pay back 3 times, $300":     "$300",
	} {
		lx.Find(&sc, text)
		var got []string
		for _, a := range sc.Amounts() {
			got = append(got, text[a.Start:a.End])
		}
		if strings.Join(got, "|") != want {
			t.Errorf("amounts in %q = %q, want %q", text, got, want)
		}
	}
}

func TestStemKeepsDoubleE(t *testing.T) {
	for in, want := range map[string]string{"payee": "payee", "payees": "payee", "employee": "employee", "fees": "fee", "transferred": "transfer", "shared": "shar", "pay": "pay"} {
		w := []rune(in)
		if got := string(w[:stem(w)]); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOrderedRule: an ordered rule wants its terms in the order given.
func TestOrderedRule(t *testing.T) {
	entries := []Entry{
		{"claiming to be", Term, 0}, {"mum", Term, 1}, {"post office", Term, 2},
	}
	rules := []Rule{
		{Signal: 0, Terms: []int32{0, 1}, Within: 6, Ordered: true},  // claims to be mum
		{Signal: 1, Terms: []int32{0, 2}, Within: 8, Ordered: true},  // claims to be the post office
		{Signal: 2, Terms: []int32{1, 0}, Within: 8, Ordered: false}, // any order
	}
	lx, err := NewLexicon(entries, rules, 3)
	if err != nil {
		t.Fatal(err)
	}
	var sc Scratch
	for text, want := range map[string]string{
		"a lady rang my mum claiming to be from the post office":                     `2:"mum claiming to be"!rule 1:"claiming to be from the post office"!rule`,
		"someone claiming to be my mum texted":                                       `0:"claiming to be my mum"!rule 2:"claiming to be my mum"!rule`,
		"claiming to be from the bank, then much later, after a long talk about mum": ``,
	} {
		if got := describe(text, lx.Find(&sc, text)); got != want {
			t.Errorf("Find(%q) = %s, want %s", text, got, want)
		}
	}
}
