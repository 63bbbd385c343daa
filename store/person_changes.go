package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/securemove/securemove/moves"
)

// PersonChange is a change to a person's details made by someone signed
// in. Seen is the person's UpdatedAt when the form was made: a person
// changed since is a conflict, so nobody overwrites a change they never
// saw.
type PersonChange struct {
	Person moves.Person
	Seen   time.Time
	By     string
	// Today is the London date, for the date-of-birth check.
	Today string
}

// PersonChanged is what UpdatePerson did.
type PersonChanged struct {
	Person moves.Person
	// Fields are the changed fields' keys (first_names, last_name,
	// date_of_birth, gender, pnc, prison_number), in that order; empty
	// when nothing changed and so nothing was written.
	Fields []string
	// Moves are the moves that had the change recorded in their log.
	Moves []string
}

// personFields are the details a person's page may change, in the order
// they are shown.
var personFields = []string{"first_names", "last_name", "date_of_birth", "gender", "pnc", "prison_number"}

func personField(p moves.Person, key string) string {
	switch key {
	case "first_names":
		return p.FirstNames
	case "last_name":
		return p.LastName
	case "date_of_birth":
		return p.DateOfBirth
	case "gender":
		return p.Gender
	case "pnc":
		return p.PNC
	case "prison_number":
		return p.PrisonNumber
	}
	return ""
}

// UpdatePerson validates and stores new details for a person, recording
// who changed them and when. Every move of theirs that has not left
// custody gets a PersonUpdate event naming what changed, in the same unit
// of work, so the move's timeline and its supplier hear of it; every page
// showing the person goes stale. A person changed after ch.Seen is a
// Conflict naming who changed them and when, and nothing is written.
func (s *Store) UpdatePerson(ctx context.Context, ch PersonChange) (PersonChanged, error) {
	p := ch.Person
	normalisePerson(&p)
	if fe := moves.ValidatePerson(p, ch.Today); len(fe) > 0 {
		return PersonChanged{}, moves.InvalidFields(fe)
	}
	var out PersonChanged
	err := s.unit(ctx, func(u *Unit) error {
		out = PersonChanged{}
		ctx := u.Context()
		// Locked (on PostgreSQL) until the commit, so that two instances
		// changing the same person cannot both pass the check below.
		old, err := scanPerson(u.QueryRowContext(ctx, "SELECT "+personCols+" FROM people WHERE id = ?"+s.eng.forUpdate, p.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("person")
		}
		if err != nil {
			return err
		}
		if micros(old.UpdatedAt) != micros(ch.Seen) {
			return moves.Errorf(moves.Conflict, "%s's details were changed by %s at %s", old.FullName(), old.UpdatedBy,
				old.UpdatedAt.UTC().Format(time.RFC3339))
		}
		details := map[string]any{}
		for _, k := range personFields {
			if personField(old, k) != personField(p, k) {
				out.Fields = append(out.Fields, k)
				details[k] = personField(p, k)
			}
		}
		if len(out.Fields) == 0 {
			out.Person = old
			return nil
		}
		// updated_at doubles as the person's version, which forms carry:
		// it moves on by at least a microsecond per change, even when the
		// clock stands still (a tester's fixed -now) or steps back.
		now := u.Now().UTC()
		if micros(now) <= micros(old.UpdatedAt) {
			now = fromMicros(micros(old.UpdatedAt) + 1)
		}
		if _, err := u.ExecContext(ctx, `UPDATE people SET first_names = ?, last_name = ?, date_of_birth = ?, gender = ?, pnc = ?, pnc_canonical = ?,
			prison_number = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
			p.FirstNames, p.LastName, p.DateOfBirth, p.Gender, nullStr(p.PNC), nullStr(moves.NormalizePNC(p.PNC)), nullStr(p.PrisonNumber),
			micros(now), ch.By, p.ID); err != nil {
			return fmt.Errorf("store: update person: %w", err)
		}
		out.Person = p
		out.Person.CreatedAt, out.Person.CreatedBy = old.CreatedAt, old.CreatedBy
		out.Person.UpdatedAt, out.Person.UpdatedBy = fromMicros(micros(now)), ch.By
		// Every move of theirs shows their details: all of those pages
		// and lists go stale, whatever their status.
		// So do the lists of the places they go from and to: each card
		// shows the person (a finished move's too, which gets no event).
		rows, err := u.QueryContext(ctx, "SELECT id, status, from_location_id, COALESCE(to_location_id, '') FROM moves WHERE person_id = ?", p.ID)
		if err != nil {
			return err
		}
		var all, open, places []string
		for rows.Next() {
			var id, status, from, to string
			if err := rows.Scan(&id, &status, &from, &to); err != nil {
				rows.Close()
				return err
			}
			all = append(all, id)
			places = append(places, from)
			if to != "" {
				places = append(places, to)
			}
			if moves.ChangeableStatus(moves.Status(status)) {
				open = append(open, id)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		u.TouchMoveIDs(all...)
		u.TouchPlaces(places...)
		details["changed"] = out.Fields
		for _, id := range open {
			e := moves.Event{Type: moves.EventPersonUpdate, MoveID: id, OccurredAt: now, RecordedAt: now, CreatedBy: ch.By, Details: details}
			if _, _, err := s.AppendEvent(ctx, e, AppendOptions{By: ch.By, NotifyAs: moves.ChangeUpdated}); err != nil {
				return fmt.Errorf("store: record person change on move %s: %w", id, err)
			}
			out.Moves = append(out.Moves, id)
		}
		return nil
	})
	if err != nil {
		return PersonChanged{}, err
	}
	return out, nil
}
