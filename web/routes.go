package web

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers"
	"github.com/securemove/securemove/static"
)

// routes is the one route table: every URL the service answers, and who
// may reach it. Permission is checked again inside each handler against
// the move or location concerned; the role checks here are the first
// gate, not the only one.
func (s *Server) routes() {
	e, h := s.Echo, s.Handlers
	staticFiles := echo.WrapHandler(static.Handler())
	e.GET("/static/*", staticFiles)
	e.HEAD("/static/*", staticFiles)
	e.GET("/health", h.Health)

	// The staff app: sessions and CSRF on everything.
	app := e.Group("", h.LoadUser, h.Sessions.CSRF)
	app.GET("/sign-in", h.ShowSignIn)
	app.POST("/sign-in", h.SignIn)
	app.POST("/sign-out", h.SignOut)
	app.GET("/help/accessibility", h.Accessibility)

	signedIn := app.Group("", h.RequireUser)
	signedIn.GET("/", h.Home)
	signedIn.GET("/locations", h.ShowLocations)
	signedIn.POST("/locations", h.ChooseLocation)
	pmu := handlers.RequireRole("pmu")
	requesters := handlers.RequireRole("police", "prison", "pmu")
	admin := handlers.RequireRole("admin")
	_, _, _ = pmu, requesters, admin

	// --- Lists (outgoing, incoming, requests to review) ---
	// (lists section end)

	// --- Request a move ---
	// (request section end)

	// --- A move: page, timeline and actions ---
	// (move section end)

	// --- Administration ---
	// (admin section end)

	// --- Supplier API ---
	// (api section end)

	e.RouteNotFound("/*", h.NotFound)
}
