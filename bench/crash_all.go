package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// runCrashes is `make crash`: the kills on SQLite; again with "Tell
// suppliers" notifying of every event; and on PostgreSQL, whose server is
// crashed (immediate stop) and restarted after every kill of the service,
// notifications included. CRASH_RUNS picks some of sqlite, notify and
// postgres. Given a postgres:// URL (argument or CRASH_PG), it runs on that
// database alone, whose server it cannot restart.
func runCrashes(ctx context.Context, kills, moves int, pgURL string) error {
	if pgURL != "" {
		return runCrash(ctx, crashOptions{Kills: kills, Moves: moves, PG: pgURL, MaxStartup: pgMaxStartup, Out: os.Stdout})
	}
	return runEach(ctx, "CRASH_RUNS", "sqlite,notify,postgres", func(run string) error {
		o := crashOptions{Kills: kills, Moves: moves, Out: os.Stdout}
		var pg *pgCluster
		switch run {
		case "sqlite":
		case "notify":
			o.Notify = true
		case "postgres":
			var err error
			if pg, err = startPG(ctx); err != nil {
				return err
			}
			if o.PG, err = pg.Database(ctx, "crash"); err != nil {
				pg.Stop()
				return err
			}
			if pg.Restartable() {
				o.RestartDB = pg.CrashRestart
			}
			o.Notify, o.MaxStartup = true, pgMaxStartup
		default:
			return fmt.Errorf("CRASH_RUNS: unknown run %q (sqlite, notify, postgres)", run)
		}
		logf("crash run: %s", run)
		defer pg.Stop()
		return runCrash(ctx, o)
	})
}

// runEach runs each of the comma-separated runs an environment variable
// names (def when unset), going on after one fails, and fails with all
// that failed.
func runEach(ctx context.Context, env, def string, fn func(run string) error) error {
	var failed []string
	for _, run := range strings.Split(envStr(env, def), ",") {
		if err := fn(strings.TrimSpace(run)); err != nil {
			failed = append(failed, run+": "+err.Error())
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s", strings.Join(failed, "\n"))
	}
	return nil
}

// pgMaxStartup is how soon /health must answer after a restart on
// PostgreSQL: the server opens its pools and checks the migrations over
// the network, on a database server that has just recovered.
const pgMaxStartup = 3 * time.Second
