package moves

// Event types a move's log may hold. The names are the API's spelling.
const (
	// Creation events open a move's log; the service records them itself.
	EventMoveProposed  EventType = "MoveProposed"
	EventMoveRequested EventType = "MoveRequested"

	EventMoveAccept                                 EventType = "MoveAccept"
	EventMoveApprove                                EventType = "MoveApprove"
	EventMoveReject                                 EventType = "MoveReject"
	EventMoveCancel                                 EventType = "MoveCancel"
	EventMoveStart                                  EventType = "MoveStart"
	EventMoveRedirect                               EventType = "MoveRedirect"
	EventMoveComplete                               EventType = "MoveComplete"
	EventMoveLockout                                EventType = "MoveLockout"
	EventMoveLodgingStart                           EventType = "MoveLodgingStart"
	EventMoveLodgingEnd                             EventType = "MoveLodgingEnd"
	EventMoveNotifySupplierOfMoveRequest            EventType = "MoveNotifySupplierOfMoveRequest"
	EventMoveOperationSafeguard                     EventType = "MoveOperationSafeguard"
	EventMoveOperationTornado                       EventType = "MoveOperationTornado"
	EventMoveOperationHmcts                         EventType = "MoveOperationHmcts"
	EventMoveNotifyPremisesOfExpectedCollectionTime EventType = "MoveNotifyPremisesOfExpectedCollectionTime"
	EventMoveNotifyPremisesOfEta                    EventType = "MoveNotifyPremisesOfEta"
	EventMoveNotifyPremisesOfArrivalIn30Mins        EventType = "MoveNotifyPremisesOfArrivalIn30Mins"
	EventMoveCollectionByEscort                     EventType = "MoveCollectionByEscort"
	EventMoveCrossSupplierDropOff                   EventType = "MoveCrossSupplierDropOff"
	EventMoveCrossSupplierPickUp                    EventType = "MoveCrossSupplierPickUp"
	EventMoveDateChanged                            EventType = "MoveDateChanged"

	EventPersonMoveBookedIntoReceivingEstablishment EventType = "PersonMoveBookedIntoReceivingEstablishment"

	EventPersonMoveAssault              EventType = "PersonMoveAssault"
	EventPersonMoveDeathInCustody       EventType = "PersonMoveDeathInCustody"
	EventPersonMoveMajorIncidentOther   EventType = "PersonMoveMajorIncidentOther"
	EventPersonMoveMinorIncidentOther   EventType = "PersonMoveMinorIncidentOther"
	EventPersonMovePersonEscaped        EventType = "PersonMovePersonEscaped"
	EventPersonMovePersonEscapedKpi     EventType = "PersonMovePersonEscapedKpi"
	EventPersonMoveReleasedError        EventType = "PersonMoveReleasedError"
	EventPersonMoveRoadTrafficAccident  EventType = "PersonMoveRoadTrafficAccident"
	EventPersonMoveSeriousInjury        EventType = "PersonMoveSeriousInjury"
	EventPersonMoveUsedForce            EventType = "PersonMoveUsedForce"
	EventPersonMoveVehicleBrokeDown     EventType = "PersonMoveVehicleBrokeDown"
	EventPersonMoveVehicleSystemsFailed EventType = "PersonMoveVehicleSystemsFailed"
)

// DetailKind is the shape a detail value must have.
type DetailKind int

const (
	// KindString is free text.
	KindString DetailKind = iota
	// KindEnum is a string from DetailSpec.Values.
	KindEnum
	// KindDate is a calendar date, YYYY-MM-DD.
	KindDate
	// KindDateTime is an ISO 8601 date and time with a zone.
	KindDateTime
	// KindBool is a JSON true or false.
	KindBool
	// KindStringList is one string or a JSON array of strings; the plural
	// personnel-number fields take either because clients send both.
	KindStringList
	// KindPostcode is a full UK postcode.
	KindPostcode
)

func (k DetailKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindEnum:
		return "enum"
	case KindDate:
		return "date"
	case KindDateTime:
		return "date-time"
	case KindBool:
		return "boolean"
	case KindStringList:
		return "string-list"
	case KindPostcode:
		return "postcode"
	}
	return "unknown"
}

// DetailSpec describes one key of an event's details.
type DetailSpec struct {
	Key      string
	Kind     DetailKind
	Required bool
	// Values lists the allowed values of a KindEnum detail, in the order
	// a form should offer them.
	Values []string
	// Description is a short plain-English note for API documentation.
	Description string
}

// RelSpec describes one JSON:API relationship of an event other than its
// eventable (which is always the move).
type RelSpec struct {
	Name string
	// Kind is the resource the id must name: "locations" or "moves". The
	// seed's own example sends type "locations" for previous_move, so the
	// decoder should look the id up by Kind and not trust the sent type.
	Kind     string
	Required bool
}

// EventSpec is the catalogue entry of one event type.
type EventSpec struct {
	Type    EventType
	Details []DetailSpec
	Rels    []RelSpec
	Class   Classification
	// Creation marks MoveProposed and MoveRequested, which the service
	// records when a move is created; clients do not post them.
	Creation bool
	// ChangesStatus marks events that move a move to another status.
	ChangesStatus bool
	// ChangesMove marks every event with a trigger on the move: status
	// changes plus redirect, lockout and date change.
	ChangesMove bool
	// StaffOnly marks the changes staff make to a request in the
	// browser; clients may read them but not post them.
	StaffOnly bool
	// AnyOf lists detail keys of which at least one must be given.
	AnyOf []string
	// Description is one plain-English sentence for the API docs.
	Description string
}

// Detail returns the spec of one of the event's detail keys.
func (s EventSpec) Detail(key string) (DetailSpec, bool) {
	for _, d := range s.Details {
		if d.Key == key {
			return d, true
		}
	}
	return DetailSpec{}, false
}

// Rel returns the spec of one of the event's relationships.
func (s EventSpec) Rel(name string) (RelSpec, bool) {
	for _, r := range s.Rels {
		if r.Name == name {
			return r, true
		}
	}
	return RelSpec{}, false
}

const (
	relLocations = "locations"
	relMoves     = "moves"
)

func authoriserDetails() []DetailSpec {
	return []DetailSpec{
		{Key: "authorised_at", Kind: KindDateTime, Description: "When the authoriser agreed to it."},
		{Key: "authorised_by", Kind: KindEnum, Required: true, Values: Authorisers, Description: "Who authorised it."},
	}
}

// incidentDetails are shared by the person/move incidents. Upstream makes
// fault_classification mandatory only for supplier-posted incidents and
// reported_at mandatory by accident; here both are optional and checked
// when given, so the same payload means the same thing whoever posts it.
func incidentDetails(vehicleRegRequired bool) []DetailSpec {
	return []DetailSpec{
		{Key: "supplier_personnel_numbers", Kind: KindStringList, Description: "Personnel numbers of the supplier staff involved."},
		{Key: "police_personnel_numbers", Kind: KindStringList, Description: "Personnel numbers of the police officers involved."},
		{Key: "vehicle_reg", Kind: KindString, Required: vehicleRegRequired, Description: "Registration of the vehicle involved."},
		{Key: "reported_at", Kind: KindDateTime, Description: "When the incident was reported."},
		{Key: "fault_classification", Kind: KindEnum, Values: FaultClassifications, Description: "Whose fault the incident was found to be."},
	}
}

func vehicleDetails(reportedAtRequired bool) []DetailSpec {
	return []DetailSpec{
		{Key: "supplier_personnel_numbers", Kind: KindStringList, Description: "Personnel numbers of the supplier staff involved."},
		{Key: "vehicle_reg", Kind: KindString, Required: true, Description: "Registration of the vehicle."},
		{Key: "reported_at", Kind: KindDateTime, Required: reportedAtRequired, Description: "When the problem was reported."},
		{Key: "postcode", Kind: KindPostcode, Description: "Full UK postcode of where the vehicle stopped."},
		{Key: "location_description", Kind: KindString, Description: "Where the vehicle stopped, in words."},
	}
}

var optionalLocation = []RelSpec{{Name: "location", Kind: relLocations}}

func incident(t EventType, desc string) EventSpec {
	return EventSpec{
		Type:        t,
		Class:       ClassIncident,
		Details:     incidentDetails(t == EventPersonMoveRoadTrafficAccident),
		Rels:        optionalLocation,
		Description: desc,
	}
}

// catalogue is built once; Catalogue and SpecFor hand out copies of its
// slices so that no caller can change another's view of it. The events
// police record during a lockout or a lodge close it (lockout.go).
var catalogue = append([]EventSpec{
	{Type: EventMoveProposed, Class: ClassDefault, Creation: true,
		Description: "The move was created as a proposal that waits for the Population Management Unit to review it."},
	{Type: EventMoveRequested, Class: ClassDefault, Creation: true,
		Description: "The move was created as a request to the escort supplier."},
	{Type: EventMoveAccept, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "The supplier accepted a requested move, which becomes booked."},
	{Type: EventMoveApprove, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "date", Kind: KindDate, Required: true, Description: "The date the move will happen; it must fall inside the proposed window."},
			{Key: "create_in_nomis", Kind: KindBool, Description: "Whether to create the transfer in NOMIS as well."},
		},
		Description: "The Population Management Unit approved a proposed move for a date, which makes it requested."},
	{Type: EventMoveReject, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "rejection_reason", Kind: KindEnum, Required: true, Values: RejectionReasons, Description: "Why the move was rejected."},
			{Key: "cancellation_reason_comment", Kind: KindString, Description: "More about the rejection."},
			{Key: "rebook", Kind: KindBool, Description: "Whether to propose the same move again seven days later."},
		},
		Description: "The Population Management Unit rejected a proposed or requested move, which becomes cancelled."},
	{Type: EventMoveCancel, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "cancellation_reason", Kind: KindEnum, Required: true, Values: CancellationReasons, Description: "Why the move was cancelled."},
			{Key: "cancellation_reason_comment", Kind: KindString, Description: "More about the cancellation."},
		},
		Description: "The move was cancelled before it was completed."},
	{Type: EventMoveStart, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "The loaded vehicle set off with the person, so the move is in transit."},
	{Type: EventMoveRedirect, Class: ClassDefault, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "move_type", Kind: KindEnum, Values: moveTypeKeys(), Description: "The move's new type, when it changes."},
			{Key: "reason", Kind: KindEnum, Values: RedirectReasons, Description: "Why the move was redirected."},
		},
		Rels:        []RelSpec{{Name: "to_location", Kind: relLocations, Required: true}},
		Description: "The move was given a new destination."},
	{Type: EventMoveComplete, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "The person was handed over at the destination, so the move is completed."},
	{Type: EventMoveLockout, Class: ClassDefault, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "reason", Kind: KindEnum, Values: LockoutReasons, Description: "Why the vehicle was locked out."},
			{Key: "authorised_at", Kind: KindDateTime, Description: "When the lockout was authorised."},
			{Key: "authorised_by", Kind: KindEnum, Required: true, Values: Authorisers, Description: "Who authorised the lockout."},
		},
		Rels:        []RelSpec{{Name: "from_location", Kind: relLocations, Required: true}},
		Description: "The vehicle was locked out of a location and could not hand the person over there."},
	{Type: EventMoveLodgingStart, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "reason", Kind: KindEnum, Required: true, Values: LodgingReasons, Description: "Why the person is lodging."},
		},
		Rels:        []RelSpec{{Name: "location", Kind: relLocations, Required: true}},
		Description: "The person began an overnight lodging at a location."},
	{Type: EventMoveLodgingEnd, Class: ClassDefault,
		Rels:        []RelSpec{{Name: "location", Kind: relLocations, Required: true}},
		Description: "The person's lodging at a location ended."},
	{Type: EventMoveNotifySupplierOfMoveRequest, Class: ClassDefault,
		Description: "The supplier was told about the move request."},
	{Type: EventMoveOperationSafeguard, Class: ClassDefault, Details: authoriserDetails(),
		Description: "Operation Safeguard was used to hold the person because prisons were full."},
	{Type: EventMoveOperationTornado, Class: ClassDefault, Details: authoriserDetails(),
		Description: "Operation Tornado was used to move the person out of a prison that had to be emptied."},
	{Type: EventMoveOperationHmcts, Class: ClassDefault,
		Details: append(authoriserDetails(),
			DetailSpec{Key: "court_cell_number", Kind: KindString, Description: "The court cell the person stays in."}),
		Description: "The person was held overnight in court cells under Operation HMCTS."},
	{Type: EventMoveNotifyPremisesOfExpectedCollectionTime, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "expected_at", Kind: KindDateTime, Required: true, Description: "When the vehicle is expected at the collection point."},
		},
		Description: "The supplier told the pick-up location when it expects to collect the person."},
	{Type: EventMoveNotifyPremisesOfEta, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "expected_at", Kind: KindDateTime, Required: true, Description: "When the vehicle is expected to arrive."},
		},
		Description: "The supplier told the destination when it expects to arrive."},
	{Type: EventMoveNotifyPremisesOfArrivalIn30Mins, Class: ClassDefault,
		Description: "The supplier told the destination that the vehicle is 30 minutes away."},
	{Type: EventMoveCollectionByEscort, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "vehicle_type", Kind: KindEnum, Required: true, Values: VehicleTypes, Description: "The kind of vehicle used."},
		},
		Description: "The escort signed for the person and took them into its custody."},
	{Type: EventMoveCrossSupplierDropOff, Class: ClassDefault,
		Description: "The sending supplier handed the person over to another supplier."},
	{Type: EventMoveCrossSupplierPickUp, Class: ClassDefault,
		Rels:        []RelSpec{{Name: "previous_move", Kind: relMoves, Required: true}},
		Description: "The receiving supplier took the person over from another supplier's move."},
	{Type: EventMoveDateChanged, Class: ClassDefault, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "date", Kind: KindDate, Required: true, Description: "The move's new date."},
			{Key: "date_changed_reason", Kind: KindEnum, Values: DateChangedReasons, Description: "Why the date changed."},
		},
		Description: "The move was given a new date."},
	{Type: EventPersonMoveBookedIntoReceivingEstablishment, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "supplier_personnel_number", Kind: KindString, Required: true, Description: "Personnel number of the supplier's representative."},
		},
		Rels:        []RelSpec{{Name: "location", Kind: relLocations, Required: true}},
		Description: "The supplier booked the person into the receiving prison before leaving court."},
	incident(EventPersonMoveAssault, "The person was assaulted, or assaulted someone, during the move."),
	incident(EventPersonMoveDeathInCustody, "The person died in custody during the move."),
	incident(EventPersonMoveMajorIncidentOther, "Another major incident happened during the move."),
	incident(EventPersonMoveMinorIncidentOther, "Another minor incident happened during the move."),
	incident(EventPersonMovePersonEscaped, "The person escaped during the move."),
	incident(EventPersonMovePersonEscapedKpi, "The person escaped during the move, counted against the supplier's escape target."),
	incident(EventPersonMoveReleasedError, "The person was released in error."),
	incident(EventPersonMoveRoadTrafficAccident, "The vehicle carrying the person had a road traffic accident."),
	incident(EventPersonMoveSeriousInjury, "The person was seriously injured during the move."),
	incident(EventPersonMoveUsedForce, "Force was used on the person during the move."),
	{Type: EventPersonMoveVehicleBrokeDown, Class: ClassDefault, Details: vehicleDetails(true),
		Rels: optionalLocation, AnyOf: []string{"postcode", "location_description"},
		Description: "The vehicle carrying the person broke down."},
	{Type: EventPersonMoveVehicleSystemsFailed, Class: ClassDefault, Details: vehicleDetails(false),
		Rels: optionalLocation, AnyOf: []string{"postcode", "location_description"},
		Description: "A system on the vehicle carrying the person failed."},
}, append(custodyEventSpecs(), changeEventSpecs()...)...)

func moveTypeKeys() []string {
	out := make([]string, len(MoveTypes))
	for i, t := range MoveTypes {
		out[i] = string(t)
	}
	return out
}

var catalogueIndex = func() map[EventType]int {
	idx := make(map[EventType]int, len(catalogue))
	for i, s := range catalogue {
		if _, dup := idx[s.Type]; dup {
			panic("moves: event type listed twice: " + string(s.Type))
		}
		idx[s.Type] = i
	}
	return idx
}()

func (s EventSpec) clone() EventSpec {
	c := s
	c.Details = make([]DetailSpec, len(s.Details))
	for i, d := range s.Details {
		d.Values = append([]string(nil), d.Values...)
		c.Details[i] = d
	}
	c.Rels = append([]RelSpec(nil), s.Rels...)
	c.AnyOf = append([]string(nil), s.AnyOf...)
	return c
}

// Catalogue returns every event type's spec in a stable order: creation
// events, the move lifecycle and notifications, then incidents.
func Catalogue() []EventSpec {
	out := make([]EventSpec, len(catalogue))
	for i, s := range catalogue {
		out[i] = s.clone()
	}
	return out
}

// SpecFor returns the spec of t, and false when t is not a known type.
func SpecFor(t EventType) (EventSpec, bool) {
	i, ok := catalogueIndex[t]
	if !ok {
		return EventSpec{}, false
	}
	return catalogue[i].clone(), true
}

// ClassOf is the classification of t (SpecFor(t).Class) without copying
// its spec: timelines and list cards ask it of every event they show.
func ClassOf(t EventType) Classification {
	if s, ok := spec(t); ok {
		return s.Class
	}
	return ""
}

// spec is SpecFor without the copy, for this package's own reads.
func spec(t EventType) (*EventSpec, bool) {
	i, ok := catalogueIndex[t]
	if !ok {
		return nil, false
	}
	return &catalogue[i], true
}

// Known reports whether t is in the catalogue.
func (t EventType) Known() bool {
	_, ok := catalogueIndex[t]
	return ok
}

// IsCreation reports whether t is MoveProposed or MoveRequested.
func (t EventType) IsCreation() bool {
	return t == EventMoveProposed || t == EventMoveRequested
}

// Strs returns a string-list detail as a slice: a lone string becomes a
// one-element slice; anything else gives nil.
func (e Event) Strs(key string) []string {
	switch v := e.Details[key].(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []string:
		return append([]string(nil), v...)
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	return nil
}
