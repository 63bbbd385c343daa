package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WebhookTimeout is the time allowed for one attempt, as upstream.
const WebhookTimeout = 10 * time.Second

// UserAgent is sent with every delivery, as upstream.
const UserAgent = "pecs-webhooks/v1"

// NewWebhookClient returns the HTTP client for deliveries: connections go
// through the Guard, each attempt has a timeout, and redirects are not
// followed — a 3xx is returned as is and counts as a failure, so a receiver
// cannot bounce a signed request to an internal address.
func NewWebhookClient(g *Guard, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = WebhookTimeout
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // a proxy would connect on our behalf, past the Guard
	t.DialContext = g.DialContext
	t.MaxIdleConnsPerHost = 2
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Result is what one attempt learnt.
type Result struct {
	Status     int           // HTTP status, or SMTP reply code; 0 if none
	Err        error         // nil only on success
	RetryAfter time.Duration // from a Retry-After header
	Gone       bool          // 410: disable the subscription
}

// Sender makes one attempt at one delivery.
type Sender interface {
	Send(ctx context.Context, d Delivery, c Credentials) Result
}

// WebhookSender posts signed notifications.
type WebhookSender struct {
	Client  *http.Client // from NewWebhookClient
	BaseURL string       // this service's public URL, for links in the body
	Clock   Clock
}

// Request builds the signed request for an attempt at time now. Exported so
// the admin "send a test notification" action and tests can use it.
func (w *WebhookSender) Request(ctx context.Context, d Delivery, c Credentials, now time.Time) (*http.Request, error) {
	n := d.Notification
	body, err := Body(n, w.BaseURL)
	if err != nil {
		return nil, err
	}
	if len(c.Secrets) == 0 {
		return nil, ErrBadSecret
	}
	sig, err := SignStandard(c.Secrets, n.ID, now, body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Subscription.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("Content-Type", "application/vnd.api+json")
	h.Set("User-Agent", UserAgent)
	h.Set(HeaderWebhookID, n.ID)
	h.Set(HeaderWebhookTimestamp, fmt.Sprint(now.Unix()))
	h.Set(HeaderWebhookSignature, sig)
	// Upstream's header holds one signature and receivers compare it whole,
	// so it is made with the oldest live secret: the one existing receivers
	// already hold while a rotation is under way.
	h.Set(HeaderPECSSignature, SignPECS(c.Secrets[0], body))
	h.Set(HeaderPECSID, n.ID)
	if c.BasicUser != "" || c.BasicPassword != "" {
		req.SetBasicAuth(c.BasicUser, c.BasicPassword)
	}
	return req, nil
}

// Send makes one attempt.
func (w *WebhookSender) Send(ctx context.Context, d Delivery, c Credentials) Result {
	now := w.Clock.Now()
	req, err := w.Request(ctx, d, c, now)
	if err != nil {
		return Result{Err: err}
	}
	resp, err := w.Client.Do(req)
	if err != nil {
		return Result{Err: err}
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; the answer is ignored.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r := Result{Status: resp.StatusCode}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return r
	case resp.StatusCode == http.StatusGone:
		r.Gone = true
	}
	r.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	r.Err = fmt.Errorf("notify: receiver answered %d", resp.StatusCode)
	return r
}
