package moves

import "time"

// Viewer is who is looking at moves: their role, the supplier they work
// for and the locations they hold.
type Viewer struct {
	Role        Role
	SupplierID  string
	LocationIDs []string
	// Current is the location they chose to work at, "" when none is
	// chosen (PMU's all locations or region, or a role without one).
	Current string
}

// Holds reports whether id is one of the viewer's locations.
func (v Viewer) Holds(id string) bool {
	if id == "" {
		return false
	}
	for _, l := range v.LocationIDs {
		if l == id {
			return true
		}
	}
	return false
}

// CanSee reports whether v may see move m: PMU every move, a supplier's
// staff the moves their supplier serves, administrators none, everyone
// else the moves from or to one of their locations.
func CanSee(v Viewer, m Move) bool {
	switch v.Role {
	case RolePMU:
		return true
	case RoleSupplier:
		return v.SupplierID != "" && m.SupplierID == v.SupplierID
	case RoleAdmin:
		return false
	}
	if !v.Role.Valid() {
		return false
	}
	return v.Holds(m.FromID) || v.Holds(m.ToID)
}

// ActsFromOwnLocation reports whether v's role limits them to moves that
// start at their location (police and prison staff), and if so whether m
// does. They act from the location they are working at: an officer who
// holds two custody suites and chose one changes the other's moves only
// after choosing it, as the header they work under says. Seeing is wider
// (CanSee: any location they hold), so a link from elsewhere still opens.
func ActsFromOwnLocation(v Viewer, m Move) bool {
	switch v.Role {
	case RolePolice, RolePrison:
		if v.Current != "" {
			return m.FromID == v.Current
		}
		return v.Holds(m.FromID)
	}
	return true
}

// MayAct reports whether v may take action a on move m, which starts at
// from: their role must allow it in the move's status from that kind of
// place (Allowed), and police and prison staff may act only on moves from
// the location they are working at (ActsFromOwnLocation).
func MayAct(v Viewer, a Action, m Move, from Location) bool {
	return Allowed(v.Role, a, m, from) && ActsFromOwnLocation(v, m)
}

// LastChange is the newest change applied to a move, as the store
// reports it when a person's change lost the race to someone else's.
type LastChange struct {
	Type EventType
	By   string
	// At is when it was made, in the zone it is to be shown in.
	At time.Time
}

// ChangedMeanwhile is the conflict a person gets when the move changed
// after the version they acted on; last is nil when what changed is not
// known. The move is now in status now.
func ChangedMeanwhile(last *LastChange, now Status) *Error {
	if last == nil {
		return Errorf(Conflict, "This move was changed by someone else while you were working on it. Check it and try again.")
	}
	return Errorf(Conflict, "This move was changed while you were working on it (%s by %s at %s); it is now %s. Check it and try again.",
		last.Type, last.By, last.At.Format("15:04"), now)
}
