package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/views"
)

// DemoWebhooks shows what the demo receiver got (demo mode only). It is a
// page for anyone, so it lives with the staff pages, not the administration.
func (h *Handlers) DemoWebhooks(c echo.Context) error {
	m := views.DemoWebhooks{Page: h.page(c, "Webhooks received"), URL: strings.TrimRight(h.BaseURL, "/") + "/demo/webhooks"}
	if h.DemoSink != nil {
		for _, a := range h.DemoSink.Arrivals() {
			m.Arrivals = append(m.Arrivals, views.DemoArrival{ID: a.ID, At: views.TimelineTime(a.At), EventType: a.EventType,
				StandardOK: a.StandardOK, PECSOK: a.PECSOK, Problem: a.Problem, Body: a.Body})
		}
	}
	return serve.Render(c, http.StatusOK, views.DemoWebhooksPage(m))
}
