package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// Staff change a request (its time due and additional information, or
// the person's risk, health or court information) until the person leaves
// custody. Each change is one unit of work: the event in the move's log
// that says what changed (so the timeline and the supplier hear of it),
// the new values, and the move's version moved on, so a form made before
// it is refused as stale.

// MoveDetailsChange is new time due and additional information for a
// move, from a form made at Version.
type MoveDetailsChange struct {
	MoveID  string
	Version int64
	By      string
	TimeDue *time.Time // nil: no time due
	Notes   string
}

// ProfileChange is the new flags of one category (risk, health or court)
// for a move's person, from a form made at Version.
type ProfileChange struct {
	MoveID   string
	Version  int64
	By       string
	Category moves.FlagCategory
	Flags    []moves.Flag // all of the category's flags now answered yes
}

// RequestChanged is what a change did: the event recorded (zero when
// nothing changed, and so nothing was written) and the move after it.
type RequestChanged struct {
	Event moves.Event
	Move  moves.Move
}

// changeMove runs one change to a request inside a unit: it refuses a
// stale version, lets what work out what changed (nil details: nothing),
// records the event, lets write store the new values, and moves the
// move's version on.
func (s *Store) changeMove(ctx context.Context, id string, version int64, by string, t moves.EventType,
	what func(u *Unit, m moves.Move) (map[string]any, error), write func(u *Unit, m moves.Move) error) (RequestChanged, error) {
	var out RequestChanged
	err := s.unit(ctx, func(u *Unit) error {
		out = RequestChanged{}
		ctx := u.Context()
		// Locked (on PostgreSQL) before the version check, so that a
		// change from another instance waits instead of slipping between.
		m, err := s.lockMove(ctx, u.tx, id)
		if err != nil {
			return err
		}
		if version != m.Version {
			return s.conflictSince(ctx, u.sqlTx(), m)
		}
		out.Move = m
		if !moves.ChangeableStatus(m.Status) {
			return moves.Errorf(moves.Forbidden, "A move that is %s cannot be changed: the person has left custody or the move is over", m.Status.Label())
		}
		details, err := what(u, m)
		if err != nil || details == nil {
			return err
		}
		now := u.Now().UTC()
		e := moves.Event{Type: t, MoveID: id, OccurredAt: now, RecordedAt: now, CreatedBy: by, Details: details}
		ev, _, err := s.AppendEvent(ctx, e, AppendOptions{ExpectedVersion: version, By: by, NotifyAs: moves.ChangeUpdated})
		if err != nil {
			return err
		}
		if !ev.Applied {
			return moves.Errorf(moves.Forbidden, "%s", ev.Reason)
		}
		if err := write(u, m); err != nil {
			return err
		}
		if _, err := u.ExecContext(ctx, "UPDATE moves SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
			micros(now), by, id); err != nil {
			return err
		}
		u.TouchMove(m)
		out.Event = ev
		out.Move, err = getMove(ctx, u.tx, id)
		return err
	})
	if err != nil {
		return RequestChanged{}, err
	}
	return out, nil
}

// ChangeMoveDetails records MoveUpdate and stores the new time due and
// additional information.
func (s *Store) ChangeMoveDetails(ctx context.Context, ch MoveDetailsChange) (RequestChanged, error) {
	return s.changeMove(ctx, ch.MoveID, ch.Version, ch.By, moves.EventMoveUpdate,
		func(_ *Unit, m moves.Move) (map[string]any, error) {
			var changed []string
			details := map[string]any{}
			if !sameTime(m.TimeDue, ch.TimeDue) {
				changed = append(changed, "time_due")
				if ch.TimeDue != nil {
					details["time_due"] = ch.TimeDue.UTC().Format(time.RFC3339)
				}
			}
			if m.Notes != ch.Notes {
				changed = append(changed, "additional_information")
				if ch.Notes != "" {
					details["additional_information"] = ch.Notes
				}
			}
			if len(changed) == 0 {
				return nil, nil
			}
			details["changed"] = changed
			return details, nil
		},
		func(u *Unit, m moves.Move) error {
			_, err := u.ExecContext(u.Context(), "UPDATE moves SET notes = ?, time_due = ? WHERE id = ?", ch.Notes, nullMicros(ch.TimeDue), m.ID)
			return err
		})
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return micros(*a) == micros(*b)
}

// ChangeProfile records ProfileUpdate and gives the move a new profile
// with the category's new flags. The old profile is left as it was: a
// profile may be shared with a move this one was rebooked from, whose
// record must not change.
func (s *Store) ChangeProfile(ctx context.Context, ch ProfileChange) (RequestChanged, error) {
	var next moves.Profile
	return s.changeMove(ctx, ch.MoveID, ch.Version, ch.By, moves.EventProfileUpdate,
		func(u *Unit, m moves.Move) (map[string]any, error) {
			if m.ProfileID == "" {
				// An allocation's empty place: no person, so no profile.
				return nil, moves.Errorf(moves.Conflict, "This move has nobody on it yet, so it has no risk, health or court information to change")
			}
			old, err := s.profileIn(u, m.ProfileID)
			if err != nil {
				return nil, err
			}
			was := map[string]string{}
			var kept []moves.Flag
			for _, f := range old.Flags {
				if f.Category == ch.Category {
					was[f.Key] = f.Details
				} else {
					kept = append(kept, f)
				}
			}
			var added, removed, detailsChanged []string
			now := map[string]bool{}
			for _, f := range ch.Flags {
				now[f.Key] = true
				d, had := was[f.Key]
				switch {
				case !had:
					added = append(added, f.Key)
				case d != f.Details:
					detailsChanged = append(detailsChanged, f.Key)
				}
			}
			for _, k := range moves.FlagKeys[ch.Category] {
				if _, had := was[k]; had && !now[k] {
					removed = append(removed, k)
				}
			}
			// Keys no longer offered still count as removed.
			for k := range was {
				if !now[k] && !slices.Contains(removed, k) && !slices.Contains(moves.FlagKeys[ch.Category], k) {
					removed = append(removed, k)
				}
			}
			if len(added)+len(removed)+len(detailsChanged) == 0 {
				return nil, nil
			}
			next = moves.Profile{ID: uuid.NewString(), PersonID: old.PersonID, Flags: append(kept, ch.Flags...), CreatedBy: ch.By}
			details := map[string]any{"category": string(ch.Category)}
			for k, v := range map[string][]string{"added": added, "removed": removed, "details_changed": detailsChanged} {
				if len(v) > 0 {
					details[k] = v
				}
			}
			return details, nil
		},
		func(u *Unit, m moves.Move) error {
			if err := s.createProfile(u.Context(), u, &next); err != nil {
				return err
			}
			_, err := u.ExecContext(u.Context(), "UPDATE moves SET profile_id = ? WHERE id = ?", next.ID, m.ID)
			return err
		})
}

// profileIn reads a profile inside a unit.
func (s *Store) profileIn(u *Unit, id string) (moves.Profile, error) {
	var pr moves.Profile
	var flags string
	var created int64
	err := u.QueryRowContext(u.Context(), "SELECT id, person_id, flags, created_at, created_by FROM profiles WHERE id = ?", id).
		Scan(&pr.ID, &pr.PersonID, &flags, &created, &pr.CreatedBy)
	if err != nil {
		return pr, fmt.Errorf("store: read profile: %w", err)
	}
	pr.CreatedAt = fromMicros(created)
	err = json.Unmarshal([]byte(flags), &pr.Flags)
	return pr, err
}
