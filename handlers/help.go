package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/views"
)

// Accessibility shows the accessibility statement, signed in or not.
func (h *Handlers) Accessibility(c echo.Context) error {
	return serve.Render(c, http.StatusOK, views.AccessibilityPage(h.page(c, "Accessibility statement")))
}
