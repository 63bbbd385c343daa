package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func TestAPIOrderNamesKept(t *testing.T) { storetest.ForEachEngine(t, testAPIOrderNamesKept) }

// The names GET /api/moves sorts by are the person's, kept on the move by
// triggers (migration 0023): when a move is created, when a person's
// names change, and when a move is given another person; and the list's
// default order follows them at once, after the date and the time due.
func testAPIOrderNamesKept(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	zed, amy, bob := f.newPerson(t, "Zed"), f.newPerson(t, "Amy"), f.newPerson(t, "Bob")
	f.courtMove(t, zed, f.today)
	_, mb := f.courtMove(t, amy, f.today), f.courtMove(t, bob, f.today)
	names := func() string {
		t.Helper()
		rows, err := f.st.DB().QueryContext(ctx, `SELECT m.reference, COALESCE(m.person_last, '-'), COALESCE(m.person_first, '-'),
			COALESCE(p.last_name, '-'), COALESCE(p.first_names, '-') FROM moves m LEFT JOIN people p ON p.id = m.person_id ORDER BY m.reference`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var ref, kl, kf, pl, pf string
			if err := rows.Scan(&ref, &kl, &kf, &pl, &pf); err != nil {
				t.Fatal(err)
			}
			if kl != pl || kf != pf {
				fmt.Fprintf(&b, "%s keeps %s %s, its person is %s %s; ", ref, kf, kl, pf, pl)
			}
		}
		return b.String()
	}
	order := func() []string {
		t.Helper()
		rows, _, err := f.st.ListMoves(ctx, store.MoveFilter{SupplierIDs: []string{f.supplier.ID}, Sort: "date", Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Person.LastName)
		}
		return out
	}
	if d := names(); d != "" {
		t.Errorf("created: %s", d)
	}
	if got := order(); !slices.Equal(got, []string{"Amy", "Bob", "Zed"}) {
		t.Errorf("order %v, want by last name", got)
	}
	p := amy
	p.LastName = "Young"
	if _, err := f.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: amy.UpdatedAt, By: "pmu.user", Today: f.today}); err != nil {
		t.Fatal(err)
	}
	if d := names(); d != "" {
		t.Errorf("renamed: %s", d)
	}
	if got := order(); !slices.Equal(got, []string{"Bob", "Young", "Zed"}) {
		t.Errorf("order after the rename %v", got)
	}
	f.exec(t, "UPDATE moves SET person_id = ? WHERE id = ?", zed.ID, mb.ID)
	if d := names(); d != "" {
		t.Errorf("another person: %s", d)
	}
}
