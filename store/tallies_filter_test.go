package store

import (
	"reflect"
	"testing"
	"time"
)

// A count is read from the tallies only when its filter's every condition
// is one they hold: supplier or status for the moves' tallies; those and
// the date for the tallies by day; for the review's, the tab, and when
// the requests were sent for the tallies by hour. Setting any other field
// sends the count to the rows. A field added to either struct and not
// named in these functions fails here until it is.
func TestTalliedFilters(t *testing.T) {
	hour := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	paging := map[string]bool{"Sort": true, "Desc": true, "Limit": true, "Offset": true}
	with := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for k := range paging {
			m[k] = true
		}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		base    any
		allowed map[string]bool
		tallied func(v reflect.Value) bool
	}{
		{"moves", MoveFilter{}, with("SupplierIDs", "Statuses"),
			func(v reflect.Value) bool { return v.Interface().(MoveFilter).tallied() }},
		{"moves by day", MoveFilter{DateFrom: "2026-01-05"}, with("SupplierIDs", "Statuses", "DateFrom", "DateTo"),
			func(v reflect.Value) bool { return v.Interface().(MoveFilter).dayTallied() }},
		{"review", ReviewFilter{}, with("Status"),
			func(v reflect.Value) bool { return v.Interface().(ReviewFilter).tallied() }},
		{"review by hour sent", ReviewFilter{SentFrom: hour}, with("Status", "SentFrom", "SentTo"),
			func(v reflect.Value) bool { return v.Interface().(ReviewFilter).sentTallied() }},
	} {
		typ := reflect.TypeOf(tc.base)
		if !tc.tallied(reflect.ValueOf(tc.base)) {
			t.Errorf("%s: %+v is not tallied", tc.name, tc.base)
		}
		for i := range typ.NumField() {
			field := typ.Field(i)
			v := reflect.New(typ).Elem()
			v.Set(reflect.ValueOf(tc.base))
			setSomething(t, v.Field(i))
			if got, want := tc.tallied(v), tc.allowed[field.Name]; got != want {
				t.Errorf("%s: %s with %s set: tallied %v, want %v", tc.name, typ.Name(), field.Name, got, want)
			}
		}
	}
	if (MoveFilter{SupplierIDs: []string{"a", ""}}).tallied() || (MoveFilter{DateFrom: "x", SupplierIDs: []string{""}}).dayTallied() {
		t.Error("a supplier id of \"\" is tallied: the tallies hold moves without a supplier under it")
	}
	if (MoveFilter{}).dayTallied() {
		t.Error("a filter without dates is tallied by day")
	}
	if (ReviewFilter{SentFrom: hour.Add(time.Minute)}).sentTallied() || (ReviewFilter{SentFrom: hour, SentTo: hour.Add(time.Microsecond)}).sentTallied() {
		t.Error("a time sent within an hour is tallied by hour")
	}
}

// setSomething gives v a value other than its zero.
func setSomething(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(1)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		setSomething(t, s.Index(0))
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
			return
		}
		t.Fatalf("no value for %s", v.Type())
	default:
		t.Fatalf("no value for %s", v.Type())
	}
}
