package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/sqlite"
	"github.com/scambot/scambot/bot/telegram"
)

// exitFailure is serve's status when it stops on an error after starting
// (the database fails, Telegram rejects the token).
const exitFailure = 1

// expiryInterval is how often expired sessions and old rows are deleted.
const expiryInterval = 15 * time.Minute

// cmdServe runs the Telegram bot: long polling, or webhook mode when
// SCAMBOT_WEBHOOK_URL and SCAMBOT_WEBHOOK_SECRET are set, plus the HTTP
// endpoints on SCAMBOT_HTTP_ADDR. It returns when the context ends
// (SIGINT, SIGTERM) after a graceful shutdown.
func cmdServe(e *env, args []string) int {
	fs := newFlags("serve", e.stderr)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "scambot serve: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	cfg, cat, code := e.setup("")
	if code != exitOK {
		return code
	}
	if cfg.TelegramToken == "" {
		fmt.Fprint(e.stderr, `scambot serve: TELEGRAM_BOT_TOKEN is not set.
Create a bot with @BotFather on Telegram and set TELEGRAM_BOT_TOKEN to its token.
To try scambot without Telegram, run: scambot chat
`)
		return exitUsage
	}
	if err := checkServeConfig(cfg, cat); err != nil {
		fmt.Fprintf(e.stderr, "scambot serve: configuration:\n%v\n", err)
		return exitUsage
	}
	log := newLogger(e.stderr, cfg.LogFormat)
	telegram.SetLibraryLogger(log)
	if err := serve(e.ctx, cfg, cat, log, serveTuning{}); err != nil {
		log.Error("serve stopped", "err", err)
		fmt.Fprintf(e.stderr, "scambot serve: %v\n", err)
		if errors.Is(err, telegram.ErrUnauthorized) {
			return exitUsage
		}
		return exitFailure
	}
	return exitOK
}

// checkServeConfig reports every problem of the settings serve needs.
func checkServeConfig(cfg Config, cat *catalogue.Catalogue) error {
	var errs []error
	if _, err := telegram.Endpoint(cfg.TelegramAPIURL); err != nil {
		errs = append(errs, fmt.Errorf("SCAMBOT_TELEGRAM_API_URL: %w", err))
	}
	if cfg.HTTPAddr == "" {
		errs = append(errs, errors.New("SCAMBOT_HTTP_ADDR: empty (want host:port, e.g. 127.0.0.1:8080)"))
	}
	switch {
	case cfg.WebhookURL == "" && cfg.WebhookSecret == "":
	case cfg.WebhookURL == "" || cfg.WebhookSecret == "":
		errs = append(errs, errors.New("SCAMBOT_WEBHOOK_URL and SCAMBOT_WEBHOOK_SECRET: set both for webhook mode, or neither for long polling"))
	default:
		if p, err := telegram.WebhookPath(cfg.WebhookURL); err != nil {
			errs = append(errs, fmt.Errorf("SCAMBOT_WEBHOOK_URL: %w", err))
		} else if p == "/healthz" || p == "/readyz" || p == "/metrics" {
			errs = append(errs, fmt.Errorf("SCAMBOT_WEBHOOK_URL: path %s is taken by the HTTP endpoints; use e.g. /telegram/webhook", p))
		}
		if err := telegram.CheckSecret(cfg.WebhookSecret); err != nil {
			errs = append(errs, fmt.Errorf("SCAMBOT_WEBHOOK_SECRET: %w", err))
		}
	}
	if cat.Region(cfg.Region) == nil {
		var codes []string
		for _, r := range cat.Regions {
			codes = append(codes, r.Code)
		}
		errs = append(errs, fmt.Errorf("SCAMBOT_REGION: unknown region %q (known: %s)", cfg.Region, strings.Join(codes, ", ")))
	}
	if cfg.SessionTTL <= 0 {
		errs = append(errs, fmt.Errorf("SCAMBOT_SESSION_TTL: %v is not positive", cfg.SessionTTL))
	}
	return errors.Join(errs...)
}

// newLogger returns serve's logger: JSON lines unless the format is "text".
func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// atomicBot holds the bot once it is connected, for /readyz.
type atomicBot = atomic.Pointer[telegram.Bot]

// serveTuning adjusts serve for tests and benchmarks; the zero value is
// production.
type serveTuning struct {
	// telegram overrides the adapter's pacing and timing options (Limits,
	// Workers, Drain, PollTimeout, FloodPerMinute, RetryBase, RetryMax, Now).
	telegram telegram.Options
	// httpClient calls the Bot API; nil uses the adapter's default.
	httpClient *http.Client
	// listening, if set, is called with the HTTP address once it listens
	// (tests listen on port 0).
	listening func(addr string)
	// registry receives the metrics; nil makes a new one.
	registry *prometheus.Registry
	// watchInterval and watchQuiet override how often the content
	// directory is looked at and how long it must be quiet before a reload
	// (defaults 2 s and 1 s); a negative watchInterval turns the watch off.
	watchInterval, watchQuiet time.Duration
	// dbNow is the database's clock (row times, expiry); nil is time.Now.
	dbNow func() time.Time
	// expiryEvery overrides expiryInterval.
	expiryEvery time.Duration
}

// serve runs the bot until ctx is done. The shutdown order: the intake
// (poller or webhook) stops and the update in progress is committed; the
// scheduler sends what it can within its drain budget; the HTTP server shuts
// down; the database closes.
func serve(ctx context.Context, cfg Config, cat *catalogue.Catalogue, log *slog.Logger, tune serveTuning) (err error) {
	db, err := sqlite.Open(ctx, cfg.DB, sqlite.Options{Logger: log.With("component", "sqlite"), Now: tune.dbNow})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()

	reg := tune.registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if err := registerServeMetrics(reg, db, cfg.SessionTTL); err != nil {
		return err
	}

	webhookPath := ""
	if cfg.WebhookURL != "" {
		webhookPath, _ = telegram.WebhookPath(cfg.WebhookURL) // checked by checkServeConfig
	}
	var tg atomicBot
	ops := newOpsServer(reg, log.With("component", "http"), webhookPath,
		readyCheck{"database", db.Ping},
		readyCheck{"telegram", func(context.Context) error {
			b := tg.Load()
			switch {
			case b == nil:
				return errors.New("not connected (getMe has not succeeded)")
			case !b.Ready():
				return errors.New("not taking updates")
			}
			return nil
		}},
	)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on SCAMBOT_HTTP_ADDR: %w", err)
	}
	if tune.listening != nil {
		tune.listening(ln.Addr().String())
	}
	log.Info("serving HTTP", "addr", ln.Addr().String(), "webhook", webhookPath != "")

	g, gctx := errgroup.WithContext(ctx)
	botDone := make(chan struct{})
	g.Go(func() error { return ops.serve(ln, botDone) })
	g.Go(func() error {
		defer close(botDone)
		return runBot(gctx, cfg, cat, db, reg, log, tune, ops, &tg)
	})
	return g.Wait()
}

// runBot connects to Telegram and runs the intake, the scheduler and the
// expiry until ctx is done or one of them fails.
func runBot(ctx context.Context, cfg Config, cat *catalogue.Catalogue, db *sqlite.DB, reg *prometheus.Registry,
	log *slog.Logger, tune serveTuning, ops *opsServer, tg *atomicBot) error {
	api, err := telegram.DialRetry(ctx, cfg.TelegramToken, cfg.TelegramAPIURL, tune.httpClient, log.With("component", "telegram"))
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("connect to Telegram: %w", err)
	}
	opts := tune.telegram
	opts.Logger = log.With("component", "telegram")
	opts.Metrics = reg
	opts.HashID = db.HashUser
	opts.SessionTTL = cfg.SessionTTL
	opts.Region = cfg.Region
	opts.Community = tgCommunity{db}
	opts.WatchInterval = cfg.WatchInterval
	if model := newModel(cfg, cat, log, reg); model != nil {
		opts.Model = model // the model's second look at free text, off the intake's path
	}
	// The bot answers with a live catalogue that moderators can reload
	// (serve_moderate.go); each update takes one version.
	holder, mod := liveCatalogue(ctx, cfg, cat, db, log.With("component", "catalogue"))
	opts.Moderation = mod
	b, err := telegram.New(api, tgStore{db}, holder, opts)
	if err != nil {
		return err
	}
	tg.Store(b)
	log.Info("connected to Telegram", "bot", "@"+b.Username())

	g, gctx := errgroup.WithContext(ctx)
	// The scheduler runs on its own context, ended when the intake has
	// stopped: the last update's replies are then in the outbox to drain.
	schedCtx, stopSched := context.WithCancel(context.WithoutCancel(gctx))
	defer stopSched()
	g.Go(func() error {
		defer stopSched()
		if cfg.WebhookURL != "" {
			ops.setWebhook(b.WebhookHandler(cfg.WebhookSecret))
			return b.RunWebhook(gctx, cfg.WebhookURL, cfg.WebhookSecret)
		}
		return b.Poll(gctx)
	})
	g.Go(func() error { return b.Deliver(schedCtx) })
	if cfg.ContentDir != "" && tune.watchInterval >= 0 {
		g.Go(func() error { return watchCatalogue(gctx, holder, db, log.With("component", "catalogue"), tune) })
	}
	g.Go(func() error { return b.RunModel(gctx) })
	expiry := expiryInterval
	if tune.expiryEvery > 0 {
		expiry = tune.expiryEvery
	}
	g.Go(func() error { return db.RunExpiry(gctx, expiry, cfg.SessionTTL, cfg.Retention) })
	return g.Wait()
}

// registerServeMetrics adds the process, Go runtime and database gauges.
func registerServeMetrics(reg *prometheus.Registry, db *sqlite.DB, ttl time.Duration) error {
	gauge := func(name, help string, f func(context.Context) (int64, error)) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := f(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	}
	var errs []error
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		gauge("scambot_outbox_depth", "Replies queued and not yet delivered (-1 if the database cannot say).", db.OutboxDepth),
		gauge("scambot_conversations_active", "Conversations stored and not expired (-1 if the database cannot say).",
			func(ctx context.Context) (int64, error) { return db.CountSessions(ctx, time.Now().Add(-ttl)) }),
	} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("register metrics: %w", err)
	}
	return nil
}
