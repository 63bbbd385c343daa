package store

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// demoSource, carried on a context, makes the allocation write path draw
// its ids, references and time from the demo plan instead of the running
// clock and crypto/rand, so two demo starts with the same -now write the
// same allocations (their places are planned, and documented, moves).
type demoSource struct {
	now  time.Time
	ids  []string // planned ids, in the order the write path asks for them
	refs []string // planned references, likewise
	rng  *rand.Rand
}

type demoSourceKey struct{}

func withDemoSource(ctx context.Context, src *demoSource) context.Context {
	return context.WithValue(ctx, demoSourceKey{}, src)
}

func demoSourceOf(ctx context.Context) *demoSource {
	src, _ := ctx.Value(demoSourceKey{}).(*demoSource)
	return src
}

// writeNow is the time a write records: the demo plan's while the demo
// is seeded (or reset), else the unit's clock, the running one.
func writeNow(u *Unit) time.Time { return u.s.writeNowIn(u.Context()) }

// writeNowIn is writeNow for code given a context rather than its unit.
func (s *Store) writeNowIn(ctx context.Context) time.Time {
	if src := demoSourceOf(ctx); src != nil {
		return src.now
	}
	return s.Now().UTC()
}

// plannedID is the next planned id, or a fresh random one.
func plannedID(ctx context.Context) string {
	if src := demoSourceOf(ctx); src != nil && len(src.ids) > 0 {
		id := src.ids[0]
		src.ids = src.ids[1:]
		return id
	}
	return uuid.NewString()
}

// seededID is an id for rows the plan does not list (events, profiles):
// from the plan's generator in the demo, else an event-style id.
func seededID(ctx context.Context) string {
	if src := demoSourceOf(ctx); src != nil {
		id, err := uuid.NewRandomFromReader(RandReader{src.rng})
		if err == nil {
			return id.String()
		}
	}
	return newEventID()
}

// plannedReference is the next planned reference, or a new one.
func (s *Store) plannedReference(ctx context.Context) (string, error) {
	if src := demoSourceOf(ctx); src != nil && len(src.refs) > 0 {
		ref := src.refs[0]
		src.refs = src.refs[1:]
		return ref, nil
	}
	return s.newReference()
}
