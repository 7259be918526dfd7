// Package llmtest is a fake OpenAI-compatible server for tests of code that
// uses a real client library (bot/llm uses github.com/sashabaranov/go-openai).
//
// It runs on net/http/httptest and speaks POST /v1/chat/completions only.
// Like the real API it checks the bearer token (401 invalid_api_key), the
// request body (model, messages, response_format; a strict json_schema
// must close every object and require every property) and answers with
// the real envelopes: a chat.completion object, or
// {"error": {"message", "type", "param", "code"}} with the HTTP status.
// A malformed request or an unknown path fails the test as well: the code
// under test should never send one.
//
// Every request is recorded, so a test can assert what reached the model,
// and each answer can be scripted:
//
//	srv := llmtest.NewServer(t) // closed by t.Cleanup
//	srv.Next(llmtest.Signals(llmtest.Signal{ID: "asks_code", Evidence: "验证码"}))
//	srv.Next(llmtest.Error(http.StatusTooManyRequests))
//	srv.Next(llmtest.Content(`{"signals": [`))         // malformed
//	srv.Next(llmtest.Signals().After(time.Second))   // slower than the timeout
//	srv.Next(llmtest.Hangup())                       // connection closed
//	cfg := openai.DefaultConfig(srv.APIKey())
//	cfg.BaseURL, cfg.HTTPClient = srv.BaseURL(), srv.Client()
//
// Requests not scripted with Next get the Default reply, {"signals": []}
// unless changed.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultAPIKey is the API key NewServer accepts.
const DefaultAPIKey = "sk-llmtest-0123456789"

// ChatPath is the one path the server answers.
const ChatPath = "/v1/chat/completions"

// A Reply scripts the server's answer to one request. The zero value
// answers 200 with empty content.
type Reply struct {
	// Content is the assistant message's content, sent as is (it need not
	// be valid JSON).
	Content string
	// Refusal, when set, is the message's refusal and Content is null.
	Refusal string
	// FinishReason is the choice's finish_reason; default "stop".
	FinishReason string
	// Status, when neither 0 nor 200, answers with the OpenAI error
	// envelope for that status instead of a completion.
	Status int
	// Delay holds the answer back; the handler gives up early when the
	// client goes away or the server closes.
	Delay time.Duration
	// Hangup closes the connection without an answer.
	Hangup bool
}

// After returns r delayed by d.
func (r Reply) After(d time.Duration) Reply {
	r.Delay = d
	return r
}

// A Signal is one item of the reply format bot/llm asks for.
type Signal struct {
	ID       string `json:"id"`
	Evidence string `json:"evidence"`
}

// Content answers with content as the message's content.
func Content(content string) Reply { return Reply{Content: content} }

// Signals answers {"signals": [...]} with the given signals.
func Signals(sigs ...Signal) Reply {
	if sigs == nil {
		sigs = []Signal{}
	}
	b, err := json.Marshal(struct {
		Signals []Signal `json:"signals"`
	}{sigs})
	if err != nil {
		panic(err) // strings always marshal
	}
	return Reply{Content: string(b)}
}

// Error answers with an HTTP error status and OpenAI's error envelope for
// it (429 rate_limit_exceeded, 500 server_error, 503 overloaded...).
func Error(status int) Reply { return Reply{Status: status} }

// Hangup closes the connection without answering.
func Hangup() Reply { return Reply{Hangup: true} }

// A Request is one request the server received, as sent.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Body is the raw body.
	Body []byte
	// Fields are the top-level keys of the JSON body, sorted.
	Fields []string
	// Model is the body's "model".
	Model string
	// Messages are the body's "messages".
	Messages []Message
	// ResponseFormat is the body's "response_format", raw.
	ResponseFormat json.RawMessage
}

// A Message is one chat message of a request.
type Message struct {
	Role    string
	Content string
	// Fields are the message object's keys, sorted ("content", "role";
	// "name" if the client sent one).
	Fields []string
}

// A Server is a fake OpenAI-compatible chat completions server. It is safe
// for concurrent use; create it with NewServer.
type Server struct {
	tb     testing.TB
	ts     *httptest.Server
	key    string
	done   chan struct{}
	closer sync.Once

	mu    sync.Mutex
	queue []Reply
	def   Reply
	reqs  []Request
	seq   int
}

// NewServer starts a server that accepts DefaultAPIKey; t.Cleanup closes
// it.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, key: DefaultAPIKey, done: make(chan struct{}), def: Signals()}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// BaseURL is the client's base URL: the server's address with /v1.
func (s *Server) BaseURL() string { return s.ts.URL + "/v1" }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// APIKey returns the only key the server accepts.
func (s *Server) APIKey() string { return s.key }

// Next queues replies for the next requests, in order.
func (s *Server) Next(rs ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// Default sets the reply to requests that Next did not script.
func (s *Server) Default(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.def = r
}

// Requests returns every request received so far, in order, including
// those refused.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// Close stops the server: later requests find nothing listening, and
// delayed answers give up. It is safe to call more than once.
func (s *Server) Close() {
	s.closer.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	decodeErr := decodeRequest(&req)
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.seq++
	seq := s.seq
	s.mu.Unlock()

	if r.URL.Path != ChatPath {
		s.tb.Errorf("llmtest: unexpected request %s %s", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		s.tb.Errorf("llmtest: %s %s, want POST", r.Method, r.URL.Path)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "", "Method not allowed")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.key {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.tb.Errorf("llmtest: Content-Type %q, want application/json", ct)
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "Content-Type must be application/json")
		return
	}
	if decodeErr == nil {
		decodeErr = checkRequest(&req)
	}
	if decodeErr != nil {
		s.tb.Errorf("llmtest: bad request: %v", decodeErr)
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", decodeErr.Error())
		return
	}

	s.mu.Lock()
	reply := s.def
	if len(s.queue) > 0 {
		reply = s.queue[0]
		s.queue = s.queue[1:]
	}
	s.mu.Unlock()

	if reply.Delay > 0 {
		t := time.NewTimer(reply.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	if reply.Hangup {
		hj, ok := w.(http.Hijacker)
		if !ok {
			s.tb.Errorf("llmtest: cannot hijack the connection")
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			s.tb.Errorf("llmtest: hijack: %v", err)
			return
		}
		conn.Close()
		return
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		typ, code, msg := errorFor(reply.Status)
		if reply.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, reply.Status, typ, code, msg)
		return
	}
	writeCompletion(w, seq, req, reply)
}

// errorFor returns the type, code and message OpenAI sends with a status.
func errorFor(status int) (typ, code, msg string) {
	switch status {
	case http.StatusTooManyRequests:
		return "requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again in 1s."
	case http.StatusInternalServerError:
		return "server_error", "", "The server had an error while processing your request. Sorry about that!"
	case http.StatusServiceUnavailable:
		return "server_error", "", "The engine is currently overloaded, please try again later."
	case http.StatusBadRequest:
		return "invalid_request_error", "", "Invalid request."
	}
	return "server_error", "", http.StatusText(status)
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": c,
	}})
}

func writeCompletion(w http.ResponseWriter, seq int, req Request, reply Reply) {
	msg := map[string]any{"role": "assistant", "content": reply.Content, "refusal": nil}
	if reply.Refusal != "" {
		msg["content"], msg["refusal"] = nil, reply.Refusal
	}
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(m.Content) / 4
	}
	completion := len(reply.Content) / 4
	writeJSON(w, http.StatusOK, map[string]any{
		"id":      fmt.Sprintf("chatcmpl-llmtest-%d", seq),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []any{map[string]any{
			"index": 0, "message": msg, "logprobs": nil, "finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
		},
		"system_fingerprint": "fp_llmtest",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// decodeRequest fills the decoded fields of req from its body.
func decodeRequest(req *Request) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(req.Body, &top); err != nil {
		return fmt.Errorf("body is not a JSON object: %v", err)
	}
	for k := range top {
		req.Fields = append(req.Fields, k)
	}
	slices.Sort(req.Fields)
	if raw, ok := top["model"]; ok {
		if err := json.Unmarshal(raw, &req.Model); err != nil {
			return fmt.Errorf("model: %v", err)
		}
	}
	req.ResponseFormat = top["response_format"]
	var msgs []map[string]json.RawMessage
	if raw, ok := top["messages"]; ok {
		if err := json.Unmarshal(raw, &msgs); err != nil {
			return fmt.Errorf("messages: %v", err)
		}
	}
	for i, m := range msgs {
		var msg Message
		for k := range m {
			msg.Fields = append(msg.Fields, k)
		}
		slices.Sort(msg.Fields)
		if err := json.Unmarshal(m["role"], &msg.Role); err != nil {
			return fmt.Errorf("messages[%d].role: %v", i, err)
		}
		if raw, ok := m["content"]; ok {
			if err := json.Unmarshal(raw, &msg.Content); err != nil {
				return fmt.Errorf("messages[%d].content: only text content is emulated: %v", i, err)
			}
		}
		req.Messages = append(req.Messages, msg)
	}
	return nil
}

var schemaNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkRequest checks what the real API checks of the fields bot/llm sends.
func checkRequest(req *Request) error {
	if req.Model == "" {
		return fmt.Errorf("you must provide a model parameter")
	}
	if len(req.Messages) == 0 {
		return fmt.Errorf("'messages' must contain at least one message")
	}
	for i, m := range req.Messages {
		switch m.Role {
		case "system", "developer", "user", "assistant":
		default:
			return fmt.Errorf("messages[%d].role: invalid value %q", i, m.Role)
		}
	}
	if len(req.ResponseFormat) == 0 {
		return nil
	}
	var rf struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
			Strict bool            `json:"strict"`
		} `json:"json_schema"`
	}
	if err := json.Unmarshal(req.ResponseFormat, &rf); err != nil {
		return fmt.Errorf("response_format: %v", err)
	}
	switch rf.Type {
	case "text", "json_object":
		return nil
	case "json_schema":
	default:
		return fmt.Errorf("response_format.type: invalid value %q", rf.Type)
	}
	if rf.JSONSchema == nil {
		return fmt.Errorf("missing required parameter: 'response_format.json_schema'")
	}
	if !schemaNameRE.MatchString(rf.JSONSchema.Name) {
		return fmt.Errorf("response_format.json_schema.name: invalid value %q", rf.JSONSchema.Name)
	}
	var schema map[string]any
	if err := json.Unmarshal(rf.JSONSchema.Schema, &schema); err != nil || schema == nil {
		return fmt.Errorf("response_format.json_schema.schema must be a JSON object")
	}
	if rf.JSONSchema.Strict {
		if schema["type"] != "object" {
			return fmt.Errorf("invalid schema for response_format %q: schema must be a JSON Schema of 'type: \"object\"'", rf.JSONSchema.Name)
		}
		if err := checkStrict(schema, "#"); err != nil {
			return fmt.Errorf("invalid schema for response_format %q: %v", rf.JSONSchema.Name, err)
		}
	}
	return nil
}

// checkStrict applies the rules of strict structured outputs: every object
// sets additionalProperties to false and lists every property in required.
func checkStrict(node map[string]any, path string) error {
	if node["type"] == "object" {
		if ap, ok := node["additionalProperties"].(bool); !ok || ap {
			return fmt.Errorf("In context=(%s), 'additionalProperties' is required to be supplied and to be false", path)
		}
		props, _ := node["properties"].(map[string]any)
		req := map[string]bool{}
		if list, ok := node["required"].([]any); ok {
			for _, r := range list {
				if s, ok := r.(string); ok {
					req[s] = true
				}
			}
		}
		for name, p := range props {
			if !req[name] {
				return fmt.Errorf("In context=(%s), 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'", path, name)
			}
			if pm, ok := p.(map[string]any); ok {
				if err := checkStrict(pm, path+"/properties/"+name); err != nil {
					return err
				}
			}
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		if err := checkStrict(items, path+"/items"); err != nil {
			return err
		}
	}
	if enum, ok := node["enum"]; ok {
		if list, ok := enum.([]any); !ok || len(list) == 0 {
			return fmt.Errorf("In context=(%s), 'enum' must be a non-empty array", path)
		}
	}
	return nil
}
