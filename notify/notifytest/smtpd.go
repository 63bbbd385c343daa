// Package notifytest holds what tests of "Tell suppliers" share: an
// in-process SMTP server that keeps the messages it is given.
package notifytest

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

// SMTPServer is a tiny in-process SMTP server: enough of RFC 5321 for
// net/smtp (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT). It keeps every message it accepts.
type SMTPServer struct {
	ln       net.Listener
	tls      *tls.Config // offers STARTTLS when set and not implicit
	implicit bool
	// RcptReply, when set before the first connection, answers every
	// RCPT (e.g. "451 4.3.0 try later"); "" accepts.
	RcptReply string

	mu   sync.Mutex
	msgs []Message
}

// Message is one accepted message, its envelope and how it came.
type Message struct {
	From, To, Data, User, Pass string
	TLS                        bool
}

// NewSMTPServer listens on a free loopback port until the test ends; conf
// offers STARTTLS, or with implicit is TLS from the start.
func NewSMTPServer(t testing.TB, conf *tls.Config, implicit bool) *SMTPServer {
	t.Helper()
	return NewSMTPServerAt(t, "127.0.0.1:0", conf, implicit)
}

// NewSMTPServerAt is NewSMTPServer on a given address.
func NewSMTPServerAt(t testing.TB, addr string, conf *tls.Config, implicit bool) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, conf)
	}
	s := &SMTPServer{ln: ln, tls: conf, implicit: implicit}
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

// Port is the port it listens on.
func (s *SMTPServer) Port() string { _, p, _ := net.SplitHostPort(s.ln.Addr().String()); return p }

// Messages returns what it accepted so far.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *SMTPServer) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	secure := s.implicit
	var m Message
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
			m.User, m.Pass = f[1], f[2]
			reply("235 ok")
		case "MAIL":
			m.From = angle(arg)
			reply("250 ok")
		case "RCPT":
			if s.RcptReply != "" {
				reply(s.RcptReply)
				continue
			}
			m.To = angle(arg)
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			m.Data, m.TLS = string(b), secure
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = Message{User: m.User, Pass: m.Pass}
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
