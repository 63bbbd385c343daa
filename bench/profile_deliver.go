package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
)

// runDeliverProfile is `bench profile deliver`: what delivering costs the
// service, apart from taking the events in. It fills the outbox with the
// notifications of PROFILE_NOTIFICATIONS events (Serco's, on moves that
// cross to GEOAmey, which has a webhook subscription), then runs the
// delivery worker under the CPU profiler until a receiver in this process
// has had every one. The receiver answers 204 without checking anything,
// so what the profile shows beside it is the worker and the store.
func runDeliverProfile(ctx context.Context, n int) error {
	want := envInt("PROFILE_NOTIFICATIONS", 20_000)
	p, err := openInProcess(ctx, n, "profile")
	if err != nil {
		return err
	}
	defer p.Close()
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key := base64.StdEncoding.EncodeToString(raw)
	sealer, err := notify.ParseKeys(key)
	if err != nil {
		return err
	}
	if _, _, err := p.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "geoamey", CallbackURL: rcv.URL + "/webhooks"},
		sealer, "bench"); err != nil {
		return err
	}
	mk, err := p.requests(ctx, "events-cross")
	if err != nil {
		return err
	}
	logf("posting %d events to fill the outbox...", want)
	var next atomic.Int64
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(want) {
				if rec := p.serve(mk()); rec.Code != http.StatusCreated {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		return fmt.Errorf("deliver: %d events refused", bad.Load())
	}
	count, _, err := p.st.Outbox().Undelivered()
	if err != nil {
		return err
	}
	w, _, err := notify.NewWorker(notify.Options{SecretsKey: key, AllowPrivate: true, Outbox: p.st.Outbox(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://127.0.0.1"})
	if err != nil {
		return err
	}
	path := outPath("deliver.pprof")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(wctx) }()
	start := time.Now()
	for got.Load() < int64(count) && time.Since(start) < 2*time.Minute {
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start)
	stop()
	<-done
	pprof.StopCPUProfile()
	left, _, err := p.st.Outbox().Undelivered()
	if err != nil {
		return err
	}
	fmt.Printf("deliver: %d notifications delivered in %s (%.0f/s), %d left undelivered; profile in %s\n\n",
		got.Load(), el.Round(time.Millisecond), float64(got.Load())/el.Seconds(), left, path)
	out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=60", path).CombinedOutput()
	fmt.Println(string(out))
	return err
}
