package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed reports a reply that is not the JSON the request asked for.
var ErrMalformed = errors.New("malformed model reply")

// maxProposals bounds how many items of a reply are looked at.
const maxProposals = 64

// A proposal is one signal as the model proposed it, not yet checked.
type proposal struct {
	ID       string
	Evidence string
	// ok is false when the item was not an object with string id and
	// evidence; such an item only counts as dropped.
	ok bool
}

// parseReply reads the model's content: {"signals": [{"id", "evidence"}]}.
// It forgives what compatible servers without structured output add (a
// Markdown code fence, text around the object, a bare array, extra fields)
// and returns ErrMalformed for anything else. Items of the wrong shape are
// returned with ok false rather than failing the whole reply.
func parseReply(content string) ([]proposal, error) {
	s := strings.TrimSpace(content)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```")
		if nl := strings.IndexByte(s, '\n'); nl >= 0 {
			s = s[nl+1:] // the fence's language tag
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
	}
	if s == "" {
		return nil, fmt.Errorf("%w: empty content", ErrMalformed)
	}
	var items []json.RawMessage
	switch {
	case s[0] == '[':
		if err := json.Unmarshal([]byte(s), &items); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	default:
		// An object, possibly inside prose: from the first '{' to the last '}'.
		i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}')
		if i < 0 || j < i {
			return nil, fmt.Errorf("%w: no JSON object", ErrMalformed)
		}
		var top struct {
			Signals json.RawMessage `json:"signals"`
		}
		if err := json.Unmarshal([]byte(s[i:j+1]), &top); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		sig := bytes.TrimSpace(top.Signals)
		if len(sig) == 0 || bytes.Equal(sig, []byte("null")) {
			return nil, nil
		}
		if err := json.Unmarshal(sig, &items); err != nil {
			return nil, fmt.Errorf("%w: signals: %v", ErrMalformed, err)
		}
	}
	if len(items) > maxProposals {
		items = items[:maxProposals]
	}
	out := make([]proposal, 0, len(items))
	for _, raw := range items {
		var it struct {
			ID       *string `json:"id"`
			Evidence *string `json:"evidence"`
		}
		if json.Unmarshal(raw, &it) != nil || it.ID == nil {
			out = append(out, proposal{})
			continue
		}
		p := proposal{ID: strings.TrimSpace(*it.ID), ok: true}
		if it.Evidence != nil {
			p.Evidence = *it.Evidence
		}
		out = append(out, p)
	}
	return out, nil
}
