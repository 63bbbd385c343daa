package notify

import (
	"errors"
	"log/slog"
)

// Options gathers the configuration the server passes in.
type Options struct {
	BaseURL      string // this service's public URL, for links
	SecretsKey   string // ParseKeys setting; required
	SMTPURL      string // "" turns e-mail off
	AllowPrivate bool   // demo mode or explicit flag: allow internal callbacks
	Outbox       Outbox
	Observer     Observer
	Logger       *slog.Logger
	Clock        Clock
	// Busy, BusyRate and Saturated: see Worker.
	Busy      func() bool
	BusyRate  int
	Saturated func() bool
}

// NewWorker builds a Worker (and the Guard to validate callback URLs with
// when subscriptions are saved) from configuration.
func NewWorker(o Options) (*Worker, *Guard, error) {
	if o.Outbox == nil {
		return nil, nil, errors.New("notify: no outbox")
	}
	sealer, err := ParseKeys(o.SecretsKey)
	if err != nil {
		return nil, nil, err
	}
	smtpConf, err := ParseSMTPURL(o.SMTPURL)
	if err != nil {
		return nil, nil, err
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	g := &Guard{AllowPrivate: o.AllowPrivate}
	// The senders stamp what goes on the wire (webhook-timestamp, which
	// receivers check against their own clocks within five minutes; an
	// e-mail's Date; a Retry-After date) with the real time, even when the
	// service's clock is set elsewhere (-now, for demos and tests):
	// signed with the service's clock, every delivery of such a server
	// failed verification, the built-in demo receiver's included.
	wall := SystemClock{}
	w := &Worker{
		Outbox: o.Outbox, Sealer: sealer, Clock: o.Clock, Observer: o.Observer, Logger: o.Logger,
		Busy: o.Busy, BusyRate: o.BusyRate, Saturated: o.Saturated,
		Webhook: &WebhookSender{Client: NewWebhookClient(g, WebhookTimeout), BaseURL: o.BaseURL, Clock: wall},
	}
	if smtpConf != nil {
		w.Email = &EmailSender{Config: *smtpConf, BaseURL: o.BaseURL, Clock: wall}
	}
	return w, g, nil
}
