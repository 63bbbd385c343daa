package moves

import (
	"slices"
	"testing"
	"time"
)

const (
	lPol = LocPolice
	lCrt = LocCourt
	lPri = LocPrison
	lYOI = LocYOI
	lHos = LocHospital
	lHSH = LocHighSecurityHospital
	lSCH = LocSCH
	lSTC = LocSTC
	lAP  = LocApprovedPremises
)

var everyLocType = []LocationType{lPol, lCrt, lPri, lYOI, lHos, lHSH, lSCH, lSTC, lAP}

// allowedTo is DOMAIN.md's destination rules, by hand.
var allowedTo = map[MoveType][]LocationType{
	CourtAppearance:  {lCrt},
	CourtOther:       {lPol, lCrt, lHos, lHSH, lAP},
	Hospital:         {lHos, lHSH},
	PoliceTransfer:   {lPol},
	PrisonRecall:     everyLocType,
	PrisonRemand:     {lPri, lYOI, lSCH, lSTC},
	PrisonTransfer:   {lPri, lYOI, lSCH, lSTC},
	VideoRemand:      everyLocType,
	ApprovedPremises: {lAP},
	Extradition:      {lPol},
}

// allowedFrom is DOMAIN.md's starting-location rules, by hand.
var allowedFrom = map[MoveType][]LocationType{
	CourtAppearance:  everyLocType,
	CourtOther:       everyLocType,
	Hospital:         everyLocType,
	PoliceTransfer:   {lPol},
	PrisonRecall:     {lPol},
	PrisonRemand:     everyLocType,
	PrisonTransfer:   {lPri, lYOI, lSCH, lSTC},
	VideoRemand:      {lPol},
	ApprovedPremises: everyLocType,
	Extradition:      everyLocType,
}

func TestLocationTablesCoverEveryType(t *testing.T) {
	if len(allowedTo) != len(MoveTypes) || len(allowedFrom) != len(MoveTypes) || len(everyLocType) != len(LocationTypes) {
		t.Fatal("test tables out of date")
	}
}

func TestCheckLocationsEveryTypeEveryDestination(t *testing.T) {
	for _, mt := range MoveTypes {
		from := Location{ID: "from", Type: allowedFrom[mt][0]}
		for _, lt := range everyLocType {
			to := Location{ID: "to", Type: lt}
			fe := CheckLocations(mt, from, &to)
			want := slices.Contains(allowedTo[mt], lt)
			if (len(fe) == 0) != want {
				t.Errorf("%s to %s: %+v; want ok=%v", mt, lt, fe, want)
			}
			if !want && (len(fe) != 1 || fe[0].Field != "to_location" || fe[0].Message == "") {
				t.Errorf("%s to %s: errors %+v", mt, lt, fe)
			}
		}
		if got := DestinationTypes(mt); !slices.Equal(got, allowedTo[mt]) {
			t.Errorf("DestinationTypes(%s) = %v; want %v", mt, got, allowedTo[mt])
		}
	}
	if DestinationTypes("nope") != nil {
		t.Error("unknown type has destinations")
	}
	d := DestinationTypes(PrisonRecall)
	d[0] = "changed"
	if LocationTypes[0] == "changed" {
		t.Error("DestinationTypes hands out LocationTypes itself")
	}
}

func TestCheckLocationsEveryTypeEveryStart(t *testing.T) {
	for _, mt := range MoveTypes {
		var to *Location
		if !DestinationOptional(mt) {
			l := Location{ID: "to", Type: allowedTo[mt][0]}
			to = &l
		}
		for _, lt := range everyLocType {
			fe := CheckLocations(mt, Location{ID: "from", Type: lt}, to)
			want := slices.Contains(allowedFrom[mt], lt)
			if (len(fe) == 0) != want {
				t.Errorf("%s from %s: %+v; want ok=%v", mt, lt, fe, want)
			}
			if !want && (len(fe) != 1 || fe[0].Field != "from_location") {
				t.Errorf("%s from %s: errors %+v", mt, lt, fe)
			}
		}
	}
}

func TestCheckLocationsNoDestination(t *testing.T) {
	for _, mt := range MoveTypes {
		fe := CheckLocations(mt, Location{ID: "from", Type: allowedFrom[mt][0]}, nil)
		optional := mt == PrisonRecall || mt == VideoRemand
		if optional != (len(fe) == 0) {
			t.Errorf("%s without destination: %+v", mt, fe)
		}
		if !optional && (fe[0].Field != "to_location" || fe[0].Code != "blank") {
			t.Errorf("%s: %+v", mt, fe)
		}
	}
}

func TestCheckLocationsSameDisabledAndUnknown(t *testing.T) {
	p1 := Location{ID: "p1", Type: lPol, Title: "Leeds custody suite"}
	p2 := Location{ID: "p2", Type: lPol}
	if fe := CheckLocations(PoliceTransfer, p1, &p1); !fe.Has("to_location") {
		t.Error("same from and to accepted")
	}
	closed := p2
	closed.Disabled = true
	if fe := CheckLocations(PoliceTransfer, p1, &closed); len(fe) != 1 || !fe.Has("to_location") {
		t.Errorf("closed destination: %+v", fe)
	}
	closedFrom := p1
	closedFrom.Disabled = true
	fe := CheckLocations(PoliceTransfer, closedFrom, &p2)
	if len(fe) != 1 || !fe.Has("from_location") || fe[0].Message != "Leeds custody suite is no longer in use, so a move cannot start there" {
		t.Errorf("closed start: %+v", fe)
	}
	for _, mt := range []MoveType{"", "teleport"} {
		fe := CheckLocations(mt, p1, &p2)
		if len(fe) != 1 || fe[0].Field != "move_type" {
			t.Errorf("move type %q: %+v", mt, fe)
		}
	}
}

func TestInitialStatus(t *testing.T) {
	detained := []LocationType{lPri, lYOI, lSCH, lSTC}
	for _, f := range everyLocType {
		for _, d := range everyLocType {
			to := Location{ID: "to", Type: d}
			want := StatusRequested
			if slices.Contains(detained, f) && slices.Contains(detained, d) {
				want = StatusProposed
			}
			if got := InitialStatus(PrisonTransfer, Location{ID: "from", Type: f}, &to); got != want {
				t.Errorf("%s to %s: %s; want %s", f, d, got, want)
			}
		}
		if got := InitialStatus(PrisonRecall, Location{Type: f}, nil); got != StatusRequested {
			t.Errorf("%s to nowhere: %s", f, got)
		}
	}
}

func fields(fe FieldErrors) []string {
	out := make([]string, len(fe))
	for i, e := range fe {
		out[i] = e.Field
	}
	return out
}

func TestValidateNewMove(t *testing.T) {
	refs := world()
	l := func(id string) *Location { x := refs.locs[id]; return &x }
	due := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	cases := []struct {
		name string
		m    Move
		from Location
		to   *Location
		want []string
	}{
		{"requested with date", Move{MoveType: CourtAppearance, FromID: "police-1", Date: "2026-03-02"}, *l("police-1"), l("court-1"), nil},
		{"requested without date", Move{MoveType: CourtAppearance, FromID: "police-1"}, *l("police-1"), l("court-1"), []string{"date"}},
		{"requested with a window only", Move{MoveType: CourtAppearance, FromID: "police-1", DateFrom: "2026-03-02"}, *l("police-1"), l("court-1"), []string{"date"}},
		{"requested with a bad date", Move{MoveType: CourtAppearance, FromID: "police-1", Date: "2026-02-30"}, *l("police-1"), l("court-1"), []string{"date"}},
		{"proposed with window", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "2026-03-02", DateTo: "2026-03-09"}, *l("prison-1"), l("prison-2"), nil},
		{"proposed open window", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "2026-03-02"}, *l("prison-1"), l("yoi-1"), nil},
		{"proposed one-day window", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "2026-03-02", DateTo: "2026-03-02"}, *l("prison-1"), l("sch-1"), nil},
		{"proposed with a date only", Move{MoveType: PrisonTransfer, FromID: "prison-1", Date: "2026-03-02"}, *l("prison-1"), l("prison-2"), []string{"date_from"}},
		{"proposed backwards", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "2026-03-09", DateTo: "2026-03-02"}, *l("prison-1"), l("prison-2"), []string{"date_to"}},
		{"proposed bad end", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "2026-03-09", DateTo: "09/03/2026"}, *l("prison-1"), l("prison-2"), []string{"date_to"}},
		{"proposed bad start", Move{MoveType: PrisonTransfer, FromID: "prison-1", DateFrom: "soon", DateTo: "2026-03-02"}, *l("prison-1"), l("prison-2"), []string{"date_from"}},
		{"nothing at all", Move{}, Location{}, nil, []string{"move_type", "from_location", "date"}},
		{"no start", Move{MoveType: PoliceTransfer, Date: "2026-03-02"}, Location{}, l("police-2"), []string{"from_location"}},
		{"wrong everything", Move{MoveType: PoliceTransfer, FromID: "court-1"}, *l("court-1"), l("prison-1"), []string{"from_location", "to_location", "date"}},
		{"recall to nowhere", Move{MoveType: PrisonRecall, FromID: "police-1", Date: "2026-03-02"}, *l("police-1"), nil, nil},
		{"hospital without a time due", Move{MoveType: Hospital, FromID: "police-1", Date: "2026-03-02"}, *l("police-1"), l("hospital-1"), []string{"time_due"}},
		{"hospital with a time due", Move{MoveType: Hospital, FromID: "police-1", Date: "2026-03-02", TimeDue: &due}, *l("police-1"), l("hospital-1"), nil},
		{"rebooked hospital move without a time", Move{MoveType: Hospital, FromID: "prison-1", DateFrom: "2026-03-02", Date: "2026-03-02", OriginalID: "m-0"}, *l("prison-1"), l("hospital-1"), nil},
		{"court appearance without a time", Move{MoveType: CourtAppearance, FromID: "police-1", Date: "2026-03-02"}, *l("police-1"), l("court-1"), nil},
	}
	for _, c := range cases {
		got := fields(ValidateNewMove(c.m, c.from, c.to))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: fields %v; want %v (%+v)", c.name, got, c.want, ValidateNewMove(c.m, c.from, c.to))
		}
	}
}

func TestRebook(t *testing.T) {
	m := Move{
		ID: "m1", Reference: "ACE1234F", Status: StatusCancelled, MoveType: PrisonTransfer,
		FromID: "prison-1", ToID: "prison-2", DateFrom: "2026-12-28", DateTo: "2027-01-02", Date: "2026-12-30",
		SupplierID: "s1", ProfileID: "pf1", PersonID: "p1", Notes: "n", Lockout: true,
		Cancellation: Cancellation{Reason: "rejected", Rebook: true},
	}
	got := Rebook(m)
	want := Move{
		Status: StatusProposed, MoveType: PrisonTransfer, FromID: "prison-1", ToID: "prison-2",
		DateFrom: "2027-01-04", DateTo: "2027-01-09", SupplierID: "s1", ProfileID: "pf1", PersonID: "p1", OriginalID: "m1",
	}
	if got != want {
		t.Errorf("Rebook = %+v\nwant     %+v", got, want)
	}
	m.DateTo = ""
	if got := Rebook(m); got.DateTo != "" || got.DateFrom != "2027-01-04" {
		t.Errorf("open window: %+v", got)
	}
	m.DateFrom = ""
	m.Date = "2028-02-25"
	if got := Rebook(m); got.DateFrom != "2028-03-03" || got.Date != "" {
		t.Errorf("from a date: %+v", got)
	}
}

func TestAddDays(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"2026-03-29", 7, "2026-04-05"}, // across the clock change
		{"2024-02-26", 7, "2024-03-04"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2026-02-30", 1, ""},
		{"", 7, ""},
	}
	for _, c := range cases {
		if got := AddDays(c.in, c.n); got != c.want {
			t.Errorf("AddDays(%q, %d) = %q; want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestMoveStateRoundTrip(t *testing.T) {
	m := Move{ID: "m", Reference: "R", Notes: "keep"}
	s := courtState(StatusBooked)
	s.Lockout = true
	s.Cancellation = Cancellation{Comment: "c"}
	m.SetState(s)
	if m.State() != s || m.ID != "m" || m.Notes != "keep" {
		t.Errorf("round trip: %+v", m)
	}
}
