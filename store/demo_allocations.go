package store

import (
	"context"
	"fmt"
	"time"

	"github.com/securemove/securemove/moves"
)

// seedDemoAllocations makes three allocations from HMP Belmarsh (where the
// demo oca user works), after the planned demo rows have committed: one
// waiting for people (in three days), one with a person in one of its two
// places (in four), one cancelled (in five). It goes through the
// allocation write path, as PMU and oca would.
func (s *Store) seedDemoAllocations(ctx context.Context, now time.Time) error {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return err
	}
	today := now.In(london)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	ls, err := s.Locations(ctx, LocationFilter{Codes: []string{"BAI", "WWI", "BXI"}})
	if err != nil {
		return err
	}
	byCode := map[string]string{}
	for _, l := range ls {
		byCode[l.Code] = l.ID
	}
	crit := moves.Criteria{Estate: moves.EstateAdultMale, PrisonerCategory: "c", SentenceLength: "any",
		ComplexCases: moves.ComplexCaseAnswers([]string{"hold_separately", "self_harm", "mental_health_issue", "under_drug_treatment"})}
	mk := func(n int, to string, off int) (AllocationRow, error) {
		a, err := s.CreateAllocation(ctx, moves.NewAllocation{Count: n, FromID: byCode["BAI"], ToID: byCode[to], Date: day(off),
			Criteria: crit, RequestedBy: "Priya Sharma"}, "pmu", day(0))
		if err != nil {
			return a, fmt.Errorf("demo allocation: %w", err)
		}
		return a, nil
	}
	if _, err := mk(3, "WWI", 3); err != nil {
		return err
	}
	part, err := mk(2, "BXI", 4)
	if err != nil {
		return err
	}
	places, err := s.AllocationPlaces(ctx, part.ID)
	if err != nil {
		return err
	}
	var personID string
	if err := s.r.QueryRowContext(ctx, "SELECT id FROM people WHERE prison_number IS NOT NULL ORDER BY last_name, id LIMIT 1").Scan(&personID); err != nil {
		return fmt.Errorf("demo allocation person: %w", err)
	}
	if _, err := s.FillAllocationPlace(ctx, FillPlace{MoveID: places[0].ID, PersonID: personID, Agreed: true, AgreedBy: "Governor Ellis"},
		AllocationChange{By: "oca", Role: moves.RoleOCA}); err != nil {
		return fmt.Errorf("demo allocation place: %w", err)
	}
	gone, err := mk(2, "WWI", 5)
	if err != nil {
		return err
	}
	return s.CancelAllocation(ctx, gone.ID, "lack_of_space_at_receiving_establishment", "", AllocationChange{By: "pmu", Role: moves.RolePMU})
}
