package moves

import "slices"

// Police custody during a lockout or an overnight lodge: where the person
// was held, and who may record what happened there (DOMAIN.md: police
// "record what happened during a lockout or overnight lodge in their
// custody").

// CustodyLocations are the places a move's log says the person was lodged
// at, as MoveLodgingStart events name them, latest first and each once. A
// lockout ends at such a place too: the escort takes the person to a
// custody suite for the night and records MoveLodgingStart there. An
// event kept but not applied counts as well: it is not applied when no
// lodging was planned there, yet the person is in those cells all the
// same, and the officers there must be able to say what happened.
func CustodyLocations(log []Event) []string {
	var out []string
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if e.Type != EventMoveLodgingStart {
			continue
		}
		if id := e.Rels["location"]; id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// CustodyRecordingLocation is the place a police officer records custody
// events at for a move, and whether they may record them at all: only
// police staff, only at one of the places the person was lodged (custody,
// from CustodyLocations) that the officer holds, and only while the move
// is going ahead or done (not proposed or cancelled). current, when the
// officer has chosen one of those places, is preferred; otherwise the
// latest lodge they hold.
func CustodyRecordingLocation(v Viewer, m Move, custody []string, current string) (string, bool) {
	if v.Role != RolePolice || m.Status == StatusProposed || m.Status == StatusCancelled || !m.Status.Valid() {
		return "", false
	}
	if current != "" && v.Holds(current) && slices.Contains(custody, current) {
		return current, true
	}
	for _, id := range custody {
		if v.Holds(id) {
			return id, true
		}
	}
	return "", false
}

// CanSeeInCustody reports whether police staff may see a move they would
// not otherwise see (it neither starts nor ends at one of their places)
// because the person was lodged in one of their custody suites: they
// record what happened there, and follow the move's timeline.
func CanSeeInCustody(v Viewer, custody []string) bool {
	if v.Role != RolePolice {
		return false
	}
	return slices.ContainsFunc(custody, v.Holds)
}

// ImportantEvent reports whether an event is one list cards tag and the
// timeline marks: incidents and medical events, and changes of the
// person's property. Handover and lodging events are important upstream
// but are shown as the move's banners, not tags.
func ImportantEvent(t EventType) bool {
	// spec, not SpecFor: only the class is read, and a copy of the spec
	// is several allocations.
	s, ok := spec(t)
	if !ok {
		return false
	}
	return s.Class == ClassIncident || s.Class == ClassMedical || t == EventPerPropertyChange
}

// ImportantEventTypes lists every important event type in catalogue
// order, for queries that fetch only those (every day list's).
func ImportantEventTypes() []EventType {
	var out []EventType
	for i := range catalogue {
		if t := catalogue[i].Type; ImportantEvent(t) {
			out = append(out, t)
		}
	}
	return out
}
