package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/securemove/securemove/moves"
)

// The tallies of moves by supplier, status and kind (migration 0018) are
// kept by triggers in the transaction of every write to moves. A count
// whose filter names nothing but suppliers and statuses, or a review
// count with no filter but its tab, is a sum of a few tallies instead of
// a walk through every matching move.

// tallied says whether the tallies answer a count of moves matching f:
// its only conditions are on supplier and status. A supplier id of ""
// is left to the rows: the tallies file moves without a supplier under
// it, which the filter's equality would not match.
func (f MoveFilter) tallied() bool {
	rest := f
	rest.SupplierIDs, rest.Statuses = nil, nil
	rest.Sort, rest.Desc, rest.Limit, rest.Offset = "", false, 0, 0
	if !rest.empty() {
		return false
	}
	return !slices.Contains(f.SupplierIDs, "")
}

// empty says whether f has no condition at all. Each field is named, so
// that a field added to MoveFilter is seen here (TestTalliedFilters sets
// every field in turn).
func (f MoveFilter) empty() bool {
	return len(f.IDs)+len(f.FromIDs)+len(f.ToIDs)+len(f.EitherIDs)+len(f.SupplierIDs)+len(f.Statuses)+len(f.MoveTypes)+
		len(f.References)+len(f.OriginalIDs)+len(f.CancellationReasons)+len(f.RejectionReasons) == 0 &&
		f.DateFrom == "" && f.DateTo == "" && f.WindowFrom == "" && f.WindowTo == "" &&
		f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() && f.PersonID == "" && f.AllocationID == "" && f.HasAllocation == nil &&
		f.Sort == "" && !f.Desc && f.Limit == 0 && f.Offset == 0
}

// countTallied is CountMoves from the tallies (f.tallied()).
func (s *Store) countTallied(ctx context.Context, f MoveFilter) (int, error) {
	var c conds
	c.in("supplier_id", f.SupplierIDs)
	c.in("status", statusStrings(f.Statuses))
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COALESCE(SUM(n), 0) FROM move_tallies"+c.sql(), c.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count moves: %w", err)
	}
	return n, nil
}

// dayTallied says whether the tallies by day (migration 0020) answer a
// count of moves matching f: a range of dates, with no other condition
// but supplier and status (a supplier's day, PMU's day at every place).
func (f MoveFilter) dayTallied() bool {
	if f.DateFrom == "" && f.DateTo == "" {
		return false
	}
	rest := f
	rest.DateFrom, rest.DateTo = "", ""
	return rest.tallied()
}

// dayTallyWhere is f's conditions on move_day_tallies (f.dayTallied()).
// A NULL date, tallied as the empty string, matches no range.
func (f MoveFilter) dayTallyWhere() (string, []any) {
	var c conds
	if f.DateFrom == f.DateTo {
		c.str("date = ?", f.DateFrom)
	} else {
		c.raw("date != ''")
		c.str("date >= ?", f.DateFrom)
		c.str("date <= ?", f.DateTo)
	}
	c.in("supplier_id", f.SupplierIDs)
	c.in("status", statusStrings(f.Statuses))
	return c.sql(), c.args
}

// countDayTallied is CountMoves from the tallies by day (f.dayTallied()).
func (s *Store) countDayTallied(ctx context.Context, f MoveFilter) (int, error) {
	where, args := f.dayTallyWhere()
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COALESCE(SUM(n), 0) FROM move_day_tallies"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count moves: %w", err)
	}
	return n, nil
}

// countByStatusTallied is CountByStatus from the tallies by day
// (f.dayTallied(), f.Statuses nil): the same map as the rows' count,
// which has no zeros.
func (s *Store) countByStatusTallied(ctx context.Context, f MoveFilter) (map[moves.Status]int, error) {
	where, args := f.dayTallyWhere()
	return s.statusCounts(ctx, "SELECT status, SUM(n) FROM move_day_tallies"+where+" GROUP BY status", args)
}

// tallied says whether the tallies answer the review's counts for f: no
// filter but the tab.
func (f ReviewFilter) tallied() bool {
	return len(f.FromIDs) == 0 && f.RegionID == "" && f.EarliestFrom == "" && f.EarliestTo == "" &&
		f.SentFrom.IsZero() && f.SentTo.IsZero() && f.BornFrom == "" && f.BornTo == ""
}

// reviewTallyQuery is CountReviewRequests's query when the tallies answer
// (f.tallied()): the same columns as the rows' count.
const reviewTallyQuery = "SELECT status, rejected, SUM(n) FROM move_tallies WHERE proposal = 1 GROUP BY status, rejected"

// hourMicros is an hour in microseconds, created_at's unit: the tallies
// of requests sent are kept by hour (migration 0020).
const hourMicros = int64(time.Hour / time.Microsecond)

// sentTallied says whether the tallies of requests sent by hour answer
// the review's counts for f: no filter but the tab and when they were
// sent, from and to whole hours (a week in London is one).
func (f ReviewFilter) sentTallied() bool {
	rest := f
	rest.SentFrom, rest.SentTo = time.Time{}, time.Time{}
	whole := func(t time.Time) bool { return t.IsZero() || micros(t)%hourMicros == 0 }
	return rest.tallied() && whole(f.SentFrom) && whole(f.SentTo)
}

// countReviewSentTallied is CountReviewRequests from the tallies of
// requests by hour sent (f.sentTallied()): one row, a sum for each review
// status. A week at a million moves spans about 200 of the tallies' rows;
// grouped by status, SQLite sorted them, and read into Go one by one they
// cost more than the sums.
func (s *Store) countReviewSentTallied(ctx context.Context, f ReviewFilter) (map[string]int, error) {
	q, args := reviewSentTallyQuery(f)
	var pending, approved, rejected, cancelled int64
	if err := s.r.QueryRowContext(ctx, q, args...).Scan(&pending, &approved, &rejected, &cancelled); err != nil {
		return nil, fmt.Errorf("store: count requests to review by status: %w", err)
	}
	out := map[string]int{}
	for st, n := range map[string]int64{ReviewPending: pending, ReviewApproved: approved, ReviewRejected: rejected, ReviewCancelled: cancelled} {
		if n != 0 && (f.Status == "" || f.Status == st) {
			out[st] = int(n)
		}
	}
	return out, nil
}

// reviewSentTallyQuery is countReviewSentTallied's query: the requests
// pending, approved, rejected and cancelled of the hours f names.
func reviewSentTallyQuery(f ReviewFilter) (string, []any) {
	var c conds
	if !f.SentFrom.IsZero() {
		c.raw("hour >= ?", micros(f.SentFrom)/hourMicros)
	}
	if !f.SentTo.IsZero() {
		c.raw("hour < ?", micros(f.SentTo)/hourMicros)
	}
	return `SELECT
		COALESCE(SUM(CASE WHEN status = 'proposed' THEN n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status NOT IN ('proposed', 'cancelled') THEN n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'cancelled' AND rejected = 1 THEN n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'cancelled' AND rejected = 0 THEN n ELSE 0 END), 0)
		FROM review_sent_tallies` + c.sql(), c.args
}
