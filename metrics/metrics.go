// Package metrics defines the service's Prometheus collectors and the
// token-protected /metrics handler. It knows nothing of echo or the store:
// the server calls ObserveHTTP from its middleware, the API calls
// EventAccepted/EventRefused, the notification worker reports through
// ObserveDelivery, and the store feeds the outbox gauges through OutboxStats.
package metrics

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// OutboxStats is implemented by the store: how many notifications are
// neither delivered nor given up, and when the oldest of them was created
// (zero time when there are none).
type OutboxStats interface {
	Undelivered() (count int, oldest time.Time, err error)
}

// Metrics holds the collectors on their own registry (no global state, so
// tests and several servers in one process do not collide).
type Metrics struct {
	Registry *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	events       *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
}

// New registers every collector. stats may be nil (no outbox gauges); now
// defaults to time.Now and dates the oldest notification.
func New(stats OutboxStats, now func() time.Time) *Metrics {
	if now == nil {
		now = time.Now
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "securemove_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "securemove_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "securemove_events_total",
			Help: "Events posted, by result (accepted or refused) and refusal reason code.",
		}, []string{"result", "reason"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "securemove_notification_deliveries_total",
			Help: "Notification delivery attempts by channel (webhook, email) and outcome (success, retry, failed, disabled).",
		}, []string{"channel", "outcome"}),
	}
	m.Registry.MustRegister(m.httpRequests, m.httpDuration, m.events, m.deliveries,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if stats != nil {
		m.Registry.MustRegister(&outboxCollector{stats: stats, now: now})
	}
	return m
}

// PageCache exposes the page cache's counts, read when scraped:
// securemove_page_cache_requests_total{result="hit"|"miss"}, the share of
// kept pages served from memory (a busy day's events make pages miss).
func (m *Metrics) PageCache(hits, misses func() int64) {
	for _, c := range []struct {
		result string
		n      func() int64
	}{{"hit", hits}, {"miss", misses}} {
		m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "securemove_page_cache_requests_total",
			Help:        "Requests for kept pages (day lists, move pages) by result: served from the page cache (hit) or rendered (miss).",
			ConstLabels: prometheus.Labels{"result": c.result},
		}, func() float64 { return float64(c.n()) }))
	}
}

// ObserveHTTP counts one request. route is the route pattern (e.g.
// "GET /api/moves/:id"), never the raw path, to keep label values few.
func (m *Metrics) ObserveHTTP(route string, status int, dur time.Duration) {
	m.httpRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(dur.Seconds())
}

// EventAccepted counts an event that was recorded.
func (m *Metrics) EventAccepted() { m.events.WithLabelValues("accepted", "").Inc() }

// EventRefused counts an event that was refused, by its error code
// (e.g. "invalid", "conflict", "forbidden").
func (m *Metrics) EventRefused(reason string) { m.events.WithLabelValues("refused", reason).Inc() }

// ObserveDelivery counts one delivery attempt; it satisfies notify.Observer.
func (m *Metrics) ObserveDelivery(channel, outcome string) {
	m.deliveries.WithLabelValues(channel, outcome).Inc()
}

// Handler serves the exposition format to requests bearing
// "Authorization: Bearer <token>" (compared in constant time). An empty
// token turns the endpoint off: every request gets 404, so metrics are
// never public by accident.
func (m *Metrics) Handler(token string) http.Handler {
	// ContinueOnError: a failing outbox query must not hide every other metric.
	inner := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" {
			http.NotFound(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// outboxCollector asks the store once per scrape and reports both gauges,
// so a scrape costs one query and the two values agree.
type outboxCollector struct {
	stats OutboxStats
	now   func() time.Time
}

var (
	depthDesc = prometheus.NewDesc("securemove_outbox_depth",
		"Notifications neither delivered nor given up.", nil, nil)
	ageDesc = prometheus.NewDesc("securemove_outbox_oldest_age_seconds",
		"Age of the oldest undelivered notification (0 when none).", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- depthDesc
	ch <- ageDesc
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	n, oldest, err := c.stats.Undelivered()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(depthDesc, err)
		return
	}
	age := 0.0
	if n > 0 && !oldest.IsZero() {
		age = c.now().Sub(oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age)
}
