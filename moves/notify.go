package moves

// Change is a kind of change a supplier may be told about (issue 12,
// "Tell suppliers").
type Change int

const (
	// ChangeCreated: a move was booked.
	ChangeCreated Change = iota + 1
	// ChangeUpdated: a move's details changed (date, destination, notes,
	// time due, type) but not its status.
	ChangeUpdated
	// ChangeStatus: a move's status changed.
	ChangeStatus
	// ChangeEvent: an event was recorded on a move.
	ChangeEvent
)

// SystemActor is who the service itself records events as (for example
// MoveNotifySupplierOfMoveRequest once a supplier has been told).
const SystemActor = "system"

// Notice is what NotificationType needs to know about one change for one
// supplier.
type Notice struct {
	Change Change
	// Status is the move's status after the change.
	Status Status
	// Own: the supplier is the move's own supplier; otherwise it serves the
	// destination of a move that crosses between suppliers.
	Own bool
	// HeardOf: the supplier has already been sent a notification that
	// introduced the move (create_move, or cross_supplier_move_add).
	HeardOf bool
	// Recipient is the supplier being told; EventSupplierID the supplier
	// whose client recorded the event ("" when not a supplier), and
	// EventBy who recorded it.
	Recipient       string
	EventSupplierID string
	EventBy         string
	EventType       EventType
	// Rejected: the move was cancelled by a rejection.
	Rejected bool
}

// NotificationType returns upstream's event_type for telling a supplier
// about a change, or "" when the supplier is not told. The rules, as
// upstream's: nothing about a proposed move (it is not theirs to act on
// yet); a supplier that has not heard of a move is first told of it as
// created (so approving a proposed move sends create_move); the supplier
// of a crossing move's destination is told with the cross_supplier_ types;
// an event is told to every supplier of the move except the one that
// recorded it, and events the service records itself are not told.
func NotificationType(n Notice) string {
	if n.Status == StatusProposed || n.Status == "" {
		return ""
	}
	if n.Change == ChangeEvent {
		// Decided by the event's type, never by who it names: created_by
		// is free text an internal client or a username can set to
		// "system", and that must not silence an acknowledged event.
		if n.EventType == EventMoveNotifySupplierOfMoveRequest {
			return ""
		}
		if n.EventSupplierID != "" && n.EventSupplierID == n.Recipient {
			return ""
		}
		if !n.HeardOf && n.Status == StatusCancelled && n.Rejected {
			// A rejected proposal's rejection, or its resubmission: the
			// supplier was never told of the move, and is not now. (A
			// move cancelled otherwise before its supplier subscribed is
			// still told of its events, as upstream tells them.)
			return ""
		}
		return "create_event"
	}
	if !n.HeardOf {
		if n.Status == StatusCancelled {
			// Cancelled before the supplier was ever told of it (a
			// rejected proposal): nothing to act on.
			return ""
		}
		if n.Own {
			return "create_move"
		}
		return "cross_supplier_move_add"
	}
	switch {
	case n.Own && n.Change == ChangeStatus:
		return "update_move_status"
	case n.Own:
		return "update_move"
	case n.Change == ChangeStatus:
		return "cross_supplier_move_update_status"
	default:
		return "cross_supplier_move_update"
	}
}

// HeardOfMatters says whether NotificationType's answer for a change of a
// move now in status s (rejected: cancelled by a rejection) can depend on
// Notice.HeardOf, so that whoever builds a Notice looks it up only when
// it can change the answer: an event is told as create_event whether or
// not the supplier has heard of the move, unless on a rejected proposal.
func HeardOfMatters(c Change, s Status, rejected bool) bool {
	return c != ChangeEvent || (s == StatusCancelled && rejected)
}

// Introduces says whether a notification of this type tells a supplier of
// a move for the first time.
func Introduces(eventType string) bool {
	return eventType == "create_move" || eventType == "cross_supplier_move_add"
}
