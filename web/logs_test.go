package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Every line a handler logs about a request carries the request's id, the
// same one sent back in X-Request-Id.
func TestHandlerLogLinesCarryRequestID(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.SeedDemo(ctx, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	srv := web.New(web.Config{SessionKey: []byte("test-session-key-test-session-key-0123"), Demo: true}, st,
		slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	// A refused token request is logged by the OAuth handler itself.
	res, err := http.PostForm(ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"nobody"}, "client_secret": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := res.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id")
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON log line: %s", sc.Text())
		}
		msg, _ := line["msg"].(string)
		if line["request_id"] == id {
			seen[msg] = true
		}
	}
	if !seen["token refused"] {
		t.Errorf("the handler's line has no request_id %s:\n%s", id, out.String())
	}
}
