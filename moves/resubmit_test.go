package moves

import "testing"

func TestResubmitAllowed(t *testing.T) {
	rejected := func(reason string, rebook bool) Move {
		return Move{Status: StatusCancelled, MoveType: PrisonTransfer,
			Cancellation: Cancellation{Reason: "rejected", RejectionReason: reason, Rebook: rebook}}
	}
	moreInfo := rejected(RejectionMoreInfo, false)
	prison := Location{Type: LocPrison}
	cases := []struct {
		name string
		role Role
		m    Move
		from Location
		want bool
	}{
		{"prison staff, more information", RolePrison, moreInfo, prison, true},
		{"prison staff at an STC", RolePrison, moreInfo, Location{Type: LocSTC}, true},
		{"PMU", RolePMU, moreInfo, prison, true},
		{"rebooked already", RolePrison, rejected(RejectionMoreInfo, true), prison, false},
		{"no space", RolePrison, rejected("no_space_at_receiving_prison", false), prison, false},
		{"cancelled, not rejected", RolePrison, Move{Status: StatusCancelled, Cancellation: Cancellation{Reason: "made_in_error"}}, prison, false},
		{"still proposed", RolePrison, Move{Status: StatusProposed, Cancellation: moreInfo.Cancellation}, prison, false},
		{"police from a prison", RolePolice, moreInfo, prison, false},
		{"court", RoleCourt, moreInfo, Location{Type: LocCourt}, false},
		{"supplier", RoleSupplier, moreInfo, prison, false},
		{"oca", RoleOCA, moreInfo, prison, false},
	}
	for _, c := range cases {
		if got := Allowed(c.role, ActionResubmit, c.m, c.from); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}
