package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tend-crm/tend/bot"
)

// metrics are what /metrics shows, on a registry of their own so that
// nothing else in the process can add to it by accident.
type metrics struct {
	reg       *prometheus.Registry
	handled   *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	reminders *prometheus.CounterVec
	errs      *prometheus.CounterVec
	retries   *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tend_messages_handled_total",
			Help: "Messages and button presses handled, by platform and intent.",
		}, []string{"platform", "intent"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tend_reply_latency_seconds",
			Help:    "Time from a message reaching the router to its replies being ready, by platform.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"platform"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tend_reminders_total",
			Help: "Reminders (digests, follow-up pings) handed to a platform, by outcome: sent or failed.",
		}, []string{"outcome"}),
		errs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tend_platform_errors_total",
			Help: "Platform API calls that failed: no answer, or an HTTP error status other than 429.",
		}, []string{"platform"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tend_platform_retries_total",
			Help: "Platform API calls answered 429 Too Many Requests, which the adapters retry after the time asked.",
		}, []string{"platform"}),
	}
	m.reg.MustRegister(m.handled, m.latency, m.reminders, m.errs, m.retries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observer is the router's Observe hook: the metrics, and the one info line
// per handled message (never its text).
func (m *metrics) observer(logger *slog.Logger) func(bot.Platform, string, time.Duration) {
	return func(p bot.Platform, intent string, took time.Duration) {
		m.handled.WithLabelValues(string(p), intent).Inc()
		m.latency.WithLabelValues(string(p)).Observe(took.Seconds())
		logger.Info("message handled", bot.LogKeyPlatform, p, "intent", intent, "latency_ms", float64(took.Microseconds())/1000)
	}
}

// countSends wraps the reminders' notifier to count what they send. The
// scheduler only sends; it does not edit.
type countSends struct {
	bot.Notifier
	m *metrics
}

func (c countSends) Send(ctx context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	ref, err := c.Notifier.Send(ctx, to, r)
	outcome := "sent"
	if err != nil && ref.ID == "" {
		outcome = "failed"
	}
	c.m.reminders.WithLabelValues(outcome).Inc()
	return ref, err
}

// client returns an HTTP client for a platform's API calls that counts
// its failures and 429s; timeout is the client's (zero: each call's own).
func (m *metrics) client(p bot.Platform, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: countCalls{http.DefaultTransport, m, string(p)}}
}

type countCalls struct {
	next     http.RoundTripper
	m        *metrics
	platform string
}

func (c countCalls) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	switch {
	case err != nil && r.Context().Err() != nil:
		// Cancelled by us (shutdown, the end of a long poll): not the
		// platform's failure.
	case err != nil || resp.StatusCode >= 400 && resp.StatusCode != http.StatusTooManyRequests:
		c.m.errs.WithLabelValues(c.platform).Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		c.m.retries.WithLabelValues(c.platform).Inc()
	}
	return resp, err
}

// pinger is the store's health check.
type pinger interface {
	Ping(ctx context.Context) error
}

// connector is an adapter's health check.
type connector interface {
	Connected() bool
}

// healthTimeout bounds the database check of one /healthz request.
const healthTimeout = 2 * time.Second

// adminHandler serves /healthz and /metrics. /healthz answers 200 when the
// database answers a trivial query and every adapter is connected, and 503
// with the reason otherwise, and while shutting down (ctx ended).
func adminHandler(ctx context.Context, db pinger, adapters map[bot.Platform]connector, m *metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		reason := ""
		pctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if ctx.Err() != nil {
			reason = "shutting down"
		} else if err := db.Ping(pctx); err != nil {
			reason = "database: " + err.Error()
		} else {
			for p, a := range adapters {
				if !a.Connected() {
					reason = string(p) + ": not connected"
					break
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		body := map[string]string{"status": "ok"}
		if reason != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			body = map[string]string{"status": "unavailable", "reason": reason}
		}
		json.NewEncoder(w).Encode(body)
	})
	return mux
}

// adminServer is the admin listener, started with startAdmin.
type adminServer struct {
	srv  *http.Server
	done chan error
}

// startAdmin listens on addr and serves h until shutdown is called.
func startAdmin(addr string, h http.Handler, logger *slog.Logger) (*adminServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	a := &adminServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { a.done <- a.srv.Serve(ln) }()
	logger.Info("admin listening", "addr", ln.Addr().String())
	return a, nil
}

// shutdown stops the listener, letting requests in progress finish.
func (a *adminServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	err := a.srv.Shutdown(ctx)
	if serr := <-a.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}
