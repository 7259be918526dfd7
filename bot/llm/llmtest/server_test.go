package llmtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scambot/scambot/bot/llm/llmtest"
)

// recorder is a testing.TB that keeps the errors the server reports, so
// that tests can check the server fails a test when it should.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

const goodBody = `{"model": "m", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
 "response_format": {"type": "json_schema", "json_schema": {"name": "scam_signals", "strict": true, "schema":
  {"type": "object", "additionalProperties": false, "required": ["signals"], "properties": {"signals": {"type": "array",
   "items": {"type": "object", "additionalProperties": false, "required": ["id", "evidence"],
    "properties": {"id": {"type": "string", "enum": ["a"]}, "evidence": {"type": "string"}}}}}}}}}`

func post(t *testing.T, srv *llmtest.Server, path, key, body string) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(srv.BaseURL(), "/v1")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

type completion struct {
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Role    string  `json:"role"`
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

type errorEnvelope struct {
	Error *struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Code    *string `json:"code"`
	} `json:"error"`
}

func TestCompletionScriptedThenDefault(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Next(llmtest.Signals(llmtest.Signal{ID: "a", Evidence: "b"}), llmtest.Content("not json"))
	srv.Default(llmtest.Reply{Refusal: "no", FinishReason: "stop"})
	want := []string{`{"signals":[{"id":"a","evidence":"b"}]}`, "not json", ""}
	for i, w := range want {
		status, body, err := post(t, srv, llmtest.ChatPath, srv.APIKey(), goodBody)
		if err != nil || status != http.StatusOK {
			t.Fatalf("request %d: %d, %v", i, status, err)
		}
		var c completion
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatalf("request %d: %v in %s", i, err, body)
		}
		if c.Object != "chat.completion" || c.Model != "m" || len(c.Choices) != 1 {
			t.Fatalf("request %d: %s", i, body)
		}
		msg := c.Choices[0].Message
		if i < 2 && (msg.Content == nil || *msg.Content != w) {
			t.Errorf("request %d content = %v, want %q", i, msg.Content, w)
		}
		if i == 2 && (msg.Content != nil || msg.Refusal == nil || *msg.Refusal != "no") {
			t.Errorf("request %d: want a refusal, got %s", i, body)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("recorded %d requests, want 3", len(reqs))
	}
	r := reqs[0]
	if !slices.Equal(r.Fields, []string{"messages", "model", "response_format"}) || r.Model != "m" ||
		len(r.Messages) != 2 || r.Messages[1].Role != "user" || r.Messages[1].Content != "u" ||
		!slices.Equal(r.Messages[1].Fields, []string{"content", "role"}) {
		t.Errorf("recorded %+v", r)
	}
	if !bytes.Equal(r.Body, []byte(goodBody)) {
		t.Errorf("recorded body %s, want it as sent", r.Body)
	}
}

func TestErrorsHaveOpenAIEnvelope(t *testing.T) {
	srv := llmtest.NewServer(t)
	for _, tt := range []struct {
		status int
		typ    string
		code   string
	}{
		{http.StatusTooManyRequests, "requests", "rate_limit_exceeded"},
		{http.StatusInternalServerError, "server_error", ""},
		{http.StatusServiceUnavailable, "server_error", ""},
	} {
		srv.Next(llmtest.Error(tt.status))
		status, body, err := post(t, srv, llmtest.ChatPath, srv.APIKey(), goodBody)
		if err != nil || status != tt.status {
			t.Fatalf("Error(%d): status %d, %v", tt.status, status, err)
		}
		var env errorEnvelope
		if err := json.Unmarshal(body, &env); err != nil || env.Error == nil || env.Error.Message == "" || env.Error.Type != tt.typ {
			t.Errorf("Error(%d) body %s", tt.status, body)
			continue
		}
		if got := ""; env.Error.Code != nil {
			got = *env.Error.Code
			if got != tt.code {
				t.Errorf("Error(%d) code %q, want %q", tt.status, got, tt.code)
			}
		} else if tt.code != "" {
			t.Errorf("Error(%d) code null, want %q", tt.status, tt.code)
		}
	}
}

func TestWrongKeyIs401(t *testing.T) {
	rec := &recorder{TB: t}
	srv := llmtest.NewServer(rec)
	status, body, err := post(t, srv, llmtest.ChatPath, "sk-wrong", goodBody)
	if err != nil || status != http.StatusUnauthorized || !strings.Contains(string(body), "invalid_api_key") {
		t.Errorf("wrong key: %d %s %v", status, body, err)
	}
	if errs := rec.errors(); len(errs) != 0 {
		t.Errorf("a wrong key failed the test: %v", errs)
	}
}

// What the code under test must never send fails the test.
func TestBadRequestsFailTheTest(t *testing.T) {
	tests := []struct {
		name, path, body string
		status           int
	}{
		{"unknown path", "/v1/completions", goodBody, http.StatusNotFound},
		{"no model", llmtest.ChatPath, `{"messages": [{"role": "user", "content": "u"}]}`, http.StatusBadRequest},
		{"no messages", llmtest.ChatPath, `{"model": "m", "messages": []}`, http.StatusBadRequest},
		{"bad role", llmtest.ChatPath, `{"model": "m", "messages": [{"role": "boss", "content": "u"}]}`, http.StatusBadRequest},
		{"not json", llmtest.ChatPath, `{"model": `, http.StatusBadRequest},
		{"bad schema name", llmtest.ChatPath, strings.Replace(goodBody, `"scam_signals"`, `"scam signals"`, 1), http.StatusBadRequest},
		{"strict, open object", llmtest.ChatPath, strings.Replace(goodBody, `"additionalProperties": false, "required": ["id"`, `"required": ["id"`, 1), http.StatusBadRequest},
		{"strict, optional property", llmtest.ChatPath, strings.Replace(goodBody, `["id", "evidence"]`, `["id"]`, 1), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			srv := llmtest.NewServer(rec)
			status, body, err := post(t, srv, tt.path, srv.APIKey(), tt.body)
			if err != nil || status != tt.status {
				t.Errorf("status %d (%v), want %d: %s", status, err, tt.status, body)
			}
			var env errorEnvelope
			if json.Unmarshal(body, &env) != nil || env.Error == nil {
				t.Errorf("body %s is not an error envelope", body)
			}
			if len(rec.errors()) == 0 {
				t.Errorf("the request did not fail the test")
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("recorded %d requests, want 1", n)
			}
		})
	}
}

func TestDelayHangupClose(t *testing.T) {
	srv := llmtest.NewServer(t)

	srv.Next(llmtest.Signals().After(10 * time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+"/chat/completions", strings.NewReader(goodBody))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("a delayed answer came before the client's timeout")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("delayed request took %v", d)
	}

	srv.Next(llmtest.Hangup())
	if status, _, err := post(t, srv, llmtest.ChatPath, srv.APIKey(), goodBody); err == nil {
		t.Errorf("Hangup: got status %d, want a transport error", status)
	}

	srv.Close()
	if status, _, err := post(t, srv, llmtest.ChatPath, srv.APIKey(), goodBody); err == nil {
		t.Errorf("after Close: got status %d, want a transport error", status)
	}
	srv.Close() // twice is fine
}
