// Package web assembles the server: the echo instance, middleware
// (request ids, logs, recovery, security headers, sessions, CSRF), the one
// route table and the error pages.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers"
	"github.com/securemove/securemove/handlers/admin"
	"github.com/securemove/securemove/handlers/api"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/metrics"
	"github.com/securemove/securemove/store"
)

// Config is the server's configuration.
type Config struct {
	Addr       string
	BaseURL    string
	SessionKey []byte
	Demo       bool
	Production bool
	// TLS is true when the service is served over HTTPS (directly or
	// behind a proxy that terminates TLS): cookies get Secure and HSTS is
	// sent.
	TLS      bool
	TokenTTL time.Duration
	// Metrics, when set, counts requests by route and status; /metrics is
	// served on this address only with MetricsToken (main may serve it on
	// an address of its own).
	Metrics      *metrics.Metrics
	MetricsToken string
	// Notify turns on the subscription pages and the demo receiver.
	Notify *serve.NotifyDeps
	// Now is the service's clock (time.Now when nil; -now fixes its start).
	Now func() time.Time
	// TestEndpoints serves POST /test/reset, which puts the demo data
	// planned around DemoStart back. Only with Demo, never in production.
	TestEndpoints bool
	DemoStart     time.Time
	// AfterReset, when set, runs after each POST /test/reset has put the
	// demo data back: main gives the demo receiver its subscriptions again
	// (the reset empties them with the rest of the data).
	AfterReset func(ctx context.Context) error
	// ReadSlots is how many reads may run at once (readslots.go); two per
	// CPU when 0.
	ReadSlots int
	// InFlight counts the requests being served (inflight.go), for the
	// notification worker to give way to; a fresh count when nil.
	InFlight *InFlight
}

// Server is the assembled web server.
type Server struct {
	Echo     *echo.Echo
	Handlers *handlers.Handlers
	// API is the supplier API's handlers; its clock is Handlers.Now.
	API *api.Handlers
	// Admin is the administration's handlers; its clock is Handlers.Now.
	Admin *admin.Handlers
	cfg   Config
	log   *slog.Logger
	// sessions are the staff app's and administration's browser sessions;
	// handlers see them as serve.Sessions.
	sessions *Sessions
	// allowed is allowedMethods, built once the routes are.
	allowed func(path string) []string
}

// New builds the server around an open store.
func New(cfg Config, st *store.Store, log *slog.Logger) *Server {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.InFlight == nil {
		cfg.InFlight = new(InFlight)
	}
	if cfg.DemoStart.IsZero() {
		cfg.DemoStart = cfg.Now()
	}
	sessions := NewSessions(cfg.SessionKey, cfg.TLS)
	h := &handlers.Handlers{
		Store:    st,
		Sessions: sessions,
		Log:      log,
		Now:      cfg.Now,
		Demo:     cfg.Demo,
		Throttle: handlers.NewThrottle(),
		Pages:    handlers.NewPageCache(16 << 20),
	}
	if cfg.Notify != nil {
		h.DemoSink = cfg.Notify.Sink
	}
	if cfg.Metrics != nil {
		cfg.Metrics.PageCache(h.Pages.Hits.Load, h.Pages.Misses.Load)
	}
	a := &api.Handlers{
		Store: st,
		Log:   log,
		// One clock for every audience: tests set Handlers.Now.
		Now:      func() time.Time { return h.Now() },
		BaseURL:  cfg.BaseURL,
		TokenTTL: cfg.TokenTTL,
		Metrics:  cfg.Metrics,
	}
	ad := &admin.Handlers{
		Store:    st,
		Sessions: sessions,
		Log:      log,
		Now:      func() time.Time { return h.Now() },
		BaseURL:  cfg.BaseURL,
		Notify:   cfg.Notify,
	}
	// Errors are answered in the format of the audience that asked: a
	// JSON:API body for the API, a GOV.UK page for everyone else.
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if api.IsAPIPath(c.Request().URL.Path) {
			a.ErrorHandler(err, c)
			return
		}
		h.ErrorHandler(err, c)
	}
	s := &Server{Echo: e, Handlers: h, API: a, Admin: ad, cfg: cfg, log: log, sessions: sessions}
	s.middleware()
	s.routes()
	s.allowed = s.allowedMethods()
	a.AllowedMethods = s.allowed
	return s
}

// afterReset runs after POST /test/reset has put the demo data back: the
// token requests the API counted before it are forgotten, since a suite
// asks for a new token after each reset; then Config.AfterReset runs.
func (s *Server) afterReset(ctx context.Context) error {
	s.API.ForgetTokenRequests()
	if s.cfg.AfterReset != nil {
		return s.cfg.AfterReset(ctx)
	}
	return nil
}

// ServeHTTP serves a request: the server's handler, and httptest's.
//
// HEAD is answered as GET without the body (RFC 9110 9.3.2), so that a
// monitor's HEAD /health, or a link checker's HEAD of a page, gets what
// GET would: the routes see a GET, and net/http, which still holds the
// HEAD request, sends the headers and drops what is written. No cookie
// is set: sessions live in cookies, so what a GET takes from one (a
// flash, a secret shown once) stays for the GET that shows it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		get := r.WithContext(context.WithValue(r.Context(), headKey{}, true))
		get.Method = http.MethodGet
		r, w = get, &noCookies{ResponseWriter: w}
	}
	s.Echo.ServeHTTP(w, r)
}

// headKey marks a HEAD answered as GET, for the logs and metrics.
type headKey struct{}

// method is the method the client sent: HEAD for one answered as GET.
func method(r *http.Request) string {
	if r.Context().Value(headKey{}) != nil {
		return http.MethodHead
	}
	return r.Method
}

// noCookies drops Set-Cookie from the answer to a HEAD.
type noCookies struct {
	http.ResponseWriter
	wrote bool
}

func (n *noCookies) WriteHeader(code int) {
	if !n.wrote {
		n.wrote = true
		n.Header().Del("Set-Cookie")
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *noCookies) Write(b []byte) (int, error) {
	if !n.wrote {
		n.WriteHeader(http.StatusOK)
	}
	return n.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (n *noCookies) Unwrap() http.ResponseWriter { return n.ResponseWriter }

// Flush passes a flush on (htmx's and the page cache's writers ask).
func (n *noCookies) Flush() {
	if f, ok := n.ResponseWriter.(http.Flusher); ok {
		if !n.wrote {
			n.WriteHeader(http.StatusOK)
		}
		f.Flush()
	}
}

// Serve listens on ln until ctx is done, then shuts down gracefully:
// requests in flight may finish (up to the timeout).
func (s *Server) Serve(ctx context.Context, ln net.Listener, shutdownTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: letting requests in flight finish")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
