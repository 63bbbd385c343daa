// Package server builds and runs the real securemove binary for the
// benchmarks, and signs users and API clients in against it. It only ever
// listens on and talks to 127.0.0.1.
package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SessionKey is the fixed session key the benchmarks run the server with.
const SessionKey = "bench-session-key-0123456789abcdef0123456789"

// env is added to the environment of every server and command the
// benchmarks run: a fixed key sealing subscription secrets (instances on
// one PostgreSQL database must share it, and a database URL has no folder
// to keep a generated one beside), and callbacks allowed on loopback,
// where the benchmarks' receivers listen.
var env = []string{
	"SECUREMOVE_SECRETS_KEY=YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=",
	"SECUREMOVE_ALLOW_PRIVATE_CALLBACKS=1",
}

// command runs the binary with the benchmarks' environment.
func command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// Build compiles the service into bin.
func Build(ctx context.Context, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		return fmt.Errorf("go env GOMOD: %v", err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	// The service is the module's root package, wherever this runs from.
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// FreePort returns a port on 127.0.0.1 that nothing listens on.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Server is a running securemove process.
type Server struct {
	Bin, DB string
	Port    int
	Base    string // http://127.0.0.1:port
	// Startup is the time from starting the process to the first 200
	// answer from /health.
	Startup time.Duration
	cmd     *exec.Cmd
	done    chan error
	logFile *os.File
}

// Options start a server.
type Options struct {
	Bin, DB string
	Port    int // 0 picks a free one
	// Log receives the server's standard error (its JSON logs); nil
	// discards them.
	LogPath  string
	LogLevel string
	// Ready is how long to wait for /health; default 30 s.
	Ready time.Duration
	Env   []string
}

// Start starts the binary on the database and waits until /health
// answers 200, measuring how long that took.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Port == 0 {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		o.Port = p
	}
	if o.Ready == 0 {
		o.Ready = 30 * time.Second
	}
	if o.LogLevel == "" {
		o.LogLevel = "info"
	}
	s := &Server{Bin: o.Bin, DB: o.DB, Port: o.Port, Base: fmt.Sprintf("http://127.0.0.1:%d", o.Port), done: make(chan error, 1)}
	s.cmd = exec.Command(o.Bin, "-db", o.DB, "-addr", fmt.Sprintf("127.0.0.1:%d", o.Port), "-session-key", SessionKey,
		"-base-url", s.Base, "-log-level", o.LogLevel)
	s.cmd.Env = append(append(os.Environ(), env...), o.Env...)
	s.cmd.Stdout = io.Discard
	if o.LogPath != "" {
		f, err := os.OpenFile(o.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		s.logFile = f
		s.cmd.Stderr = f
	} else {
		s.cmd.Stderr = io.Discard
	}
	// A generous timeout: a request given up on is logged by the server
	// as a failed health check, and a first answer may be slow on a
	// database that has just started.
	hc := &http.Client{Timeout: 5 * time.Second}
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		s.closeLog()
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := start.Add(o.Ready)
	for {
		if time.Now().After(deadline) {
			s.Kill()
			return nil, fmt.Errorf("server on %s did not answer /health with 200 within %s", s.Base, o.Ready)
		}
		select {
		case err := <-s.done:
			s.done <- err
			s.closeLog()
			return nil, fmt.Errorf("server exited during start-up: %v (see %s)", err, o.LogPath)
		case <-ctx.Done():
			s.Kill()
			return nil, ctx.Err()
		default:
		}
		resp, err := hc.Get(s.Base + "/health")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Startup = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// CPU returns the CPU time the server process has used so far, user and
// system (from /proc, in clock ticks of 10 ms).
func (s *Server) CPU() (time.Duration, error) { return ProcCPU(s.Pid()) }

// ProcCPU is process pid's CPU time so far, user plus system.
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields count from the
	// last ')'. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fs := strings.Fields(string(b[i+1:]))
	if len(fs) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ut, err1 := strconv.ParseInt(fs[11], 10, 64)
	st, err2 := strconv.ParseInt(fs[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime/stime not numbers", pid)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// PeakRSS returns the process's peak resident set size (VmHWM) in bytes.
func (s *Server) PeakRSS() (int64, error) {
	return procStatus(s.Pid(), "VmHWM")
}

func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, field+":") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			break
		}
		kb, err := strconv.ParseInt(fs[1], 10, 64)
		return kb * 1024, err
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// Stop asks the server to shut down (SIGTERM) and waits up to 25 s.
func (s *Server) Stop() error {
	defer s.closeLog()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(25 * time.Second):
		_ = s.cmd.Process.Kill()
		err := <-s.done
		s.done <- err
		return errors.New("server did not stop within 25 s of SIGTERM; killed")
	}
}

// Kill ends the server with SIGKILL, as a crash would, and waits for it.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	err := <-s.done
	s.done <- err
	s.closeLog()
}

func (s *Server) closeLog() {
	if s.logFile != nil {
		s.logFile.Close()
		s.logFile = nil
	}
}

// Session is a signed-in user: the Cookie header to send and the CSRF
// token of the session.
type Session struct {
	Username string
	Cookie   string
	CSRF     string
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// cookieHeader merges Set-Cookie answers into a Cookie header value.
func cookieHeader(prev string, resp *http.Response) string {
	jar := map[string]string{}
	var order []string
	for _, part := range strings.Split(prev, "; ") {
		if k, v, ok := strings.Cut(part, "="); ok {
			if _, seen := jar[k]; !seen {
				order = append(order, k)
			}
			jar[k] = v
		}
	}
	for _, c := range resp.Cookies() {
		if _, seen := jar[c.Name]; !seen {
			order = append(order, c.Name)
		}
		if c.MaxAge < 0 {
			delete(jar, c.Name)
			continue
		}
		jar[c.Name] = c.Value
	}
	var parts []string
	for _, k := range order {
		if v, ok := jar[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, "; ")
}

func (se *Session) get(ctx context.Context, hc *http.Client, u string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	if se.Cookie != "" {
		req.Header.Set("Cookie", se.Cookie)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	se.Cookie = cookieHeader(se.Cookie, resp)
	if m := csrfRE.FindSubmatch(b); m != nil {
		se.CSRF = string(m[1])
	}
	return resp, string(b), err
}

func (se *Session) post(ctx context.Context, hc *http.Client, u string, form url.Values) (*http.Response, error) {
	form.Set("_csrf", se.CSRF)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", se.Cookie)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	se.Cookie = cookieHeader(se.Cookie, resp)
	return resp, nil
}

// SignIn signs a user in as a browser would: the sign-in page for the
// session cookie and CSRF token, then the form. hc must not follow
// redirects. When location is given, it is chosen as the current
// location. The session's CSRF token is read again afterwards, since
// signing in renews the session.
func SignIn(ctx context.Context, hc *http.Client, base, username, password, location string) (*Session, error) {
	se := &Session{Username: username}
	if _, _, err := se.get(ctx, hc, base+"/sign-in"); err != nil {
		return nil, err
	}
	if se.CSRF == "" {
		return nil, errors.New("sign-in page has no CSRF token")
	}
	resp, err := se.post(ctx, hc, base+"/sign-in", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: status %d, want 303", username, resp.StatusCode)
	}
	if location != "" {
		if _, _, err := se.get(ctx, hc, base+"/locations"); err != nil {
			return nil, err
		}
		resp, err := se.post(ctx, hc, base+"/locations", url.Values{"location": {location}, "next": {"/"}})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("choose location as %s: status %d, want 303", username, resp.StatusCode)
		}
	}
	if _, _, err := se.get(ctx, hc, base+"/"); err != nil {
		return nil, err
	}
	return se, nil
}

// Request makes a GET request carrying the session's cookie, as a
// browser would (gzip accepted).
func (se *Session) Request(ctx context.Context, u string) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Cookie", se.Cookie)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "text/html")
	return req
}

// Client is an API client with a bearer token.
type Client struct {
	ID, Secret, Token string
}

// CreateClient makes an API client for a supplier with the binary's own
// command ("securemove clients create"), which opens the database as the
// server does.
func CreateClient(ctx context.Context, bin, db, supplier string) (*Client, error) {
	out, err := command(ctx, bin, "clients", "create", "-db", db, "-supplier", supplier, "-name", "bench "+supplier).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("securemove clients create: %v\n%s", err, out)
	}
	c := &Client{}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "client_id="); ok {
			c.ID = v
		}
		if v, ok := strings.CutPrefix(line, "client_secret="); ok {
			c.Secret = v
		}
	}
	if c.ID == "" || c.Secret == "" {
		return nil, fmt.Errorf("securemove clients create printed no client_id= and client_secret= lines:\n%s", out)
	}
	return c, nil
}

// CreateSubscription subscribes a supplier to webhooks at callback with
// the binary's own command ("securemove subscriptions create") and
// returns the subscription's id and signing secret.
func CreateSubscription(ctx context.Context, bin, db, supplier, callback string) (id, secret string, err error) {
	out, err := command(ctx, bin, "subscriptions", "create", "-db", db, "-supplier", supplier, "-url", callback).Output()
	if err != nil {
		return "", "", fmt.Errorf("securemove subscriptions create: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "subscription_id="); ok {
			id = v
		}
		if v, ok := strings.CutPrefix(line, "secret="); ok {
			secret = v
		}
	}
	if id == "" || secret == "" {
		return "", "", fmt.Errorf("securemove subscriptions create printed no subscription_id= and secret= lines:\n%s", out)
	}
	return id, secret, nil
}

// SetSubscriptionEnabled turns a subscription on or off with the
// binary's own command: while it is off nothing is written for it, and
// what was written waits.
func SetSubscriptionEnabled(ctx context.Context, bin, db, id string, on bool) error {
	verb := "disable"
	if on {
		verb = "enable"
	}
	if out, err := command(ctx, bin, "subscriptions", verb, "-db", db, id).CombinedOutput(); err != nil {
		return fmt.Errorf("securemove subscriptions %s: %v\n%s", verb, err, out)
	}
	return nil
}

// GetToken gets an access token with the client credentials grant.
func (c *Client) GetToken(ctx context.Context, hc *http.Client, base string) error {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("token: status %d: %s", resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &tr); err != nil || tr.AccessToken == "" {
		return fmt.Errorf("token: no access_token in %s", b)
	}
	c.Token = tr.AccessToken
	return nil
}

// EventBody is a JSON:API body for POST /api/events.
func EventBody(eventType, moveID string, at time.Time, details map[string]any) []byte {
	attrs := map[string]any{
		"event_type":  eventType,
		"occurred_at": at.Format(time.RFC3339Nano),
		"recorded_at": at.Format(time.RFC3339Nano),
	}
	if len(details) > 0 {
		attrs["details"] = details
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{
		"type":          "events",
		"attributes":    attrs,
		"relationships": map[string]any{"eventable": map[string]any{"data": map[string]any{"type": "moves", "id": moveID}}},
	}})
	return b
}

// PostEvent makes a POST /api/events request.
func (c *Client) PostEvent(ctx context.Context, base string, body []byte) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/events", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/vnd.api+json")
	req.Header.Set("Accept", "application/vnd.api+json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	return req
}

// EventID reads data.id from an API answer.
func EventID(body []byte) string {
	var doc struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &doc)
	return doc.Data.ID
}
