package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// ErrorHandler is echo's HTTPErrorHandler: it maps every error to its
// status in one place, logs the unexpected ones, and answers with a GOV.UK
// error page (web sends /api and /oauth errors to api.ErrorHandler
// instead). Users never see raw error text.
func (h *Handlers) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := serve.Status(err)
	var ce *serve.CSRFError
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		h.logFor(c).Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		_ = c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	m := views.ErrorPage{Status: status, Page: h.errorPageChrome(c)}
	switch {
	case errors.As(err, &ce):
		m.Page.Title = "Your form has expired"
		m.Heading = "Sorry, your form has expired"
		m.Lines = []string{"For your security, we could not accept what you sent because the page it came from is out of date or came from another site.",
			"Go back, reload the page and try again. Nothing has been changed."}
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		status = http.StatusNotFound
		m.Page.Title = "Page not found"
		m.Heading = "Page not found"
		m.Lines = []string{"If you typed the web address, check it is correct.", "If you pasted the web address, check you copied the entire address."}
	case status == http.StatusForbidden:
		m.Page.Title = "You do not have permission to view this page"
		m.Heading = "You do not have permission to view this page"
		m.Lines = []string{"Your role does not allow this. If you think it should, contact your service administrator."}
	case status == http.StatusConflict:
		m.Page.Title = "This move has changed"
		m.Heading = "This move cannot be updated"
		m.Lines = []string{"Someone else changed it while you were working on it. Nothing you sent has been saved."}
		if e, ok := moves.AsError(err); ok && e.Message != "" {
			m.Lines = []string{e.Message}
		}
	case status == http.StatusRequestEntityTooLarge:
		m.Page.Title = "What you sent is too large"
		m.Heading = "What you sent is too large"
		m.Lines = []string{"Go back and try again with less text."}
	case status >= 400 && status < 500:
		m.Page.Title = "There is a problem with your request"
		m.Heading = "There is a problem with your request"
		m.Lines = []string{"Go back and check what you entered."}
	default:
		status = http.StatusInternalServerError
		m.Page.Title = "Sorry, there is a problem with the service"
		m.Heading = "Sorry, there is a problem with the service"
		m.Lines = []string{"Try again later. Nothing you sent has been saved."}
		m.Reference = reqID
	}
	m.Status = status
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = serve.Render(c, status, views.ErrorPageView(m))
}

// errorPageChrome builds the layout without touching anything that could
// fail again (no flash, no store).
func (h *Handlers) errorPageChrome(c echo.Context) views.Page {
	p := views.Page{CSRF: h.Sessions.Str(c, serve.KeyCSRF)}
	if u := serve.CurrentUser(c); u != nil {
		p.User = &views.User{Name: u.FullName}
		p.Location = u.LocationName
		p.Nav = serve.NavFor(u, "")
	}
	return p
}

// NotFound is the catch-all route.
func (h *Handlers) NotFound(c echo.Context) error {
	return moves.Errorf(moves.NotFound, "no such page")
}
