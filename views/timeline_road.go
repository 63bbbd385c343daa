package views

import (
	"strconv"
	"strings"

	"github.com/securemove/securemove/moves"
)

// TimelineJourney is what a timeline needs to name a journey: its number
// among the move's journeys and its two ends.
type TimelineJourney struct {
	Number int
	FromID string
	ToID   string
}

// journey names the journey an event is about, mid-sentence: "journey 2
// from HMP Leeds to Southwark Crown Court", or "a journey" when the
// timeline was not told about it.
func (n TimelineNames) journey(e moves.Event) string {
	j, ok := n.Journeys[e.JourneyID]
	from, to := j.FromID, j.ToID
	if e.Type == moves.EventJourneyCreate {
		// The creating event carries the ends itself.
		from, to = cmpOr(e.Rels["from_location"], from), cmpOr(e.Rels["to_location"], to)
	}
	s := "a journey"
	if ok && j.Number > 0 {
		s = "journey " + strconv.Itoa(j.Number)
	}
	if from != "" && to != "" {
		s += " from " + n.location(from) + " to " + n.location(to)
	}
	return s
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// roadHeadings names the journey, lodging and custody events.
var roadHeadings = map[moves.EventType]string{
	moves.EventJourneyCreate:                "Journey added",
	moves.EventJourneyUpdate:                "Journey changed",
	moves.EventJourneyStart:                 "Journey started",
	moves.EventJourneyComplete:              "Journey completed",
	moves.EventJourneyCancel:                "Journey cancelled",
	moves.EventJourneyReject:                "Journey rejected",
	moves.EventJourneyUncancel:              "Journey cancellation undone",
	moves.EventJourneyUncomplete:            "Journey completion undone",
	moves.EventJourneyChangeVehicle:         "Vehicle changed",
	moves.EventJourneyLockout:               "Journey locked out",
	moves.EventJourneyLodging:               "Journey to an overnight lodge",
	moves.EventJourneyPersonBoardsVehicle:   "Person got into the vehicle",
	moves.EventJourneyPersonLeaveVehicle:    "Person got out of the vehicle",
	moves.EventJourneyArriveAtOuterGate:     "Arrived at the outer gate",
	moves.EventJourneyExitThroughOuterGate:  "Left through the outer gate",
	moves.EventJourneyReadyToExit:           "Ready to leave",
	moves.EventJourneyAdmitToReception:      "Admitted to reception",
	moves.EventJourneyAdmitThroughOuterGate: "Let in through the outer gate",
	moves.EventJourneyHandoverToDestination: "Handed over to the destination",
	moves.EventJourneyHandoverToSupplier:    "Handed over to the supplier",
	moves.EventLodgingCreate:                "Overnight lodge planned",
	moves.EventLodgingUpdate:                "Overnight lodge changed",
	moves.EventLodgingCancel:                "Overnight lodge cancelled",
	moves.EventPerViolentDangerous:          "Violence",
	moves.EventPerWeapons:                   "Weapon made or used",
	moves.EventPerConcealed:                 "Restricted item found",
	moves.EventPerSelfHarm:                  "Self-harm or suicide attempt",
	moves.EventPerEscape:                    "Escape or attempted escape",
	moves.EventPerMedicalAid:                "Medical attention",
	moves.EventPerMedicalDrugsAlcohol:       "Signs of drug or alcohol abuse",
	moves.EventPerMedicalMedication:         "Medication given",
	moves.EventPerMedicalMentalHealth:       "Change in mood or mental health",
	moves.EventPerPropertyChange:            "Property change",
	moves.EventPerGeneric:                   "Other event",
}

// journeyStatusAfter is the journey status an applied journey event leaves
// it in, for the events that set one.
func journeyStatusAfter(t moves.EventType) (moves.JourneyStatus, bool) {
	switch t {
	case moves.EventJourneyStart, moves.EventJourneyUncancel, moves.EventJourneyUncomplete:
		return moves.JourneyInProgress, true
	case moves.EventJourneyComplete:
		return moves.JourneyCompleted, true
	case moves.EventJourneyCancel:
		return moves.JourneyCancelled, true
	case moves.EventJourneyReject:
		return moves.JourneyRejected, true
	}
	return "", false
}

// JourneyStatusTagClass gives each journey status its GOV.UK tag colour,
// matching the move statuses they resemble.
func JourneyStatusTagClass(s moves.JourneyStatus) string {
	switch s {
	case moves.JourneyInProgress:
		return "govuk-tag--purple"
	case moves.JourneyCompleted:
		return "govuk-tag--green"
	case moves.JourneyCancelled, moves.JourneyRejected:
		return "govuk-tag--red"
	}
	return "govuk-tag--yellow"
}

// vehicleWords is ", vehicle AB12 CDE" and the depot, or "".
func vehicleWords(e moves.Event) string {
	s := ""
	if r := strings.TrimSpace(e.Str("vehicle_reg")); r != "" {
		s += ", vehicle " + r
	}
	if d := strings.TrimSpace(e.Str("vehicle_depot")); d != "" {
		s += " from the " + d + " depot"
	}
	return s
}

func staffNumber(prefix string, e moves.Event) string {
	if p := strings.TrimSpace(e.Str("supplier_personnel_number")); p != "" {
		return prefix + "supplier staff number " + p
	}
	return ""
}

// describeRoad words journey, lodging and custody events; ok is false for
// any other type.
func describeRoad(e moves.Event, n TimelineNames) (string, string, bool) {
	heading, ok := roadHeadings[e.Type]
	if !ok {
		return "", "", false
	}
	j := n.journey(e)
	J := upperFirst(j)
	at := func(rel string) string { return n.location(e.Rels[rel]) }
	switch e.Type {
	case moves.EventJourneyCreate:
		s := J + " was added"
		if d := e.Str("date"); d != "" {
			s += " for " + LongDate(d)
		}
		s += vehicleWords(e)
		if id := strings.TrimSpace(e.Str("vehicle_id")); id != "" {
			s += " (vehicle identification " + id + ")"
		}
		return heading, sentence(s, billing(e)), true
	case moves.EventJourneyUpdate:
		var parts []string
		if b := billing(e); b != "" {
			parts = append(parts, b)
		}
		if d := e.Str("date"); d != "" {
			parts = append(parts, "The date is now "+LongDate(d))
		}
		reg, depot, id := strings.TrimSpace(e.Str("vehicle_reg")), strings.TrimSpace(e.Str("vehicle_depot")), strings.TrimSpace(e.Str("vehicle_id"))
		if replaced, _ := e.Details[moves.DetailVehicleReplaced].(bool); replaced {
			// The whole vehicle: what it does not name is gone.
			var v []string
			if reg != "" {
				v = append(v, reg)
			}
			if id != "" {
				v = append(v, "identification "+id)
			}
			if depot != "" {
				v = append(v, "from the "+depot+" depot")
			}
			if len(v) == 0 {
				parts = append(parts, "Its vehicle was removed")
			} else {
				parts = append(parts, "Its vehicle is now "+strings.Join(v, ", "))
			}
		} else {
			if reg != "" {
				parts = append(parts, "The vehicle is now "+reg)
			}
			if depot != "" {
				parts = append(parts, "The vehicle's depot is now "+depot)
			}
			if id != "" {
				parts = append(parts, "The vehicle identification is now "+id)
			}
		}
		return heading, sentence(append([]string{J + " was changed"}, parts...)...), true
	case moves.EventJourneyStart:
		return heading, sentence(J + " started" + vehicleWords(e)), true
	case moves.EventJourneyComplete:
		return heading, sentence(J + " was completed" + vehicleWords(e)), true
	case moves.EventJourneyCancel:
		return heading, sentence(J + " was cancelled"), true
	case moves.EventJourneyReject:
		return heading, sentence(J + " was rejected by the supplier"), true
	case moves.EventJourneyUncancel:
		return heading, sentence(J + " is back in progress after being cancelled"), true
	case moves.EventJourneyUncomplete:
		return heading, sentence(J + " is back in progress after being recorded as completed"), true
	case moves.EventJourneyChangeVehicle:
		s := "On " + j + ", the person moved to vehicle " + strings.TrimSpace(e.Str("vehicle_reg"))
		if p := strings.TrimSpace(e.Str("previous_vehicle_reg")); p != "" {
			s += " from vehicle " + p
		}
		if d := strings.TrimSpace(e.Str("vehicle_depot")); d != "" {
			s += " (" + d + " depot)"
		}
		return heading, sentence(s), true
	case moves.EventJourneyLockout:
		return heading, sentence("On " + j + ", the vehicle was locked out of " + at("from_location")), true
	case moves.EventJourneyLodging:
		return heading, sentence(J + " ended at an overnight lodge at " + at("to_location")), true
	case moves.EventJourneyPersonBoardsVehicle:
		return heading, sentence("On " + j + ", the person got into the " + lowerLabel(moves.Label(moves.VehicleTypeLabels, e.Str("vehicle_type"))) +
			" " + strings.TrimSpace(e.Str("vehicle_reg"))), true
	case moves.EventJourneyPersonLeaveVehicle:
		return heading, sentence("On " + j + ", the person got out of the vehicle" + regSuffix(e)), true
	case moves.EventJourneyArriveAtOuterGate:
		return heading, sentence("On " + j + ", the vehicle" + regSuffix(e) + " arrived at the outer gate of " + at("location")), true
	case moves.EventJourneyExitThroughOuterGate:
		return heading, sentence("On " + j + ", the vehicle" + regSuffix(e) + " left " + at("location") + " through its outer gate"), true
	case moves.EventJourneyReadyToExit:
		return heading, sentence("On " + j + ", the vehicle" + regSuffix(e) + " was loaded and ready to leave " + at("location")), true
	case moves.EventJourneyAdmitToReception:
		return heading, sentence("On " + j + ", the person was admitted to reception at " + at("location") + vehicleWords(e)), true
	case moves.EventJourneyAdmitThroughOuterGate:
		return heading, sentence("On " + j + ", the vehicle" + regSuffix(e) + " was let in through the outer gate of " + at("location") + staffNumber(", recorded by ", e)), true
	case moves.EventJourneyHandoverToDestination:
		return heading, sentence("On " + j + ", the person was handed over to the destination" + staffNumber(" by ", e)), true
	case moves.EventJourneyHandoverToSupplier:
		return heading, sentence("On " + j + ", the person was handed over to the supplier" + staffNumber(", received by ", e)), true
	case moves.EventLodgingCreate:
		return heading, sentence("The person will lodge overnight at " + at("location") + stay(e.Str("start_date"), e.Str("end_date"))), true
	case moves.EventLodgingUpdate:
		return heading, lodgingUpdate(e, n), true
	case moves.EventLodgingCancel:
		reason := ""
		if r := e.Str("cancellation_reason"); r != "" {
			reason = "Reason: " + moves.Label(moves.LodgingCancellationReasonLabels, r)
		}
		return heading, sentence("The overnight lodge at "+at("location")+stay(e.Str("start_date"), e.Str("end_date"))+" was cancelled", reason, comment(e)), true
	case moves.EventPerGeneric:
		s := "Something else happened"
		if st := strings.TrimSpace(e.Str("stakeholder")); st != "" {
			s += ", recorded by " + st
		}
		var parts []string
		if sm := strings.TrimSpace(e.Str("summary")); sm != "" {
			parts = append(parts, "Summary: "+sm)
		}
		if f := strings.TrimSpace(e.Str("further_details")); f != "" {
			parts = append(parts, "Further details: "+f)
		}
		return heading, sentence(append([]string{s}, parts...)...), true
	}
	opening := custodyOpenings[e.Type]
	if l := e.Rels["location"]; l != "" {
		opening += " at " + n.location(l)
	}
	return heading, sentence(append([]string{opening}, custodyParts(e)...)...), true
}

// billing words a billable detail, or "" without one.
func billing(e moves.Event) string {
	b, ok := e.Details["billable"].(bool)
	switch {
	case !ok:
		return ""
	case b:
		return "The supplier is paid for it"
	}
	return "The supplier is not paid for it"
}

func regSuffix(e moves.Event) string {
	if r := strings.TrimSpace(e.Str("vehicle_reg")); r != "" {
		return " " + r
	}
	return ""
}

// stay is " from Friday 27 November 2026 to Saturday 28 November 2026".
func stay(start, end string) string {
	s := ""
	if start != "" {
		s += " from " + LongDate(start)
	}
	if end != "" {
		s += " to " + LongDate(end)
	}
	return s
}

// change words one changed value: "from A to B", "to B", or "was A".
func change(what, old, new string) string {
	switch {
	case old != "" && new != "":
		return what + " changed from " + old + " to " + new
	case new != "":
		return what + " changed to " + new
	case old != "":
		return what + " was " + old
	}
	return ""
}

func lodgingUpdate(e moves.Event, n TimelineNames) string {
	date := func(k string) string {
		if v := e.Str(k); v != "" {
			return LongDate(v)
		}
		return ""
	}
	place := func(k string) string {
		if id := e.Rels[k]; id != "" {
			return n.location(id)
		}
		return ""
	}
	return sentence("The overnight lodge changed",
		change("Place", place("old_location"), place("location")),
		change("Start date", date("old_start_date"), date("start_date")),
		change("End date", date("old_end_date"), date("end_date")))
}

// custodyOpenings start the sentence of what police record in custody.
var custodyOpenings = map[moves.EventType]string{
	moves.EventPerViolentDangerous:    "The person was violent or dangerous",
	moves.EventPerWeapons:             "The person made or used a weapon",
	moves.EventPerConcealed:           "A restricted item was found on the person",
	moves.EventPerSelfHarm:            "The person self-harmed or tried to take their own life",
	moves.EventPerEscape:              "The person escaped or tried to escape",
	moves.EventPerMedicalAid:          "The person received medical attention",
	moves.EventPerMedicalDrugsAlcohol: "The person showed signs of drug or alcohol abuse",
	moves.EventPerMedicalMedication:   "The person was given medication",
	moves.EventPerMedicalMentalHealth: "The person's mood or mental health changed",
	moves.EventPerPropertyChange:      "The person's property changed",
}

func custodyParts(e moves.Event) []string {
	var parts []string
	who := func(by, at string) string {
		s := ""
		if b := strings.TrimSpace(e.Str(by)); b != "" {
			s += " by " + b
		}
		if t := timeDetail(e.Str(at)); t != "" {
			s += " at " + t
		}
		return s
	}
	if s := who("advised_by", "advised_at"); s != "" {
		parts = append(parts, "Advised"+s)
	}
	if s := who("treated_by", "treated_at"); s != "" {
		parts = append(parts, "Treated"+s)
	}
	if v := strings.TrimSpace(e.Str("vehicle_reg")); v != "" {
		parts = append(parts, "Vehicle registration: "+v)
	}
	if s := strings.TrimSpace(e.Str("supplier_personnel_number")); s != "" {
		parts = append(parts, "Supplier staff: "+s)
	}
	if p := strings.TrimSpace(e.Str("police_personnel_number")); p != "" {
		parts = append(parts, "Police officer: "+p)
	}
	return parts
}
