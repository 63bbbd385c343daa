package store

import (
	"reflect"
	"testing"
	"time"
)

// A count is read from the tallies only when its filter's every condition
// is on supplier or status: setting any other field of MoveFilter, or of
// ReviewFilter any but the tab, sends it to the rows. A field added to
// either struct and not named in tallied fails here until it is.
func TestTalliedFilters(t *testing.T) {
	for _, tc := range []struct {
		filter  any
		allowed map[string]bool
		tallied func(v reflect.Value) bool
	}{
		{MoveFilter{}, map[string]bool{"SupplierIDs": true, "Statuses": true, "Sort": true, "Desc": true, "Limit": true, "Offset": true},
			func(v reflect.Value) bool { return v.Interface().(MoveFilter).tallied() }},
		{ReviewFilter{}, map[string]bool{"Status": true, "Sort": true, "Desc": true, "Limit": true, "Offset": true},
			func(v reflect.Value) bool { return v.Interface().(ReviewFilter).tallied() }},
	} {
		typ := reflect.TypeOf(tc.filter)
		if !tc.tallied(reflect.ValueOf(tc.filter)) {
			t.Errorf("an empty %s is not tallied", typ.Name())
		}
		for i := range typ.NumField() {
			field := typ.Field(i)
			v := reflect.New(typ).Elem()
			setSomething(t, v.Field(i))
			if got, want := tc.tallied(v), tc.allowed[field.Name]; got != want {
				t.Errorf("%s with %s set: tallied %v, want %v", typ.Name(), field.Name, got, want)
			}
		}
	}
	if (MoveFilter{SupplierIDs: []string{"a", ""}}).tallied() {
		t.Error("a supplier id of \"\" is tallied: the tallies hold moves without a supplier under it")
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
