package moves

// JourneyEventsTo lists the events that take a proposed journey to status
// s, in order (none for proposed or an unknown status): the way a journey
// gets there, for setting one up as a supplier's client would.
func JourneyEventsTo(s JourneyStatus) []EventType {
	switch s {
	case JourneyInProgress:
		return []EventType{EventJourneyStart}
	case JourneyCompleted:
		return []EventType{EventJourneyStart, EventJourneyComplete}
	case JourneyCancelled:
		return []EventType{EventJourneyStart, EventJourneyCancel}
	case JourneyRejected:
		return []EventType{EventJourneyReject}
	}
	return nil
}
