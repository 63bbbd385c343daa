package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The allocations API, in upstream's shapes (contract v1 allocation.yaml):
// every client reads (a supplier's client only the allocations it
// carries); only an internal client (no supplier: PMU's systems) creates,
// changes the date of and cancels allocations.

type apiAllocationAttributes struct {
	MovesCount            int                       `json:"moves_count"`
	Date                  string                    `json:"date"`
	Estate                *string                   `json:"estate"`
	EstateComment         *string                   `json:"estate_comment"`
	PrisonerCategory      *string                   `json:"prisoner_category"`
	SentenceLength        *string                   `json:"sentence_length"`
	SentenceLengthComment *string                   `json:"sentence_length_comment"`
	ComplexCases          []moves.ComplexCaseAnswer `json:"complex_cases"`
	CompleteInFull        bool                      `json:"complete_in_full"`
	OtherCriteria         *string                   `json:"other_criteria"`
	RequestedBy           *string                   `json:"requested_by"`
	Status                string                    `json:"status"`
	CancellationReason    *string                   `json:"cancellation_reason"`
	CancellationComment   *string                   `json:"cancellation_reason_comment"`
	CreatedAt             string                    `json:"created_at"`
	UpdatedAt             string                    `json:"updated_at"`
}

// apiSentenceLength: "any" is how the pages say no limit; the API, as
// upstream, says null.
func apiSentenceLength(s string) *string {
	if s == "any" {
		return nil
	}
	return apiStrPtr(s)
}

func (h *Handlers) allocationResource(c echo.Context, a store.AllocationRow, placeIDs []string) apiResource {
	cr := a.Criteria
	cases := cr.ComplexCases
	if cases == nil {
		cases = []moves.ComplexCaseAnswer{}
	}
	ids := make([]apiIdent, 0, len(placeIDs))
	for _, id := range placeIDs {
		ids = append(ids, apiIdent{Type: "moves", ID: id})
	}
	return apiResource{
		ID: a.ID, Type: "allocations",
		Attributes: apiAllocationAttributes{
			MovesCount: a.MovesCount(), Date: a.Date, Estate: apiStrPtr(cr.Estate), EstateComment: apiStrPtr(cr.EstateComment),
			PrisonerCategory: apiStrPtr(cr.PrisonerCategory), SentenceLength: apiSentenceLength(cr.SentenceLength),
			SentenceLengthComment: apiStrPtr(cr.SentenceLengthComment), ComplexCases: cases, CompleteInFull: cr.CompleteInFull,
			OtherCriteria: apiStrPtr(cr.OtherCriteria), RequestedBy: apiStrPtr(a.RequestedBy), Status: string(a.Status()),
			CancellationReason: apiStrPtr(a.CancellationReason), CancellationComment: apiStrPtr(a.CancellationComment),
			CreatedAt: apiTime(a.CreatedAt), UpdatedAt: apiTime(a.UpdatedAt),
		},
		Meta: map[string]any{"moves": map[string]int{"total": a.Total, "filled": a.Filled, "unfilled": a.Unfilled()}},
		Relationships: map[string]any{
			"from_location": apiToOne("locations", a.FromID),
			"to_location":   apiToOne("locations", a.ToID),
			"moves":         apiRelationship{Data: ids},
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/allocations/" + a.ID},
	}
}

// apiAllocation loads an allocation the client may see, with its places.
func (h *Handlers) apiAllocation(c echo.Context, id string) (store.AllocationRow, []string, error) {
	ctx := c.Request().Context()
	a, err := h.Store.Allocation(ctx, id)
	if err != nil {
		return a, nil, moves.Errorf(moves.NotFound, "No allocation with id %q", id)
	}
	places, err := h.Store.AllocationPlaces(ctx, id)
	if err != nil {
		return a, nil, err
	}
	cl := apiClient(c)
	seen := cl.SupplierID == ""
	var ids []string
	for _, p := range places {
		seen = seen || p.SupplierID == cl.SupplierID
		if a.Status() == moves.AllocationCancelled || p.Status != moves.StatusCancelled {
			ids = append(ids, p.ID)
		}
	}
	if !seen {
		return a, nil, moves.Errorf(moves.NotFound, "No allocation with id %q", id)
	}
	return a, ids, nil
}

// apiInternalOnly refuses a supplier's client: allocations are PMU's.
func apiInternalOnly(c echo.Context) error {
	if apiClient(c).SupplierID != "" {
		return moves.Errorf(moves.Forbidden, "Only the Population Management Unit's systems may change allocations")
	}
	return nil
}

// ListAllocations lists allocations: GET /api/allocations, and POST
// /api/allocations/filtered with the same parameters in the query or in
// its JSON body (apiFilteredParams), for lists of locations longer than
// an address may be.
func (h *Handlers) ListAllocations(c echo.Context) error {
	params := c.QueryParams()
	if c.Request().Method == http.MethodPost {
		var err error
		if params, err = apiFilteredParams(c, params); err != nil {
			return err
		}
	}
	q := newAPIParamsReader(params, "filter[from_locations]", "filter[to_locations]", "filter[locations]", "filter[date_from]", "filter[date_to]",
		"filter[status]", "sort[by]", "sort[direction]", "page", "per_page")
	// Every filter is the store's, so that the page and the count agree.
	f := store.AllocationFilter{FromIDs: q.ids("filter[from_locations]"), ToIDs: q.ids("filter[to_locations]"), EitherIDs: q.ids("filter[locations]")}
	for _, name := range []string{"filter[date_from]", "filter[date_to]"} {
		if v := q.one(name); v != "" {
			d, err := moves.ParseDate(v)
			if err != nil {
				q.bad(name, "invalid", name+" must be a date, YYYY-MM-DD")
			}
			if name == "filter[date_from]" {
				f.DateFrom = d
			} else {
				f.DateTo = d
			}
		}
	}
	if st := q.oneOf("filter[status]", []string{"unfilled", "filled", "cancelled"}); len(st) == 1 {
		f.Status = moves.AllocationStatus(st[0])
	} else if len(st) > 1 {
		q.bad("filter[status]", "invalid", "filter[status] takes one status")
	}
	if by := q.oneOf("sort[by]", []string{"date", "moves_count", "from_location", "to_location", "status"}); len(by) == 1 {
		f.Sort = by[0]
	}
	f.Desc = q.one("sort[direction]") == "desc"
	page, perPage := q.page()
	if err := q.err(); err != nil {
		return err
	}
	if cl := apiClient(c); cl.SupplierID != "" {
		f.SupplierID = cl.SupplierID
	}
	ctx := c.Request().Context()
	f.Limit, f.Offset = perPage, (page-1)*perPage
	rows, total, err := h.Store.ListAllocations(ctx, f)
	if err != nil {
		return err
	}
	data := make([]apiResource, 0, len(rows))
	for _, r := range rows {
		_, ids, err := h.apiAllocation(c, r.ID)
		if err != nil {
			return err
		}
		data = append(data, h.allocationResource(c, r, ids))
	}
	links, meta := h.paginate(c, page, perPage, total)
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Links: links, Meta: meta})
}

// GetAllocation shows one: GET /api/allocations/:id.
func (h *Handlers) GetAllocation(c echo.Context) error {
	if err := apiNotFiltered(c); err != nil {
		return err
	}
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	a, ids, err := h.apiAllocation(c, c.Param("id"))
	if err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.allocationResource(c, a, ids)})
}

var apiAllocationCreateBody = apiBodySpec{
	Type: "allocations",
	Attrs: []string{"moves_count", "date", "estate", "estate_comment", "prisoner_category", "sentence_length", "sentence_length_comment",
		"complex_cases", "complete_in_full", "other_criteria", "requested_by"},
	Rels: []string{"from_location", "to_location"},
}

// PostAllocation creates an allocation with its places (each a requested
// prison transfer with its MoveRequested): POST /api/allocations.
func (h *Handlers) PostAllocation(c echo.Context) error {
	if err := apiInternalOnly(c); err != nil {
		return err
	}
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	in, err := apiDecodeResource(body, apiAllocationCreateBody)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	var na moves.NewAllocation
	if n, ok := in.Attrs["moves_count"].(float64); ok && n == float64(int(n)) {
		na.Count = int(n)
	} else {
		r.errs.Add(apiAttrPointer("moves_count"), "invalid", "moves_count must be a whole number of people, 1 or more")
	}
	na.Date, _ = r.date("date")
	na.Estate, _ = r.str("estate")
	na.EstateComment, _ = r.str("estate_comment")
	na.PrisonerCategory, _ = r.str("prisoner_category")
	na.SentenceLength, _ = r.str("sentence_length")
	if na.SentenceLength == "" {
		na.SentenceLength = "any"
	}
	na.SentenceLengthComment, _ = r.str("sentence_length_comment")
	na.OtherCriteria, _ = r.str("other_criteria")
	na.RequestedBy, _ = r.str("requested_by")
	if v, ok := in.Attrs["complete_in_full"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			r.errs.Add(apiAttrPointer("complete_in_full"), "invalid", "complete_in_full must be true or false")
		}
		na.CompleteInFull = b
	}
	if raw, ok := in.Attrs["complex_cases"]; ok && raw != nil {
		list, isList := raw.([]any)
		var keys []string
		for _, item := range list {
			obj, _ := item.(map[string]any)
			id, _ := obj["allocation_complex_case_id"].(string)
			yes, _ := obj["answer"].(bool)
			found := false
			for _, cc := range moves.ComplexCases {
				if cc.ID == id {
					found = true
					if yes {
						keys = append(keys, cc.Key)
					}
				}
			}
			if !found {
				isList = false
			}
		}
		if !isList {
			r.errs.Add(apiAttrPointer("complex_cases"), "inclusion", "complex_cases must be answers naming the reference list's allocation_complex_case_id")
		}
		na.ComplexCases = moves.ComplexCaseAnswers(keys)
	}
	na.FromID = apiRelID(in, "from_location", "locations", &r.errs)
	na.ToID = apiRelID(in, "to_location", "locations", &r.errs)
	if err := r.err(); err != nil {
		return err
	}
	a, err := h.Store.CreateAllocation(c.Request().Context(), na, apiActor(c), h.Today())
	if err != nil {
		return apiAllocationFields(err)
	}
	_, ids, err := h.apiAllocation(c, a.ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/allocations/"+a.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.allocationResource(c, a, ids)})
}

// apiAllocationFields points the store's field errors at the request's
// members.
func apiAllocationFields(err error) error {
	var me *moves.Error
	if !errors.As(err, &me) || me.Code != moves.Invalid || len(me.Fields) == 0 {
		return err
	}
	out := make(moves.FieldErrors, 0, len(me.Fields))
	for _, e := range me.Fields {
		switch e.Field {
		case "from_location", "to_location":
			e.Field = "/data/relationships/" + e.Field
		default:
			e.Field = apiAttrPointer(e.Field)
		}
		out = append(out, e)
	}
	return moves.InvalidFields(out)
}

// allocationChange reads a change to the allocation of the request's id,
// which only an internal client may make: the allocation, and a reader of
// the body's attributes as spec (given the allocation) allows them.
func (h *Handlers) allocationChange(c echo.Context, spec func(store.AllocationRow) apiBodySpec) (store.AllocationRow, *apiAttrReader, error) {
	if err := apiInternalOnly(c); err != nil {
		return store.AllocationRow{}, nil, err
	}
	if err := newAPIQueryReader(c).err(); err != nil {
		return store.AllocationRow{}, nil, err
	}
	a, _, err := h.apiAllocation(c, c.Param("id"))
	if err != nil {
		return store.AllocationRow{}, nil, err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return store.AllocationRow{}, nil, err
	}
	in, err := apiDecodeResource(body, spec(a))
	if err != nil {
		return store.AllocationRow{}, nil, err
	}
	return a, &apiAttrReader{attrs: in.Attrs}, nil
}

// PatchAllocation changes an allocation's date (and every place's, each
// with its MoveDateChanged): PATCH /api/allocations/:id.
func (h *Handlers) PatchAllocation(c echo.Context) error {
	if err := apiNotFiltered(c); err != nil {
		return err
	}
	a, r, err := h.allocationChange(c, func(a store.AllocationRow) apiBodySpec {
		return apiBodySpec{Type: "allocations", Attrs: []string{"date", "date_changed_reason"}, ID: a.ID}
	})
	if err != nil {
		return err
	}
	date, _ := r.date("date")
	reason, _ := r.str("date_changed_reason")
	if date == "" && !r.errs.Has(apiAttrPointer("date")) {
		r.errs.Add(apiAttrPointer("date"), "blank", "date is required: the allocation's new date")
	}
	if err := r.err(); err != nil {
		return err
	}
	if err := h.Store.ChangeAllocationDate(c.Request().Context(), a.ID, date, reason, h.Today(),
		store.AllocationChange{By: apiActor(c), Role: moves.RolePMU}); err != nil {
		return apiAllocationFields(err)
	}
	a, ids, err := h.apiAllocation(c, a.ID)
	if err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.allocationResource(c, a, ids)})
}

// CancelAllocationAPI cancels an allocation and every place (each with its
// MoveCancel): POST /api/allocations/:id/cancel, 204. The body's type is
// "cancels", as the contract (v1 post_allocation_cancel.yaml) spells it;
// "allocations", which this service asked for before, is still taken. A
// comment is optional, whatever the reason (the staff page asks for one
// with "other": that is its own question, not the API's).
func (h *Handlers) CancelAllocationAPI(c echo.Context) error {
	a, r, err := h.allocationChange(c, func(store.AllocationRow) apiBodySpec {
		return apiBodySpec{Type: "cancels", AlsoTypes: []string{"allocations"},
			Attrs: []string{"timestamp", "cancellation_reason", "cancellation_reason_comment"}}
	})
	if err != nil {
		return err
	}
	r.timestamp("timestamp", true)
	reason, _ := r.str("cancellation_reason")
	comment, _ := r.str("cancellation_reason_comment")
	if reason == "" {
		reason = "other"
	}
	if err := r.err(); err != nil {
		return err
	}
	if err := h.Store.CancelAllocation(c.Request().Context(), a.ID, reason, comment,
		store.AllocationChange{By: apiActor(c), Role: moves.RolePMU}); err != nil {
		return apiAllocationFields(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// ListComplexCases lists the complex cases an allocation's criteria
// answer: GET /api/reference/allocation_complex_cases.
func (h *Handlers) ListComplexCases(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	data := make([]apiResource, 0, len(moves.ComplexCases))
	for _, cc := range moves.ComplexCases {
		data = append(data, apiResource{ID: cc.ID, Type: "allocation_complex_cases",
			Attributes: map[string]string{"key": cc.Key, "title": cc.Title}})
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data})
}

// ListRegions lists the regions and their locations: GET
// /api/reference/regions.
func (h *Handlers) ListRegions(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	rs, err := h.Store.Regions(ctx)
	if err != nil {
		return err
	}
	locs, err := h.Store.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	data := make([]apiResource, 0, len(rs))
	for _, r := range rs {
		ids := []apiIdent{}
		for _, l := range locs {
			if l.RegionID == r.ID {
				ids = append(ids, apiIdent{Type: "locations", ID: l.ID})
			}
		}
		data = append(data, apiResource{ID: r.ID, Type: "regions", Attributes: map[string]string{"key": r.Key, "name": r.Name},
			Relationships: map[string]any{"locations": apiRelationship{Data: ids}}})
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data})
}
