package moves

// Action is something a person may do to a move in the browser.
type Action string

// Actions a person may take on a move. Each one records the event of the
// same name (change_date records MoveDateChanged; request creates a move).
const (
	ActionApprove    Action = "approve"
	ActionReject     Action = "reject"
	ActionCancel     Action = "cancel"
	ActionRedirect   Action = "redirect"
	ActionChangeDate Action = "change_date"
	ActionRequest    Action = "request"
	// ActionChange changes a request before the person leaves custody:
	// its time due and additional information, or the person's risk,
	// health and court information (MoveUpdate, ProfileUpdate).
	ActionChange Action = "change"
	// ActionLodge adds, changes and cancels a move's overnight lodges
	// (issue 11): PMU's, on a move with a date that is not over.
	ActionLodge Action = "lodge"
)

// Actions lists every action.
var Actions = []Action{ActionApprove, ActionReject, ActionCancel, ActionRedirect, ActionChangeDate, ActionRequest, ActionChange, ActionLodge, ActionResubmit}

func statusIn(s Status, list ...Status) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Allowed reports whether a user with role may take action a on move m,
// whose starting location is from. The caller checks that the user holds
// that location (or, for PMU, may see it); this checks only the role,
// the move's status and the kind of place it starts from. For
// ActionRequest, m is ignored: it asks whether the role may request moves
// from that location at all.
//
// Police and prison staff may act only on moves that have not left
// custody; once a vehicle is on the road only PMU may cancel or redirect.
// Nobody changes the date of a proposed move: approving it sets its date.
func Allowed(role Role, a Action, m Move, from Location) bool {
	if a == ActionRequest {
		return len(MoveTypesFor(role, from.Type)) > 0
	}
	if a == ActionResubmit {
		return resubmitAllowed(role, m, from)
	}
	s := m.Status
	if m.AllocationID != "" {
		// An allocation's places change date together (the allocation's
		// own page), and only PMU, who made it, cancels one of them.
		if a == ActionChangeDate || (a == ActionCancel && role != RolePMU) {
			return false
		}
	}
	switch role {
	case RolePMU:
		switch a {
		case ActionApprove:
			return s == StatusProposed
		case ActionReject:
			return statusIn(s, StatusProposed, StatusRequested)
		case ActionCancel, ActionRedirect:
			return s.Valid() && !s.Final()
		case ActionChangeDate:
			return statusIn(s, StatusRequested, StatusBooked)
		case ActionChange:
			return ChangeableStatus(s)
		case ActionLodge:
			return statusIn(s, StatusRequested, StatusBooked, StatusInTransit)
		}
	case RolePolice:
		if from.Type != LocPolice {
			return false
		}
		switch a {
		case ActionCancel, ActionRedirect:
			return statusIn(s, StatusProposed, StatusRequested, StatusBooked)
		case ActionChangeDate:
			return statusIn(s, StatusRequested, StatusBooked)
		case ActionChange:
			return ChangeableStatus(s)
		}
	case RolePrison:
		if !from.Type.Detained() {
			return false
		}
		switch a {
		case ActionCancel:
			return statusIn(s, StatusProposed, StatusRequested, StatusBooked)
		case ActionChangeDate:
			return statusIn(s, StatusRequested, StatusBooked)
		case ActionChange:
			return ChangeableStatus(s)
		}
	}
	return false
}

var (
	policeMoveTypes   = []MoveType{CourtAppearance, Hospital, PrisonRecall, PoliceTransfer, VideoRemand}
	detainedMoveTypes = []MoveType{PrisonTransfer, CourtAppearance, Hospital}
)

// naturalMoveTypes is what is usually booked from a kind of place. Courts,
// hospitals and approved premises send people back into custody or on to
// another hearing; staff there do not book, but PMU may for them.
func naturalMoveTypes(from LocationType) []MoveType {
	switch from {
	case LocPolice:
		return policeMoveTypes
	case LocPrison, LocYOI, LocSCH, LocSTC:
		return detainedMoveTypes
	case LocCourt:
		return []MoveType{PrisonRemand, CourtOther, Hospital}
	case LocHospital, LocHighSecurityHospital, LocApprovedPremises:
		return []MoveType{PrisonRemand, CourtAppearance, CourtOther}
	}
	return nil
}

// MoveTypesFor lists the move types a user with role may request from a
// location of type from, in the order a form should offer them. Secure
// children's homes and secure training centres count as prisons here.
func MoveTypesFor(role Role, from LocationType) []MoveType {
	var out []MoveType
	switch role {
	case RolePolice:
		if from == LocPolice {
			out = policeMoveTypes
		}
	case RolePrison:
		if from.Detained() {
			out = detainedMoveTypes
		}
		if from == LocPrison || from == LocYOI {
			// Upstream offers approved premises and extradition moves
			// from prisons only, not from secure children's homes or
			// training centres.
			out = append(append([]MoveType(nil), out...), ApprovedPremises, Extradition)
		}
	case RolePMU:
		out = naturalMoveTypes(from)
	}
	return append([]MoveType(nil), out...)
}
