package moves

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoleLabelsAndKinds(t *testing.T) {
	cases := []struct {
		role      Role
		label     string
		kinds     []LocationType
		holds     bool
		chooses   bool
		everyLocn bool
	}{
		{RolePMU, "Population Management Unit (PMU)", nil, true, false, true},
		{RoleOCA, "Allocation staff at a prison (OCA)", []LocationType{LocPrison, LocYOI, LocSCH, LocSTC}, true, true, false},
		{RolePolice, "Police custody suite staff", []LocationType{LocPolice}, true, true, false},
		{RolePrison, "Prison staff", []LocationType{LocPrison, LocYOI, LocSCH, LocSTC}, true, true, false},
		{RoleCourt, "Court staff", []LocationType{LocCourt}, true, true, false},
		{RoleSupplier, "Escort supplier staff", nil, false, false, false},
		{RoleAdmin, "Service administrator", nil, false, false, false},
		{Role("janitor"), "janitor", nil, false, false, false},
	}
	if len(cases)-1 != len(Roles) {
		t.Fatal("test table out of date")
	}
	for _, c := range cases {
		if got := c.role.Label(); got != c.label {
			t.Errorf("%s label %q; want %q", c.role, got, c.label)
		}
		if got := c.role.LocationKinds(); !slices.Equal(got, c.kinds) {
			t.Errorf("%s kinds %v; want %v", c.role, got, c.kinds)
		}
		if got := c.role.HoldsLocations(); got != c.holds {
			t.Errorf("%s holds locations %v; want %v", c.role, got, c.holds)
		}
		if got := c.role.ChoosesLocation(); got != c.chooses {
			t.Errorf("%s chooses location %v; want %v", c.role, got, c.chooses)
		}
		if got := c.role.SeesEveryLocation(); got != c.everyLocn {
			t.Errorf("%s sees every location %v; want %v", c.role, got, c.everyLocn)
		}
		if c.role.Valid() && c.role.Hint() == "" {
			t.Errorf("%s has no hint", c.role)
		}
	}
}

func TestCheckLocationKind(t *testing.T) {
	cases := []struct {
		role Role
		typ  LocationType
		ok   bool
	}{
		{RolePolice, LocPolice, true},
		{RolePolice, LocCourt, false},
		{RolePrison, LocYOI, true},
		{RolePrison, LocSTC, true},
		{RolePrison, LocPolice, false},
		{RoleCourt, LocCourt, true},
		{RoleCourt, LocPrison, false},
		{RolePMU, LocHospital, true},
	}
	for _, c := range cases {
		msg := c.role.CheckLocationKind(c.typ, "Somewhere")
		if (msg == "") != c.ok {
			t.Errorf("%s holding %s: %q; want ok=%v", c.role, c.typ, msg, c.ok)
		}
		if !c.ok && !strings.HasSuffix(msg, ": Somewhere is not one") {
			t.Errorf("%s holding %s: message %q does not name the place", c.role, c.typ, msg)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name, password, username, want string
	}{
		{"blank", "", "ann", "Enter a password"},
		{"too short", "elevenchars", "ann", "Password must be 12 characters or more"},
		{"twelve characters", "twelve chars", "ann", ""},
		{"short in bytes, long in runes", strings.Repeat("é", 12), "ann", ""},
		{"over bcrypt's limit", strings.Repeat("a", 73), "ann", "Password must be 72 characters or fewer"},
		{"72 bytes", strings.Repeat("a", 72), "ann", ""},
		{"same as username", "Ann.Smith.2026", "ann.smith.2026", "Password must not be the same as the username"},
		{"same as username with spaces", " ann.smith.2026 ", "ann.smith.2026", "Password must not be the same as the username"},
		{"no username to compare", "a long passphrase", "", ""},
	}
	for _, c := range cases {
		if got := CheckPassword(c.password, c.username); got != c.want {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
	}
}

func TestCanSee(t *testing.T) {
	m := Move{FromID: "police-1", ToID: "court-1", SupplierID: "serco"}
	noTo := Move{FromID: "police-1", SupplierID: "serco"}
	cases := []struct {
		name string
		v    Viewer
		m    Move
		want bool
	}{
		{"pmu sees every move", Viewer{Role: RolePMU}, m, true},
		{"police at the start", Viewer{Role: RolePolice, LocationIDs: []string{"police-1"}}, m, true},
		{"police elsewhere", Viewer{Role: RolePolice, LocationIDs: []string{"police-2"}}, m, false},
		{"court at the destination", Viewer{Role: RoleCourt, LocationIDs: []string{"court-1"}}, m, true},
		{"court, no destination", Viewer{Role: RoleCourt, LocationIDs: []string{"court-1"}}, noTo, false},
		{"prison without locations", Viewer{Role: RolePrison}, noTo, false},
		{"empty location id never matches", Viewer{Role: RoleCourt, LocationIDs: []string{""}}, noTo, false},
		{"supplier serving it", Viewer{Role: RoleSupplier, SupplierID: "serco"}, m, true},
		{"other supplier", Viewer{Role: RoleSupplier, SupplierID: "geoamey"}, m, false},
		{"supplier without a supplier", Viewer{Role: RoleSupplier}, Move{FromID: "police-1"}, false},
		{"supplier holding the location", Viewer{Role: RoleSupplier, SupplierID: "geoamey", LocationIDs: []string{"police-1"}}, m, false},
		{"admin sees none", Viewer{Role: RoleAdmin, LocationIDs: []string{"police-1"}}, m, false},
		{"unknown role sees none", Viewer{Role: "janitor", LocationIDs: []string{"police-1"}}, m, false},
	}
	for _, c := range cases {
		if got := CanSee(c.v, c.m); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}

func TestMayActOnlyFromOwnLocations(t *testing.T) {
	police := Location{ID: "police-1", Type: LocPolice}
	prison := Location{ID: "prison-1", Type: LocPrison}
	fromPolice := Move{FromID: "police-1", ToID: "court-1", Status: StatusRequested, MoveType: CourtAppearance}
	fromPrison := Move{FromID: "prison-1", ToID: "court-1", Status: StatusRequested, MoveType: CourtAppearance}
	cases := []struct {
		name string
		v    Viewer
		a    Action
		m    Move
		from Location
		want bool
	}{
		{"police at the start cancels", Viewer{Role: RolePolice, LocationIDs: []string{"police-1"}}, ActionCancel, fromPolice, police, true},
		{"police elsewhere may not", Viewer{Role: RolePolice, LocationIDs: []string{"police-2"}}, ActionCancel, fromPolice, police, false},
		{"police at the destination may not", Viewer{Role: RolePolice, LocationIDs: []string{"court-1"}}, ActionCancel, fromPolice, police, false},
		{"prison at the start changes the date", Viewer{Role: RolePrison, LocationIDs: []string{"prison-1"}}, ActionChangeDate, fromPrison, prison, true},
		{"prison elsewhere may not", Viewer{Role: RolePrison, LocationIDs: []string{"prison-2"}}, ActionChangeDate, fromPrison, prison, false},
		{"pmu holds nothing and may", Viewer{Role: RolePMU}, ActionCancel, fromPrison, prison, true},
		{"role forbids it wherever", Viewer{Role: RoleCourt, LocationIDs: []string{"court-1"}}, ActionCancel, fromPolice, police, false},
		{"status forbids it", Viewer{Role: RolePolice, LocationIDs: []string{"police-1"}}, ActionCancel, Move{FromID: "police-1", Status: StatusInTransit}, police, false},
		{"police working at the start cancels", Viewer{Role: RolePolice, LocationIDs: []string{"police-1", "police-2"}, Current: "police-1"}, ActionCancel, fromPolice, police, true},
		{"police working at their other suite may not", Viewer{Role: RolePolice, LocationIDs: []string{"police-1", "police-2"}, Current: "police-2"}, ActionCancel, fromPolice, police, false},
		{"prison working at their other prison may not", Viewer{Role: RolePrison, LocationIDs: []string{"prison-1", "prison-2"}, Current: "prison-2"}, ActionChangeDate, fromPrison, prison, false},
		{"pmu working at one place still may elsewhere", Viewer{Role: RolePMU, Current: "police-2"}, ActionCancel, fromPrison, prison, true},
	}
	for _, c := range cases {
		if got := MayAct(c.v, c.a, c.m, c.from); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}

func TestChangedMeanwhile(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 41, 0, 0, time.UTC)
	cases := []struct {
		name string
		last *LastChange
		now  Status
		want string
	}{
		{"unknown change", nil, StatusBooked, "This move was changed by someone else while you were working on it. Check it and try again."},
		{"named change", &LastChange{Type: EventMoveCancel, By: "pmu", At: at}, StatusCancelled,
			"This move was changed while you were working on it (MoveCancel by pmu at 09:41); it is now cancelled. Check it and try again."},
	}
	for _, c := range cases {
		err := ChangedMeanwhile(c.last, c.now)
		if err.Code != Conflict || err.Message != c.want {
			t.Errorf("%s: %v %q; want conflict %q", c.name, err.Code, err.Message, c.want)
		}
	}
}
