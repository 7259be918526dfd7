package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultAPIURL is the Bot API's base URL.
const DefaultAPIURL = "https://api.telegram.org"

// callTimeout bounds one API call other than a long poll. The real server
// waits out short flood waits itself, up to 8 s for bots, before it
// answers; a send can legitimately take that long.
const callTimeout = 30 * time.Second

// A Client calls the Bot API through go-telegram-bot-api. The library has
// no contexts (its requests are built with http.NewRequest), so every call
// runs on a copy of the library's BotAPI whose HTTP client attaches that
// call's context: cancelling the context aborts the request, long polls
// included. A Client is safe for concurrent use.
type Client struct {
	bot *tgbotapi.BotAPI // a template: never used directly after Dial
	hc  *http.Client
}

// ctxDoer is the library's HTTPClient for one call. Holding a context in
// a struct is the exception CodeReviewComments allows: Do must match the
// library's interface, which has no context parameter.
type ctxDoer struct {
	ctx context.Context
	hc  *http.Client
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) { return d.hc.Do(r.WithContext(d.ctx)) }

// Endpoint returns the client library's endpoint format for a base URL:
// BASE + "/bot%s/%s". It fails for a URL that is not absolute http(s) or
// that contains '%', which would break the library's fmt.Sprintf.
func Endpoint(baseURL string) (string, error) {
	if baseURL == "" {
		baseURL = DefaultAPIURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("telegram API URL %q: want an absolute http or https URL", baseURL)
	}
	if strings.Contains(baseURL, "%") {
		return "", fmt.Errorf("telegram API URL %q: must not contain %%", baseURL)
	}
	return strings.TrimRight(baseURL, "/") + "/bot%s/%s", nil
}

// Dial checks the token with getMe (the library's constructor calls it)
// and returns a Client. hc nil means a client with sensible transport
// limits; per-call timeouts come from contexts. The error is
// ErrUnauthorized (wrapped) when Telegram rejects the token; other errors
// (network, 5xx) may go away on retry, see DialRetry.
func Dial(ctx context.Context, token, baseURL string, hc *http.Client) (*Client, error) {
	endpoint, err := Endpoint(baseURL)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		hc = &http.Client{Transport: tr}
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	b, err := tgbotapi.NewBotAPIWithClient(token, endpoint, ctxDoer{ctx: cctx, hc: hc})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == http.StatusUnauthorized {
			return nil, fmt.Errorf("getMe: %w: %s", ErrUnauthorized, te.Message)
		}
		return nil, fmt.Errorf("getMe: %w", redact(err, token))
	}
	b.Debug = false // it would log every request's parameters, message text included
	b.Client = nil  // every call sets its own
	return &Client{bot: b, hc: hc}, nil
}

// DialRetry calls Dial until it succeeds, ctx is done, or the token is
// rejected, backing off with jitter between attempts and logging each
// failure.
func DialRetry(ctx context.Context, token, baseURL string, hc *http.Client, log *slog.Logger) (*Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := Endpoint(baseURL); err != nil {
		return nil, err
	}
	var bo backoff
	for {
		c, err := Dial(ctx, token, baseURL, hc)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, ErrUnauthorized) || ctx.Err() != nil {
			return nil, err
		}
		d := bo.next()
		log.Warn("telegram getMe failed; retrying", "err", describe(err), "retry_in", seconds(d))
		if !sleep(ctx, d) {
			return nil, ctx.Err()
		}
	}
}

// ErrUnauthorized means Telegram rejected the bot token (401).
var ErrUnauthorized = errors.New("telegram rejected the bot token")

// Username returns the bot's username, as getMe reported it.
func (c *Client) Username() string { return c.bot.Self.UserName }

// ID returns the bot's user id.
func (c *Client) ID() int64 { return c.bot.Self.ID }

// redact removes the token from a transport error: net/http's *url.Error
// carries the request URL, which holds the token (BASE/bot<token>/method),
// and errors end up in logs. The error keeps its type and chain.
func redact(err error, token string) error {
	if ue, ok := errors.AsType[*url.Error](err); ok && token != "" && strings.Contains(ue.URL, token) {
		clean := *ue
		clean.URL = strings.ReplaceAll(ue.URL, token, "<token>")
		if ue == err {
			return &clean
		}
		return fmt.Errorf("%s: %w", strings.ReplaceAll(err.Error(), token, "<token>"), clean.Err)
	}
	return err
}

// with returns a BotAPI for one call under ctx.
func (c *Client) with(ctx context.Context) *tgbotapi.BotAPI {
	b := *c.bot
	b.Client = ctxDoer{ctx: ctx, hc: c.hc}
	return &b
}

// request runs a method that returns True or something the caller does not
// need (answerCallbackQuery, setMyCommands…): Send would fail to decode
// True into a Message.
func (c *Client) request(ctx context.Context, cfg tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := c.with(ctx).Request(cfg)
	return resp, redact(err, c.bot.Token)
}

// send runs a method that returns a Message (sendMessage, editMessageText).
func (c *Client) send(ctx context.Context, cfg tgbotapi.Chattable) (tgbotapi.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	m, err := c.with(ctx).Send(cfg)
	return m, redact(err, c.bot.Token)
}

// raw runs a method with parameters the library does not know (such as
// setWebhook's secret_token, added after v5.5.1).
func (c *Client) raw(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := c.with(ctx).MakeRequest(method, p)
	return resp, redact(err, c.bot.Token)
}

// getUpdates long-polls for up to timeout.
func (c *Client) getUpdates(ctx context.Context, offset, limit int, timeout time.Duration, allowed []string) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+callTimeout)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: limit, Timeout: int(timeout / time.Second), AllowedUpdates: allowed}
	ups, err := c.with(ctx).GetUpdates(cfg)
	return ups, redact(err, c.bot.Token)
}

// jsonParam encodes v for a raw request's object parameter.
func jsonParam(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegram: marshal parameter: %v", err)) // only called with plain values
	}
	return string(b)
}

// SetLibraryLogger sends go-telegram-bot-api's own log lines (it writes
// only when debugging or from helpers scambot does not use) to log, at
// debug level. The library keeps its logger in a global: call this once,
// from main.
func SetLibraryLogger(log *slog.Logger) {
	libLogOnce.Do(func() {
		_ = tgbotapi.SetLogger(libLogger{log: log.With("component", "tgbotapi")})
	})
}

var libLogOnce sync.Once

type libLogger struct{ log *slog.Logger }

// The library's lines can carry request parameters (message text) only in
// Debug mode, which scambot never enables; even so only their length is
// logged.
func (l libLogger) Println(v ...any) {
	l.log.Debug("client library message", "len", len(fmt.Sprint(v...)))
}

func (l libLogger) Printf(format string, v ...any) {
	l.log.Debug("client library message", "format", format)
}
