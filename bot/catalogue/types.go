package catalogue

import (
	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/match"
)

// SignalKind classifies a signal.
type SignalKind string

// Signal kinds.
const (
	Pretext SignalKind = "pretext" // who they claimed to be, the hook
	Tactic  SignalKind = "tactic"  // what they did or asked
	Loss    SignalKind = "loss"    // money, loans or codes already moved
	Benign  SignalKind = "benign"  // a sign of the genuine situation
)

// Phrases are words in each language.
type Phrases struct {
	ZH []string `yaml:"zh"`
	EN []string `yaml:"en"`
}

// All returns the phrases of both languages.
func (p Phrases) All() []string { return append(append([]string(nil), p.ZH...), p.EN...) }

// A Near rule reveals a signal when all its parts occur close together.
type Near struct {
	// All lists the parts: "{term}" or literal alternatives "a|b|c".
	All    []string `yaml:"all" cat:"required"`
	Within int      `yaml:"within" cat:"required"`
	// Ordered: the parts must occur in the order written.
	Ordered bool `yaml:"ordered"`
	Line    int  `yaml:"-"`
}

// A Signal is one entry of the shared vocabulary (content/signals.yaml).
type Signal struct {
	ID        bot.SignalID `yaml:"id" cat:"required"`
	Kind      SignalKind   `yaml:"kind" cat:"required"`
	Strong    bool         `yaml:"strong"`
	Risk      float64      `yaml:"risk" cat:"required"`
	Label     bot.L10n     `yaml:"label" cat:"required"`
	Explain   bot.L10n     `yaml:"explain" cat:"required"`
	Checklist []string     `yaml:"checklist"`
	Phrases   Phrases      `yaml:"phrases"`
	Near      []Near       `yaml:"near"`
	// Neutralizes lists, for a benign signal, the look-alike signals it
	// explains away when read from the same text ("in the team meeting"
	// explains "share your screen").
	Neutralizes []bot.SignalID `yaml:"neutralizes"`
	// Ends marks a benign signal meaning the user already ended the contact
	// ("I hung up"): without money moved, the level stays at most medium.
	Ends bool `yaml:"ends"`
	// Settles marks a benign signal meaning the user checked with the real
	// organisation or person and learnt the truth ("the bank said it was
	// not them"): without money moved, the level stays low.
	Settles bool `yaml:"settles"`
	Line    int  `yaml:"-"`

	// Index is the signal's position in Catalogue.Signals.
	Index int `yaml:"-"`
	// NeutralIdx holds Neutralizes by signal index.
	NeutralIdx []int `yaml:"-"`
}

// A Term is a named set of words (content/terms.yaml).
type Term struct {
	ID     string   `yaml:"id" cat:"required"`
	Entity string   `yaml:"entity"`
	ZH     []string `yaml:"zh"`
	EN     []string `yaml:"en"`
	Line   int      `yaml:"-"`
}

type termFile struct {
	Terms []*Term `yaml:"terms" cat:"required"`
}

// A Question is one checklist question (content/checklist.yaml).
type Question struct {
	ID      string    `yaml:"id" cat:"required"`
	First   bool      `yaml:"first"`
	Urgent  bool      `yaml:"urgent"`
	Text    bot.L10n  `yaml:"text" cat:"required"`
	Answers []*Answer `yaml:"answers" cat:"required"`
	Line    int       `yaml:"-"`

	// Index is the question's position in Catalogue.Questions.
	Index int `yaml:"-"`
	// Governs lists the signals any of its answers set: answering the
	// question decides them, whatever free text said.
	Governs []int `yaml:"-"`
}

// Unsure is the id of the "not sure" answer every question offers.
const Unsure = "unsure"

// An Answer is one choice of a question.
type Answer struct {
	ID    string   `yaml:"id" cat:"required"`
	Label bot.L10n `yaml:"label" cat:"required"`
	Line  int      `yaml:"-"`

	// Signals are the indexes of the signals this answer means.
	Signals []int `yaml:"-"`
}

// Answer returns the answer with that id, or nil.
func (q *Question) Answer(id string) *Answer {
	for _, a := range q.Answers {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// A Script is one scam script (scripts/*.yaml).
type Script struct {
	ID            string          `yaml:"id" cat:"required"`
	Category      bot.Category    `yaml:"category" cat:"required"`
	Regions       []string        `yaml:"regions"`
	Title         bot.L10n        `yaml:"title" cat:"required"`
	Summary       bot.L10n        `yaml:"summary" cat:"required"`
	Anchors       []bot.SignalID  `yaml:"anchors" cat:"required"`
	Signals       []ScriptSignal  `yaml:"signals" cat:"required"`
	Phrases       []ScriptPhrases `yaml:"phrases"`
	Stages        []*Stage        `yaml:"stages" cat:"required"`
	Organisations []string        `yaml:"organisations"`
	Hotlines      []string        `yaml:"hotlines"`
	Samples       []Sample        `yaml:"samples" cat:"required"`
	Negatives     []Sample        `yaml:"negatives"`
	Line          int             `yaml:"-"`

	// Path is the file the script came from.
	Path string `yaml:"-"`
	// Weight holds the weight of every signal, by signal index (0 if the
	// script does not use it).
	Weight []float64 `yaml:"-"`
	// Anchor marks the anchor signals, by signal index.
	Anchor []bool `yaml:"-"`
}

// ScriptSignal is a signal a script uses, with its weight in (0, 1].
type ScriptSignal struct {
	ID     bot.SignalID `yaml:"id" cat:"required"`
	Weight float64      `yaml:"weight" cat:"required"`
	Line   int          `yaml:"-"`
}

// ScriptPhrases are extra phrases for one signal, specific to a script's
// wording. They reveal the signal in any text, like the shared ones.
type ScriptPhrases struct {
	Signal bot.SignalID `yaml:"signal" cat:"required"`
	ZH     []string     `yaml:"zh"`
	EN     []string     `yaml:"en"`
	Near   []Near       `yaml:"near"`
	Line   int          `yaml:"-"`
}

// A Stage is one step of the caller's story.
type Stage struct {
	ID      string         `yaml:"id" cat:"required"`
	Title   bot.L10n       `yaml:"title" cat:"required"`
	Says    bot.L10n       `yaml:"says" cat:"required"`
	Asks    bot.L10n       `yaml:"asks" cat:"required"`
	Advice  bot.L10n       `yaml:"advice" cat:"required"`
	Signals []bot.SignalID `yaml:"signals" cat:"required"`
	Line    int            `yaml:"-"`

	// Index holds the stage's signals by index.
	SignalIdx []int `yaml:"-"`
}

// A Sample is a narrative the engine must score: a positive sample at
// Level or above with the script's category, a negative at Level or below.
type Sample struct {
	Lang bot.Lang `yaml:"lang" cat:"required"`
	Text string   `yaml:"text" cat:"required"`
	// Level is the minimum for samples (default high) and the maximum for
	// negatives (default low).
	Level *bot.Level `yaml:"level"`
	// Category overrides the expected category of a positive sample.
	Category bot.Category `yaml:"category"`
	Line     int          `yaml:"-"`
}

// A Region is a place with its hotlines (content/hotlines.yaml).
type Region struct {
	Code    string    `yaml:"code" cat:"required"`
	Name    bot.L10n  `yaml:"name" cat:"required"`
	Numbers []*Number `yaml:"numbers" cat:"required"`
	Line    int       `yaml:"-"`
}

// A Number is a verified hotline.
type Number struct {
	ID      string   `yaml:"id" cat:"required"`
	Number  string   `yaml:"number"`
	URL     string   `yaml:"url"`
	Name    bot.L10n `yaml:"name" cat:"required"`
	Purpose bot.L10n `yaml:"purpose" cat:"required"`
	Kind    string   `yaml:"kind" cat:"required"`
	Sender  bool     `yaml:"sender"`
	Notes   string   `yaml:"notes"`
	Sources []string `yaml:"sources" cat:"required"`
	Checked string   `yaml:"checked" cat:"required"`
	Line    int      `yaml:"-"`

	// Region is the code of the region the number belongs to.
	Region string `yaml:"-"`
}

// An Organisation is a company scammers pretend to be, with its verified
// numbers or, where none is verified, its official app or site.
type Organisation struct {
	ID        string      `yaml:"id" cat:"required"`
	Name      bot.L10n    `yaml:"name" cat:"required"`
	Aliases   Phrases     `yaml:"aliases"`
	Kind      string      `yaml:"kind" cat:"required"`
	Region    string      `yaml:"region" cat:"required"`
	Numbers   []OrgNumber `yaml:"numbers"`
	AppOrSite bot.L10n    `yaml:"app_or_site"`
	Notes     string      `yaml:"notes"`
	Sources   []string    `yaml:"sources"`
	Checked   string      `yaml:"checked" cat:"required"`
	Line      int         `yaml:"-"`
}

// OrgNumber is one verified number of an organisation.
type OrgNumber struct {
	Number string   `yaml:"number" cat:"required"`
	Label  bot.L10n `yaml:"label" cat:"required"`
}

type hotlineFile struct {
	Regions       []*Region       `yaml:"regions" cat:"required"`
	Organisations []*Organisation `yaml:"organisations" cat:"required"`
	NotVerified   []struct {
		What string `yaml:"what" cat:"required"`
		Why  string `yaml:"why" cat:"required"`
	} `yaml:"not_verified"`
}

type signalFile struct {
	Signals []*Signal `yaml:"signals" cat:"required"`
}

type checklistFile struct {
	Questions []*Question `yaml:"questions" cat:"required"`
}

// A Catalogue is everything the engine and the conversation know: the
// signal vocabulary, the checklist, the scam scripts, the hotline directory
// and the user-facing messages, validated and compiled. It is immutable once
// loaded and safe for concurrent use.
type Catalogue struct {
	Signals       []*Signal
	Terms         []*Term
	Questions     []*Question
	Scripts       []*Script
	Regions       []*Region
	Organisations []*Organisation
	Messages      Messages
	// Hash is a hex SHA-256 over every file's path and content.
	Hash string
	// Lexicon finds every phrase, term and rule of the catalogue in text.
	Lexicon *match.Lexicon
	// Entries and Rules are what the lexicon was compiled from (kept for
	// benchmarks and diagnostics).
	Entries []match.Entry
	Rules   []match.Rule
	// TermEntity is the entity kind of each term ("" for none), by term
	// index; TermID its id ("org:sf-express" for an organisation alias).
	TermEntity []string
	TermID     []string

	signalByID map[bot.SignalID]int
	question   map[string]int
	script     map[string]int
	region     map[string]int
	org        map[string]int
	number     map[string]*Number
}

// Signal returns the index of a signal id, or -1.
func (c *Catalogue) Signal(id bot.SignalID) int {
	if i, ok := c.signalByID[id]; ok {
		return i
	}
	return -1
}

// Question returns a question by id, or nil.
func (c *Catalogue) Question(id string) *Question {
	if i, ok := c.question[id]; ok {
		return c.Questions[i]
	}
	return nil
}

// Script returns a script by id, or nil.
func (c *Catalogue) Script(id string) *Script {
	if i, ok := c.script[id]; ok {
		return c.Scripts[i]
	}
	return nil
}

// Region returns a region by code ("CN"), or nil.
func (c *Catalogue) Region(code string) *Region {
	if i, ok := c.region[code]; ok {
		return c.Regions[i]
	}
	return nil
}

// Organisation returns an organisation by id, or nil.
func (c *Catalogue) Organisation(id string) *Organisation {
	if i, ok := c.org[id]; ok {
		return c.Organisations[i]
	}
	return nil
}

// Number returns a regional hotline by id, or nil.
func (c *Catalogue) Number(id string) *Number { return c.number[id] }
