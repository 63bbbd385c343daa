package moves

import "testing"

func TestResubmitAllowed(t *testing.T) {
	rejected := func(reason string, rebook bool) Move {
		return Move{Status: StatusCancelled, MoveType: PrisonTransfer, PersonID: "p1",
			Cancellation: Cancellation{Reason: "rejected", RejectionReason: reason, Rebook: rebook}}
	}
	moreInfo := rejected(RejectionMoreInfo, false)
	emptyPlace := moreInfo
	emptyPlace.PersonID, emptyPlace.AllocationID = "", "a1"
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
		{"PMU, an allocation's place with nobody in it", RolePMU, emptyPlace, prison, false},
		{"prison staff, an allocation's place with nobody in it", RolePrison, emptyPlace, prison, false},
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

// A rejection proposes the move again only when there is someone to move.
func TestRebookable(t *testing.T) {
	cases := []struct {
		name string
		m    Move
		want bool
	}{
		{"a request for a person", Move{Status: StatusProposed, PersonID: "p1"}, true},
		{"an allocation's place with a person", Move{Status: StatusRequested, PersonID: "p1", AllocationID: "a1"}, true},
		{"an allocation's place with nobody in it", Move{Status: StatusRequested, AllocationID: "a1"}, false},
	}
	for _, c := range cases {
		if got := Rebookable(c.m); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}
