package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// CanSee reports whether a user may see a move: PMU every move, a
// supplier's staff the moves their supplier serves, everyone else moves
// from or to one of their locations. Admins see none.
func CanSee(u *Principal, m moves.Move) bool {
	switch u.Role {
	case "pmu":
		return true
	case "supplier":
		return u.SupplierID != "" && m.SupplierID == u.SupplierID
	case "admin":
		return false
	}
	return u.HasLocation(m.FromID) || (m.ToID != "" && u.HasLocation(m.ToID))
}

// visibleMove loads a move the signed-in user may see. A move they may not
// see is answered as not found, never as forbidden, so its existence is
// not revealed.
func (h *Handlers) visibleMove(c echo.Context, id string) (moves.Move, error) {
	m, err := h.Store.Move(c.Request().Context(), id)
	if err != nil {
		return m, err
	}
	u := currentUser(c)
	if u == nil || !CanSee(u, m) {
		return moves.Move{}, moves.Errorf(moves.NotFound, "move not found")
	}
	return m, nil
}

// mayAct reports whether the user may take an action on a move they can
// see: their role must allow it in the move's status, and police and
// prison staff may act only on moves from one of their locations.
func (h *Handlers) mayAct(c echo.Context, a moves.Action, m moves.Move) bool {
	u := currentUser(c)
	if u == nil {
		return false
	}
	from, err := h.Store.Location(c.Request().Context(), m.FromID)
	if err != nil {
		return false
	}
	if !moves.Allowed(u.RoleOf(), a, m, from) {
		return false
	}
	switch u.Role {
	case "police", "prison":
		return u.HasLocation(m.FromID)
	}
	return true
}
