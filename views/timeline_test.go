package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
)

var tlNames = TimelineNames{
	Locations: map[string]string{
		"loc-leeds":     "HMP Leeds",
		"loc-southwark": "Southwark Crown Court",
		"loc-other":     "HMP Brixton",
	},
	Suppliers:    map[string]string{"sup-serco": "Serco", "sup-geo": "GEOAmey"},
	Users:        map[string]string{"pmu": "Priya Sharma"},
	Moves:        map[string]string{"move-prev": "ABC1234D", "move-other": "XYZ9876W"},
	MoveSupplier: "Serco",
	Journeys:     map[string]TimelineJourney{"j-1": {Number: 2, FromID: "loc-leeds", ToID: "loc-southwark"}},
}

var tlAt = time.Date(2020, 12, 3, 10, 51, 28, 0, time.UTC)

// tlSample gives a detail a valid value; alt gives it another, so a test
// can see that the value changes the sentence.
func tlSample(d moves.DetailSpec, alt bool) any {
	pick := func(a, b any) any {
		if alt {
			return b
		}
		return a
	}
	switch d.Kind {
	case moves.KindEnum:
		if alt && len(d.Values) > 1 {
			return d.Values[1]
		}
		return d.Values[0]
	case moves.KindDate:
		return pick("2026-11-27", "2026-12-04")
	case moves.KindDateTime:
		return pick("2020-12-03T12:20:30+00:00", "2020-12-04T08:05:00+00:00")
	case moves.KindBool:
		return pick(true, false)
	case moves.KindStringList:
		return pick([]any{"PN123"}, []any{"PN456", "PN789"})
	case moves.KindPostcode:
		return pick("LS1 4AP", "SW1H 9AJ")
	}
	words := strings.ReplaceAll(d.Key, "_", " ")
	return pick("Sample "+words, "Other "+words)
}

func tlRelSample(r moves.RelSpec, alt bool) string {
	if r.Kind == "moves" {
		if alt {
			return "move-other"
		}
		return "move-prev"
	}
	if alt {
		return "loc-other"
	}
	return "loc-leeds"
}

// tlEvent is an event of spec's type with every detail and relationship
// filled in.
func tlEvent(spec moves.EventSpec) moves.Event {
	e := moves.Event{ID: "ev-1", Type: spec.Type, MoveID: "move-1", OccurredAt: tlAt, RecordedAt: tlAt, CreatedBy: "pmu",
		Applied: true, Details: map[string]any{}, Rels: map[string]string{}}
	switch sub, _ := moves.SubjectOf(spec.Type); sub {
	case moves.SubjectJourney:
		e.JourneyID = "j-1"
	case moves.SubjectLodging:
		e.LodgingID = "l-1"
	}
	for _, d := range spec.Details {
		e.Details[d.Key] = tlSample(d, false)
	}
	for _, r := range spec.Rels {
		e.Rels[r.Name] = tlRelSample(r, false)
	}
	return e
}

func tlClone(e moves.Event) moves.Event {
	c := e
	c.Details = map[string]any{}
	for k, v := range e.Details {
		c.Details[k] = v
	}
	c.Rels = map[string]string{}
	for k, v := range e.Rels {
		c.Rels[k] = v
	}
	return c
}

// Every event type in the catalogue has its own heading and a sentence
// that uses each of its details and relationships: changing any one of
// them changes the sentence.
func TestTimelineDescribesEveryCatalogueType(t *testing.T) {
	all := append(moves.Catalogue(), moves.JourneyCatalogue()...)
	for _, spec := range append(all, moves.LodgingCatalogue()...) {
		t.Run(string(spec.Type), func(t *testing.T) {
			e := tlEvent(spec)
			got := DescribeEvent(e, tlNames)
			if got.Heading == "" || got.Sentence == "" {
				t.Fatalf("heading %q, sentence %q: want both", got.Heading, got.Sentence)
			}
			_, own := timelineHeadings[spec.Type]
			_, change := changeHeadings[spec.Type]
			if _, road := roadHeadings[spec.Type]; !own && !road && !change {
				t.Errorf("no heading of its own (fell back to %q)", got.Heading)
			}
			if strings.Contains(got.Sentence, "Recorded as") {
				t.Errorf("sentence %q is the fallback for unknown types", got.Sentence)
			}
			if strings.Contains(got.Sentence, "_") {
				t.Errorf("sentence %q shows a raw key", got.Sentence)
			}
			if !strings.HasSuffix(got.Sentence, ".") {
				t.Errorf("sentence %q does not end with a full stop", got.Sentence)
			}
			if got.When != "10:51 on Thursday 3 December 2020" {
				t.Errorf("When = %q", got.When)
			}
			if got.RecordedBy != "Priya Sharma" {
				t.Errorf("RecordedBy = %q, want the user's full name", got.RecordedBy)
			}
			for _, d := range spec.Details {
				alt := tlClone(e)
				alt.Details[d.Key] = tlSample(d, true)
				if a := DescribeEvent(alt, tlNames).Sentence; a == got.Sentence {
					t.Errorf("detail %s is not used: %q either way", d.Key, a)
				}
				if !d.Required {
					without := tlClone(e)
					delete(without.Details, d.Key)
					w := DescribeEvent(without, tlNames)
					if w.Sentence == got.Sentence {
						t.Errorf("optional detail %s makes no difference: %q", d.Key, w.Sentence)
					}
					if w.Sentence == "" || strings.Contains(w.Sentence, "  ") {
						t.Errorf("without %s the sentence reads badly: %q", d.Key, w.Sentence)
					}
				}
			}
			for _, r := range spec.Rels {
				alt := tlClone(e)
				alt.Rels[r.Name] = tlRelSample(r, true)
				if a := DescribeEvent(alt, tlNames).Sentence; a == got.Sentence {
					t.Errorf("relationship %s is not used: %q either way", r.Name, a)
				}
			}
			wantIncident := spec.Class == moves.ClassIncident
			if got.Incident != wantIncident || tlHasTag(got, "Incident") != wantIncident {
				t.Errorf("incident = %v (tag %v), want %v", got.Incident, tlHasTag(got, "Incident"), wantIncident)
			}
		})
	}
}

// The wordings people read, for the events that matter most.
func TestTimelineSentences(t *testing.T) {
	tests := []struct {
		typ      moves.EventType
		details  map[string]any
		rels     map[string]string
		supplier string
		heading  string
		sentence string
	}{
		{moves.EventMoveRedirect, map[string]any{"reason": "no_space"}, map[string]string{"to_location": "loc-leeds"}, "",
			"Move redirected", "Redirected to HMP Leeds because there was no space."},
		{moves.EventMoveRedirect, map[string]any{"reason": "other", "move_type": "prison_remand"}, map[string]string{"to_location": "loc-leeds"}, "",
			"Move redirected", "Redirected to HMP Leeds for another reason. The move type is now prison remand."},
		{moves.EventMoveLockout, map[string]any{"reason": "no_space", "authorised_by": "PMU"}, map[string]string{"from_location": "loc-southwark"}, "",
			"Lockout", "Locked out of Southwark Crown Court because there was no space; authorised by PMU."},
		{moves.EventMoveCollectionByEscort, map[string]any{"vehicle_type": "pro_cab"}, nil, "sup-serco",
			"Collected by escort", "Handed over to the escort in a pro cab."},
		{moves.EventMoveNotifyPremisesOfEta, map[string]any{"expected_at": "2020-12-03T12:20:30+00:00"}, nil, "sup-geo",
			"Expected arrival time", "GEOAmey expects to arrive at the destination at 12:20 on Thursday 3 December 2020."},
		{moves.EventMoveNotifyPremisesOfExpectedCollectionTime, map[string]any{"expected_at": "2020-06-16T10:20:30+01:00"}, nil, "",
			"Expected collection time", "Serco expects to collect the person at 10:20 on Tuesday 16 June 2020."},
		{moves.EventPersonMoveBookedIntoReceivingEstablishment, map[string]any{"supplier_personnel_number": "SP-1"}, map[string]string{"location": "loc-leeds"}, "",
			"Booked into the receiving prison", "Booked into HMP Leeds before leaving court, by supplier staff number SP-1."},
		{moves.EventPersonMoveAssault, map[string]any{"fault_classification": "investigation", "reported_at": "2020-12-03T10:55:00Z"}, map[string]string{"location": "loc-leeds"}, "",
			"Assault", "An assault happened during the move at HMP Leeds. Reported at 10:55 on Thursday 3 December 2020. Fault: Under investigation."},
		{moves.EventMoveApprove, map[string]any{"date": "2026-11-27"}, nil, "",
			"Move approved", "Approved for Friday 27 November 2026 and requested with Serco."},
		{moves.EventMoveReject, map[string]any{"rejection_reason": "no_space_at_receiving_prison", "rebook": true}, nil, "",
			"Request rejected", "Reason: No space at the receiving prison. It will be proposed again 7 days later."},
		{moves.EventMoveCancel, map[string]any{"cancellation_reason": "made_in_error", "cancellation_reason_comment": "It was a mistake"}, nil, "",
			"Move cancelled", "Reason: Made in error. More information: It was a mistake."},
		{moves.EventMoveDateChanged, map[string]any{"date": "2026-12-04"}, nil, "",
			"Move date changed", "The move date is now Friday 4 December 2026."},
		{moves.EventMoveAccept, nil, nil, "sup-geo", "Move booked", "GEOAmey accepted the move."},
	}
	for _, tt := range tests {
		e := moves.Event{ID: "e", Type: tt.typ, OccurredAt: tlAt, RecordedAt: tlAt, Details: tt.details, Rels: tt.rels,
			SupplierID: tt.supplier, Applied: true}
		got := DescribeEvent(e, tlNames)
		if got.Heading != tt.heading || got.Sentence != tt.sentence {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tt.typ, got.Heading, got.Sentence, tt.heading, tt.sentence)
		}
	}
}

// A move can pass to another supplier (approved for, or moved to, a date
// on which another serves its from-location): each entry that names a
// supplier names the one of its own time, kept on the event, and the
// move's supplier now (tlNames: Serco) only for an event written before
// that was kept.
func TestTimelineNamesTheSupplierOfItsTime(t *testing.T) {
	tests := []struct {
		name     string
		e        moves.Event
		sentence string
	}{
		{"requested with the supplier of its time",
			moves.Event{Type: moves.EventMoveRequested, CreatedBy: "pmu", MoveSupplierID: "sup-geo"},
			"The move was requested with GEOAmey."},
		{"requested, written before the supplier was kept",
			moves.Event{Type: moves.EventMoveRequested, CreatedBy: "pmu"},
			"The move was requested with Serco."},
		{"request sent to the supplier told, recorded by the service",
			moves.Event{Type: moves.EventMoveNotifySupplierOfMoveRequest, CreatedBy: moves.SystemActor, MoveSupplierID: "sup-geo"},
			"GEOAmey was sent the move request."},
		{"request sent, written before the supplier was kept",
			moves.Event{Type: moves.EventMoveNotifySupplierOfMoveRequest, CreatedBy: moves.SystemActor},
			"Serco was sent the move request."},
		{"approved and requested with the supplier of the approved date",
			moves.Event{Type: moves.EventMoveApprove, CreatedBy: "pmu", Details: map[string]any{"date": "2026-12-01"}, MoveSupplierID: "sup-geo"},
			"Approved for Tuesday 1 December 2026 and requested with GEOAmey."},
		{"accepted on the supplier's behalf by PMU",
			moves.Event{Type: moves.EventMoveAccept, CreatedBy: "pmu", MoveSupplierID: "sup-geo"},
			"GEOAmey accepted the move."},
		{"accepted by the supplier's own client",
			moves.Event{Type: moves.EventMoveAccept, CreatedBy: "GEOAmey", SupplierID: "sup-geo"},
			"GEOAmey accepted the move."},
		{"set off, recorded by PMU before the supplier was kept",
			moves.Event{Type: moves.EventMoveStart, CreatedBy: "pmu"},
			"Serco set off with the person."},
		{"arriving in 30 minutes, recorded by an internal client",
			moves.Event{Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, CreatedBy: "internal", MoveSupplierID: "sup-geo"},
			"GEOAmey told the destination that the vehicle is 30 minutes away."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.ID, e.OccurredAt, e.RecordedAt, e.Applied = "e", tlAt, tlAt, true
			if got := DescribeEvent(e, tlNames).Sentence; got != tt.sentence {
				t.Errorf("got  %q\nwant %q", got, tt.sentence)
			}
		})
	}
}

// The store keeps the move's supplier on exactly the events whose entry
// names it (moves.KeepsMoveSupplier): an entry that names the move's
// supplier is worded from the one kept, and one that does not keep it
// does not name the move's supplier.
func TestTimelineKeepsTheSupplierItNames(t *testing.T) {
	now := tlNames
	now.MoveSupplier = "Serco"
	for _, spec := range moves.Catalogue() {
		t.Run(string(spec.Type), func(t *testing.T) {
			e := tlEvent(spec)
			other := now
			other.MoveSupplier = "Supplier Now"
			names := DescribeEvent(e, now).Sentence != DescribeEvent(e, other).Sentence
			if keeps := moves.KeepsMoveSupplier(e); keeps != names {
				t.Fatalf("the entry names the move's supplier: %v; the store keeps it: %v", names, keeps)
			}
			if !names {
				return
			}
			e.MoveSupplierID = "sup-geo"
			if got := DescribeEvent(e, now).Sentence; !strings.Contains(got, "GEOAmey") || strings.Contains(got, "Serco") {
				t.Errorf("kept GEOAmey, the move now Serco's: %q", got)
			}
		})
	}
}

func tlHasTag(t TimelineEntry, text string) bool {
	for _, tag := range t.Tags {
		if tag.Text == text {
			return true
		}
	}
	return false
}

// Applied status changes show the new status; late and not-applied events
// say so; times are in London, who recorded it by name or supplier.
func TestTimelineMarks(t *testing.T) {
	approve := moves.Event{ID: "a", Type: moves.EventMoveApprove, OccurredAt: time.Date(2026, 7, 1, 9, 5, 0, 0, time.UTC),
		RecordedAt: time.Date(2026, 7, 1, 9, 6, 0, 0, time.UTC), Details: map[string]any{"date": "2026-07-03"}, CreatedBy: "pmu", Applied: true}
	got := DescribeEvent(approve, tlNames)
	if !tlHasTag(got, "Requested") {
		t.Errorf("applied MoveApprove tags = %+v, want the new status Requested", got.Tags)
	}
	if got.When != "10:05 on Wednesday 1 July 2026" {
		t.Errorf("summer time: When = %q", got.When)
	}

	notApplied := approve
	notApplied.Applied, notApplied.Reason = false, "A move that is booked cannot be approved"
	got = DescribeEvent(notApplied, tlNames)
	if tlHasTag(got, "Requested") || !got.NotApplied || got.Reason != notApplied.Reason {
		t.Errorf("not applied: %+v", got)
	}
	if !strings.Contains(got.TimelineClasses(), "app-not-applied") {
		t.Errorf("classes %q do not mute it", got.TimelineClasses())
	}

	late := moves.Event{ID: "l", Type: moves.EventMoveAccept, OccurredAt: tlAt, RecordedAt: tlAt.Add(3 * time.Hour),
		CreatedAt: tlAt.Add(4 * time.Hour), SupplierID: "sup-serco", CreatedBy: "serco-api", Applied: true, Late: true}
	got = DescribeEvent(late, tlNames)
	if !tlHasTag(got, "Arrived late") || !strings.Contains(got.LateText, "Recorded at 13:51 on Thursday 3 December 2020") {
		t.Errorf("late: tags %+v, text %q", got.Tags, got.LateText)
	}
	if got.RecordedBy != "Serco" {
		t.Errorf("RecordedBy = %q, want the supplier's name", got.RecordedBy)
	}

	unknownUser := moves.Event{ID: "u", Type: moves.EventMoveCancel, OccurredAt: tlAt, RecordedAt: tlAt, CreatedBy: "jo.bloggs",
		Details: map[string]any{"cancellation_reason": "other"}, Applied: true}
	if got := DescribeEvent(unknownUser, tlNames); got.RecordedBy != "jo.bloggs" {
		t.Errorf("RecordedBy = %q, want the created_by value", got.RecordedBy)
	}
}

// The timeline lists events newest first and renders each one with its
// labels.
func TestTimelineRenders(t *testing.T) {
	events := []moves.Event{
		{ID: "one", Type: moves.EventMoveRequested, OccurredAt: tlAt, RecordedAt: tlAt, Applied: true, Seq: 1},
		{ID: "two", Type: moves.EventPersonMoveMinorIncidentOther, OccurredAt: tlAt.Add(time.Hour), RecordedAt: tlAt.Add(time.Hour), Applied: true, Seq: 3, Late: true},
		{ID: "three", Type: moves.EventMoveStart, OccurredAt: tlAt.Add(2 * time.Hour), RecordedAt: tlAt.Add(2 * time.Hour), Seq: 2,
			Applied: false, Reason: "A move that is requested cannot be started"},
	}
	entries := Timeline(events, tlNames)
	if entries[0].ID != "three" || entries[2].ID != "one" {
		t.Fatalf("order %s, %s, %s: want newest first", entries[0].ID, entries[1].ID, entries[2].ID)
	}
	var buf bytes.Buffer
	if err := TimelineList(entries).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`class="moj-timeline"`, `id="event-two"`, "app-incident", ">Incident<", "Arrived late", "Not applied",
		"A move that is requested cannot be started", "moj-timeline__item app-not-applied", `datetime="2020-12-03T10:51:28Z"`} {
		if !strings.Contains(html, want) {
			t.Errorf("timeline HTML lacks %q", want)
		}
	}
	buf.Reset()
	_ = TimelineList(nil).Render(context.Background(), &buf)
	if !strings.Contains(buf.String(), "Nothing has been recorded") {
		t.Errorf("empty timeline says %q", buf.String())
	}
}
