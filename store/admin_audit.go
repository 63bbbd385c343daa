package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Subjects of administrators' changes.
const (
	AuditUser     = "user"
	AuditLocation = "location"
	AuditSupplier = "supplier"
)

// AuditEntry is one change an administrator made, in words.
type AuditEntry struct {
	At      time.Time
	By      string
	Action  string
	Summary string
}

// audit records a change in the same transaction as the change itself.
func audit(ctx context.Context, tx *sql.Tx, now time.Time, by, subjectType, subjectID, action, summary string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO admin_changes (changed_at, changed_by, subject_type, subject_id, action, summary)
		VALUES (?, ?, ?, ?, ?, ?)`, micros(now), by, subjectType, subjectID, action, summary)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AdminChanges lists the latest changes made to one subject, newest
// first; limit 0 means all.
func (s *Store) AdminChanges(ctx context.Context, subjectType, subjectID string, limit int) ([]AuditEntry, error) {
	q := `SELECT changed_at, changed_by, action, summary FROM admin_changes
		WHERE subject_type = ? AND subject_id = ? ORDER BY seq DESC`
	args := []any{subjectType, subjectID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: admin changes: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.By, &e.Action, &e.Summary); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
