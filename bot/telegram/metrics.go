package telegram

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the bot's Prometheus series. They are registered on the
// registry the caller passes in Options.Metrics (never the global one); with
// none they are kept but not exported.
type metrics struct {
	updates      *prometheus.CounterVec   // by update type and what it carried
	duplicates   prometheus.Counter       // updates seen again and skipped
	replies      *prometheus.CounterVec   // delivered replies, by kind
	sendLatency  *prometheus.HistogramVec // by method
	rateLimited  prometheus.Counter       // 429 answers
	retries      prometheus.Counter       // sends retried after a failure
	sendFailures *prometheus.CounterVec   // sends given up, by reason
	assessments  *prometheus.CounterVec   // results shown, by level
	throttled    prometheus.Counter       // incoming updates ignored by flood control
	pollErrors   *prometheus.CounterVec   // getUpdates failures, by outcome
	handleErrors prometheus.Counter       // updates whose processing failed (and will be retried)
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_telegram_updates_total",
			Help: "Telegram updates received, by update type and content.",
		}, []string{"type", "content"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_telegram_duplicate_updates_total",
			Help: "Updates received again after they were processed, and skipped.",
		}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_telegram_replies_total",
			Help: "Messages delivered to Telegram, by reply kind.",
		}, []string{"kind"}),
		sendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scambot_telegram_send_duration_seconds",
			Help:    "Duration of outgoing Bot API calls, by method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_telegram_rate_limited_total",
			Help: "Bot API answers 429 Too Many Requests.",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_telegram_send_retries_total",
			Help: "Outgoing calls scheduled again after a failure (429, 5xx, network).",
		}),
		sendFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_telegram_send_failures_total",
			Help: "Outgoing calls given up, by reason (blocked, permanent, expired).",
		}, []string{"reason"}),
		assessments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_assessments_total",
			Help: "Assessment results shown to users, by level.",
		}, []string{"level"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_telegram_throttled_updates_total",
			Help: "Updates ignored because one user sent too many too fast.",
		}),
		pollErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_telegram_poll_errors_total",
			Help: "getUpdates failures, by kind.",
		}, []string{"kind"}),
		handleErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_telegram_handle_errors_total",
			Help: "Updates whose processing failed and will be retried.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.updates, m.duplicates, m.replies, m.sendLatency, m.rateLimited,
		m.retries, m.sendFailures, m.assessments, m.throttled, m.pollErrors, m.handleErrors} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	return m, nil
}
