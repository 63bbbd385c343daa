package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A move's relationships are written from a struct whose fields must stay
// in the order of their JSON names, the order encoding/json gives a map's
// keys: suppliers' documents are then byte for byte what they were when
// the relationships were a map.
func TestMoveRelationshipsInNameOrder(t *testing.T) {
	typ := reflect.TypeOf(apiMoveRelationships{})
	var names []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name == "" {
			t.Fatalf("field %s has no JSON name", typ.Field(i).Name)
		}
		names = append(names, name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("a move's relationships are not in the order of their names: %v", names)
	}
}
