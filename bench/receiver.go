package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// receiver is a supplier's webhook endpoint inside the bench process. It
// verifies both signatures with code independent of the service (the
// Standard Webhooks library, and PECS-SIGNATURE as upstream's receivers
// compute it: base64 of HMAC-SHA256 of the body under the secret text),
// checks that the ids in the headers are the body's, and notes when each
// notification first arrived and what it was about. It can be made slow
// or down (503) to stand for a struggling supplier.
type receiver struct {
	URL string
	srv *http.Server

	mu     sync.Mutex
	secret string
	wh     *standardwebhooks.Webhook
	delay  time.Duration
	down   bool
	// notes is every verified notification by id; byEvent the
	// notification ids that told of each event.
	notes    map[string]*received
	byEvent  map[string][]string
	requests int
	refused  int // answered 503 while down
	bad      int // failed verification or malformed
	badEg    string
}

// received is one notification as it arrived.
type received struct {
	First   time.Time
	Count   int
	Type    string
	MoveID  string
	EventID string
}

// startReceiver listens on a free loopback port.
func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{URL: "http://" + ln.Addr().String() + "/webhooks", notes: map[string]*received{}, byEvent: map[string][]string{}}
	rc.srv = &http.Server{Handler: rc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rc.srv.Serve(ln) }()
	return rc, nil
}

// Close stops listening.
func (rc *receiver) Close() { _ = rc.srv.Close() }

// SetSecret is the subscription's secret, as its supplier holds it.
func (rc *receiver) SetSecret(secret string) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	rc.mu.Lock()
	rc.secret, rc.wh = secret, wh
	rc.mu.Unlock()
	return nil
}

// SetDown makes it answer 503 to everything (down), or not.
func (rc *receiver) SetDown(down bool) { rc.mu.Lock(); rc.down = down; rc.mu.Unlock() }

// SetDelay makes it wait before answering (slow).
func (rc *receiver) SetDelay(d time.Duration) { rc.mu.Lock(); rc.delay = d; rc.mu.Unlock() }

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	at := time.Now()
	rc.mu.Lock()
	rc.requests++
	delay, down, wh, secret := rc.delay, rc.down, rc.wh, rc.secret
	rc.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if down {
		rc.mu.Lock()
		rc.refused++
		rc.mu.Unlock()
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	fail := func(why string) {
		rc.mu.Lock()
		rc.bad++
		if rc.badEg == "" {
			rc.badEg = why
		}
		rc.mu.Unlock()
		http.Error(w, why, http.StatusUnauthorized)
	}
	if err != nil || r.Method != http.MethodPost {
		fail(fmt.Sprintf("%s %v", r.Method, err))
		return
	}
	if wh == nil {
		fail("no secret yet")
		return
	}
	if err := wh.Verify(body, r.Header); err != nil {
		fail("webhook-signature: " + err.Error())
		return
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal([]byte(r.Header.Get("PECS-SIGNATURE")), []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil)))) {
		fail("PECS-SIGNATURE does not verify")
		return
	}
	var doc struct {
		Data struct {
			ID         string `json:"id"`
			Attributes struct {
				EventType string `json:"event_type"`
			} `json:"attributes"`
			Relationships struct {
				Move  struct{ Data struct{ ID string } } `json:"move"`
				Event struct{ Data struct{ ID string } } `json:"event"`
			} `json:"relationships"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Data.ID == "" ||
		doc.Data.ID != r.Header.Get("webhook-id") || doc.Data.ID != r.Header.Get("PECS-NOTIFICATION-ID") {
		fail("body and id headers disagree")
		return
	}
	rc.mu.Lock()
	n := rc.notes[doc.Data.ID]
	if n == nil {
		n = &received{First: at, Type: doc.Data.Attributes.EventType, MoveID: doc.Data.Relationships.Move.Data.ID,
			EventID: doc.Data.Relationships.Event.Data.ID}
		rc.notes[doc.Data.ID] = n
		if n.EventID != "" {
			rc.byEvent[n.EventID] = append(rc.byEvent[n.EventID], doc.Data.ID)
		}
	}
	n.Count++
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// receiverCounts is what has arrived so far.
type receiverCounts struct {
	Requests, Notifications, Repeats, Refused, Bad int
	BadExample                                     string
}

func (rc *receiver) Counts() receiverCounts {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	c := receiverCounts{Requests: rc.requests, Notifications: len(rc.notes), Refused: rc.refused, Bad: rc.bad, BadExample: rc.badEg}
	for _, n := range rc.notes {
		c.Repeats += n.Count - 1
	}
	return c
}

// EventArrival returns when the first notification of an event arrived.
func (rc *receiver) EventArrival(eventID string) (time.Time, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ids := rc.byEvent[eventID]
	if len(ids) == 0 {
		return time.Time{}, false
	}
	first := rc.notes[ids[0]].First
	for _, id := range ids[1:] {
		if t := rc.notes[id].First; t.Before(first) {
			first = t
		}
	}
	return first, true
}

// EventNotifications returns the distinct notification ids that told of
// an event (one, when ids are stable across attempts and restarts).
func (rc *receiver) EventNotifications(eventID string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.byEvent[eventID]...)
}

// missing returns the events not yet told of.
func (rc *receiver) missing(eventIDs []string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, id := range eventIDs {
		if len(rc.byEvent[id]) == 0 {
			out = append(out, id)
		}
	}
	return out
}

// WaitFor waits until every event has been told of, or the time is up,
// and returns those still missing. It looks every 20 ms, not at every
// arrival: with tens of thousands outstanding, a look per arrival took a
// core from the receiver and the server it measures.
func (rc *receiver) WaitFor(ctx context.Context, eventIDs []string, limit time.Duration) ([]string, error) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		missing := rc.missing(eventIDs)
		if len(missing) == 0 {
			return nil, nil
		}
		eventIDs = missing
		select {
		case <-ctx.Done():
			return missing, ctx.Err()
		case <-deadline.C:
			return missing, errors.New("timed out")
		case <-tick.C:
		}
	}
}
