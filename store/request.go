package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// CreateMoveWithPerson adds a new person and books a move for them in one
// transaction, so that a refused move (a duplicate, a date gone by) never
// leaves a person behind, and a person is never added twice by a second
// attempt. The person is validated as CreatePerson does; today is the
// London date, for the date-of-birth check. nm.PersonID is ignored.
func (s *Store) CreateMoveWithPerson(ctx context.Context, p moves.Person, today string, nm NewMove) (moves.Move, moves.Person, error) {
	normalisePerson(&p)
	if fe := moves.ValidatePerson(p, today); len(fe) > 0 {
		return moves.Move{}, moves.Person{}, moves.InvalidFields(fe)
	}
	p.ID = uuid.NewString()
	if p.CreatedBy == "" {
		p.CreatedBy = nm.CreatedBy
	}
	var out moves.Move
	err := s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		now := s.Now().UTC()
		p.CreatedAt, p.UpdatedAt = now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO people (id, first_names, last_name, date_of_birth, gender, ethnicity, pnc, pnc_canonical, prison_number, created_at, created_by, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.FirstNames, p.LastName, p.DateOfBirth, p.Gender, p.Ethnicity, nullStr(p.PNC), nullStr(moves.NormalizePNC(p.PNC)),
			nullStr(p.PrisonNumber), micros(now), p.CreatedBy, micros(now), p.CreatedBy); err != nil {
			return fmt.Errorf("store: create person: %w", err)
		}
		nm.PersonID = p.ID
		m, err := s.createMoveTx(ctx, un, nm, "")
		out = m
		return err
	})
	if err != nil {
		return moves.Move{}, moves.Person{}, err
	}
	return out, p, nil
}
