package llm

import (
	"errors"
	"slices"
	"testing"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []proposal
		err     bool
	}{
		{"object", `{"signals": [{"id": "urgency", "evidence": "快"}]}`, []proposal{{"urgency", "快", true}}, false},
		{"empty list", `{"signals": []}`, []proposal{}, false},
		{"null", `{"signals": null}`, nil, false},
		{"no signals key", `{"verdict": "safe"}`, nil, false},
		{"fenced", "```json\n{\"signals\": [{\"id\": \"a\", \"evidence\": \"b\"}]}\n```", []proposal{{"a", "b", true}}, false},
		{"array", `[{"id": "a", "evidence": "b"}]`, []proposal{{"a", "b", true}}, false},
		{"wrong items", `{"signals": [1, "a", {"id": 2}, {"evidence": "x"}, {"id": " a ", "evidence": 3}]}`,
			[]proposal{{}, {}, {}, {}, {}}, false},
		{"missing evidence", `{"signals": [{"id": "a"}]}`, []proposal{{"a", "", true}}, false},
		{"cut", `{"signals": [{"id": "a", "ev`, nil, true},
		{"not json", `safe`, nil, true},
		{"empty", ``, nil, true},
		{"signals a string", `{"signals": "a"}`, nil, true},
		{"array of garbage", `[1, 2`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseReply(tt.content)
			if (err != nil) != tt.err || err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("parseReply(%q) error = %v, want error %v (ErrMalformed)", tt.content, err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseReply(%q) = %+v, want %+v", tt.content, got, tt.want)
			}
		})
	}
}

func TestParseReplyBounded(t *testing.T) {
	content := `{"signals": [` + repeatJoin(`{"id": "a", "evidence": "b"}`, 500) + `]}`
	got, err := parseReply(content)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxProposals {
		t.Errorf("parseReply kept %d items, want %d", len(got), maxProposals)
	}
}

func repeatJoin(s string, n int) string {
	out := s
	for range n - 1 {
		out += "," + s
	}
	return out
}
