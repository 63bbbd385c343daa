package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// adminLocationsPageSize is how many locations a page of the list shows.
const adminLocationsPageSize = 20

// adminLocQuery is the list's search, filters and page, as in its URL.
type adminLocQuery struct {
	Search string
	Type   string
	Region string // a region's key
	Status string
	Page   int
}

func adminLocQueryOf(c echo.Context) adminLocQuery {
	q := adminLocQuery{Search: strings.TrimSpace(c.QueryParam("q")), Type: c.QueryParam("type"), Region: c.QueryParam("region"),
		Status: c.QueryParam("status"), Page: 1}
	if !moves.LocationType(q.Type).Valid() {
		q.Type = ""
	}
	if q.Status != store.LocationsActive && q.Status != store.LocationsDisabled {
		q.Status = ""
	}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 {
		q.Page = n
	}
	if r := []rune(q.Search); len(r) > 100 {
		q.Search = string(r[:100])
	}
	return q
}

func (q adminLocQuery) filtered() bool {
	return q.Search != "" || q.Type != "" || q.Region != "" || q.Status != ""
}

// url is the list's address with these filters, at a page.
func (q adminLocQuery) url(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Search, "type": q.Type, "region": q.Region, "status": q.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/admin/locations"
	}
	return "/admin/locations?" + v.Encode()
}

// adminPagination is the numbered page links: the first and last pages,
// the current one and its neighbours, with gaps between.
func adminPagination(label string, page, pages int, at func(int) string) *views.AdminPagination {
	if pages <= 1 {
		return nil
	}
	p := &views.AdminPagination{Label: label}
	if page > 1 {
		p.Previous = at(page - 1)
	}
	if page < pages {
		p.Next = at(page + 1)
	}
	gap := false
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= page-1 && n <= page+1) {
			p.Items = append(p.Items, views.AdminPageLink{Number: n, Href: at(n), Current: n == page})
			gap = false
		} else if !gap {
			p.Items = append(p.Items, views.AdminPageLink{Ellipsis: true})
			gap = true
		}
	}
	return p
}

func adminTypeChoices() []views.AdminChoice {
	out := make([]views.AdminChoice, 0, len(moves.LocationTypes))
	for _, t := range moves.LocationTypes {
		out = append(out, views.AdminChoice{Value: string(t), Text: t.Label()})
	}
	return out
}

// adminRegions lists the regions as choices by key, and maps keys to ids.
func (h *Handlers) adminRegions(c echo.Context) ([]views.AdminChoice, map[string]string, error) {
	rs, err := h.Store.Regions(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	ids := map[string]string{}
	out := make([]views.AdminChoice, 0, len(rs))
	for _, r := range rs {
		out = append(out, views.AdminChoice{Value: r.Key, Text: r.Name})
		ids[r.Key] = r.ID
	}
	return out, ids, nil
}

// AdminLocations lists locations: searched by name or code, filtered by
// type, region and status, a page at a time.
func (h *Handlers) AdminLocations(c echo.Context) error {
	q := adminLocQueryOf(c)
	regions, regionIDs, err := h.adminRegions(c)
	if err != nil {
		return err
	}
	f := store.AdminLocationFilter{Search: q.Search, Type: moves.LocationType(q.Type), Status: q.Status, Date: h.Today(),
		Limit: adminLocationsPageSize, Offset: (q.Page - 1) * adminLocationsPageSize}
	if q.Region != "" {
		if f.RegionID = regionIDs[q.Region]; f.RegionID == "" {
			q.Region = "" // unknown: ignored
		}
	}
	ctx := c.Request().Context()
	rows, total, err := h.Store.AdminLocations(ctx, f)
	if err != nil {
		return err
	}
	pages := (total + adminLocationsPageSize - 1) / adminLocationsPageSize
	if q.Page > pages && pages > 0 {
		// Past the end (the list shrank): show the last page.
		q.Page = pages
		f.Offset = (q.Page - 1) * adminLocationsPageSize
		if rows, total, err = h.Store.AdminLocations(ctx, f); err != nil {
			return err
		}
	}
	m := views.AdminLocations{Page: h.adminPage(c, "Locations", ""), ClearHref: "/admin/locations", Filtered: q.filtered(),
		Filters: views.AdminLocationFilters{Search: q.Search, Type: q.Type, Region: q.Region, Status: q.Status, Types: adminTypeChoices(), Regions: regions}}
	if q.Page > 1 {
		m.Page.Title = fmt.Sprintf("Locations (page %d of %d)", q.Page, pages)
	}
	for _, r := range rows {
		m.Rows = append(m.Rows, views.AdminLocationRow{Href: "/admin/locations/" + r.ID, Title: r.Title, Code: r.Code, Type: r.Type.Label(),
			Region: serve.Or(r.RegionName, "–"), Supplier: serve.Or(r.SupplierName, "None"), Disabled: r.Disabled})
	}
	switch {
	case total == 0 && q.filtered():
		m.Empty = "No locations match these filters"
	case total == 0:
		m.Empty = "There are no locations yet"
	default:
		first := (q.Page-1)*adminLocationsPageSize + 1
		m.Showing = fmt.Sprintf("Showing %d to %d of %d %s", first, first+len(rows)-1, total, map[bool]string{true: "location", false: "locations"}[total == 1])
	}
	m.Pagination = adminPagination("Pages of locations", q.Page, pages, q.url)
	return serve.Render(c, http.StatusOK, views.AdminLocationsPage(m))
}

func (h *Handlers) renderLocationForm(c echo.Context, in store.LocationInput, regionKey string, errs views.Errors) error {
	regions, _, err := h.adminRegions(c)
	if err != nil {
		return err
	}
	m := views.AdminLocationForm{Page: h.adminPage(c, "Add a location", "/admin/locations"), Errors: errs, Title: in.Title, Code: in.Code,
		Type: in.Type, Region: regionKey, Types: adminTypeChoices(), Regions: regions}
	m.Page.HasErrors = len(errs) > 0
	return serve.Render(c, adminStatus(errs), views.AdminLocationFormPage(m))
}

// AdminNewLocation shows the form to add a location.
func (h *Handlers) AdminNewLocation(c echo.Context) error {
	return h.renderLocationForm(c, store.LocationInput{}, "", nil)
}

// AdminCreateLocation adds a location.
func (h *Handlers) AdminCreateLocation(c echo.Context) error {
	_, regionIDs, err := h.adminRegions(c)
	if err != nil {
		return err
	}
	regionKey := c.FormValue("region")
	in := store.LocationInput{Title: c.FormValue("title"), Code: c.FormValue("code"), Type: c.FormValue("location_type"), RegionID: regionIDs[regionKey]}
	if in.RegionID == "" && regionKey != "" {
		in.RegionID = regionKey // unknown: the store says so
	}
	by := serve.CurrentUser(c).Username
	l, err := h.Store.AdminCreateLocation(c.Request().Context(), in, by)
	if errs, ok := adminInvalid(err, nil); ok {
		return h.renderLocationForm(c, in, regionKey, errs)
	}
	if err != nil {
		return err
	}
	h.logFor(c).Info("location created", "location", l.Code, "by", by)
	h.Sessions.SetFlash(c, serve.Flash{Title: "Location added", Text: l.Title + " (" + l.Code + ") can now be chosen for moves. Add the supplier that serves it."})
	return serve.Redirect(c, "/admin/locations/"+l.ID)
}

// adminRangeDate is a range's bound for people.
func adminRangeDate(d, open string) string {
	if d == "" {
		return open
	}
	return store.LongDate(d)
}

// adminDescribeRange is "from 1 April 2027 to 31 March 2028", "from 1
// April 2027 with no end date", "until 31 March 2028" or "with no start or
// end date".
func adminDescribeRange(from, to string) string {
	switch {
	case from == "" && to == "":
		return "with no start or end date"
	case from == "":
		return "until " + store.LongDate(to)
	case to == "":
		return "from " + store.LongDate(from) + " with no end date"
	}
	return "from " + store.LongDate(from) + " to " + store.LongDate(to)
}

// adminRangeStatus says whether a range is over, current or to come on
// today, with its tag's class.
func adminRangeStatus(r store.SupplierRange, today string) (string, string) {
	switch {
	case r.To != "" && r.To < today:
		return "Ended", "govuk-tag--grey"
	case r.From != "" && r.From > today:
		return "Starts later", "govuk-tag--blue"
	}
	return "Current", "govuk-tag--green"
}

// adminRangeRow is a range on a location's page (the supplier named) or
// a supplier's (the location named).
func adminRangeRow(r store.SupplierRange, today string, bySupplier bool) views.AdminRangeRow {
	row := views.AdminRangeRow{Name: r.SupplierName, Href: "/admin/suppliers/" + r.SupplierKey, From: adminRangeDate(r.From, "No start date"),
		To: adminRangeDate(r.To, "No end date"), Added: "–"}
	if bySupplier {
		row.Name, row.Href, row.Code, row.Type = r.LocationTitle, "/admin/locations/"+r.LocationID, r.LocationCode, r.LocationType.Label()
		if r.LocationDisabled {
			row.Name += " (disabled)"
		}
	}
	if r.CreatedAt != nil {
		row.Added = adminWhen(*r.CreatedAt, r.CreatedBy)
	}
	row.Status, row.StatusClass = adminRangeStatus(r, today)
	return row
}

// AdminLocation shows one location: its details, the suppliers serving it
// and when, and whether it is in use.
func (h *Handlers) AdminLocation(c echo.Context) error {
	ctx := c.Request().Context()
	today := h.Today()
	l, err := h.Store.AdminLocation(ctx, c.Param("id"), today)
	if err != nil {
		return err
	}
	m := views.AdminLocation{Page: h.adminPage(c, l.Title, "/admin/locations"), ID: l.ID, Title: l.Title, Code: l.Code, Type: l.Type.Label(),
		Region: serve.Or(l.RegionName, "–"), Supplier: serve.Or(l.SupplierName, "None"), Disabled: l.Disabled, Created: adminWhen(l.CreatedAt, l.CreatedBy)}
	if l.DisabledAt != nil {
		m.DisabledAt = views.TimelineTime(*l.DisabledAt)
	}
	if l.UpdatedAt != nil {
		m.Updated = adminWhen(*l.UpdatedAt, l.UpdatedBy)
	}
	if m.Users, err = h.Store.CountLocationUsers(ctx, l.ID); err != nil {
		return err
	}
	ranges, err := h.Store.SupplierRanges(ctx, store.SupplierRangeFilter{LocationID: l.ID})
	if err != nil {
		return err
	}
	for _, r := range ranges {
		m.Ranges = append(m.Ranges, adminRangeRow(r, today, false))
	}
	if m.Changes, err = h.adminChangeRows(c, store.AuditLocation, l.ID); err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AdminLocationPage(m))
}

// AdminDisableLocation stops a location being chosen for new moves.
func (h *Handlers) AdminDisableLocation(c echo.Context) error {
	return h.adminSetLocationDisabled(c, true)
}

// AdminEnableLocation lets a location be chosen for moves again.
func (h *Handlers) AdminEnableLocation(c echo.Context) error {
	return h.adminSetLocationDisabled(c, false)
}

func (h *Handlers) adminSetLocationDisabled(c echo.Context, disabled bool) error {
	ctx := c.Request().Context()
	l, err := h.Store.Location(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	by := serve.CurrentUser(c).Username
	if err := h.Store.AdminSetLocationDisabled(ctx, l.ID, disabled, by); err != nil {
		return err
	}
	if disabled {
		h.logFor(c).Info("location disabled", "location", l.Code, "by", by)
		h.Sessions.SetFlash(c, serve.Flash{Title: "Location disabled", Text: l.Title + " is no longer offered for new moves."})
	} else {
		h.logFor(c).Info("location enabled", "location", l.Code, "by", by)
		h.Sessions.SetFlash(c, serve.Flash{Title: "Location enabled", Text: l.Title + " can be chosen for moves again."})
	}
	return serve.Redirect(c, "/admin/locations/"+l.ID)
}

// adminReadDate reads a GOV.UK date input named <prefix>-day, -month and
// -year: the date as YYYY-MM-DD, the parts as typed, or a message. A
// date left blank is "" with no message unless required.
func adminReadDate(c echo.Context, prefix, what string, required bool) (string, [3]string, string) {
	parts := [3]string{strings.TrimSpace(c.FormValue(prefix + "-day")), strings.TrimSpace(c.FormValue(prefix + "-month")),
		strings.TrimSpace(c.FormValue(prefix + "-year"))}
	var missing []string
	for i, name := range []string{"day", "month", "year"} {
		if parts[i] == "" {
			missing = append(missing, name)
		}
	}
	switch {
	case len(missing) == 3 && required:
		return "", parts, "Enter the date " + what
	case len(missing) == 3:
		return "", parts, ""
	case len(missing) > 0:
		return "", parts, "The date " + what + " must include a " + strings.Join(missing, " and a ")
	case len(parts[2]) != 4:
		return "", parts, "The year must include 4 numbers"
	}
	d, err1 := strconv.Atoi(parts[0])
	mo, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return "", parts, "The date " + what + " must be a real date"
	}
	date, err := moves.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
	if err != nil {
		return "", parts, "The date " + what + " must be a real date"
	}
	return date, parts, ""
}

// adminRangeIDs maps the store's field names to the date inputs' ids.
var adminRangeIDs = map[string]string{"from": "from-day", "to": "to-day"}

func (h *Handlers) renderRangeForm(c echo.Context, l moves.Location, m views.AdminRangeForm) error {
	ctx := c.Request().Context()
	m.Page = h.adminPage(c, "Add a supplier to "+l.Title, "/admin/locations/"+l.ID)
	m.Page.HasErrors = len(m.Errors) > 0
	m.LocationID, m.Location = l.ID, l.Title
	sps, err := h.Store.Suppliers(ctx)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		m.Suppliers = append(m.Suppliers, views.AdminChoice{Value: sp.Key, Text: sp.Name})
	}
	ranges, err := h.Store.SupplierRanges(ctx, store.SupplierRangeFilter{LocationID: l.ID})
	if err != nil {
		return err
	}
	today := h.Today()
	m.Current = "No supplier serves it today."
	for _, r := range ranges {
		if r.Covers(today) {
			m.Current = fmt.Sprintf("%s serves it today, %s.", r.SupplierName, adminDescribeRange(r.From, r.To))
		}
	}
	return serve.Render(c, adminStatus(m.Errors), views.AdminRangeFormPage(m))
}

// AdminNewSupplierRange shows the form to say which supplier serves a
// location, from when and until when.
func (h *Handlers) AdminNewSupplierRange(c echo.Context) error {
	l, err := h.Store.Location(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return h.renderRangeForm(c, l, views.AdminRangeForm{})
}

// AdminCreateSupplierRange records that a supplier serves a location
// over a date range, ending an open-ended range that began before it.
func (h *Handlers) AdminCreateSupplierRange(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := h.Store.Location(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	m := views.AdminRangeForm{Supplier: c.FormValue("supplier")}
	var errs views.Errors
	if m.Supplier == "" {
		errs = append(errs, views.FieldError{ID: "supplier", Message: "Select the supplier"})
	}
	from, fromParts, msg := adminReadDate(c, "from", "it starts", true)
	m.From = fromParts
	if msg != "" {
		errs = append(errs, views.FieldError{ID: "from-day", Message: msg})
	}
	to, toParts, msg := adminReadDate(c, "to", "it ends", false)
	m.To = toParts
	if msg != "" {
		errs = append(errs, views.FieldError{ID: "to-day", Message: msg})
	}
	if len(errs) > 0 {
		m.Errors = errs
		return h.renderRangeForm(c, l, m)
	}
	by := serve.CurrentUser(c).Username
	ended, err := h.Store.AdminAddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: m.Supplier, LocationID: l.ID, EffectiveFrom: from, EffectiveTo: to}, by)
	if errs, ok := adminInvalid(err, adminRangeIDs); ok {
		m.Errors = errs
		return h.renderRangeForm(c, l, m)
	}
	if err != nil {
		return err
	}
	sp, err := h.Store.Supplier(ctx, m.Supplier)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("%s serves %s %s.", sp.Name, l.Title, adminDescribeRange(from, to))
	if ended != nil {
		text += fmt.Sprintf(" %s's range now ends on %s.", ended.SupplierName, store.LongDate(ended.To))
	}
	h.logFor(c).Info("supplier range added", "location", l.Code, "supplier", sp.Key, "from", from, "to", to, "by", by)
	h.Sessions.SetFlash(c, serve.Flash{Title: "Supplier added", Text: text})
	return serve.Redirect(c, "/admin/locations/"+l.ID)
}
