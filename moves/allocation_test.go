package moves

import "testing"

func TestAllocationStatusOf(t *testing.T) {
	cases := []struct {
		cancelled     bool
		total, filled int
		want          AllocationStatus
	}{
		{false, 3, 0, AllocationUnfilled},
		{false, 3, 2, AllocationUnfilled},
		{false, 3, 3, AllocationFilled},
		{false, 1, 1, AllocationFilled},
		{false, 0, 0, AllocationUnfilled}, // every place removed: nobody to move
		{true, 3, 3, AllocationCancelled},
		{true, 0, 0, AllocationCancelled},
	}
	for _, c := range cases {
		if got := AllocationStatusOf(c.cancelled, c.total, c.filled); got != c.want {
			t.Errorf("AllocationStatusOf(%v, %d, %d) = %s, want %s", c.cancelled, c.total, c.filled, got, c.want)
		}
	}
}

func TestAllocationAllowed(t *testing.T) {
	open := Allocation{Total: 3}
	single := Allocation{Total: 1}
	cancelled := Allocation{Total: 3, CancellationReason: "other"}
	cases := []struct {
		role   Role
		action AllocationAction
		a      Allocation
		want   bool
	}{
		{RolePMU, AllocCreate, Allocation{}, true},
		{RoleOCA, AllocCreate, Allocation{}, false},
		{RolePrison, AllocCreate, Allocation{}, false},
		{RolePMU, AllocView, cancelled, true},
		{RoleOCA, AllocView, open, true},
		{RoleSupplier, AllocView, open, true},
		{RolePolice, AllocView, open, false},
		{RoleCourt, AllocView, open, false},
		{RolePMU, AllocChangeDate, open, true},
		{RolePMU, AllocChangeDate, cancelled, false},
		{RoleOCA, AllocChangeDate, open, false},
		{RolePMU, AllocCancel, open, true},
		{RolePMU, AllocCancel, cancelled, false},
		{RoleSupplier, AllocCancel, open, false},
		{RolePMU, AllocRemovePlace, open, true},
		{RolePMU, AllocRemovePlace, single, false},
		{RoleOCA, AllocRemovePlace, open, false},
		{RoleOCA, AllocFill, open, true},
		{RoleOCA, AllocFill, cancelled, false},
		{RolePMU, AllocFill, open, false},
		{RoleOCA, AllocEmpty, open, true},
		{RolePrison, AllocEmpty, open, false},
	}
	for _, c := range cases {
		if got := AllocationAllowed(c.role, c.action, c.a); got != c.want {
			t.Errorf("AllocationAllowed(%s, %s, %+v) = %v, want %v", c.role, c.action, c.a, got, c.want)
		}
	}
}

func TestValidateAllocationDetails(t *testing.T) {
	bxi := &Location{ID: "1", Type: LocPrison}
	wwi := &Location{ID: "2", Type: LocYOI}
	court := &Location{ID: "3", Type: LocCourt}
	closed := &Location{ID: "4", Type: LocPrison, Disabled: true}
	ok := NewAllocation{Count: 3, Date: "2026-11-22"}
	cases := []struct {
		name     string
		na       NewAllocation
		from, to *Location
		field    string // "" for valid
	}{
		{"valid today", ok, bxi, wwi, ""},
		{"zero", NewAllocation{Count: 0, Date: "2026-11-22"}, bxi, wwi, "moves_count"},
		{"too many", NewAllocation{Count: MaxAllocationSize + 1, Date: "2026-11-22"}, bxi, wwi, "moves_count"},
		{"no from", ok, nil, wwi, "from_location"},
		{"from a court", ok, court, wwi, "from_location"},
		{"to a closed prison", ok, bxi, closed, "to_location"},
		{"same", ok, bxi, bxi, "to_location"},
		{"no to", ok, bxi, nil, "to_location"},
		{"yesterday", NewAllocation{Count: 1, Date: "2026-11-21"}, bxi, wwi, "date"},
		{"not a date", NewAllocation{Count: 1, Date: "2026-02-30"}, bxi, wwi, "date"},
	}
	for _, c := range cases {
		fe := ValidateAllocationDetails(c.na, c.from, c.to, "2026-11-22")
		if c.field == "" && len(fe) > 0 || c.field != "" && !fe.Has(c.field) {
			t.Errorf("%s: %v", c.name, fe)
		}
	}
}

func TestValidateCriteria(t *testing.T) {
	cases := []struct {
		name  string
		c     Criteria
		field string
	}{
		{"adult male C", Criteria{Estate: EstateAdultMale, PrisonerCategory: "c", SentenceLength: "any"}, ""},
		{"adult male open", Criteria{Estate: EstateAdultMale, PrisonerCategory: "open", SentenceLength: "any"}, "prisoner_category"},
		{"adult female closed", Criteria{Estate: EstateAdultFemale, PrisonerCategory: "closed", SentenceLength: "long"}, ""},
		{"juvenile with a category", Criteria{Estate: EstateJuvenileFemale, PrisonerCategory: "b", SentenceLength: "any"}, "prisoner_category"},
		{"other without details", Criteria{Estate: EstateOther, SentenceLength: "any"}, "estate_comment"},
		{"other with details", Criteria{Estate: EstateOther, EstateComment: "Foreign nationals", SentenceLength: "any"}, ""},
		{"no estate", Criteria{SentenceLength: "any"}, "estate"},
		{"no sentence", Criteria{Estate: EstateJuvenileMale}, "sentence_length"},
		{"other sentence", Criteria{Estate: EstateJuvenileMale, SentenceLength: "other"}, "sentence_length_comment"},
		{"all complex cases", Criteria{Estate: EstateJuvenileMale, SentenceLength: "short", ComplexCases: ComplexCaseAnswers([]string{"self_harm"})}, ""},
		{"unknown complex case", Criteria{Estate: EstateJuvenileMale, SentenceLength: "short", ComplexCases: []ComplexCaseAnswer{{Key: "x", ID: "y"}}}, "complex_cases"},
	}
	for _, c := range cases {
		fe := ValidateCriteria(c.c)
		if c.field == "" && len(fe) > 0 || c.field != "" && !fe.Has(c.field) {
			t.Errorf("%s: %v", c.name, fe)
		}
	}
}

func TestAllocationMovesChangeOnlyTogether(t *testing.T) {
	m := Move{Status: StatusRequested, AllocationID: "a"}
	bxi := Location{Type: LocPrison}
	if Allowed(RolePMU, ActionChangeDate, m, bxi) || Allowed(RolePrison, ActionChangeDate, m, bxi) {
		t.Error("an allocation's move changed date on its own")
	}
	if Allowed(RolePrison, ActionCancel, m, bxi) || !Allowed(RolePMU, ActionCancel, m, bxi) {
		t.Error("only PMU cancels an allocation's move")
	}
	if !PlaceMayChange(Move{Status: StatusBooked}) || PlaceMayChange(Move{Status: StatusInTransit}) || PlaceMayChange(Move{Status: StatusCancelled}) {
		t.Error("PlaceMayChange")
	}
}

// moves_count counts the places not cancelled: none once cancelled,
// however many places the cancelled allocation had (Total).
func TestAllocationMovesCount(t *testing.T) {
	for _, c := range []struct {
		a    Allocation
		want int
	}{
		{Allocation{Total: 3, Filled: 1}, 3},
		{Allocation{Total: 0}, 0},
		{Allocation{Total: 3, CancellationReason: "made_in_error"}, 0},
	} {
		if got := c.a.MovesCount(); got != c.want {
			t.Errorf("%+v: MovesCount %d, want %d", c.a, got, c.want)
		}
	}
}

// What an allocation is created with: any criteria given must be from
// their lists, and none is required (the wizard's ValidateCriteria asks).
func TestValidateCriteriaGiven(t *testing.T) {
	cases := []struct {
		name  string
		c     Criteria
		field string
	}{
		{"nothing", Criteria{SentenceLength: "any"}, ""},
		{"a category alone", Criteria{PrisonerCategory: "open", SentenceLength: "any"}, ""},
		{"an unknown category alone", Criteria{PrisonerCategory: "a", SentenceLength: "any"}, "prisoner_category"},
		{"adult male, no category", Criteria{Estate: EstateAdultMale, SentenceLength: "any"}, ""},
		{"adult male open", Criteria{Estate: EstateAdultMale, PrisonerCategory: "open", SentenceLength: "any"}, "prisoner_category"},
		{"juvenile with a category", Criteria{Estate: EstateJuvenileFemale, PrisonerCategory: "b", SentenceLength: "any"}, "prisoner_category"},
		{"other without details", Criteria{Estate: EstateOther, SentenceLength: "other"}, ""},
		{"unknown estate", Criteria{Estate: "adult", SentenceLength: "any"}, "estate"},
		{"no sentence", Criteria{}, "sentence_length"},
	}
	for _, c := range cases {
		fe := ValidateCriteriaGiven(c.c)
		if c.field == "" && len(fe) > 0 || c.field != "" && !fe.Has(c.field) {
			t.Errorf("%s: %v", c.name, fe)
		}
	}
}

func TestValidateNewAllocationDate(t *testing.T) {
	today := "2026-11-23"
	for _, c := range []struct{ date, want, code string }{
		{"2026-11-23", "2026-11-23", ""}, {"2026-11-22", "", "past"}, {"2030-01-01", "", "out_of_range"}, {"soon", "", "invalid"},
	} {
		got, fe := ValidateNewAllocationDate(c.date, today)
		if c.code == "" && (got != c.want || len(fe) > 0) || c.code != "" && (len(fe) != 1 || fe[0].Code != c.code) {
			t.Errorf("%q: %q %v", c.date, got, fe)
		}
	}
}
