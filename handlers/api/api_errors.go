package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// MIMEJSONAPI is the JSON:API media type every /api body uses.
const MIMEJSONAPI = "application/vnd.api+json"

// IsAPIPath reports whether a path is the API's, whose errors are
// JSON:API bodies (see ErrorHandler) rather than GOV.UK pages.
func IsAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/oauth/")
}

// APIError is one JSON:API error object.
type APIError struct {
	Status string          `json:"status"`
	Code   string          `json:"code,omitempty"`
	Title  string          `json:"title"`
	Detail string          `json:"detail,omitempty"`
	Source *APIErrorSource `json:"source,omitempty"`
	Meta   map[string]any  `json:"meta,omitempty"`
}

// APIErrorSource points at the part of the request at fault.
type APIErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

// apiProblem is an API error that carries its own status and error
// objects, for faults the domain has no code for: malformed JSON, bad
// query parameters, a wrong media type. It travels inside an
// echo.HTTPError so that Status maps it without knowing about it.
type apiProblem struct {
	Errors []APIError
}

func (p *apiProblem) Error() string {
	var b strings.Builder
	for i, e := range p.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Title + ": " + e.Detail)
	}
	return b.String()
}

// apiProblemOf builds an API error with one error object.
func apiProblemOf(status int, detail string, src *APIErrorSource) error {
	return apiProblemsOf(status, APIError{Detail: detail, Source: src})
}

// apiProblemsOf builds an API error from error objects, filling in each one's
// status and title.
func apiProblemsOf(status int, errs ...APIError) error {
	for i := range errs {
		errs[i].Status = strconv.Itoa(status)
		if errs[i].Title == "" {
			errs[i].Title = titleFor(status)
		}
	}
	return &echo.HTTPError{Code: status, Message: http.StatusText(status), Internal: &apiProblem{Errors: errs}}
}

// oauthError is an OAuth2 error, written with the body RFC 6749 defines.
type oauthError struct {
	Status int
	Code   string // invalid_client, invalid_request, unsupported_grant_type, …
	Desc   string
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Desc }

// HTTPStatus is the refusal's own status (serve.Status): a wrong secret
// is the client's mistake, not one of ours to log as an error.
func (e *oauthError) HTTPStatus() int { return e.Status }

// maxAPIErrors is the most error objects one answer lists.
const maxAPIErrors = 100

// writeAPIError answers an /api or /oauth request with the error's body.
func writeAPIError(c echo.Context, err error, status int) error {
	var oe *oauthError
	if errors.As(err, &oe) {
		body := map[string]string{"error": oe.Code}
		if oe.Desc != "" {
			body["error_description"] = oe.Desc
		}
		if oe.Status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Basic realm="securemove"`)
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(oe.Status, body)
	}
	if status == http.StatusUnauthorized && strings.HasPrefix(c.Request().URL.Path, "/api") {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="securemove", error="invalid_token"`)
	}
	errs := apiErrors(err, status)
	var p *apiProblem
	if errors.As(err, &p) {
		errs = p.Errors
	}
	if len(errs) > maxAPIErrors {
		// A body made of thousands of mistakes gets the first of them,
		// not an answer twenty times its size.
		more := len(errs) - maxAPIErrors
		errs = append(errs[:maxAPIErrors:maxAPIErrors], APIError{Status: strconv.Itoa(status), Title: titleFor(status),
			Detail: fmt.Sprintf("and %d more problems like these; fix those first", more)})
	}
	c.Response().Header().Set(echo.HeaderContentType, MIMEJSONAPI)
	return c.JSON(status, map[string]any{"errors": errs})
}

// apiErrors turns an error into JSON:API error objects: one per field for
// validation errors, each with a source pointer.
func apiErrors(err error, status int) []APIError {
	st := strconv.Itoa(status)
	e, ok := moves.AsError(err)
	var he *echo.HTTPError
	switch {
	case ok && len(e.Fields) > 0:
		out := make([]APIError, 0, len(e.Fields))
		for _, f := range e.Fields {
			ae := APIError{Status: st, Code: f.Code, Title: titleFor(status), Detail: f.Message,
				Source: &APIErrorSource{Pointer: pointerFor(f.Field)}}
			if e.ExistingID != "" && f.Code == "taken" {
				ae.Meta = map[string]any{"existing_id": e.ExistingID}
			}
			out = append(out, ae)
		}
		return out
	case ok:
		ae := APIError{Status: st, Title: titleFor(status), Detail: e.Message}
		if e.ExistingID != "" {
			ae.Meta = map[string]any{"existing_id": e.ExistingID}
		}
		if status == http.StatusUnauthorized {
			ae.Title = "unauthorized"
		}
		return []APIError{ae}
	case errors.As(err, &he) && status < 500:
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(status)
		}
		return []APIError{{Status: st, Title: titleFor(status), Detail: msg}}
	default:
		if status < 500 {
			return []APIError{{Status: st, Title: titleFor(status), Detail: http.StatusText(status)}}
		}
		return []APIError{{Status: st, Title: titleFor(status), Detail: "Something went wrong on our side. Nothing was changed; try again later."}}
	}
}

// pointerFor maps a field name to a JSON pointer into the request body.
// Relationship names point into relationships; everything else into
// attributes (event details are pointed at under attributes/details).
func pointerFor(field string) string {
	switch {
	case strings.HasPrefix(field, "/"):
		return field
	case field == "eventable" || field == "to_location" || field == "from_location" || field == "location" ||
		field == "previous_move" || field == "profile" || field == "person" || field == "supplier" || field == "prison_transfer_reason":
		return "/data/relationships/" + field
	case field == "event_type" || field == "occurred_at" || field == "recorded_at" || field == "notes" || field == "details" ||
		field == "date" || field == "date_from" || field == "date_to" || field == "move_type" || field == "time_due" ||
		field == "status" || field == "additional_information" || field == "first_names" || field == "last_name" ||
		field == "date_of_birth" || field == "gender" || field == "ethnicity" || field == "police_national_computer" || field == "prison_number" ||
		field == "recall_date" || field == "extradition_flight":
		return "/data/attributes/" + field
	}
	return "/data/attributes/details/" + field
}

func titleFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "Resource not found"
	case http.StatusMethodNotAllowed:
		return "Method not allowed"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusUnsupportedMediaType:
		return "Invalid Media Type"
	case http.StatusUnprocessableEntity:
		return "Unprocessable entity"
	case http.StatusRequestEntityTooLarge:
		return "Payload too large"
	case http.StatusTooManyRequests:
		return "Too many requests"
	}
	if status >= 500 {
		return "Internal server error"
	}
	return http.StatusText(status)
}

// APIMethodAllowed answers a path the API knows, asked with a method it
// does not answer, with 405 and an Allow header, before anything else is
// checked about the request (a missing resource is still 404).
func (h *Handlers) APIMethodAllowed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Only when no route matched (the group's catch-all): the rest
		// of the API's requests pay nothing for this.
		if h.AllowedMethods == nil || (c.Path() != "/api/*" && c.Path() != "/api") {
			return next(c)
		}
		if err := MethodNotAllowed(c, h.AllowedMethods(c.Request().URL.Path)); err != nil {
			return err
		}
		return next(c)
	}
}

// MethodNotAllowed is the 405, with its Allow header, for a request whose
// path is answered with the methods allow but not with its own; nil when
// its method is allowed or the path is not answered at all (a 404).
func MethodNotAllowed(c echo.Context, allow []string) error {
	if len(allow) == 0 || slices.Contains(allow, c.Request().Method) {
		return nil
	}
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
	return echo.NewHTTPError(http.StatusMethodNotAllowed,
		fmt.Sprintf("%s is not allowed here; use %s", c.Request().Method, strings.Join(allow, " or ")))
}
