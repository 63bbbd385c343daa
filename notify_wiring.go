package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/securemove/securemove/metrics"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
)

// notifier is "Tell suppliers" put together: the delivery worker draining
// the store's outbox, the guard that checks callback URLs, the sealer of
// secrets and the metrics.
type notifier struct {
	Worker  *notify.Worker
	Guard   *notify.Guard
	Sealer  *notify.Sealer
	Metrics *metrics.Metrics
	// secretsKey is the key in use (configured or generated).
	secretsKey string
	done       chan struct{}
}

// notifyConfig is what startNotify needs from the configuration.
type notifyConfig struct {
	db           string
	secretsKey   string
	smtpURL      string
	baseURL      string
	allowPrivate bool
	production   bool
	poll         time.Duration   // 0: the worker's default
	schedule     notify.Schedule // nil: the default retry schedule
	// clock is the service's clock (-now): notifications are dated and
	// come due by it. nil: the real clock.
	clock func() time.Time
	// busy, busyRate and saturated: see notify.Worker's Busy and
	// Saturated (nil: never held back).
	busy      func() bool
	busyRate  int
	saturated func() bool
}

// clockFunc is a func as a notify.Clock.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// startNotify builds the worker and starts it; it runs until ctx ends,
// and Stop waits for the attempts in flight to be recorded. The store
// wakes it after every commit that wrote notifications.
func startNotify(ctx context.Context, nc notifyConfig, st *store.Store, log *slog.Logger) (*notifier, error) {
	key, err := secretsKey(nc)
	if err != nil {
		return nil, err
	}
	var clk notify.Clock = notify.SystemClock{}
	if nc.clock != nil {
		clk = clockFunc(nc.clock)
	}
	// Without SMTP this server sends no e-mail: none is written to wait.
	st.SendsEmail(nc.smtpURL != "")
	m := metrics.New(st.Outbox(), clk.Now)
	w, g, err := notify.NewWorker(notify.Options{
		BaseURL: nc.baseURL, SecretsKey: key, SMTPURL: nc.smtpURL, AllowPrivate: nc.allowPrivate,
		Outbox: st.Outbox(), Observer: m, Logger: log, Clock: clk, Busy: nc.busy, BusyRate: nc.busyRate, Saturated: nc.saturated,
	})
	if err != nil {
		return nil, err
	}
	if nc.poll > 0 {
		w.Poll = nc.poll
	}
	if nc.schedule != nil {
		w.Schedule = nc.schedule
	}
	sealer, err := notify.ParseKeys(key)
	if err != nil {
		return nil, err
	}
	n := &notifier{Worker: w, Guard: g, Sealer: sealer, Metrics: m, secretsKey: key, done: make(chan struct{})}
	st.OnOutbox(w.Wake)
	go func() {
		defer close(n.done)
		_ = w.Run(ctx)
	}()
	return n, nil
}

// Stop waits for the worker to finish after its context ended.
func (n *notifier) Stop() { <-n.done }

// secretsKey returns the configured key that seals subscription secrets.
// Outside production a missing key is generated once and kept beside the
// database (as the session key is), so a newcomer needs no setting; in
// production a missing key stops start-up, since losing it makes every
// subscription's secret unreadable.
func secretsKey(nc notifyConfig) (string, error) {
	if nc.secretsKey != "" {
		if _, err := notify.ParseKeys(nc.secretsKey); err != nil {
			return "", fmt.Errorf("-secrets-key: %w", err)
		}
		return nc.secretsKey, nil
	}
	if nc.production {
		return "", errors.New("SECUREMOVE_SECRETS_KEY (or -secrets-key) is required when SECUREMOVE_ENV=production; make one with: openssl rand -base64 32")
	}
	if store.IsPostgres(nc.db) {
		// Every instance on the database must open the secrets any of them
		// sealed, and a URL has no folder to keep a generated key beside.
		return "", errors.New("with PostgreSQL, give every instance the same SECUREMOVE_SECRETS_KEY (or -secrets-key); make one with: openssl rand -base64 32")
	}
	path := nc.db + ".secrets-key"
	if b, err := os.ReadFile(path); err == nil {
		if k := strings.TrimSpace(string(b)); k != "" {
			return k, nil
		}
	}
	k, err := notify.GenerateKey()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the generated secrets key: %w", err)
	}
	return k, nil
}

// serveMetrics serves /metrics alone on its own address (for a scraper on
// an internal network), without a token, until ctx ends.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	// The address itself is the protection: no token is asked for.
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}

// demoReceiver sets up demo mode's built-in receiver: a Sink verifying
// with one secret kept beside the database, and (on a database with no
// subscriptions) a subscription for each supplier posting to it, so a
// newcomer sees a delivery at /demo/webhooks within seconds of a change.
// subscribe makes those subscriptions again the same way: POST
// /test/reset, which empties the subscriptions with the rest of the data,
// calls it after each reset.
func demoReceiver(ctx context.Context, nt *notifier, db, url string, st *store.Store, log *slog.Logger) (sink *notify.Sink, subscribe func(context.Context) error, err error) {
	secret, err := demoSecret(db, nt.secretsKey)
	if err != nil {
		return nil, nil, err
	}
	sink, err = notify.NewSink(secret, 50, nil)
	if err != nil {
		return nil, nil, err
	}
	subscribe = func(ctx context.Context) error { return demoSubscriptions(ctx, st, nt.Sealer, url, secret, log) }
	if err := subscribe(ctx); err != nil {
		return nil, nil, err
	}
	return sink, subscribe, nil
}

// demoSubscriptions gives each supplier a subscription posting to the demo
// receiver at url, signed with its secret, when the database has no
// subscription at all (one made by hand is left alone, and no second set
// is made).
func demoSubscriptions(ctx context.Context, st *store.Store, sealer *notify.Sealer, url, secret string, log *slog.Logger) error {
	subs, err := st.Subscriptions(ctx)
	if err != nil {
		return err
	}
	if len(subs) > 0 {
		return nil
	}
	sps, err := st.Suppliers(ctx)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		if _, _, err := st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: sp.Key, CallbackURL: url, Secret: secret}, sealer, "demo"); err != nil {
			return fmt.Errorf("demo subscription for %s: %w", sp.Key, err)
		}
	}
	log.Info("demo subscriptions created", "url", url, "suppliers", len(sps))
	return nil
}

// demoSecret is the demo receiver's signing secret. On SQLite it is made
// once and kept beside the database. On PostgreSQL there is no folder
// beside a URL, and every instance's receiver must verify what any
// instance sends, so it is derived from the secrets key they share.
func demoSecret(db, secretsKey string) (string, error) {
	if store.IsPostgres(db) {
		mac := hmac.New(sha256.New, []byte(secretsKey))
		mac.Write([]byte("securemove demo webhook receiver"))
		return "whsec_" + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
	}
	path := db + ".demo-webhook-secret"
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); notify.ValidateSecret(s) == nil {
			return s, nil
		}
	}
	s, err := notify.GenerateSecret()
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the demo webhook secret: %w", err)
	}
	return s, nil
}

// loopbackURL is the address a listener is reachable at from this machine.
func loopbackURL(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	return "http://127.0.0.1:" + port
}
