package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

const ctxAPIClient = "api_client"

// apiClient is the client whose token authorised the request.
func apiClient(c echo.Context) *store.APIClient {
	cl, _ := c.Get(ctxAPIClient).(*store.APIClient)
	return cl
}

// errAPITokenInvalid is the one answer to a missing, unknown, expired or
// revoked token: the guide's 401 body.
var errAPITokenInvalid = moves.Errorf(moves.Unauthorized, "Token invalid")

// APIAuth lets a request through only with a valid bearer token, and puts
// the client it belongs to on the context.
func (h *Handlers) APIAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, token, _ := strings.Cut(strings.TrimSpace(c.Request().Header.Get("Authorization")), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 200 {
			return errAPITokenInvalid
		}
		cl, err := h.Store.ClientForToken(c.Request().Context(), token, h.Now())
		if err != nil {
			if moves.ErrorCode(err) == moves.Unauthorized {
				return errAPITokenInvalid
			}
			return err
		}
		c.Set(ctxAPIClient, &cl)
		return next(c)
	}
}

// apiActor is who an API change is recorded as made by: the supplier's name
// for a supplier's client. An internal client (the staff app's own
// back-office tools) may name the person acting in X-Current-User.
func apiActor(c echo.Context) string {
	cl := apiClient(c)
	if cl == nil {
		return "api"
	}
	if cl.SupplierName != "" {
		return cl.SupplierName
	}
	if u := strings.TrimSpace(c.Request().Header.Get("X-Current-User")); u != "" && len(u) <= 100 {
		return u
	}
	return cl.Name
}

// apiRequestHasBody reports whether a request carries a body.
func apiRequestHasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody) ||
		r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut
}

// APIMediaType refuses a request body that is not JSON:API with 415.
func APIMediaType(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !apiRequestHasBody(r) {
			return next(c)
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		if err != nil || !strings.EqualFold(mt, MIMEJSONAPI) {
			return apiProblemsOf(http.StatusUnsupportedMediaType, APIError{Title: "Invalid Media Type",
				Detail: "Content-Type must be " + MIMEJSONAPI, Source: &APIErrorSource{Header: "Content-Type"}})
		}
		return next(c)
	}
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 200

// APIIdempotency makes a POST or PATCH sent with an Idempotency-Key safe
// to retry: the first answer is kept for 24 hours (per client and key),
// and the same request sent again gets it back with
// Idempotency-Replayed: true, without doing anything twice. The same key
// with a different request is a 409. Answers with a 5xx status, 409 or
// 429 are not kept, so such a request may be retried with its key.
func (h *Handlers) APIIdempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		key := r.Header.Get("Idempotency-Key")
		if key == "" || (r.Method != http.MethodPost && r.Method != http.MethodPatch) {
			return next(c)
		}
		src := &APIErrorSource{Header: "Idempotency-Key"}
		if len(key) > MaxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
			return apiProblemOf(http.StatusBadRequest, fmt.Sprintf("Idempotency-Key must be 1 to %d printable ASCII characters; a UUID is a good choice", MaxIdempotencyKey), src)
		}
		cl := apiClient(c)
		if cl == nil {
			return errAPITokenInvalid
		}
		body, err := apiReadBody(c)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(bytes.Join([][]byte{[]byte(r.Method), []byte(r.URL.Path), body}, []byte("|")))
		fp := hex.EncodeToString(sum[:])
		ctx := r.Context()
		outcome, ans, err := h.Store.BeginIdempotent(ctx, cl.ID, key, fp, h.Now())
		if err != nil {
			return err
		}
		switch outcome {
		case store.IdempotencyReplay:
			c.Response().Header().Set("Idempotency-Replayed", "true")
			c.Response().Header().Set("Cache-Control", "no-store")
			return c.Blob(ans.Status, ans.ContentType, ans.Body)
		case store.IdempotencyMismatch:
			return apiProblemsOf(http.StatusConflict, APIError{Title: "Idempotency conflict", Code: "idempotency_key_reused",
				Detail: "This Idempotency-Key was already used for a different request in the last 24 hours; use a new key for a new request", Source: src})
		case store.IdempotencyInProgress:
			return apiProblemsOf(http.StatusConflict, APIError{Title: "Idempotency conflict", Code: "idempotency_key_in_use",
				Detail: "A request with this Idempotency-Key is still being answered; wait for it, then retry", Source: src})
		}
		rec := &apiTeeWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			c.Error(err)
		}
		c.Response().Writer = rec.ResponseWriter
		status := c.Response().Status
		// Record the answer even if the client has gone away.
		bg := context.WithoutCancel(ctx)
		if !c.Response().Committed || status >= 500 || status == http.StatusConflict || status == http.StatusTooManyRequests {
			if err := h.Store.AbandonIdempotent(bg, cl.ID, key); err != nil {
				h.Log.Error("forget idempotency key", "err", err)
			}
			return nil
		}
		if err := h.Store.FinishIdempotent(bg, cl.ID, key, store.IdempotentAnswer{Status: status, Body: rec.buf.Bytes(),
			ContentType: c.Response().Header().Get(echo.HeaderContentType)}); err != nil {
			h.Log.Error("keep idempotent answer", "err", err)
		}
		return nil
	}
}

// apiTeeWriter copies what is written to the client.
type apiTeeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *apiTeeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}
