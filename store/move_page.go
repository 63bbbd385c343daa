package store

import (
	"context"
	"fmt"
)

// UserFullNames returns the full names of the users with the given
// usernames, keyed by the username as given. Names that are not users
// (a supplier's system, the demo's seed) are simply absent.
func (s *Store) UserFullNames(ctx context.Context, usernames []string) (map[string]string, error) {
	out := map[string]string{}
	want := movePageUnique(usernames)
	if len(want) == 0 {
		return out, nil
	}
	args := make([]any, len(want))
	for i, u := range want {
		args[i] = u
	}
	rows, err := s.r.QueryContext(ctx, "SELECT username, full_name FROM users WHERE username IN ("+placeholders(len(want))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: user names: %w", err)
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var u, name string
		if err := rows.Scan(&u, &name); err != nil {
			return nil, err
		}
		found[movePageLower(u)] = name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Usernames compare without case; answer under the spelling asked for.
	for _, u := range want {
		if name, ok := found[movePageLower(u)]; ok {
			out[u] = name
		}
	}
	return out, nil
}

// MoveReferences returns the references of the given moves, keyed by id.
func (s *Store) MoveReferences(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	want := movePageUnique(ids)
	if len(want) == 0 {
		return out, nil
	}
	args := make([]any, len(want))
	for i, id := range want {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, "SELECT id, reference FROM moves WHERE id IN ("+placeholders(len(want))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: move references: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		out[id] = ref
	}
	return out, rows.Err()
}

// EventsMark returns how many events a move's log holds and the highest
// arrival number among them. With the move's version they change whenever
// its page would: a new event always raises both, even one that changes
// nothing about the move.
func (s *Store) EventsMark(ctx context.Context, moveID string) (count int, maxSeq int64, err error) {
	err = s.r.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM events WHERE move_id = ?", moveID).Scan(&count, &maxSeq)
	if err != nil {
		return 0, 0, fmt.Errorf("store: events mark: %w", err)
	}
	return count, maxSeq, nil
}

func movePageUnique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func movePageLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
