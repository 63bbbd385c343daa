package moves

import (
	"slices"
	"strings"
	"time"
)

// Events police record about what happened while a person was in their
// custody during a lockout or an overnight lodge. Upstream files them
// under the person escort record; here, with no escort record, they are
// about the move, so they join its log and its timeline.
const (
	EventPerViolentDangerous    EventType = "PerViolentDangerous"
	EventPerWeapons             EventType = "PerWeapons"
	EventPerConcealed           EventType = "PerConcealed"
	EventPerSelfHarm            EventType = "PerSelfHarm"
	EventPerEscape              EventType = "PerEscape"
	EventPerMedicalAid          EventType = "PerMedicalAid"
	EventPerMedicalDrugsAlcohol EventType = "PerMedicalDrugsAlcohol"
	EventPerMedicalMedication   EventType = "PerMedicalMedication"
	EventPerMedicalMentalHealth EventType = "PerMedicalMentalHealth"
	EventPerPropertyChange      EventType = "PerPropertyChange"
	EventPerGeneric             EventType = "PerGeneric"
)

func personnelNumbers() []DetailSpec {
	return []DetailSpec{
		{Key: "supplier_personnel_number", Kind: KindString, Description: "Personnel number of the supplier's officer involved."},
		{Key: "police_personnel_number", Kind: KindString, Description: "Personnel number of the police officer involved."},
	}
}

func perIncident(t EventType, desc string) EventSpec {
	return EventSpec{Type: t, Class: ClassIncident, Details: personnelNumbers(), Rels: optionalLocation, Description: desc}
}

func perMedical(t EventType, desc string) EventSpec {
	return EventSpec{Type: t, Class: ClassMedical, Rels: optionalLocation, Description: desc,
		Details: append([]DetailSpec{
			{Key: "advised_at", Kind: KindDateTime, Description: "When medical advice was given."},
			{Key: "advised_by", Kind: KindString, Description: "Who gave the advice."},
			{Key: "treated_at", Kind: KindDateTime, Description: "When the person was treated."},
			{Key: "treated_by", Kind: KindString, Description: "Who treated the person."},
			vehicleRegDetail(false),
		}, personnelNumbers()...)}
}

// custodyEventSpecs are the move catalogue's entries for the events above.
// As with the move incidents, the personnel numbers are optional and
// checked when given: police record these in the browser, where the
// signed-in officer is already known.
func custodyEventSpecs() []EventSpec {
	return []EventSpec{
		perIncident(EventPerViolentDangerous, "The person was violent or dangerous."),
		perIncident(EventPerWeapons, "The person made or used a weapon."),
		perIncident(EventPerConcealed, "A restricted item was found on the person."),
		perIncident(EventPerSelfHarm, "The person self-harmed or tried to take their own life."),
		perIncident(EventPerEscape, "The person escaped or tried to escape."),
		perMedical(EventPerMedicalAid, "The person received medical attention."),
		perMedical(EventPerMedicalDrugsAlcohol, "The person showed signs of drug or alcohol abuse."),
		perMedical(EventPerMedicalMedication, "The person was given medication."),
		perMedical(EventPerMedicalMentalHealth, "The person's mood or mental health changed."),
		{Type: EventPerPropertyChange, Class: ClassDefault, Rels: optionalLocation,
			Details:     append([]DetailSpec{vehicleRegDetail(false)}, personnelNumbers()...),
			Description: "The person's property changed hands or was changed."},
		{Type: EventPerGeneric, Class: ClassDefault,
			Details: []DetailSpec{
				{Key: "stakeholder", Kind: KindString, Description: "Who recorded the event, such as healthcare staff."},
				{Key: "summary", Kind: KindString, Description: "A short summary of what happened."},
				{Key: "further_details", Kind: KindString, Description: "More about what happened."},
			},
			Description: "Something else happened that someone wanted on record."},
	}
}

// LockoutGroup is a heading of the police custody form.
type LockoutGroup struct {
	Key     string
	Heading string
}

// LockoutGroups are the form's headings, in page order.
var LockoutGroups = []LockoutGroup{
	{Key: "risk", Heading: "Risk"},
	{Key: "health", Heading: "Health"},
	{Key: "property", Heading: "Property"},
	{Key: "other", Heading: "Other"},
}

// LockoutQuestion is one tickable item of the form. Ticking it reveals a
// details box (DetailsField) that must then be filled; the answer is
// recorded as an event of EventType with the details as its notes.
type LockoutQuestion struct {
	Value        string
	Label        string
	Hint         string
	Group        string // a LockoutGroup key
	EventType    EventType
	DetailsField string
	DetailsLabel string
	// DetailsMissing is the error when the item is ticked and the box is
	// left empty.
	DetailsMissing string
}

// LockoutEventsField is the name (and id of the first box) of the form's
// checkbox group.
const LockoutEventsField = "events"

func lq(group, value, label, hint string, t EventType, missing string) LockoutQuestion {
	return LockoutQuestion{Value: value, Label: label, Hint: hint, Group: group, EventType: t,
		DetailsField: value + "_details", DetailsLabel: "Give details", DetailsMissing: missing}
}

var lockoutQuestions = []LockoutQuestion{
	lq("risk", "violent", "Violence", "Including threats and assaults", EventPerViolentDangerous, "Enter details of any violence that has taken place"),
	lq("risk", "weapons", "Created or used a weapon", "", EventPerWeapons, "Enter details of the weapon made or used"),
	lq("risk", "concealed", "Restricted item found", "For example drugs, a phone or a blade", EventPerConcealed, "Enter details of the restricted item found"),
	lq("risk", "self_harm", "Self-harm or suicide", "Including attempts and threats", EventPerSelfHarm, "Enter details of the self-harm or suicide attempt"),
	lq("risk", "escape", "Escape or attempted escape", "", EventPerEscape, "Enter details of the escape or attempted escape"),
	lq("risk", "used_force", "Use of force", "", EventPersonMoveUsedForce, "Enter details of the force used"),
	lq("health", "medical_aid", "Medical attention received", "", EventPerMedicalAid, "Enter details of the medical attention received"),
	lq("health", "drugs_alcohol", "Signs of drug or alcohol abuse", "", EventPerMedicalDrugsAlcohol, "Enter details of the signs of drug or alcohol abuse"),
	lq("health", "medication", "Medication given", "Say what was given, how much and when", EventPerMedicalMedication, "Enter details of the medication given"),
	lq("health", "mental_health", "Changes in mood or mental health", "", EventPerMedicalMentalHealth, "Enter details of the changes in mood or mental health"),
	lq("property", "property_change", "Property change", "Property handed over, taken or changed", EventPerPropertyChange, "Enter details of the property change"),
	lq("other", "death_in_custody", "Death in custody", "", EventPersonMoveDeathInCustody, "Enter details of the death in custody"),
	lq("other", "other", "Any other events", "", EventPerGeneric, "Enter details of the other events"),
}

// LockoutQuestions returns the form's items in page order.
func LockoutQuestions() []LockoutQuestion { return slices.Clone(lockoutQuestions) }

// LockoutAnswers is what a police officer submitted.
type LockoutAnswers struct {
	// Selected holds the ticked values.
	Selected []string
	// Details maps a DetailsField to what was typed in it.
	Details map[string]string
}

// LockoutContext is what the events need besides the answers: the move,
// the custody suite the person was held in and when the officer
// recorded them.
type LockoutContext struct {
	MoveID     string
	LocationID string
	At         time.Time
	By         string
}

// ValidateLockoutForm checks the answers and returns the events to record,
// one per ticked item in page order, or the field errors in page order
// (nothing is recorded unless every ticked item has its details). Details
// typed under an item that is not ticked are ignored, as the page hides
// them.
func ValidateLockoutForm(a LockoutAnswers, c LockoutContext) ([]Event, FieldErrors) {
	var fe FieldErrors
	ticked := map[string]bool{}
	for _, v := range a.Selected {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.ContainsFunc(lockoutQuestions, func(q LockoutQuestion) bool { return q.Value == v }) {
			fe.Add(LockoutEventsField, "inclusion", "Select events from the list")
			return nil, fe
		}
		ticked[v] = true
	}
	if len(ticked) == 0 {
		fe.Add(LockoutEventsField, "blank", "Select any events that happened during police custody")
		return nil, fe
	}
	var events []Event
	for _, q := range lockoutQuestions {
		if !ticked[q.Value] {
			continue
		}
		details := strings.TrimSpace(a.Details[q.DetailsField])
		if details == "" {
			fe.Add(q.DetailsField, "blank", q.DetailsMissing)
			continue
		}
		e := Event{
			MoveID: c.MoveID, Type: q.EventType, OccurredAt: c.At, RecordedAt: c.At, Notes: details,
			Details: map[string]any{}, Rels: map[string]string{}, CreatedBy: c.By,
		}
		if c.LocationID != "" && q.EventType != EventPerGeneric {
			e.Rels["location"] = c.LocationID
		}
		if q.EventType == EventPerGeneric {
			e.Details["summary"] = details
		}
		events = append(events, e)
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return events, nil
}
