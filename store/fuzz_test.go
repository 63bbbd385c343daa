package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// FuzzAppendEvent appends arbitrary events (any type, timestamps, details
// and relationships, to a real move or to none) to a bulk-loaded
// database. Whatever the event, AppendEvent either refuses it with a coded
// error (invalid, not found, conflict: never an internal error) and
// leaves the move and its log exactly as they were, or stores it, and
// then replaying the move's log gives the move's stored state.
func FuzzAppendEvent(f *testing.F) {
	ctx := context.Background()
	path := filepath.Join(f.TempDir(), "fuzz.db")
	meta, err := bulk.BulkLoad(ctx, path, bulk.BulkSpec{Moves: 120, Locations: 60, Seed: 5})
	if err != nil {
		f.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	var ids []string
	for _, ms := range meta.SampleMoves {
		ids = append(ids, ms...)
	}
	locs, err := st.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		f.Fatal(err)
	}
	byID := map[string]moves.Location{}
	for _, l := range locs {
		byID[l.ID] = l
	}
	busy := meta.BusyLocationID
	for _, s := range []struct {
		typ, occ, rec, details, rels string
		move                         uint16
	}{
		{"MoveNotifyPremisesOfEta", "2026-06-17T10:00:00+01:00", "2026-06-17T10:00:05+01:00", `{"expected_at":"2026-06-17T11:00:00+01:00"}`, `{}`, 0},
		{"MoveAccept", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{}`, 1},
		{"MoveStart", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", `{}`, `{}`, 2},
		{"MoveComplete", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", `{}`, `{}`, 3},
		{"MoveCancel", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"cancellation_reason":"other"}`, `{}`, 4},
		{"MoveCancel", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"cancellation_reason":7}`, `{}`, 4},
		{"MoveRedirect", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"move_type":"court_appearance"}`, `{"to_location":"` + busy + `"}`, 5},
		{"MoveRedirect", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{"to_location":"nowhere"}`, 5},
		{"MoveApprove", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"date":"2026-02-30"}`, `{}`, 6},
		{"MoveDateChanged", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"date":"2026-06-20"}`, `{}`, 7},
		{"MoveReject", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"rejection_reason":"no_transport_available","rebook":true}`, `{}`, 8},
		{"MoveLockout", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"authorised_by":"PMU"}`, `{"from_location":"` + busy + `"}`, 9},
		{"MoveCrossSupplierPickUp", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{"previous_move":"` + ids[0] + `"}`, 10},
		{"MoveRequested", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{}`, 11},
		{"NoSuchEvent", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{}`, 12},
		{"MoveAccept", "2026-06-17T10:00:00", "2026-06-17 10:00", `{}`, `{}`, 13},
		{"MoveAccept", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{}`, `{}`, 0xffff},
		{"PersonMoveVehicleBrokeDown", "2026-06-17T10:00:00Z", "2026-06-17T10:00:00Z", `{"vehicle_reg":"'; DROP TABLE events; --","reported_at":"2026-06-17T10:00:00Z","postcode":"<b>"}`, `{}`, 14},
	} {
		f.Add(s.typ, s.occ, s.rec, []byte(s.details), []byte(s.rels), s.move)
	}
	type snapshot struct {
		move   moves.Move
		events int
	}
	take := func(t *testing.T, id string) snapshot {
		var s snapshot
		m, err := st.Move(ctx, id)
		if err != nil && moves.ErrorCode(err) != moves.NotFound {
			t.Fatal(err)
		}
		s.move = m
		if err := db.QueryRow("SELECT COUNT(*) FROM events WHERE move_id = ?", id).Scan(&s.events); err != nil {
			t.Fatal(err)
		}
		return s
	}
	f.Fuzz(func(t *testing.T, typ, occ, rec string, details, rels []byte, move uint16) {
		id := "no-such-move"
		if move != 0xffff {
			id = ids[int(move)%len(ids)]
		}
		e := moves.Event{MoveID: id, Type: moves.EventType(typ), CreatedBy: "fuzz"}
		e.OccurredAt, _ = moves.ParseTimestamp(occ)
		e.RecordedAt, _ = moves.ParseTimestamp(rec)
		_ = json.Unmarshal(details, &e.Details)
		_ = json.Unmarshal(rels, &e.Rels)
		before := take(t, id)
		stored, _, err := st.AppendEvent(ctx, e, store.AppendOptions{By: "fuzz"})
		after := take(t, id)
		if err != nil {
			switch moves.ErrorCode(err) {
			case moves.Invalid, moves.NotFound, moves.Conflict:
			default:
				t.Fatalf("AppendEvent(%s) failed without a code (a 500): %v", typ, err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Fatalf("refused %s (%v) but the move changed:\nbefore %+v\nafter  %+v", typ, err, before, after)
			}
			return
		}
		if after.events != before.events+1 {
			t.Fatalf("stored %s but the log went from %d to %d events", typ, before.events, after.events)
		}
		if _, err := st.Event(ctx, stored.ID); err != nil {
			t.Fatalf("stored event %s cannot be read back: %v", stored.ID, err)
		}
		// The stored state is the replay of the whole log.
		var b moves.State
		var to, date, from, until sql.NullString
		var status, mt string
		if err := db.QueryRow(`SELECT initial_status, initial_move_type, initial_to_location_id, initial_date, initial_date_from, initial_date_to
			FROM moves WHERE id = ?`, id).Scan(&status, &mt, &to, &date, &from, &until); err != nil {
			t.Fatal(err)
		}
		b = moves.State{Status: moves.Status(status), MoveType: moves.MoveType(mt), FromID: after.move.FromID, ToID: to.String,
			Date: date.String, DateFrom: from.String, DateTo: until.String}
		log, err := st.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := moves.Replay(b, log, fuzzLocs(byID)); got != after.move.State() {
			t.Fatalf("after %s the stored state %+v is not the replay of the log %+v", typ, after.move.State(), got)
		}
	})
}

type fuzzLocs map[string]moves.Location

func (l fuzzLocs) Location(id string) (moves.Location, bool) {
	loc, ok := l[id]
	return loc, ok
}
