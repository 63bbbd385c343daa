package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Sink is a demo receiver: it verifies both signatures of every arrival
// against one secret and keeps the last few in memory for a page to show.
// It answers 204 when either signature verifies, 401 otherwise (so a
// misconfigured secret shows up as retries, as it would for a supplier).
type Sink struct {
	secret    string
	keep      int
	clock     Clock
	tolerance time.Duration

	mu       sync.Mutex
	arrivals []Arrival // newest last
}

// Arrival is one request the Sink received.
type Arrival struct {
	ID          string // webhook-id (or PECS-NOTIFICATION-ID)
	At          time.Time
	StandardOK  bool   // webhook-signature verified, timestamp in tolerance
	PECSOK      bool   // PECS-SIGNATURE verified
	Problem     string // why a check failed, "" when both passed
	EventType   string
	Body        string
	ContentType string
}

// sinkBodyLimit bounds what one arrival may hold.
const sinkBodyLimit = 64 << 10

// NewSink makes a receiver for secret keeping the last keep arrivals.
func NewSink(secret string, keep int, clock Clock) (*Sink, error) {
	if err := ValidateSecret(secret); err != nil {
		return nil, err
	}
	if keep <= 0 {
		keep = 50
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &Sink{secret: secret, keep: keep, clock: clock, tolerance: 5 * time.Minute}, nil
}

// Arrivals returns what was received, newest first.
func (s *Sink) Arrivals() []Arrival {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Arrival, len(s.arrivals))
	for i, a := range s.arrivals {
		out[len(out)-1-i] = a
	}
	return out
}

// Clear forgets every arrival: a demo reset (POST /test/reset) calls it,
// so that what arrived before does not show as the next test's.
func (s *Sink) Clear() {
	s.mu.Lock()
	s.arrivals = nil
	s.mu.Unlock()
}

// ServeHTTP takes POSTs; a GET lists arrivals as plain text, handy when the
// sink runs on its own from the command line.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		s.list(w)
		return
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sinkBodyLimit))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	now := s.clock.Now()
	a := Arrival{
		ID:          r.Header.Get(HeaderWebhookID),
		At:          now,
		Body:        string(body),
		ContentType: r.Header.Get("Content-Type"),
	}
	if a.ID == "" {
		a.ID = r.Header.Get(HeaderPECSID)
	}
	var problems []error
	if err := VerifyStandard(s.secret, r.Header, body, now, s.tolerance); err != nil {
		problems = append(problems, fmt.Errorf("webhook-signature: %w", err))
	} else {
		a.StandardOK = true
	}
	if err := VerifyPECS(s.secret, r.Header, body); err != nil {
		problems = append(problems, fmt.Errorf("PECS-SIGNATURE: %w", err))
	} else {
		a.PECSOK = true
	}
	if err := errors.Join(problems...); err != nil {
		a.Problem = err.Error()
	}
	var doc struct {
		Data struct {
			Attributes struct {
				EventType string `json:"event_type"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &doc) == nil {
		a.EventType = doc.Data.Attributes.EventType
	}
	s.mu.Lock()
	s.arrivals = append(s.arrivals, a)
	if len(s.arrivals) > s.keep {
		s.arrivals = append([]Arrival(nil), s.arrivals[len(s.arrivals)-s.keep:]...)
	}
	s.mu.Unlock()
	if !a.StandardOK && !a.PECSOK {
		http.Error(w, "signature not verified", http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sink) list(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, a := range s.Arrivals() {
		fmt.Fprintf(w, "%s  %s  %s  standard:%s pecs:%s\n", a.At.UTC().Format(time.RFC3339), a.ID, a.EventType, yes[a.StandardOK], yes[a.PECSOK])
		if a.Problem != "" {
			fmt.Fprintf(w, "    %s\n", a.Problem)
		}
	}
}

// ServeSink runs the sink on addr until ctx ends: the body of the
// `securemove webhook-sink` command. ready, if not nil, gets the address
// actually listened on (useful with ":0").
func ServeSink(ctx context.Context, addr string, s *Sink, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
