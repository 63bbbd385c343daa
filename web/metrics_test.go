package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/securemove/securemove/metrics"
	"github.com/securemove/securemove/web"
)

func TestMetricsCountRequestsByRouteBehindAToken(t *testing.T) {
	m := metrics.New(nil, nil)
	h := secHarness(t, web.Config{Metrics: m, MetricsToken: "scrape-token-0123456789"}, nil)
	do := func(method, path, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, h.ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get := func(path, token string) (int, string) { t.Helper(); return do(http.MethodGet, path, token) }
	get("/health", "")
	do(http.MethodHead, "/health", "") // counted as the HEAD it was
	get("/move/no-such-move", "")
	if code, _ := get("/metrics", ""); code != http.StatusUnauthorized {
		t.Fatalf("without the token: %d", code)
	}
	if code, _ := get("/metrics", "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("with a wrong token: %d", code)
	}
	code, body := get("/metrics", "scrape-token-0123456789")
	if code != http.StatusOK {
		t.Fatalf("with the token: %d", code)
	}
	for _, want := range []string{
		`securemove_http_requests_total{route="GET /health",status="200"} 1`,
		`securemove_http_requests_total{route="GET /move/:id",status="303"} 1`,
		`securemove_http_request_duration_seconds_count{route="GET /health"} 1`,
		`securemove_http_requests_total{route="HEAD /health",status="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Without a token configured, /metrics is not served on the main address.
	plain := secHarness(t, web.Config{Metrics: metrics.New(nil, nil)}, nil)
	resp, err := http.Get(plain.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatal("/metrics served without a token configured")
	}
}
