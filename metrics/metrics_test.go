package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type fakeStats struct {
	n      int
	oldest time.Time
	err    error
}

func (f *fakeStats) Undelivered() (int, time.Time, error) { return f.n, f.oldest, f.err }

func scrape(t *testing.T, h http.Handler, auth string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return rec.Code, nil
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parsing exposition: %v", err)
	}
	return rec.Code, fams
}

// value finds the sample of family name whose labels match.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no family %s", name)
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no %s sample with %v", name, labels)
	return 0
}

func TestExposition(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	stats := &fakeStats{n: 7, oldest: now.Add(-90 * time.Second)}
	m := New(stats, func() time.Time { return now })
	m.ObserveHTTP("GET /api/moves", 200, 30*time.Millisecond)
	m.ObserveHTTP("GET /api/moves", 200, 3*time.Second)
	m.ObserveHTTP("GET /api/moves", 401, time.Millisecond)
	m.EventAccepted()
	m.EventAccepted()
	m.EventRefused("invalid")
	m.ObserveDelivery("webhook", "success")
	m.ObserveDelivery("webhook", "retry")
	m.ObserveDelivery("webhook", "retry")
	m.ObserveDelivery("email", "failed")

	code, fams := scrape(t, m.Handler("tok"), "Bearer tok")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"securemove_http_requests_total", map[string]string{"route": "GET /api/moves", "status": "200"}, 2},
		{"securemove_http_requests_total", map[string]string{"route": "GET /api/moves", "status": "401"}, 1},
		{"securemove_http_request_duration_seconds", map[string]string{"route": "GET /api/moves"}, 3},
		{"securemove_events_total", map[string]string{"result": "accepted"}, 2},
		{"securemove_events_total", map[string]string{"result": "refused", "reason": "invalid"}, 1},
		{"securemove_notification_deliveries_total", map[string]string{"channel": "webhook", "outcome": "retry"}, 2},
		{"securemove_notification_deliveries_total", map[string]string{"channel": "webhook", "outcome": "success"}, 1},
		{"securemove_notification_deliveries_total", map[string]string{"channel": "email", "outcome": "failed"}, 1},
		{"securemove_outbox_depth", nil, 7},
		{"securemove_outbox_oldest_age_seconds", nil, 90},
	} {
		if got := value(t, fams, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The slow request lands above the 2.5 s bucket only.
	for _, m := range fams["securemove_http_request_duration_seconds"].GetMetric() {
		for _, b := range m.GetHistogram().GetBucket() {
			if b.GetUpperBound() == 2.5 && b.GetCumulativeCount() != 2 {
				t.Errorf("le=2.5 bucket holds %d, want 2", b.GetCumulativeCount())
			}
		}
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("Go runtime metrics missing")
	}

	// Empty outbox: age 0, not the age of the zero time.
	stats.n, stats.oldest = 0, time.Time{}
	_, fams = scrape(t, m.Handler("tok"), "Bearer tok")
	if got := value(t, fams, "securemove_outbox_oldest_age_seconds", nil); got != 0 {
		t.Errorf("empty outbox age = %v", got)
	}
	// A failing store query drops the outbox gauges, not the scrape.
	stats.err = errors.New("database is locked")
	code, fams = scrape(t, m.Handler("tok"), "Bearer tok")
	if code != 200 {
		t.Fatalf("scrape with failing stats: status %d", code)
	}
	if _, ok := fams["securemove_outbox_depth"]; ok {
		t.Error("outbox depth reported despite the error")
	}
	if _, ok := fams["securemove_events_total"]; !ok {
		t.Error("other metrics lost when the outbox query failed")
	}
}

func TestHandlerNeedsToken(t *testing.T) {
	m := New(nil, nil)
	for _, c := range []struct {
		token, auth string
		want        int
	}{
		{"tok", "", http.StatusUnauthorized},
		{"tok", "Bearer nope", http.StatusUnauthorized},
		{"tok", "Bearer tokx", http.StatusUnauthorized},
		{"tok", "Basic dG9rOg==", http.StatusUnauthorized},
		{"tok", "tok", http.StatusUnauthorized},
		{"tok", "Bearer tok", http.StatusOK},
		{"", "Bearer ", http.StatusNotFound},
		{"", "", http.StatusNotFound},
	} {
		if code, _ := scrape(t, m.Handler(c.token), c.auth); code != c.want {
			t.Errorf("token %q, Authorization %q: status %d, want %d", c.token, c.auth, code, c.want)
		}
	}
}

// The page cache's counts are read when scraped, so they follow the cache.
func TestPageCacheCounts(t *testing.T) {
	m := New(nil, nil)
	hits, misses := int64(3), int64(1)
	m.PageCache(func() int64 { return hits }, func() int64 { return misses })
	_, fams := scrape(t, m.Handler("tok"), "Bearer tok")
	if h, ms := value(t, fams, "securemove_page_cache_requests_total", map[string]string{"result": "hit"}),
		value(t, fams, "securemove_page_cache_requests_total", map[string]string{"result": "miss"}); h != 3 || ms != 1 {
		t.Errorf("hit %v, miss %v; want 3 and 1", h, ms)
	}
	hits = 10
	_, fams = scrape(t, m.Handler("tok"), "Bearer tok")
	if h := value(t, fams, "securemove_page_cache_requests_total", map[string]string{"result": "hit"}); h != 10 {
		t.Errorf("hit %v after more hits, want 10", h)
	}
}
