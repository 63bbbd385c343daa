package api

import (
	"encoding/base64"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
)

// TokenRequestsPerMinute is how many token requests one client_id may
// make in any minute, successful or not. It slows down guessing a secret
// and stops a broken integration from hammering the service.
const TokenRequestsPerMinute = 10

// tokenResponse is RFC 6749's successful access token response.
type oauthTokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// Token is the OAuth2 token endpoint, for the client credentials grant
// only. Credentials come by HTTP Basic (RFC 6749 §2.3.1) or as the form
// fields client_id and client_secret, never both.
func (h *Handlers) Token(c echo.Context) error {
	r := c.Request()
	form, id, secret, err := h.oauthRequest(c)
	if err != nil {
		return err
	}
	switch gt := form.Get("grant_type"); gt {
	case "":
		return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Desc: "grant_type is required; use client_credentials"}
	case "client_credentials":
	default:
		return &oauthError{Status: http.StatusBadRequest, Code: "unsupported_grant_type", Desc: "only the client_credentials grant is supported"}
	}
	cl, secretID, err := h.Store.AuthenticateClient(r.Context(), id, secret)
	if err != nil {
		if moves.ErrorCode(err) == moves.Unauthorized {
			h.logFor(c).Info("token refused", "client_id", serve.Loggable(id))
			return &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client"}
		}
		return err
	}
	token, _, err := h.Store.IssueToken(r.Context(), cl.ID, secretID, h.Now(), h.TokenTTL)
	if err != nil {
		if moves.ErrorCode(err) == moves.Conflict || moves.ErrorCode(err) == moves.NotFound {
			return &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client"}
		}
		return err
	}
	h.logFor(c).Info("token issued", "client_id", cl.ID)
	hd := c.Response().Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, oauthTokenResponse{AccessToken: token, TokenType: "bearer", ExpiresIn: int(h.TokenTTL / time.Second)})
}

// Revoke is the OAuth2 token revocation endpoint (RFC 7009): a client
// ends one of its own access tokens before it expires, say when a system
// holding it is retired. The client authenticates as at /oauth/token. The
// answer is 200 whether or not the token was known, live or the client's
// own (only the client's own live tokens are revoked), so it tells nothing
// about tokens.
func (h *Handlers) Revoke(c echo.Context) error {
	r := c.Request()
	form, id, secret, err := h.oauthRequest(c)
	if err != nil {
		return err
	}
	token := form.Get("token")
	if token == "" {
		return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Desc: "token is required: the access token to revoke"}
	}
	if hint := form.Get("token_type_hint"); hint != "" && hint != "access_token" {
		return &oauthError{Status: http.StatusBadRequest, Code: "unsupported_token_type", Desc: "only access tokens are issued, so only they can be revoked"}
	}
	cl, _, err := h.Store.AuthenticateClient(r.Context(), id, secret)
	if err != nil {
		if moves.ErrorCode(err) == moves.Unauthorized {
			h.logFor(c).Info("revocation refused", "client_id", serve.Loggable(id))
			return &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client"}
		}
		return err
	}
	if err := h.Store.RevokeToken(r.Context(), cl.ID, token); err != nil {
		return err
	}
	h.logFor(c).Info("token revocation", "client_id", cl.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.NoContent(http.StatusOK)
}

// oauthRequest reads what the token and revocation endpoints share: a
// form (each field once) and the client's credentials, by HTTP Basic or
// in the form but not both, within the client's rate limit.
func (h *Handlers) oauthRequest(c echo.Context) (url.Values, string, string, error) {
	r := c.Request()
	mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if mt != "" && mt != echo.MIMEApplicationForm {
		return nil, "", "", &oauthError{Status: http.StatusBadRequest, Code: "invalid_request",
			Desc: "send the parameters as application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		if he, ok := err.(*echo.HTTPError); ok {
			return nil, "", "", he
		}
		return nil, "", "", &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Desc: "the form could not be read"}
	}
	form := r.PostForm
	for k, v := range form {
		if len(v) > 1 {
			return nil, "", "", &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Desc: k + " is given more than once"}
		}
	}
	id, secret, basic, err := oauthClientCredentials(r)
	if err != nil {
		return nil, "", "", err
	}
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	switch {
	case basic && (formSecret != "" || (formID != "" && formID != id)):
		return nil, "", "", &oauthError{Status: http.StatusBadRequest, Code: "invalid_request",
			Desc: "send the client credentials either by HTTP Basic or in the form, not both"}
	case !basic:
		id, secret = formID, formSecret
	}
	if id == "" || secret == "" {
		return nil, "", "", &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", Desc: "client authentication is required"}
	}
	if wait := h.tokenLimiter().take(id, h.Now()); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return nil, "", "", &oauthError{Status: http.StatusTooManyRequests, Code: "slow_down",
			Desc: "too many token requests for this client; wait " + strconv.Itoa(secs) + " seconds and reuse the token until it expires"}
	}
	return form, id, secret, nil
}

// oauthClientCredentials reads HTTP Basic client credentials: the id and
// secret are form-encoded before being put in the header.
func oauthClientCredentials(r *http.Request) (id, secret string, basic bool, err error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", "", false, nil
	}
	scheme, payload, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", false, &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", Desc: "use HTTP Basic authentication"}
	}
	raw, decErr := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if decErr != nil {
		return "", "", false, &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", Desc: "the Basic credentials are not valid base64"}
	}
	u, p, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", false, &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", Desc: "the Basic credentials must be client_id:client_secret"}
	}
	if du, e := url.QueryUnescape(u); e == nil {
		u = du
	}
	if dp, e := url.QueryUnescape(p); e == nil {
		p = dp
	}
	return u, p, true, nil
}

// oauthRateLimiter allows a number of events per key in any sliding minute.
type oauthRateLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string][]time.Time
}

// take records an attempt for key at now and returns how long to wait
// when it is over the limit (the attempt is then not counted).
func (l *oauthRateLimiter) take(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(key) > 200 {
		key = key[:200]
	}
	cut := now.Add(-l.window)
	hits := l.hits[key]
	i := 0
	for i < len(hits) && !hits[i].After(cut) {
		i++
	}
	hits = hits[i:]
	if len(hits) >= l.limit {
		l.hits[key] = hits
		return hits[0].Add(l.window).Sub(now)
	}
	l.hits[key] = append(hits, now)
	if len(l.hits) > 10_000 {
		// Bound memory under a spray of made-up client ids.
		for k, v := range l.hits {
			if len(v) == 0 || !v[len(v)-1].After(cut) {
				delete(l.hits, k)
			}
		}
	}
	return 0
}

// forget drops every attempt counted so far.
func (l *oauthRateLimiter) forget() {
	l.mu.Lock()
	clear(l.hits)
	l.mu.Unlock()
}

// ForgetTokenRequests lets every client ask for tokens again as if it had
// asked for none: POST /test/reset calls it, since a suite asks for a new
// token after each reset (the demo data's tokens are gone), and a suite
// resetting more than TokenRequestsPerMinute times a minute must still get
// one. Nothing else does: in normal operation the limit holds.
func (h *Handlers) ForgetTokenRequests() { h.tokenLimiter().forget() }

// oauthLimiters holds each Handlers' token limiter, so that every server (and
// every test's server) counts on its own.
var oauthLimiters sync.Map // *Handlers → *rateLimiter

func (h *Handlers) tokenLimiter() *oauthRateLimiter {
	if l, ok := oauthLimiters.Load(h); ok {
		return l.(*oauthRateLimiter)
	}
	l, _ := oauthLimiters.LoadOrStore(h, &oauthRateLimiter{limit: TokenRequestsPerMinute, window: time.Minute, hits: map[string][]time.Time{}})
	return l.(*oauthRateLimiter)
}
