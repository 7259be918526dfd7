package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// shutdownBudget bounds http.Server.Shutdown: requests in progress (a
// webhook delivery being committed) get this long to finish.
const shutdownBudget = 10 * time.Second

// opsServer is serve's HTTP side: health, readiness, metrics and, in
// webhook mode, Telegram's deliveries.
//
//	/healthz  200 while the process runs
//	/readyz   200 when the database answers, getMe succeeded and updates
//	          are being taken (poller or webhook running); else 503 with
//	          what is missing
//	/metrics  Prometheus text format, from the registry serve made
type opsServer struct {
	mux     *http.ServeMux
	log     *slog.Logger
	checks  []readyCheck
	webhook atomic.Pointer[http.Handler] // nil until the bot is connected
}

// A readyCheck is one condition of /readyz; it returns nil when met.
type readyCheck struct {
	name  string
	check func(context.Context) error
}

func newOpsServer(reg *prometheus.Registry, log *slog.Logger, webhookPath string, checks ...readyCheck) *opsServer {
	o := &opsServer{mux: http.NewServeMux(), log: log, checks: checks}
	o.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	o.mux.HandleFunc("GET /readyz", o.ready)
	o.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	if webhookPath != "" {
		pattern := "POST " + webhookPath
		if webhookPath == "/" {
			pattern = "POST /{$}"
		}
		o.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			h := o.webhook.Load()
			if h == nil {
				// Not connected to Telegram yet: Telegram will deliver again.
				w.Header().Set("Retry-After", "5")
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			(*h).ServeHTTP(w, r)
		})
	}
	return o
}

// setWebhook installs the handler for webhook deliveries.
func (o *opsServer) setWebhook(h http.Handler) { o.webhook.Store(&h) }

func (o *opsServer) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var failed []string
	for _, c := range o.checks {
		if err := c.check(ctx); err != nil {
			failed = append(failed, c.name+": "+err.Error())
		}
	}
	if len(failed) > 0 {
		http.Error(w, "not ready\n"+strings.Join(failed, "\n"), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// serve answers on ln until stop is closed, then shuts down gracefully
// within shutdownBudget. It returns the server's error if it fails before.
func (o *opsServer) serve(ln net.Listener, stop <-chan struct{}) error {
	srv := &http.Server{
		Handler:           o.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(o.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }() // ends when Shutdown closes ln
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownBudget)
	defer cancel()
	err := srv.Shutdown(ctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("http server shutdown: %w", err)
	}
	return nil
}
