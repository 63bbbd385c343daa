package serve

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/store"
)

// Once makes a form that creates something create it at most once per
// signed-in user and token: the token names one filling-in of the form (a
// hidden field of the page, or a journey's id), so a second sending of it
// (a double click without JavaScript, the browser's "resend" after going
// back, two tabs) finds the first's result instead of creating another.
//
// It rides on the store's idempotency keys, which the API's
// Idempotency-Key header uses: the key is kept in the same transaction as
// what create made, and two sendings at once are serialised on it, so the
// second waits for the first and then replays it. create runs inside that
// unit of work (its store calls must use the context it is given) and
// returns what identifies the result (an id); if it fails, nothing is
// kept and its error is returned, for the caller to show.
//
// kind names the form. A form sent without a token (shown by a version
// before tokens, during an upgrade, or sent by a script) creates as forms
// did before: once per sending.
func Once(c echo.Context, st *store.Store, kind, token string, create func(ctx context.Context) (string, error)) (result string, replayed bool, err error) {
	var opt store.WriteOptions
	if token != "" {
		// Browser keys live beside API clients' keys, under a prefix no
		// API client's id has; the fingerprint is the key itself, so any
		// second sending with the key replays the first.
		key := kind + "/" + token
		opt.Idempotency = &store.Key{Client: "browser/" + CurrentUser(c).ID, Key: key, Fingerprint: key}
	}
	ans, err := st.Write(c.Request().Context(), opt, func(su *store.Unit) (store.Answer, error) {
		id, err := create(su.Context())
		return store.Answer{Status: http.StatusSeeOther, ContentType: "text/plain", Body: []byte(id)}, err
	})
	if err != nil {
		return "", false, err
	}
	return string(ans.Body), ans.Replayed, nil
}

// TokenRE is what a form token (and a request journey's id) looks like.
var TokenRE = regexp.MustCompile(`^[a-z2-7]{16}$`)

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewToken names one showing of a form that creates something, for Once.
func NewToken() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(tokenEncoding.EncodeToString(b))
}

// FormToken is the token the form was sent with, or "" when it has none
// (a form shown by an older version, or altered). It is read from the
// form's body alone: a link carrying one in its query must not make a
// page's form reuse it.
func FormToken(c echo.Context) string {
	if c.Request().Method != http.MethodPost {
		return ""
	}
	if t := c.Request().PostFormValue("submission"); TokenRE.MatchString(t) {
		return t
	}
	return ""
}

// KeptFormToken is the token for a form shown again with its problems:
// the one it was sent with, as it is still the same filling-in, or a new
// one.
func KeptFormToken(c echo.Context) string {
	if t := FormToken(c); t != "" {
		return t
	}
	return NewToken()
}
