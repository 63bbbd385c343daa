// Package api holds the handlers of the supplier API: OAuth client
// credentials, JSON:API resources and errors, and the OpenAPI document
// (handlers/api/openapi). It shares only handlers/serve with the staff
// pages and the administration, and imports neither.
package api

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/metrics"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// Handlers holds what every API handler needs.
type Handlers struct {
	Store *store.Store
	Log   *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// BaseURL is the public address, for links in the API.
	BaseURL string
	// TokenTTL is how long an API access token lives.
	TokenTTL time.Duration
	// AllowedMethods, when set, lists the methods the routes answer a path
	// with (for 405 Method Not Allowed).
	AllowedMethods func(path string) []string
	// Metrics, when set, counts API events accepted and refused.
	Metrics *metrics.Metrics
}

// Today is the current date in Europe/London, as YYYY-MM-DD.
func (h *Handlers) Today() string { return serve.Today(h.Now()) }

func (h *Handlers) logFor(c echo.Context) *slog.Logger { return serve.LogFor(c, h.Log) }

// ErrorHandler answers an API request's error with a JSON:API error body
// (OAuth's own format under /oauth), its status from serve.Status; the
// unexpected ones are logged.
func (h *Handlers) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := serve.Status(err)
	if status >= 500 {
		h.logFor(c).Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	_ = writeAPIError(c, err, status)
}

// countEvent feeds the metrics' events accepted and refused (by code).
func (h *Handlers) countEvent(err error) {
	if h.Metrics == nil {
		return
	}
	if err != nil {
		h.Metrics.EventRefused(moves.ErrorCode(err).String())
		return
	}
	h.Metrics.EventAccepted()
}
