package bot

// An Assessment is the risk engine's verdict on a situation. It marshals to
// the `assess --json` object of CONTRACTS.md.
type Assessment struct {
	Score    int      `json:"score"` // 0 to 100
	Level    Level    `json:"level"`
	Category Category `json:"category"`
	Lang     Lang     `json:"lang"`
	Region   string   `json:"region"`
	// Scripts are the catalogue scripts that fit, best first.
	Scripts []ScriptScore `json:"scripts"`
	// Signals are the signals found, in vocabulary order.
	Signals []SignalHit `json:"signals"`
	// Reasons explain the score: each names the script and signal.
	Reasons []Reason `json:"reasons"`
	// Stage is how far the top script has got, when one fits.
	Stage *Stage `json:"stage,omitempty"`
	// Advice is what to do now, the most urgent step first.
	Advice []string `json:"advice"`
	// Hotlines are the numbers to call, the most urgent first.
	Hotlines []Hotline `json:"hotlines"`
	// Organisation is the company the caller claimed to be, when known.
	Organisation string `json:"organisation,omitempty"`
	// Claimed is who the caller claimed to be (a pretext signal such as
	// claims_courier), when the story tells it.
	Claimed SignalID `json:"claimed,omitempty"`
	// Entities are the apps, loan products, gift cards and companies named
	// in the text, each once, in text order.
	Entities []Entity `json:"entities,omitempty"`
	// Amounts are the sums of money in the text as written ("10w", "¥3,000").
	Amounts []string `json:"amounts,omitempty"`
	// Loss reports that money, a loan or codes have already moved.
	Loss bool `json:"loss"`
}

// ScriptScore is how well one scam script fits.
type ScriptScore struct {
	ID       string   `json:"id"`
	Category Category `json:"category"`
	Score    int      `json:"score"`
}

// SignalHit is one signal found, with where it came from.
type SignalHit struct {
	ID     SignalID `json:"id"`
	Source Source   `json:"source"`
	// Evidence is the user's own words (a substring of their text) for text
	// and model signals, or the answer's label for answer signals.
	Evidence string `json:"evidence"`
}

// Reason is one thing that drove the score.
type Reason struct {
	Script   string   `json:"script"`
	Signal   SignalID `json:"signal"`
	Text     string   `json:"text"`
	Evidence string   `json:"evidence,omitempty"`
}

// Stage locates the user in the top script's story.
type Stage struct {
	Script string `json:"script"`
	Index  int    `json:"index"` // 0-based
	Count  int    `json:"count"`
	Title  string `json:"title"`
	// Next is what the scammer will ask next, if the story goes on.
	Next string `json:"next,omitempty"`
}

// Hotline is a number (or, where no number is verified, an official app or
// site) to contact.
type Hotline struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name"`
	Number string `json:"number,omitempty"`
	// Where is an official app's help centre or a website, when there is no
	// verified number.
	Where   string `json:"where,omitempty"`
	Purpose string `json:"purpose,omitempty"`
}

// An Entity is something named in the user's text.
type Entity struct {
	// Kind is "app", "loan", "giftcard" or "org".
	Kind string `json:"kind"`
	// ID is the catalogue's id for it when it has one (an organisation id).
	ID string `json:"id,omitempty"`
	// Text is the user's own word for it.
	Text string `json:"text"`
}
