package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/notify/notifytest"
	"github.com/securemove/securemove/store"
)

// TestEventThroughTheAPIIsEmailed runs the real server with -smtp-url
// pointing at an in-process SMTP server: a supplier with an e-mail
// subscription (made by the subscriptions command) accepts one of its
// moves through the API, and a short plain-text message arrives for the
// subscribed address, naming the move's reference and linking to its page
// in the staff app, with no personal details. The subscription is new, so
// the move is introduced to it as upstream does: create_move ("new move").
func TestEventThroughTheAPIIsEmailed(t *testing.T) {
	mail := notifytest.NewSMTPServer(t, nil, false)
	dir := t.TempDir()
	db := filepath.Join(dir, "mail.db")
	addr := freePort(t)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuf
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-demo", "-db", db, "-addr", addr, "-base-url", base,
			"-smtp-url", "smtp://127.0.0.1:" + mail.Port() + "?from=moves@securemove.example"}, envOf(nil), &out, &errOut)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("server exit %d: %s", code, errOut.String())
		}
	}()
	waitHealthy(t, addr, time.Now(), &errOut)

	var cout, cerr bytes.Buffer
	if code := run(ctx, []string{"subscriptions", "create", "-db", db, "-supplier", "serco", "-email", "ops@serco.example"}, envOf(nil), &cout, &cerr); code != 0 {
		t.Fatalf("subscriptions create: %d %s", code, cerr.String())
	}

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var moveID, ref, person string
	if err := st.DB().QueryRow(`SELECT m.id, m.reference, p.last_name FROM moves m JOIN people p ON p.id = m.person_id
		WHERE m.status = 'requested' AND m.supplier_id = (SELECT id FROM suppliers WHERE key = 'serco') ORDER BY m.reference LIMIT 1`).Scan(&moveID, &ref, &person); err != nil {
		t.Fatal(err)
	}

	token := apiToken(t, base, store.DemoClients[0].ClientID, store.DemoClients[0].Secret)
	body := fmt.Sprintf(`{"data":{"type":"events","attributes":{"event_type":"MoveAccept","occurred_at":%q,"recorded_at":%q},
		"relationships":{"eventable":{"data":{"type":"moves","id":%q}}}}}`, time.Now().UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339), moveID)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.api+json")
	req.Header.Set("Accept", "application/vnd.api+json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/events: %d %s", resp.StatusCode, b)
	}

	var msg notifytest.Message
	for deadline := time.Now().Add(15 * time.Second); msg.To == ""; time.Sleep(50 * time.Millisecond) {
		for _, m := range mail.Messages() {
			if m.To == "ops@serco.example" {
				msg = m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail for ops@serco.example; got %d messages; server log:\n%s", len(mail.Messages()), errOut.String())
		}
	}
	data := strings.ReplaceAll(msg.Data, "\r\n", "\n")
	if msg.From != "moves@securemove.example" {
		t.Errorf("envelope from %q", msg.From)
	}
	for _, want := range []string{
		"To: ops@serco.example\n",
		"Subject: Move " + ref + ": new move\n",
		"Content-Type: text/plain; charset=utf-8\n",
		"See the move: " + base + "/move/" + moveID + "\n",
	} {
		if !strings.Contains(data, want) {
			t.Errorf("the message lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(data, person) {
		t.Errorf("the message names the person (%s):\n%s", person, data)
	}
	id := regexp.MustCompile(`(?m)^X-Notification-ID: (\S+)$`).FindStringSubmatch(data)
	if id == nil {
		t.Fatalf("no X-Notification-ID:\n%s", data)
	}
	var state string
	if err := st.DB().QueryRow("SELECT event_type FROM notifications WHERE id = ? AND channel = 'email'", id[1]).Scan(&state); err != nil || state != "create_move" {
		t.Errorf("notification %s: %q %v", id[1], state, err)
	}

	// The link is the move's page: it asks a visitor to sign in, as any
	// page of the staff app does, and is not missing.
	nr := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	lr, err := nr.Get(base + "/move/" + moveID)
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	if loc := lr.Header.Get("Location"); lr.StatusCode != http.StatusSeeOther && lr.StatusCode != http.StatusFound || !strings.Contains(loc, "sign-in") {
		t.Errorf("the link answered %d (Location %q), want a redirect to sign in", lr.StatusCode, loc)
	}
}

// apiToken gets an access token with the client credentials grant.
func apiToken(t *testing.T, base, id, secret string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return tr.AccessToken
}
