// Package loadgen is a small closed-loop load generator: a fixed number of
// clients, each sending its next request when the last one is answered,
// for a bounded time and a bounded number of requests. It records every
// latency (sorted samples, not buckets) and counts answers by status.
//
// Every connection it makes is to a loopback address; anything else is
// refused at dial time.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one request's outcome.
type Result struct {
	Status int
	Bytes  int64
	Err    error
	// Kind names the request in a mixed load ("day page", "post event").
	Kind string
}

// Stats is what a run measured.
type Stats struct {
	Requests int
	// Errors counts requests without an HTTP answer (transport errors).
	Errors   int
	ByStatus map[int]int
	// ByKind counts answers per request kind and status ("day page 200").
	ByKind  map[string]map[int]int
	Elapsed time.Duration
	Bytes   int64
	// FirstErrors keeps a few error messages to show.
	FirstErrors []string
	lat         []time.Duration
	kindLat     map[string][]time.Duration
}

// KindPercentile is Percentile for the requests of one kind.
func (s *Stats) KindPercentile(kind string, p float64) time.Duration {
	l := s.kindLat[kind]
	if len(l) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(l)))
	if i >= len(l) {
		i = len(l) - 1
	}
	return l[i]
}

// Kinds lists the request kinds seen, sorted.
func (s *Stats) Kinds() []string {
	var out []string
	for k := range s.ByKind {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// RPS is requests answered per second.
func (s *Stats) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests-s.Errors) / s.Elapsed.Seconds()
}

// Percentile returns the latency below which p (0..100) percent of the
// requests were answered.
func (s *Stats) Percentile(p float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(s.lat)))
	if i >= len(s.lat) {
		i = len(s.lat) - 1
	}
	return s.lat[i]
}

// OK counts answers with the given statuses.
func (s *Stats) OK(statuses ...int) int {
	n := 0
	for _, st := range statuses {
		n += s.ByStatus[st]
	}
	return n
}

// Options bound a run.
type Options struct {
	Clients  int
	Duration time.Duration
	// MaxRequests stops the run early; 0 means Duration alone bounds it.
	MaxRequests int
	// Warmup runs first and is not recorded.
	Warmup time.Duration
}

// Func sends one request: worker is the client's number, i the request's
// number across the run.
type Func func(ctx context.Context, worker, i int) Result

// Run runs fn from opts.Clients goroutines until the time or the request
// budget is spent.
func Run(ctx context.Context, opts Options, fn Func) *Stats {
	if opts.Clients <= 0 {
		opts.Clients = 1
	}
	if opts.Warmup > 0 {
		run(ctx, opts.Clients, opts.Warmup, 0, fn, false)
	}
	return run(ctx, opts.Clients, opts.Duration, opts.MaxRequests, fn, true)
}

type workerStats struct {
	lat      []time.Duration
	kindLat  map[string][]time.Duration
	byStatus map[int]int
	byKind   map[string]map[int]int
	errors   int
	bytes    int64
	errMsgs  []string
}

func run(ctx context.Context, clients int, d time.Duration, max int, fn Func, record bool) *Stats {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var next atomic.Int64
	per := make([]workerStats, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ws := &per[w]
			ws.byStatus = map[int]int{}
			ws.byKind = map[string]map[int]int{}
			ws.kindLat = map[string][]time.Duration{}
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if max > 0 && i >= max {
					return
				}
				t0 := time.Now()
				r := fn(ctx, w, i)
				el := time.Since(t0)
				if r.Err != nil && ctx.Err() != nil {
					return // cut short by the end of the run, not an error
				}
				if !record {
					continue
				}
				ws.lat = append(ws.lat, el)
				ws.bytes += r.Bytes
				if r.Err != nil {
					ws.errors++
					if len(ws.errMsgs) < 3 {
						ws.errMsgs = append(ws.errMsgs, r.Err.Error())
					}
				} else {
					ws.byStatus[r.Status]++
				}
				if r.Kind != "" {
					k := ws.byKind[r.Kind]
					if k == nil {
						k = map[int]int{}
						ws.byKind[r.Kind] = k
					}
					st := r.Status
					if r.Err != nil {
						st = -1
					}
					k[st]++
					ws.kindLat[r.Kind] = append(ws.kindLat[r.Kind], el)
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	parts := make([]*Stats, len(per))
	for i, ws := range per {
		parts[i] = &Stats{Requests: len(ws.lat), Errors: ws.errors, Bytes: ws.bytes, ByStatus: ws.byStatus, ByKind: ws.byKind,
			FirstErrors: ws.errMsgs, lat: ws.lat, kindLat: ws.kindLat}
	}
	s := Merge(parts...)
	s.Elapsed = elapsed
	return s
}

// ErrNotLoopback is returned when a request would leave this machine.
var ErrNotLoopback = errors.New("loadgen: only loopback addresses may be used")

// NewClient returns an HTTP client for conc concurrent clients: enough
// idle connections that none is closed and reopened, no transparent
// decompression (the bytes counted are the bytes sent, and the client
// spends no CPU inflating), no redirects followed, and dials refused
// unless to a loopback address.
func NewClient(conc int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("%w: %s", ErrNotLoopback, addr)
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConns:          conc * 2,
		MaxIdleConnsPerHost:   conc * 2,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ResponseHeaderTimeout: 30 * time.Second,
		ForceAttemptHTTP2:     false,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Do sends req and reads the whole body, returning the status and how
// many bytes came over the wire (compressed, if the server compressed).
func Do(hc *http.Client, req *http.Request) Result {
	resp, err := hc.Do(req)
	if err != nil {
		return Result{Err: err}
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return Result{Status: resp.StatusCode, Bytes: n, Err: err}
	}
	return Result{Status: resp.StatusCode, Bytes: n}
}

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// Merge is the runs taken as one: their answers together, over the sum of
// their times.
func Merge(runs ...*Stats) *Stats {
	s := &Stats{ByStatus: map[int]int{}, ByKind: map[string]map[int]int{}, kindLat: map[string][]time.Duration{}}
	for _, r := range runs {
		s.Requests += r.Requests
		s.Errors += r.Errors
		s.Elapsed += r.Elapsed
		s.Bytes += r.Bytes
		s.lat = append(s.lat, r.lat...)
		for k, v := range r.ByStatus {
			s.ByStatus[k] += v
		}
		for kind, m := range r.ByKind {
			if s.ByKind[kind] == nil {
				s.ByKind[kind] = map[int]int{}
			}
			for k, v := range m {
				s.ByKind[kind][k] += v
			}
		}
		for k, l := range r.kindLat {
			s.kindLat[k] = append(s.kindLat[k], l...)
		}
		for _, m := range r.FirstErrors {
			if len(s.FirstErrors) < 5 {
				s.FirstErrors = append(s.FirstErrors, m)
			}
		}
	}
	slices.Sort(s.lat)
	for _, l := range s.kindLat {
		slices.Sort(l)
	}
	return s
}
