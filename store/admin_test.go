package store_test

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

var adminNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func adminStore(t *testing.T) (*store.Store, map[string]moves.Location) {
	t.Helper()
	st := MustOpen(t)
	st.Now = func() time.Time { return adminNow }
	if _, err := st.SeedDemo(context.Background(), adminNow); err != nil {
		t.Fatal(err)
	}
	ls, err := st.Locations(context.Background(), store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]moves.Location{}
	for _, l := range ls {
		byCode[l.Code] = l
	}
	return st, byCode
}

func adminFields(t *testing.T, err error) moves.FieldErrors {
	t.Helper()
	e, ok := moves.AsError(err)
	if !ok || e.Code != moves.Invalid {
		t.Fatalf("want invalid fields, got %v", err)
	}
	return e.Fields
}

func TestAdminStoreUsers(t *testing.T) { storetest.ForEachEngine(t, testAdminStoreUsers) }

func testAdminStoreUsers(t *testing.T) {
	ctx := context.Background()
	st, locs := adminStore(t)
	_, err := st.AdminCreateUser(ctx, store.UserInput{Username: " POLICE ", FullName: "", Role: "police"}, "short", "admin")
	fe := adminFields(t, err)
	for _, f := range []string{"username", "full_name", "locations", "password"} {
		if !fe.Has(f) {
			t.Errorf("no error on %s: %v", f, fe)
		}
	}
	_, err = st.AdminCreateUser(ctx, store.UserInput{Username: "jo", FullName: "Jo", Role: "police",
		LocationIDs: []string{locs["BXI"].ID}}, "a good long password", "admin")
	if fe := adminFields(t, err); !strings.Contains(fe.For("locations"), "police custody suites") {
		t.Errorf("a prison for a police user: %v", fe)
	}
	_, err = st.AdminCreateUser(ctx, store.UserInput{Username: "jo", FullName: "Jo", Role: "supplier", Supplier: "nobody"}, "a good long password", "admin")
	if fe := adminFields(t, err); !fe.Has("supplier") {
		t.Errorf("unknown supplier: %v", fe)
	}

	u, err := st.AdminCreateUser(ctx, store.UserInput{Username: " Jo.Bloggs ", FullName: " Jo  Bloggs ", Role: "police",
		LocationIDs: []string{locs["SRY016"].ID, locs["SRY016"].ID}}, "a good long password", "admin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.AdminUser(ctx, u.ID)
	if err != nil || got.Username != "jo.bloggs" || got.FullName != "Jo Bloggs" || len(got.Locations) != 1 || got.CreatedBy != "admin" {
		t.Fatalf("created %+v, %v", got, err)
	}
	if _, err := st.AdminCreateUser(ctx, store.UserInput{Username: "JO.BLOGGS", FullName: "Jo", Role: "pmu"}, "a good long password", "admin"); !adminFields(t, err).Has("username") {
		t.Error("a duplicate username was accepted")
	}

	changed, err := st.AdminUpdateUser(ctx, u.ID, store.UserInput{FullName: "Jo Bloggs", Role: "prison", LocationIDs: []string{locs["BXI"].ID}}, "admin")
	if err != nil || !changed {
		t.Fatalf("update: %v %v", changed, err)
	}
	changed, err = st.AdminUpdateUser(ctx, u.ID, store.UserInput{FullName: "Jo Bloggs", Role: "prison", LocationIDs: []string{locs["BXI"].ID}}, "admin")
	if err != nil || changed {
		t.Fatalf("an update without changes: %v %v", changed, err)
	}
	// A supplier user holds no locations.
	if _, err := st.AdminUpdateUser(ctx, u.ID, store.UserInput{FullName: "Jo Bloggs", Role: "supplier", Supplier: "serco", LocationIDs: []string{locs["BXI"].ID}}, "admin"); err != nil {
		t.Fatal(err)
	}
	got, _ = st.AdminUser(ctx, u.ID)
	if got.Role != "supplier" || got.SupplierKey != "serco" || len(got.LocationIDs) != 0 || got.UpdatedBy != "admin" || got.UpdatedAt == nil {
		t.Fatalf("after update %+v", got)
	}

	if err := st.AdminSetUserDisabled(ctx, u.ID, true, "admin"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.User(ctx, u.ID); !got.Disabled {
		t.Fatal("not disabled")
	}
	if err := st.AdminSetPassword(ctx, u.ID, "tiny", "admin"); !adminFields(t, err).Has("password") {
		t.Fatal("a short password was accepted")
	}
	if err := st.AdminSetPassword(ctx, u.ID, "another long password", "admin"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.User(ctx, u.ID); !store.CheckPassword(got.PasswordHash, "another long password") {
		t.Fatal("the new password does not work")
	}
	changes, err := st.AdminChanges(ctx, store.AuditUser, u.ID, 0)
	if err != nil || len(changes) != 5 || changes[0].Summary != "Password reset" || changes[4].Action != "user.create" {
		t.Fatalf("changes %+v, %v", changes, err)
	}

	// An administrator may neither disable themselves nor change their role.
	admin, _ := st.UserByUsername(ctx, "admin")
	if err := st.AdminSetUserDisabled(ctx, admin.ID, true, "admin"); moves.ErrorCode(err) != moves.Conflict {
		t.Errorf("disabling oneself: %v", err)
	}
	if _, err := st.AdminUpdateUser(ctx, admin.ID, store.UserInput{FullName: "Alex", Role: "pmu"}, "admin"); !adminFields(t, err).Has("role") {
		t.Errorf("changing one's own role: %v", err)
	}

	all, err := st.AdminUsers(ctx)
	if err != nil || len(all) != 8 {
		t.Fatalf("%d users, %v", len(all), err)
	}
	for _, u := range all {
		if u.Username == "police" && len(u.Locations) != 2 {
			t.Errorf("police holds %v", u.Locations)
		}
	}
}

func TestAdminStoreLocations(t *testing.T) { storetest.ForEachEngine(t, testAdminStoreLocations) }

func testAdminStoreLocations(t *testing.T) {
	ctx := context.Background()
	st, locs := adminStore(t)
	_, err := st.AdminCreateLocation(ctx, store.LocationInput{Title: " ", Code: "bx i", Type: "castle"}, "admin")
	fe := adminFields(t, err)
	for _, f := range []string{"title", "code", "location_type", "region"} {
		if !fe.Has(f) {
			t.Errorf("no error on %s: %v", f, fe)
		}
	}
	if _, err := st.AdminCreateLocation(ctx, store.LocationInput{Title: "x", Code: "bxi", Type: "prison", RegionID: locs["BXI"].RegionID}, "admin"); !strings.Contains(adminFields(t, err).For("code"), "HMP Brixton") {
		t.Errorf("duplicate code: %v", err)
	}
	l, err := st.AdminCreateLocation(ctx, store.LocationInput{Title: "HMP Example", Code: "exi", Type: "prison", RegionID: locs["BXI"].RegionID}, "admin")
	if err != nil || l.Code != "EXI" {
		t.Fatalf("%+v %v", l, err)
	}
	rows, total, err := st.AdminLocations(ctx, store.AdminLocationFilter{Search: "example", Date: "2026-11-23", Limit: 10})
	if err != nil || total != 1 || len(rows) != 1 || rows[0].RegionName == "" || rows[0].SupplierName != "" || rows[0].CreatedBy != "admin" {
		t.Fatalf("search: %+v %d %v", rows, total, err)
	}
	rows, total, err = st.AdminLocations(ctx, store.AdminLocationFilter{Type: moves.LocPrison, RegionID: locs["BXI"].RegionID, Date: "2026-11-23", Limit: 3, Offset: 3})
	if err != nil || total != 7 || len(rows) != 3 || rows[0].SupplierName != "Serco" {
		t.Fatalf("filter: %d rows of %d, %v", len(rows), total, err)
	}
	if _, total, _ := st.AdminLocations(ctx, store.AdminLocationFilter{Status: store.LocationsDisabled}); total != 1 {
		t.Fatalf("%d disabled", total)
	}

	// Suppliers: a first range, an overlap refused, a change of contract.
	if _, err := st.AdminAddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: "geoamey", LocationID: l.ID, EffectiveFrom: "2026-12-01", EffectiveTo: "2026-11-01"}, "admin"); !adminFields(t, err).Has("to") {
		t.Errorf("an end before the start: %v", err)
	}
	if _, err := st.AdminAddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: "serco", LocationID: l.ID, EffectiveFrom: "2026-12-01"}, "admin"); err != nil {
		t.Fatal(err)
	}
	ended, err := st.AdminAddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: "geoamey", LocationID: l.ID, EffectiveFrom: "2027-04-01", EffectiveTo: "2028-03-31"}, "admin")
	if err != nil || ended == nil || ended.To != "2027-03-31" || ended.SupplierKey != "serco" {
		t.Fatalf("change of contract: %+v %v", ended, err)
	}
	if _, err := st.AdminAddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: "serco", LocationID: l.ID, EffectiveFrom: "2028-01-01"}, "admin"); !strings.Contains(adminFields(t, err).For("from"), "GEOAmey") {
		t.Errorf("an overlap: %v", err)
	}
	for date, want := range map[string]string{"2026-11-30": "", "2026-12-01": "serco", "2027-03-31": "serco", "2027-04-01": "geoamey", "2028-04-01": ""} {
		id, err := st.SupplierFor(ctx, l.ID, date)
		sp, _ := st.Supplier(ctx, want)
		if err != nil || (want == "" && id != "") || (want != "" && id != sp.ID) {
			t.Errorf("supplier on %s: %q, want %s", date, id, want)
		}
	}
	sups, err := st.AdminSuppliers(ctx, "2027-05-01")
	if err != nil || len(sups) != 2 || sups[0].Key != "geoamey" || sups[1].Later != 0 {
		t.Fatalf("suppliers %+v %v", sups, err)
	}

	// Disable: refused for moves.
	if err := st.AdminSetLocationDisabled(ctx, locs["GUILCC"].ID, true, "admin"); err != nil {
		t.Fatal(err)
	}
	got, err := st.AdminLocation(ctx, locs["GUILCC"].ID, "2026-11-23")
	if err != nil || !got.Disabled || got.UpdatedBy != "admin" || got.SupplierName != "Serco" {
		t.Fatalf("%+v %v", got, err)
	}
	changes, _ := st.AdminChanges(ctx, store.AuditLocation, locs["GUILCC"].ID, 0)
	if len(changes) != 1 || changes[0].Action != "location.disable" {
		t.Fatalf("changes %+v", changes)
	}
}
