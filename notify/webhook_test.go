package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDeliverySignedBothWaysWithUpstreamBody(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusNoContent)
	secret := newSecret(t)
	w := newWorker(t, nil, clock, time.Second)
	sub := subscription(t, w.Sealer, "s1", rec.srv.URL+"/hook", secret)
	sub.BasicUser = "acme"
	sub.SealedBasicPassword, _ = w.Sealer.SealPassword("s1", "pa55")
	ob := newMemOutbox(sub)
	w.Outbox = ob
	n := note("n-1", "s1")
	n.EventID = "ev-9"
	ob.add(n, clock.Now())

	if started, err := w.Step(context.Background()); err != nil || started != 1 {
		t.Fatalf("Step = %d, %v; want 1 started", started, err)
	}
	w.Wait()

	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	got := reqs[0]
	if err := verifyStandardOfficial(t, secret, got); err != nil {
		t.Errorf("official Standard Webhooks verifier: %v", err)
	}
	if !pecsOK(secret, got) {
		t.Errorf("PECS-SIGNATURE %q does not verify", got.header.Get("PECS-SIGNATURE"))
	}
	for h, want := range map[string]string{
		"webhook-id":           "n-1",
		"PECS-NOTIFICATION-ID": "n-1",
		"Content-Type":         "application/vnd.api+json",
		"User-Agent":           "pecs-webhooks/v1",
		"webhook-timestamp":    jsonInt(clock.Now().Unix()),
	} {
		if g := got.header.Get(h); g != want {
			t.Errorf("%s = %q, want %q", h, g, want)
		}
	}
	if u, p, ok := (&http.Request{Header: got.header}).BasicAuth(); !ok || u != "acme" || p != "pa55" {
		t.Errorf("Basic auth = %q %q %v", u, p, ok)
	}
	var doc map[string]any
	if err := json.Unmarshal(got.body, &doc); err != nil {
		t.Fatal(err)
	}
	want := `{"data":{"attributes":{"event_type":"update_move_status","timestamp":"2026-12-01T09:30:00Z"},"id":"n-1","relationships":{"event":{"data":{"id":"ev-9","type":"events"}},"move":{"data":{"id":"move-1","type":"moves"},"links":{"self":"https://moves.example/api/moves/move-1"}}},"type":"notifications"}}`
	if b, _ := json.Marshal(doc); string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
	as := ob.attemptsFor("n-1")
	if len(as) != 1 || as[0].Outcome != Delivered || as[0].Status != 204 || as[0].Number != 1 {
		t.Errorf("attempts = %+v", as)
	}
}

func jsonInt(i int64) string { b, _ := json.Marshal(i); return string(b) }

// During a rotation both secrets sign: a receiver holding either one
// verifies the Standard Webhooks signature; PECS-SIGNATURE carries the
// oldest secret's only (its format has room for one).
func TestRotationEitherSecretVerifies(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(t, http.StatusOK)
	oldSecret, newSecretValue := newSecret(t), newSecret(t)
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", rec.srv.URL, oldSecret, newSecretValue))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	w.Step(context.Background())
	w.Wait()

	got := rec.requests()[0]
	if sigs := strings.Fields(got.header.Get("webhook-signature")); len(sigs) != 2 {
		t.Fatalf("webhook-signature has %d signatures, want 2: %v", len(sigs), sigs)
	}
	for name, s := range map[string]string{"old": oldSecret, "new": newSecretValue} {
		if err := verifyStandardOfficial(t, s, got); err != nil {
			t.Errorf("receiver with the %s secret: %v", name, err)
		}
	}
	if err := verifyStandardOfficial(t, newSecret(t), got); err == nil {
		t.Error("a receiver with an unrelated secret verified the delivery")
	}
	if !pecsOK(oldSecret, got) {
		t.Error("PECS-SIGNATURE not made with the oldest secret")
	}
	if pecsOK(newSecretValue, got) {
		t.Error("PECS-SIGNATURE unexpectedly made with the new secret")
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	clock := newFakeClock()
	target := newRecorder(t, http.StatusOK)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.srv.URL, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	w := newWorker(t, nil, clock, time.Second)
	ob := newMemOutbox(subscription(t, w.Sealer, "s1", redirector.URL, newSecret(t)))
	w.Outbox = ob
	ob.add(note("n-1", "s1"), clock.Now())
	w.Step(context.Background())
	w.Wait()
	if n := len(target.requests()); n != 0 {
		t.Errorf("redirect target got %d requests", n)
	}
	as := ob.attemptsFor("n-1")
	if len(as) != 1 || as[0].Outcome != Retry || as[0].Status != 307 {
		t.Errorf("attempts = %+v, want one retry with status 307", as)
	}
}

// With the guard on (not demo mode), a callback whose name resolves to
// loopback is refused when dialling, even though the URL looked fine.
func TestDialRefusesInternalAddressAfterRebinding(t *testing.T) {
	rec := newRecorder(t, http.StatusOK)
	_, port, _ := net.SplitHostPort(rec.srv.Listener.Addr().String())
	g := &Guard{Resolver: fakeResolver{"rebind.example": {"127.0.0.1"}}}
	client := NewWebhookClient(g, time.Second)
	for _, u := range []string{
		"http://rebind.example:" + port + "/",
		"http://127.0.0.1:" + port + "/",
		"http://[::1]:" + port + "/",
	} {
		resp, err := client.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: delivered, want refused", u)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: err = %v, want ErrForbiddenAddress", u, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("internal receiver got %d requests", n)
	}
}
