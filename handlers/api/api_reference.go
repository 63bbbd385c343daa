package api

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// apiLocationTypes are the location types filter[location_type] takes:
// the contract's (some have no locations here), plus
// young_offender_institution for YOIs alone. "prison" includes YOIs, as
// upstream's prisons do.
var apiLocationTypeNames = []string{"court", "police", "prison", "secure_training_centre", "secure_childrens_home", "approved_premises",
	"probation_office", "community_rehabilitation_company", "foreign_national_prison", "voluntary_hostel", "hospital",
	"high_security_hospital", "immigration_detention_centre", "young_offender_institution"}

// ListLocations lists locations, disabled ones included (with
// disabled_at): GET /api/reference/locations.
func (h *Handlers) ListLocations(c echo.Context) error {
	q := newAPIQueryReader(c, "filter[location_type]", "filter[nomis_agency_id]", "page", "per_page")
	f := store.LocationFilter{IncludeDisabled: true, Codes: q.list("filter[nomis_agency_id]")}
	types := q.oneOf("filter[location_type]", apiLocationTypeNames)
	for _, t := range types {
		f.Types = append(f.Types, moves.LocationType(t))
		if t == string(moves.LocPrison) {
			f.Types = append(f.Types, moves.LocYOI)
		}
	}
	page, perPage := q.page()
	if err := q.err(); err != nil {
		return err
	}
	locs, err := h.Store.Locations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	total := len(locs)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	data := make([]apiResource, 0, end-start)
	for _, l := range locs[start:end] {
		data = append(data, h.locationResource(c, l))
	}
	links, meta := h.paginate(c, page, perPage, total)
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Links: links, Meta: meta})
}

// GetLocation shows one location: GET /api/reference/locations/:id.
func (h *Handlers) GetLocation(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	l, err := h.Store.Location(c.Request().Context(), c.Param("id"))
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Errorf(moves.NotFound, "No location with id %q", c.Param("id"))
		}
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.locationResource(c, l)})
}

// ListSuppliers lists the escort suppliers: GET /api/reference/suppliers.
func (h *Handlers) ListSuppliers(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	sps, err := h.Store.Suppliers(c.Request().Context())
	if err != nil {
		return err
	}
	data := make([]apiResource, 0, len(sps))
	for _, sp := range sps {
		data = append(data, apiSupplierResource(sp))
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data})
}

// GetSupplier shows one supplier by key or id: GET
// /api/reference/suppliers/:key.
func (h *Handlers) GetSupplier(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	sp, err := h.Store.Supplier(c.Request().Context(), c.Param("key"))
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Errorf(moves.NotFound, "No supplier %q", c.Param("key"))
		}
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: apiSupplierResource(sp)})
}

// apiTransferReasonSpace names the prison transfer reasons' ids: each is
// a name-based UUID of its key, so that the ids stay the same across
// instances and releases without being stored.
var apiTransferReasonSpace = uuid.MustParse("6b1f0c52-9a4e-4f57-8d3e-2f61b0a4c7d9")

// apiTransferReasonID is a prison transfer reason's id.
func apiTransferReasonID(key string) string {
	if key == "" {
		return ""
	}
	return uuid.NewSHA1(apiTransferReasonSpace, []byte(key)).String()
}

// apiTransferReasonKey is the key of the reason with id, or "".
func apiTransferReasonKey(id string) string {
	for _, r := range moves.TransferReasons {
		if apiTransferReasonID(r.Key) == id {
			return r.Key
		}
	}
	return ""
}

// ListPrisonTransferReasons lists the reasons a prison transfer may be
// requested for: GET /api/reference/prison_transfer_reasons.
func (h *Handlers) ListPrisonTransferReasons(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	data := make([]apiResource, 0, len(moves.TransferReasons))
	for _, r := range moves.TransferReasons {
		data = append(data, apiResource{ID: apiTransferReasonID(r.Key), Type: "prison_transfer_reasons",
			Attributes: map[string]any{"key": r.Key, "title": r.Label, "disabled_at": nil}})
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data})
}
