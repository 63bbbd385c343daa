package notify

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// post sends a delivery signed with secrets to url, as the worker would.
func post(t *testing.T, url string, id string, now time.Time, secrets ...string) int {
	t.Helper()
	ws := &WebhookSender{Client: NewWebhookClient(&Guard{AllowPrivate: true}, time.Second), BaseURL: "https://moves.example"}
	d := Delivery{Notification: note(id, "s1"), Subscription: Subscription{ID: "s1", CallbackURL: url}}
	req, err := ws.Request(context.Background(), d, Credentials{Secrets: secrets}, now)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ws.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSinkVerifiesBothSignatures(t *testing.T) {
	secret := newSecret(t)
	clock := newFakeClock()
	sink, err := NewSink(secret, 3, clock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()

	if st := post(t, srv.URL, "good", clock.Now(), secret); st != http.StatusNoContent {
		t.Errorf("good delivery: status %d", st)
	}
	if st := post(t, srv.URL, "wrong", clock.Now(), newSecret(t)); st != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d", st)
	}
	// Rotation: the sink knows the new secret only. Standard verifies,
	// PECS (signed with the old one) does not; still accepted.
	if st := post(t, srv.URL, "rotating", clock.Now(), newSecret(t), secret); st != http.StatusNoContent {
		t.Errorf("rotation: status %d", st)
	}
	// A replay outside the tolerance: the timestamped scheme refuses it,
	// upstream's (which signs no time) cannot tell.
	if st := post(t, srv.URL, "stale", clock.Now().Add(-10*time.Minute), secret); st != http.StatusNoContent {
		t.Errorf("stale: status %d", st)
	}

	got := sink.Arrivals()
	if len(got) != 3 {
		t.Fatalf("kept %d arrivals, want the last 3", len(got))
	}
	want := []struct {
		id             string
		standard, pecs bool
	}{{"stale", false, true}, {"rotating", true, false}, {"wrong", false, false}}
	for i, w := range want {
		a := got[i]
		if a.ID != w.id || a.StandardOK != w.standard || a.PECSOK != w.pecs {
			t.Errorf("arrival %d = %s std:%v pecs:%v, want %s std:%v pecs:%v (%s)", i, a.ID, a.StandardOK, a.PECSOK, w.id, w.standard, w.pecs, a.Problem)
		}
		if a.EventType != "update_move_status" || !strings.Contains(a.Body, `"notifications"`) || !a.At.Equal(clock.Now()) {
			t.Errorf("arrival %d = %+v", i, a)
		}
	}
	if got[0].Problem == "" || !strings.Contains(got[0].Problem, "webhook-signature") {
		t.Errorf("stale arrival problem = %q", got[0].Problem)
	}

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "rotating  update_move_status  standard:yes pecs:no") {
		t.Errorf("listing:\n%s", body)
	}
}

// Clear forgets what arrived; what arrives next is kept.
func TestSinkClear(t *testing.T) {
	secret := newSecret(t)
	clock := newFakeClock()
	sink, err := NewSink(secret, 3, clock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	post(t, srv.URL, "before", clock.Now(), secret)
	sink.Clear()
	if got := sink.Arrivals(); len(got) != 0 {
		t.Fatalf("after Clear: %d arrivals", len(got))
	}
	post(t, srv.URL, "after", clock.Now(), secret)
	if got := sink.Arrivals(); len(got) != 1 || got[0].ID != "after" {
		t.Fatalf("after Clear and one more: %+v", got)
	}
}

func TestNewSinkRefusesBadSecret(t *testing.T) {
	if _, err := NewSink("", 10, nil); err == nil {
		t.Error("empty secret accepted")
	}
}

func TestServeSinkRunsAndStops(t *testing.T) {
	secret := newSecret(t)
	sink, _ := NewSink(secret, 10, nil)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- ServeSink(ctx, "127.0.0.1:0", sink, func(a net.Addr) { addrc <- a }) }()
	addr := <-addrc
	if st := post(t, fmt.Sprintf("http://%s/", addr), "n-1", time.Now(), secret); st != http.StatusNoContent {
		t.Errorf("status %d", st)
	}
	if a := sink.Arrivals(); len(a) != 1 || !a[0].StandardOK || !a[0].PECSOK {
		t.Errorf("arrivals = %+v", a)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeSink: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeSink did not stop")
	}
}
