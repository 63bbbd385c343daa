package notify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// step runs one claim round and waits for its attempts.
func step(t *testing.T, w *Worker) int {
	t.Helper()
	n, err := w.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Wait()
	return n
}

func TestRetryOn500ThenSuccessFollowsSchedule(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, 500, 503, 200)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	t0 := clock.Now()

	if step(t, w) != 1 {
		t.Fatal("first attempt not made")
	}
	clock.Advance(4 * time.Second)
	if step(t, w) != 0 {
		t.Fatal("retried before the 5 s backoff")
	}
	clock.Advance(time.Second)
	if step(t, w) != 1 {
		t.Fatal("second attempt not made at 5 s")
	}
	clock.Advance(5*time.Minute - time.Second)
	if step(t, w) != 0 {
		t.Fatal("retried before the 5 min backoff")
	}
	clock.Advance(time.Second)
	if step(t, w) != 1 {
		t.Fatal("third attempt not made at 5 min")
	}
	as := ob.attemptsFor("n-1")
	want := []struct {
		outcome Outcome
		status  int
		next    time.Time
	}{
		{Retry, 500, t0.Add(5 * time.Second)},
		{Retry, 503, t0.Add(5*time.Second + 5*time.Minute)},
		{Delivered, 200, time.Time{}},
	}
	if len(as) != len(want) {
		t.Fatalf("attempts = %+v", as)
	}
	for i, a := range as {
		if a.Number != i+1 || a.Outcome != want[i].outcome || a.Status != want[i].status || !a.NextAttemptAt.Equal(want[i].next) {
			t.Errorf("attempt %d = {%d %s %d %s}, want {%d %s %d %s}", i, a.Number, a.Outcome, a.Status, a.NextAttemptAt, i+1, want[i].outcome, want[i].status, want[i].next)
		}
	}
	// Same id on every attempt: the receiver's idempotency key.
	for _, r := range rec.requests() {
		if r.header.Get("webhook-id") != "n-1" || r.header.Get("PECS-NOTIFICATION-ID") != "n-1" {
			t.Errorf("attempt carried id %q/%q", r.header.Get("webhook-id"), r.header.Get("PECS-NOTIFICATION-ID"))
		}
	}
}

func TestGivesUpAfterAboutThreeDays(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, 500)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	t0 := clock.Now()
	for i := 0; i < 20; i++ {
		step(t, w)
		as := ob.attemptsFor("n-1")
		last := as[len(as)-1]
		if last.Outcome != Retry {
			break
		}
		clock.Advance(last.NextAttemptAt.Sub(clock.Now()))
	}
	as := ob.attemptsFor("n-1")
	if len(as) != len(DefaultSchedule)+1 {
		t.Fatalf("%d attempts, want %d", len(as), len(DefaultSchedule)+1)
	}
	if last := as[len(as)-1]; last.Outcome != Failed {
		t.Errorf("last outcome %s, want failed", last.Outcome)
	}
	span := clock.Now().Sub(t0)
	if span < 72*time.Hour || span > 80*time.Hour {
		t.Errorf("gave up after %s, want about three days", span)
	}
	if clock.Advance(48 * time.Hour); step(t, w) != 0 {
		t.Error("a failed notification was tried again")
	}
}

func TestTimeoutAndConnectionRefusedAreRetried(t *testing.T) {
	clock := newFakeClock()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	refused := refusedURL(t)

	// The timeout bounds the refused attempt too: long enough that a
	// stalled goroutine's dial is still refused, not timed out.
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(
		subscription(t, w.Sealer, "slow", slow.URL, newSecret(t)),
		subscription(t, w.Sealer, "gone", refused, newSecret(t)),
	)
	w.Outbox = ob
	ob.add(note("n-slow", "slow"), clock.Now())
	ob.add(note("n-refused", "gone"), clock.Now())
	if step(t, w) != 2 {
		t.Fatal("want two attempts")
	}
	for id, hint := range map[string]string{"n-slow": "Timeout", "n-refused": "refused"} {
		as := ob.attemptsFor(id)
		if len(as) != 1 || as[0].Outcome != Retry || as[0].Status != 0 ||
			!as[0].NextAttemptAt.Equal(clock.Now().Add(5*time.Second)) {
			t.Errorf("%s: attempts = %+v", id, as)
			continue
		}
		if !strings.Contains(as[0].Error, hint) {
			t.Errorf("%s: error %q does not mention %q", id, as[0].Error, hint)
		}
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	for name, header := range map[string]func(now time.Time) string{
		"seconds":   func(time.Time) string { return "3600" },
		"HTTP-date": func(now time.Time) string { return now.Add(time.Hour).UTC().Format(http.TimeFormat) },
	} {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			rec := newRecorder(t, http.StatusTooManyRequests, http.StatusOK)
			rec.header.Set("Retry-After", header(clock.Now()))
			w := newWorker(t, nil, clock, time.Second)
			ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
			w.Outbox = ob
			ob.add(note("n-1", "s1"), clock.Now())
			step(t, w)
			as := ob.attemptsFor("n-1")
			if len(as) != 1 || as[0].Status != 429 || !as[0].NextAttemptAt.Equal(clock.Now().Add(time.Hour)) {
				t.Fatalf("attempts = %+v, want retry in one hour", as)
			}
			clock.Advance(59 * time.Minute)
			if step(t, w) != 0 {
				t.Fatal("retried before Retry-After")
			}
			clock.Advance(time.Minute)
			step(t, w)
			if !ob.delivered("n-1") {
				t.Fatal("not delivered after Retry-After")
			}
		})
	}
}

func TestGoneDisablesSubscription(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusGone)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	ob.add(note("n-2", "s1"), clock.Now())
	step(t, w)
	if len(ob.disabled) != 1 || ob.disabled[0] != "s1" {
		t.Fatalf("disabled = %v, want [s1]", ob.disabled)
	}
	as := ob.attemptsFor("n-1")
	if len(as) != 1 || as[0].Outcome != Disabled || as[0].Status != 410 {
		t.Errorf("attempts = %+v", as)
	}
	clock.Advance(time.Hour)
	if step(t, w) != 0 || len(rec.requests()) != 1 {
		t.Errorf("a disabled subscription was still sent to (%d requests)", len(rec.requests()))
	}
}

// A receiver that hangs holds only its own subscription: another
// supplier's notifications keep flowing, one after another.
func TestSlowSubscriptionDoesNotDelayAnother(t *testing.T) {
	clock := newFakeClock()
	release := make(chan struct{})
	var slowHits atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slowHits.Add(1)
		<-release
	}))
	defer slow.Close()
	fast := newRecorder(t, http.StatusOK)

	w := newWorker(t, nil, clock, 30*time.Second)
	ob := newMemOutbox(
		subscription(t, w.Sealer, "slow", slow.URL, newSecret(t)),
		subscription(t, w.Sealer, "fast", fast.srv.URL, newSecret(t)),
	)
	w.Outbox = ob
	ob.add(note("slow-1", "slow"), clock.Now())
	ob.add(note("slow-2", "slow"), clock.Now())
	for _, id := range []string{"fast-1", "fast-2", "fast-3"} {
		ob.add(note(id, "fast"), clock.Now())
	}
	ctx := context.Background()
	for _, id := range []string{"fast-1", "fast-2", "fast-3"} {
		if _, err := w.Step(ctx); err != nil {
			t.Fatal(err)
		}
		eventually(t, id+" delivered", func() bool { return ob.delivered(id) })
	}
	// The slow batch's goroutine may not have reached its receiver yet
	// (the fast ones can all finish first on a loaded machine); once it
	// has, the second slow notification must still be waiting its turn.
	eventually(t, "slow-1 sent", func() bool { return slowHits.Load() >= 1 })
	if n := slowHits.Load(); n != 1 {
		t.Errorf("slow receiver got %d requests while the first hung, want 1", n)
	}
	if ob.delivered("slow-1") {
		t.Error("slow-1 recorded before its receiver answered")
	}
	close(release)
	w.Wait()
	step(t, w)
	if !ob.delivered("slow-1") || !ob.delivered("slow-2") {
		t.Error("slow subscription's notifications not delivered once it answered")
	}
}

// A worker that cannot open the secrets (wrong key configured) keeps the
// notification for later rather than dropping it.
func TestUnopenableSecretIsRetriedNotLost(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusOK)
	w := newWorker(t, nil, clock, time.Second)
	other, _ := NewSealer([]byte("fedcba9876543210fedcba9876543210"))
	ob := newMemOutbox(subscription(t, other, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	step(t, w)
	as := ob.attemptsFor("n-1")
	if len(as) != 1 || as[0].Outcome != Retry || len(rec.requests()) != 0 {
		t.Errorf("attempts = %+v, requests = %d", as, len(rec.requests()))
	}
}

type countingObserver struct{ got map[string]int }

func (c *countingObserver) ObserveDelivery(ch, outcome string) { c.got[ch+"/"+outcome]++ }

func TestObserverSeesOutcomes(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, 500, 200)
	w := newWorker(t, nil, clock, time.Second)
	obs := &countingObserver{got: map[string]int{}}
	w.Observer = obs
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	step(t, w)
	clock.Advance(time.Minute)
	step(t, w)
	if obs.got["webhook/retry"] != 1 || obs.got["webhook/success"] != 1 {
		t.Errorf("observed %v", obs.got)
	}
}

// Run picks new work up when woken, without waiting for the poll, and
// returns once its context ends and attempts in flight are recorded.
func TestRunWakesAndStops(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusOK)
	w := newWorker(t, nil, clock, time.Second)
	w.Poll = time.Hour
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	time.Sleep(20 * time.Millisecond) // let the first, empty, round pass
	ob.add(note("n-1", "s1"), clock.Now())
	w.Wake()
	eventually(t, "delivery after Wake", func() bool { return ob.delivered("n-1") })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// One claim takes a batch per subscription and each batch's outcomes are
// recorded together: two transactions for the lot, not two per
// notification. A subscription's notifications reach it in due order.
func TestBatchIsClaimedAndRecordedTogether(t *testing.T) {
	clock := newFakeClock()
	rec1 := newRecorder(t, http.StatusOK)
	rec2 := newRecorder(t, http.StatusNoContent)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(
		subscription(t, w.Sealer, "s1", rec1.srv.URL, newSecret(t)),
		subscription(t, w.Sealer, "s2", rec2.srv.URL, newSecret(t)),
	)
	w.Outbox = ob
	var want1 []string
	for i := range 5 {
		id := fmt.Sprintf("a-%d", i)
		ob.add(note(id, "s1"), clock.Now().Add(time.Duration(i-10)*time.Second))
		want1 = append(want1, id)
	}
	for i := range 3 {
		ob.add(note(fmt.Sprintf("b-%d", i), "s2"), clock.Now())
	}
	if n := step(t, w); n != 8 {
		t.Fatalf("claimed %d, want 8", n)
	}
	if ob.claims != 1 || ob.records != 2 {
		t.Errorf("%d claims and %d records, want 1 and 2 (one per subscription's batch)", ob.claims, ob.records)
	}
	var got1 []string
	for _, r := range rec1.requests() {
		got1 = append(got1, r.header.Get("webhook-id"))
	}
	if !slices.Equal(got1, want1) {
		t.Errorf("s1 received %v, want %v in due order", got1, want1)
	}
	if len(rec2.requests()) != 3 {
		t.Errorf("s2 received %d, want 3", len(rec2.requests()))
	}
	for _, id := range append(want1, "b-0", "b-1", "b-2") {
		if !ob.delivered(id) {
			t.Errorf("%s not recorded as delivered", id)
		}
	}
}

// BatchSize bounds a subscription's batch; the rest wait for the next round.
func TestBatchSizeBoundsAClaim(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusOK)
	w := newWorker(t, nil, clock, time.Second)
	w.BatchSize = 2
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	for i := range 3 {
		ob.add(note(fmt.Sprintf("n-%d", i), "s1"), clock.Now())
	}
	if n := step(t, w); n != 2 {
		t.Fatalf("first round claimed %d, want 2", n)
	}
	if n := step(t, w); n != 1 {
		t.Fatalf("second round claimed %d, want 1", n)
	}
}

// A failure ends the batch: the notifications after it are handed back,
// due as before and not counted as attempted, and go out in the next
// round while the failed one waits out its backoff.
func TestFailureEndsTheBatchAndReleasesTheRest(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusOK, http.StatusInternalServerError, http.StatusOK)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	for i := range 4 {
		ob.add(note(fmt.Sprintf("n-%d", i), "s1"), clock.Now())
	}
	step(t, w)
	if got := len(rec.requests()); got != 2 {
		t.Fatalf("%d requests in the first round, want 2 (stopped at the 500)", got)
	}
	if !ob.delivered("n-0") || ob.delivered("n-1") {
		t.Fatal("first round's outcomes not recorded")
	}
	for _, id := range []string{"n-2", "n-3"} {
		if as := ob.attemptsFor(id); len(as) != 0 {
			t.Errorf("%s counted as attempted: %+v", id, as)
		}
	}
	// Same instant: the released ones are due again at once, the failed
	// one is not.
	if n := step(t, w); n != 2 {
		t.Fatalf("second round claimed %d, want the 2 released", n)
	}
	if !ob.delivered("n-2") || !ob.delivered("n-3") || ob.delivered("n-1") {
		t.Error("released notifications not delivered in the next round, or the failed one retried early")
	}
	if as := ob.attemptsFor("n-2"); len(as) != 1 || as[0].Number != 1 {
		t.Errorf("n-2 attempts %+v, want one, numbered 1", as)
	}
}

// slowSender takes 40 fake seconds per delivery.
type slowSender struct {
	clock *fakeClock
	sent  []string
}

func (s *slowSender) Send(_ context.Context, d Delivery, _ Credentials) Result {
	s.clock.Advance(40 * time.Second)
	s.sent = append(s.sent, d.Notification.ID)
	return Result{Status: 200}
}

// A batch starts no attempt once half its lease has gone, so an attempt
// never outlives the lease (when another worker may take it): the rest go
// back, due as before.
func TestBatchStopsBeforeItsLeaseRunsShort(t *testing.T) {
	clock := newFakeClock()
	w := newWorker(t, nil, clock, time.Second)
	s := &slowSender{clock: clock}
	w.Webhook = s
	w.Lease = 2 * time.Minute
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", "https://s1.example/", newSecret(t)))
	w.Outbox = ob
	t0 := clock.Now()
	for i := range 4 {
		ob.add(note(fmt.Sprintf("n-%d", i), "s1"), t0)
	}
	step(t, w)
	// 0 s, 40 s: started; at 80 s more than half the 2 min lease is gone.
	if !slices.Equal(s.sent, []string{"n-0", "n-1"}) {
		t.Fatalf("sent %v in one batch, want n-0 and n-1", s.sent)
	}
	if n := step(t, w); n != 2 {
		t.Fatalf("next round claimed %d, want the 2 handed back", n)
	}
	for i := range 4 {
		if id := fmt.Sprintf("n-%d", i); !ob.delivered(id) {
			t.Errorf("%s not delivered", id)
		}
	}
}

// TestBusyPacesDeliveries: while the service's clients wait (Busy),
// attempts take turns at BusyRate a second; when they do not, or once a
// notification has waited BusyHold, they go at once. Pacing only delays:
// every notification is delivered.
func TestBusyPacesDeliveries(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, 200)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	var busy atomic.Bool
	w.Busy = busy.Load
	w.BusyRate = 100 // a slot every 10 ms
	// Real time stands still and sleeping is only noted, so the waits
	// asked for are exactly the pacing.
	still := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	var waits []time.Duration
	w.realNow = func() time.Time { return still }
	w.sleep = func(d time.Duration) { waits = append(waits, d) }

	add := func(prefix string, n int, due time.Time) []string {
		var ids []string
		for i := range n {
			id := fmt.Sprintf("%s-%d", prefix, i)
			ob.add(note(id, "s1"), due)
			ids = append(ids, id)
		}
		return ids
	}
	allDelivered := func(ids []string) {
		t.Helper()
		for _, id := range ids {
			if !ob.delivered(id) {
				t.Errorf("%s not delivered", id)
			}
		}
	}

	busy.Store(true)
	ids := add("busy", 5, clock.Now())
	if n := step(t, w); n != 5 {
		t.Fatalf("claimed %d, want 5", n)
	}
	allDelivered(ids)
	want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond, 40 * time.Millisecond}
	if !slices.Equal(waits, want) {
		t.Errorf("busy: waits %v, want %v (the first at once, then a slot each)", waits, want)
	}

	waits = nil
	busy.Store(false)
	ids = add("idle", 3, clock.Now())
	step(t, w)
	allDelivered(ids)
	if len(waits) != 0 {
		t.Errorf("not busy: waited %v", waits)
	}

	busy.Store(true)
	ids = add("late", 3, clock.Now().Add(-30*time.Second))
	step(t, w)
	allDelivered(ids)
	if len(waits) != 0 {
		t.Errorf("busy, but held back 30 s already (BusyHold): waited %v", waits)
	}
	if got := len(rec.requests()); got != 11 {
		t.Errorf("receiver had %d requests, want 11", got)
	}
}

// A receiver that is unwell as a whole (no answer, 429, a gateway's 5xx,
// Retry-After) gets one request per retry, not the rest of its queue: the
// notifications behind the failed one are due again with it, and go after
// it, in order. One refused for itself (500) does not hold up the rest.
func TestUnwellReceiverGetsOneRequestPerRetry(t *testing.T) {
	refused := refusedURL(t)
	for _, tc := range []struct {
		name       string
		status     int // 0: connection refused
		retryAfter string
		held       bool
	}{
		{"429 with Retry-After", http.StatusTooManyRequests, "3600", true},
		{"503", http.StatusServiceUnavailable, "", true},
		{"500 with Retry-After", http.StatusInternalServerError, "120", true},
		{"connection refused", 0, "", true},
		{"500", http.StatusInternalServerError, "", false},
		{"400", http.StatusBadRequest, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			url := refused
			var rec *recorder
			if tc.status != 0 {
				rec = newRecorder(t, tc.status, http.StatusOK)
				if tc.retryAfter != "" {
					rec.header.Set("Retry-After", tc.retryAfter)
				}
				url = rec.srv.URL
			}
			w := newWorker(t, nil, clock, time.Second)
			ob := newMemOutbox(subscription(t, w.Sealer, "s1", url, newSecret(t)))
			w.Outbox = ob
			for i := range 5 {
				ob.add(note(fmt.Sprintf("n-%d", i), "s1"), clock.Now())
			}
			step(t, w)
			first := ob.attemptsFor("n-0")
			if len(first) != 1 || first[0].Outcome != Retry {
				t.Fatalf("n-0 attempts %+v, want one to retry", first)
			}
			step(t, w) // the same instant
			tried := 0
			for i := 1; i < 5; i++ {
				tried += len(ob.attemptsFor(fmt.Sprintf("n-%d", i)))
			}
			if tc.held {
				if tried != 0 {
					t.Fatalf("%d attempts at the notifications behind the failed one, want none before its retry", tried)
				}
				if next := ob.note("n-4").next; !next.Equal(first[0].NextAttemptAt) {
					t.Fatalf("n-4 due %v, want with the failed one at %v", next, first[0].NextAttemptAt)
				}
			} else if tried == 0 {
				t.Fatal("a notification refused for itself held up the rest")
			}
			if rec == nil || !tc.held {
				return
			}
			clock.Advance(first[0].NextAttemptAt.Sub(clock.Now()))
			step(t, w)
			var ids []string
			for _, r := range rec.requests() {
				ids = append(ids, r.header.Get("Webhook-Id"))
			}
			if want := []string{"n-0", "n-0", "n-1", "n-2", "n-3", "n-4"}; !slices.Equal(ids, want) {
				t.Fatalf("requests %v, want %v", ids, want)
			}
		})
	}
}

// okSender accepts everything, as a mail server that is up.
type okSender struct{ sent []string }

func (s *okSender) Send(_ context.Context, d Delivery, _ Credentials) Result {
	s.sent = append(s.sent, d.Notification.ID)
	return Result{Status: 250}
}

// A subscription's e-mail is not held up by its failing callback URL: a
// failure stops the batch on its own channel only.
func TestEmailIsNotHeldUpByAFailingWebhook(t *testing.T) {
	refused := refusedURL(t)
	clock := newFakeClock()
	w := newWorker(t, nil, clock, time.Second)
	mail := &okSender{}
	w.Email = mail
	sub := subscription(t, w.Sealer, "s1", refused, newSecret(t))
	sub.Email = "control@supplier.example"
	ob := newMemOutbox(sub)
	w.Outbox = ob
	var emails []string
	for i := range 3 {
		ob.add(note(fmt.Sprintf("w-%d", i), "s1"), clock.Now())
		e := note(fmt.Sprintf("e-%d", i), "s1")
		e.Channel = ChannelEmail
		ob.add(e, clock.Now())
		emails = append(emails, e.ID)
	}
	step(t, w)
	if !slices.Equal(mail.sent, emails) {
		t.Fatalf("e-mails sent %v, want %v in the first round", mail.sent, emails)
	}
	if n := len(ob.attemptsFor("w-1")) + len(ob.attemptsFor("w-2")); n != 0 {
		t.Fatalf("%d attempts behind the failed webhook", n)
	}
}

// refusedURL is an address nothing listens on: connecting is refused.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String() + "/"
}

// TestSaturatedHoldsDeliveries: while the clients waiting are many times
// the CPUs (Saturated), an attempt waits for that to pass, then takes its
// paced turn; it never waits longer than BusyHold, by the service's clock
// or, if that stands still, by the real one.
func TestSaturatedHoldsDeliveries(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, 200)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	w.Busy = func() bool { return true }
	w.BusyRate = 1000 // a slot every ms, so that the holds stand out
	real := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	var saturatedFor, looks int // saturated for the next saturatedFor looks
	w.Saturated = func() bool {
		looks++
		if saturatedFor == 0 {
			return false
		}
		saturatedFor--
		return true
	}
	var slept time.Duration
	serviceClockRuns := true
	w.realNow = func() time.Time { return real }
	w.sleep = func(d time.Duration) {
		slept += d
		real = real.Add(d)
		if serviceClockRuns {
			clock.Advance(d)
		}
	}
	deliver := func(id string) {
		t.Helper()
		ob.add(note(id, "s1"), clock.Now())
		if n := step(t, w); n != 1 {
			t.Fatalf("%s: claimed %d, want 1", id, n)
		}
		if !ob.delivered(id) {
			t.Fatalf("%s not delivered", id)
		}
	}

	saturatedFor, slept = 3, 0
	deliver("passes")
	if slept != 3*saturatedStep {
		t.Errorf("saturated for three looks: slept %v, want %v", slept, 3*saturatedStep)
	}

	saturatedFor, slept = 1<<30, 0
	deliver("held")
	if slept < w.BusyHold || slept > w.BusyHold+saturatedStep {
		t.Errorf("saturated throughout: slept %v, want BusyHold (%v)", slept, w.BusyHold)
	}

	serviceClockRuns, slept = false, 0
	deliver("frozen")
	if slept < w.BusyHold || slept > w.BusyHold+saturatedStep {
		t.Errorf("saturated, the service's clock standing still: slept %v, want BusyHold (%v) of real time", slept, w.BusyHold)
	}

	saturatedFor, slept, looks = 0, 0, 0
	w.Busy = func() bool { return false }
	deliver("idle")
	if slept != 0 || looks != 0 {
		t.Errorf("not busy: slept %v after %d looks at saturation", slept, looks)
	}
	if got := len(rec.requests()); got != 4 {
		t.Errorf("receiver had %d requests, want 4", got)
	}
}

// TestStoppingWorkerHandsBackHeldDeliveries: a worker stopped while its
// batch waits out saturation does not sit out the hold (30 s) nor send
// the batch during shutdown: it hands the batch back, and the next worker
// sends it.
func TestStoppingWorkerHandsBackHeldDeliveries(t *testing.T) {
	clock := SystemClock{}
	rec := newRecorder(t, 200)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t)))
	w.Outbox = ob
	w.Busy = func() bool { return true }
	var saturated atomic.Bool
	saturated.Store(true)
	w.Saturated = saturated.Load
	w.Poll = time.Hour
	ob.add(note("n1", "s1"), clock.Now())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !ob.claimed("n1") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	<-done
	if took := time.Since(start); took > time.Second {
		t.Errorf("Run returned %v after it was stopped: it sat out the hold", took.Round(10*time.Millisecond))
	}
	if ob.delivered("n1") || len(rec.requests()) != 0 {
		t.Fatal("the held notification was sent during shutdown")
	}

	next := newWorker(t, nil, clock, time.Second)
	next.Outbox, next.Sealer = ob, w.Sealer
	if n := step(t, next); n != 1 || !ob.delivered("n1") {
		t.Errorf("handed back: the next worker claimed %d and delivered it: %v", n, ob.delivered("n1"))
	}
}
