package store

import (
	"context"

	"github.com/securemove/securemove/moves"
)

// ReplayedForTest returns a move's state replayed afresh from its whole
// log, and the log as the replay marks it.
func ReplayedForTest(ctx context.Context, s *Store, id string) (moves.State, []moves.Event, error) {
	all, err := s.allLocations(ctx)
	if err != nil {
		return moves.State{}, nil, err
	}
	return s.replayed(ctx, id, all)
}
