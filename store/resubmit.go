package store

import (
	"context"
	"strings"

	"github.com/securemove/securemove/moves"
)

// Resubmission sends again a request PMU rejected because more
// information was required (moves.Resubmittable), from a form made at
// Version.
type Resubmission struct {
	MoveID      string
	Version     int64
	By          string
	Information string
	// The new request's window of dates, YYYY-MM-DD (DateTo may be empty).
	DateFrom string
	DateTo   string
}

// ResubmitMove sends a rejected request again, in one unit of work: a new
// proposed move like the rejected one (same person, places, type, details
// and profile) with the new window, linked to it as its original, whose
// log opens with the information added; and MoveResubmit in the rejected
// move's log, naming the new one. A request is sent again once: a second
// attempt is a conflict.
func (s *Store) ResubmitMove(ctx context.Context, r Resubmission) (moves.Move, error) {
	var out moves.Move
	info := strings.TrimSpace(r.Information)
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.lockMove(ctx, u.tx, r.MoveID)
		if err != nil {
			return err
		}
		if r.Version != 0 && r.Version != m.Version {
			return s.conflictSince(ctx, u.sqlTx(), m)
		}
		if !moves.Resubmittable(m) {
			return moves.Errorf(moves.Forbidden, "Only a request rejected because more information was required, and not rebooked, can be sent again")
		}
		var fe moves.FieldErrors
		if info == "" {
			fe.Add("information", "blank", "Enter the information PMU asked for")
		}
		if len([]rune(info)) > moves.MaxResubmitInformation {
			fe.Add("information", "too_long", "The information must be 1000 characters or fewer")
		}
		if len(fe) > 0 {
			return moves.InvalidFields(fe)
		}
		now := u.Now().UTC()
		next, err := s.createMoveTx(ctx, u, NewMove{
			MoveType: m.MoveType, FromID: m.FromID, ToID: m.ToID, DateFrom: r.DateFrom, DateTo: r.DateTo, Notes: m.Notes,
			Details: m.Details, PersonID: m.PersonID, ProfileID: m.ProfileID, CreatedBy: r.By, At: now,
			CreationNotes: "Sent again with more information after request " + m.Reference + " was rejected: " + info,
		}, m.ID)
		if err != nil {
			if moves.ErrorCode(err) == moves.Conflict {
				return moves.Errorf(moves.Conflict, "This request has already been sent again")
			}
			return err
		}
		e := moves.Event{Type: moves.EventMoveResubmit, MoveID: m.ID, OccurredAt: now, RecordedAt: now, CreatedBy: r.By,
			Details: map[string]any{"information": info}, Rels: map[string]string{"resubmitted_move": next.ID}}
		ev, _, err := s.AppendEvent(ctx, e, AppendOptions{ExpectedVersion: r.Version, By: r.By})
		if err != nil {
			return err
		}
		if !ev.Applied {
			return moves.Errorf(moves.Forbidden, "%s", ev.Reason)
		}
		out = next
		return nil
	})
	return out, err
}
