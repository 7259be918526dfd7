package telegram

import (
	"encoding/json"
	"fmt"

	"github.com/scambot/scambot/bot"
)

// A payload is one outbox message: what to send, stored as JSON in the
// outbox so that it survives a crash between commit and delivery. It holds
// the bot's reply text (which may quote the user's words back to them) and
// is deleted once delivered, by /forget, or after the retention period.
type payload struct {
	Text string     `json:"t"`
	KB   [][]button `json:"k,omitempty"`
	// Edit is the message to edit in place (a checklist question replacing
	// the one whose button was pressed); if it cannot be edited, a new
	// message is sent.
	Edit int64 `json:"e,omitempty"`
	// Question: remember the message as the chat's question message.
	Question bool `json:"q,omitempty"`
	// Kind is the reply kind, for metrics.
	Kind string `json:"r,omitempty"`
}

// Reply kinds as metric labels.
const (
	kindMessage  = "message"
	kindUrgent   = "urgent"
	kindQuestion = "question"
	kindResult   = "result"
	kindInvite   = "group_invite"
	kindIntro    = "group_intro"
	kindSlowDown = "slow_down"
)

func replyKind(k bot.ReplyKind) string {
	switch k {
	case bot.ReplyUrgent:
		return kindUrgent
	case bot.ReplyQuestion:
		return kindQuestion
	case bot.ReplyResult:
		return kindResult
	}
	return kindMessage
}

func (p *payload) encode() []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("telegram: marshal payload: %v", err)) // strings and ints only
	}
	return b
}

func decodePayload(b []byte) (payload, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decode outbox payload: %w", err)
	}
	if p.Text == "" {
		return p, fmt.Errorf("decode outbox payload: no text")
	}
	return p, nil
}
