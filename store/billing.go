package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/securemove/securemove/moves"
)

// BillingRow is one journey as a supplier's invoice is checked against
// it.
type BillingRow struct {
	MoveReference string
	// Number is the journey's 1-based place among all its move's journeys
	// (moves.NumberJourneys), whatever month the others fall in.
	Number       int
	From, To     string
	Date         string
	Registration string
	Status       moves.JourneyStatus
	Billable     bool
}

// SupplierJourneys returns a supplier's journeys dated in a month
// (YYYY-MM), every state included, ordered by date, move reference and
// journey number. One query reads them with their moves' other journeys,
// which their numbers depend on; the (supplier, date) index finds them.
func (s *Store) SupplierJourneys(ctx context.Context, supplierID, month string) ([]BillingRow, error) {
	first, err := time.Parse("2006-01", month)
	if err != nil {
		return nil, moves.Errorf(moves.Invalid, "month %q is not YYYY-MM", month)
	}
	from, to := first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	rows, err := s.r.QueryContext(ctx, `SELECT j.id, j.move_id, j.supplier_id, j.client_timestamp, j.created_at, j.date, j.status,
			j.billable, j.vehicle_registration, m.reference, lf.title, lt.title
		FROM journeys j JOIN moves m ON m.id = j.move_id
		JOIN locations lf ON lf.id = j.from_location_id JOIN locations lt ON lt.id = j.to_location_id
		WHERE j.move_id IN (SELECT move_id FROM journeys WHERE supplier_id = ? AND date >= ? AND date <= ?)
		ORDER BY j.move_id`, supplierID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: supplier journeys: %w", err)
	}
	defer rows.Close()
	type read struct {
		j   moves.Journey
		row BillingRow
	}
	var all []read
	for rows.Next() {
		var r read
		var ts, created int64
		var billable int
		var status string
		if err := rows.Scan(&r.j.ID, &r.j.MoveID, &r.j.SupplierID, &ts, &created, &r.row.Date, &status, &billable,
			&r.row.Registration, &r.row.MoveReference, &r.row.From, &r.row.To); err != nil {
			return nil, fmt.Errorf("store: supplier journeys: %w", err)
		}
		r.j.Timestamp, r.j.CreatedAt = fromMicros(ts), fromMicros(created)
		r.row.Status, r.row.Billable = moves.JourneyStatus(status), billable == 1
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []BillingRow
	for start := 0; start < len(all); {
		end := start
		for end < len(all) && all[end].j.MoveID == all[start].j.MoveID {
			end++
		}
		js := make([]moves.Journey, end-start)
		for i := range js {
			js[i] = all[start+i].j
		}
		moves.NumberJourneys(js)
		for i, j := range js {
			r := all[start+i].row
			if j.SupplierID == supplierID && r.Date >= from && r.Date <= to {
				r.Number = j.Number
				out = append(out, r)
			}
		}
		start = end
	}
	slices.SortFunc(out, func(a, b BillingRow) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.MoveReference, b.MoveReference), cmp.Compare(a.Number, b.Number))
	})
	return out, nil
}
