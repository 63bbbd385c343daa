package moves

import (
	"slices"
	"testing"
)

func lodgeAt(loc string, applied bool) Event {
	return Event{Type: EventMoveLodgingStart, Applied: applied, Rels: map[string]string{"location": loc}}
}

func TestCustodyLocations(t *testing.T) {
	tests := []struct {
		name string
		log  []Event
		want []string
	}{
		{"no lodge", []Event{{Type: EventMoveRequested, Applied: true}, {Type: EventMoveLockout, Applied: true, Rels: map[string]string{"from_location": "prison"}}}, nil},
		{"one lodge", []Event{{Type: EventMoveRequested, Applied: true}, lodgeAt("police-a", true)}, []string{"police-a"}},
		{"latest first, once each", []Event{lodgeAt("police-a", true), lodgeAt("police-b", true), lodgeAt("police-a", true)}, []string{"police-a", "police-b"}},
		{"not applied (no lodging planned) is custody all the same", []Event{lodgeAt("police-a", false)}, []string{"police-a"}},
		{"lodge end is not a start", []Event{{Type: EventMoveLodgingEnd, Applied: true, Rels: map[string]string{"location": "police-a"}}}, nil},
		{"no location", []Event{{Type: EventMoveLodgingStart, Applied: true}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CustodyLocations(tt.log); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCustodyRecordingLocation(t *testing.T) {
	police := Viewer{Role: RolePolice, LocationIDs: []string{"police-a", "police-b"}}
	inTransit := Move{Status: StatusInTransit, FromID: "prison", ToID: "court"}
	tests := []struct {
		name    string
		v       Viewer
		m       Move
		custody []string
		current string
		want    string
		ok      bool
	}{
		{"police at the lodge", police, inTransit, []string{"police-a"}, "", "police-a", true},
		{"the current location first", police, inTransit, []string{"police-a", "police-b"}, "police-b", "police-b", true},
		{"current not a lodge: the latest held", police, inTransit, []string{"police-c", "police-a"}, "police-b", "police-a", true},
		{"police elsewhere", police, inTransit, []string{"police-c"}, "", "", false},
		{"no lodge at all", police, inTransit, nil, "police-a", "", false},
		{"completed moves still take the write-up", police, Move{Status: StatusCompleted}, []string{"police-a"}, "", "police-a", true},
		{"booked (lodged before it starts)", police, Move{Status: StatusBooked}, []string{"police-a"}, "", "police-a", true},
		{"cancelled", police, Move{Status: StatusCancelled}, []string{"police-a"}, "", "", false},
		{"proposed", police, Move{Status: StatusProposed}, []string{"police-a"}, "", "", false},
		{"pmu", Viewer{Role: RolePMU}, inTransit, []string{"police-a"}, "", "", false},
		{"prison staff holding the place", Viewer{Role: RolePrison, LocationIDs: []string{"police-a"}}, inTransit, []string{"police-a"}, "", "", false},
		{"supplier", Viewer{Role: RoleSupplier, SupplierID: "s"}, inTransit, []string{"police-a"}, "", "", false},
		{"court", Viewer{Role: RoleCourt, LocationIDs: []string{"police-a"}}, inTransit, []string{"police-a"}, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CustodyRecordingLocation(tt.v, tt.m, tt.custody, tt.current)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCanSeeInCustody(t *testing.T) {
	police := Viewer{Role: RolePolice, LocationIDs: []string{"police-a"}}
	if !CanSeeInCustody(police, []string{"police-b", "police-a"}) {
		t.Error("police at a lodge cannot see the move")
	}
	if CanSeeInCustody(police, []string{"police-b"}) || CanSeeInCustody(police, nil) {
		t.Error("police elsewhere see the move")
	}
	if CanSeeInCustody(Viewer{Role: RolePrison, LocationIDs: []string{"police-a"}}, []string{"police-a"}) {
		t.Error("a role other than police sees the move through custody")
	}
}

func TestImportantEvents(t *testing.T) {
	for _, tt := range []struct {
		t    EventType
		want bool
	}{
		{EventPerViolentDangerous, true}, {EventPerMedicalAid, true}, {EventPerPropertyChange, true},
		{EventPersonMoveDeathInCustody, true}, {EventPersonMoveUsedForce, true}, {EventPersonMoveMinorIncidentOther, true},
		{EventPerGeneric, false}, {EventMoveStart, false}, {EventMoveLodgingStart, false}, {"NoSuchEvent", false},
	} {
		if got := ImportantEvent(tt.t); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.t, got, tt.want)
		}
	}
	types := ImportantEventTypes()
	for _, q := range LockoutQuestions() {
		if q.EventType != EventPerGeneric && !slices.Contains(types, q.EventType) {
			t.Errorf("lockout item %s (%s) is not important", q.Value, q.EventType)
		}
	}
}

// ClassOf is the class SpecFor gives, for every type and for an unknown one.
func TestClassOf(t *testing.T) {
	for _, s := range Catalogue() {
		if got := ClassOf(s.Type); got != s.Class {
			t.Errorf("%s: %q, want %q", s.Type, got, s.Class)
		}
	}
	if got := ClassOf("no_such_event"); got != "" {
		t.Errorf("unknown type: %q", got)
	}
}
