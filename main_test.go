package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
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
		// It names every demo user.
		signIn, _, _ := strings.Cut(out.String(), "\n")
		for _, u := range store.DemoUsers {
			if !slices.Contains(strings.FieldsFunc(signIn, func(r rune) bool { return r == ' ' || r == ',' }), u.Username) {
				t.Errorf("the start's %q does not name the demo user %s", signIn, u.Username)
			}
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

// TestBadSettingsAreRefused: an environment value the server cannot read
// was once replaced by the default without a word (SECUREMOVE_TOKEN_TTL=90
// gave tokens an hour, SECUREMOVE_DEMO=yes no demo), and a negative
// -token-ttl issued tokens already expired. Each is now an error naming
// the setting, exit 2; a flag given on the command line still wins over
// its variable.
func TestBadSettingsAreRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string // in stderr; "" when the settings are taken
		ok   func(config) bool
	}{
		{name: "token ttl from env", env: map[string]string{"SECUREMOVE_TOKEN_TTL": "90m"},
			ok: func(c config) bool { return c.tokenTTL == 90*time.Minute }},
		{name: "token ttl default", ok: func(c config) bool { return c.tokenTTL == time.Hour }},
		{name: "token ttl unreadable", env: map[string]string{"SECUREMOVE_TOKEN_TTL": "90"}, want: `SECUREMOVE_TOKEN_TTL="90"`},
		{name: "token ttl unreadable, flag wins", env: map[string]string{"SECUREMOVE_TOKEN_TTL": "soon"}, args: []string{"-token-ttl", "2h"},
			ok: func(c config) bool { return c.tokenTTL == 2*time.Hour }},
		{name: "token ttl negative in env", env: map[string]string{"SECUREMOVE_TOKEN_TTL": "-5m"}, want: "SECUREMOVE_TOKEN_TTL) -5m0s: API tokens must last at least 1s"},
		{name: "token ttl negative flag", args: []string{"-token-ttl", "-1h"}, want: "-token-ttl (SECUREMOVE_TOKEN_TTL) -1h0m0s"},
		{name: "token ttl under a second", args: []string{"-token-ttl", "500ms"}, want: "at least 1s"},
		{name: "token ttl zero", args: []string{"-token-ttl", "0"}, want: "at least 1s"},
		{name: "token ttl one second", args: []string{"-token-ttl", "1s"}, ok: func(c config) bool { return c.tokenTTL == time.Second }},
		{name: "demo unreadable", env: map[string]string{"SECUREMOVE_DEMO": "yes"}, want: `SECUREMOVE_DEMO="yes": give true or false`},
		{name: "demo unreadable, flag wins", env: map[string]string{"SECUREMOVE_DEMO": "yes"}, args: []string{"-demo=false"},
			ok: func(c config) bool { return !c.demo }},
		{name: "demo", env: map[string]string{"SECUREMOVE_DEMO": "1"}, ok: func(c config) bool { return c.demo }},
		{name: "private callbacks unreadable", env: map[string]string{"SECUREMOVE_ALLOW_PRIVATE_CALLBACKS": "on"}, want: "SECUREMOVE_ALLOW_PRIVATE_CALLBACKS"},
		{name: "test endpoints unreadable", env: map[string]string{"SECUREMOVE_TEST_ENDPOINTS": "y"}, want: "SECUREMOVE_TEST_ENDPOINTS"},
		{name: "read slots unreadable", env: map[string]string{"SECUREMOVE_READ_SLOTS": "two"}, want: `SECUREMOVE_READ_SLOTS="two": give a whole number`},
		{name: "busy deliveries unreadable", env: map[string]string{"SECUREMOVE_BUSY_DELIVERIES": "1.5"}, want: "SECUREMOVE_BUSY_DELIVERIES"},
		{name: "numbers", env: map[string]string{"SECUREMOVE_READ_SLOTS": "-1", "SECUREMOVE_BUSY_DELIVERIES": "50"},
			ok: func(c config) bool { return c.readSlots == -1 && c.busyDeliveries == 50 }},
		{name: "every bad one named", env: map[string]string{"SECUREMOVE_READ_SLOTS": "x", "SECUREMOVE_DEMO": "x"}, want: "SECUREMOVE_DEMO=\"x\": give true or false (or 1 or 0)\nSECUREMOVE_READ_SLOTS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var errOut bytes.Buffer
			cfg, code, ok := parseConfig(c.args, envOf(c.env), &errOut)
			if c.want == "" {
				if !ok || errOut.Len() > 0 || !c.ok(cfg) {
					t.Fatalf("ok=%v code=%d stderr=%q config %+v", ok, code, errOut.String(), cfg)
				}
				return
			}
			if ok || code != 2 || !strings.Contains(errOut.String(), c.want) {
				t.Fatalf("ok=%v code=%d stderr=%q, want exit 2 and %q", ok, code, errOut.String(), c.want)
			}
		})
	}
	// Through run, the whole way: refused before anything is served.
	db := filepath.Join(t.TempDir(), "bad.db")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var out, errOut syncBuf
	code := run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db}, envOf(map[string]string{"SECUREMOVE_TOKEN_TTL": "-1h"}), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "SECUREMOVE_TOKEN_TTL") {
		t.Fatalf("run: exit %d, %q", code, errOut.String())
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the server started")
	}
}
