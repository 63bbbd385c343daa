package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// The demo's journeys and lodgings (issue 11), written after the planned
// rows through the road write path (CreateJourney, AppendJourneyEvent,
// CreateLodging) with ids and times drawn from their own generator and
// the plan's present, so the same -now gives the same ids: today's booked
// court move from Staines is in a van already on the road (Staines' day
// list grouped by vehicle has it), and the approved transfer to Brixton
// stops overnight at HMP High Down. (Moves the web and e2e suites pick
// from the demo, such as booked-court-guildford, are left without.)

// DemoVehicle is the registration of the demo's van on the road.
const DemoVehicle = "GU71 SMX"

// DemoJourney is a demo journey as planned, for the testing guide.
type DemoJourney struct {
	Move, ID, Registration string // Move is the demo move's name
	moveID, supplierID     string
	supplier               string // who records its events
	fromID, toID           string
}

// DemoLodging is a demo overnight lodge as planned, for the testing guide.
type DemoLodging struct {
	Move, ID, Location, StartDate, EndDate string
	moveID, locationID                     string
}

// demoRoad is what PlanDemo keeps for seedDemoRoad.
type demoRoad struct {
	eventIDs []string // the journeys' start events, in order
	seed     uint64
}

// planRoad plans the journeys and lodgings on named demo moves, after
// everything else: their own generator, so adding them moved no other id.
func (d *DemoData) planRoad(byID map[string]moves.Location, moveOf func(name string) (m moves.Move, supplier string, ok bool)) error {
	const seed = 20261202
	rng := rand.New(rand.NewPCG(seed, 11))
	newID := func() string {
		id, _ := uuid.NewRandomFromReader(RandReader{rng}) // the reader never fails
		return id.String()
	}
	for _, name := range []string{"booked-court-staines"} {
		m, sup, ok := moveOf(name)
		if !ok {
			return fmt.Errorf("demo journeys: no move %s", name)
		}
		d.Journeys = append(d.Journeys, DemoJourney{Move: name, ID: newID(), Registration: DemoVehicle, moveID: m.ID, supplierID: m.SupplierID,
			supplier: sup, fromID: m.FromID, toID: m.ToID})
		d.road.eventIDs = append(d.road.eventIDs, newID())
	}
	m, _, ok := moveOf("approved-transfer-to-brixton")
	if !ok {
		return fmt.Errorf("demo lodging: no move approved-transfer-to-brixton")
	}
	var hoi moves.Location
	for _, l := range byID {
		if l.Code == "HOI" {
			hoi = l
		}
	}
	d.Lodgings = append(d.Lodgings, DemoLodging{Move: "approved-transfer-to-brixton", ID: newID(), Location: hoi.Title,
		StartDate: m.Date, EndDate: moves.AddDays(m.Date, 1), moveID: m.ID, locationID: hoi.ID})
	d.road.seed = seed
	return nil
}

// seedDemoRoad writes the planned journeys and lodgings: each journey
// created 40 minutes before the present and started 30 minutes before,
// as its supplier's client would; the lodge as PMU would.
func (s *Store) seedDemoRoad(ctx context.Context, d *DemoData) error {
	src := &demoSource{now: d.Now, rng: rand.New(rand.NewPCG(d.road.seed, 12))}
	ctx = withDemoSource(ctx, src)
	billable := true
	for i, j := range d.Journeys {
		src.ids = []string{j.ID}
		opt := RoadOptions{By: j.supplier, SupplierID: j.supplierID}
		out, err := s.CreateJourney(ctx, moves.NewJourney{MoveID: j.moveID, SupplierID: j.supplierID, FromID: j.fromID, ToID: j.toID,
			Timestamp: d.Now.Add(-40 * time.Minute), Billable: &billable, Vehicle: moves.Vehicle{Registration: j.Registration}}, opt)
		if err != nil {
			return fmt.Errorf("demo journey: %w", err)
		}
		at := d.Now.Add(-30 * time.Minute)
		if _, _, err := s.AppendJourneyEvent(ctx, moves.Event{ID: d.road.eventIDs[i], MoveID: j.moveID, JourneyID: out.ID, Type: moves.EventJourneyStart,
			OccurredAt: at, RecordedAt: at}, opt); err != nil {
			return fmt.Errorf("demo journey start: %w", err)
		}
	}
	for _, l := range d.Lodgings {
		src.ids = []string{l.ID}
		if _, err := s.CreateLodging(ctx, l.moveID, moves.NewLodging{LocationID: l.locationID, StartDate: l.StartDate, EndDate: l.EndDate},
			RoadOptions{By: "pmu"}); err != nil {
			return fmt.Errorf("demo lodging: %w", err)
		}
	}
	return nil
}
