package moves

import (
	"slices"
	"testing"
)

// permitted is DOMAIN.md's "Who uses it" table, by hand: for each role and
// action, the statuses of a move from the role's own kind of place in
// which it is allowed.
var permitted = map[Role]map[Action][]Status{
	RolePMU: {
		ActionApprove:    {pr},
		ActionReject:     {pr, rq},
		ActionCancel:     {pr, rq, bk, it},
		ActionRedirect:   {pr, rq, bk, it},
		ActionChangeDate: {rq, bk},
		ActionRequest:    {pr, rq, bk, it, co, ca},
		ActionChange:     {pr, rq, bk},
		// DOMAIN.md: PMU adds, changes and cancels overnight lodges.
		ActionLodge: {rq, bk, it},
	},
	RolePolice: {
		ActionCancel:     {pr, rq, bk},
		ActionRedirect:   {pr, rq, bk},
		ActionChangeDate: {rq, bk},
		ActionRequest:    {pr, rq, bk, it, co, ca},
		ActionChange:     {pr, rq, bk},
	},
	RolePrison: {
		ActionCancel:     {pr, rq, bk},
		ActionChangeDate: {rq, bk},
		ActionRequest:    {pr, rq, bk, it, co, ca},
		ActionChange:     {pr, rq, bk},
	},
	// oca fills and empties allocations' places (AllocationAllowed) and
	// takes no action on a move itself.
	RoleOCA:      {},
	RoleCourt:    {},
	RoleSupplier: {},
	RoleAdmin:    {},
}

var homeType = map[Role]LocationType{
	RolePMU: LocPrison, RoleOCA: LocPrison, RolePolice: LocPolice, RolePrison: LocPrison,
	RoleCourt: LocCourt, RoleSupplier: LocPolice, RoleAdmin: LocPolice,
}

func TestAllowedEveryRoleActionStatus(t *testing.T) {
	if len(permitted) != len(Roles) {
		t.Fatal("test table out of date")
	}
	cells := 0
	for _, role := range Roles {
		from := Location{ID: "from", Type: homeType[role]}
		for _, a := range Actions {
			for _, s := range Statuses {
				cells++
				want := slices.Contains(permitted[role][a], s)
				if got := Allowed(role, a, Move{Status: s, MoveType: PrisonTransfer}, from); got != want {
					t.Errorf("%s %s on %s move from %s: %v; want %v", role, a, s, from.Type, got, want)
				}
			}
		}
	}
	if cells != len(Roles)*len(Actions)*6 {
		t.Errorf("%d cells", cells)
	}
}

func TestAllowedChecksWhereTheMoveStarts(t *testing.T) {
	booked := Move{Status: bk}
	for _, a := range Actions {
		if Allowed(RolePolice, a, booked, Location{Type: LocPrison}) {
			t.Errorf("police may %s a move from a prison", a)
		}
		if Allowed(RolePrison, a, booked, Location{Type: LocPolice}) {
			t.Errorf("prison may %s a move from a police station", a)
		}
	}
	for _, lt := range []LocationType{LocYOI, LocSCH, LocSTC} {
		if !Allowed(RolePrison, ActionCancel, booked, Location{Type: lt}) {
			t.Errorf("prison staff may not cancel from %s", lt)
		}
	}
	// PMU acts on moves from anywhere.
	for _, lt := range LocationTypes {
		if !Allowed(RolePMU, ActionCancel, booked, Location{Type: lt}) {
			t.Errorf("PMU may not cancel from %s", lt)
		}
	}
	if Allowed("intruder", ActionCancel, booked, Location{Type: LocPolice}) || Allowed(RolePMU, "delete", booked, Location{}) {
		t.Error("unknown role or action allowed")
	}
	if Allowed(RolePMU, ActionCancel, Move{Status: "lost"}, Location{Type: LocPrison}) {
		t.Error("unknown status allowed")
	}
}

func TestAllowedMatchesTransitions(t *testing.T) {
	// Whatever a person may do must be an event that applies in that state.
	event := map[Action]EventType{
		ActionApprove: EventMoveApprove, ActionReject: EventMoveReject, ActionCancel: EventMoveCancel,
		ActionRedirect: EventMoveRedirect, ActionChangeDate: EventMoveDateChanged,
		ActionChange: EventMoveUpdate,
	}
	for _, role := range Roles {
		for a, et := range event {
			for _, s := range Statuses {
				if Allowed(role, a, Move{Status: s}, Location{Type: homeType[role]}) {
					if _, ok := Transition(s, et); !ok {
						t.Errorf("%s may %s a %s move, but %s does not apply", role, a, s, et)
					}
				}
			}
		}
	}
}

func TestMoveTypesFor(t *testing.T) {
	police := []MoveType{CourtAppearance, Hospital, PrisonRecall, PoliceTransfer, VideoRemand}
	secure := []MoveType{PrisonTransfer, CourtAppearance, Hospital}
	prison := []MoveType{PrisonTransfer, CourtAppearance, Hospital, ApprovedPremises, Extradition}
	cases := []struct {
		role Role
		from LocationType
		want []MoveType
	}{
		{RolePolice, LocPolice, police},
		{RolePolice, LocPrison, nil},
		{RolePrison, LocPrison, prison},
		{RolePrison, LocYOI, prison},
		{RolePrison, LocSCH, secure},
		{RolePrison, LocSTC, secure},
		{RolePrison, LocPolice, nil},
		{RolePrison, LocCourt, nil},
		{RolePMU, LocPolice, police},
		{RolePMU, LocPrison, secure},
		{RolePMU, LocCourt, []MoveType{PrisonRemand, CourtOther, Hospital}},
		{RoleCourt, LocCourt, nil},
		{RoleSupplier, LocPolice, nil},
		{RoleAdmin, LocPrison, nil},
	}
	for _, c := range cases {
		got := MoveTypesFor(c.role, c.from)
		if !slices.Equal(got, c.want) {
			t.Errorf("MoveTypesFor(%s, %s) = %v; want %v", c.role, c.from, got, c.want)
		}
	}
	got := MoveTypesFor(RolePolice, LocPolice)
	got[0] = "changed"
	if MoveTypesFor(RolePolice, LocPolice)[0] == "changed" {
		t.Error("MoveTypesFor hands out its own slice")
	}
}

func TestOfferedMoveTypesCanStartThere(t *testing.T) {
	// A form must never offer a move type that CheckLocations would then
	// refuse because of where it starts.
	for _, role := range Roles {
		for _, lt := range LocationTypes {
			for _, mt := range MoveTypesFor(role, lt) {
				if msg := fromProblem(mt, lt); msg != "" {
					t.Errorf("%s from %s offered %s: %s", role, lt, mt, msg)
				}
				if len(DestinationTypes(mt)) == 0 {
					t.Errorf("%s has no destinations", mt)
				}
			}
		}
	}
}
