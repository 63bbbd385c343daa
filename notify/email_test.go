package notify

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/notify/notifytest"
)

// testTLS borrows httptest's certificate (valid for 127.0.0.1) and a pool
// that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	server = &tls.Config{Certificates: ts.TLS.Certificates}
	client = &tls.Config{RootCAs: ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	return server, client
}

func emailWorker(t *testing.T, clock Clock, cfg *SMTPConfig, sub Subscription) (*Worker, *memOutbox) {
	t.Helper()
	ob := newMemOutbox(sub)
	w := &Worker{
		Outbox: ob, Sealer: testSealer(t), Clock: clock,
		Email: &EmailSender{Config: *cfg, BaseURL: "https://moves.example", Clock: clock},
		Rand:  func() float64 { return 0.5 },
	}
	return w, ob
}

func emailSub(t *testing.T) Subscription {
	s := subscription(t, testSealer(t), "s1", "", newSecret(t))
	s.Email = "Ops Desk <ops@supplier.example>"
	return s
}

func emailNote(id string) Notification {
	n := note(id, "s1")
	n.Channel = ChannelEmail
	return n
}

func TestEmailDelivered(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	for _, tc := range []struct {
		name      string
		serverTLS *tls.Config
		implicit  bool
		scheme    string
		wantTLS   bool
	}{
		{"plain", nil, false, "smtp", false},
		{"STARTTLS when offered", serverTLS, false, "smtp", true},
		{"implicit TLS", serverTLS, true, "smtps", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := notifytest.NewSMTPServer(t, tc.serverTLS, tc.implicit)
			cfg, err := ParseSMTPURL(tc.scheme + "://mailer:s3cret@127.0.0.1:" + srv.Port() + "?from=moves@service.example")
			if err != nil {
				t.Fatal(err)
			}
			cfg.TLS = clientTLS
			cfg.Timeout = 5 * time.Second
			clock := newFakeClock()
			w, ob := emailWorker(t, clock, cfg, emailSub(t))
			ob.add(emailNote("n-mail"), clock.Now())
			step(t, w)
			as := ob.attemptsFor("n-mail")
			if len(as) != 1 || as[0].Outcome != Delivered || as[0].Channel != ChannelEmail {
				t.Fatalf("attempts = %+v", as)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("server got %d messages", len(msgs))
			}
			m := msgs[0]
			data := strings.ReplaceAll(m.Data, "\r\n", "\n")
			if m.From != "moves@service.example" || m.To != "ops@supplier.example" || m.User != "mailer" || m.Pass != "s3cret" || m.TLS != tc.wantTLS {
				t.Errorf("envelope = %+v", m)
			}
			for _, want := range []string{
				"Subject: Move ABC1234X: move status changed\n",
				"To: ops@supplier.example\n",
				"X-Notification-ID: n-mail\n",
				"Content-Type: text/plain; charset=utf-8\n",
				"See the move: https://moves.example/move/move-1\n",
			} {
				if !strings.Contains(data, want) {
					t.Errorf("message lacks %q:\n%s", want, data)
				}
			}
		})
	}
}

func TestEmailRefusedIsRetried(t *testing.T) {
	srv := notifytest.NewSMTPServer(t, nil, false)
	srv.RcptReply = "451 4.3.0 try again later"
	cfg, _ := ParseSMTPURL("smtp://127.0.0.1:" + srv.Port() + "?from=moves@service.example")
	clock := newFakeClock()
	w, ob := emailWorker(t, clock, cfg, emailSub(t))
	ob.add(emailNote("n-mail"), clock.Now())
	step(t, w)
	as := ob.attemptsFor("n-mail")
	if len(as) != 1 || as[0].Outcome != Retry || as[0].Status != 451 || !as[0].NextAttemptAt.Equal(clock.Now().Add(5*time.Second)) {
		t.Errorf("attempts = %+v", as)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message accepted despite the refusal")
	}
}

// net/smtp will not send a password in clear text to a host that is not
// localhost: the attempt fails (and is retried) rather than leak it.
func TestEmailRefusesPlainAuthWithoutTLS(t *testing.T) {
	srv := notifytest.NewSMTPServerAt(t, "127.0.0.2:0", nil, false)
	e := &EmailSender{Config: SMTPConfig{Host: "127.0.0.2", Port: srv.Port(), Username: "u", Password: "p", From: "a@b.example"}, Clock: SystemClock{}}
	r := e.Send(context.Background(), Delivery{Notification: emailNote("n"), Subscription: emailSub(t)}, Credentials{})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "unencrypted") {
		t.Errorf("err = %v, want a refusal to authenticate unencrypted", r.Err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message sent after clear-text authentication")
	}
}

func TestParseSMTPURL(t *testing.T) {
	if c, err := ParseSMTPURL(""); c != nil || err != nil {
		t.Errorf("empty setting = %v, %v; want off", c, err)
	}
	c, err := ParseSMTPURL("smtps://u%40x:p%3Aw@mail.example?from=Moves%20%3Cmoves@example.org%3E")
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "mail.example" || c.Port != "465" || !c.Implicit || c.Username != "u@x" || c.Password != "p:w" || c.From != "moves@example.org" {
		t.Errorf("parsed %+v", c)
	}
	if c, _ := ParseSMTPURL("smtp://mail.example?from=a@b.example"); c == nil || c.Port != "25" || c.Implicit {
		t.Errorf("smtp default = %+v", c)
	}
	for _, bad := range []string{"http://mail.example?from=a@b.example", "smtp://mail.example", "smtp://?from=a@b.example", "smtp://mail.example?from=nope", "::"} {
		if _, err := ParseSMTPURL(bad); err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
		}
	}
}

func TestMessageHasNoHeaderInjection(t *testing.T) {
	n := emailNote("n-1")
	n.MoveReference = "ABC\r\nBcc: victim@example.org"
	msg := string(Message(n, "https://moves.example", "a@b.example", "c@d.example", time.Now()))
	head, _, _ := strings.Cut(msg, "\r\n\r\n")
	if strings.Contains(head, "\r\nBcc:") {
		t.Errorf("header injected:\n%s", head)
	}
}
