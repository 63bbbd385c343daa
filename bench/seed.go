package main

import (
	"context"
	"fmt"

	"github.com/securemove/securemove/bench/internal/seed"
)

func runSeed(ctx context.Context, n int) error {
	db, err := seed.Ensure(ctx, outDir, n, logf)
	if err != nil {
		return err
	}
	m := db.Meta
	fmt.Printf("%s: %d moves, %d events, %d people, cached=%v, load %.1f s (rows %.1f s, indexes %.1f s)\n",
		db.Path, m.Moves, m.Events, m.People, db.Cached, m.TotalSeconds, m.LoadSeconds, m.IndexSeconds)
	return nil
}
