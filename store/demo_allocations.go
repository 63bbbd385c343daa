package store

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/securemove/securemove/moves"
)

// demoAllocationPlans are the demo's allocations, all from HMP Belmarsh
// (where the demo oca user works): one waiting for people (in three days),
// one with a person in one of its two places (in four), one cancelled (in
// five).
var demoAllocationPlans = []struct {
	name   string
	count  int
	to     string
	dayOff int
	fill   bool
	cancel bool
}{
	{"allocation_unfilled", 3, "WWI", 3, false, false},
	{"allocation_part_filled", 2, "BXI", 4, true, false},
	{"allocation_cancelled", 2, "WWI", 5, false, true},
}

// demoAllocation is one planned allocation: the ids and references its
// write path will use, drawn from the plan's generator.
type demoAllocation struct {
	fromID, toID, date string
	count              int
	fill, cancel       bool
	ids, refs          []string // the allocation's id, then its places'
}

// demoAllocations is what PlanDemo keeps for seedDemoAllocations.
type demoAllocations struct {
	plans    []demoAllocation
	personID string // who fills the part-filled allocation's first place
	rng      *rand.Rand
}

// planAllocations plans the demo allocations after the planned moves: ids
// and references from the same generator (never a reference already
// taken), their places added to the documented moves.
func (d *DemoData) planAllocations(rng *rand.Rand, newID func() string, refs map[string]struct{}, byCode map[string]moves.Location,
	supplierOf, supplierName map[string]string, people []moves.Person, day func(int) string) error {
	var person *moves.Person
	for i := range people {
		p := &people[i]
		if p.PrisonNumber != "" && (person == nil || p.LastName < person.LastName || (p.LastName == person.LastName && p.ID < person.ID)) {
			person = p
		}
	}
	if person == nil {
		return fmt.Errorf("demo allocations: no person with a prison number")
	}
	d.allocations.personID = person.ID
	from := byCode["BAI"]
	for _, pl := range demoAllocationPlans {
		to := byCode[pl.to]
		a := demoAllocation{fromID: from.ID, toID: to.ID, date: day(pl.dayOff), count: pl.count, fill: pl.fill, cancel: pl.cancel}
		a.ids = append(a.ids, newID())
		for i := 0; i < pl.count; i++ {
			a.ids = append(a.ids, newID())
			for {
				ref, err := moves.NewReference(RandReader{rng})
				if err != nil {
					return err
				}
				if _, dup := refs[ref]; !dup {
					refs[ref] = struct{}{}
					a.refs = append(a.refs, ref)
					break
				}
			}
			dm := DemoMove{Name: fmt.Sprintf("%s_%d", pl.name, i+1), ID: a.ids[i+1], Reference: a.refs[i], From: from.Title, FromCode: from.Code,
				To: to.Title, ToCode: to.Code, MoveType: moves.PrisonTransfer, Status: moves.StatusRequested, Date: a.date,
				Supplier: supplierName[supplierOf[from.ID]], Events: 1}
			if pl.fill && i == 0 {
				// Its log: MoveRequested, then the MoveUpdate that added them.
				dm.Person, dm.Events = person.LastName+", "+person.FirstNames, 2
			}
			if pl.cancel {
				dm.Status, dm.Events = moves.StatusCancelled, 2
			}
			d.Moves = append(d.Moves, dm)
		}
		d.allocations.plans = append(d.allocations.plans, a)
	}
	d.allocations.rng = rng
	return nil
}

// seedDemoAllocations writes the planned allocations after the planned
// rows have committed, through the allocation write path as PMU and oca
// would, with the plan's ids, references and time: the same -now gives
// the same allocations.
func (s *Store) seedDemoAllocations(ctx context.Context, d *DemoData) error {
	crit := moves.Criteria{Estate: moves.EstateAdultMale, PrisonerCategory: "c", SentenceLength: "any",
		ComplexCases: moves.ComplexCaseAnswers([]string{"hold_separately", "self_harm", "mental_health_issue", "under_drug_treatment"})}
	for _, pa := range d.allocations.plans {
		// A fresh source per allocation: its own planned ids; the plan's
		// generator (shared, used in this fixed order) for the rest.
		ctx := withDemoSource(ctx, &demoSource{now: d.Now, ids: append([]string(nil), pa.ids...), refs: append([]string(nil), pa.refs...),
			rng: d.allocations.rng})
		a, err := s.CreateAllocation(ctx, moves.NewAllocation{Count: pa.count, FromID: pa.fromID, ToID: pa.toID, Date: pa.date,
			Criteria: crit, RequestedBy: "Priya Sharma"}, "pmu", d.Today)
		if err != nil {
			return fmt.Errorf("demo allocation: %w", err)
		}
		if pa.fill {
			if _, err := s.FillAllocationPlace(ctx, FillPlace{MoveID: pa.ids[1], PersonID: d.allocations.personID, Agreed: true, AgreedBy: "Governor Ellis"},
				AllocationChange{By: "oca", Role: moves.RoleOCA}); err != nil {
				return fmt.Errorf("demo allocation place: %w", err)
			}
		}
		if pa.cancel {
			if err := s.CancelAllocation(ctx, a.ID, "lack_of_space_at_receiving_establishment", "", AllocationChange{By: "pmu", Role: moves.RolePMU}); err != nil {
				return fmt.Errorf("demo allocation cancel: %w", err)
			}
		}
	}
	return nil
}
