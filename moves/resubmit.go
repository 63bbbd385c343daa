package moves

// When PMU rejects a request because more information is required, the
// requester may add it and send the request again (upstream leaves them to
// start over). The rejected move stays cancelled, as final moves do; the
// request is sent again as a new proposed move linked to it (its
// original, as a rebooked move is), and the rejected move's log records
// MoveResubmit naming the new one, so PMU sees it back in review and both
// timelines tell the story.

// EventMoveResubmit records that a request rejected for more information
// was sent again with it.
const EventMoveResubmit EventType = "MoveResubmit"

// RejectionMoreInfo is the rejection reason that invites the requester to
// send the request again.
const RejectionMoreInfo = "more_info_required"

// ActionResubmit sends a request rejected for more information again.
const ActionResubmit Action = "resubmit"

// MaxResubmitInformation bounds the information added.
const MaxResubmitInformation = 1000

// MaxComment bounds a free-text reason given with an action (a
// cancellation's "more information", a custody event's details).
const MaxComment = 1000

// Resubmittable reports whether m is a request PMU rejected for more
// information that was not rebooked automatically (a rebooked request is
// already back in review; its information is changed there instead). An
// allocation's place that nobody was added to is not: sending it again
// books a move, and there is no person to book it for.
func Resubmittable(m Move) bool {
	c := m.Cancellation
	return m.Status == StatusCancelled && c.Reason == "rejected" && c.RejectionReason == RejectionMoreInfo && !c.Rebook && Rebookable(m)
}

// resubmitAllowed: those who may request a move from where m starts may
// send it again: PMU, and prison staff for moves from a prison or other
// detained place (the requests PMU reviews come from there).
func resubmitAllowed(role Role, m Move, from Location) bool {
	if !Resubmittable(m) {
		return false
	}
	switch role {
	case RolePMU:
		return true
	case RolePrison, RolePolice:
		return len(MoveTypesFor(role, from.Type)) > 0
	}
	return false
}

func resubmitEventSpec() EventSpec {
	return EventSpec{Type: EventMoveResubmit, Class: ClassDefault, StaffOnly: true, ChangesMove: true,
		Details: []DetailSpec{
			{Key: "information", Kind: KindString, Required: true, Description: "The information added for PMU."},
		},
		Rels:        []RelSpec{{Name: "resubmitted_move", Kind: "moves", Required: true}},
		Description: "Staff sent again a request that PMU rejected because more information was required, adding it; the new request (resubmitted_move) waits for review."}
}
