package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func TestCreateMoveKeepsTypeDetails(t *testing.T) {
	storetest.ForEachEngine(t, testCreateMoveKeepsTypeDetails)
}

// Each type's own details are kept with the move and read back as given;
// details that do not fit the type are refused and nothing is written.
func testCreateMoveKeepsTypeDetails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	recall, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonRecall, FromID: f.police.ID, Date: "2026-11-23",
		PersonID: f.person.ID, CreatedBy: "officer", Details: moves.MoveDetails{RecallDate: "2026-11-20"}})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: f.prison.ID, ToID: f.prison2.ID, DateFrom: "2026-11-25",
		PersonID: f.person.ID, CreatedBy: "prison", Details: moves.MoveDetails{TransferReason: "parole"}})
	if err != nil {
		t.Fatal(err)
	}
	flightAt := time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)
	ex, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.Extradition, FromID: f.prison.ID, ToID: f.police.ID, Date: "2026-11-24",
		PersonID: f.person.ID, CreatedBy: "prison", Details: moves.MoveDetails{Flight: &moves.ExtraditionFlight{Number: "ba 1234", Time: flightAt}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   string
		want moves.MoveDetails
	}{
		{recall.ID, moves.MoveDetails{RecallDate: "2026-11-20"}},
		{tr.ID, moves.MoveDetails{TransferReason: "parole"}},
		{ex.ID, moves.MoveDetails{Flight: &moves.ExtraditionFlight{Number: "BA1234", Time: flightAt}}},
	} {
		m, err := f.st.Move(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Details
		if got.RecallDate != c.want.RecallDate || got.TransferReason != c.want.TransferReason || (got.Flight == nil) != (c.want.Flight == nil) ||
			(got.Flight != nil && (got.Flight.Number != c.want.Flight.Number || !got.Flight.Time.Equal(c.want.Flight.Time))) {
			t.Errorf("%s: details %+v (flight %+v); want %+v", m.MoveType, got, got.Flight, c.want)
		}
	}
	before := countRows(t, f.st, "moves")
	for _, nm := range []store.NewMove{
		// Arrested tomorrow (the fixture's today is 22 November).
		{MoveType: moves.PrisonRecall, FromID: f.police.ID, Date: "2026-11-23", Details: moves.MoveDetails{RecallDate: "2026-11-23"}},
		{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID, Date: "2026-11-23", Details: moves.MoveDetails{RecallDate: "2026-11-20"}},
		{MoveType: moves.PrisonTransfer, FromID: f.prison.ID, ToID: f.prison2.ID, DateFrom: "2026-11-26", Details: moves.MoveDetails{TransferReason: "holiday"}},
		{MoveType: moves.Extradition, FromID: f.prison.ID, ToID: f.police.ID, Date: "2026-11-25",
			Details: moves.MoveDetails{Flight: &moves.ExtraditionFlight{Number: "BA1234", Time: f.now.Add(-time.Hour)}}},
	} {
		nm.PersonID, nm.CreatedBy = f.newPerson(t, "Other").ID, "officer"
		if _, err := f.st.CreateMove(ctx, nm); moves.ErrorCode(err) != moves.Invalid {
			t.Errorf("%s with %+v: %v; want invalid", nm.MoveType, nm.Details, err)
		}
	}
	if after := countRows(t, f.st, "moves"); after != before {
		t.Errorf("refused moves wrote %d rows", after-before)
	}
}

func TestSetExtraditionFlight(t *testing.T) {
	storetest.ForEachEngine(t, testSetExtraditionFlight)
}

// An extradition move's flight is added once, then changed; another
// type of move, a second add and a bad flight change nothing.
func testSetExtraditionFlight(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ex, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.Extradition, FromID: f.prison.ID, ToID: f.police.ID, Date: "2026-11-24",
		PersonID: f.person.ID, CreatedBy: "prison"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)
	if _, err := f.st.SetExtraditionFlight(ctx, ex.ID, moves.ExtraditionFlight{Number: "BA1234", Time: at}, false, "api"); moves.ErrorCode(err) != moves.NotFound {
		t.Errorf("change without a flight: %v", err)
	}
	m, err := f.st.SetExtraditionFlight(ctx, ex.ID, moves.ExtraditionFlight{Number: "ba 1234", Time: at}, true, "api")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetExtraditionFlight(ctx, ex.ID, moves.ExtraditionFlight{Number: "AF12", Time: at}, true, "api"); moves.ErrorCode(err) != moves.Conflict {
		t.Errorf("a second flight: %v", err)
	}
	if _, err := f.st.SetExtraditionFlight(ctx, ex.ID, moves.ExtraditionFlight{Number: "nonsense!", Time: at}, false, "api"); moves.ErrorCode(err) != moves.Invalid {
		t.Errorf("a bad flight number: %v", err)
	}
	if _, err := f.st.SetExtraditionFlight(ctx, ex.ID, moves.ExtraditionFlight{Number: "AF12", Time: at.Add(time.Hour)}, false, "api"); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.Move(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Details.Flight == nil || got.Details.Flight.Number != "AF12" || !got.Details.Flight.Time.Equal(at.Add(time.Hour)) || got.Version != ex.Version+2 {
		t.Errorf("flight %+v version %d (created at %d); first write gave %+v", got.Details.Flight, got.Version, ex.Version, m.Details.Flight)
	}
	other, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID, Date: "2026-11-23",
		PersonID: f.person.ID, CreatedBy: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetExtraditionFlight(ctx, other.ID, moves.ExtraditionFlight{Number: "BA1234", Time: at}, true, "api"); moves.ErrorCode(err) != moves.NotFound {
		t.Errorf("a court move's flight: %v", err)
	}
}
