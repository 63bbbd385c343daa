package store

import (
	"context"
	"fmt"
	"slices"
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
		len(f.References)+len(f.CancellationReasons)+len(f.RejectionReasons) == 0 &&
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

// tallied says whether the tallies answer the review's counts for f: no
// filter but the tab.
func (f ReviewFilter) tallied() bool {
	return len(f.FromIDs) == 0 && f.RegionID == "" && f.EarliestFrom == "" && f.EarliestTo == "" &&
		f.SentFrom.IsZero() && f.SentTo.IsZero() && f.BornFrom == "" && f.BornTo == ""
}

// reviewTallyQuery is CountReviewRequests's query when the tallies answer
// (f.tallied()): the same columns as the rows' count.
const reviewTallyQuery = "SELECT status, rejected, SUM(n) FROM move_tallies WHERE proposal = 1 GROUP BY status, rejected"
