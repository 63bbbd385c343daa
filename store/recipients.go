package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// recipients is what notifyChange asks of every change a supplier may
// hear of: which subscriptions are enabled, and which supplier serves a
// move's destination on its day. Asked of the database, that was two
// queries on the single writer for every event (a sixth of what a
// subscription added to an event's write). Both change rarely, so the
// writer keeps them, for one value of recipients_version: a row that
// triggers set to a new random number whenever a subscription or a
// supplier's area changes (migration 0021), whoever changes it: this
// process, the subscriptions command, another instance. The row is read
// in the change's own transaction, so what is used is exactly what the
// queries would have read there.
type recipients struct {
	version int64
	subs    []subTarget               // enabled, oldest first
	areas   map[string][]supplierArea // by location, in the order added
}

// supplierArea is one row of supplier_locations; "" is an open end.
type supplierArea struct {
	supplierID, from, to string
}

// recipientsVersionQuery reads the row the triggers keep.
const recipientsVersionQuery = "SELECT v FROM recipients_version WHERE id = 1"

// recipients returns who can be told, from memory when it is current.
func (u *Unit) recipients(ctx context.Context) (*recipients, error) {
	var v int64
	if err := u.QueryRowContext(ctx, recipientsVersionQuery).Scan(&v); err != nil {
		return nil, fmt.Errorf("store: recipients version: %w", err)
	}
	if r := u.s.recips.Load(); r != nil && r.version == v {
		return r, nil
	}
	r, err := loadRecipients(ctx, u, v)
	if err != nil {
		return nil, err
	}
	// Kept whatever becomes of this transaction: if it rolls back a change
	// it made to either table, the row goes back to a value other than v,
	// and v, a random number, does not come again.
	u.s.recips.Store(r)
	return r, nil
}

func loadRecipients(ctx context.Context, q querier, v int64) (*recipients, error) {
	subs, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (subTarget, error) {
		var t subTarget
		err := sc.Scan(&t.id, &t.supplierID, &t.callbackURL, &t.email)
		return t, err
	}, "SELECT id, supplier_id, callback_url, email FROM subscriptions WHERE enabled = 1 ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	type located struct {
		loc string
		supplierArea
	}
	rows, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (located, error) {
		var l located
		var from, to sql.NullString
		err := sc.Scan(&l.loc, &l.supplierID, &from, &to)
		l.from, l.to = from.String, to.String
		return l, err
	}, "SELECT location_id, supplier_id, effective_from, effective_to FROM supplier_locations ORDER BY rowid")
	if err != nil {
		return nil, fmt.Errorf("store: supplier areas: %w", err)
	}
	r := &recipients{version: v, subs: subs, areas: map[string][]supplierArea{}}
	for _, l := range rows {
		r.areas[l.loc] = append(r.areas[l.loc], l.supplierArea)
	}
	return r, nil
}

// supplierFor is supplierFor's query answered from memory: the area of
// the location that covers the date, the latest starting if several do
// (an open start counts as the earliest), "" if none. The administration
// pages keep areas of one location from overlapping; of two that do and
// start on the same day (data from elsewhere), the one added first.
func (r *recipients) supplierFor(locationID, date string) string {
	best, found := supplierArea{}, false
	for _, a := range r.areas[locationID] {
		if (a.from != "" && a.from > date) || (a.to != "" && a.to < date) {
			continue
		}
		if !found || a.from > best.from {
			best, found = a, true
		}
	}
	return best.supplierID
}

// of returns the enabled subscriptions of the given suppliers, in a slice
// of the caller's own.
func (r *recipients) of(suppliers ...string) []subTarget {
	var out []subTarget
	for _, t := range r.subs {
		if slices.Contains(suppliers, t.supplierID) {
			out = append(out, t)
		}
	}
	return out
}
