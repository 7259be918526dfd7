package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	openai "github.com/sashabaranov/go-openai"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/catalogue"
)

// Defaults for the zero fields of Options.
const (
	DefaultTimeout   = 8 * time.Second
	DefaultCacheSize = 1024
	DefaultMaxChars  = 4000
)

// MaxSignals is the most signals one Read returns.
const MaxSignals = 12

// Options configure a Reader. The zero value of each field means the
// default it names.
type Options struct {
	// BaseURL is the API's base URL including its version, such as
	// https://api.openai.com/v1 (the default) or http://localhost:11434/v1;
	// requests go to BaseURL + "/chat/completions".
	BaseURL string
	// APIKey is sent as "Authorization: Bearer APIKey"; it is never logged.
	APIKey string
	// Model names the model, such as "gpt-4o-mini". The server must
	// support structured outputs (response_format json_schema) or at least
	// answer in JSON when told to.
	Model string
	// Timeout bounds each call to the model; default DefaultTimeout.
	Timeout time.Duration
	// CacheSize is how many answers are kept, least recently used out
	// first; default DefaultCacheSize. A negative size disables the cache.
	CacheSize int
	// HTTPClient makes the requests; nil means a new http.Client. Its own
	// timeout, if any, applies as well as Timeout.
	HTTPClient *http.Client
	// Logger receives one line per call (result, latency, counts; never the
	// text); nil discards.
	Logger *slog.Logger
	// Registerer receives the scambot_llm_* metrics; nil means no metrics.
	Registerer prometheus.Registerer
	// MaxChars bounds the characters of text sent, after masking; default
	// DefaultMaxChars. A longer text is sent as its beginning and its end.
	MaxChars int
}

// A Reader asks an OpenAI-compatible model which signals of the
// catalogue's vocabulary a text shows. Build it with New; it is safe for
// concurrent use. A nil *Reader reads nothing: its Read returns nil, nil,
// so callers can hold one whether or not a model is configured.
type Reader struct {
	client  *openai.Client
	cat     *catalogue.Catalogue
	vocab   *vocabulary
	model   string
	timeout time.Duration
	max     int
	cache   *cache // nil when disabled
	log     *slog.Logger
	metrics *metrics
}

// New returns a Reader for a catalogue. It makes no request: a wrong
// address or key shows at the first Read.
func New(cat *catalogue.Catalogue, opts Options) *Reader {
	cfg := openai.DefaultConfig(opts.APIKey)
	if opts.BaseURL != "" {
		cfg.BaseURL = opts.BaseURL
	}
	if opts.HTTPClient != nil {
		cfg.HTTPClient = opts.HTTPClient
	}
	r := &Reader{
		client:  openai.NewClientWithConfig(cfg),
		cat:     cat,
		vocab:   newVocabulary(cat),
		model:   opts.Model,
		timeout: opts.Timeout,
		max:     opts.MaxChars,
		log:     opts.Logger,
	}
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	if r.max <= 0 {
		r.max = DefaultMaxChars
	}
	switch {
	case opts.CacheSize == 0:
		r.cache = newCache(DefaultCacheSize)
	case opts.CacheSize > 0:
		r.cache = newCache(opts.CacheSize)
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.metrics = newMetrics(opts.Registerer, r.log)
	return r
}

// A StatusError is an HTTP error status from the model's server, such as
// 429 (rate limited) or 500. Its message holds only the status; the
// server's own message, which may echo the request, is in the wrapped error.
type StatusError struct {
	StatusCode int
	err        error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("model server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// Unwrap returns the client library's error.
func (e *StatusError) Unwrap() error { return e.err }

// Read returns the signals of the vocabulary the model finds in text, each
// with Source bot.FromModel and Evidence an exact substring of text, for
// engine.Input.Extra. lang is a hint of the text's language ("" if
// unknown).
//
// The model sees only the text, with numbers, links and emails masked and
// cut to MaxChars characters. It can only add: benign signals, ids outside
// the vocabulary and quotes not in text are dropped, so no text, however
// it instructs the model, lowers an assessment.
//
// On any failure Read returns nil signals and an error, after one attempt
// and within Timeout: *StatusError for an HTTP error status,
// context.DeadlineExceeded (wrapped) for a timeout, ErrMalformed for a
// reply that is not the JSON asked for, or the transport's error. Callers
// use the deterministic result alone then. Only successful answers are
// cached. The errors' messages never quote the text or the server's reply,
// so they may be logged.
func (r *Reader) Read(ctx context.Context, text string, lang bot.Lang) ([]bot.SignalHit, error) {
	if r == nil || strings.TrimSpace(text) == "" {
		return nil, nil
	}
	m := mask(text)
	sent := truncate(m.text, r.max)
	key := newCacheKey(r.model, lang, sent)
	var (
		props []proposal
		ok    bool
	)
	if r.cache != nil {
		props, ok = r.cache.get(key)
	}
	if ok {
		r.metrics.call(resultCacheHit)
	} else {
		start := time.Now()
		var err error
		props, err = r.call(ctx, sent, lang)
		elapsed := time.Since(start)
		r.metrics.observe(elapsed.Seconds())
		if err != nil {
			result := resultError
			if errors.Is(err, context.DeadlineExceeded) {
				result = resultTimeout
			}
			r.metrics.call(result)
			var se *StatusError
			status := 0
			if errors.As(err, &se) {
				status = se.StatusCode
			}
			r.log.Warn("model call failed", "result", result, "status", status,
				"latency", elapsed, "text", bot.Text(text), "err", err)
			return nil, err
		}
		r.metrics.call(resultOK)
		if r.cache != nil {
			r.cache.put(key, props)
		}
		r.log.Debug("model call", "latency", elapsed, "text", bot.Text(text), "proposed", len(props))
	}
	return r.check(props, text, m), nil
}

// call asks the model once.
func (r *Reader) call(ctx context.Context, sent string, lang bot.Lang) ([]proposal, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	// Only the model, the two messages and the format: no user, metadata,
	// or store, so nothing identifies the person or keeps their words.
	req := openai.ChatCompletionRequest{
		Model: r.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: r.vocab.prompt(lang)},
			{Role: openai.ChatMessageRoleUser, Content: sent},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   schemaName,
				Schema: r.vocab.schema,
				Strict: true,
			},
		},
	}
	resp, err := r.client.CreateChatCompletion(ctx, req)
	if err != nil {
		var apiErr *openai.APIError
		var reqErr *openai.RequestError
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0:
			return nil, &StatusError{StatusCode: apiErr.HTTPStatusCode, err: err}
		case errors.As(err, &reqErr) && reqErr.HTTPStatusCode > 0:
			return nil, &StatusError{StatusCode: reqErr.HTTPStatusCode, err: err}
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			return nil, fmt.Errorf("call model %s: %w", r.model, ctx.Err())
		case errors.As(err, &syntaxErr) || errors.As(err, &typeErr):
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return nil, fmt.Errorf("call model %s: %w", r.model, err)
	}
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("%w: no choices", ErrMalformed)
	}
	msg := resp.Choices[0].Message
	if msg.Refusal != "" {
		return nil, fmt.Errorf("%w: the model refused", ErrMalformed)
	}
	if resp.Choices[0].FinishReason == openai.FinishReasonLength {
		return nil, fmt.Errorf("%w: cut at the length limit", ErrMalformed)
	}
	return parseReply(msg.Content)
}

// check keeps the proposals that are in the vocabulary, not benign, and
// quote the user's own text, once each and at most MaxSignals.
func (r *Reader) check(props []proposal, text string, m masked) []bot.SignalHit {
	var hits []bot.SignalHit
	seen := make(map[bot.SignalID]bool)
	f := newFinder(text, m)
	for _, p := range props {
		i := r.cat.Signal(bot.SignalID(p.ID))
		switch {
		case !p.ok || i < 0:
			r.metrics.drop(dropUnknownID)
			continue
		case r.cat.Signals[i].Kind == catalogue.Benign:
			r.metrics.drop(dropBenign)
			continue
		}
		id := r.cat.Signals[i].ID
		if seen[id] || len(hits) == MaxSignals {
			continue
		}
		ev, ok := f.locate(p.Evidence)
		if !ok {
			r.metrics.drop(dropNoEvidence)
			continue
		}
		seen[id] = true
		hits = append(hits, bot.SignalHit{ID: id, Source: bot.FromModel, Evidence: ev})
	}
	r.metrics.added(len(hits))
	return hits
}

// truncate cuts s to at most max characters: its first three quarters and
// its last quarter, joined by an ellipsis line, as a scam story tells the
// pretext first and the latest demand last.
func truncate(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	const gap = "\n…\n"
	keep := max - utf8.RuneCountInString(gap)
	if keep < 2 {
		return string([]rune(s)[:max])
	}
	head, tail := keep*3/4, keep-keep*3/4
	rs := []rune(s)
	return string(rs[:head]) + gap + string(rs[n-tail:])
}
