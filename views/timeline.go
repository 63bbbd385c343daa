package views

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/securemove/securemove/moves"
)

// timelineZone is the zone every time on a timeline is shown in.
var timelineZone = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("views: Europe/London time zone data is missing: " + err.Error())
	}
	return l
}()

// TimelineTime writes an instant the way the service shows times:
// "10:51 on Thursday 3 December 2020", in Europe/London.
func TimelineTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(timelineZone).Format("15:04 on Monday 2 January 2006")
}

// TimelineNames resolves what an event refers to by id into the names
// people know.
type TimelineNames struct {
	// Locations maps location ids to titles.
	Locations map[string]string
	// Suppliers maps supplier ids to names.
	Suppliers map[string]string
	// Users maps usernames to full names, for created_by values that are
	// users of this service.
	Users map[string]string
	// Moves maps move ids to references (for a cross-supplier pick-up).
	Moves map[string]string
	// MoveSupplier is the name of the supplier carrying out the move now,
	// for the entries that name the move's supplier but were written
	// before the service kept the supplier of their time on them.
	MoveSupplier string
	// Journeys maps journey ids to their numbers and ends, for the
	// journey events shown on the move's timeline.
	Journeys map[string]TimelineJourney
}

func (n TimelineNames) location(id string) string {
	if id == "" {
		return ""
	}
	if t, ok := n.Locations[id]; ok && t != "" {
		return t
	}
	return "an unknown location"
}

// moveSupplier names the supplier an entry names (moves.NamedSupplier):
// the one that posted it, or the one the move was with when it was
// written, and the move's supplier now only for an event written before
// that was kept. "" when no supplier is known.
func (n TimelineNames) moveSupplier(e moves.Event) string {
	if s := n.Suppliers[moves.NamedSupplier(e)]; s != "" {
		return s
	}
	return n.MoveSupplier
}

// supplier names the supplier an entry says did something, as moveSupplier
// does, or "The supplier" when none is known.
func (n TimelineNames) supplier(e moves.Event) string {
	if s := n.moveSupplier(e); s != "" {
		return s
	}
	return "The supplier"
}

// recordedBy names whoever recorded an event: a user by their full name, a
// supplier's system by the supplier's name.
func (n TimelineNames) recordedBy(e moves.Event) string {
	if name := n.Users[e.CreatedBy]; name != "" {
		return name
	}
	if e.SupplierID != "" {
		if s := n.Suppliers[e.SupplierID]; s != "" {
			return s
		}
	}
	if e.CreatedBy != "" {
		return e.CreatedBy
	}
	return "the service"
}

// TimelineTag is a GOV.UK tag shown with a timeline entry.
type TimelineTag struct {
	Text    string
	Classes string
}

// TimelineEntry is one event of a move's log, in plain English.
type TimelineEntry struct {
	ID      string
	Type    string
	Heading string
	// Sentence says what happened, using every detail of the event.
	Sentence string
	Tags     []TimelineTag
	Notes    string
	// When is the time it happened, as people read it; Datetime is the
	// same instant for the <time> element.
	When       string
	Datetime   string
	RecordedBy string
	Incident   bool
	// Late marks an event that arrived after events that happened later;
	// LateText says when it was recorded and received.
	Late     bool
	LateText string
	// NotApplied marks an event that was kept but could not change the
	// move; Reason says why.
	NotApplied bool
	Reason     string
}

// TimelineClasses are the classes of the entry's timeline item.
func (t TimelineEntry) TimelineClasses() string {
	c := "moj-timeline__item"
	if t.NotApplied {
		c += " app-not-applied"
	}
	return c
}

// Timeline describes a log (in log order, as the store returns it) newest
// first.
func Timeline(events []moves.Event, n TimelineNames) []TimelineEntry {
	out := make([]TimelineEntry, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		out = append(out, DescribeEvent(events[i], n))
	}
	return out
}

// DescribeEvent turns one event into a heading, a sentence and tags, with
// who recorded it and when.
func DescribeEvent(e moves.Event, n TimelineNames) TimelineEntry {
	heading, sentence := describe(e, n)
	t := TimelineEntry{
		ID:         e.ID,
		Type:       string(e.Type),
		Heading:    heading,
		Sentence:   sentence,
		Notes:      strings.TrimSpace(e.Notes),
		When:       TimelineTime(e.OccurredAt),
		RecordedBy: n.recordedBy(e),
		Late:       e.Late,
		NotApplied: !e.Applied,
		Reason:     e.Reason,
	}
	if !e.OccurredAt.IsZero() {
		t.Datetime = e.OccurredAt.UTC().Format(time.RFC3339)
	}
	class := moves.ClassOf(e.Type)
	if class == moves.ClassIncident {
		t.Incident = true
		t.Tags = append(t.Tags, TimelineTag{Text: "Incident", Classes: "govuk-tag--red"})
	}
	if class == moves.ClassMedical {
		t.Tags = append(t.Tags, TimelineTag{Text: "Medical", Classes: "govuk-tag--orange"})
	}
	if e.Applied {
		if s, ok := statusAfter(e.Type); ok {
			t.Tags = append(t.Tags, TimelineTag{Text: s.Label(), Classes: StatusTagClass(s)})
		}
		if s, ok := journeyStatusAfter(e.Type); ok {
			t.Tags = append(t.Tags, TimelineTag{Text: "Journey " + strings.ToLower(s.Label()), Classes: JourneyStatusTagClass(s)})
		}
	}
	if e.Late {
		t.Tags = append(t.Tags, TimelineTag{Text: "Arrived late", Classes: "govuk-tag--orange"})
		t.LateText = "Recorded at " + TimelineTime(e.RecordedAt)
		if !e.CreatedAt.IsZero() {
			t.LateText += " and received at " + TimelineTime(e.CreatedAt)
		}
		t.LateText += ", after events that happened later."
	}
	if t.NotApplied && t.Reason == "" {
		t.Reason = "It could not apply to the move at this point."
	}
	return t
}

// statusAfter is the status an applied event leaves the move in, for the
// events that set one.
func statusAfter(t moves.EventType) (moves.Status, bool) {
	switch t {
	case moves.EventMoveProposed:
		return moves.StatusProposed, true
	case moves.EventMoveRequested, moves.EventMoveApprove:
		return moves.StatusRequested, true
	case moves.EventMoveAccept:
		return moves.StatusBooked, true
	case moves.EventMoveStart:
		return moves.StatusInTransit, true
	case moves.EventMoveComplete:
		return moves.StatusCompleted, true
	case moves.EventMoveReject, moves.EventMoveCancel:
		return moves.StatusCancelled, true
	}
	return "", false
}

// timelineHeadings names every event type in the catalogue.
var timelineHeadings = map[moves.EventType]string{
	moves.EventMoveProposed:                               "Move proposed",
	moves.EventMoveRequested:                              "Move requested",
	moves.EventMoveAccept:                                 "Move booked",
	moves.EventMoveApprove:                                "Move approved",
	moves.EventMoveReject:                                 "Request rejected",
	moves.EventMoveResubmit:                               "Request sent again with more information",
	moves.EventMoveCancel:                                 "Move cancelled",
	moves.EventMoveStart:                                  "Move in transit",
	moves.EventMoveRedirect:                               "Move redirected",
	moves.EventMoveComplete:                               "Move completed",
	moves.EventMoveLockout:                                "Lockout",
	moves.EventMoveLodgingStart:                           "Overnight lodging started",
	moves.EventMoveLodgingEnd:                             "Overnight lodging ended",
	moves.EventMoveNotifySupplierOfMoveRequest:            "Supplier told about the request",
	moves.EventMoveOperationSafeguard:                     "Operation Safeguard",
	moves.EventMoveOperationTornado:                       "Operation Tornado",
	moves.EventMoveOperationHmcts:                         "Operation HMCTS",
	moves.EventMoveNotifyPremisesOfExpectedCollectionTime: "Expected collection time",
	moves.EventMoveNotifyPremisesOfEta:                    "Expected arrival time",
	moves.EventMoveNotifyPremisesOfArrivalIn30Mins:        "Arriving in 30 minutes",
	moves.EventMoveCollectionByEscort:                     "Collected by escort",
	moves.EventMoveCrossSupplierDropOff:                   "Handed over to another supplier",
	moves.EventMoveCrossSupplierPickUp:                    "Taken over from another supplier",
	moves.EventMoveDateChanged:                            "Move date changed",
	moves.EventPersonMoveBookedIntoReceivingEstablishment: "Booked into the receiving prison",
	moves.EventPersonMoveAssault:                          "Assault",
	moves.EventPersonMoveDeathInCustody:                   "Death in custody",
	moves.EventPersonMoveMajorIncidentOther:               "Major incident",
	moves.EventPersonMoveMinorIncidentOther:               "Minor incident",
	moves.EventPersonMovePersonEscaped:                    "Escape",
	moves.EventPersonMovePersonEscapedKpi:                 "Escape (counted against the escape target)",
	moves.EventPersonMoveReleasedError:                    "Released in error",
	moves.EventPersonMoveRoadTrafficAccident:              "Road traffic accident",
	moves.EventPersonMoveSeriousInjury:                    "Serious injury",
	moves.EventPersonMoveUsedForce:                        "Force used",
	moves.EventPersonMoveVehicleBrokeDown:                 "Vehicle broke down",
	moves.EventPersonMoveVehicleSystemsFailed:             "Vehicle systems failed",
}

// incidentOpenings start the sentence of each incident.
// incidentOpenings start the sentence of each incident; {at} is where the
// location goes, when the event names one.
var incidentOpenings = map[moves.EventType]string{
	moves.EventPersonMoveAssault:             "An assault happened during the move{at}",
	moves.EventPersonMoveDeathInCustody:      "The person died in custody during the move{at}",
	moves.EventPersonMoveMajorIncidentOther:  "A major incident happened during the move{at}",
	moves.EventPersonMoveMinorIncidentOther:  "A minor incident happened during the move{at}",
	moves.EventPersonMovePersonEscaped:       "The person escaped during the move{at}",
	moves.EventPersonMovePersonEscapedKpi:    "The person escaped during the move{at}. This counts against the supplier's escape target",
	moves.EventPersonMoveReleasedError:       "The person was released in error{at}",
	moves.EventPersonMoveRoadTrafficAccident: "The vehicle carrying the person was in a road traffic accident{at}",
	moves.EventPersonMoveSeriousInjury:       "The person was seriously injured during the move{at}",
	moves.EventPersonMoveUsedForce:           "Force was used on the person during the move{at}",
}

// Why a move was redirected, to follow "because".
var redirectBecause = map[string]string{
	"no_space":                 "there was no space",
	"serious_incident":         "of a serious incident",
	"covid":                    "of COVID-19",
	"receiving_prison_request": "the receiving prison asked for it",
	"force_majeure":            "of events beyond anyone's control",
}

// Why a vehicle was locked out, to follow "because".
var lockoutBecause = map[string]string{
	"no_space":                              "there was no space",
	"unachievable_redirection":              "a redirection could not be carried out",
	"late_sitting_court":                    "the court sat late",
	"unavailable_resource_vehicle_or_staff": "no vehicle or staff were available",
	"traffic_issues":                        "of traffic problems",
	"mechanical_or_other_vehicle_failure":   "the vehicle broke down or failed",
	"ineffective_route_planning":            "of poor route planning",
	"unachievable_ptr_request":              "a prisoner transfer request could not be met",
}

// because words a reason key: "because there was no space", "for another
// reason", or the key's label for one without a phrase.
func because(phrases map[string]string, labels map[string]string, key string) string {
	if key == "" {
		return ""
	}
	if p, ok := phrases[key]; ok {
		return " because " + p
	}
	if key == "other" {
		return " for another reason"
	}
	return " (reason: " + moves.Label(labels, key) + ")"
}

// authorisers word who authorised a lockout or an operation.
var authorisers = map[string]string{
	"PMU":   "PMU",
	"CDM":   "the contract delivery manager (CDM)",
	"Other": "someone else",
}

func authorised(e moves.Event) string {
	by := e.Str("authorised_by")
	at := timeDetail(e.Str("authorised_at"))
	switch {
	case by == "" && at == "":
		return ""
	case by == "":
		return "authorised at " + at
	}
	who, ok := authorisers[by]
	if !ok {
		who = by
	}
	s := "authorised by " + who
	if at != "" {
		s += " at " + at
	}
	return s
}

// timeDetail writes a date-time detail as people read it; one that does
// not parse is shown as it was sent.
func timeDetail(v string) string {
	if v == "" {
		return ""
	}
	t, err := moves.ParseTimestamp(v)
	if err != nil {
		return v
	}
	return TimelineTime(t)
}

// sentence joins parts into sentences, each ending with a full stop.
func sentence(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.HasSuffix(p, ".") {
			p += "."
		}
		out = append(out, p)
	}
	return strings.Join(out, " ")
}

func listWords(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// lowerLabel lower-cases a label's first letter unless it starts an
// acronym or a code ("Pro cab" → "pro cab", "C4 car" stays).
func lowerLabel(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

func comment(e moves.Event) string {
	if c := strings.TrimSpace(e.Str("cancellation_reason_comment")); c != "" {
		return "More information: " + c
	}
	return ""
}

// describe gives an event's heading and sentence.
func describe(e moves.Event, n TimelineNames) (string, string) {
	if h, s, ok := describeRoad(e, n); ok {
		return h, s
	}
	if h, s, ok := describeChange(e); ok {
		return h, s
	}
	heading, ok := timelineHeadings[e.Type]
	if !ok {
		heading = splitWords(string(e.Type))
	}
	sup := n.supplier(e)
	switch e.Type {
	case moves.EventMoveProposed:
		return heading, "The move was proposed and is waiting for the Population Management Unit (PMU) to review it."
	case moves.EventMoveRequested:
		if s := n.moveSupplier(e); s != "" {
			return heading, "The move was requested with " + s + "."
		}
		return heading, "The move was requested."
	case moves.EventMoveAccept:
		return heading, sup + " accepted the move."
	case moves.EventMoveApprove:
		s := "Approved for " + LongDate(e.Str("date"))
		if sup := n.moveSupplier(e); sup != "" {
			s += " and requested with " + sup
		}
		nomis := ""
		if e.Bool("create_in_nomis") {
			nomis = "It will also be created in NOMIS"
		}
		return heading, sentence(s, nomis)
	case moves.EventMoveReject:
		rebook := "It will not be proposed again"
		if e.Bool("rebook") {
			rebook = fmt.Sprintf("It will be proposed again %d days later", moves.RebookDays)
		}
		return heading, sentence("Reason: "+moves.Label(moves.RejectionReasonLabels, e.Str("rejection_reason")), comment(e), rebook)
	case moves.EventMoveResubmit:
		again := "It was sent again for review"
		if ref := n.Moves[e.Rels["resubmitted_move"]]; ref != "" {
			again = "It was sent again for review as move " + ref
		}
		return heading, sentence(again, "Information added: "+e.Str("information"))
	case moves.EventMoveCancel:
		return heading, sentence("Reason: "+moves.Label(moves.CancellationReasonLabels, e.Str("cancellation_reason")), comment(e))
	case moves.EventMoveStart:
		return heading, sup + " set off with the person."
	case moves.EventMoveComplete:
		return heading, sup + " handed the person over at the destination."
	case moves.EventMoveRedirect:
		s := "Redirected to " + n.location(e.Rels["to_location"]) + because(redirectBecause, moves.RedirectReasonLabels, e.Str("reason"))
		mt := ""
		if t := e.Str("move_type"); t != "" {
			mt = "The move type is now " + lowerLabel(moves.MoveType(t).Label())
		}
		return heading, sentence(s, mt)
	case moves.EventMoveLockout:
		s := "Locked out of " + n.location(e.Rels["from_location"]) + because(lockoutBecause, moves.LockoutReasonLabels, e.Str("reason"))
		if a := authorised(e); a != "" {
			s += "; " + a
		}
		return heading, sentence(s)
	case moves.EventMoveLodgingStart:
		return heading, sentence("Arrived to lodge overnight at "+n.location(e.Rels["location"]),
			"Reason: "+moves.Label(moves.LodgingReasonLabels, e.Str("reason")))
	case moves.EventMoveLodgingEnd:
		return heading, sentence("Collected from the overnight lodging at " + n.location(e.Rels["location"]))
	case moves.EventMoveNotifySupplierOfMoveRequest:
		return heading, sup + " was sent the move request."
	case moves.EventMoveOperationSafeguard:
		return heading, operation("The person was held under Operation Safeguard because prisons were full", e)
	case moves.EventMoveOperationTornado:
		return heading, operation("The person was moved under Operation Tornado to empty a prison", e)
	case moves.EventMoveOperationHmcts:
		s := "The person was held overnight in court cells under Operation HMCTS"
		if c := e.Str("court_cell_number"); c != "" {
			s += ", in cell " + c
		}
		return heading, operation(s, e)
	case moves.EventMoveNotifyPremisesOfExpectedCollectionTime:
		return heading, sentence(sup + " expects to collect the person at " + timeDetail(e.Str("expected_at")))
	case moves.EventMoveNotifyPremisesOfEta:
		return heading, sentence(sup + " expects to arrive at the destination at " + timeDetail(e.Str("expected_at")))
	case moves.EventMoveNotifyPremisesOfArrivalIn30Mins:
		return heading, sup + " told the destination that the vehicle is 30 minutes away."
	case moves.EventMoveCollectionByEscort:
		return heading, sentence("Handed over to the escort in a " + lowerLabel(moves.Label(moves.VehicleTypeLabels, e.Str("vehicle_type"))))
	case moves.EventMoveCrossSupplierDropOff:
		return heading, sup + " handed the person over to another supplier."
	case moves.EventMoveCrossSupplierPickUp:
		prev := n.Moves[e.Rels["previous_move"]]
		if prev == "" {
			prev = "another supplier's move"
		} else {
			prev = "move " + prev
		}
		return heading, sentence(sup + " took the person over from " + prev)
	case moves.EventMoveDateChanged:
		reason := ""
		if r := e.Str("date_changed_reason"); r != "" {
			reason = "Reason: " + moves.Label(moves.DateChangedReasonLabels, r)
		}
		return heading, sentence("The move date is now "+LongDate(e.Str("date")), reason)
	case moves.EventPersonMoveBookedIntoReceivingEstablishment:
		s := "Booked into " + n.location(e.Rels["location"]) + " before leaving court"
		if p := e.Str("supplier_personnel_number"); p != "" {
			s += ", by supplier staff number " + p
		}
		return heading, sentence(s)
	case moves.EventPersonMoveVehicleBrokeDown, moves.EventPersonMoveVehicleSystemsFailed:
		return heading, vehicleProblem(e, n)
	}
	if opening, ok := incidentOpenings[e.Type]; ok {
		return heading, incidentSentence(opening, e, n)
	}
	// A type this version does not know: still say something true.
	return heading, sentence("Recorded as " + splitWords(string(e.Type)))
}

func operation(s string, e moves.Event) string {
	if a := authorised(e); a != "" {
		s += "; " + a
	}
	return sentence(s)
}

// incidentParts words the details incidents and vehicle problems share.
func incidentParts(e moves.Event) []string {
	var parts []string
	if v := e.Str("vehicle_reg"); v != "" {
		parts = append(parts, "Vehicle registration: "+v)
	}
	if r := timeDetail(e.Str("reported_at")); r != "" {
		parts = append(parts, "Reported at "+r)
	}
	if s := e.Strs("supplier_personnel_numbers"); len(s) > 0 {
		parts = append(parts, "Supplier staff: "+listWords(s))
	}
	if p := e.Strs("police_personnel_numbers"); len(p) > 0 {
		parts = append(parts, "Police officers: "+listWords(p))
	}
	if f := e.Str("fault_classification"); f != "" {
		parts = append(parts, "Fault: "+moves.Label(moves.FaultClassificationLabels, f))
	}
	return parts
}

func incidentSentence(opening string, e moves.Event, n TimelineNames) string {
	at := ""
	if l := e.Rels["location"]; l != "" {
		at = " at " + n.location(l)
	}
	opening = strings.Replace(opening, "{at}", at, 1)
	return sentence(append([]string{opening}, incidentParts(e)...)...)
}

func vehicleProblem(e moves.Event, n TimelineNames) string {
	s := "The vehicle broke down"
	if e.Type == moves.EventPersonMoveVehicleSystemsFailed {
		s = "A system on the vehicle failed"
	}
	var where []string
	if d := strings.TrimSpace(e.Str("location_description")); d != "" {
		where = append(where, d)
	}
	if p := strings.TrimSpace(e.Str("postcode")); p != "" {
		where = append(where, strings.ToUpper(p))
	}
	if len(where) > 0 {
		s += " at " + strings.Join(where, ", ")
	}
	if l := e.Rels["location"]; l != "" {
		s += ", near " + n.location(l)
	}
	return sentence(append([]string{s}, incidentParts(e)...)...)
}

// splitWords turns "MoveSomethingNew" into "Move something new".
func splitWords(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
