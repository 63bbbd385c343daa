package store

import (
	"context"
	"fmt"

	"github.com/securemove/securemove/moves"
)

// AdminSupplier is a supplier with how many locations it serves.
type AdminSupplier struct {
	moves.Supplier
	// Serving counts the locations it serves on the date asked about.
	Serving int
	// Later counts its ranges that start after that date.
	Later int
	// Users counts the supplier's staff who may sign in.
	Users int
}

// AdminSuppliers lists suppliers by name, counting the locations each
// serves on date (YYYY-MM-DD).
func (s *Store) AdminSuppliers(ctx context.Context, date string) ([]AdminSupplier, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT sp.id, sp.key, sp.name,
		(SELECT COUNT(DISTINCT sl.location_id) FROM supplier_locations sl WHERE sl.supplier_id = sp.id
			AND (sl.effective_from IS NULL OR sl.effective_from <= ?1) AND (sl.effective_to IS NULL OR sl.effective_to >= ?1)),
		(SELECT COUNT(*) FROM supplier_locations sl WHERE sl.supplier_id = sp.id AND sl.effective_from > ?1),
		(SELECT COUNT(*) FROM users u WHERE u.supplier_id = sp.id AND u.disabled_at IS NULL)
		FROM suppliers sp ORDER BY sp.name`, date)
	if err != nil {
		return nil, fmt.Errorf("store: admin suppliers: %w", err)
	}
	defer rows.Close()
	var out []AdminSupplier
	for rows.Next() {
		var a AdminSupplier
		if err := rows.Scan(&a.ID, &a.Key, &a.Name, &a.Serving, &a.Later, &a.Users); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
