package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAdminSuppliers(t *testing.T) {
	e, b := asAdmin(t)
	doc := b.section("/admin/suppliers", "Suppliers")
	// The demo's regions: Serco serves London, the South and the youth
	// estate; GEOAmey the Midlands, the North and Wales.
	serco, geoamey := 0, 0
	for _, l := range e.Locs {
		switch sp, _ := e.St.SupplierFor(e.Ctx, l.ID, "2026-11-23"); sp {
		case e.Sups["serco"].ID:
			serco++
		case e.Sups["geoamey"].ID:
			geoamey++
		}
	}
	rows := admRows(doc, "#suppliers")
	want := [][]string{{"GEOAmey", strconv.Itoa(geoamey), "0", "0"}, {"Serco", strconv.Itoa(serco), "0", "1"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("suppliers %v, want %v", rows, want)
	}
	if doc.Find(`a[href="/admin/suppliers/serco"]`).Length() != 1 {
		t.Error("no link to Serco's page")
	}

	page := b.section("/admin/suppliers/serco", "Suppliers")
	if h1 := handlertest.Text(page.Find("h1")); h1 != "Serco" {
		t.Errorf("Serco's page: h1 %q", h1)
	}
	ranges := admRows(page, "#ranges")
	if len(ranges) != serco {
		t.Fatalf("%d ranges on Serco's page, want %d", len(ranges), serco)
	}
	var names []string
	for _, r := range ranges {
		names = append(names, r[0])
		if r[3] != "29 August 2020" || r[4] != "No end date" {
			t.Errorf("range %v", r)
		}
	}
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("ranges not by location: %v", names)
	}
	if !slices.Contains(names, "Rainsbrook Secure Training Centre (disabled)") {
		t.Errorf("a disabled location is not marked: %v", names)
	}
	if page.Find(`a[href="/admin/locations/`+e.Loc("GUILCC")+`"]`).Length() != 1 {
		t.Error("no link to the location's page")
	}
	b.get("/admin/suppliers/nobody").Want(t, http.StatusNotFound)
}
