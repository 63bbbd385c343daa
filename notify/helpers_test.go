package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// fakeClock moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	// Real "now", so the official library's 5-minute tolerance holds.
	return &fakeClock{t: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// memOutbox is an in-memory Outbox following the contract in outbox.go.
type memOutbox struct {
	mu       sync.Mutex
	subs     map[string]*Subscription
	notes    []*memNote
	attempts []Attempt
	disabled []string
	// claims and records count the calls: each is one transaction.
	claims, records int
}

type memNote struct {
	n         Notification
	next      time.Time
	done      bool
	delivered bool
}

func newMemOutbox(subs ...Subscription) *memOutbox {
	m := &memOutbox{subs: map[string]*Subscription{}}
	for _, s := range subs {
		m.subs[s.ID] = &s
	}
	return m
}

func (m *memOutbox) add(n Notification, due time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notes = append(m.notes, &memNote{n: n, next: due})
}

func (m *memOutbox) Claim(_ context.Context, req ClaimRequest) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.claims++
	per := max(req.PerSubscription, 1)
	cands := []*memNote{}
	for _, mn := range m.notes {
		s := m.subs[mn.n.SubscriptionID]
		if mn.done || mn.next.After(req.Now) || s == nil || !s.Enabled ||
			!slices.Contains(req.Channels, mn.n.Channel) || slices.Contains(req.Exclude, s.ID) {
			continue
		}
		cands = append(cands, mn)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].next.Before(cands[j].next) })
	taken := map[string]int{}
	var out []Delivery
	for _, mn := range cands {
		sub := mn.n.SubscriptionID
		if _, ok := taken[sub]; !ok && len(taken) >= req.Limit || taken[sub] >= per {
			continue
		}
		taken[sub]++
		out = append(out, Delivery{Notification: mn.n, Subscription: *m.subs[sub], Due: mn.next})
		mn.next = req.LeaseUntil
	}
	return out, nil
}

func (m *memOutbox) Record(_ context.Context, r Results) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records++
	for _, a := range r.Attempts {
		m.attempts = append(m.attempts, a)
		if a.Outcome == Disabled {
			m.subs[a.SubscriptionID].Enabled = false
			m.disabled = append(m.disabled, a.SubscriptionID)
		}
		mn := m.note(a.NotificationID)
		mn.n.Attempts = a.Number
		switch a.Outcome {
		case Delivered:
			mn.done, mn.delivered = true, true
		case Retry:
			mn.next = a.NextAttemptAt
		default:
			mn.done = true
		}
	}
	for _, rl := range r.Released {
		if mn := m.note(rl.NotificationID); !mn.done && mn.next.Equal(rl.LeaseUntil) {
			mn.next = rl.Due
		}
	}
	return nil
}

// claimed says whether id is leased: claimed, not yet recorded or handed
// back.
func (m *memOutbox) claimed(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	mn := m.note(id)
	return !mn.done && mn.next.After(time.Now())
}

func (m *memOutbox) note(id string) *memNote {
	for _, mn := range m.notes {
		if mn.n.ID == id {
			return mn
		}
	}
	panic("no notification " + id)
}

func (m *memOutbox) attemptsFor(id string) []Attempt {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Attempt
	for _, a := range m.attempts {
		if a.NotificationID == id {
			out = append(out, a)
		}
	}
	return out
}

func (m *memOutbox) delivered(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mn := range m.notes {
		if mn.n.ID == id {
			return mn.delivered
		}
	}
	return false
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

func testSealer(t *testing.T) *Sealer {
	t.Helper()
	s, err := NewSealer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newSecret(t *testing.T) string {
	t.Helper()
	s, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// subscription builds an enabled subscription with sealed secrets.
func subscription(t *testing.T, s *Sealer, id, url string, secrets ...string) Subscription {
	t.Helper()
	sub := Subscription{ID: id, SupplierID: "sup-" + id, CallbackURL: url, Enabled: true}
	for _, sec := range secrets {
		sealed, err := s.SealSecret(id, sec)
		if err != nil {
			t.Fatal(err)
		}
		sub.SealedSecrets = append(sub.SealedSecrets, sealed)
	}
	return sub
}

func note(id, sub string) Notification {
	return Notification{
		ID: id, SubscriptionID: sub, Channel: ChannelWebhook, EventType: "update_move_status",
		CreatedAt: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), MoveID: "move-1", MoveReference: "ABC1234X",
	}
}

// newWorker builds a worker on a fake clock with no jitter (Rand = 0.5)
// and private addresses allowed (the receivers are on 127.0.0.1).
func newWorker(t *testing.T, ob Outbox, clock Clock, timeout time.Duration) *Worker {
	t.Helper()
	return &Worker{
		Outbox: ob,
		Sealer: testSealer(t),
		Clock:  clock,
		Webhook: &WebhookSender{
			Client:  NewWebhookClient(&Guard{AllowPrivate: true}, timeout),
			BaseURL: "https://moves.example",
			Clock:   clock,
		},
		Rand: func() float64 { return 0.5 },
	}
}

// received is one request as a receiver saw it.
type received struct {
	header http.Header
	body   []byte
}

// recorder is an httptest receiver answering with the given statuses in
// turn (the last one repeats) and keeping every request.
type recorder struct {
	mu       sync.Mutex
	got      []received
	statuses []int
	header   http.Header // extra response headers
	srv      *httptest.Server
}

func newRecorder(t *testing.T, statuses ...int) *recorder {
	r := &recorder{statuses: statuses, header: http.Header{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		st := r.statuses[min(len(r.got), len(r.statuses))-1]
		for k, v := range r.header {
			w.Header()[k] = v
		}
		r.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// verifyStandardOfficial checks with the Standard Webhooks reference
// library, independent of our signing code.
func verifyStandardOfficial(t *testing.T, secret string, got received) error {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh.Verify(got.body, got.header)
}

// pecsOK recomputes upstream's signature independently.
func pecsOK(secret string, got received) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(got.body)
	return got.header.Get("Pecs-Signature") == base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
