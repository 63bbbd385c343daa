package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
)

// once makes a form that creates something create it at most once per
// signed-in user and key: the key names one filling-in of the form (a
// journey, or a token in the check page's form), so a second sending of
// it (a double click without JavaScript, the browser's "resend" after
// going back, two tabs) finds the first's result instead of creating a
// second allocation, person or move.
//
// It rides on the store's idempotency keys, which the API's
// Idempotency-Key header uses: the key is kept in the same transaction
// as what create made, and two sendings at once are serialised on it, so
// the second waits for the first and then replays it. create runs inside
// that unit of work (its store calls must use the context it is given)
// and returns what identifies the result (an id); if it fails, nothing is
// kept and its error is returned, for the caller to show.
//
// kind names the form; token is the filling-in's. A form sent without a
// token (shown by a version before tokens, during an upgrade, or sent by
// a script) creates as forms did before: once per sending.
func (h *Handlers) once(c echo.Context, kind, token string, create func(ctx context.Context) (string, error)) (result string, replayed bool, err error) {
	var opt store.WriteOptions
	if token != "" {
		// Browser keys live beside API clients' keys, under a prefix no
		// API client's id has; the fingerprint is the key itself, so any
		// second sending with the key replays the first.
		key := kind + "/" + token
		opt.Idempotency = &store.Key{Client: "browser/" + serve.CurrentUser(c).ID, Key: key, Fingerprint: key}
	}
	ans, err := h.Store.Write(c.Request().Context(), opt, func(su *store.Unit) (store.Answer, error) {
		id, err := create(su.Context())
		return store.Answer{Status: http.StatusSeeOther, ContentType: "text/plain", Body: []byte(id)}, err
	})
	if err != nil {
		return "", false, err
	}
	return string(ans.Body), ans.Replayed, nil
}

// newFormToken names one showing of a form that creates something, for
// once.
func newFormToken() string { return newReqJourneyID() }

// formToken is the token the form was sent with, or "" when it has none
// (a form shown by an older version, or altered). It is read from the
// form's body alone: a link carrying one in its query must not make a
// page's form reuse it.
func formToken(c echo.Context) string {
	if c.Request().Method != http.MethodPost {
		return ""
	}
	if t := c.Request().PostFormValue("submission"); reqJourneyIDRE.MatchString(t) {
		return t
	}
	return ""
}

// keptFormToken is the token for a form shown again with its problems:
// the one it was sent with, as it is still the same filling-in, or a new
// one.
func keptFormToken(c echo.Context) string {
	if t := formToken(c); t != "" {
		return t
	}
	return newFormToken()
}
