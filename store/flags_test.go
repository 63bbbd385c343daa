package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/securemove/securemove/moves"
)

// Whatever plainFlags reads, encoding/json reads the same; and what the
// store writes (json.Marshal of flags) plainFlags reads, unless an escape
// was needed.
func TestPlainFlagsReadsWhatJSONReads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []moves.Flag
		plain bool
	}{
		{"one", []moves.Flag{{Category: moves.FlagRisk, Key: "violent"}}, true},
		{"with details", []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff, 2024"}, {Category: "health", Key: "medication"}}, true},
		{"unicode", []moves.Flag{{Category: "health", Key: "x", Details: "Zoë needs insulin — twice"}}, true},
		{"a quote", []moves.Flag{{Category: "health", Key: "x", Details: `says "fine"`}}, false},
		{"html", []moves.Flag{{Category: "risk", Key: "x", Details: "<b> & co"}}, false},
		{"a newline", []moves.Flag{{Category: "risk", Key: "x", Details: "one\ntwo"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := plainFlags(string(b))
			if ok != tc.plain {
				t.Fatalf("plainFlags(%s) read it: %v, want %v", b, ok, tc.plain)
			}
			if ok && !reflect.DeepEqual(got, tc.flags) {
				t.Fatalf("plainFlags(%s) = %+v", b, got)
			}
			all, err := decodeFlags(string(b))
			if err != nil || !reflect.DeepEqual(all, tc.flags) {
				t.Fatalf("decodeFlags(%s) = %+v, %v", b, all, err)
			}
		})
	}
	// PostgreSQL's jsonb spacing and order go to encoding/json.
	pg := `[{"key": "violent", "category": "risk"}]`
	if _, ok := plainFlags(pg); ok {
		t.Errorf("plainFlags read jsonb's text %s", pg)
	}
	if fl, err := decodeFlags(pg); err != nil || len(fl) != 1 || fl[0].Key != "violent" || fl[0].Category != moves.FlagRisk {
		t.Errorf("decodeFlags(%s) = %+v, %v", pg, fl, err)
	}
	if _, err := decodeFlags(`[{"category":`); err == nil {
		t.Error("decodeFlags took broken JSON")
	}
}

// FuzzPlainFlags: on any input plainFlags either declines, or reads
// exactly what encoding/json reads.
func FuzzPlainFlags(f *testing.F) {
	for _, s := range []string{`[{"category":"risk","key":"violent"}]`, `[{"category":"a","key":"b","details":"c"},{"category":"d","key":"e"}]`,
		`[{"category":"a","key":"b","details":"c","x":1}]`, `[{"category":"a","key":"b"}]]`, `[{"category":"a","key":"b"},]`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainFlags(s)
		if !ok {
			return
		}
		var want []moves.Flag
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("plainFlags read %q, which encoding/json refuses: %v", s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("plainFlags(%q) = %+v, encoding/json %+v", s, got, want)
		}
	})
}
