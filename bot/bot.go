package bot

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"
)

// Lang is a user-facing language. Every user-facing text exists in each Lang
// of Langs.
type Lang string

// The languages scambot speaks.
const (
	ZH Lang = "zh" // Simplified Chinese (Traditional input is understood)
	EN Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{ZH, EN}

// ParseLang maps a language tag ("zh", "zh-Hant-TW", "en-GB", "EN") to a
// supported Lang. It reports false for tags it does not support.
func ParseLang(tag string) (Lang, bool) {
	if len(tag) < 2 {
		return "", false
	}
	switch lower2(tag) {
	case "zh":
		return ZH, true
	case "en":
		return EN, true
	}
	return "", false
}

func lower2(s string) string {
	b := [2]byte{s[0] | 0x20, s[1] | 0x20}
	if len(s) > 2 && s[2] != '-' && s[2] != '_' {
		return ""
	}
	return string(b[:])
}

// L10n is a text in every supported language.
type L10n struct {
	ZH string `yaml:"zh" json:"zh"`
	EN string `yaml:"en" json:"en"`
}

// Get returns the text in lang, falling back to Chinese then English.
func (t L10n) Get(lang Lang) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	if t.ZH != "" {
		return t.ZH
	}
	return t.EN
}

// Level is how dangerous a situation looks. The zero value is Low.
type Level int

// Levels, in increasing order of danger.
const (
	Low Level = iota
	Medium
	High
	Critical
)

var levelNames = [...]string{"low", "medium", "high", "critical"}

// String returns "low", "medium", "high" or "critical".
func (l Level) String() string {
	if l < Low || l > Critical {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel parses the names String returns.
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return Low, false
}

// MarshalText encodes the level as its name.
func (l Level) MarshalText() ([]byte, error) {
	if l < Low || l > Critical {
		return nil, fmt.Errorf("invalid level %d", int(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText decodes a level name.
func (l *Level) UnmarshalText(b []byte) error {
	v, ok := ParseLevel(string(b))
	if !ok {
		return fmt.Errorf("unknown level %q (want low, medium, high or critical)", b)
	}
	*l = v
	return nil
}

// Category is a scam pattern from CONTRACTS.md. Every scam script belongs to
// exactly one; an assessment with no pattern has CategoryNone.
type Category string

// The categories fixed by CONTRACTS.md.
const (
	CategoryNone                 Category = "none"
	FakeCourierCompensation      Category = "fake_courier_compensation"
	FakeEcommerceRefund          Category = "fake_ecommerce_refund"
	CreditScoreRunningWater      Category = "credit_score_running_water"
	GiftCardPayment              Category = "gift_card_payment"
	FakePoliceSafeAccount        Category = "fake_police_safe_account"
	LoanFeeScam                  Category = "loan_fee_scam"
	InvestmentPigButchering      Category = "investment_pig_butchering"
	ImpersonateBossOrFriend      Category = "impersonate_boss_or_friend"
	CancelCampusLoanOrMembership Category = "cancel_campus_loan_or_membership"
	OrderBrushingTask            Category = "order_brushing_task"
	GameAccountTrade             Category = "game_account_trade"
	ScreenShareRemoteControl     Category = "screen_share_remote_control"
	FakeBankOrCardUpgrade        Category = "fake_bank_or_card_upgrade"
	PhishingLinkOrCode           Category = "phishing_link_or_code"
	OtherScam                    Category = "other_scam"
)

// Categories lists every scam category (not CategoryNone) in CONTRACTS.md order.
var Categories = []Category{
	FakeCourierCompensation, FakeEcommerceRefund, CreditScoreRunningWater, GiftCardPayment,
	FakePoliceSafeAccount, LoanFeeScam, InvestmentPigButchering, ImpersonateBossOrFriend,
	CancelCampusLoanOrMembership, OrderBrushingTask, GameAccountTrade, ScreenShareRemoteControl,
	FakeBankOrCardUpgrade, PhishingLinkOrCode, OtherScam,
}

// Valid reports whether c is a scam category of CONTRACTS.md or CategoryNone.
func (c Category) Valid() bool {
	if c == CategoryNone {
		return true
	}
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// IsStep reports whether c names a step that many scams share (a low credit
// score, gift cards, screen sharing, a link or code) rather than a pretext.
// CONTRACTS.md: the category is the pretext's when the story tells it, and
// the step's only when the story starts there.
func (c Category) IsStep() bool {
	switch c {
	case CreditScoreRunningWater, GiftCardPayment, ScreenShareRemoteControl, PhishingLinkOrCode:
		return true
	}
	return false
}

// SignalID names a signal of the catalogue's shared vocabulary, such as
// "asks_to_borrow". Signals are defined once, in content/signals.yaml.
type SignalID string

// Source says where a signal came from.
type Source string

// Signal sources, as CONTRACTS.md names them.
const (
	FromAnswer Source = "answer" // a checklist answer
	FromText   Source = "text"   // the deterministic reading of free text
	FromModel  Source = "model"  // the optional model; evidence is a substring of the user's text
)

// Text is something a user wrote. It is never logged: its LogValue is its
// length in characters.
type Text string

// LogValue reports only the length, so a careless log call leaks nothing.
func (t Text) LogValue() slog.Value {
	return slog.IntValue(utf8.RuneCountInString(string(t)))
}

// MarshalJSON keeps Text an ordinary JSON string.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(string(t)) }

// EventKind says what a user did.
type EventKind int

// Event kinds.
const (
	EventText    EventKind = iota // free text
	EventChoice                   // a button or numbered choice
	EventCommand                  // a command such as /start or /check
)

// An Event is one thing a user did, as the core sees it.
type Event struct {
	Kind EventKind
	// Text is the free text for EventText.
	Text Text
	// Choice is the Choice.ID the user picked, for EventChoice.
	Choice string
	// Command is the command name without "/" ("start", "check"), and Args
	// what followed it, for EventCommand.
	Command string
	Args    string
	// Extra are signals another reader (the optional model) found in Text,
	// each with evidence from it. They can only add to what the core reads.
	Extra []SignalHit
	// Time is when it happened; the core has no clock of its own.
	Time time.Time
	// Lang is the platform's hint of the user's language; empty if unknown.
	Lang Lang
}

// ReplyKind tells adapters how to present a Reply.
type ReplyKind int

// Reply kinds.
const (
	ReplyMessage  ReplyKind = iota // plain information
	ReplyUrgent                    // "hang up, do not transfer": deliver first and fast
	ReplyQuestion                  // a checklist question; adapters may edit the previous question in place
	ReplyResult                    // an assessment result
)

// A Reply is one message for the user. Text is plain text: adapters must not
// interpret it as markup.
type Reply struct {
	Kind    ReplyKind
	Text    string
	Choices []Choice
	// Level is set on ReplyResult and ReplyUrgent.
	Level Level
	// Share is the script id of a warning card the user may forward, if any.
	Share string
}

// A Choice is an option offered with a reply. ID is short, ASCII and stable:
// the core accepts it back in Event.Choice.
type Choice struct {
	ID    string
	Label string
	// Row groups choices into rows for platforms with keyboards; choices with
	// the same Row share a line.
	Row int
}
