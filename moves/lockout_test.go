package moves

import (
	"slices"
	"strings"
	"testing"
)

// The form's items, by hand, with the event each one records.
var lockoutItems = map[string]EventType{
	"violent":          EventPerViolentDangerous,
	"weapons":          EventPerWeapons,
	"concealed":        EventPerConcealed,
	"self_harm":        EventPerSelfHarm,
	"escape":           EventPerEscape,
	"used_force":       EventPersonMoveUsedForce,
	"medical_aid":      EventPerMedicalAid,
	"drugs_alcohol":    EventPerMedicalDrugsAlcohol,
	"medication":       EventPerMedicalMedication,
	"mental_health":    EventPerMedicalMentalHealth,
	"property_change":  EventPerPropertyChange,
	"death_in_custody": EventPersonMoveDeathInCustody,
	"other":            EventPerGeneric,
}

func TestLockoutQuestions(t *testing.T) {
	qs := LockoutQuestions()
	if len(qs) != len(lockoutItems) {
		t.Fatalf("%d questions; want %d", len(qs), len(lockoutItems))
	}
	groupOrder := map[string]int{}
	for i, g := range LockoutGroups {
		groupOrder[g.Key] = i
	}
	last := 0
	for _, q := range qs {
		if lockoutItems[q.Value] != q.EventType {
			t.Errorf("%s records %s; want %s", q.Value, q.EventType, lockoutItems[q.Value])
		}
		if _, ok := SpecFor(q.EventType); !ok {
			t.Errorf("%s: %s is not in the move catalogue", q.Value, q.EventType)
		}
		g, ok := groupOrder[q.Group]
		if !ok || g < last {
			t.Errorf("%s: group %q out of page order", q.Value, q.Group)
		}
		last = g
		if q.Label == "" || q.DetailsField != q.Value+"_details" || q.DetailsLabel == "" || !strings.HasPrefix(q.DetailsMissing, "Enter details of ") {
			t.Errorf("%s: %+v", q.Value, q)
		}
	}
	qs[0].Label = "changed"
	if LockoutQuestions()[0].Label == "changed" {
		t.Error("LockoutQuestions shares its slice")
	}
}

func TestValidateLockoutForm(t *testing.T) {
	ctx := LockoutContext{MoveID: "move-1", LocationID: "police-1", At: t0, By: "officer.o"}
	tests := []struct {
		name    string
		a       LockoutAnswers
		errors  []FieldError // field and code, in page order
		types   []EventType
		notes   []string
		message string
	}{
		{name: "nothing ticked", a: LockoutAnswers{},
			errors: []FieldError{{Field: "events", Code: "blank"}}, message: "Select any events that happened during police custody"},
		{name: "only blanks ticked", a: LockoutAnswers{Selected: []string{" "}},
			errors: []FieldError{{Field: "events", Code: "blank"}}},
		{name: "unknown item", a: LockoutAnswers{Selected: []string{"violent", "teleport"}, Details: map[string]string{"violent_details": "x"}},
			errors: []FieldError{{Field: "events", Code: "inclusion"}}},
		{name: "ticked without details", a: LockoutAnswers{Selected: []string{"violent"}},
			errors: []FieldError{{Field: "violent_details", Code: "blank"}}, message: "Enter details of any violence that has taken place"},
		{name: "two missing, in page order", a: LockoutAnswers{Selected: []string{"property_change", "violent", "medication"},
			Details: map[string]string{"medication_details": "Paracetamol 500mg at 22:00", "violent_details": "  "}},
			errors: []FieldError{{Field: "violent_details", Code: "blank"}, {Field: "property_change_details", Code: "blank"}}},
		{name: "one of each group, in page order", a: LockoutAnswers{
			Selected: []string{"other", "property_change", "medical_aid", "self_harm", "self_harm"},
			Details: map[string]string{
				"self_harm_details": "Cut arm on cell door", "medical_aid_details": " Seen by the nurse ",
				"property_change_details": "Watch taken", "other_details": "Solicitor visit",
				"escape_details": "typed, then unticked",
			}},
			types: []EventType{EventPerSelfHarm, EventPerMedicalAid, EventPerPropertyChange, EventPerGeneric},
			notes: []string{"Cut arm on cell door", "Seen by the nurse", "Watch taken", "Solicitor visit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, fe := ValidateLockoutForm(tt.a, ctx)
			if len(tt.errors) > 0 {
				if events != nil || len(fe) != len(tt.errors) {
					t.Fatalf("events %v, errors %+v", events, fe)
				}
				for i, want := range tt.errors {
					if fe[i].Field != want.Field || fe[i].Code != want.Code || fe[i].Message == "" {
						t.Errorf("error %d: %+v; want %s/%s", i, fe[i], want.Field, want.Code)
					}
				}
				if tt.message != "" && fe[0].Message != tt.message {
					t.Errorf("message %q", fe[0].Message)
				}
				return
			}
			if len(fe) > 0 {
				t.Fatalf("errors %+v", fe)
			}
			var types []EventType
			for i, e := range events {
				types = append(types, e.Type)
				if e.Notes != tt.notes[i] || e.MoveID != "move-1" || e.CreatedBy != "officer.o" || !e.OccurredAt.Equal(t0) || !e.RecordedAt.Equal(t0) {
					t.Errorf("event %d: %+v", i, e)
				}
				if fe := ValidateEvent(e, world()); len(fe) > 0 {
					t.Errorf("%s refused: %+v", e.Type, fe)
				}
				if e.Type == EventPerGeneric {
					if e.Str("summary") != tt.notes[i] || e.Rels["location"] != "" {
						t.Errorf("generic event %+v", e)
					}
				} else if e.Rels["location"] != "police-1" {
					t.Errorf("%s: location %q", e.Type, e.Rels["location"])
				}
			}
			if !slices.Equal(types, tt.types) {
				t.Errorf("types %v; want %v", types, tt.types)
			}
		})
	}
}

// Every item's event is valid as recorded and applies to a move in any
// status without changing it: police record what happened, whatever the
// move's state.
func TestLockoutEventsApplyInAnyStatus(t *testing.T) {
	for _, q := range LockoutQuestions() {
		events, fe := ValidateLockoutForm(LockoutAnswers{Selected: []string{q.Value}, Details: map[string]string{q.DetailsField: "What happened"}},
			LockoutContext{MoveID: "move-1", LocationID: "police-1", At: t0})
		if len(fe) > 0 || len(events) != 1 {
			t.Fatalf("%s: %v %+v", q.Value, events, fe)
		}
		for _, s := range Statuses {
			st := courtState(s)
			got, reason := Apply(st, events[0], world())
			if reason != "" || got != st {
				t.Errorf("%s on a %s move: %q", q.Value, s, reason)
			}
		}
	}
}

// The Per* events' own details are checked when given.
func TestCustodyEventDetails(t *testing.T) {
	tests := []struct {
		et    EventType
		key   string
		value any
		code  string
	}{
		{EventPerViolentDangerous, "police_personnel_number", 12.0, "invalid"},
		{EventPerMedicalAid, "advised_at", "2026-03-02 10:00", "invalid"},
		{EventPerMedicalMedication, "treated_at", "2026-03-02T10:00:00", "invalid"},
		{EventPerMedicalMentalHealth, "treated_by", true, "invalid"},
		{EventPerPropertyChange, "vehicle_reg", 1.0, "invalid"},
		{EventPerGeneric, "summary", []any{"x"}, "invalid"},
	}
	for _, tt := range tests {
		e := validEvent(tt.et)
		if fe := ValidateEvent(e, world()); len(fe) > 0 {
			t.Errorf("%s without details refused: %+v", tt.et, fe)
		}
		e.Details[tt.key] = tt.value
		fe := ValidateEvent(e, world())
		if len(fe) != 1 || fe[0].Field != tt.key || fe[0].Code != tt.code {
			t.Errorf("%s.%s = %v: %+v", tt.et, tt.key, tt.value, fe)
		}
	}
	ok := validEvent(EventPerMedicalAid)
	ok.Details["advised_at"] = "2026-03-02T10:00:00+00:00"
	ok.Details["advised_by"] = "Dr Patel"
	ok.Rels["location"] = "police-1"
	if fe := ValidateEvent(ok, world()); len(fe) > 0 {
		t.Errorf("full medical event refused: %+v", fe)
	}
}
