package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

const personCols = `id, first_names, last_name, date_of_birth, gender, ethnicity, COALESCE(pnc,''), COALESCE(prison_number,''), created_at, created_by, updated_at, updated_by`

func scanPerson(sc interface{ Scan(...any) error }) (moves.Person, error) {
	var p moves.Person
	var created, updated int64
	err := sc.Scan(&p.ID, &p.FirstNames, &p.LastName, &p.DateOfBirth, &p.Gender, &p.Ethnicity, &p.PNC, &p.PrisonNumber, &created, &p.CreatedBy, &updated, &p.UpdatedBy)
	p.CreatedAt = fromMicros(created)
	p.UpdatedAt = fromMicros(updated)
	return p, err
}

// normalisePerson tidies identifiers so that searches match what was typed.
func normalisePerson(p *moves.Person) {
	p.FirstNames = strings.TrimSpace(p.FirstNames)
	p.LastName = strings.TrimSpace(p.LastName)
	p.PNC = strings.ToUpper(strings.ReplaceAll(p.PNC, " ", ""))
	p.PrisonNumber = strings.ToUpper(strings.ReplaceAll(p.PrisonNumber, " ", ""))
}

// CreatePerson validates and adds a person. today is the London date, for
// the date-of-birth check.
func (s *Store) CreatePerson(ctx context.Context, p *moves.Person, today string) error {
	normalisePerson(p)
	if fe := moves.ValidatePerson(*p, today); len(fe) > 0 {
		return moves.InvalidFields(fe)
	}
	if p.ID == "" {
		p.ID = uuid.NewString()
	}
	now := s.Now().UTC()
	p.CreatedAt, p.UpdatedAt, p.UpdatedBy = now, now, p.CreatedBy
	// A new person is shown nowhere until a move names them: the unit
	// records nothing as touched.
	err := s.unit(ctx, func(u *Unit) error {
		_, err := u.ExecContext(u.Context(), `INSERT INTO people (id, first_names, last_name, date_of_birth, gender, ethnicity, pnc, pnc_canonical, prison_number, created_at, created_by, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.FirstNames, p.LastName, p.DateOfBirth, p.Gender, p.Ethnicity, nullStr(p.PNC), nullStr(moves.NormalizePNC(p.PNC)),
			nullStr(p.PrisonNumber), micros(now), p.CreatedBy, micros(now), p.CreatedBy)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create person: %w", err)
	}
	return nil
}

// Person returns one person by id.
func (s *Store) Person(ctx context.Context, id string) (moves.Person, error) {
	p, err := scanPerson(s.r.QueryRowContext(ctx, "SELECT "+personCols+" FROM people WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("person")
	}
	return p, err
}

// PeopleFilter finds people by one identifier, or by name and date of birth.
type PeopleFilter struct {
	PNC          string
	PrisonNumber string
	LastName     string
	DateOfBirth  string
	IDs          []string
	Limit        int
}

// FindPeople returns matching people, newest first. An empty filter finds
// nobody rather than everybody.
func (s *Store) FindPeople(ctx context.Context, f PeopleFilter) ([]moves.Person, error) {
	var where []string
	var args []any
	if f.PNC != "" {
		c := moves.NormalizePNC(f.PNC)
		if c == "" {
			return nil, nil
		}
		where = append(where, "pnc_canonical = ?")
		args = append(args, c)
	}
	if f.PrisonNumber != "" {
		where = append(where, "prison_number = ?")
		args = append(args, strings.ToUpper(strings.TrimSpace(f.PrisonNumber)))
	}
	if f.LastName != "" {
		where = append(where, "last_name = ? COLLATE NOCASE")
		args = append(args, strings.TrimSpace(f.LastName))
	}
	if f.DateOfBirth != "" {
		where = append(where, "date_of_birth = ?")
		args = append(args, f.DateOfBirth)
	}
	if len(f.IDs) > 0 {
		where = append(where, "id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(where) == 0 {
		return nil, nil
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+personCols+" FROM people WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY last_name, first_names LIMIT %d", limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: find people: %w", err)
	}
	return scanAll(rows, scanPerson)
}

// CreateProfile adds a profile (the person's information for one move).
func (s *Store) CreateProfile(ctx context.Context, pr *moves.Profile) error {
	// A new profile is shown nowhere until a move names it.
	return s.unit(ctx, func(u *Unit) error { return s.createProfile(u.Context(), u, pr) })
}

func (s *Store) createProfile(ctx context.Context, q querier, pr *moves.Profile) error {
	if pr.ID == "" {
		pr.ID = uuid.NewString()
	}
	if pr.Flags == nil {
		pr.Flags = []moves.Flag{}
	}
	flags, err := json.Marshal(pr.Flags)
	if err != nil {
		return err
	}
	pr.CreatedAt = s.writeNowIn(ctx)
	_, err = q.ExecContext(ctx, "INSERT INTO profiles (id, person_id, flags, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
		pr.ID, pr.PersonID, string(flags), micros(pr.CreatedAt), pr.CreatedBy)
	if isConstraint(err) {
		return moves.InvalidFields(moves.FieldErrors{{Field: "person", Code: "not_found", Message: "The person does not exist"}})
	}
	return err
}

// Profile returns one profile by id.
func (s *Store) Profile(ctx context.Context, id string) (moves.Profile, error) {
	var pr moves.Profile
	var flags string
	var created int64
	err := s.r.QueryRowContext(ctx, "SELECT id, person_id, flags, created_at, created_by FROM profiles WHERE id = ?", id).
		Scan(&pr.ID, &pr.PersonID, &flags, &created, &pr.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return pr, notFound("profile")
	}
	if err != nil {
		return pr, err
	}
	pr.CreatedAt = fromMicros(created)
	err = json.Unmarshal([]byte(flags), &pr.Flags)
	return pr, err
}
