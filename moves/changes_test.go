package moves

import "testing"

// Court information is asked, and changed, only on court moves; risk and
// health information on every move.
func TestFlagCategoryApplies(t *testing.T) {
	for _, mt := range MoveTypes {
		court := mt == CourtAppearance || mt == CourtOther
		cases := map[FlagCategory]bool{FlagRisk: true, FlagHealth: true, FlagCourt: court, "section_46": false, "": false}
		for cat, want := range cases {
			if got := FlagCategoryApplies(mt, cat); got != want {
				t.Errorf("%s on a %s move: %v; want %v", cat, mt, got, want)
			}
		}
		if mt.IsCourt() != court {
			t.Errorf("%s IsCourt: %v", mt, mt.IsCourt())
		}
	}
}

// A flag counts only in its own category: section 46 is the request's
// answer about the move, not a court (or any other) answer with its key.
func TestProfileHasMatchesTheKeysCategory(t *testing.T) {
	tests := []struct {
		name string
		flag Flag
		key  string
		want bool
	}{
		{"section 46 as the move's answer", Flag{Category: FlagMove, Key: FlagSection46}, FlagSection46, true},
		{"section 46 filed under court", Flag{Category: FlagCourt, Key: FlagSection46}, FlagSection46, false},
		{"section 46 filed under risk", Flag{Category: FlagRisk, Key: FlagSection46}, FlagSection46, false},
		{"a risk question under risk", Flag{Category: FlagRisk, Key: "violent"}, "violent", true},
		{"a risk question under health", Flag{Category: FlagHealth, Key: "violent"}, "violent", false},
		{"another flag", Flag{Category: FlagHealth, Key: "medication"}, "violent", false},
		{"a key nobody asks", Flag{Category: FlagRisk, Key: "banana"}, "banana", false},
	}
	for _, tc := range tests {
		if got := (Profile{Flags: []Flag{tc.flag}}).Has(tc.key); got != tc.want {
			t.Errorf("%s: Has(%q) = %v; want %v", tc.name, tc.key, got, tc.want)
		}
	}
	for cat, keys := range FlagKeys {
		for _, k := range keys {
			if c, ok := FlagCategoryOf(k); !ok || c != cat {
				t.Errorf("FlagCategoryOf(%q) = %q, %v; want %q", k, c, ok, cat)
			}
		}
	}
}
