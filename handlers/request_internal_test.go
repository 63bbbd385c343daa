package handlers

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
)

func TestRequestPNCExampleIsValid(t *testing.T) {
	if !moves.ValidPNC(reqPNCExample) {
		t.Fatalf("%s is not a valid PNC number", reqPNCExample)
	}
}

func TestRequestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"10am": "10:00", "10 am": "10:00", "10:30": "10:30", "10.30am": "10:30", "2pm": "14:00", "2:15 PM": "14:15",
		"14:30": "14:30", "1430": "14:30", "0900": "09:00", "9": "09:00", "12pm": "12:00", "12am": "00:00", "noon": "12:00",
		"midday": "12:00", "midnight": "00:00", "2.15p.m.": "14:15",
		"": "", "25:00": "", "13pm": "", "10:60": "", "ten": "", "12345": "", "0am": "", "930": "09:30",
	} {
		got, ok := reqParseTime(in)
		if got != want || ok != (want != "") {
			t.Errorf("reqParseTime(%q) = %q, %v; want %q", in, got, ok, want)
		}
		if ok {
			if back, _ := reqParseTime(reqTimeLabel(got)); back != got {
				t.Errorf("reqTimeLabel(%q) = %q does not read back", got, reqTimeLabel(got))
			}
		}
	}
}

// reqCookieRoundTrip saves a draft as a response would and reads it back
// as the next request would, returning the cookies set.
func reqCookieRoundTrip(t *testing.T, h *Handlers, jid string, d *reqDraft) ([]*http.Cookie, *reqDraft, error) {
	t.Helper()
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodPost, reqURL(jid, reqStepRisk), nil), rec)
	if err := h.saveDraft(c, jid, d); err != nil {
		return nil, nil, err
	}
	cookies := rec.Result().Cookies()
	req := httptest.NewRequest(http.MethodGet, reqURL(jid, reqStepHealth), nil)
	for _, ck := range cookies {
		if ck.MaxAge > 0 {
			req.AddCookie(ck)
		}
	}
	return cookies, h.loadDraft(e.NewContext(req, httptest.NewRecorder()), jid), nil
}

// draftCodec is the part of a session the request journey's cookies use
// (web.Sessions in the server, which this package cannot import); the
// rest of serve.Sessions is left nil, so a test that reaches it fails.
type draftCodec struct {
	serve.Sessions
	sc *securecookie.SecureCookie
}

func (d draftCodec) Encode(name string, v any) (string, error) { return d.sc.Encode(name, v) }
func (d draftCodec) Decode(name, v string, dst any) error      { return d.sc.Decode(name, v, dst) }
func (d draftCodec) MaxAge() time.Duration                     { return 8 * time.Hour }
func (d draftCodec) Secure() bool                              { return false }

// TestRequestDraftCookies: the answers fit in cookies browsers keep, even
// with every box ticked and every detail at its longest, and come back as
// they went.
func TestRequestDraftCookies(t *testing.T) {
	h := &Handlers{Sessions: draftCodec{sc: securecookie.New([]byte("request-draft-tests-key-0123456789abcdef"), []byte("request-draft-tests-block-key-32"))}}
	jid := serve.NewToken()
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the person was seen to assault two officers during arrest and has a history of self harm needs insulin twice a day")
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		return b.String()[:n]
	}
	d := &reqDraft{User: "u", From: "f", PersonID: "p", MoveType: "court_appearance", Dest: true, ToID: "to", Date: "2026-12-04",
		TimeDue: "10:00", Notes: text(reqNotesMax), Answered: "rhc"}
	for _, fp := range requestFlagPages {
		for _, o := range fp.Options {
			d.Flags = append(d.Flags, reqFlag{C: string(fp.Category)[:1], K: o.Key, D: text(reqDetailsMax)})
		}
	}
	cookies, back, err := reqCookieRoundTrip(t, h, jid, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range cookies {
		if n := len(ck.String()); n > 4096 {
			t.Errorf("cookie %s is %d bytes", ck.Name, n)
		}
		if ck.Path != "/move/new/"+jid || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: path %q, HttpOnly %v, SameSite %v", ck.Name, ck.Path, ck.HttpOnly, ck.SameSite)
		}
	}
	if back == nil || back.Notes != d.Notes || len(back.Flags) != len(d.Flags) || back.Flags[3] != d.Flags[3] || back.TimeDue != "10:00" {
		t.Fatalf("answers did not come back: %+v", back)
	}

	// Another journey's id cannot read them.
	e := echo.New()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	if other := h.loadDraft(e.NewContext(req, httptest.NewRecorder()), serve.NewToken()); other != nil {
		t.Error("another journey read the answers")
	}

	// A shorter version removes the cookies it no longer needs.
	if len(cookies) < 2 {
		t.Fatalf("long answers took %d cookie(s); the test needs more", len(cookies))
	}
	rec := httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodPost, "/", nil)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	if err := h.saveDraft(e.NewContext(req, rec), jid, &reqDraft{User: "u", From: "f"}); err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			removed++
		}
	}
	if removed != len(cookies)-1 {
		t.Errorf("%d cookies removed, want %d", removed, len(cookies)-1)
	}

	// Text that does not compress, beyond what the limits allow in
	// characters, is refused rather than cut.
	for i := range d.Flags {
		var b strings.Builder
		for range reqDetailsMax {
			b.WriteRune(rune(0x4e00 + rng.IntN(20000)))
		}
		d.Flags[i].D = b.String()
	}
	if _, _, err := reqCookieRoundTrip(t, h, jid, d); err != errReqTooLarge {
		t.Errorf("huge answers: %v, want errReqTooLarge", err)
	}
}
