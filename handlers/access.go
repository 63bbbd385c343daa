package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
)

// visibleMove loads a move the signed-in user may see. A move they may not
// see is answered as not found, never as forbidden, so its existence is
// not revealed.
func (h *Handlers) visibleMove(c echo.Context, id string) (moves.Move, error) {
	m, err := h.Store.Move(c.Request().Context(), id)
	if err != nil {
		return m, err
	}
	u := serve.CurrentUser(c)
	if u == nil {
		return moves.Move{}, moves.Errorf(moves.NotFound, "move not found")
	}
	if moves.CanSee(u.Viewer(), m) {
		return m, nil
	}
	if u.Role == moves.RolePolice {
		// Police also see a move whose person was lodged in one of their
		// custody suites (moves.CanSeeInCustody); only they pay for the
		// extra query.
		custody, err := h.Store.CustodyLocations(c.Request().Context(), m.ID)
		if err != nil {
			return moves.Move{}, err
		}
		if moves.CanSeeInCustody(u.Viewer(), custody) {
			return m, nil
		}
	}
	return moves.Move{}, moves.Errorf(moves.NotFound, "move not found")
}

// mayAct reports whether the user may take an action on a move they can
// see (moves.MayAct holds the rule).
func (h *Handlers) mayAct(c echo.Context, a moves.Action, m moves.Move) bool {
	u := serve.CurrentUser(c)
	if u == nil {
		return false
	}
	from, err := h.Store.Location(c.Request().Context(), m.FromID)
	if err != nil {
		return false
	}
	if !moves.MayAct(u.Viewer(), a, m, from) {
		return false
	}
	if a == moves.ActionResubmit {
		// A request is sent again once.
		if _, err := h.Store.RebookedFrom(c.Request().Context(), m.ID); err == nil {
			return false
		}
	}
	return true
}
