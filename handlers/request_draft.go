package handlers

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// A "Request a move" journey keeps its answers on the server's behalf in
// cookies of its own, signed and encrypted with the session's keys, and
// scoped to the journey's path (/move/new/<journey id>). Each journey (each
// browser tab) therefore has its own answers, nothing is stored until the
// move is requested, and the answers never ride along on other requests.
//
// The answers are JSON with short keys, deflated, and split over as few
// cookies as they need (one, unless the details given are long); each
// cookie stays under the browsers' 4 KB limit. The field limits on the
// pages (reqDetailsMax, reqNotesMax) keep ordinary answers within
// reqMaxChunks cookies; anything beyond is refused with a message.

const (
	reqCookiePrefix = "securemove_request_"
	// reqChunkSize bytes of deflated answers make an encoded cookie of
	// about 3.7 KB (encryption, MAC, timestamp and two base64 passes).
	reqChunkSize  = 2000
	reqMaxChunks  = 5
	reqDraftVer   = 1
	reqDetailsMax = 500
	reqNotesMax   = 1000
)

var (
	errReqTooLarge = errors.New("request journey: answers too large to keep")
)

// reqDraft is a journey's answers. Keys are short because they travel in
// cookies.
type reqDraft struct {
	V    int    `json:"v"`
	User string `json:"u"`
	From string `json:"f"`
	// Done is the id of the move once it has been requested: the journey
	// then only leads to its confirmation.
	Done string `json:"x,omitempty"`

	Search    *reqSearch `json:"s,omitempty"`
	PersonID  string     `json:"p,omitempty"`
	NewPerson *reqPerson `json:"np,omitempty"`

	MoveType string `json:"t,omitempty"`
	// Dest is set once the destination page has been answered (a
	// destination may be left out for some types of move).
	Dest    bool   `json:"dd,omitempty"`
	ToID    string `json:"to,omitempty"`
	TimeDue string `json:"td,omitempty"` // HH:MM, London
	Notes   string `json:"n,omitempty"`

	Date     string `json:"d,omitempty"`
	DateFrom string `json:"df,omitempty"`
	DateTo   string `json:"dl,omitempty"`

	// S46 answers the PACE section 46 question: "yes" or "no".
	S46 string `json:"s46,omitempty"`

	// The type's own details (request_details.go): the date of arrest
	// (YYYY-MM-DD), the transfer reason's key, and the flight's number,
	// date (YYYY-MM-DD) and time (HH:MM, London).
	RecallDate   string `json:"rd,omitempty"`
	Reason       string `json:"tr,omitempty"`
	FlightNumber string `json:"fn,omitempty"`
	FlightDate   string `json:"fd,omitempty"`
	FlightTime   string `json:"ft,omitempty"`

	// Answered lists the flag categories answered, as their first
	// letters (r, h, c); Flags holds the boxes ticked.
	Answered string    `json:"a,omitempty"`
	Flags    []reqFlag `json:"fl,omitempty"`
}

// reqSearch is how the person was looked for.
type reqSearch struct {
	By           string `json:"b"` // pnc, prison_number or name
	PNC          string `json:"pnc,omitempty"`
	PrisonNumber string `json:"pn,omitempty"`
	LastName     string `json:"l,omitempty"`
	DateOfBirth  string `json:"dob,omitempty"`
}

// reqPerson is a person to add along with the move.
type reqPerson struct {
	FirstNames   string `json:"f"`
	LastName     string `json:"l"`
	DateOfBirth  string `json:"d"`
	Gender       string `json:"g"`
	Ethnicity    string `json:"e,omitempty"`
	PNC          string `json:"pnc,omitempty"`
	PrisonNumber string `json:"pn,omitempty"`
}

// reqFlag is one ticked box: its category's first letter, its key and
// any details.
type reqFlag struct {
	C string `json:"c"`
	K string `json:"k"`
	D string `json:"d,omitempty"`
}

// hasFlag reports whether the box key of the category whose first letter
// is c is ticked.
func (d *reqDraft) hasFlag(c, key string) bool {
	for _, f := range d.Flags {
		if f.C == c && f.K == key {
			return true
		}
	}
	return false
}

func (d *reqDraft) answered(cat string) bool { return strings.Contains(d.Answered, cat[:1]) }

// setFlags replaces a category's answers.
func (d *reqDraft) setFlags(cat string, flags []reqFlag) {
	c := cat[:1]
	kept := d.Flags[:0:0]
	for _, f := range d.Flags {
		if f.C != c {
			kept = append(kept, f)
		}
	}
	d.Flags = append(kept, flags...)
	if !strings.Contains(d.Answered, c) {
		d.Answered += c
	}
}

// clearFlags forgets a category's answers.
func (d *reqDraft) clearFlags(cat string) {
	d.setFlags(cat, nil)
	d.Answered = strings.ReplaceAll(d.Answered, cat[:1], "")
}

// flags returns a category's ticked boxes.
func (d *reqDraft) flags(cat string) []reqFlag {
	var out []reqFlag
	for _, f := range d.Flags {
		if f.C == cat[:1] {
			out = append(out, f)
		}
	}
	return out
}

func reqCookiePath(jid string) string { return "/move/new/" + jid }

func reqCookieName(i int) string { return fmt.Sprintf("%s%d", reqCookiePrefix, i) }

// reqMACName binds a cookie's value to its journey and its place, so that
// cookies cannot be moved between journeys or reordered.
func reqMACName(jid string, i int) string { return fmt.Sprintf("request:%s:%d", jid, i) }

// loadDraft reads a journey's answers, or returns nil when there are none
// (never started, expired, or not readable with the current keys).
func (h *Handlers) loadDraft(c echo.Context, jid string) *reqDraft {
	var packed []byte
	n := 1
	for i := 0; i < n; i++ {
		ck, err := c.Cookie(reqCookieName(i))
		if err != nil {
			return nil
		}
		var chunk []byte
		if err := h.Sessions.Decode(reqMACName(jid, i), ck.Value, &chunk); err != nil || len(chunk) == 0 {
			return nil
		}
		if i == 0 {
			n = int(chunk[0])
			chunk = chunk[1:]
			if n < 1 || n > reqMaxChunks {
				return nil
			}
		}
		packed = append(packed, chunk...)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), 64<<10))
	if err != nil {
		return nil
	}
	var d reqDraft
	if err := json.Unmarshal(raw, &d); err != nil || d.V != reqDraftVer {
		return nil
	}
	return &d
}

// saveDraft writes a journey's answers, removing cookies left over from a
// longer earlier version. It must be called before the response is
// written.
func (h *Handlers) saveDraft(c echo.Context, jid string, d *reqDraft) error {
	d.V = reqDraftVer
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	packed := buf.Bytes()
	n := (len(packed) + 1 + reqChunkSize - 1) / reqChunkSize
	if n > reqMaxChunks {
		return errReqTooLarge
	}
	payload := append([]byte{byte(n)}, packed...)
	var cookies []*http.Cookie
	for i := 0; i < n; i++ {
		end := min((i+1)*reqChunkSize, len(payload))
		v, err := h.Sessions.Encode(reqMACName(jid, i), payload[i*reqChunkSize:end])
		if err != nil {
			return fmt.Errorf("request journey: encoding answers: %w", err)
		}
		cookies = append(cookies, h.reqCookie(jid, reqCookieName(i), v, int(h.Sessions.MaxAge().Seconds())))
	}
	for i := n; i < reqMaxChunks; i++ {
		if _, err := c.Cookie(reqCookieName(i)); err == nil {
			cookies = append(cookies, h.reqCookie(jid, reqCookieName(i), "", -1))
		}
	}
	for _, ck := range cookies {
		c.SetCookie(ck)
	}
	return nil
}

func (h *Handlers) reqCookie(jid, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: reqCookiePath(jid), MaxAge: maxAge,
		HttpOnly: true, Secure: h.Sessions.Secure(), SameSite: http.SameSiteLaxMode,
	}
}
