package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// The tallies of moves (migration 0018) agree with the rows after every
// kind of write: the demo's seed, reviews, cancellations, the road's
// transitions, a change of supplier and of status made in SQL by hand (a
// path no store code takes, which the triggers still see), a deletion and
// a reset. And the counts read from them are the rows' counts.
func TestTalliesFollowTheRows(t *testing.T) { storetest.ForEachEngine(t, testTalliesFollowTheRows) }

func testTalliesFollowTheRows(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st := MustOpen(t)
	st.Now = func() time.Time { return now }
	if _, err := st.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	d, _ := store.PlanDemo(now)
	checkTallies(t, st, "after the seed")

	ev := func(id string, typ moves.EventType, details map[string]any) {
		t.Helper()
		e, after, err := st.AppendEvent(ctx, moves.Event{ID: uuid.NewString(), MoveID: id, Type: typ, OccurredAt: now, RecordedAt: now,
			CreatedBy: "pmu", Details: details}, store.AppendOptions{By: "pmu"})
		if err != nil || !e.Applied {
			t.Fatalf("%s on %s: applied %v (%s), %v", typ, id, e.Applied, e.Reason, err)
		}
		checkTallies(t, st, fmt.Sprintf("after %s on %s (now %s)", typ, id, after.Status))
	}
	named := func(name string) string {
		t.Helper()
		m, ok := d.Move(name)
		if !ok {
			t.Fatalf("no demo move %s", name)
		}
		return m.ID
	}
	ev(oneMove(t, st, "status = 'proposed'"), moves.EventMoveApprove, map[string]any{"date": "2026-01-20"})
	ev(oneMove(t, st, "status = 'proposed'"), moves.EventMoveReject, map[string]any{"rejection_reason": "no_space_at_receiving_prison"})
	ev(named("requested-court-guildford"), moves.EventMoveCancel, map[string]any{"cancellation_reason": "other"})
	ev(named("in-transit-court-guildford"), moves.EventMoveComplete, nil)

	exec := func(what, q string, args ...any) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		checkTallies(t, st, what)
	}
	booked := oneMove(t, st, "status = 'booked' AND supplier_id IS NOT NULL")
	exec("a supplier taken off a move by hand", "UPDATE moves SET supplier_id = NULL WHERE id = ?", booked)
	exec("a status set by hand", "UPDATE moves SET status = 'requested' WHERE id = ?", booked)
	exec("a rejection's reason set by hand", "UPDATE moves SET status = 'cancelled', cancellation_reason = 'rejected' WHERE id = ?", booked)
	exec("a date changed by hand", "UPDATE moves SET date = '2026-01-21' WHERE id = ?", booked)
	exec("a date taken off by hand", "UPDATE moves SET date = NULL WHERE id = ?", booked)
	exec("a request's time sent changed by hand", "UPDATE moves SET created_at = created_at + 7200000000 WHERE id = ?",
		oneMove(t, st, "initial_status = 'proposed'"))
	exec("an update that changes nothing tallied", "UPDATE moves SET status = status, supplier_id = supplier_id, date = date")
	// A move written in SQL by hand, as a copy of a cancelled one, and
	// deleted again.
	src := oneMove(t, st, "status = 'cancelled' AND original_move_id IS NULL AND supplier_id IS NOT NULL")
	cols := moveColumns(t, st)
	sel := make([]string, len(cols))
	for i, c := range cols {
		switch c {
		case "id":
			sel[i] = "'tally-copy'"
		case "reference":
			sel[i] = "'TALLY001'"
		default:
			sel[i] = c
		}
	}
	exec("a move inserted by hand", "INSERT INTO moves ("+strings.Join(cols, ", ")+") SELECT "+strings.Join(sel, ", ")+" FROM moves WHERE id = ?", src)
	exec("a move deleted", "DELETE FROM moves WHERE id = 'tally-copy'")

	if _, err := st.ResetDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	checkTallies(t, st, "after a reset")
}

// moveColumns lists the moves table's columns, id first.
func moveColumns(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.DB().Query("SELECT * FROM moves LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || len(cols) < 10 || cols[0] != "id" {
		t.Fatalf("moves' columns: %v %v", cols, err)
	}
	return cols
}

// oneMove is the id of a move matching where, or the test fails.
func oneMove(t *testing.T, st *store.Store, where string) string {
	t.Helper()
	var id string
	if err := st.DB().QueryRow("SELECT id FROM moves WHERE " + where + " ORDER BY reference LIMIT 1").Scan(&id); err != nil {
		t.Fatalf("no move where %s: %v", where, err)
	}
	return id
}

// checkTallies compares the tallies with the rows, then every count the
// store reads from them with the rows' count.
func checkTallies(t *testing.T, st *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	readKeyed := func(q string) string {
		rows, err := st.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var key string
			var n int64
			if err := rows.Scan(&key, &n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s=%d ", key, n)
		}
		return b.String()
	}
	tallies := readKeyed("SELECT supplier_id || '/' || status || '/' || proposal || '/' || rejected, n FROM move_tallies WHERE n != 0 ORDER BY 1")
	rows := readKeyed(`SELECT COALESCE(supplier_id, '') || '/' || status || '/' || (CASE WHEN initial_status = 'proposed' THEN 1 ELSE 0 END) || '/' ||
		(CASE WHEN status = 'cancelled' AND cancellation_reason = 'rejected' THEN 1 ELSE 0 END), COUNT(*)
		FROM moves GROUP BY COALESCE(supplier_id, ''), status, CASE WHEN initial_status = 'proposed' THEN 1 ELSE 0 END,
			CASE WHEN status = 'cancelled' AND cancellation_reason = 'rejected' THEN 1 ELSE 0 END
		ORDER BY 1`)
	if tallies != rows || tallies == "" {
		t.Fatalf("%s: tallies\n%s\nrows\n%s", when, tallies, rows)
	}
	days := readKeyed("SELECT date || '/' || supplier_id || '/' || status, n FROM move_day_tallies WHERE n != 0 ORDER BY date, supplier_id, status")
	dayRows := readKeyed(`SELECT COALESCE(date, '') || '/' || COALESCE(supplier_id, '') || '/' || status, COUNT(*)
		FROM moves GROUP BY COALESCE(date, ''), COALESCE(supplier_id, ''), status ORDER BY COALESCE(date, ''), COALESCE(supplier_id, ''), status`)
	if days != dayRows || days == "" {
		t.Fatalf("%s: tallies by day\n%s\nrows\n%s", when, days, dayRows)
	}
	sent := readKeyed("SELECT hour || '/' || status || '/' || rejected, n FROM review_sent_tallies WHERE n != 0 ORDER BY hour, status, rejected")
	sentRows := readKeyed(`SELECT (created_at / 3600000000) || '/' || status || '/' ||
		CASE WHEN status = 'cancelled' AND cancellation_reason = 'rejected' THEN 1 ELSE 0 END, COUNT(*)
		FROM moves WHERE initial_status = 'proposed'
		GROUP BY created_at / 3600000000, status, CASE WHEN status = 'cancelled' AND cancellation_reason = 'rejected' THEN 1 ELSE 0 END
		ORDER BY created_at / 3600000000, status, CASE WHEN status = 'cancelled' AND cancellation_reason = 'rejected' THEN 1 ELSE 0 END`)
	if sent != sentRows || sent == "" {
		t.Fatalf("%s: tallies of requests by hour sent\n%s\nrows\n%s", when, sent, sentRows)
	}
	checkDayCounts(t, st, when)
	checkSentCounts(t, st, when)
	sups := ids(t, st, "SELECT id FROM suppliers ORDER BY id")
	if len(sups) < 2 {
		t.Fatalf("%d suppliers, want two or more", len(sups))
	}
	count := func(where string, args ...any) int {
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM moves WHERE "+where, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, f := range []store.MoveFilter{
		{},
		{SupplierIDs: sups[:1]},
		{SupplierIDs: sups},
		{SupplierIDs: []string{"none"}},
		{Statuses: []moves.Status{moves.StatusBooked, moves.StatusCancelled}},
		{SupplierIDs: sups[1:2], Statuses: []moves.Status{moves.StatusRequested}, Sort: "name", Limit: 5, Offset: 5},
	} {
		var c []string
		var args []any
		if len(f.SupplierIDs) > 0 {
			c = append(c, "supplier_id IN (?"+strings.Repeat(",?", len(f.SupplierIDs)-1)+")")
			for _, s := range f.SupplierIDs {
				args = append(args, s)
			}
		}
		if len(f.Statuses) > 0 {
			c = append(c, "status IN (?"+strings.Repeat(",?", len(f.Statuses)-1)+")")
			for _, s := range f.Statuses {
				args = append(args, string(s))
			}
		}
		where := "1 = 1"
		if len(c) > 0 {
			where = strings.Join(c, " AND ")
		}
		got, err := st.CountMoves(ctx, f)
		if want := count(where, args...); err != nil || got != want {
			t.Errorf("%s: CountMoves(%+v) = %d (%v), the rows say %d", when, f, got, err, want)
		}
	}
	for _, tab := range []string{"", store.ReviewPending, store.ReviewApproved, store.ReviewRejected, store.ReviewCancelled} {
		got, err := st.CountReviewRequests(ctx, store.ReviewFilter{Status: tab})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for st, where := range map[string]string{
			store.ReviewPending:   "status = 'proposed'",
			store.ReviewApproved:  "status IN ('requested','booked','in_transit','completed')",
			store.ReviewRejected:  "status = 'cancelled' AND cancellation_reason = 'rejected'",
			store.ReviewCancelled: "status = 'cancelled' AND COALESCE(cancellation_reason, '') != 'rejected'",
		} {
			if tab != "" && tab != st {
				continue
			}
			if n := count("initial_status = 'proposed' AND " + where); n > 0 {
				want[st] = n
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: review counts for tab %q = %v, the rows say %v", when, tab, got, want)
		}
	}
}

// checkDayCounts compares the counts the store reads from the tallies by
// day with the counts of the rows (the store's other way), for the busiest
// date, a week around it and each supplier.
func checkDayCounts(t *testing.T, st *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	var day string
	if err := st.DB().QueryRowContext(ctx, `SELECT date FROM moves WHERE date IS NOT NULL
		GROUP BY date ORDER BY COUNT(*) DESC, date LIMIT 1`).Scan(&day); err != nil {
		t.Fatal(err)
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	weekFrom, weekTo := d.AddDate(0, 0, -3).Format(time.DateOnly), d.AddDate(0, 0, 3).Format(time.DateOnly)
	sups := ids(t, st, "SELECT DISTINCT supplier_id FROM moves WHERE supplier_id IS NOT NULL ORDER BY 1")
	filters := []store.MoveFilter{
		{DateFrom: day, DateTo: day},
		{DateFrom: weekFrom, DateTo: weekTo},
		{DateFrom: weekFrom},
		{DateTo: weekTo},
		{DateFrom: day, DateTo: day, Statuses: []moves.Status{moves.StatusBooked, moves.StatusRequested}},
		{DateFrom: "2000-01-01", DateTo: "2000-01-01"},
	}
	for _, sup := range sups {
		filters = append(filters, store.MoveFilter{SupplierIDs: []string{sup}, DateFrom: day, DateTo: day},
			store.MoveFilter{SupplierIDs: []string{sup}, DateFrom: weekFrom, DateTo: weekTo})
	}
	var dayMoves int
	for _, f := range filters {
		byStatus, err := st.CountByStatus(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		// The same filter with a condition the tallies do not hold (every
		// move was created after 1970) is counted from the rows.
		rowsFilter := f
		rowsFilter.CreatedFrom = time.Unix(0, 0)
		want, err := st.CountByStatus(ctx, rowsFilter)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(byStatus) != fmt.Sprint(want) {
			t.Errorf("%s: CountByStatus(%+v) = %v, the rows say %v", when, f, byStatus, want)
		}
		n, err := st.CountMoves(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		wantN, err := st.CountMoves(ctx, rowsFilter)
		if err != nil || n != wantN {
			t.Errorf("%s: CountMoves(%+v) = %d, the rows say %d (%v)", when, f, n, wantN, err)
		}
		if f.DateFrom == day && f.DateTo == day && len(f.SupplierIDs)+len(f.Statuses) == 0 {
			dayMoves = n
		}
	}
	if dayMoves == 0 {
		t.Fatalf("%s: no moves on %s, the busiest date", when, day)
	}
}

// checkSentCounts compares the review's counts of requests sent in whole
// hours, read from the tallies by hour, with those of the rows.
func checkSentCounts(t *testing.T, st *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	var first, last int64
	if err := st.DB().QueryRowContext(ctx, "SELECT MIN(created_at), MAX(created_at) FROM moves WHERE initial_status = 'proposed'").Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	from := time.UnixMicro(first).UTC().Truncate(time.Hour)
	to := time.UnixMicro(last).UTC().Truncate(time.Hour).Add(time.Hour)
	mid := from.Add(to.Sub(from) / 2).Truncate(time.Hour)
	total := 0
	for _, f := range []store.ReviewFilter{
		{SentFrom: from, SentTo: to},
		{SentFrom: from, SentTo: mid},
		{SentFrom: mid},
		{SentTo: mid},
		{SentFrom: mid, SentTo: to, Status: store.ReviewApproved},
		{SentFrom: to, SentTo: to.Add(time.Hour)},
	} {
		got, err := st.CountReviewRequests(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		// A microsecond past the hour is not tallied: the rows answer.
		rowsFilter := f
		if !f.SentFrom.IsZero() {
			rowsFilter.SentFrom = f.SentFrom.Add(-time.Microsecond)
		} else {
			rowsFilter.SentTo = f.SentTo.Add(time.Microsecond)
		}
		want, err := st.CountReviewRequests(ctx, rowsFilter)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: CountReviewRequests(%+v) = %v, the rows say %v", when, f, got, want)
		}
		if f.SentFrom.Equal(from) && f.SentTo.Equal(to) {
			for _, n := range got {
				total += n
			}
		}
	}
	if total == 0 {
		t.Fatalf("%s: no requests sent between %s and %s", when, from, to)
	}
}

// ids runs a query of one text column and returns its values.
func ids(t testing.TB, st *store.Store, q string, args ...any) []string {
	t.Helper()
	rows, err := st.DB().Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
