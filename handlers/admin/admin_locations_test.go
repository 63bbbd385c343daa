package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

func TestAdminLocationsListSearchFilterPages(t *testing.T) {
	e, b := asAdmin(t)
	doc := b.section("/admin/locations", "Locations")
	total := len(e.Locs)
	if got := handlertest.Text(doc.Find("#showing")); got != "Showing 1 to 20 of "+strconv.Itoa(total)+" locations" {
		t.Errorf("showing %q", got)
	}
	rows := admRows(doc, "#locations")
	if len(rows) != 20 {
		t.Fatalf("%d rows on the first page", len(rows))
	}
	next, ok := doc.Find(".govuk-pagination__next a").Attr("href")
	if !ok || next != "/admin/locations?page=2" {
		t.Errorf("next page link %q", next)
	}
	last := b.doc("/admin/locations?page=3", http.StatusOK)
	if n := len(admRows(last, "#locations")); n != total-40 {
		t.Errorf("%d rows on the last page", n)
	}
	if b.doc("/admin/locations?page=99", http.StatusOK).Find(".govuk-pagination__item--current").Text() != "3" {
		t.Error("a page past the end does not show the last page")
	}

	cases := []struct {
		query string
		want  []string // codes, in order
	}{
		{"q=brixton", []string{"BXI"}},
		{"q=sry01", []string{"SRY016", "SRY014"}},
		{"type=court&region=south", []string{"GUILCC", "GUILMC"}},
		{"status=disabled", []string{"STC1"}},
		{"type=secure_training_centre&status=active", []string{"STC3"}},
		{"q=%25", nil},
		{"q=nowhere+at+all", nil},
	}
	for _, tc := range cases {
		doc := b.doc("/admin/locations?"+tc.query, http.StatusOK)
		var codes []string
		for _, r := range admRows(doc, "#locations") {
			codes = append(codes, r[1])
		}
		if strings.Join(codes, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.query, codes, tc.want)
		}
		if len(tc.want) == 0 && !admContains(doc, "#showing", "No locations match") {
			t.Errorf("%s: no message for an empty result", tc.query)
		}
		if doc.Find(`a[href="/admin/locations"]`).Length() == 0 {
			t.Errorf("%s: no way to clear the filters", tc.query)
		}
	}
	// The filters are kept in the form and the page links.
	doc = b.doc("/admin/locations?type=court&status=active", http.StatusOK)
	if v, _ := doc.Find("#type option[selected]").Attr("value"); v != "court" {
		t.Errorf("type filter shows %q", v)
	}
	row := admRows(b.doc("/admin/locations?q=GUILCC", http.StatusOK), "#locations")
	if len(row) != 1 || row[0][2] != "Court" || row[0][3] != "South of England" || row[0][4] != "Serco" || row[0][5] != "Active" {
		t.Errorf("row %v", row)
	}
}

func TestAdminLocationsAdd(t *testing.T) {
	e, b := asAdmin(t)
	doc := b.doc("/admin/locations/new", http.StatusOK)
	for _, id := range []string{"title", "code", "location_type", "region"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("the form has no #%s", id)
		}
	}
	if n := doc.Find(`input[name="location_type"]`).Length(); n != len(moves.LocationTypes) {
		t.Errorf("%d types offered", n)
	}
	csrf := b.csrf(b.get("/admin/locations/new"))
	good := func(kv ...string) url.Values {
		f := admForm(csrf, "title", "HMP Example", "code", "exi", "location_type", "prison", "region", "london")
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"blank", admForm(csrf), []string{"title: Enter the location's name", "code: Enter the location's code", "location_type: Select the type of location", "region: Select the region"}},
		{"bad code", good("code", "EX-1"), []string{"code: 2 to 10 letters and numbers"}},
		{"code with a space", good("code", "EX 1"), []string{"code: 2 to 10 letters and numbers"}},
		{"code too long", good("code", "ABCDEFGHIJK"), []string{"code: 2 to 10 letters and numbers"}},
		{"duplicate code", good("code", "bxi"), []string{"code: BXI is already the code of HMP Brixton"}},
		{"unknown type", good("location_type", "castle"), []string{"location_type: Select one of the types"}},
		{"unknown region", good("region", "atlantis"), []string{"region: Select one of the regions listed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			doc := b.invalid("/admin/locations", tc.form, tc.wants...)
			if n := doc.Find(".govuk-error-summary__list li").Length(); n != len(tc.wants) {
				t.Errorf("%d errors, want %d", n, len(tc.wants))
			}
		})
	}
	b.t = t
	loc := b.done("/admin/locations", good("title", "  HMP   Example "))
	ls, _ := e.St.Locations(e.Ctx, store.LocationFilter{Codes: []string{"EXI"}})
	if len(ls) != 1 || loc != "/admin/locations/"+ls[0].ID || ls[0].Title != "HMP Example" || ls[0].Type != moves.LocPrison {
		t.Fatalf("after adding: %q %+v", loc, ls)
	}
	doc = b.doc(loc, http.StatusOK)
	if f := handlertest.Text(doc.Find(".govuk-notification-banner--success")); !strings.Contains(f, "Location added") {
		t.Errorf("banner %q", f)
	}
	details := handlertest.Text(doc.Find("#location-details"))
	for _, want := range []string{"EXI", "Prison", "London and the East of England", "None", "Active", "by admin"} {
		if !strings.Contains(details, want) {
			t.Errorf("location page lacks %q: %s", want, details)
		}
	}
	if codes := admRows(b.doc("/admin/locations?q=example", http.StatusOK), "#locations"); len(codes) != 1 {
		t.Errorf("the new location is not found: %v", codes)
	}
}

func TestAdminLocationsSupplierRanges(t *testing.T) {
	e, b := asAdmin(t)
	guilcc := e.Loc("GUILCC")
	page := "/admin/locations/" + guilcc
	doc := b.doc(page, http.StatusOK)
	ranges := admRows(doc, "#ranges")
	if len(ranges) != 1 || ranges[0][0] != "Serco" || ranges[0][1] != "29 August 2020" || ranges[0][2] != "No end date" || ranges[0][3] != "Current" {
		t.Fatalf("ranges %v", ranges)
	}
	form := b.doc(page+"/suppliers/new", http.StatusOK)
	if !admContains(form, "main", "Serco serves it today, from 29 August 2020 with no end date") {
		t.Error("the form does not say who serves the location now")
	}
	csrf := b.csrf(b.get(page + "/suppliers/new"))
	post := page + "/suppliers"
	b.invalid(post, admForm(csrf), "supplier: Select the supplier", "from-day: Enter the date it starts")
	b.invalid(post, admForm(csrf, "supplier", "geoamey", "from-day", "31", "from-month", "2", "from-year", "2027"), "from-day: must be a real date")
	b.invalid(post, admForm(csrf, "supplier", "geoamey", "from-day", "1", "from-month", "4", "from-year", "2027", "to-day", "1"), "to-day: must include a month and a year")
	b.invalid(post, admForm(csrf, "supplier", "geoamey", "from-day", "1", "from-month", "4", "from-year", "2027",
		"to-day", "1", "to-month", "3", "to-year", "2027"), "to-day: same as or after the start date")
	b.invalid(post, admForm(csrf, "supplier", "serco", "from-day", "1", "from-month", "4", "from-year", "2027"), "from-day: Serco already serves")
	b.invalid(post, admForm(csrf, "supplier", "nobody", "from-day", "1", "from-month", "4", "from-year", "2027"), "supplier: Select one of the suppliers")

	// A change of contract: GEOAmey from 1 April 2027; Serco's range ends
	// the day before.
	b.done(post, admForm(csrf, "supplier", "geoamey", "from-day", "1", "from-month", "4", "from-year", "2027", "to-day", "31", "to-month", "3", "to-year", "2029"))
	doc = b.doc(page, http.StatusOK)
	f := handlertest.Text(doc.Find(".govuk-notification-banner--success"))
	if !strings.Contains(f, "GEOAmey serves Guildford Crown Court from 1 April 2027 to 31 March 2029") || !strings.Contains(f, "Serco's range now ends on 31 March 2027") {
		t.Errorf("banner %q", f)
	}
	ranges = admRows(doc, "#ranges")
	if len(ranges) != 2 || ranges[0][0] != "Serco" || ranges[0][2] != "31 March 2027" || ranges[1][0] != "GEOAmey" || ranges[1][3] != "Starts later" || !strings.Contains(ranges[1][4], "by admin") {
		t.Fatalf("ranges %v", ranges)
	}
	for date, want := range map[string]string{"2027-03-31": "serco", "2027-04-01": "geoamey", "2029-04-01": ""} {
		id, _ := e.St.SupplierFor(e.Ctx, guilcc, date)
		if want == "" && id != "" || want != "" && id != e.Sups[want].ID {
			t.Errorf("supplier on %s: %q, want %s", date, id, want)
		}
	}
	// Overlaps are refused.
	b.invalid(post, admForm(csrf, "supplier", "serco", "from-day", "1", "from-month", "1", "from-year", "2028"), "from-day: overlap GEOAmey's range from 1 April 2027 to 31 March 2029")
	// The supplier's page lists it.
	sup := b.doc("/admin/suppliers/geoamey", http.StatusOK)
	found := false
	for _, r := range admRows(sup, "#ranges") {
		if r[0] == "Guildford Crown Court" && r[1] == "GUILCC" && r[3] == "1 April 2027" && r[4] == "31 March 2029" {
			found = true
		}
	}
	if !found {
		t.Errorf("GEOAmey's page does not list Guildford Crown Court: %v", admRows(sup, "#ranges"))
	}
	if hist := admRows(b.doc(page, http.StatusOK), "#history"); len(hist) != 1 || !strings.Contains(hist[0][2], "Served by GEOAmey") {
		t.Errorf("history %v", hist)
	}
}

func TestAdminLocationsDisableEnable(t *testing.T) {
	e, b := asAdmin(t)
	id := e.Loc("GUILMC")
	page := "/admin/locations/" + id
	csrf := b.csrfOf(page)
	b.done(page+"/disable", admForm(csrf))
	doc := b.doc(page, http.StatusOK)
	if f := handlertest.Text(doc.Find(".govuk-notification-banner--success")); !strings.Contains(f, "Location disabled") {
		t.Errorf("banner %q", f)
	}
	if !admContains(doc, "#location-details", "Disabled since") || doc.Find(`form[action="`+page+`/enable"]`).Length() != 1 {
		t.Error("the page does not show the location disabled, with a way to enable it")
	}
	if l, _ := e.St.Location(e.Ctx, id); !l.Disabled {
		t.Fatal("not disabled")
	}
	if rows := admRows(b.doc("/admin/locations?status=disabled", http.StatusOK), "#locations"); len(rows) != 2 {
		t.Errorf("disabled locations %v", rows)
	}
	b.done(page+"/enable", admForm(csrf))
	if l, _ := e.St.Location(e.Ctx, id); l.Disabled {
		t.Fatal("not enabled again")
	}
	hist := admRows(b.doc(page, http.StatusOK), "#history")
	if len(hist) != 2 || !strings.HasPrefix(hist[0][2], "Enabled") || !strings.HasPrefix(hist[1][2], "Disabled") {
		t.Errorf("history %v", hist)
	}
	b.get("/admin/locations/no-such-location").Want(t, http.StatusNotFound)
	b.post("/admin/locations/no-such-location/disable", admForm(csrf)).Want(t, http.StatusNotFound)
}
