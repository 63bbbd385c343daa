package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// testResetAnswer is what POST /test/reset answers.
type testResetAnswer struct {
	Status string `json:"status"`
	// Now is the present the demo data is planned around (the start's).
	Now   string `json:"now"`
	Today string `json:"today"`
	Moves int    `json:"moves"`
	Ms    int64  `json:"ms"`
}

// TestReset puts the demo data back as a start at start left it, in one
// write through the store, so that a suite can reset between tests
// without restarting the service. The write moves every data version on,
// so no page kept from before is served after it. What the service keeps
// in memory of the tests before is forgotten too: the failed sign-ins
// the throttle counted and what the demo receiver got (/demo/webhooks);
// then after runs (web's: the API's token requests counted are
// forgotten, and the demo receiver's subscriptions, emptied with the
// rest, made again). web registers it only with -test-endpoints in demo
// mode.
func (h *Handlers) TestReset(start time.Time, after func(ctx context.Context) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		began := time.Now()
		ctx := c.Request().Context()
		d, err := h.Store.ResetDemo(ctx, start)
		if err != nil {
			return err
		}
		if h.Throttle != nil {
			h.Throttle.Clear()
		}
		if h.DemoSink != nil {
			h.DemoSink.Clear()
		}
		if after != nil {
			if err := after(ctx); err != nil {
				return err
			}
		}
		h.Log.Info("demo data reset", "now", start.Format(time.RFC3339), "ms", time.Since(began).Milliseconds())
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, testResetAnswer{Status: "reset", Now: d.Now.Format(time.RFC3339), Today: d.Today,
			Moves: len(d.Moves), Ms: time.Since(began).Milliseconds()})
	}
}
