package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
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

// APIIdempotency runs every POST and PATCH under /api as one unit of work
// of the store (store.Write): the handler runs inside it, its store calls
// join it, and its answer is sent only once the change has committed. A
// request that fails changes nothing (what it wrote is undone); a 5xx,
// 409 or 429 undoes the whole unit.
//
// With an Idempotency-Key the request is safe to retry, exactly once: its
// answer is kept for 24 hours (per client and key) in the same
// transaction as the change it answers. The same request sent again gets
// the answer back with Idempotency-Replayed: true, without doing anything
// twice, whether the first is long done, was just committed by a server
// that died before answering, or is still running (the second waits for
// it). A first attempt that did not commit left nothing, so its retry
// runs. The same key with a different request is a 409. Answers with a
// 5xx status, 409 or 429 are not kept, so such a request may be retried
// with its key.
//
// What a handler can work out from the request alone (beforeTheUnit) is
// done before the unit, so that the single writer does not wait on it.
func (h *Handlers) APIIdempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodPost && r.Method != http.MethodPatch || c.Path() == "/api/allocations/filtered" {
			// Reads (POST …/filtered is one) take no unit of work: they
			// must not hold the single writer while they run.
			return next(c)
		}
		// Every change is one unit of work, with a key or without: a
		// request that writes twice (PATCH: a date change and details)
		// commits both or neither.
		var k *store.Key
		key := r.Header.Get("Idempotency-Key")
		src := &APIErrorSource{Header: "Idempotency-Key"}
		if key != "" {
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
			// The query is part of the request (old keys, sent without
			// one, keep their fingerprints).
			target := r.URL.Path
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			sum := sha256.Sum256(bytes.Join([][]byte{[]byte(r.Method), []byte(target), body}, []byte("|")))
			k = &store.Key{Client: cl.ID, Key: key, Fingerprint: hex.EncodeToString(sum[:])}
		}
		if prepare := beforeTheUnit[r.Method+" "+c.Path()]; prepare != nil {
			prepare(c)
		}
		res := c.Response()
		var cw *serve.CaptureWriter
		ans, err := h.Store.Write(r.Context(), store.WriteOptions{Idempotency: k}, func(u *store.Unit) (store.Answer, error) {
			// The handler runs inside the unit: its store calls join it,
			// and its answer is captured, to be kept with the change and
			// sent only once the change has committed.
			c.SetRequest(r.WithContext(u.Context()))
			defer c.SetRequest(r)
			orig := res.Writer
			cw = serve.NewCaptureWriter(http.Header{})
			res.Writer = cw
			// A request that fails changes nothing: what it wrote is undone,
			// and its answer (a 422, say) is kept alone.
			var herr error
			_ = u.Savepoint(func(*store.Unit) error { herr = next(c); return herr })
			if herr != nil {
				c.Error(herr)
			}
			res.Writer = orig
			a := store.Answer{Status: cw.Status, ContentType: cw.Header().Get(echo.HeaderContentType), Body: cw.Body.Bytes()}
			if !cw.WroteHeader || a.Status >= 500 || a.Status == http.StatusConflict || a.Status == http.StatusTooManyRequests {
				return a, errAnswerNotKept
			}
			return a, nil
		})
		switch {
		case errors.Is(err, store.ErrKeyReused):
			return apiProblemsOf(http.StatusConflict, APIError{Title: "Idempotency conflict", Code: "idempotency_key_reused",
				Detail: "This Idempotency-Key was already used for a different request in the last 24 hours; use a new key for a new request", Source: src})
		case ans.Replayed:
			res.Header().Set("Idempotency-Replayed", "true")
			res.Header().Set("Cache-Control", "no-store")
			return c.Blob(ans.Status, ans.ContentType, ans.Body)
		case cw != nil && cw.WroteHeader && (err == nil || errors.Is(err, errAnswerNotKept)):
			// The handler's answer, now that its change has committed (or,
			// not kept, been undone).
			hd := res.Header()
			for name, v := range cw.Header() {
				hd[name] = v
			}
			res.Writer.WriteHeader(cw.Status)
			n, _ := res.Writer.Write(cw.Body.Bytes())
			res.Status, res.Committed, res.Size = cw.Status, true, int64(n)
			return nil
		case err != nil:
			// Nothing the handler answered is sent: its change did not
			// commit.
			res.Committed, res.Status, res.Size = false, http.StatusOK, 0
			if errors.Is(err, errAnswerNotKept) {
				return nil
			}
			return err
		}
		return nil
	}
}

// errAnswerNotKept rolls back a keyed request whose answer is not kept.
var errAnswerNotKept = errors.New("answer not kept")
