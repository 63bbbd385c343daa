// Command securemove serves "Book a secure move": the staff web app, the
// supplier API and the operator commands, in one binary.
//
//	securemove [flags]              serve
//	securemove clients <command>    manage API clients (see "clients -h")
//	securemove subscriptions <cmd>  manage notification subscriptions
//	securemove webhook-sink         a receiver that verifies and shows webhooks
//	securemove migrate -from F -to U copy a SQLite deployment into PostgreSQL
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/London without relying on the host's zoneinfo

	hserve "github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// tuneGC collects garbage half as often as Go's default: the live heap is
// small (the database's pages are SQLite's, outside it), and at the
// default the collector took a tenth of the CPU of serving event posts. A
// soft limit on the heap collects sooner should it ever grow. GOGC and
// GOMEMLIMIT, when set, win.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}
}

// config is every setting, each a flag with a matching environment variable.
type config struct {
	addr       string
	db         string
	demo       bool
	sessionKey string
	baseURL    string
	logLevel   string
	tokenTTL   time.Duration
	tls        bool
	production bool
	// Tell suppliers (notify_wiring.go).
	secretsKey   string
	smtpURL      string
	metricsToken string
	readSlots    int
	// busyDeliveries paces deliveries while clients wait (-busy-deliveries).
	busyDeliveries int
	metricsAddr    string
	allowPrivate   bool
	// now, when set, is the service's clock at start (-now): "today" and
	// the demo data are placed around it. testEndpoints adds /test/reset.
	now           string
	testEndpoints bool
}

// defineFlags defines the server's flags, each defaulting to its
// environment variable. An environment value its flag cannot take is
// returned, by flag name, for checkConfig to refuse unless the flag itself
// is given (the flag wins, as ever).
func defineFlags(fs *flag.FlagSet, cfg *config, getenv func(string) string) (badEnv map[string]error) {
	badEnv = map[string]error{}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	envBool := func(flagName, name string, def bool) bool {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err == nil {
				return b
			}
			badEnv[flagName] = fmt.Errorf("%s=%q: give true or false (or 1 or 0)", name, v)
		}
		return def
	}
	envInt := func(flagName, name string, def int) int {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err == nil {
				return n
			}
			badEnv[flagName] = fmt.Errorf("%s=%q: give a whole number", name, v)
		}
		return def
	}
	cfg.production = strings.EqualFold(getenv("SECUREMOVE_ENV"), "production")
	fs.StringVar(&cfg.addr, "addr", env("SECUREMOVE_ADDR", ":8080"), "address to listen on (SECUREMOVE_ADDR)")
	fs.StringVar(&cfg.db, "db", env("SECUREMOVE_DB", "./data/securemove.db"), "SQLite database file, or a postgres:// URL for PostgreSQL; created or migrated on start (SECUREMOVE_DB)")
	fs.BoolVar(&cfg.demo, "demo", envBool("demo", "SECUREMOVE_DEMO", false), "seed demo data and demo users once; never in production (SECUREMOVE_DEMO)")
	fs.StringVar(&cfg.sessionKey, "session-key", env("SECUREMOVE_SESSION_KEY", ""), "secret for signing and encrypting session cookies, at least 32 characters; required in production (SECUREMOVE_SESSION_KEY)")
	fs.StringVar(&cfg.baseURL, "base-url", env("SECUREMOVE_BASE_URL", "http://localhost:8080"), "public address of the service, used in API links; https:// turns on secure cookies and HSTS (SECUREMOVE_BASE_URL)")
	fs.StringVar(&cfg.logLevel, "log-level", env("SECUREMOVE_LOG_LEVEL", "info"), "debug, info, warn or error (SECUREMOVE_LOG_LEVEL)")
	ttl := time.Hour
	if v := getenv("SECUREMOVE_TOKEN_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			badEnv["token-ttl"] = fmt.Errorf("SECUREMOVE_TOKEN_TTL=%q: give a duration such as 1h or 90m", v)
		} else {
			ttl = d
		}
	}
	fs.DurationVar(&cfg.tokenTTL, "token-ttl", ttl, "lifetime of API access tokens, at least 1s (SECUREMOVE_TOKEN_TTL)")
	fs.StringVar(&cfg.secretsKey, "secrets-key", env("SECUREMOVE_SECRETS_KEY", ""), "base64 of 32 bytes sealing subscription secrets at rest (several, comma-separated, newest first, while changing keys); required in production and with PostgreSQL, otherwise generated beside the database (SECUREMOVE_SECRETS_KEY)")
	fs.StringVar(&cfg.smtpURL, "smtp-url", env("SECUREMOVE_SMTP_URL", ""), "SMTP server for notification e-mails, smtp://user:pass@host:587?from=addr or smtps://…; unset: no e-mail (SECUREMOVE_SMTP_URL)")
	fs.StringVar(&cfg.metricsToken, "metrics-token", env("SECUREMOVE_METRICS_TOKEN", ""), "bearer token for /metrics on the main address; unset: /metrics is not served there (SECUREMOVE_METRICS_TOKEN)")
	fs.IntVar(&cfg.readSlots, "read-slots", envInt("read-slots", "SECUREMOVE_READ_SLOTS", 0), "reads (pages, API GETs) served at once, the rest waiting their turn so that writes are not kept from the CPU; 0: two per CPU, -1: no limit (SECUREMOVE_READ_SLOTS)")
	fs.IntVar(&cfg.busyDeliveries, "busy-deliveries", envInt("busy-deliveries", "SECUREMOVE_BUSY_DELIVERIES", 0), "notification attempts a second, at most, while more requests are in flight than CPUs (none while four times the CPUs or more are), so that deliveries give way to the service's clients and catch up after, 30 s at most; 0: 200, -1: never held back (SECUREMOVE_BUSY_DELIVERIES)")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", env("SECUREMOVE_METRICS_ADDR", ""), "separate address serving /metrics without a token, e.g. 127.0.0.1:9090 (SECUREMOVE_METRICS_ADDR)")
	fs.BoolVar(&cfg.allowPrivate, "allow-private-callbacks", envBool("allow-private-callbacks", "SECUREMOVE_ALLOW_PRIVATE_CALLBACKS", false), "allow callback URLs on loopback or private networks (always allowed in demo mode) (SECUREMOVE_ALLOW_PRIVATE_CALLBACKS)")
	fs.StringVar(&cfg.now, "now", env("SECUREMOVE_NOW", ""), "fix the clock at start, e.g. 2026-01-15T09:00:00Z: today and the demo data follow it; for demo and tests, never in production (SECUREMOVE_NOW)")
	fs.BoolVar(&cfg.testEndpoints, "test-endpoints", envBool("test-endpoints", "SECUREMOVE_TEST_ENDPOINTS", false), "with -demo, serve POST /test/reset for test suites; never in production (SECUREMOVE_TEST_ENDPOINTS)")
	return badEnv
}

// checkConfig refuses what the flags parsed but the server cannot take: an
// environment value its flag could not read (unless the flag was given,
// which wins), and API tokens shorter-lived than a second (a negative
// -token-ttl issued tokens already expired, with a negative expires_in).
func checkConfig(fs *flag.FlagSet, cfg config, badEnv map[string]error) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if err := badEnv[f.Name]; err != nil && !given[f.Name] {
			errs = append(errs, err)
		}
	})
	// An unreadable variable left the default, which passes.
	if cfg.tokenTTL < time.Second {
		errs = append(errs, fmt.Errorf("-token-ttl (SECUREMOVE_TOKEN_TTL) %s: API tokens must last at least 1s", cfg.tokenTTL))
	}
	return errors.Join(errs...)
}

// clock is the service's clock: the real one, or with -now one that starts
// at the given instant and runs from there, so that events posted a second
// apart are a second apart. start is the instant the demo data is planned
// from: with -now, the instant given, exactly, so that two starts with the
// same -now seed the same data however long each took to get there.
func clock(cfg config) (now func() time.Time, start time.Time, err error) {
	if cfg.now == "" {
		return time.Now, time.Now(), nil
	}
	if cfg.production {
		return nil, time.Time{}, errors.New("-now (SECUREMOVE_NOW) is for demo and test use and never allowed when SECUREMOVE_ENV=production")
	}
	at, err := time.Parse(time.RFC3339, cfg.now)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("-now %q: give an RFC 3339 time such as 2026-01-15T09:00:00Z", cfg.now)
	}
	started := time.Now()
	return func() time.Time { return at.Add(time.Since(started)) }, at, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			args = args[1:]
		case "clients":
			return runClients(ctx, args[1:], getenv, stdout, stderr)
		case "subscriptions":
			return runSubscriptions(ctx, args[1:], getenv, stdout, stderr)
		case "webhook-sink":
			return runWebhookSink(ctx, args[1:], stdout, stderr)
		case "migrate":
			return runMigrate(ctx, args[1:], getenv, stdout, stderr)
		case "testing-guide":
			return runTestingGuide(args[1:], stdout, stderr)
		default:
			fmt.Fprintf(stderr, "unknown command %q; commands: serve (default), clients, subscriptions, webhook-sink, migrate, testing-guide\n", args[0])
			return 2
		}
	}
	cfg, code, ok := parseConfig(args, getenv, stderr)
	if !ok {
		return code
	}
	log, err := newLogger(cfg.logLevel, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err := serve(ctx, cfg, log, stdout); err != nil {
		log.Error("securemove stopped", "err", err)
		return 1
	}
	return 0
}

// parseConfig reads the server's flags and environment; !ok means stop
// with code (0 after -help, 2 for anything it cannot take, said on stderr).
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (cfg config, code int, ok bool) {
	fs := flag.NewFlagSet("securemove", flag.ContinueOnError)
	fs.SetOutput(stderr)
	badEnv := defineFlags(fs, &cfg, getenv)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: securemove [serve] [flags]\n       securemove clients <create|rotate|retire-secret|list|disable> [flags]\n       securemove subscriptions <create|rotate|retire-secret|list|disable|enable|test> [flags]\n       securemove webhook-sink [-addr A] -secret S\n       securemove migrate -from <SQLite file> -to <postgres:// URL>\n\nFlags (each also read from the environment variable named):\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, 0, false
		}
		return config{}, 2, false
	}
	if fs.NArg() > 0 {
		// A word after the flags is never the server's: most likely a
		// command put after flags meant for it, which would otherwise
		// start a server instead of running the command.
		fmt.Fprintln(stderr, unexpectedArgument(args, fs.Args()))
		return config{}, 2, false
	}
	if err := checkConfig(fs, cfg, badEnv); err != nil {
		fmt.Fprintln(stderr, err)
		return config{}, 2, false
	}
	return cfg, 0, true
}

// commands are the words run takes as its first argument.
var commands = []string{"serve", "clients", "subscriptions", "webhook-sink", "migrate", "testing-guide"}

// unexpectedArgument says what to do about words left after the server's
// flags: a command goes first, its flags after it.
func unexpectedArgument(args, rest []string) string {
	if !slices.Contains(commands, rest[0]) {
		return fmt.Sprintf("unexpected argument %q: the server takes flags only (see securemove -help)", rest[0])
	}
	flags := args[:len(args)-len(rest)]
	return fmt.Sprintf("unexpected argument %q (a command comes first: securemove %s)", rest[0], strings.Join(append(slices.Clone(rest), flags...), " "))
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func serve(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	start := time.Now()
	if cfg.production && cfg.demo {
		return errors.New("demo mode is never allowed when SECUREMOVE_ENV=production")
	}
	if cfg.production && cfg.testEndpoints {
		return errors.New("-test-endpoints is never allowed when SECUREMOVE_ENV=production")
	}
	if cfg.testEndpoints && !cfg.demo {
		return errors.New("-test-endpoints needs -demo: /test/reset puts the demo data back")
	}
	now, demoStart, err := clock(cfg)
	if err != nil {
		return err
	}
	key, err := sessionKey(cfg)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(cfg.db); dir != "" && !store.IsPostgres(cfg.db) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	st.Now = now
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing database", "err", err)
		} else {
			log.Info("database closed")
		}
	}()
	// Clean-ups run on one instance of all those sharing the database
	// (store.RunBackground), and stop before the database closes.
	bgCtx, stopBackground := context.WithCancel(ctx)
	bgDone := make(chan struct{})
	go func() {
		defer close(bgDone)
		st.RunBackground(bgCtx, time.Minute, cleanUp(st, log), func(err error) {
			if err != nil {
				log.Warn("background clean-up", "err", err)
			}
		})
	}()
	defer func() { stopBackground(); <-bgDone }()
	if cfg.demo {
		seedStart := time.Now()
		seeded, err := st.SeedDemo(ctx, demoStart)
		if err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if seeded {
			log.Info("demo data seeded", "now", demoStart.Format(time.RFC3339), "ms", time.Since(seedStart).Milliseconds())
		}
		fmt.Fprintln(stdout, demoSignIn())
		for _, c := range store.DemoClients {
			fmt.Fprintf(stdout, "Demo API client for %s: client_id=%s client_secret=%s\n", c.Supplier, c.ClientID, c.Secret)
		}
		if cfg.testEndpoints {
			fmt.Fprintln(stdout, "Test endpoints on: POST /test/reset puts the demo data back as it was at start.")
		}
	}
	// The worker stops with ctx and is waited for before the store closes
	// (deferred calls run last first).
	wctx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	// Deliveries give way to the clients' requests while they wait
	// (notify.Worker.Busy): the server counts them, the worker reads the
	// count.
	inflight := new(web.InFlight)
	nc := notifyConfig{db: cfg.db, secretsKey: cfg.secretsKey, smtpURL: cfg.smtpURL,
		baseURL: strings.TrimRight(cfg.baseURL, "/"), allowPrivate: cfg.demo || cfg.allowPrivate, production: cfg.production, clock: now}
	if cfg.busyDeliveries >= 0 {
		nc.busy, nc.busyRate, nc.saturated = inflight.Busy, cfg.busyDeliveries, inflight.Saturated
	}
	nt, err := startNotify(wctx, nc, st, log)
	if err != nil {
		return err
	}
	defer func() { stopWorker(); nt.Stop() }()
	if cfg.metricsAddr != "" {
		if err := serveMetrics(wctx, cfg.metricsAddr, nt.Metrics, log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	deps := &hserve.NotifyDeps{Sealer: nt.Sealer, Guard: nt.Guard, Worker: nt.Worker}
	// afterReset gives the demo receiver its subscriptions back after each
	// POST /test/reset.
	var afterReset func(context.Context) error
	if cfg.demo {
		if deps.Sink, afterReset, err = demoReceiver(ctx, nt, cfg.db, loopbackURL(ln.Addr())+"/demo/webhooks", st, log); err != nil {
			ln.Close()
			return err
		}
	}
	srv := web.New(web.Config{
		Addr: cfg.addr, BaseURL: strings.TrimRight(cfg.baseURL, "/"), SessionKey: key, Demo: cfg.demo,
		Production: cfg.production, TLS: strings.HasPrefix(cfg.baseURL, "https://"), TokenTTL: cfg.tokenTTL,
		Now: now, TestEndpoints: cfg.testEndpoints, DemoStart: demoStart, AfterReset: afterReset,
		Metrics: nt.Metrics, MetricsToken: cfg.metricsToken, Notify: deps, ReadSlots: cfg.readSlots,
		InFlight: inflight,
	}, st, log)
	log.Info("listening", "addr", ln.Addr().String(), "url", cfg.baseURL, "demo", cfg.demo, "startup_ms", time.Since(start).Milliseconds())
	return srv.Serve(ctx, ln, 20*time.Second)
}

// demoSignIn is what a demo start prints first: every demo user's name
// and the password they share.
func demoSignIn() string {
	names := make([]string, len(store.DemoUsers))
	for i, u := range store.DemoUsers {
		names[i] = u.Username
	}
	list := names[len(names)-1]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + " or " + list
	}
	return "Demo mode. Sign in as " + list + ", password: " + store.DemoPassword
}

// sessionKey returns the configured key; in demo mode a missing key is
// generated once and kept beside the database, so sign-ins survive a
// restart. In production a missing key stops start-up.
func sessionKey(cfg config) ([]byte, error) {
	if cfg.sessionKey != "" {
		if len(cfg.sessionKey) < 32 {
			return nil, errors.New("-session-key must be at least 32 characters")
		}
		return []byte(cfg.sessionKey), nil
	}
	if cfg.production || !cfg.demo {
		if cfg.production {
			return nil, errors.New("SECUREMOVE_SESSION_KEY (or -session-key) is required when SECUREMOVE_ENV=production")
		}
	}
	if store.IsPostgres(cfg.db) {
		// Several instances share the database and must read each other's
		// session cookies: a key generated by one would sign out the rest.
		return nil, errors.New("with PostgreSQL, give every instance the same SECUREMOVE_SESSION_KEY (or -session-key), at least 32 characters")
	}
	path := cfg.db + ".session-key"
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	k := hex.EncodeToString(b)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep the generated session key: %w", err)
	}
	return []byte(k), nil
}

// cleanUp is the background clean-up of expired tokens and old
// idempotency keys, on the service's clock: the clock that stamped them
// (with -now, one in the past, which the real one would find long
// expired, signing out every API client of a demo or a benchmark).
func cleanUp(st *store.Store, log *slog.Logger) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		n, err := st.CleanUp(ctx, st.Now())
		if n > 0 {
			log.Info("expired tokens and idempotency keys deleted", "rows", n)
		}
		return err
	}
}
