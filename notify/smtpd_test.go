package notify

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// smtpd is a tiny in-process SMTP server: enough of RFC 5321 for net/smtp
// (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
type smtpd struct {
	ln        net.Listener
	tls       *tls.Config // offers STARTTLS when set and not implicit
	implicit  bool
	rcptReply string // e.g. "451 4.3.0 try later"; "" accepts

	mu   sync.Mutex
	msgs []smtpMsg
}

type smtpMsg struct {
	from, to, data, user, pass string
	tls                        bool
}

func newSMTPD(t *testing.T, conf *tls.Config, implicit bool) *smtpd {
	t.Helper()
	return newSMTPDAt(t, "127.0.0.1:0", conf, implicit)
}

func newSMTPDAt(t *testing.T, addr string, conf *tls.Config, implicit bool) *smtpd {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, conf)
	}
	s := &smtpd{ln: ln, tls: conf, implicit: implicit}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *smtpd) port() string { _, p, _ := net.SplitHostPort(s.ln.Addr().String()); return p }

func (s *smtpd) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}

func (s *smtpd) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	secure := s.implicit
	var m smtpMsg
	reply := func(line string) { tp.PrintfLine("%s", line) }
	reply("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-test", "250-8BITMIME", "250-AUTH PLAIN"}
			if s.tls != nil && !secure {
				lines = append(lines, "250-STARTTLS")
			}
			lines = append(lines, "250 OK")
			reply(strings.Join(lines, "\r\n"))
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, secure = tc, true
			tp = textproto.NewConn(tc)
		case "AUTH":
			parts := strings.Fields(arg)
			if len(parts) != 2 || parts[0] != "PLAIN" {
				reply("504 unsupported")
				continue
			}
			dec, _ := base64.StdEncoding.DecodeString(parts[1])
			f := strings.Split(string(dec), "\x00")
			if len(f) != 3 {
				reply("535 bad")
				continue
			}
			m.user, m.pass = f[1], f[2]
			reply("235 ok")
		case "MAIL":
			m.from = angle(arg)
			reply("250 ok")
		case "RCPT":
			if s.rcptReply != "" {
				reply(s.rcptReply)
				continue
			}
			m.to = angle(arg)
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			m.data, m.tls = string(b), secure
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = smtpMsg{user: m.user, pass: m.pass}
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// angle returns the address between < and > in a MAIL or RCPT argument.
func angle(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
