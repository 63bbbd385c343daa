package store

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
)

// queryPlan returns SQLite's plan for a query, one line per step.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// The day lists must walk the (location, date) indexes, whatever status
// filter is chosen: a busy location's day is read without scanning the
// table, for the list and for its counts.
func TestDayListsUseLocationDateIndexes(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name  string
		f     MoveFilter
		index string
	}{
		{"outgoing", MoveFilter{FromIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_from_date"},
		{"incoming", MoveFilter{ToIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_to_date"},
		{"incoming, active", MoveFilter{ToIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03",
			Statuses: []moves.Status{moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted}}, "moves_by_to_date"},
		{"incoming, a supplier's", MoveFilter{ToIDs: []string{"loc"}, SupplierIDs: []string{"sup"}, DateFrom: "2026-12-03", DateTo: "2026-12-03",
			Statuses: []moves.Status{moves.StatusCancelled}}, "moves_by_to_date"},
		{"all of a supplier's", MoveFilter{SupplierIDs: []string{"sup"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args := tc.f.where()
			list := queryPlan(t, s, listSelect+where+" ORDER BY lf.title, p.last_name", args...)
			if !strings.Contains(list, "USING INDEX "+tc.index) || strings.Contains(list, "SCAN m") {
				t.Errorf("list plan does not use %s:\n%s", tc.index, list)
			}
			cf := tc.f
			cf.Statuses = nil
			where, args = cf.where()
			count := queryPlan(t, s, "SELECT m.status, COUNT(*) FROM moves m"+where+" GROUP BY m.status", args...)
			if !strings.Contains(count, "INDEX "+tc.index) || strings.Contains(count, "SCAN m ") {
				t.Errorf("count plan does not use %s:\n%s", tc.index, count)
			}
		})
	}
}

func TestReviewFilterStatuses(t *testing.T) { storetest.ForEachEngine(t, testReviewFilterStatuses) }

func testReviewFilterStatuses(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	if _, err := s.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	counts, err := s.CountReviewRequests(ctx, ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{ReviewPending: 6, ReviewApproved: 2, ReviewRejected: 1}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s: %d, want %d (all %v)", k, counts[k], v, counts)
		}
	}
	for _, st := range ReviewStatuses {
		rows, total, err := s.ReviewRequests(ctx, ReviewFilter{Status: st})
		if err != nil {
			t.Fatal(err)
		}
		if total != counts[st] || len(rows) != total {
			t.Errorf("%s: %d rows, total %d, counted %d", st, len(rows), total, counts[st])
		}
		for _, r := range rows {
			if r.MoveType != moves.PrisonTransfer || r.Person.LastName == "" || r.From == "" {
				t.Errorf("%s: row %+v", st, r.Move)
			}
		}
	}
	// Sent-date range: From inclusive, To exclusive.
	counts, err = s.CountReviewRequests(ctx, ReviewFilter{SentFrom: now.Add(time.Second)})
	if err != nil || len(counts) != 0 {
		t.Errorf("sent after now: %v %v", counts, err)
	}
	// The demo's proposals were sent two days before the present.
	counts, err = s.CountReviewRequests(ctx, ReviewFilter{SentFrom: now.AddDate(0, 0, -3), SentTo: now.AddDate(0, 0, -1)})
	if err != nil || counts[ReviewPending] != 6 {
		t.Errorf("sent two days ago: %v %v", counts, err)
	}
	counts, err = s.CountReviewRequests(ctx, ReviewFilter{SentFrom: now.AddDate(0, 0, -1), SentTo: now.Add(time.Second)})
	if err != nil || counts[ReviewPending] != 0 {
		t.Errorf("sent since yesterday: %v %v", counts, err)
	}
	// Dates of birth (the age filter), inclusive at both ends: the rows
	// and counts agree with the people's dates of birth.
	pending, _, err := s.ReviewRequests(ctx, ReviewFilter{Status: ReviewPending})
	if err != nil || len(pending) < 2 {
		t.Fatalf("pending %d, %v", len(pending), err)
	}
	pivot := pending[0].Person.DateOfBirth
	for _, f := range []ReviewFilter{{BornFrom: pivot}, {BornTo: pivot}, {BornFrom: pivot, BornTo: pivot}} {
		want := 0
		for _, r := range pending {
			dob := r.Person.DateOfBirth
			if (f.BornFrom == "" || dob >= f.BornFrom) && (f.BornTo == "" || dob <= f.BornTo) {
				want++
			}
		}
		f.Status = ReviewPending
		rows, total, err := s.ReviewRequests(ctx, f)
		if err != nil || total != want || len(rows) != want {
			t.Errorf("born %q to %q: %d rows, total %d, want %d (%v)", f.BornFrom, f.BornTo, len(rows), total, want, err)
		}
		f.Status = ""
		counts, err := s.CountReviewRequests(ctx, f)
		if err != nil || counts[ReviewPending] != want {
			t.Errorf("born %q to %q: counted %v, want %d pending (%v)", f.BornFrom, f.BornTo, counts, want, err)
		}
	}
}

// Requests to review never read the whole table, for the page or for its
// counts: the proposals' partial index, or the creation-time index when
// that is narrower.
func TestReviewRequestsUseProposalsIndex(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, f := range []ReviewFilter{{}, {Status: ReviewPending}, {Status: ReviewApproved}, {Status: ReviewRejected},
		{Status: ReviewCancelled, EarliestFrom: "2026-12-01"}, {SentFrom: time.Now()}} {
		where, args := f.where(true)
		list := queryPlan(t, s, listSelect+where+" ORDER BY "+f.order()+" LIMIT 20", args...)
		where, args = f.where(f.Status != "")
		count := queryPlan(t, s, "SELECT "+reviewStatusCase+" AS g, COUNT(*) FROM moves m"+where+" GROUP BY g", args...)
		for _, plan := range []string{list, count} {
			first := strings.SplitN(plan, "\n", 2)[0]
			if !strings.Contains(first, " m USING ") || !strings.Contains(first, "INDEX moves_") {
				t.Errorf("%+v: moves read without an index:\n%s", f, plan)
			}
		}
	}
}
