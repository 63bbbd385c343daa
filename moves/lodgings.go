package moves

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // lodging days are London days wherever this runs
)

// LodgingStatus is where an overnight lodging stands.
type LodgingStatus string

const (
	LodgingProposed  LodgingStatus = "proposed"
	LodgingStarted   LodgingStatus = "started"
	LodgingCompleted LodgingStatus = "completed"
	LodgingCancelled LodgingStatus = "cancelled"
)

// LodgingStatuses lists every lodging status in lifecycle order.
var LodgingStatuses = []LodgingStatus{LodgingProposed, LodgingStarted, LodgingCompleted, LodgingCancelled}

// Valid reports whether s is a known lodging status.
func (s LodgingStatus) Valid() bool { return slices.Contains(LodgingStatuses, s) }

// Label is the status in plain English.
func (s LodgingStatus) Label() string { return Label(LodgingStatusLabels, string(s)) }

// LodgingStatusLabels names each lodging status.
var LodgingStatusLabels = map[string]string{
	string(LodgingProposed):  "Proposed",
	string(LodgingStarted):   "Started",
	string(LodgingCompleted): "Completed",
	string(LodgingCancelled): "Cancelled",
}

// LodgingCancellationReasonLabels gives each reason a lodging may be
// cancelled for in plain English: the move's labels, as the reasons are
// the move's (CancellationReasons).
var LodgingCancellationReasonLabels = CancellationReasonLabels

// Lodging is an overnight stop of a move at a location: the person
// arrives on StartDate and leaves on EndDate.
type Lodging struct {
	ID                  string
	MoveID              string
	LocationID          string
	StartDate           string // YYYY-MM-DD
	EndDate             string // YYYY-MM-DD, after StartDate
	Status              LodgingStatus
	CancellationReason  string
	CancellationComment string
	Version             int64
	CreatedAt           time.Time
	CreatedBy           string
	UpdatedAt           time.Time
}

// Nights is the number of nights of the stay, 0 when a date is bad.
func (l Lodging) Nights() int { return daysBetween(l.StartDate, l.EndDate) }

// daysBetween is b − a in days, or 0 when either is not a date.
func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// LodgingTransition returns the status an event of type t leads a
// lodging to from s: MoveLodgingStart starts a proposed lodging,
// MoveLodgingEnd completes a started one and LodgingCancel cancels a
// proposed one.
func LodgingTransition(s LodgingStatus, t EventType) (LodgingStatus, bool) {
	switch {
	case t == EventMoveLodgingStart && s == LodgingProposed:
		return LodgingStarted, true
	case t == EventMoveLodgingEnd && s == LodgingStarted:
		return LodgingCompleted, true
	case t == EventLodgingCancel && s == LodgingProposed:
		return LodgingCancelled, true
	}
	return s, false
}

// NewLodging is what PMU or a client sends to plan a lodging.
type NewLodging struct {
	LocationID string
	StartDate  string
	EndDate    string
}

// ValidateNewLodging checks a lodging about to be added to move m and
// returns it, proposed, or an Invalid error with field errors. Its place
// must be a known location in use other than the move's two ends, and no
// other lodging of the move that is not cancelled may have the same dates.
func ValidateNewLodging(m Move, nl NewLodging, existing []Lodging, locs Locations) (Lodging, error) {
	l := Lodging{MoveID: m.ID, LocationID: strings.TrimSpace(nl.LocationID), Status: LodgingProposed}
	var fe FieldErrors
	checkLodgingLocation(&fe, m, l.LocationID, locs)
	l.StartDate, l.EndDate = checkLodgingDates(&fe, nl.StartDate, nl.EndDate)
	if !fe.Has("start_date") && !fe.Has("end_date") {
		for _, o := range existing {
			if o.Status != LodgingCancelled && o.StartDate == l.StartDate && o.EndDate == l.EndDate {
				fe.Add("start_date", "taken", "The move already has a lodging on these dates")
				break
			}
		}
	}
	if len(fe) > 0 {
		return Lodging{}, InvalidFields(fe)
	}
	return l, nil
}

func checkLodgingLocation(fe *FieldErrors, m Move, id string, locs Locations) {
	if id == "" {
		fe.Add("location", "blank", "Enter the lodge location")
		return
	}
	var place Location
	ok := false
	if locs != nil {
		place, ok = locs.Location(id)
	}
	switch {
	case !ok:
		fe.Add("location", "not_found", "location does not match a known location")
	case place.Disabled:
		fe.Add("location", "invalid", titleOf(place)+" is no longer in use, so the person cannot lodge there")
	case id == m.FromID || id == m.ToID:
		fe.Add("location", "invalid", "The lodge location must be somewhere other than where the move starts or ends")
	}
}

// checkLodgingDates checks a stay's dates and returns them normalised.
func checkLodgingDates(fe *FieldErrors, start, end string) (string, string) {
	s, okS := checkDate(fe, "start_date", strings.TrimSpace(start), "Enter the date the lodging starts")
	e, okE := checkDate(fe, "end_date", strings.TrimSpace(end), "Enter the date the lodging ends")
	if okS && okE && e <= s {
		fe.Add("end_date", "invalid", "The lodging must end at least one day after it starts")
	}
	return s, e
}

// LodgingCreateEvent records the creation of l. The caller sets ID,
// LodgingID, CreatedBy and Seq.
func LodgingCreateEvent(l Lodging, at time.Time) Event {
	return Event{
		MoveID: l.MoveID, LodgingID: l.ID, Type: EventLodgingCreate, OccurredAt: at, RecordedAt: at,
		Details: map[string]any{"start_date": l.StartDate, "end_date": l.EndDate},
		Rels:    map[string]string{"location": l.LocationID},
	}
}

// LodgingChanges is a change asked for one lodging; empty fields stay.
type LodgingChanges struct {
	LocationID string
	StartDate  string
	EndDate    string
}

// LodgingChange is one lodging before and after an update, with the
// LodgingUpdate event that records it.
type LodgingChange struct {
	Before, After Lodging
	Event         Event
}

// UpdateLodging plans a change to the lodging id among the move's
// lodgings. When the stay ends later than it did, every later lodging of
// the move (one starting on or after the old end date, not cancelled or
// completed) moves by the same number of days, so that they neither
// overlap nor leave a gap; a stay that ends earlier moves nothing, since
// PMU may mean to leave the later plans as they are. The first change is
// the lodging asked for, the rest follow latest first, the order in which
// to write them. A change that
// changes nothing gives no changes and no error.
//
// A proposed lodging may change in every way; a started one only its end
// (the person is already there); completed and cancelled ones not at all.
func UpdateLodging(m Move, lodgings []Lodging, id string, c LodgingChanges, at time.Time, locs Locations) ([]LodgingChange, error) {
	i := slices.IndexFunc(lodgings, func(l Lodging) bool { return l.ID == id })
	if i < 0 {
		return nil, Errorf(NotFound, "The move has no such lodging")
	}
	old := lodgings[i]
	next := old
	var fe FieldErrors
	if loc := strings.TrimSpace(c.LocationID); loc != "" && loc != old.LocationID {
		checkLodgingLocation(&fe, m, loc, locs)
		next.LocationID = loc
	}
	start, end := old.StartDate, old.EndDate
	if strings.TrimSpace(c.StartDate) != "" {
		start = c.StartDate
	}
	if strings.TrimSpace(c.EndDate) != "" {
		end = c.EndDate
	}
	next.StartDate, next.EndDate = checkLodgingDates(&fe, start, end)
	if len(fe) > 0 {
		return nil, InvalidFields(fe)
	}
	if next == old {
		return nil, nil
	}
	switch old.Status {
	case LodgingCompleted, LodgingCancelled:
		return nil, Errorf(Conflict, "A %s lodging cannot be changed", old.Status)
	case LodgingStarted:
		if next.LocationID != old.LocationID || next.StartDate != old.StartDate {
			return nil, Errorf(Conflict, "The person is already at this lodging, so only its end date can change")
		}
	}
	for j, o := range lodgings {
		if j != i && o.Status != LodgingCancelled && o.StartDate == next.StartDate && o.EndDate == next.EndDate {
			return nil, InvalidFields(FieldErrors{{Field: "start_date", Code: "taken", Message: "The move already has a lodging on these dates"}})
		}
	}
	changes := []LodgingChange{{Before: old, After: next, Event: lodgingUpdateEvent(old, next, at)}}
	shift := daysBetween(old.EndDate, next.EndDate)
	if shift <= 0 {
		return changes, nil
	}
	var later []Lodging
	for j, o := range lodgings {
		if j != i && o.StartDate >= old.EndDate && (o.Status == LodgingProposed || o.Status == LodgingStarted) {
			later = append(later, o)
		}
	}
	// Latest first: applied one by one, each moves into dates the one
	// before it has already left, so no two ever share dates on the way.
	slices.SortFunc(later, func(a, b Lodging) int { return cmp.Or(cmp.Compare(b.StartDate, a.StartDate), cmp.Compare(a.ID, b.ID)) })
	for _, o := range later {
		n := o
		if o.Status == LodgingProposed {
			n.StartDate = AddDays(o.StartDate, shift)
		}
		n.EndDate = AddDays(o.EndDate, shift)
		changes = append(changes, LodgingChange{Before: o, After: n, Event: lodgingUpdateEvent(o, n, at)})
	}
	return changes, nil
}

// lodgingUpdateEvent records the change from old to next, naming only
// what changed and, with each new value, the old one.
func lodgingUpdateEvent(old, next Lodging, at time.Time) Event {
	e := Event{MoveID: old.MoveID, LodgingID: old.ID, Type: EventLodgingUpdate, OccurredAt: at, RecordedAt: at,
		Details: map[string]any{}, Rels: map[string]string{}}
	if next.StartDate != old.StartDate {
		e.Details["old_start_date"], e.Details["start_date"] = old.StartDate, next.StartDate
	}
	if next.EndDate != old.EndDate {
		e.Details["old_end_date"], e.Details["end_date"] = old.EndDate, next.EndDate
	}
	if next.LocationID != old.LocationID {
		e.Rels["old_location"], e.Rels["location"] = old.LocationID, next.LocationID
	}
	return e
}

// CancelLodging cancels a proposed lodging for reason and returns it with
// the LodgingCancel event to record.
func CancelLodging(l Lodging, reason, comment string, at time.Time) (Lodging, Event, error) {
	if _, ok := LodgingTransition(l.Status, EventLodgingCancel); !ok {
		if l.Status == LodgingCancelled {
			return l, Event{}, Errorf(Conflict, "The lodging is already cancelled")
		}
		return l, Event{}, Errorf(Conflict, "A %s lodging cannot be cancelled", l.Status)
	}
	var fe FieldErrors
	switch {
	case strings.TrimSpace(reason) == "":
		fe.Add("cancellation_reason", "blank", "Select why the overnight lodge is being cancelled")
	case !slices.Contains(CancellationReasons, reason):
		fe.Add("cancellation_reason", "inclusion", "cancellation_reason must be one of "+strings.Join(CancellationReasons, ", "))
	}
	if len(fe) > 0 {
		return l, Event{}, InvalidFields(fe)
	}
	out := l
	out.Status = LodgingCancelled
	out.CancellationReason = reason
	out.CancellationComment = strings.TrimSpace(comment)
	d := map[string]any{"start_date": l.StartDate, "end_date": l.EndDate, "cancellation_reason": reason}
	if out.CancellationComment != "" {
		d["cancellation_reason_comment"] = out.CancellationComment
	}
	return out, Event{MoveID: l.MoveID, LodgingID: l.ID, Type: EventLodgingCancel, OccurredAt: at, RecordedAt: at,
		Details: d, Rels: map[string]string{"location": l.LocationID}}, nil
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("moves: Europe/London time zone data is missing: " + err.Error())
	}
	return l
}()

// LondonDate is the calendar date in Europe/London at instant t.
func LondonDate(t time.Time) string { return t.In(london).Format(time.DateOnly) }

// MatchLodging chooses the lodging a MoveLodgingStart or MoveLodgingEnd
// applies to, among the move's lodgings as they stand at that point of the
// log. A start applies to the proposed lodging at its location that starts
// on the London date it occurred. An end applies to the started lodging
// at its location; with several (which a log should not hold), to the one
// that started last on or before the end's date. Unlike upstream, an end
// need not fall on the start date: a stay lasts at least a night.
//
// It returns the lodging's index, or -1 and the reason none fits.
func MatchLodging(lodgings []Lodging, e Event) (int, string) {
	if e.Type != EventMoveLodgingStart && e.Type != EventMoveLodgingEnd {
		return -1, fmt.Sprintf("%s does not start or end a lodging", string(e.Type))
	}
	at := e.Rels["location"]
	day := LondonDate(e.OccurredAt)
	var here []int
	for i, l := range lodgings {
		if l.LocationID == at {
			here = append(here, i)
		}
	}
	if len(here) == 0 {
		return -1, "The move has no overnight lodging at this location"
	}
	if e.Type == EventMoveLodgingStart {
		var dates []string
		for _, i := range here {
			l := lodgings[i]
			if l.StartDate != day {
				dates = append(dates, l.StartDate)
				continue
			}
			switch l.Status {
			case LodgingProposed:
				return i, ""
			case LodgingCancelled:
				return -1, fmt.Sprintf("The lodging at this location starting on %s was cancelled", day)
			default:
				return -1, fmt.Sprintf("The lodging at this location starting on %s has already started", day)
			}
		}
		slices.Sort(dates)
		return -1, fmt.Sprintf("The move's lodging at this location starts on %s, not on %s", strings.Join(dates, " or "), day)
	}
	best := -1
	for _, i := range here {
		l := lodgings[i]
		if l.Status == LodgingStarted && l.StartDate <= day && (best < 0 || l.StartDate > lodgings[best].StartDate) {
			best = i
		}
	}
	if best >= 0 {
		return best, ""
	}
	for _, i := range here {
		if lodgings[i].Status == LodgingStarted {
			return -1, fmt.Sprintf("The lodging at this location starts on %s, after this end on %s", lodgings[i].StartDate, day)
		}
	}
	return -1, "The lodging at this location has not started, so it cannot end"
}

// ReplayLodgings recomputes the status of a move's lodgings from the
// move's log, which must be in log order (as Replay leaves it). Cancelled
// lodgings stay cancelled; every other one starts proposed and is started
// and completed by the MoveLodgingStart and MoveLodgingEnd events that
// match it (MatchLodging). Those events' Applied and Reason are set in
// place: one that fits no lodging is kept, marked not applied, with the
// reason. Other events are left alone. The returned outcomes are for the
// lodging events only, in log order.
func ReplayLodgings(lodgings []Lodging, log []Event) ([]Lodging, []Outcome) {
	out := slices.Clone(lodgings)
	for i := range out {
		if out[i].Status != LodgingCancelled {
			out[i].Status = LodgingProposed
		}
	}
	var outcomes []Outcome
	for k := range log {
		e := &log[k]
		if e.Type != EventMoveLodgingStart && e.Type != EventMoveLodgingEnd {
			continue
		}
		i, reason := MatchLodging(out, *e)
		if i >= 0 {
			out[i].Status, _ = LodgingTransition(out[i].Status, e.Type)
		}
		e.Applied, e.Reason = reason == "", reason
		outcomes = append(outcomes, Outcome{EventID: e.ID, Applied: e.Applied, Reason: reason, Late: e.Late})
	}
	return out, outcomes
}
