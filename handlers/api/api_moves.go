package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// Sort keys of GET /api/moves.
var apiMoveSorts = []string{"date", "created_at", "date_from", "name", "from_location", "to_location"}

func apiStatusNames() []string {
	out := make([]string, len(moves.Statuses))
	for i, s := range moves.Statuses {
		out[i] = string(s)
	}
	return out
}

func apiMoveTypeNames() []string {
	out := make([]string, len(moves.MoveTypes))
	for i, t := range moves.MoveTypes {
		out[i] = string(t)
	}
	return out
}

// apiLondonMidnight is the start of a serve.London date, as an instant.
func apiLondonMidnight(date string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, date, serve.London)
	return d
}

// ListMoves lists the moves the client may see: GET /api/moves.
func (h *Handlers) ListMoves(c echo.Context) error {
	q := newAPIQueryReader(c, "filter[from_location_id]", "filter[to_location_id]", "filter[location_id]", "filter[status]",
		"filter[move_type]", "filter[date_from]", "filter[date_to]", "filter[created_at_from]", "filter[created_at_to]",
		"filter[supplier_id]", "filter[reference]", "filter[person_id]", "filter[cancellation_reason]", "filter[rejection_reason]",
		"filter[has_relationship_to_allocation]", "sort[by]", "sort[direction]", "page", "per_page", "include")
	f := store.MoveFilter{
		FromIDs:             q.ids("filter[from_location_id]"),
		ToIDs:               q.ids("filter[to_location_id]"),
		EitherIDs:           q.ids("filter[location_id]"),
		SupplierIDs:         q.ids("filter[supplier_id]"),
		References:          q.list("filter[reference]"),
		CancellationReasons: q.oneOf("filter[cancellation_reason]", moves.CancellationReasons),
		RejectionReasons:    q.oneOf("filter[rejection_reason]", moves.RejectionReasons),
	}
	for _, s := range q.oneOf("filter[status]", apiStatusNames()) {
		f.Statuses = append(f.Statuses, moves.Status(s))
	}
	for _, t := range q.oneOf("filter[move_type]", apiMoveTypeNames()) {
		f.MoveTypes = append(f.MoveTypes, moves.MoveType(t))
	}
	for i, r := range f.References {
		f.References[i] = strings.ToUpper(r)
	}
	switch v := q.one("filter[has_relationship_to_allocation]"); v {
	case "":
	case "true", "false":
		yes := v == "true"
		f.HasAllocation = &yes
	default:
		q.bad("filter[has_relationship_to_allocation]", "inclusion", "filter[has_relationship_to_allocation] must be true or false")
	}
	if ids := q.ids("filter[person_id]"); len(ids) > 1 {
		q.bad("filter[person_id]", "invalid", "filter[person_id] takes one id")
	} else if len(ids) == 1 {
		f.PersonID = ids[0]
	}
	dateParam := func(name string) string {
		v := q.one(name)
		if v == "" {
			return ""
		}
		d, err := moves.ParseDate(v)
		if err != nil {
			q.bad(name, "invalid", name+" must be a real date written YYYY-MM-DD, such as 2026-11-22")
			return ""
		}
		return d
	}
	f.DateFrom, f.DateTo = dateParam("filter[date_from]"), dateParam("filter[date_to]")
	if f.DateFrom != "" && f.DateTo != "" && f.DateTo < f.DateFrom {
		q.bad("filter[date_to]", "invalid", "filter[date_to] must be the same as or after filter[date_from]")
	}
	if d := dateParam("filter[created_at_from]"); d != "" {
		f.CreatedFrom = apiLondonMidnight(d)
	}
	if d := dateParam("filter[created_at_to]"); d != "" {
		f.CreatedTo = apiLondonMidnight(moves.AddDays(d, 1))
	}
	by, dir := q.one("sort[by]"), strings.ToLower(q.one("sort[direction]"))
	switch {
	case by == "" && dir != "":
		q.bad("sort[direction]", "invalid", "sort[direction] needs sort[by]")
	case by == "":
		f.Sort, f.Desc = "date", true // upstream's default: latest date first
	case !slices.Contains(apiMoveSorts, by):
		q.bad("sort[by]", "inclusion", fmt.Sprintf("sort[by] must be one of %s", strings.Join(apiMoveSorts, ", ")))
	default:
		f.Sort = by
	}
	switch dir {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		q.bad("sort[direction]", "inclusion", "sort[direction] must be asc or desc")
	}
	page, perPage := q.page()
	inc := q.include(apiMoveIncludes)
	if err := q.err(); err != nil {
		return err
	}
	if cl := apiClient(c); cl.SupplierID != "" {
		// A supplier's client sees its own supplier's moves, whatever
		// filter[supplier_id] asks for.
		if len(f.SupplierIDs) > 0 && !slices.Contains(f.SupplierIDs, cl.SupplierID) {
			f.SupplierIDs = []string{"none"}
		} else {
			f.SupplierIDs = []string{cl.SupplierID}
		}
	}
	f.Limit, f.Offset = perPage, (page-1)*perPage
	rows, total, err := h.Store.ListMoves(c.Request().Context(), f)
	if err != nil {
		return err
	}
	ms := make([]moves.Move, len(rows))
	data := make([]apiResource, len(rows))
	// The list's query read each move's person with it: included people
	// come from there rather than from a query per move.
	people := make(map[string]moves.Person, len(rows))
	profiles := make(map[string]moves.Profile, len(rows))
	for i, r := range rows {
		ms[i] = r.Move
		if r.ProfileID != "" {
			profiles[r.ProfileID] = moves.Profile{ID: r.ProfileID, Flags: r.Flags}
		}
		data[i] = h.moveResource(c, r.Move)
		if r.Person.ID != "" {
			people[r.Person.ID] = r.Person
		}
	}
	if err := h.addSection46(c, ms, data, profiles); err != nil {
		return err
	}
	var in apiIncluded
	if err := h.includeMoves(c, ms, data, inc, people, &in); err != nil {
		return err
	}
	links, meta := h.paginate(c, page, perPage, total)
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Included: in.list, Links: links, Meta: meta})
}

// GetMove shows one move: GET /api/moves/:id.
func (h *Handlers) GetMove(c echo.Context) error {
	q := newAPIQueryReader(c, "include")
	inc := q.include(apiMoveIncludes)
	if err := q.err(); err != nil {
		return err
	}
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	data := []apiResource{h.moveResource(c, m)}
	if err := h.addSection46(c, []moves.Move{m}, data, nil); err != nil {
		return err
	}
	var in apiIncluded
	if err := h.includeMoves(c, []moves.Move{m}, data, inc, nil, &in); err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data[0], Included: in.list})
}

var apiMoveCreateBody = apiBodySpec{
	Type:  "moves",
	Attrs: []string{"date", "date_from", "date_to", "time_due", "move_type", "additional_information", "status", "recall_date"},
	Rels:  []string{"from_location", "to_location", "profile", "person", "prison_transfer_reason"},
}

// apiRelID reads a to-one relationship's id, checking the type it names.
func apiRelID(in apiResourceInput, name, typ string, fe *moves.FieldErrors) string {
	ref, ok := in.Rels[name]
	if !ok || ref.Null {
		return ""
	}
	if ref.Type != typ {
		fe.Add("/data/relationships/"+name+"/data/type", "inclusion", fmt.Sprintf("%s must name a resource of type %q, not %q", name, typ, ref.Type))
		return ""
	}
	return ref.ID
}

// PostMove books a move: POST /api/moves. Its status follows from its
// locations: a move between two detained locations is a proposed prison
// transfer that waits for PMU; any other move is requested.
func (h *Handlers) PostMove(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	in, err := apiDecodeResource(body, apiMoveCreateBody)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl := apiClient(c)
	r := &apiAttrReader{attrs: in.Attrs}
	nm := store.NewMove{CreatedBy: apiActor(c), ClientID: cl.ID, At: h.Now()}
	today := h.Today()
	nm.Date, _ = r.moveDate("date", today)
	nm.DateFrom, _ = r.moveDate("date_from", today)
	nm.DateTo, _ = r.moveDate("date_to", today)
	if t, _ := r.timestamp("time_due", false); !t.IsZero() {
		nm.TimeDue = &t
	}
	typ, _ := r.str("move_type")
	nm.MoveType = moves.MoveType(typ)
	nm.Notes, _ = r.str("additional_information")
	if len(nm.Notes) > MaxNotes {
		r.errs.Add(apiAttrPointer("additional_information"), "too_long", fmt.Sprintf("additional_information must be %d characters or fewer", MaxNotes))
	}
	status, _ := r.str("status")
	if status != "" && !moves.Status(status).Valid() {
		r.errs.Add(apiAttrPointer("status"), "inclusion", "status must be one of "+strings.Join(apiStatusNames(), ", "))
	}
	nm.Details.RecallDate, _ = r.date("recall_date")
	if id := apiRelID(in, "prison_transfer_reason", "prison_transfer_reasons", &r.errs); id != "" {
		if nm.Details.TransferReason = apiTransferReasonKey(id); nm.Details.TransferReason == "" {
			r.errs.Add("/data/relationships/prison_transfer_reason", "not_found",
				"prison_transfer_reason does not match a known reason (see /api/reference/prison_transfer_reasons)")
		}
	}
	nm.FromID = apiRelID(in, "from_location", "locations", &r.errs)
	nm.ToID = apiRelID(in, "to_location", "locations", &r.errs)
	profileID := apiRelID(in, "profile", "profiles", &r.errs)
	personID := apiRelID(in, "person", "people", &r.errs)
	if nm.FromID == "" && !r.errs.Has("/data/relationships/from_location/data/type") {
		r.errs.Add("/data/relationships/from_location", "blank", "from_location is required: where the move starts")
	}
	switch {
	case profileID != "":
		pr, err := h.Store.Profile(ctx, profileID)
		if err != nil {
			if moves.ErrorCode(err) != moves.NotFound {
				return err
			}
			r.errs.Add("/data/relationships/profile", "not_found", "profile does not match a known profile")
		} else if personID != "" && personID != pr.PersonID {
			r.errs.Add("/data/relationships/person", "invalid", "person must be the person the profile belongs to")
		} else {
			nm.ProfileID, nm.PersonID = pr.ID, pr.PersonID
		}
	case personID != "":
		nm.PersonID = personID
	default:
		if !r.errs.Has("/data/relationships/profile/data/type") && !r.errs.Has("/data/relationships/person/data/type") {
			r.errs.Add("/data/relationships/person", "blank", "person (or profile) is required: who is being moved")
		}
	}
	if err := r.err(); err != nil {
		return err
	}
	// What the domain will make of it, to check the status asked for and
	// the supplier's right to book it.
	from, errFrom := h.Store.Location(ctx, nm.FromID)
	var to *moves.Location
	if nm.ToID != "" {
		if l, err := h.Store.Location(ctx, nm.ToID); err == nil {
			to = &l
		}
	}
	if errFrom == nil {
		derived := moves.InitialStatus(nm.MoveType, from, to)
		if status != "" && moves.Status(status) != derived {
			return moves.InvalidFields(moves.FieldErrors{{Field: apiAttrPointer("status"), Code: "inclusion",
				Message: fmt.Sprintf("This move would start as %s, not %s: a move between two prisons or other detained locations is proposed and waits for PMU; every other move is requested", derived, status)}})
		}
		day := nm.Date
		if derived == moves.StatusProposed && nm.DateFrom != "" {
			day = nm.DateFrom
		} else if day == "" {
			day = nm.DateFrom
		}
		if cl.SupplierID != "" && day != "" {
			sup, err := h.Store.SupplierFor(ctx, nm.FromID, day)
			if err != nil {
				return err
			}
			if sup != cl.SupplierID {
				return moves.InvalidFields(moves.FieldErrors{{Field: "/data/relationships/from_location", Code: "not_served",
					Message: fmt.Sprintf("Your supplier does not serve %s on %s, so it cannot book a move from there", from.Title, day)}})
			}
		}
	}
	m, err := h.Store.CreateMove(ctx, nm)
	if err != nil {
		return duplicateAsInvalid(err, apiAttrPointer("date"))
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/moves/"+m.ID)
	return h.writeMove(c, http.StatusCreated, m)
}

// PatchMove changes a move's date, additional information or time due:
// PATCH /api/moves/:id. A new date is recorded as a MoveDateChanged event
// in the move's log; status and destination change only through events.
func (h *Handlers) PatchMove(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	in, err := apiDecodeResource(body, apiBodySpec{Type: "moves", ID: m.ID,
		Attrs: []string{"date", "date_changed_reason", "additional_information", "time_due", "status", "move_type"},
		Rels:  []string{"to_location", "from_location"}})
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	if _, ok := in.Attrs["status"]; ok {
		r.errs.Add(apiAttrPointer("status"), "read_only", "status changes only through events: post MoveAccept, MoveStart, MoveComplete, MoveCancel … to /api/events")
	}
	if _, ok := in.Attrs["move_type"]; ok {
		r.errs.Add(apiAttrPointer("move_type"), "read_only", "move_type changes only with a MoveRedirect event posted to /api/events")
	}
	for _, name := range []string{"to_location", "from_location"} {
		if _, ok := in.Rels[name]; ok {
			r.errs.Add("/data/relationships/"+name, "read_only", name+" cannot be changed here: post a MoveRedirect event to /api/events to change the destination")
		}
	}
	date, datePresent := r.date("date")
	if datePresent && date == "" && !r.errs.Has(apiAttrPointer("date")) {
		r.errs.Add(apiAttrPointer("date"), "blank", "date cannot be removed")
	}
	reason, _ := r.str("date_changed_reason")
	if reason != "" && !slices.Contains(moves.DateChangedReasons, reason) {
		r.errs.Add(apiAttrPointer("date_changed_reason"), "inclusion", "date_changed_reason must be one of "+strings.Join(moves.DateChangedReasons, ", "))
	}
	changeDate := date != "" && date != m.Date
	if changeDate {
		// A date the move already has stands; a new one must be
		// plausible.
		if msg := moves.CheckMoveDate("date", date, h.Today()); msg != "" {
			r.errs.Add(apiAttrPointer("date"), "out_of_range", msg)
		}
		if _, ok := moves.Transition(m.Status, moves.EventMoveDateChanged); !ok {
			msg := fmt.Sprintf("The date of a %s move cannot be changed", m.Status)
			if m.Status == moves.StatusProposed {
				msg = "A proposed move gets its date when it is approved (a MoveApprove event), so its date cannot be changed here"
			}
			r.errs.Add(apiAttrPointer("date"), "invalid", msg)
		}
	}
	notes, notesPresent := r.str("additional_information")
	if len(notes) > MaxNotes {
		r.errs.Add(apiAttrPointer("additional_information"), "too_long", fmt.Sprintf("additional_information must be %d characters or fewer", MaxNotes))
	}
	due, duePresent := r.timestamp("time_due", false)
	if err := r.err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl := apiClient(c)
	by := apiActor(c)
	if changeDate {
		now := h.Now().UTC()
		e := moves.Event{MoveID: m.ID, Type: moves.EventMoveDateChanged, OccurredAt: now, RecordedAt: now, CreatedBy: by,
			SupplierID: cl.SupplierID, Details: map[string]any{"date": date}}
		if reason != "" {
			e.Details["date_changed_reason"] = reason
		}
		stored, _, err := h.Store.AppendEvent(ctx, e, store.AppendOptions{ClientID: cl.ID, By: by})
		if err != nil {
			return duplicateAsInvalid(err, apiAttrPointer("date"))
		}
		if !stored.Applied {
			return moves.InvalidFields(moves.FieldErrors{{Field: apiAttrPointer("date"), Code: "invalid", Message: stored.Reason}})
		}
	}
	if notesPresent || duePresent {
		var np *string
		if notesPresent {
			np = &notes
		}
		var dp *time.Time
		if !due.IsZero() {
			dp = &due
		}
		if _, err := h.Store.UpdateMoveDetails(ctx, m.ID, np, dp, duePresent && due.IsZero(), by); err != nil {
			return err
		}
	}
	m, err = h.Store.Move(ctx, m.ID)
	if err != nil {
		return err
	}
	return h.writeMove(c, http.StatusOK, m)
}

// writeMove answers with one move, as GET /api/moves/:id shows it.
func (h *Handlers) writeMove(c echo.Context, status int, m moves.Move) error {
	data := []apiResource{h.moveResource(c, m)}
	if err := h.addSection46(c, []moves.Move{m}, data, nil); err != nil {
		return err
	}
	return apiWriteDoc(c, status, apiDocument{Data: data[0]})
}
