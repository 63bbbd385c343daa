package views

import "github.com/securemove/securemove/moves"

// EventHeading is an event type's heading as the timeline shows it
// ("Violence", "Medical attention"), for tags that link to the event.
func EventHeading(t moves.EventType) string {
	if h, ok := roadHeadings[t]; ok {
		return h
	}
	if h, ok := timelineHeadings[t]; ok {
		return h
	}
	return splitWords(string(t))
}

// ImportantEventTagClass colours an important event's tag as the timeline
// does: incidents red, medical events orange, the rest grey.
func ImportantEventTagClass(t moves.EventType) string {
	switch moves.ClassOf(t) {
	case moves.ClassIncident:
		return "govuk-tag--red"
	case moves.ClassMedical:
		return "govuk-tag--orange"
	}
	return "govuk-tag--grey"
}
