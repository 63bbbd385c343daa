package web

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestInFlightCountsClientsRequests: a page, a form post or an API call
// counts while it is served and not after; static files, /health,
// /metrics and the demo receiver's deliveries never count. Busy is more
// in flight than CPUs; Saturated, saturatedPerCPU times the CPUs or more.
func TestInFlightCountsClientsRequests(t *testing.T) {
	var f InFlight
	e := echo.New()
	tests := []struct {
		method, path string
		counts       bool
	}{
		{http.MethodGet, "/moves", true},
		{http.MethodPost, "/moves/new", true},
		{http.MethodPost, "/api/events", true},
		{http.MethodGet, "/demo/webhooks", true},
		{http.MethodPost, "/demo/webhooks", false},
		{http.MethodGet, "/static/app.css", false},
		{http.MethodGet, "/health", false},
		{http.MethodGet, "/metrics", false},
	}
	for _, tt := range tests {
		var during int64
		h := f.middleware(func(echo.Context) error { during = f.n.Load(); return nil })
		c := e.NewContext(httptest.NewRequest(tt.method, tt.path, nil), httptest.NewRecorder())
		if err := h(c); err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if tt.counts {
			want = 1
		}
		if during != want {
			t.Errorf("%s %s: %d in flight while served, want %d", tt.method, tt.path, during, want)
		}
		if n := f.n.Load(); n != 0 {
			t.Errorf("%s %s: %d in flight after it was served", tt.method, tt.path, n)
		}
	}

	cpus := int64(runtime.GOMAXPROCS(0))
	f.n.Store(cpus)
	if f.Busy() {
		t.Errorf("busy with %d requests on %d CPUs", cpus, cpus)
	}
	f.n.Store(cpus + 1)
	if !f.Busy() {
		t.Errorf("not busy with %d requests on %d CPUs", cpus+1, cpus)
	}
	if f.Saturated() {
		t.Errorf("saturated with %d requests on %d CPUs", cpus+1, cpus)
	}
	f.n.Store(saturatedPerCPU*cpus - 1)
	if f.Saturated() {
		t.Errorf("saturated with %d requests on %d CPUs", saturatedPerCPU*cpus-1, cpus)
	}
	f.n.Store(saturatedPerCPU * cpus)
	if !f.Saturated() || !f.Busy() {
		t.Errorf("with %d requests on %d CPUs: saturated %v, busy %v; want both", saturatedPerCPU*cpus, cpus, f.Saturated(), f.Busy())
	}
}
