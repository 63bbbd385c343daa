package notify

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestNewWorkerFromOptions(t *testing.T) {
	key, _ := GenerateKey()
	ob := newMemOutbox()
	if _, _, err := NewWorker(Options{Outbox: ob}); err == nil {
		t.Error("no secrets key accepted")
	}
	if _, _, err := NewWorker(Options{Outbox: ob, SecretsKey: key, SMTPURL: "smtp://nohost"}); err == nil {
		t.Error("bad SMTP URL accepted")
	}
	w, g, err := NewWorker(Options{Outbox: ob, SecretsKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if w.Email != nil || w.Webhook == nil || g.AllowPrivate {
		t.Errorf("worker = %+v, guard = %+v", w, g)
	}
	w, _, _ = NewWorker(Options{Outbox: ob, SecretsKey: key, SMTPURL: "smtp://mail.example?from=a@b.example"})
	if w.Email == nil {
		t.Error("e-mail off despite an SMTP URL")
	}

	// Not in demo mode, a callback on loopback is refused at dial time.
	rec := newRecorder(t, http.StatusOK)
	clock := newFakeClock()
	w, _, _ = NewWorker(Options{Outbox: ob, SecretsKey: key, Clock: clock})
	w.Rand = func() float64 { return 0.5 }
	sub := subscription(t, w.Sealer, "s1", rec.srv.URL, newSecret(t))
	ob.subs["s1"] = &sub
	ob.add(note("n-1", "s1"), clock.Now())
	w.Step(context.Background())
	w.Wait()
	as := ob.attemptsFor("n-1")
	if len(as) != 1 || as[0].Outcome != Retry || len(rec.requests()) != 0 {
		t.Errorf("attempts = %+v, requests = %d; want refused", as, len(rec.requests()))
	}
}

// A server whose clock is set elsewhere (-now, as demos and test suites
// run) still stamps its deliveries with the real time, so that receivers,
// which check webhook-timestamp against their own clocks, verify them.
func TestDeliveriesCarryTheRealTimeWhateverTheServiceClock(t *testing.T) {
	key, _ := GenerateKey()
	ob := newMemOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)}
	w, _, err := NewWorker(Options{Outbox: ob, SecretsKey: key, Clock: clock, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(t, http.StatusOK)
	secret := newSecret(t)
	sub := subscription(t, w.Sealer, "s1", rec.srv.URL, secret)
	ob.subs["s1"] = &sub
	ob.add(note("n-1", "s1"), clock.Now())
	before := time.Now().Unix()
	w.Step(context.Background())
	w.Wait()
	got := rec.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	if err := verifyStandardOfficial(t, secret, got[0]); err != nil {
		t.Fatalf("receiver refused the delivery: %v (webhook-timestamp %s)", err, got[0].header.Get("Webhook-Timestamp"))
	}
	if ts, _ := strconv.ParseInt(got[0].header.Get("Webhook-Timestamp"), 10, 64); ts < before {
		t.Fatalf("webhook-timestamp %d is before the attempt (%d)", ts, before)
	}
	if !ob.delivered("n-1") {
		t.Fatal("not recorded as delivered")
	}
}
