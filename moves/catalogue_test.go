package moves

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// seedTypes is every event type the seed's catalogue documents.
var seedTypes = []EventType{
	EventMoveAccept, EventMoveApprove, EventMoveReject, EventMoveCancel, EventMoveStart,
	EventMoveRedirect, EventMoveComplete, EventMoveLockout, EventMoveLodgingStart,
	EventMoveLodgingEnd, EventMoveNotifySupplierOfMoveRequest, EventMoveOperationSafeguard,
	EventMoveOperationTornado, EventMoveOperationHmcts, EventMoveNotifyPremisesOfExpectedCollectionTime,
	EventMoveNotifyPremisesOfEta, EventMoveNotifyPremisesOfArrivalIn30Mins, EventMoveCollectionByEscort,
	EventMoveCrossSupplierDropOff, EventMoveCrossSupplierPickUp, EventPersonMoveBookedIntoReceivingEstablishment,
}

// seedRefs knows the locations and the move the seed's examples point at.
func seedRefs() fakeRefs {
	f := fakeRefs{locs: map[string]Location{}, moves: map[string]bool{"f8b042a9-96ed-4e08-8cf4-25c089fd095e": true}}
	for _, id := range []string{
		"0459732f-0794-4807-b345-36a490224efe", // MoveRedirect to_location (a court)
		"deb9ae4c-39f4-40ab-a1a7-2a88bd7fbad4", // MoveLockout from_location
		"6f807f8e-be9e-4b19-96cb-5f52d9f96230", // MoveLodgingStart location
		"752b83ce-1da7-4fff-9a8b-6696250b2736", // MoveLodgingEnd location
		"3f7d60e0-c2a2-4547-a79f-3d1e16bd8cfa", // PersonMoveBookedIntoReceivingEstablishment location
	} {
		f.locs[id] = loc(id, LocCourt)
	}
	return f
}

type jsonAPIEvent struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			OccurredAt string         `json:"occurred_at"`
			RecordedAt string         `json:"recorded_at"`
			Notes      string         `json:"notes"`
			Details    map[string]any `json:"details"`
			EventType  string         `json:"event_type"`
		} `json:"attributes"`
		Relationships map[string]struct {
			Data struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"data"`
		} `json:"relationships"`
	} `json:"data"`
}

// decodeEvent turns a JSON:API request body into an Event the way the API
// does: the eventable is the move, every other relationship goes to Rels
// whatever type it claims, and timestamps must carry a zone.
func decodeEvent(t *testing.T, body []byte) Event {
	t.Helper()
	var doc jsonAPIEvent
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	a := doc.Data.Attributes
	e := Event{Type: EventType(a.EventType), Notes: a.Notes, Details: a.Details, Rels: map[string]string{}}
	var err error
	if e.OccurredAt, err = ParseTimestamp(a.OccurredAt); err != nil {
		t.Fatalf("occurred_at %q: %v", a.OccurredAt, err)
	}
	if e.RecordedAt, err = ParseTimestamp(a.RecordedAt); err != nil {
		t.Fatalf("recorded_at %q: %v", a.RecordedAt, err)
	}
	for name, rel := range doc.Data.Relationships {
		if name == "eventable" {
			if rel.Data.Type != "moves" {
				t.Fatalf("eventable type %q", rel.Data.Type)
			}
			e.MoveID = rel.Data.ID
			continue
		}
		e.Rels[name] = rel.Data.ID
	}
	return e
}

func loadSeedExamples(t *testing.T) map[EventType]Event {
	t.Helper()
	files, err := filepath.Glob("testdata/seed-examples/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed examples: %v", err)
	}
	out := map[EventType]Event{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e := decodeEvent(t, body)
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); string(e.Type) != name {
			t.Fatalf("%s holds a %s example", f, e.Type)
		}
		out[e.Type] = e
	}
	return out
}

func TestSeedTypesInCatalogue(t *testing.T) {
	for _, et := range seedTypes {
		sp, ok := SpecFor(et)
		if !ok {
			t.Errorf("%s missing from the catalogue", et)
			continue
		}
		if sp.Creation || sp.Description == "" {
			t.Errorf("%s: spec %+v", et, sp)
		}
	}
}

func TestSeedExamplesAccepted(t *testing.T) {
	examples := loadSeedExamples(t)
	for _, et := range seedTypes {
		if et == EventMoveNotifySupplierOfMoveRequest {
			continue // the seed gives no example
		}
		e, ok := examples[et]
		if !ok {
			t.Errorf("no example file for %s", et)
			continue
		}
		if fe := ValidateEvent(e, seedRefs()); len(fe) > 0 {
			t.Errorf("%s example refused: %+v", et, fe)
		}
	}
	if len(examples) != len(seedTypes)-1 {
		t.Errorf("%d example files; want %d", len(examples), len(seedTypes)-1)
	}
}

func TestSeedPreviousMoveWithWrongTypeTolerated(t *testing.T) {
	body, err := os.ReadFile("testdata/seed-examples/MoveCrossSupplierPickUp.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"type": "locations"`) {
		t.Fatal("the example no longer shows the seed's mistake")
	}
	e := decodeEvent(t, body)
	if fe := ValidateEvent(e, seedRefs()); len(fe) > 0 {
		t.Errorf("refused: %+v", fe)
	}
}

// breakRule is one validation rule of the seed, broken on its own.
type breakRule struct {
	et    EventType
	name  string
	apply func(e *Event)
	field string
	code  string
}

func setDetail(k string, v any) func(*Event) { return func(e *Event) { e.Details[k] = v } }
func dropDetail(k string) func(*Event)       { return func(e *Event) { delete(e.Details, k) } }
func setRel(k, v string) func(*Event)        { return func(e *Event) { e.Rels[k] = v } }
func dropRel(k string) func(*Event)          { return func(e *Event) { delete(e.Rels, k) } }

func seedRules() []breakRule {
	var rules []breakRule
	add := func(et EventType, name string, f func(*Event), field, code string) {
		rules = append(rules, breakRule{et, name, f, field, code})
	}
	add(EventMoveApprove, "no date", dropDetail("date"), "date", "blank")
	add(EventMoveApprove, "empty date", setDetail("date", ""), "date", "blank")
	add(EventMoveApprove, "month 13", setDetail("date", "2020-13-01"), "date", "invalid")
	add(EventMoveApprove, "30 February", setDetail("date", "2020-02-30"), "date", "invalid")
	add(EventMoveApprove, "UK order", setDetail("date", "16/06/2020"), "date", "invalid")
	add(EventMoveApprove, "date-time", setDetail("date", "2020-06-16T10:00:00Z"), "date", "invalid")
	add(EventMoveApprove, "number", setDetail("date", 20200616.0), "date", "invalid")
	add(EventMoveApprove, "create_in_nomis string", setDetail("create_in_nomis", "true"), "create_in_nomis", "invalid")

	add(EventMoveReject, "no reason", dropDetail("rejection_reason"), "rejection_reason", "blank")
	add(EventMoveReject, "unknown reason", setDetail("rejection_reason", "bored"), "rejection_reason", "inclusion")
	add(EventMoveReject, "rebook string", setDetail("rebook", "false"), "rebook", "invalid")

	add(EventMoveCancel, "no reason", dropDetail("cancellation_reason"), "cancellation_reason", "blank")
	add(EventMoveCancel, "unknown reason", setDetail("cancellation_reason", "weather"), "cancellation_reason", "inclusion")
	add(EventMoveCancel, "legacy reason", setDetail("cancellation_reason", "database_correction"), "cancellation_reason", "inclusion")

	add(EventMoveRedirect, "no to_location", dropRel("to_location"), "to_location", "blank")
	add(EventMoveRedirect, "unknown to_location", setRel("to_location", "nowhere"), "to_location", "not_found")
	add(EventMoveRedirect, "unknown reason", setDetail("reason", "whim"), "reason", "inclusion")
	add(EventMoveRedirect, "unknown move_type", setDetail("move_type", "teleport"), "move_type", "inclusion")

	add(EventMoveLockout, "no from_location", dropRel("from_location"), "from_location", "blank")
	add(EventMoveLockout, "unknown from_location", setRel("from_location", "nowhere"), "from_location", "not_found")
	add(EventMoveLockout, "unknown reason", setDetail("reason", "snow"), "reason", "inclusion")
	add(EventMoveLockout, "authorised_at without zone", setDetail("authorised_at", "2020-12-03T10:51:30"), "authorised_at", "invalid")
	add(EventMoveLockout, "no authorised_by", dropDetail("authorised_by"), "authorised_by", "blank")
	add(EventMoveLockout, "unknown authoriser", setDetail("authorised_by", "pmu"), "authorised_by", "inclusion")

	add(EventMoveLodgingStart, "no location", dropRel("location"), "location", "blank")
	add(EventMoveLodgingStart, "unknown location", setRel("location", "nowhere"), "location", "not_found")
	add(EventMoveLodgingStart, "no reason", dropDetail("reason"), "reason", "blank")
	add(EventMoveLodgingStart, "unknown reason", setDetail("reason", "holiday"), "reason", "inclusion")

	add(EventMoveLodgingEnd, "no location", dropRel("location"), "location", "blank")
	add(EventMoveLodgingEnd, "unknown location", setRel("location", "nowhere"), "location", "not_found")

	for _, et := range []EventType{EventMoveOperationSafeguard, EventMoveOperationTornado, EventMoveOperationHmcts} {
		add(et, "authorised_at without zone", setDetail("authorised_at", "2020-12-03T10:51:29"), "authorised_at", "invalid")
		add(et, "authorised_at a date", setDetail("authorised_at", "2020-12-03"), "authorised_at", "invalid")
		add(et, "no authorised_by", dropDetail("authorised_by"), "authorised_by", "blank")
		add(et, "unknown authoriser", setDetail("authorised_by", "Bob"), "authorised_by", "inclusion")
	}

	for _, et := range []EventType{EventMoveNotifyPremisesOfExpectedCollectionTime, EventMoveNotifyPremisesOfEta} {
		add(et, "no expected_at", dropDetail("expected_at"), "expected_at", "blank")
		add(et, "expected_at without zone", setDetail("expected_at", "2020-06-16T10:20:30"), "expected_at", "invalid")
		add(et, "expected_at nonsense", setDetail("expected_at", "soon"), "expected_at", "invalid")
	}

	add(EventMoveCollectionByEscort, "no vehicle_type", dropDetail("vehicle_type"), "vehicle_type", "blank")
	add(EventMoveCollectionByEscort, "unknown vehicle_type", setDetail("vehicle_type", "bicycle"), "vehicle_type", "inclusion")

	add(EventMoveCrossSupplierPickUp, "no previous_move", dropRel("previous_move"), "previous_move", "blank")
	add(EventMoveCrossSupplierPickUp, "unknown previous_move", setRel("previous_move", "nothing"), "previous_move", "not_found")
	add(EventMoveCrossSupplierPickUp, "a location as previous_move", setRel("previous_move", "3f7d60e0-c2a2-4547-a79f-3d1e16bd8cfa"), "previous_move", "not_found")
	add(EventMoveCrossSupplierPickUp, "itself as previous_move", func(e *Event) { e.Rels["previous_move"] = e.MoveID }, "previous_move", "invalid")

	add(EventPersonMoveBookedIntoReceivingEstablishment, "no supplier_personnel_number", dropDetail("supplier_personnel_number"), "supplier_personnel_number", "blank")
	add(EventPersonMoveBookedIntoReceivingEstablishment, "no location", dropRel("location"), "location", "blank")
	add(EventPersonMoveBookedIntoReceivingEstablishment, "unknown location", setRel("location", "nowhere"), "location", "not_found")

	// Rules every event shares.
	for _, et := range seedTypes {
		if et == EventMoveNotifySupplierOfMoveRequest {
			continue
		}
		add(et, "no occurred_at", func(e *Event) { e.OccurredAt = time.Time{} }, "occurred_at", "blank")
		add(et, "no recorded_at", func(e *Event) { e.RecordedAt = time.Time{} }, "recorded_at", "blank")
	}
	add(EventMoveAccept, "unknown type", func(e *Event) { e.Type = "MoveAccepted" }, "event_type", "inclusion")
	add(EventMoveAccept, "no type", func(e *Event) { e.Type = "" }, "event_type", "blank")
	return rules
}

func TestSeedRulesBrokenOneAtATime(t *testing.T) {
	examples := loadSeedExamples(t)
	refs := seedRefs()
	covered := map[EventType]bool{}
	for _, r := range seedRules() {
		t.Run(string(r.et)+"/"+r.name, func(t *testing.T) {
			e := cloneEvents([]Event{examples[r.et]})[0]
			r.apply(&e)
			fe := ValidateEvent(e, refs)
			if len(fe) != 1 {
				t.Fatalf("errors %+v; want one on %s", fe, r.field)
			}
			if fe[0].Field != r.field || fe[0].Code != r.code {
				t.Fatalf("error %+v; want field %s code %s", fe[0], r.field, r.code)
			}
			if !strings.Contains(fe[0].Message, r.field) {
				t.Errorf("message %q does not name %s", fe[0].Message, r.field)
			}
		})
		covered[r.et] = true
	}
	// Every seed type with a required detail or relationship has a rule.
	for _, sp := range Catalogue() {
		if !slices.Contains(seedTypes, sp.Type) {
			continue
		}
		needs := len(sp.Rels) > 0
		for _, d := range sp.Details {
			needs = needs || d.Required || d.Kind != KindString
		}
		if needs && !covered[sp.Type] {
			t.Errorf("%s has rules but no broken case", sp.Type)
		}
	}
}

func TestEnumMessage(t *testing.T) {
	e := validEvent(EventMoveReject)
	e.Details["rejection_reason"] = "bored"
	fe := ValidateEvent(e, world())
	want := "rejection_reason must be one of no_space_at_receiving_prison, no_transport_available, more_info_required"
	if fe.For("rejection_reason") != want {
		t.Errorf("message %q", fe.For("rejection_reason"))
	}
}

func TestEveryCatalogueFixtureValid(t *testing.T) {
	for _, sp := range Catalogue() {
		if fe := ValidateEvent(validEvent(sp.Type), world()); len(fe) > 0 {
			t.Errorf("%s: %+v", sp.Type, fe)
		}
	}
}

func TestCancellationReasonsUnion(t *testing.T) {
	for _, r := range []string{"made_in_error", "supplier_declined_to_move", "cancelled_by_pmu", "rejected", "other"} {
		if !slices.Contains(CancellationReasons, r) {
			t.Errorf("seed reason %s missing", r)
		}
	}
	for _, mt := range MoveTypes {
		offered := CancellationReasonsFor(mt)
		if len(offered) == 0 || offered[len(offered)-1] != "other" {
			t.Errorf("%s: reasons %v must end with other", mt, offered)
		}
		for _, r := range offered {
			if !slices.Contains(CancellationReasons, r) {
				t.Errorf("%s offers %s, which the API would refuse", mt, r)
			}
		}
	}
	pt := CancellationReasonsFor(PrisonTransfer)
	court := CancellationReasonsFor(CourtAppearance)
	if !slices.Contains(pt, "cancelled_by_pmu") || slices.Contains(pt, "court_closure") {
		t.Errorf("prison transfer reasons %v", pt)
	}
	if !slices.Contains(court, "court_closure") || slices.Contains(court, "cancelled_by_pmu") {
		t.Errorf("court reasons %v", court)
	}
	pt[0] = "mutated"
	if CancellationReasonsFor(PrisonTransfer)[0] == "mutated" {
		t.Error("CancellationReasonsFor hands out its own slice")
	}
}

func TestEveryListedValueHasALabel(t *testing.T) {
	lists := []struct {
		name   string
		keys   []string
		labels map[string]string
	}{
		{"cancellation", CancellationReasons, CancellationReasonLabels},
		{"rejection", RejectionReasons, RejectionReasonLabels},
		{"redirect", RedirectReasons, RedirectReasonLabels},
		{"lockout", LockoutReasons, LockoutReasonLabels},
		{"lodging", LodgingReasons, LodgingReasonLabels},
		{"vehicle", VehicleTypes, VehicleTypeLabels},
		{"authoriser", Authorisers, AuthoriserLabels},
		{"date changed", DateChangedReasons, DateChangedReasonLabels},
		{"fault", FaultClassifications, FaultClassificationLabels},
		{"gender", Genders, GenderLabels},
	}
	for _, l := range lists {
		if len(l.keys) != len(l.labels) {
			t.Errorf("%s: %d keys, %d labels", l.name, len(l.keys), len(l.labels))
		}
		for _, k := range l.keys {
			if l.labels[k] == "" {
				t.Errorf("%s: %s has no label", l.name, k)
			}
		}
	}
	if Label(CancellationReasonLabels, "database_correction") != "Database correction" {
		t.Error("unlabelled keys should read as words")
	}
	if StatusInTransit.Label() != "In transit" || PrisonTransfer.Label() != "Prison transfer" || LocYOI.Label() != "Young offender institution" {
		t.Error("type labels")
	}
}

func TestCatalogueIsACopy(t *testing.T) {
	c := Catalogue()
	c[0].Type = "Changed"
	sp, _ := SpecFor(EventMoveReject)
	sp.Details[0].Values[0] = "changed"
	if Catalogue()[0].Type == "Changed" {
		t.Error("Catalogue shares its slice")
	}
	again, _ := SpecFor(EventMoveReject)
	if again.Details[0].Values[0] == "changed" || RejectionReasons[0] == "changed" {
		t.Error("SpecFor shares its values")
	}
	if _, ok := SpecFor("Nope"); ok {
		t.Error("unknown type found")
	}
}

func TestCatalogueShape(t *testing.T) {
	wantRels := map[EventType]RelSpec{
		EventMoveRedirect:                               {Name: "to_location", Kind: "locations", Required: true},
		EventMoveLockout:                                {Name: "from_location", Kind: "locations", Required: true},
		EventMoveLodgingStart:                           {Name: "location", Kind: "locations", Required: true},
		EventMoveLodgingEnd:                             {Name: "location", Kind: "locations", Required: true},
		EventMoveCrossSupplierPickUp:                    {Name: "previous_move", Kind: "moves", Required: true},
		EventPersonMoveBookedIntoReceivingEstablishment: {Name: "location", Kind: "locations", Required: true},
	}
	seen := map[EventType]bool{}
	for _, sp := range Catalogue() {
		if seen[sp.Type] {
			t.Errorf("%s twice", sp.Type)
		}
		seen[sp.Type] = true
		if sp.Description == "" || !strings.HasSuffix(sp.Description, ".") {
			t.Errorf("%s: description %q", sp.Type, sp.Description)
		}
		if sp.Creation != (sp.Type == EventMoveProposed || sp.Type == EventMoveRequested) {
			t.Errorf("%s: Creation %v", sp.Type, sp.Creation)
		}
		_, changes := statusChanges[sp.Type]
		wantStatus := changes && !sp.Creation && sp.Type != EventMoveRedirect && sp.Type != EventMoveLockout && sp.Type != EventMoveDateChanged && sp.Type != EventMoveResubmit && !sp.Type.IsChange()
		if sp.ChangesStatus != wantStatus || sp.ChangesMove != (changes && !sp.Creation) {
			t.Errorf("%s: ChangesStatus %v ChangesMove %v", sp.Type, sp.ChangesStatus, sp.ChangesMove)
		}
		wantClass := ClassDefault
		if strings.HasPrefix(string(sp.Type), "PersonMove") && !slices.Contains([]EventType{
			EventPersonMoveBookedIntoReceivingEstablishment, EventPersonMoveVehicleBrokeDown, EventPersonMoveVehicleSystemsFailed,
		}, sp.Type) {
			wantClass = ClassIncident
		}
		switch sp.Type {
		case EventPerViolentDangerous, EventPerWeapons, EventPerConcealed, EventPerSelfHarm, EventPerEscape:
			wantClass = ClassIncident
		case EventPerMedicalAid, EventPerMedicalDrugsAlcohol, EventPerMedicalMedication, EventPerMedicalMentalHealth:
			wantClass = ClassMedical
		}
		if sp.Class != wantClass {
			t.Errorf("%s: class %s; want %s", sp.Type, sp.Class, wantClass)
		}
		if r, ok := wantRels[sp.Type]; ok && (len(sp.Rels) != 1 || sp.Rels[0] != r) {
			t.Errorf("%s: rels %+v", sp.Type, sp.Rels)
		}
		for _, d := range sp.Details {
			if (d.Kind == KindEnum) != (len(d.Values) > 0) {
				t.Errorf("%s.%s: kind %s with values %v", sp.Type, d.Key, d.Kind, d.Values)
			}
		}
	}
}

func TestMoveDateChanged(t *testing.T) {
	refs := world()
	cases := []struct {
		name  string
		f     func(*Event)
		field string
	}{
		{"valid", func(*Event) {}, ""},
		{"with reason", setDetail("date_changed_reason", "tornado_event"), ""},
		{"no date", dropDetail("date"), "date"},
		{"date-time", setDetail("date", "2026-03-07T00:00:00Z"), "date"},
		{"not a date", setDetail("date", "2026-02-29"), "date"},
		{"unknown reason", setDetail("date_changed_reason", "fancied it"), "date_changed_reason"},
	}
	for _, c := range cases {
		e := validEvent(EventMoveDateChanged)
		c.f(&e)
		fe := ValidateEvent(e, refs)
		if c.field == "" && len(fe) > 0 || c.field != "" && (len(fe) != 1 || fe[0].Field != c.field) {
			t.Errorf("%s: %+v", c.name, fe)
		}
	}
}

func TestIncidentDetails(t *testing.T) {
	refs := world()
	type tc struct {
		name  string
		et    EventType
		f     func(*Event)
		field string
		code  string
	}
	var cases []tc
	for _, et := range []EventType{EventPersonMoveAssault, EventPersonMoveUsedForce, EventPersonMoveDeathInCustody} {
		cases = append(cases,
			tc{"bare", et, func(*Event) {}, "", ""},
			tc{"everything", et, func(e *Event) {
				e.Details["supplier_personnel_numbers"] = []any{"S1", "S2"}
				e.Details["police_personnel_numbers"] = "P1"
				e.Details["vehicle_reg"] = "AB12 CDE"
				e.Details["reported_at"] = "2026-03-02T09:00:00+01:00"
				e.Details["fault_classification"] = "investigation"
				e.Rels["location"] = "police-1"
			}, "", ""},
			tc{"fault unknown", et, setDetail("fault_classification", "nobody"), "fault_classification", "inclusion"},
			tc{"reported_at without zone", et, setDetail("reported_at", "2026-03-02T09:00:00"), "reported_at", "invalid"},
			tc{"personnel number list with a number", et, setDetail("supplier_personnel_numbers", []any{"S1", 2.0}), "supplier_personnel_numbers", "invalid"},
			tc{"personnel number object", et, setDetail("police_personnel_numbers", map[string]any{"a": "b"}), "police_personnel_numbers", "invalid"},
			tc{"unknown location", et, setRel("location", "nowhere"), "location", "not_found"},
		)
	}
	cases = append(cases,
		tc{"accident needs a vehicle", EventPersonMoveRoadTrafficAccident, dropDetail("vehicle_reg"), "vehicle_reg", "blank"},
		tc{"assault does not", EventPersonMoveAssault, dropDetail("vehicle_reg"), "", ""},
		tc{"breakdown needs a vehicle", EventPersonMoveVehicleBrokeDown, dropDetail("vehicle_reg"), "vehicle_reg", "blank"},
		tc{"breakdown needs reported_at", EventPersonMoveVehicleBrokeDown, dropDetail("reported_at"), "reported_at", "blank"},
		tc{"systems failure may omit reported_at", EventPersonMoveVehicleSystemsFailed, dropDetail("reported_at"), "", ""},
		tc{"breakdown needs a place", EventPersonMoveVehicleBrokeDown, dropDetail("postcode"), "postcode", "blank"},
		tc{"a description will do", EventPersonMoveVehicleBrokeDown, func(e *Event) {
			delete(e.Details, "postcode")
			e.Details["location_description"] = "M6 southbound, junction 19"
		}, "", ""},
		tc{"bad postcode", EventPersonMoveVehicleSystemsFailed, setDetail("postcode", "M6 J19"), "postcode", "invalid"},
		tc{"partial postcode", EventPersonMoveVehicleSystemsFailed, setDetail("postcode", "SW1H"), "postcode", "invalid"},
	)
	for _, c := range cases {
		e := validEvent(c.et)
		c.f(&e)
		fe := ValidateEvent(e, refs)
		if c.field == "" {
			if len(fe) > 0 {
				t.Errorf("%s %s: %+v", c.et, c.name, fe)
			}
			continue
		}
		if len(fe) != 1 || fe[0].Field != c.field || fe[0].Code != c.code {
			t.Errorf("%s %s: %+v; want %s %s", c.et, c.name, fe, c.field, c.code)
		}
	}
	e := validEvent(EventPersonMoveAssault)
	e.Details["supplier_personnel_numbers"] = []any{"S1", "S2"}
	e.Details["police_personnel_numbers"] = "P1"
	if got := e.Strs("supplier_personnel_numbers"); !slices.Equal(got, []string{"S1", "S2"}) {
		t.Errorf("Strs list = %v", got)
	}
	if got := e.Strs("police_personnel_numbers"); !slices.Equal(got, []string{"P1"}) {
		t.Errorf("Strs single = %v", got)
	}
}

func TestValidateEventNilRefs(t *testing.T) {
	fe := ValidateEvent(validEvent(EventMoveRedirect), nil)
	if !fe.Has("to_location") {
		t.Error("nil refs must not vouch for a location")
	}
	fe = ValidateEvent(validEvent(EventMoveCrossSupplierPickUp), nil)
	if !fe.Has("previous_move") {
		t.Error("nil refs must not vouch for a move")
	}
}

func TestOptionalBlankValuesAreAbsent(t *testing.T) {
	e := validEvent(EventMoveRedirect)
	e.Details["reason"] = ""
	e.Details["move_type"] = nil
	if fe := ValidateEvent(e, world()); len(fe) > 0 {
		t.Errorf("blank optional values refused: %+v", fe)
	}
	e = validEvent(EventMoveReject)
	e.Details["rejection_reason"] = "   "
	if fe := ValidateEvent(e, world()); !fe.Has("rejection_reason") {
		t.Error("spaces passed for a required detail")
	}
}

func TestNormalizeDetails(t *testing.T) {
	in := map[string]any{
		"rejection_reason":            "no_transport_available",
		"cancellation_reason_comment": "",
		"rebook":                      false,
		"location_id":                 "x",
		"extra":                       1.0,
		"cancellation_reason":         nil,
	}
	got := NormalizeDetails(EventMoveReject, in)
	want := map[string]any{"rejection_reason": "no_transport_available", "rebook": false}
	if len(got) != len(want) || got["rejection_reason"] != want["rejection_reason"] || got["rebook"] != false {
		t.Errorf("got %v; want %v", got, want)
	}
	if got := NormalizeDetails("Nope", in); got == nil || len(got) != 0 {
		t.Errorf("unknown type: %v", got)
	}
	if got := NormalizeDetails(EventMoveStart, nil); got == nil || len(got) != 0 {
		t.Errorf("nil details: %v", got)
	}
}
