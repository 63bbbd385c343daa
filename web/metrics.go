package web

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
)

// observe counts every request by route pattern (never the raw path, so
// the label values stay few) and status, with its latency.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil && !c.Response().Committed {
			// The error handler has not written yet; it answers with
			// the status mapped from the error's code.
			status = serve.Status(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.cfg.Metrics.ObserveHTTP(method(c.Request())+" "+route, status, time.Since(start))
		return err
	}
}
