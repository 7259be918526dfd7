package llm

import (
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Call results, the values of scambot_llm_calls_total's "result" label.
const (
	resultOK       = "ok"
	resultError    = "error"
	resultTimeout  = "timeout"
	resultCacheHit = "cache_hit"
)

// Reasons a proposed signal is dropped, the values of
// scambot_llm_dropped_total's "reason" label.
const (
	dropUnknownID  = "unknown_id"  // not in the vocabulary, or not an object with an id
	dropBenign     = "benign"      // a benign signal: the model may only add risk
	dropNoEvidence = "no_evidence" // the quote is not in the user's text, or says too little
)

// metrics are the Reader's Prometheus collectors. A nil *metrics counts
// nothing.
type metrics struct {
	calls   *prometheus.CounterVec
	latency prometheus.Histogram
	signals prometheus.Counter
	dropped *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_llm_calls_total",
			Help: "Model reads of free text, by result: ok, error, timeout or cache_hit.",
		}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "scambot_llm_latency_seconds",
			Help:    "Time of the calls to the model that were not answered from the cache.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 9), // 50 ms to 12.8 s
		}),
		signals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scambot_llm_signals_total",
			Help: "Signals the model added that passed validation.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scambot_llm_dropped_total",
			Help: "Signals the model proposed that were dropped, by reason: unknown_id, benign or no_evidence.",
		}, []string{"reason"}),
	}
	m.calls = register(reg, log, m.calls)
	m.latency = register(reg, log, m.latency)
	m.signals = register(reg, log, m.signals)
	m.dropped = register(reg, log, m.dropped)
	// Every series from the start, so that rates and alerts see zeros.
	for _, r := range []string{resultOK, resultError, resultTimeout, resultCacheHit} {
		m.calls.WithLabelValues(r)
	}
	for _, r := range []string{dropUnknownID, dropBenign, dropNoEvidence} {
		m.dropped.WithLabelValues(r)
	}
	return m
}

// register registers c, or returns the collector already registered under
// its name: a Reader rebuilt for a reloaded catalogue keeps counting in the
// same series.
func register[C prometheus.Collector](reg prometheus.Registerer, log *slog.Logger, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if old, ok := are.ExistingCollector.(C); ok {
			return old
		}
	}
	log.Warn("metric not registered", "err", err)
	return c
}

func (m *metrics) call(result string) {
	if m != nil {
		m.calls.WithLabelValues(result).Inc()
	}
}

func (m *metrics) observe(seconds float64) {
	if m != nil {
		m.latency.Observe(seconds)
	}
}

func (m *metrics) added(n int) {
	if m != nil && n > 0 {
		m.signals.Add(float64(n))
	}
}

func (m *metrics) drop(reason string) {
	if m != nil {
		m.dropped.WithLabelValues(reason).Inc()
	}
}
