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
