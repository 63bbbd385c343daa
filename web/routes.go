package web

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers"
	"github.com/securemove/securemove/static"
)

// routes is the one route table: every URL the service answers, and who
// may reach it.
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

	signedIn := app.Group("", h.RequireUser)
	signedIn.GET("/", h.Home)
	signedIn.GET("/locations", h.ShowLocations)
	signedIn.POST("/locations", h.ChooseLocation)

	_ = handlers.MIMEJSONAPI
	e.RouteNotFound("/*", h.NotFound)
}
