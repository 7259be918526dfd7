package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the bot token NewServer accepts.
const DefaultToken = "42:test"

// DefaultBotUsername is the bot's username unless Options.BotUsername is set.
const DefaultBotUsername = "scambot_test_bot"

// DefaultCallbackDeadline is how long a callback query or inline query can
// be answered after it was created, unless Options.CallbackDeadline is set.
// Telegram does not document the limit; about 10 s is the community figure.
const DefaultCallbackDeadline = 10 * time.Second

// Options configure a Server. The zero value gives the defaults described
// on each field.
type Options struct {
	// Token is the only token the server accepts; default DefaultToken.
	// Its numeric prefix is the bot's user id.
	Token string
	// BotUsername is getMe's username; default DefaultBotUsername.
	BotUsername string
	// BotFirstName is getMe's first_name; default "Scambot Test".
	BotFirstName string
	// PrivacyModeOff makes getMe report can_read_all_group_messages=true
	// and delivers every group message. By default privacy mode is on: in
	// groups where the bot is not an administrator only commands and
	// replies to the bot's messages are delivered.
	PrivacyModeOff bool
	// Limits are the flood limits; the zero value disables them.
	Limits Limits
	// CallbackDeadline bounds the time to answer a callback or inline
	// query; 0 means DefaultCallbackDeadline.
	CallbackDeadline time.Duration
	// Now is the clock for message dates, callback deadlines and flood
	// limits; nil means time.Now. Long-poll timeouts always use real time.
	Now func() time.Time
	// FirstUpdateID is the first update_id assigned; 0 means 1.
	FirstUpdateID int
	// AllowUnknownMethods stops the server from failing the test at
	// cleanup when the bot called a method it does not emulate. The calls
	// are answered 404 and recorded in UnknownCalls either way.
	AllowUnknownMethods bool
	// WebhookClient delivers webhook updates; nil means a client with a
	// 10 s timeout. Pass an httptest TLS server's Client() for https.
	WebhookClient *http.Client
}

// A Server is a fake Telegram Bot API server on httptest. It checks what the
// real server checks (token, parameters, sizes, markup, parse modes, flood
// limits, update offsets) and answers with the real envelope and error
// descriptions, so that a bot using the real client library can be tested
// end to end.
//
// A Server is safe for concurrent use. Its zero value is not usable: create
// it with NewServer or NewServerWithOptions; it is closed by the test's
// Cleanup.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:1234. The client's
	// endpoint format is URL + "/bot%s/%s".
	URL string

	tb            testing.TB
	ts            *httptest.Server
	opts          Options
	token         string
	bot           User
	now           func() time.Time
	done          chan struct{}
	closeOnce     sync.Once
	webhookClient *http.Client

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change

	calls   []Call
	unknown []Call
	fails   []*failRule

	// updates
	nextUpdateID int
	lastUpdateID int
	queue        []*queued
	history      map[int]json.RawMessage
	allowed      map[string]bool // nil: the default set
	allowedRaw   []string
	poll         *poller

	// chats, users, messages
	chats   map[int64]*chatState
	users   map[int64]User
	started map[int64]bool
	blocked map[int64]bool
	sent    []SentMessage

	// queries
	callbacks     map[string]*pendingQuery
	answers       []CallbackAnswer
	inline        map[string]*pendingQuery
	inlineAnswers []InlineAnswer
	queryCounter  int64
	deadline      time.Duration

	commands map[string][]BotCommand

	webhook webhookState
	limits  Limits
	limiter limiter
}

// NewServer starts a Server with the default Options. It is closed by
// tb.Cleanup.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	return NewServerWithOptions(tb, Options{})
}

// NewServerWithOptions starts a Server configured by opts. It is closed by
// tb.Cleanup, which also fails the test if the bot called methods the
// server does not emulate (unless opts.AllowUnknownMethods).
func NewServerWithOptions(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = DefaultBotUsername
	}
	if opts.BotFirstName == "" {
		opts.BotFirstName = "Scambot Test"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CallbackDeadline <= 0 {
		opts.CallbackDeadline = DefaultCallbackDeadline
	}
	if opts.FirstUpdateID <= 0 {
		opts.FirstUpdateID = 1
	}
	botID, err := strconv.ParseInt(strings.SplitN(opts.Token, ":", 2)[0], 10, 64)
	if err != nil || checkTokenShape(opts.Token) != nil {
		tb.Fatalf("telegramtest: malformed Options.Token %q: want <bot id>:<secret>", opts.Token)
	}
	s := &Server{
		tb:    tb,
		opts:  opts,
		token: opts.Token,
		bot: User{
			ID: botID, IsBot: true, FirstName: opts.BotFirstName, Username: opts.BotUsername,
		},
		now:           opts.Now,
		done:          make(chan struct{}),
		webhookClient: opts.WebhookClient,
		changed:       make(chan struct{}),
		nextUpdateID:  opts.FirstUpdateID,
		history:       map[int]json.RawMessage{},
		chats:         map[int64]*chatState{},
		users:         map[int64]User{},
		started:       map[int64]bool{},
		blocked:       map[int64]bool{},
		callbacks:     map[string]*pendingQuery{},
		inline:        map[string]*pendingQuery{},
		commands:      map[string][]BotCommand{},
		deadline:      opts.CallbackDeadline,
		limits:        opts.Limits,
		queryCounter:  4_382_000_000_000_000_000,
	}
	if s.webhookClient == nil {
		s.webhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.ts.URL
	tb.Cleanup(s.Close)
	return s
}

// Close releases held long polls and shuts the server down. It is called
// by the test's Cleanup and may be called earlier to simulate an outage;
// it is idempotent. At cleanup it reports calls to unknown methods.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
		s.webhookClient.CloseIdleConnections()
		if unknown := s.UnknownCalls(); len(unknown) > 0 && !s.opts.AllowUnknownMethods {
			names := make([]string, len(unknown))
			for i, c := range unknown {
				names[i] = c.Method
			}
			s.tb.Errorf("telegramtest: the bot called %d method(s) the fake server does not emulate: %v "+
				"(set Options.AllowUnknownMethods if that is intended)", len(unknown), names)
		}
	})
}

// Client returns an HTTP client for the server, suitable for
// tgbotapi.NewBotAPIWithClient.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// Endpoint returns the client library's endpoint format: URL + "/bot%s/%s".
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

// Bot returns the bot user that getMe reports.
func (s *Server) Bot() User { return s.bot }

// SetLimits replaces the flood limits and forgets past sends. NoLimits (the
// zero value) turns them off.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
	s.limiter = limiter{}
	s.webhook.nextAllowed = time.Time{}
}

// SetCallbackDeadline sets how long callback and inline queries can be
// answered after they were created. It applies to pending queries too.
func (s *Server) SetCallbackDeadline(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadline = d
}

// changedLocked wakes everything waiting for a change. s.mu must be held.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor blocks until cond reports true or ctx is done. cond is called
// with no lock held, first at once and then after every change to the
// server (a request answered, an update queued…), so it may call any
// accessor. It returns ctx.Err() if ctx ends first.
func (s *Server) WaitFor(ctx context.Context, cond func(*Server) bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitSent waits until at least n messages have been sent in total and
// returns all sent messages. The error wraps ctx.Err().
func (s *Server) WaitSent(ctx context.Context, n int) ([]SentMessage, error) {
	var got []SentMessage
	err := s.WaitFor(ctx, func(s *Server) bool {
		got = s.Sent()
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d sent messages, have %d: %w", n, len(got), err)
	}
	return got, nil
}

// WaitSentTo waits until at least n messages have been sent to chatID and
// returns them. The error wraps ctx.Err().
func (s *Server) WaitSentTo(ctx context.Context, chatID int64, n int) ([]SentMessage, error) {
	var got []SentMessage
	err := s.WaitFor(ctx, func(s *Server) bool {
		got = s.SentTo(chatID)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d messages to chat %d, have %d: %w", n, chatID, len(got), err)
	}
	return got, nil
}

// WaitCalls waits until method has been answered at least n times and
// returns those calls. The error wraps ctx.Err().
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var got []Call
	err := s.WaitFor(ctx, func(s *Server) bool {
		got = s.Calls(method)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d %s calls, have %d: %w", n, method, len(got), err)
	}
	return got, nil
}

// Calls returns every answered request for method (case-insensitive), in
// the order they were answered. An empty method returns all calls.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	m := normalizeMethod(method)
	for _, c := range s.calls {
		if m == "" || normalizeMethod(c.Method) == m {
			out = append(out, c)
		}
	}
	return out
}

// UnknownCalls returns the calls to methods the server does not emulate
// (answered 404 "Not Found: method not found").
func (s *Server) UnknownCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.unknown...)
}

// Sent returns every accepted sendMessage in order.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.sent...)
}

// SentTo returns the accepted sendMessage requests to chatID in order.
func (s *Server) SentTo(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// CallbackAnswers returns every accepted answerCallbackQuery in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// InlineAnswers returns every accepted answerInlineQuery in order.
func (s *Server) InlineAnswers() []InlineAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]InlineAnswer(nil), s.inlineAnswers...)
}

// Commands returns the command list stored for scope and language code
// (empty for all languages), as getMyCommands would.
func (s *Server) Commands(scope CommandScope, languageCode string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands[scope.key(languageCode)]...)
}

// serveHTTP routes /bot<token>/<method> like the real server.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	call := &Call{}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		s.finish(w, call, nil, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	p, files, perr := decodeRequest(r)
	if method == "" && p != nil {
		method = p["method"]
	}
	call.Method, call.Params, call.Files = method, p, files
	if perr != nil {
		s.finish(w, call, nil, perr)
		return
	}
	if err := s.checkToken(token); err != nil {
		s.finish(w, call, nil, err)
		return
	}
	if err := p.checkUTF8(); err != nil {
		s.finish(w, call, nil, err)
		return
	}
	if rule := s.takeFailure(method); rule != nil {
		call.Injected = true
		s.inject(w, call, rule)
		return
	}
	m := normalizeMethod(method)
	if m == "getupdates" {
		s.getUpdates(w, r, call)
		return
	}
	res, aerr := s.dispatch(m, p, files)
	s.finish(w, call, res, aerr)
}

// dispatch runs a method other than getUpdates.
func (s *Server) dispatch(m string, p params, files []string) (*result, *apiError) {
	h, found := lookupMethod(m)
	if !found {
		return nil, &apiError{code: http.StatusNotFound, desc: "Not Found: method not found", unknown: true}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return h.fn(s, p, files)
}

// A result is a successful answer: the result value and an optional
// description (the real server sets one for setWebhook/deleteWebhook).
type result struct {
	value       any
	description string
}

func ok(v any) (*result, *apiError) { return &result{value: v}, nil }

// A handler runs one method with s.mu held.
type handler struct {
	fn func(s *Server, p params, files []string) (*result, *apiError)
}

// lookupMethod maps a lower-case method name to its handler (see
// methods.go, messages.go, webhook.go).
func lookupMethod(m string) (handler, bool) {
	var fn func(s *Server, p params, files []string) (*result, *apiError)
	switch m {
	case "getme":
		fn = (*Server).getMe
	case "sendmessage":
		fn = (*Server).sendMessage
	case "editmessagetext":
		fn = (*Server).editMessageText
	case "editmessagereplymarkup":
		fn = (*Server).editMessageReplyMarkup
	case "deletemessage":
		fn = (*Server).deleteMessage
	case "answercallbackquery":
		fn = (*Server).answerCallbackQuery
	case "answerinlinequery":
		fn = (*Server).answerInlineQuery
	case "setmycommands":
		fn = (*Server).setMyCommands
	case "getmycommands":
		fn = (*Server).getMyCommands
	case "deletemycommands":
		fn = (*Server).deleteMyCommands
	case "getchatadministrators":
		fn = (*Server).getChatAdministrators
	case "getchatmember":
		fn = (*Server).getChatMember
	case "getchat":
		fn = (*Server).getChat
	case "sendchataction":
		fn = (*Server).sendChatAction
	case "setwebhook":
		fn = (*Server).setWebhook
	case "deletewebhook":
		fn = (*Server).deleteWebhook
	case "getwebhookinfo":
		fn = (*Server).getWebhookInfo
	default:
		return handler{}, false
	}
	return handler{fn: fn}, true
}

// envelope is the real server's answer.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *respParams     `json:"parameters,omitempty"`
}

type respParams struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

// finish writes the answer and records the call.
func (s *Server) finish(w http.ResponseWriter, call *Call, res *result, aerr *apiError) {
	env := envelope{OK: aerr == nil}
	status := http.StatusOK
	if aerr != nil {
		status = aerr.code
		env.ErrorCode = aerr.code
		env.Description = aerr.desc
		if aerr.retryAfter > 0 || aerr.migrateTo != 0 {
			env.Parameters = &respParams{RetryAfter: aerr.retryAfter, MigrateToChatID: aerr.migrateTo}
		}
	} else {
		raw, err := json.Marshal(res.value)
		if err != nil {
			// A bug in the fake, not in the bot.
			panic(fmt.Sprintf("telegramtest: marshal result of %s: %v", call.Method, err))
		}
		env.Result = raw
		env.Description = res.description
	}
	body, err := json.Marshal(env)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal envelope: %v", err))
	}
	if w != nil {
		w.Header().Set("Content-Type", "application/json")
		if aerr != nil && aerr.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(aerr.retryAfter))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	call.Status = status
	call.Description = env.Description
	call.Result = env.Result
	s.record(call, aerr != nil && aerr.unknown)
}

// record appends call to the log and wakes waiters.
func (s *Server) record(call *Call, unknown bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	call.Time = s.now()
	s.calls = append(s.calls, *call)
	if unknown {
		s.unknown = append(s.unknown, *call)
	}
	s.changedLocked()
}

// checkToken answers like the real server: a malformed token is "invalid
// token specified", a well-formed but wrong one "Unauthorized".
func (s *Server) checkToken(tok string) *apiError {
	if err := checkTokenShape(tok); err != nil {
		return err
	}
	if tok != s.token {
		return &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}
	}
	return nil
}

func checkTokenShape(tok string) *apiError {
	invalid := &apiError{code: http.StatusUnauthorized, desc: "Unauthorized: invalid token specified"}
	if tok == "" || tok[0] == '0' || len(tok) > 80 || strings.Contains(tok, "/") || !strings.Contains(tok, ":") {
		return invalid
	}
	id, err := strconv.ParseInt(tok[:strings.IndexByte(tok, ':')], 10, 64)
	if err != nil || id <= 0 || id >= 1<<54 {
		return invalid
	}
	return nil
}
