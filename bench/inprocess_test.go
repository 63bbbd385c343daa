package main

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/securemove/securemove/bench/internal/server"
)

// BenchmarkPages serves each page rendered afresh in-process, on the
// cached benchmark database of BENCH_MOVES moves (default 10,000; built
// on first use into bench/out), one request at a time: the CPU and the
// allocations of one page, which stay comparable on a busy machine where
// wall-clock rates do not.
//
//	go test ./bench -run '^$' -bench Pages -benchmem
func BenchmarkPages(b *testing.B) {
	if err := os.Chdir(".."); err != nil {
		b.Fatal(err)
	}
	defer os.Chdir("bench")
	ctx := context.Background()
	p, err := openInProcess(ctx, envInt("BENCH_MOVES", 10_000), "gobench")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for _, kind := range []string{"day", "day-fresh", "move", "move-fresh", "review", "home-pmu", "home-police", "home-prison",
		"home-court", "home-supplier", "api-moves"} {
		mk, err := p.requests(ctx, kind)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			// CPU time, which a busy machine disturbs less than the clock.
			c0, _ := server.ProcCPU(os.Getpid())
			for b.Loop() {
				if rec := p.serve(mk()); rec.Code != http.StatusOK {
					b.Fatalf("%s answered %d: %s", kind, rec.Code, firstLine(rec.Body.String()))
				}
			}
			c1, _ := server.ProcCPU(os.Getpid())
			b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestInProcessKinds checks that every kind the profiler and the
// benchmarks serve is a real page: 200, and what the page is about in it.
func TestInProcessKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 10,000-move benchmark database when it is missing")
	}
	if err := os.Chdir(".."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir("bench")
	ctx := context.Background()
	p, err := openInProcess(ctx, 10_000, "gotest")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	want := map[string]string{
		"day": `class="app-card app-move-card"`, "day-fresh": `class="app-card app-move-card"`,
		"move": `data-event-type=`, "move-fresh": `data-event-type=`, "review": "Requests to review",
		"home-pmu": "Incoming moves", "home-police": "Outgoing moves", "home-prison": "Outgoing moves",
		"home-court": "Incoming moves", "home-supplier": "Moves your supplier carries out", "home-admin": "Service administration",
		"api-moves": `"type":"people"`, "events": `"type":"events"`,
		"events-cross": `"type":"events"`, "events-sub": `"type":"events"`,
	}
	for _, kind := range profileKinds {
		mk, err := p.requests(ctx, kind)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		req := mk()
		req.Header.Del("Accept-Encoding")
		rec := p.serve(req)
		if rec.Code/100 != 2 || !strings.Contains(rec.Body.String(), want[kind]) {
			t.Errorf("%s: %d, want 2xx showing %q: %s", kind, rec.Code, want[kind], firstLine(rec.Body.String()))
		}
	}
}
