package moves

// Subject is the kind of thing an event is about: its eventable type, as
// the API spells it. Each subject has its own catalogue and its own log.
type Subject string

const (
	SubjectMove    Subject = "moves"
	SubjectJourney Subject = "journeys"
	SubjectLodging Subject = "lodgings"
)

// words names the subject in a sentence: "a move".
func (s Subject) words() string {
	switch s {
	case SubjectJourney:
		return "a journey"
	case SubjectLodging:
		return "a lodging"
	}
	return "a move"
}

// Journey event types. The names are the API's spelling.
const (
	// JourneyCreate opens a journey's log and JourneyUpdate records a
	// change to its attributes; the service records both itself.
	EventJourneyCreate EventType = "JourneyCreate"
	EventJourneyUpdate EventType = "JourneyUpdate"

	EventJourneyStart                 EventType = "JourneyStart"
	EventJourneyComplete              EventType = "JourneyComplete"
	EventJourneyCancel                EventType = "JourneyCancel"
	EventJourneyReject                EventType = "JourneyReject"
	EventJourneyUncancel              EventType = "JourneyUncancel"
	EventJourneyUncomplete            EventType = "JourneyUncomplete"
	EventJourneyChangeVehicle         EventType = "JourneyChangeVehicle"
	EventJourneyLockout               EventType = "JourneyLockout"
	EventJourneyLodging               EventType = "JourneyLodging"
	EventJourneyPersonBoardsVehicle   EventType = "JourneyPersonBoardsVehicle"
	EventJourneyPersonLeaveVehicle    EventType = "JourneyPersonLeaveVehicle"
	EventJourneyArriveAtOuterGate     EventType = "JourneyArriveAtOuterGate"
	EventJourneyExitThroughOuterGate  EventType = "JourneyExitThroughOuterGate"
	EventJourneyReadyToExit           EventType = "JourneyReadyToExit"
	EventJourneyAdmitToReception      EventType = "JourneyAdmitToReception"
	EventJourneyAdmitThroughOuterGate EventType = "JourneyAdmitThroughOuterGate"
	EventJourneyHandoverToDestination EventType = "JourneyHandoverToDestination"
	EventJourneyHandoverToSupplier    EventType = "JourneyHandoverToSupplier"
)

// Lodging event types. The service records them when a lodging is
// created, changed or cancelled; clients do not post them.
const (
	EventLodgingCreate EventType = "LodgingCreate"
	EventLodgingUpdate EventType = "LodgingUpdate"
	EventLodgingCancel EventType = "LodgingCancel"
)

func vehicleRegDetail(required bool) DetailSpec {
	return DetailSpec{Key: "vehicle_reg", Kind: KindString, Required: required, Description: "Registration of the vehicle."}
}

var (
	depotDetail     = DetailSpec{Key: "vehicle_depot", Kind: KindString, Description: "The depot the vehicle is based at."}
	supplierNumber  = DetailSpec{Key: "supplier_personnel_number", Kind: KindString, Description: "Personnel number of the supplier's officer."}
	requiredAt      = []RelSpec{{Name: "location", Kind: relLocations, Required: true}}
	journeyAttrSpec = []DetailSpec{
		{Key: "billable", Kind: KindBool, Description: "Whether the supplier is paid for the journey."},
		{Key: "date", Kind: KindDate, Description: "The date the journey happens."},
		{Key: "vehicle_id", Kind: KindString, Description: "The vehicle's identification number."},
		vehicleRegDetail(false),
		depotDetail,
	}
)

// journeyCatalogue holds the events about a journey (eventable type
// "journeys"). Only the first five change the journey's state.
var journeyCatalogue = []EventSpec{
	{Type: EventJourneyCreate, Class: ClassDefault, Creation: true, Details: journeyAttrSpec,
		Rels: []RelSpec{
			{Name: "from_location", Kind: relLocations, Required: true},
			{Name: "to_location", Kind: relLocations, Required: true},
		},
		Description: "The journey was added to the move; the service records this itself."},
	{Type: EventJourneyUpdate, Class: ClassDefault, ChangesMove: true,
		Details: append(append([]DetailSpec(nil), journeyAttrSpec...),
			DetailSpec{Key: DetailVehicleReplaced, Kind: KindBool, Description: "True when the vehicle was replaced whole: vehicle_id, vehicle_reg and vehicle_depot are the new vehicle, and any of them left out was removed. Without it (an update recorded before the service marked replacements) only the fields given changed."}),
		AnyOf:       []string{"billable", "date", "vehicle_id", "vehicle_reg", "vehicle_depot", DetailVehicleReplaced},
		Description: "The journey's billing, date or vehicle changed; the service records this itself."},
	{Type: EventJourneyStart, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Details:     []DetailSpec{vehicleRegDetail(false), depotDetail},
		Description: "The vehicle set off on the journey, which is now in progress."},
	{Type: EventJourneyComplete, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Details:     []DetailSpec{vehicleRegDetail(false)},
		Description: "The journey reached its destination and is completed."},
	{Type: EventJourneyCancel, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "A journey in progress was cancelled."},
	{Type: EventJourneyReject, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "The supplier turned down a proposed journey."},
	{Type: EventJourneyUncancel, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "A cancelled journey was put back in progress."},
	{Type: EventJourneyUncomplete, Class: ClassDefault, ChangesStatus: true, ChangesMove: true,
		Description: "A journey recorded as completed was put back in progress."},
	{Type: EventJourneyChangeVehicle, Class: ClassDefault, ChangesMove: true,
		Details: []DetailSpec{
			vehicleRegDetail(true),
			{Key: "previous_vehicle_reg", Kind: KindString, Description: "Registration of the vehicle replaced; the service fills it in from the journey when it is not given."},
			depotDetail,
		},
		Description: "The person was moved to another vehicle during the journey."},
	{Type: EventJourneyLockout, Class: ClassDefault,
		Rels:        []RelSpec{{Name: "from_location", Kind: relLocations, Required: true}},
		Description: "The vehicle was locked out of a location on this journey."},
	{Type: EventJourneyLodging, Class: ClassDefault,
		Rels:        []RelSpec{{Name: "to_location", Kind: relLocations, Required: true}},
		Description: "The journey ended at an overnight lodging."},
	{Type: EventJourneyPersonBoardsVehicle, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "vehicle_type", Kind: KindEnum, Required: true, Values: VehicleTypes, Description: "The kind of vehicle."},
			vehicleRegDetail(true),
		},
		Description: "The person got into the vehicle."},
	{Type: EventJourneyPersonLeaveVehicle, Class: ClassDefault,
		Details:     []DetailSpec{vehicleRegDetail(false)},
		Description: "The person got out of the vehicle."},
	{Type: EventJourneyArriveAtOuterGate, Class: ClassDefault, Details: []DetailSpec{vehicleRegDetail(false)}, Rels: requiredAt,
		Description: "The vehicle arrived at a location's outer gate."},
	{Type: EventJourneyExitThroughOuterGate, Class: ClassDefault, Details: []DetailSpec{vehicleRegDetail(false)}, Rels: requiredAt,
		Description: "The vehicle left a location through its outer gate."},
	{Type: EventJourneyReadyToExit, Class: ClassDefault, Details: []DetailSpec{vehicleRegDetail(false)}, Rels: requiredAt,
		Description: "The loaded vehicle was ready to leave a location."},
	{Type: EventJourneyAdmitToReception, Class: ClassDefault, Details: []DetailSpec{vehicleRegDetail(false)}, Rels: requiredAt,
		Description: "The person was admitted to a location's reception."},
	{Type: EventJourneyAdmitThroughOuterGate, Class: ClassDefault, Details: []DetailSpec{vehicleRegDetail(true), supplierNumber}, Rels: requiredAt,
		Description: "The vehicle was admitted through a location's outer gate."},
	{Type: EventJourneyHandoverToDestination, Class: ClassDefault, Details: []DetailSpec{supplierNumber},
		Description: "The supplier handed the person over to the destination."},
	{Type: EventJourneyHandoverToSupplier, Class: ClassDefault, Details: []DetailSpec{supplierNumber},
		Description: "The sending location handed the person over to the supplier."},
}

// LodgingCancellationReasons is what staff are offered when they cancel
// an overnight lodge. A lodging may be cancelled for any of
// CancellationReasons: upstream keeps one list for moves, allocations and
// lodgings (its LodgingCancel takes any of CANCELLATION_REASONS), so the
// API takes them all; each of these is one of them.
var LodgingCancellationReasons = []string{"made_in_error", "supplier_declined_to_move", "cancelled_by_pmu", "other"}

var lodgingDates = []DetailSpec{
	{Key: "start_date", Kind: KindDate, Required: true, Description: "The first night's date."},
	{Key: "end_date", Kind: KindDate, Required: true, Description: "The date the person leaves the lodging."},
}

// lodgingCatalogue holds the events about a lodging. The service records
// them when a lodging is created, changed or cancelled.
var lodgingCatalogue = []EventSpec{
	{Type: EventLodgingCreate, Class: ClassDefault, Creation: true, Details: lodgingDates, Rels: requiredAt,
		Description: "An overnight lodging was planned for the move."},
	{Type: EventLodgingUpdate, Class: ClassDefault,
		Details: []DetailSpec{
			{Key: "old_start_date", Kind: KindDate, Description: "The start date before the change."},
			{Key: "start_date", Kind: KindDate, Description: "The new start date."},
			{Key: "old_end_date", Kind: KindDate, Description: "The end date before the change."},
			{Key: "end_date", Kind: KindDate, Description: "The new end date."},
		},
		Rels: []RelSpec{
			{Name: "old_location", Kind: relLocations},
			{Name: "location", Kind: relLocations},
		},
		Description: "An overnight lodging's place or dates changed."},
	{Type: EventLodgingCancel, Class: ClassDefault,
		Details: append(append([]DetailSpec(nil), lodgingDates...),
			DetailSpec{Key: "cancellation_reason", Kind: KindEnum, Required: true, Values: CancellationReasons, Description: "Why the lodging was cancelled: one of the reasons a move may be cancelled for, as upstream."},
			DetailSpec{Key: "cancellation_reason_comment", Kind: KindString, Description: "More about the cancellation."}),
		Rels:        requiredAt,
		Description: "An overnight lodging was cancelled."},
}

func indexCatalogue(cat []EventSpec) map[EventType]int {
	idx := make(map[EventType]int, len(cat))
	for i, s := range cat {
		if _, dup := idx[s.Type]; dup {
			panic("moves: event type listed twice: " + string(s.Type))
		}
		if _, other := catalogueIndex[s.Type]; other {
			panic("moves: event type in two catalogues: " + string(s.Type))
		}
		idx[s.Type] = i
	}
	return idx
}

var (
	journeyIndex = indexCatalogue(journeyCatalogue)
	lodgingIndex = indexCatalogue(lodgingCatalogue)
)

func cloneAll(cat []EventSpec) []EventSpec {
	out := make([]EventSpec, len(cat))
	for i, s := range cat {
		out[i] = s.clone()
	}
	return out
}

// JourneyCatalogue returns every journey event type's spec: creation and
// update, the state changes, then what happened on the road.
func JourneyCatalogue() []EventSpec { return cloneAll(journeyCatalogue) }

// LodgingCatalogue returns every lodging event type's spec.
func LodgingCatalogue() []EventSpec { return cloneAll(lodgingCatalogue) }

// JourneySpecFor returns the spec of a journey event type.
func JourneySpecFor(t EventType) (EventSpec, bool) {
	i, ok := journeyIndex[t]
	if !ok {
		return EventSpec{}, false
	}
	return journeyCatalogue[i].clone(), true
}

// LodgingSpecFor returns the spec of a lodging event type.
func LodgingSpecFor(t EventType) (EventSpec, bool) {
	i, ok := lodgingIndex[t]
	if !ok {
		return EventSpec{}, false
	}
	return lodgingCatalogue[i].clone(), true
}

// SubjectOf says which kind of subject events of type t are about, and
// false for a type no catalogue knows.
func SubjectOf(t EventType) (Subject, bool) {
	if _, ok := catalogueIndex[t]; ok {
		return SubjectMove, true
	}
	if _, ok := journeyIndex[t]; ok {
		return SubjectJourney, true
	}
	if _, ok := lodgingIndex[t]; ok {
		return SubjectLodging, true
	}
	return "", false
}

// anySpec finds t's spec in whichever catalogue holds it.
func anySpec(t EventType) (*EventSpec, bool) {
	if i, ok := catalogueIndex[t]; ok {
		return &catalogue[i], true
	}
	if i, ok := journeyIndex[t]; ok {
		return &journeyCatalogue[i], true
	}
	if i, ok := lodgingIndex[t]; ok {
		return &lodgingCatalogue[i], true
	}
	return nil, false
}

// ClientMayPost reports whether an API client or a form may record an
// event of type t itself. Creation and update events of moves, journeys
// and lodgings are the service's own record of what it did.
func ClientMayPost(t EventType) bool {
	sp, ok := anySpec(t)
	if !ok {
		return false
	}
	sub, _ := SubjectOf(t)
	return !sp.Creation && !sp.StaffOnly && sub != SubjectLodging && t != EventJourneyUpdate
}

// ValidateJourneyEvent checks an event about a journey in itself, the way
// ValidateEvent checks one about a move. e.JourneyID names the journey.
func ValidateJourneyEvent(e Event, refs Refs) FieldErrors {
	i, ok := journeyIndex[e.Type]
	if !ok {
		return unknownType(e.Type, SubjectJourney)
	}
	return validateWith(&journeyCatalogue[i], e, refs)
}

// ValidateLodgingEvent checks an event about a lodging, including
// LodgingUpdate's rule that each new value comes with the old one.
func ValidateLodgingEvent(e Event, refs Refs) FieldErrors {
	i, ok := lodgingIndex[e.Type]
	if !ok {
		return unknownType(e.Type, SubjectLodging)
	}
	fe := validateWith(&lodgingCatalogue[i], e, refs)
	if e.Type != EventLodgingUpdate {
		return fe
	}
	changed := false
	for _, pair := range [][2]string{{"start_date", "old_start_date"}, {"end_date", "old_end_date"}} {
		if !blank(e.Details[pair[0]]) {
			changed = true
			if blank(e.Details[pair[1]]) {
				fe.Add(pair[1], "blank", pair[1]+" is required with "+pair[0])
			}
		}
	}
	if e.Rels["location"] != "" {
		changed = true
		if e.Rels["old_location"] == "" {
			fe.Add("old_location", "blank", "old_location is required with location")
		}
	}
	if !changed {
		fe.Add("start_date", "blank", "start_date, end_date or location is required")
	}
	return fe
}
