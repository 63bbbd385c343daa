package store

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
)

// planStore is an empty SQLite store, migrated, to read query plans from;
// closed when the test ends.
func planStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

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
	s := planStore(t)
	for _, tc := range []struct {
		name  string
		f     MoveFilter
		index string
		// also is another index the list may walk instead.
		also string
	}{
		{"outgoing", MoveFilter{FromIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_from_date", ""},
		{"incoming", MoveFilter{ToIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_to_date", ""},
		{"incoming, active", MoveFilter{ToIDs: []string{"loc"}, DateFrom: "2026-12-03", DateTo: "2026-12-03",
			Statuses: []moves.Status{moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted}}, "moves_by_to_date", ""},
		{"incoming, a supplier's", MoveFilter{ToIDs: []string{"loc"}, SupplierIDs: []string{"sup"}, DateFrom: "2026-12-03", DateTo: "2026-12-03",
			Statuses: []moves.Status{moves.StatusCancelled}}, "moves_by_to_date", ""},
		{"all of a supplier's", MoveFilter{SupplierIDs: []string{"sup"}, DateFrom: "2026-12-03", DateTo: "2026-12-03"}, "moves_by_supplier_date", "moves_api_order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args := tc.f.where()
			list := queryPlan(t, s, daySelect+where, args...)
			uses := strings.Contains(list, "USING INDEX "+tc.index) || tc.also != "" && strings.Contains(list, "USING INDEX "+tc.also)
			if !uses || strings.Contains(list, "SCAN m") {
				t.Errorf("list plan does not use %s:\n%s", tc.index, list)
			}
			cf := tc.f
			cf.Statuses = nil
			where, args = cf.where()
			count := queryPlan(t, s, "SELECT m.status, COUNT(*) FROM moves m"+where+" GROUP BY m.status", args...)
			if !strings.Contains(count, "INDEX "+tc.index) || strings.Contains(count, "SCAN m ") {
				t.Errorf("count plan does not use %s:\n%s", tc.index, count)
			}
			// One day is an equality: the index gives its moves in status
			// order, read from the index alone, and the counts need no sort
			// (but where a supplier's term is kept off a place's index).
			mixed := len(tc.f.SupplierIDs) > 0 && len(tc.f.FromIDs)+len(tc.f.ToIDs) > 0
			if !mixed && (!strings.Contains(count, "COVERING INDEX") || strings.Contains(count, "TEMP B-TREE")) {
				t.Errorf("count plan of one day is not an ordered walk of the index alone:\n%s", count)
			}
		})
	}
}

// A supplier's API list chooses its page from moves_api_order alone. In
// the API's default order (latest date first) the page is the index's
// first entries, in order, with no sort and no person read (the names
// are in the index, migration 0023); the other way round, the index gives
// the dates and only the ties of a date are sorted. Only the page is then
// read whole. Its count reads the supplier's tallies, not its moves.
func TestSupplierListUsesSupplierDateIndex(t *testing.T) {
	s := planStore(t)
	for _, tc := range []struct {
		f      MoveFilter
		sorted string // the page's choice sorts nothing more than this
	}{
		{MoveFilter{SupplierIDs: []string{"sup"}, Sort: "date", Desc: true}, ""},
		{MoveFilter{SupplierIDs: []string{"sup"}}, "USE TEMP B-TREE FOR LAST 4 TERMS OF ORDER BY"},
	} {
		where, args := tc.f.where()
		page := queryPlan(t, s, "SELECT m.rowid FROM moves m"+listJoins(where+tc.f.order())+where+" ORDER BY "+tc.f.order()+" LIMIT 100", args...)
		want := "SEARCH m USING COVERING INDEX moves_api_order (supplier_id=?)"
		if tc.sorted != "" {
			want += "\n" + tc.sorted
		}
		if page != want {
			t.Errorf("%+v: the page's choice is not a walk of moves_api_order:\n%s\nwant\n%s", tc.f, page, want)
		}
		list := queryPlan(t, s, "SELECT m.id FROM moves m LEFT JOIN people p ON p.id = m.person_id LEFT JOIN profiles pr ON pr.id = m.profile_id"+
			tc.f.pageOf(where, 100, false), args...)
		if !strings.Contains(list, want) || strings.Contains(list, "SCAN m") {
			t.Errorf("%+v: list plan does not choose its page from moves_api_order:\n%s", tc.f, list)
		}
	}
	f := MoveFilter{SupplierIDs: []string{"sup"}}
	if !f.tallied() {
		t.Fatal("a supplier's count is not read from the tallies")
	}
	var c conds
	c.in("supplier_id", f.SupplierIDs)
	count := queryPlan(t, s, "SELECT COALESCE(SUM(n), 0) FROM move_tallies"+c.sql(), c.args...)
	if !strings.Contains(count, "SEARCH move_tallies USING PRIMARY KEY (supplier_id=?)") {
		t.Errorf("count plan does not read the supplier's tallies:\n%s", count)
	}
}

// A supplier's day and PMU's day at every place are counted by status
// from the tallies by day, a seek on the date; PMU's requests sent this
// week from the tallies by hour, a seek on the hours.
func TestDayAndWeekCountsSeekTheirTallies(t *testing.T) {
	s := planStore(t)
	for _, f := range []MoveFilter{
		{SupplierIDs: []string{"sup"}, DateFrom: "2026-01-05", DateTo: "2026-01-05"},
		{DateFrom: "2026-01-05", DateTo: "2026-01-05"},
		{SupplierIDs: []string{"sup"}, DateFrom: "2026-01-05", DateTo: "2026-01-11"},
	} {
		if !f.dayTallied() {
			t.Fatalf("%+v is not counted from the tallies by day", f)
		}
		where, args := f.dayTallyWhere()
		plan := queryPlan(t, s, "SELECT status, SUM(n) FROM move_day_tallies"+where+" GROUP BY status", args...)
		if !strings.Contains(plan, "SEARCH move_day_tallies USING PRIMARY KEY (date") {
			t.Errorf("%+v: the count does not seek the day's tallies:\n%s", f, plan)
		}
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	// A week in London, in summer time and in winter time.
	for _, mon := range []time.Time{time.Date(2026, 6, 1, 0, 0, 0, 0, london), time.Date(2026, 11, 30, 0, 0, 0, 0, london)} {
		f := ReviewFilter{SentFrom: mon, SentTo: mon.AddDate(0, 0, 7)}
		if !f.sentTallied() {
			t.Fatalf("the week from %s is not counted from the tallies by hour", mon)
		}
		q, args := reviewSentTallyQuery(f)
		plan := queryPlan(t, s, q, args...)
		if !strings.Contains(plan, "SEARCH review_sent_tallies USING PRIMARY KEY (hour>? AND hour<?)") {
			t.Errorf("the week's count does not seek its hours:\n%s", plan)
		}
	}
}

func TestReviewFilterStatuses(t *testing.T) { storetest.ForEachEngine(t, testReviewFilterStatuses) }

// reviewStatusCase names a request's review status in SQL, as the counts
// once did (reviewStatusOf names it in Go).
const reviewStatusCase = `CASE WHEN m.status = 'proposed' THEN 'pending'
	WHEN m.status = 'cancelled' AND m.cancellation_reason = 'rejected' THEN 'rejected'
	WHEN m.status = 'cancelled' THEN 'cancelled' ELSE 'approved' END`

func testReviewFilterStatuses(t *testing.T) {
	ctx := context.Background()
	s, now := openDemoList(t)
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
	// The counts by status and reason are the counts of the review
	// status as SQL names it, those of one location's requests (counted
	// from its moves rather than from moves_proposals) among them.
	first, _, err := s.ReviewRequests(ctx, ReviewFilter{Status: ReviewPending, Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatalf("a pending request: %v %v", first, err)
	}
	from := []string{first[0].FromID}
	for _, f := range []ReviewFilter{{}, {Status: ReviewCancelled}, {Status: ReviewRejected}, {RegionID: "x"}, {EarliestFrom: "2000-01-01"},
		{FromIDs: from}, {FromIDs: append(from, "x")}} {
		got, err := s.CountReviewRequests(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		where, args := f.where(f.Status != "")
		rows, err := s.r.QueryContext(ctx, "SELECT "+reviewStatusCase+" AS g, COUNT(*) FROM moves m"+listJoins(where)+where+" GROUP BY g", args...)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for rows.Next() {
			var g string
			var n int
			if err := rows.Scan(&g, &n); err != nil {
				t.Fatal(err)
			}
			want[g] = n
		}
		rows.Close()
		if !reflect.DeepEqual(got, want) || len(f.FromIDs) > 0 && len(want) == 0 {
			t.Errorf("%+v: counted %v, the review statuses in SQL %v", f, got, want)
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
	s := planStore(t)
	for _, f := range []ReviewFilter{{}, {Status: ReviewPending}, {Status: ReviewApproved}, {Status: ReviewRejected},
		{Status: ReviewCancelled, EarliestFrom: "2026-12-01"}, {SentFrom: time.Now()}} {
		where, args := f.where(true)
		list := queryPlan(t, s, listSelect+where+" ORDER BY "+f.order()+" LIMIT 20", args...)
		q, args := f.countQuery()
		count := queryPlan(t, s, q, args...)
		if reflect.DeepEqual(f, ReviewFilter{}) && strings.Contains(count, "TEMP B-TREE") {
			// The tabs' counts group as they walk the index.
			t.Errorf("every request counted with a sort:\n%s", count)
		}
		for _, plan := range []string{list, count} {
			first := strings.SplitN(plan, "\n", 2)[0]
			if !strings.Contains(first, " m USING ") || !strings.Contains(first, "INDEX moves_") {
				t.Errorf("%+v: moves read without an index:\n%s", f, plan)
			}
		}
	}
}

func TestSupplierFilters(t *testing.T) { storetest.ForEachEngine(t, testSupplierFilters) }

// The supplier term reads the same moves whichever index the engine walks
// for it: with a place (written so as not to use the supplier's index) and
// without one.
func testSupplierFilters(t *testing.T) {
	ctx := context.Background()
	s, _ := openDemoList(t)
	all := demoMoves(t, s)
	checked := 0
	for _, pick := range all {
		if pick.SupplierID == "" || pick.ToID == "" || pick.Date == "" {
			continue
		}
		checked++
		sup := []string{pick.SupplierID}
		want := map[string]bool{}
		wantSup := 0
		for _, r := range all {
			if r.SupplierID == pick.SupplierID {
				wantSup++
				if r.ToID == pick.ToID && r.Date == pick.Date {
					want[r.ID] = true
				}
			}
		}
		day := MoveFilter{ToIDs: []string{pick.ToID}, SupplierIDs: sup, DateFrom: pick.Date, DateTo: pick.Date}
		rows, err := s.DayMoves(ctx, day, ByOrigin, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, r := range rows {
			got[r.ID] = true
		}
		if len(got) != len(want) || !got[pick.ID] {
			t.Errorf("day list to %s on %s by %s: %d moves, want %d", pick.ToID, pick.Date, pick.SupplierID, len(got), len(want))
		}
		counts, err := s.CountByStatus(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range counts {
			n += c
		}
		if n != len(want) {
			t.Errorf("counts to %s on %s: %v, want %d in all", pick.ToID, pick.Date, counts, len(want))
		}
		if n, err := s.CountMoves(ctx, MoveFilter{SupplierIDs: sup}); err != nil || n != wantSup {
			t.Errorf("supplier %s: %d moves, want %d (%v)", pick.SupplierID, n, wantSup, err)
		}
		if checked == 5 {
			break
		}
	}
	if checked == 0 {
		t.Fatal("the demo has no move with a supplier, a destination and a date")
	}
}

// openDemoList opens a store of the engine under test with the demo's
// data seeded around its present, which it returns; the store closes with
// the test.
func openDemoList(t *testing.T) (*Store, time.Time) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	if _, err := s.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	return s, now
}

func TestLocationsFromMemory(t *testing.T) { storetest.ForEachEngine(t, testLocationsFromMemory) }

// Locations answers from memory as the query would, for every kind of
// filter, and follows a location being disabled at once.
func testLocationsFromMemory(t *testing.T) {
	ctx := context.Background()
	s, _ := openDemoList(t)
	all, err := s.queryLocations(ctx, LocationFilter{IncludeDisabled: true})
	if err != nil || len(all) < 3 {
		t.Fatalf("locations: %d, %v", len(all), err)
	}
	a, b := all[0], all[len(all)-1]
	filters := func() []LocationFilter {
		return []LocationFilter{{}, {IncludeDisabled: true}, {Types: []moves.LocationType{moves.LocPrison, moves.LocCourt}},
			{IDs: []string{a.ID, b.ID}}, {Codes: []string{strings.ToLower(a.Code), b.Code}, IncludeDisabled: true},
			{Types: []moves.LocationType{b.Type}, IDs: []string{a.ID, b.ID}}}
	}
	check := func(when string) {
		t.Helper()
		for _, f := range filters() {
			want, err := s.queryLocations(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Locations(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("%s, %+v: %d locations from memory, %d from the query", when, f, len(got), len(want))
				continue
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].Disabled != want[i].Disabled {
					t.Errorf("%s, %+v: #%d is %s (disabled %v), the query says %s (%v)", when, f, i, got[i].Title, got[i].Disabled,
						want[i].Title, want[i].Disabled)
				}
			}
		}
	}
	check("as seeded")
	if err := s.AdminSetLocationDisabled(ctx, a.ID, true, "admin"); err != nil {
		t.Fatal(err)
	}
	check("one disabled")
	if l, err := s.Location(ctx, a.ID); err != nil || !l.Disabled {
		t.Errorf("Location after disabling: %+v, %v", l, err)
	}
}

func TestDayMovesOrder(t *testing.T) { storetest.ForEachEngine(t, testDayMovesOrder) }

// A day's list, its titles taken from memory and ordered in Go, holds the
// moves and titles the joined query finds, in the order SQLite's sorter
// gave them (on PostgreSQL, whose nocase collation and NULLs differ, the
// same moves in the same order as on SQLite), and its limit keeps the
// first rows of that order.
func testDayMovesOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := openDemoList(t)
	all := demoMoves(t, s)
	type day struct{ loc, date string }
	seen := map[day]bool{}
	checked := 0
	for _, m := range all {
		for _, dir := range []string{ByOrigin, ByDestination} {
			f := MoveFilter{ToIDs: []string{m.ToID}, DateFrom: m.Date, DateTo: m.Date}
			order := "lf.title COLLATE NOCASE, m.from_location_id"
			k := day{"to " + m.ToID, m.Date}
			if dir == ByDestination {
				f = MoveFilter{FromIDs: []string{m.FromID}, DateFrom: m.Date, DateTo: m.Date}
				order = "lt.title IS NULL, lt.title COLLATE NOCASE, m.to_location_id"
				k = day{"from " + m.FromID, m.Date}
			}
			if m.Date == "" || (dir == ByOrigin && m.ToID == "") || seen[k] {
				continue
			}
			seen[k] = true
			where, args := f.where()
			rows, err := s.r.QueryContext(ctx, listSelect+where+" ORDER BY "+order+
				", p.last_name COLLATE NOCASE, p.first_names COLLATE NOCASE, m.reference", args...)
			if err != nil {
				t.Fatal(err)
			}
			var want []ListRow
			for rows.Next() {
				r, err := scanListRow(rows)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, r)
			}
			rows.Close()
			if s.Engine() != "sqlite" {
				sortDay(want, dir) // the engine's own order differs; SQLite's is checked on SQLite
			}
			got, err := s.DayMoves(ctx, f, dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%v: %d rows, the joined query %d", k, len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].From != want[i].From || got[i].To != want[i].To || len(got[i].Flags) != len(want[i].Flags) {
					t.Errorf("%v #%d: %s (%q to %q), the joined query %s (%q to %q)", k, i, got[i].Reference, got[i].From, got[i].To,
						want[i].Reference, want[i].From, want[i].To)
				}
				if g, w := dayShown(got[i]), dayShown(want[i]); !reflect.DeepEqual(g, w) {
					t.Errorf("%v #%d: the day list read\n%+v\nthe joined query\n%+v", k, i, g, w)
				}
			}
			if len(want) > 1 {
				lim, err := s.DayMoves(ctx, f, dir, 1)
				if err != nil || len(lim) != 1 || lim[0].ID != want[0].ID {
					t.Errorf("%v with limit 1: %d rows, %v", k, len(lim), err)
				}
			}
			checked++
		}
	}
	if checked < 5 {
		t.Fatalf("only %d day lists in the demo", checked)
	}
}

// dayShown is what DayMoves reads of a row (the rest of the move is
// left zero): what a day list's cards and CSV show.
func dayShown(r ListRow) ListRow {
	m := r.Move
	return ListRow{MoveRow: MoveRow{Move: moves.Move{ID: m.ID, Reference: m.Reference, Status: m.Status, MoveType: m.MoveType,
		FromID: m.FromID, ToID: m.ToID, Date: m.Date, TimeDue: m.TimeDue, Version: m.Version, PersonID: m.PersonID},
		Person: r.Person, From: r.From, To: r.To}, Flags: r.Flags, Lodge: r.Lodge}
}

// demoMoves is every move of the demo, with what lists show beside it.
func demoMoves(t *testing.T, s *Store) []MoveRow {
	t.Helper()
	all, total, err := s.ListMoves(context.Background(), MoveFilter{Limit: 100_000})
	if err != nil || len(all) != total || total == 0 {
		t.Fatalf("all moves: %d of %d, %v", len(all), total, err)
	}
	return all
}

// reviewStatusOf names the statuses as reviewStatusCase does.
func TestReviewStatusOf(t *testing.T) {
	for _, c := range []struct {
		status   string
		rejected bool
		want     string
	}{
		{"proposed", false, ReviewPending}, {"requested", false, ReviewApproved}, {"booked", false, ReviewApproved},
		{"in_transit", false, ReviewApproved}, {"completed", false, ReviewApproved}, {"cancelled", true, ReviewRejected},
		{"cancelled", false, ReviewCancelled},
	} {
		if got := reviewStatusOf(c.status, c.rejected); got != c.want {
			t.Errorf("%s (rejected %v): %s, want %s", c.status, c.rejected, got, c.want)
		}
	}
}

func TestListMovesTitlesFromMemory(t *testing.T) {
	storetest.ForEachEngine(t, testListMovesTitlesFromMemory)
}

// A page of moves with its titles taken from memory is the page the
// joined query reads, row for row, whatever the filter and the sort (of
// the sorts that order every row: date_from leaves ties to the plan).
func testListMovesTitlesFromMemory(t *testing.T) {
	ctx := context.Background()
	s, _ := openDemoList(t)
	all := demoMoves(t, s)
	pick := all[len(all)/2]
	for _, f := range []MoveFilter{{}, {Sort: "date", Desc: true}, {Sort: "created_at", Desc: true}, {Sort: "name"},
		{Sort: "reference", Limit: 5, Offset: 3}, {SupplierIDs: []string{pick.SupplierID}, Sort: "date", Desc: true},
		{FromIDs: []string{pick.FromID}}, {EitherIDs: []string{pick.FromID}, DateFrom: pick.Date}} {
		got, total, err := s.ListMoves(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want, wantTotal, err := s.listMoves(ctx, f, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || total != wantTotal || !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: %d rows of %d, the joined query %d of %d", f, len(got), total, len(want), wantTotal)
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("#%d: %+v\nthe joined query %+v", i, got[i], want[i])
					break
				}
			}
		}
	}
}

// The requests to review open on the pending ones, soonest first: the
// page walks moves_review_by_date in that order and stops after its rows,
// either way round, rather than reading and sorting every pending request.
func TestReviewPageWalksItsIndexInOrder(t *testing.T) {
	s := planStore(t)
	for _, desc := range []bool{false, true} {
		q, args := ReviewFilter{Status: ReviewPending, Desc: desc, Limit: 20}.pageQuery(false)
		plan := queryPlan(t, s, q, args...)
		// One sort only: the outer one, of the page's twenty rows.
		if !strings.Contains(plan, "COVERING INDEX moves_review_by_date (status=?)") || strings.Count(plan, "TEMP B-TREE") != 1 {
			t.Errorf("desc %v: the pending requests are not read in the index's order:\n%s", desc, plan)
		}
	}
}

// The tabs' counts walk moves_proposals, which holds the status and the
// cancellation reason, for every tab: never moves_review_by_date, which
// would read each row for its reason and sort them to group.
func TestReviewCountsWalkProposals(t *testing.T) {
	s := planStore(t)
	now := time.Now()
	for _, f := range []ReviewFilter{{Status: ReviewPending}, {Status: ReviewApproved}, {SentFrom: now.Add(-7 * 24 * time.Hour), SentTo: now}, {}} {
		got, err := s.CountReviewRequests(context.Background(), f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(got) != 0 {
			t.Errorf("%+v: counts %v in an empty store", f, got)
		}
		q, args := s.reviewCountQuery(f)
		plan := queryPlan(t, s, q, args...)
		if !strings.Contains(plan, "COVERING INDEX moves_proposals") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%+v: the count does not walk moves_proposals alone:\n%s", f, plan)
		}
	}
}

// A location's requests (its single requests, counted on its users' home
// page) are counted from its own proposals (moves_review_by_location),
// not by reading every location's in moves_proposals for where each comes
// from.
func TestReviewCountsOfALocationWalkItsMoves(t *testing.T) {
	s := planStore(t)
	for _, f := range []ReviewFilter{{FromIDs: []string{"a"}}, {FromIDs: []string{"a", "b"}}, {FromIDs: []string{"a"}, RegionID: "r"}} {
		got, err := s.CountReviewRequests(context.Background(), f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(got) != 0 {
			t.Errorf("%+v: counts %v in an empty store", f, got)
		}
		q, args := s.reviewCountQuery(f)
		plan := queryPlan(t, s, q, args...)
		if !strings.Contains(plan, "INDEX moves_review_by_location (from_location_id=?") || strings.Contains(plan, "moves_proposals") {
			t.Errorf("%+v: the count does not walk the location's moves:\n%s", f, plan)
		}
	}
}

// A page of requests is chosen by its sort keys alone, then read whole:
// the approved tab (four statuses, in no index's order) sorts the keys
// from moves_review_by_date, not every request with its person and
// places.
func TestReviewPageChoosesItsRowsByKeys(t *testing.T) {
	s := planStore(t)
	q, args := ReviewFilter{Status: ReviewApproved, Limit: 20}.pageQuery(false)
	plan := queryPlan(t, s, q, args...)
	if !strings.Contains(plan, "COVERING INDEX moves_review_by_date") {
		t.Errorf("the approved tab's page is not chosen from the index alone:\n%s", plan)
	}
	if strings.Contains(plan, "SCAN m") {
		t.Errorf("the approved tab's page scans the moves:\n%s", plan)
	}
}

// A location's pending requests (the default tab of its single requests)
// are chosen from its own moves, not by reading every location's pending
// proposals in moves_review_by_date for where each comes from.
func TestReviewPageOfALocationWalksItsMoves(t *testing.T) {
	s := planStore(t)
	for _, f := range []ReviewFilter{
		{Status: ReviewPending, FromIDs: []string{"a"}, Sort: "earliest", Limit: 20},
		{Status: ReviewPending, FromIDs: []string{"a", "b"}, Limit: 20},
		{Status: ReviewRejected, FromIDs: []string{"a"}, Sort: "sent", Desc: true, Limit: 20},
	} {
		q, args := f.pageQuery(false)
		plan := queryPlan(t, s, q, args...)
		if !strings.Contains(plan, "moves_review_by_location (from_location_id=? AND status=?") {
			t.Errorf("%+v: the page does not walk the location's moves:\n%s", f, plan)
		}
	}
	// PMU's review of every location keeps the index of its order.
	q, args := ReviewFilter{Status: ReviewPending, Limit: 20}.pageQuery(false)
	if plan := queryPlan(t, s, q, args...); !strings.Contains(plan, "moves_review_by_date") {
		t.Errorf("PMU's pending page does not use moves_review_by_date:\n%s", plan)
	}
}
