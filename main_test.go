package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
)

func TestMain(m *testing.M) {
	store.SetBcryptCostForTests(4)
	os.Exit(m.Run())
}

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestHelpListsEveryFlagAndVariable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, envOf(nil), &out, &errOut); code != 0 {
		t.Fatalf("--help exited %d", code)
	}
	for _, want := range []string{"-addr", "SECUREMOVE_ADDR", "-db", "SECUREMOVE_DB", "-demo", "SECUREMOVE_DEMO", "-session-key",
		"SECUREMOVE_SESSION_KEY", "-base-url", "SECUREMOVE_BASE_URL", "-log-level", "SECUREMOVE_LOG_LEVEL", "clients"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}

func TestEnvironmentSetsDefaultsAndFlagsWin(t *testing.T) {
	var cfg config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	defineFlags(fs, &cfg, envOf(map[string]string{"SECUREMOVE_ADDR": ":9999", "SECUREMOVE_DB": "/tmp/x.db", "SECUREMOVE_DEMO": "true",
		"SECUREMOVE_LOG_LEVEL": "debug", "SECUREMOVE_BASE_URL": "https://moves.example", "SECUREMOVE_BUSY_DELIVERIES": "50"}))
	if err := fs.Parse([]string{"-addr", ":7777"}); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":7777" || cfg.db != "/tmp/x.db" || !cfg.demo || cfg.logLevel != "debug" || cfg.baseURL != "https://moves.example" ||
		cfg.busyDeliveries != 50 {
		t.Fatalf("config %+v", cfg)
	}
}

func TestProductionRefusesMissingKeyAndDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-db", db}, "SECUREMOVE_SESSION_KEY"},
		{[]string{"-db", db, "-demo", "-session-key", strings.Repeat("k", 40)}, "demo mode is never allowed"},
		{[]string{"-db", db, "-session-key", "short"}, "at least 32 characters"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, envOf(map[string]string{"SECUREMOVE_ENV": "production"}), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut.String())
		}
	}
	if code := run(context.Background(), []string{"-log-level", "loud"}, envOf(nil), &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Errorf("bad log level exited %d", code)
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeDemoThenStopCleanly starts the real server twice on one
// database: the demo data is seeded once, the generated session key is
// kept, and a cancelled context shuts it down with the database closed.
func TestServeDemoThenStopCleanly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "demo.db")
	var firstKey string
	for i := 0; i < 2; i++ {
		addr := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut syncBuf
		done := make(chan int, 1)
		go func() { done <- run(ctx, []string{"-demo", "-db", db, "-addr", addr}, envOf(nil), &out, &errOut) }()
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + "/health")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("never healthy: %s", errOut.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(out.String(), "demo-password") {
			t.Fatalf("demo mode did not print the password: %q", out.String())
		}
		seeded := strings.Contains(errOut.String(), "demo data seeded")
		if seeded != (i == 0) {
			t.Fatalf("start %d: seeded=%v", i, seeded)
		}
		key, err := os.ReadFile(db + ".session-key")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			firstKey = string(key)
		} else if string(key) != firstKey {
			t.Fatal("the session key changed between restarts")
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("did not stop")
		}
		if !strings.Contains(errOut.String(), "database closed") {
			t.Fatalf("no clean close: %s", errOut.String())
		}
	}
}

// TestWordsAfterTheFlagsAreRefused: "securemove -db x.db clients list"
// once started a server (the flags ended at "clients", and the words left
// were never looked at). Now it stops, saying the command comes first, and
// nothing is served.
func TestWordsAfterTheFlagsAreRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "words.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-addr", "127.0.0.1:0", "-db", db, "clients", "list"},
			`unexpected argument "clients" (a command comes first: securemove clients list -addr 127.0.0.1:0 -db ` + db + `)`},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-db", db, "list"}, `unexpected argument "list"`},
		{[]string{"-addr", "127.0.0.1:0", "-db", db, "serve"}, `(a command comes first: securemove serve -addr`},
	} {
		// Were the words ignored, the server would start: the timeout
		// stops it, and the exit code and output tell.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		var out, errOut syncBuf
		code := run(ctx, c.args, envOf(nil), &out, &errOut)
		cancel()
		if code != 2 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut.String(), c.want)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("%v: the server started and made %s", c.args, db)
		}
	}
}
