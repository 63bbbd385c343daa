package handlers

import (
	"context"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
)

// once is serve.Once on the handlers' store: see there.
func (h *Handlers) once(c echo.Context, kind, token string, create func(ctx context.Context) (string, error)) (string, bool, error) {
	return serve.Once(c, h.Store, kind, token, create)
}

func newFormToken() string                { return serve.NewToken() }
func formToken(c echo.Context) string     { return serve.FormToken(c) }
func keptFormToken(c echo.Context) string { return serve.KeptFormToken(c) }
