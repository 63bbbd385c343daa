package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTPConfig is the mail relay, from one URL setting:
//
//	smtp://user:pass@host:587?from=moves@example.org   (STARTTLS when offered)
//	smtps://user:pass@host:465?from=moves@example.org  (implicit TLS)
type SMTPConfig struct {
	Host     string
	Port     string
	Implicit bool // smtps: TLS from the first byte
	Username string
	Password string
	From     string
	// TLS is used for STARTTLS and smtps; nil means verify the server
	// against the system roots with ServerName = Host. Tests set RootCAs.
	TLS     *tls.Config
	Timeout time.Duration // whole conversation; WebhookTimeout when 0
}

// ParseSMTPURL reads the setting. An empty setting means e-mail is off and
// returns nil, nil.
func ParseSMTPURL(raw string) (*SMTPConfig, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("notify: SMTP URL cannot be parsed")
	}
	c := &SMTPConfig{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
		if c.Port == "" {
			c.Port = "25"
		}
	case "smtps":
		c.Implicit = true
		if c.Port == "" {
			c.Port = "465"
		}
	default:
		return nil, errors.New("notify: SMTP URL must start smtp:// or smtps://")
	}
	if c.Host == "" {
		return nil, errors.New("notify: SMTP URL has no host")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	from, err := mail.ParseAddress(u.Query().Get("from"))
	if err != nil {
		return nil, errors.New("notify: SMTP URL needs ?from=<address>")
	}
	c.From = from.Address
	return c, nil
}

// EmailSender sends one short plain-text message per notification.
type EmailSender struct {
	Config  SMTPConfig
	BaseURL string // this service's public URL, for the link to the move
	Clock   Clock
}

// Send makes one attempt. Every failure is retried on the same schedule as
// webhooks; a permanent refusal shows up as Failed when it runs out.
func (e *EmailSender) Send(ctx context.Context, d Delivery, _ Credentials) Result {
	to, err := mail.ParseAddress(d.Subscription.Email)
	if err != nil {
		return Result{Err: errors.New("notify: subscription e-mail address is not valid")}
	}
	msg := Message(d.Notification, e.BaseURL, e.Config.From, to.Address, e.Clock.Now())
	if err := e.send(ctx, to.Address, msg); err != nil {
		r := Result{Err: err}
		var te *textproto.Error
		if errors.As(err, &te) {
			r.Status = te.Code
		}
		return r
	}
	return Result{Status: 250}
}

func (e *EmailSender) send(ctx context.Context, to string, msg []byte) error {
	c := e.Config
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = WebhookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tlsConf := c.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{}
	}
	tlsConf = tlsConf.Clone()
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = c.Host
	}
	addr := net.JoinHostPort(c.Host, c.Port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if c.Implicit {
		conn = tls.Client(conn, tlsConf)
	}
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer cl.Close()
	if !c.Implicit {
		if ok, _ := cl.Extension("STARTTLS"); ok {
			if err := cl.StartTLS(tlsConf); err != nil {
				return err
			}
		}
	}
	if c.Username != "" {
		// net/smtp refuses PLAIN over an unencrypted link except to
		// localhost, which is what we want.
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host)); err != nil {
			return err
		}
	}
	if err := cl.Mail(c.From); err != nil {
		return err
	}
	if err := cl.Rcpt(to); err != nil {
		return err
	}
	wc, err := cl.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write(msg); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return cl.Quit()
}

// eventSubjects words upstream's event types for people.
var eventSubjects = map[string]string{
	"create_move":                       "new move",
	"update_move":                       "move changed",
	"update_move_status":                "move status changed",
	"cross_supplier_move_add":           "move added",
	"cross_supplier_move_remove":        "move removed",
	"cross_supplier_move_update":        "move changed",
	"cross_supplier_move_update_status": "move status changed",
	"create_event":                      "event recorded",
	"create_lodging":                    "lodging added",
	"update_lodging":                    "lodging changed",
	"cancel_lodging":                    "lodging cancelled",
}

// Message composes the e-mail: headers and a few lines of text with the
// move's reference and a link. No personal details: the reader signs in to
// see them. Only our own values go into headers, and addresses were parsed,
// so nothing can inject a header.
func Message(n Notification, baseURL, from, to string, now time.Time) []byte {
	what, ok := eventSubjects[n.EventType]
	if !ok {
		what = strings.ReplaceAll(n.EventType, "_", " ")
	}
	ref := n.MoveReference
	if ref == "" {
		ref = n.MoveID
	}
	// The move's page in the staff app (/move/:id; /moves/… are lists).
	link := strings.TrimRight(baseURL, "/") + "/move/" + n.MoveID
	var b strings.Builder
	hdr := func(k, v string) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.NewReplacer("\r", "", "\n", "").Replace(v))
	}
	hdr("From", from)
	hdr("To", to)
	hdr("Subject", fmt.Sprintf("Move %s: %s", ref, what))
	hdr("Date", now.UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+messageID()+"@"+domainOf(from)+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	hdr("X-Notification-ID", n.ID)
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "Move %s: %s.\r\n\r\n", ref, what)
	fmt.Fprintf(&b, "See the move: %s\r\n\r\n", link)
	fmt.Fprintf(&b, "Notification %s, recorded %s.\r\n", n.ID, n.CreatedAt.UTC().Format(time.RFC3339))
	b.WriteString("You receive this because your organisation subscribed to move notifications.\r\n")
	return []byte(b.String())
}

func messageID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return d
	}
	return "localhost"
}
