package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
)

// receiver is a supplier's webhook endpoint as a supplier would write it:
// it verifies the Standard Webhooks signature with the official library
// and PECS-SIGNATURE as upstream's receivers do, each with the secret the
// supplier holds for it, and refuses what does not verify.
type receiver struct {
	mu         sync.Mutex
	std, pecs  string // the secrets held for each scheme
	got        []arrival
	refused    []string
	failNextN  int // answer 503 to this many first
	seenFailed int
}

type arrival struct {
	id, eventType, moveID string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.failNextN > 0 {
		rc.failNextN--
		rc.seenFailed++
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	wh, err := standardwebhooks.NewWebhook(rc.std)
	if err == nil {
		err = wh.Verify(body, r.Header)
	}
	if err != nil {
		rc.refused = append(rc.refused, "standard: "+err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	mac := hmac.New(sha256.New, []byte(rc.pecs))
	mac.Write(body)
	if r.Header.Get("PECS-SIGNATURE") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		rc.refused = append(rc.refused, "pecs")
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var doc struct {
		Data struct {
			ID         string `json:"id"`
			Attributes struct {
				EventType string `json:"event_type"`
			} `json:"attributes"`
			Relationships struct {
				Move struct {
					Data struct{ ID string } `json:"data"`
				} `json:"move"`
			} `json:"relationships"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Data.ID != r.Header.Get("webhook-id") || doc.Data.ID != r.Header.Get("PECS-NOTIFICATION-ID") {
		rc.refused = append(rc.refused, "body or ids")
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, arrival{doc.Data.ID, doc.Data.Attributes.EventType, doc.Data.Relationships.Move.Data.ID})
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) hold(std, pecs string) { rc.mu.Lock(); rc.std, rc.pecs = std, pecs; rc.mu.Unlock() }

// waitFor waits until an arrival of the type for the move has come.
func (rc *receiver) waitFor(t *testing.T, eventType, moveID string) arrival {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		rc.mu.Lock()
		for _, a := range rc.got {
			if a.eventType == eventType && a.moveID == moveID {
				rc.mu.Unlock()
				return a
			}
		}
		rc.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	t.Fatalf("no %s for %s; got %+v, refused %v", eventType, moveID, rc.got, rc.refused)
	return arrival{}
}

// TestDeliveryEndToEnd runs the worker as serve does against a receiver
// that verifies both signatures: a booked move reaches its supplier (after
// a busy receiver's 503), which is then recorded on the move; during a
// secret rotation a receiver holding only the new secret verifies the
// Standard Webhooks signature while PECS-SIGNATURE stays on the old one;
// after retirement both use the new one.
func TestDeliveryEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SeedDemo(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	key, _ := notify.GenerateKey()
	nt, err := startNotify(ctx, notifyConfig{db: db, secretsKey: key, baseURL: "http://localhost:8080", allowPrivate: true, poll: 50 * time.Millisecond,
		// The retry schedule's first wait is 5 s: shortened for the test.
		schedule: notify.Schedule{100 * time.Millisecond, time.Second}}, st, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); nt.Stop() }()

	rc := &receiver{failNextN: 1}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	// A loopback receiver is refused unless private callbacks are allowed.
	strict := &notify.Guard{}
	if _, _, err := st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "serco", CallbackURL: srv.URL, CheckURL: strict.CheckURL}, nt.Sealer, "admin"); moves.ErrorCode(err) != moves.Invalid {
		t.Fatalf("loopback callback with a strict guard: %v", err)
	}
	sub, secret, err := st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "serco", CallbackURL: srv.URL, CheckURL: nt.Guard.CheckURL}, nt.Sealer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	rc.hold(secret, secret)

	var m moves.Move
	if err := st.DB().QueryRow(`SELECT id FROM moves WHERE status = 'requested' AND to_location_id IS NOT NULL
		AND supplier_id = (SELECT id FROM suppliers WHERE key = 'serco') LIMIT 1`).Scan(&m.ID); err != nil {
		t.Fatal(err)
	}
	if m, err = st.Move(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	booked := 0
	book := func() moves.Move {
		t.Helper()
		booked++ // a day each, so no move duplicates another
		nm, err := st.CreateMove(ctx, store.NewMove{MoveType: m.MoveType, FromID: m.FromID, ToID: m.ToID, Date: time.Now().AddDate(0, 2, booked).Format("2006-01-02"),
			PersonID: m.PersonID, ProfileID: m.ProfileID, CreatedBy: "police"})
		if err != nil {
			t.Fatal(err)
		}
		return nm
	}

	first := book()
	rc.waitFor(t, "create_move", first.ID)
	rc.mu.Lock()
	failed := rc.seenFailed
	rc.mu.Unlock()
	if failed != 1 {
		t.Fatalf("the receiver's 503 was not seen first (%d)", failed)
	}
	// The move records that its supplier was told, once.
	deadline := time.Now().Add(5 * time.Second)
	for {
		evs, err := st.Events(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Type == moves.EventMoveNotifySupplierOfMoveRequest && e.CreatedBy == moves.SystemActor {
				n++
			}
		}
		if n == 1 {
			break
		}
		if n > 1 || time.Now().After(deadline) {
			t.Fatalf("%d MoveNotifySupplierOfMoveRequest events", n)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Rotation: the supplier switches its Standard Webhooks verification
	// to the new secret at once; PECS receivers keep the old until retired.
	next, err := st.RotateSubscriptionSecret(ctx, sub.ID, nt.Sealer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	rc.hold(next, secret)
	second := book()
	rc.waitFor(t, "create_move", second.ID)
	rc.hold(secret, secret) // and one that still holds only the old one
	third := book()
	rc.waitFor(t, "create_move", third.ID)

	if err := st.RetireSubscriptionSecret(ctx, sub.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	rc.hold(next, next)
	// PMU's event on the move: told as create_event.
	now := time.Now().UTC()
	_, _, err = st.AppendEvent(ctx, moves.Event{MoveID: third.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, OccurredAt: now, RecordedAt: now,
		CreatedBy: "pmu"}, store.AppendOptions{By: "pmu"})
	if err != nil {
		t.Fatal(err)
	}
	rc.waitFor(t, "create_event", third.ID)
	rc.mu.Lock()
	refused := rc.refused
	rc.mu.Unlock()
	if len(refused) != 0 {
		t.Fatalf("receiver refused: %v", refused)
	}
	// Delivered is recorded just after the receiver answers.
	deadline = time.Now().Add(5 * time.Second)
	for {
		n, _, err := st.Outbox().Undelivered()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d undelivered after all arrived", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	entries, err := st.SubscriptionLog(ctx, sub.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 4 || entries[len(entries)-1].Attempts != 2 || entries[len(entries)-1].State() != "delivered" {
		t.Fatalf("delivery log %+v", entries)
	}
}

// claimFor claims what is due now for one subscription on both channels.
func claimFor(t *testing.T, st *store.Store, subID string) []notify.Delivery {
	t.Helper()
	now := time.Now()
	ds, err := st.Outbox().Claim(context.Background(), notify.ClaimRequest{Now: now.Add(time.Second), LeaseUntil: now.Add(time.Minute),
		Channels: []notify.Channel{notify.ChannelWebhook, notify.ChannelEmail}, Limit: 8})
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Delivery
	for _, d := range ds {
		if d.Subscription.ID == subID {
			out = append(out, d)
		}
	}
	return out
}

// On PostgreSQL the secrets key must be given: the instances sharing the
// database must all open what any of them sealed, and nothing is written
// beside a URL (as it would be beside a SQLite file).
func TestSecretsKeyOnPostgresMustBeGiven(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	pg := "postgres://securemove@db.internal:5432/securemove"
	if _, err := secretsKey(notifyConfig{db: pg}); err == nil {
		t.Fatal("a PostgreSQL deployment without a secrets key was given a generated one")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written beside a URL: %v", entries)
	}
	key, _ := notify.GenerateKey()
	if got, err := secretsKey(notifyConfig{db: pg, secretsKey: key}); err != nil || got != key {
		t.Fatalf("given key: %q %v", got, err)
	}
	// SQLite outside production: generated once beside the file, kept.
	db := filepath.Join(dir, "s.db")
	first, err := secretsKey(notifyConfig{db: db})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := secretsKey(notifyConfig{db: db}); err != nil || again != first {
		t.Fatalf("the generated key was not kept: %q %v", again, err)
	}
}

// The demo receiver's secret: kept beside a SQLite file; on PostgreSQL
// derived from the secrets key, the same for every instance sharing it,
// and nothing written beside the URL.
func TestDemoSecret(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "d.db")
	first, err := demoSecret(db, "")
	if err != nil || notify.ValidateSecret(first) != nil {
		t.Fatalf("SQLite: %q %v", first, err)
	}
	if again, _ := demoSecret(db, ""); again != first {
		t.Fatal("SQLite: the demo secret was not kept")
	}
	pg := "postgres://securemove@db.internal:5432/securemove"
	keyA, _ := notify.GenerateKey()
	keyB, _ := notify.GenerateKey()
	a1, err := demoSecret(pg, keyA)
	if err != nil || notify.ValidateSecret(a1) != nil {
		t.Fatalf("PostgreSQL: %q %v", a1, err)
	}
	if a2, _ := demoSecret(pg, keyA); a2 != a1 {
		t.Fatal("PostgreSQL: two instances with one key disagree")
	}
	if b, _ := demoSecret(pg, keyB); b == a1 {
		t.Fatal("PostgreSQL: the secret does not follow the key")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("files written: %v", entries)
	}
}
