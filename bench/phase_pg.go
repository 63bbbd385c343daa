package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the plain inserts
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
)

// The benchmark on PostgreSQL (issue 15): the same sizes' databases,
// copied from the cached SQLite files with the checked copy of `securemove
// migrate`, the same phases against the same binary on `-db postgres://…`,
// and a table putting both engines side by side.
//
// BENCH_PG=0 skips it; BENCH_PG_SIZES (comma-separated) chooses the sizes,
// by default 10,000 and 100,000 moves (10,000 with BENCH_QUICK): copying
// 1,000,000 moves row by row into PostgreSQL takes longer than the whole
// rest of the benchmark. SECUREMOVE_BENCH_PG names a server to use instead
// of a throwaway cluster.

// pgSizes are the sizes measured on PostgreSQL.
func pgSizes(quick bool) ([]int, error) {
	if quick {
		return []int{10_000}, nil
	}
	v := envStr("BENCH_PG_SIZES", "10000,100000")
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("BENCH_PG_SIZES=%q: want sizes like 10000,100000", v)
		}
		out = append(out, n)
	}
	return out, nil
}

// benchPostgres measures on PostgreSQL and returns its tables: one per
// size, both engines side by side, and PostgreSQL's targets.
func benchPostgres(ctx context.Context, bin string, quick bool, sqlite []*sizeResult) ([]*report.Table, error) {
	if os.Getenv("BENCH_PG") == "0" {
		logf("BENCH_PG=0: PostgreSQL not measured")
		return nil, nil
	}
	sizes, err := pgSizes(quick)
	if err != nil {
		return nil, err
	}
	pg, err := startPG(ctx)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL for the benchmark (BENCH_PG=0 skips it): %w", err)
	}
	defer pg.Stop()
	var tables []*report.Table
	var rs []*sizeResult
	for _, n := range sizes {
		r, err := benchSize(ctx, bin, n, pg)
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL, %d moves: %w", n, err)
		}
		rs = append(rs, r)
		t := sizeTable(r)
		fmt.Println(t.Markdown())
		tables = append(tables, t)
	}
	for _, t := range []*report.Table{sideBySide(sqlite, rs), pgSummary(rs)} {
		fmt.Println(t.Markdown())
		tables = append(tables, t)
	}
	return tables, nil
}

// benchDatabase returns what the server runs on for a size: the cached
// SQLite file itself, or a PostgreSQL database it is copied into. It sets
// the result's engine and database size.
func benchDatabase(ctx context.Context, pg *pgCluster, db seed.DB, r *sizeResult) (string, error) {
	if pg == nil {
		// The server runs on a copy: every run posts events, requests and
		// subscriptions, and a cached database measured as it was left
		// grew slower with each run (busy moves collecting ETAs; pages at
		// half the rate after a day of runs).
		work := outPath(fmt.Sprintf("run-%d.db", r.Moves))
		if err := workingCopy(ctx, db.Path, work); err != nil {
			return "", err
		}
		if fi, err := os.Stat(work); err == nil {
			r.DBBytes = fi.Size()
		}
		return work, nil
	}
	r.Engine = "PostgreSQL"
	start := time.Now()
	u, err := seedPostgres(ctx, pg, db.Path, fmt.Sprintf("bench_%d", r.Moves))
	if err != nil {
		return "", err
	}
	r.Cached, r.SeedSec = false, time.Since(start).Seconds()
	r.DBBytes = databaseSize(ctx, u)
	return u, nil
}

// plainFor measures plain single-row inserts on the engine measured.
func plainFor(ctx context.Context, pg *pgCluster, n int) *phase {
	if pg == nil {
		return plainPhase(ctx, outPath("plain-insert.db"))
	}
	return plainPhasePG(ctx, pg)
}

// plainPhasePG is plainPhase on PostgreSQL: single-row insert
// transactions from 32 goroutines through one connection, as the store
// writes (one writing connection per instance), on the same server.
func plainPhasePG(ctx context.Context, pg *pgCluster) *phase {
	p := &phase{Name: fmt.Sprintf("Plain single-row insert transactions, %d goroutines, one connection", benchClients), Expected: []int{1}}
	u, err := pg.Database(ctx, "bench_plain")
	if err != nil {
		p.Skipped = "not measured: " + err.Error()
		return p
	}
	plainInserts(ctx, p, p.Name+" (PostgreSQL)", "pgx", u, `CREATE TABLE plain (seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE,
		move_id TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)`, "INSERT INTO plain (id, move_id, body, created_at) VALUES ($1, $2, $3, $4)")
	return p
}

// plainInserts opens the database through one connection, creates the
// table and loads it with single-row insert transactions from
// benchClients goroutines, each a 200-byte row, into p.Stats (or says in
// p.Skipped why not).
func plainInserts(ctx context.Context, p *phase, name, driver, dsn, create, insert string) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		p.Skipped = "not measured: " + err.Error()
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	if _, err := db.ExecContext(ctx, create); err != nil {
		p.Skipped = "not measured: " + err.Error()
		return
	}
	body := strings.Repeat("x", 200)
	moveID := uuid.NewString()
	logf("  %s: loading...", name)
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return loadgen.Result{Err: err}
			}
			if _, err := tx.ExecContext(ctx, insert, uuid.NewString(), moveID, body, time.Now().UnixMicro()); err != nil {
				tx.Rollback()
				return loadgen.Result{Err: err}
			}
			if err := tx.Commit(); err != nil {
				return loadgen.Result{Err: err}
			}
			return loadgen.Result{Status: 1}
		})
	logf("    %.0f inserts/s, p50 %s, p99 %s", p.Stats.RPS(), loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)))
}

// rate is a phase as "rate · p50 · p99".
func rate(p *phase, unit string) string {
	if p == nil {
		return ""
	}
	if !p.ok() {
		return "not measured"
	}
	return fmt.Sprintf("%.0f %s · %s · %s", p.Stats.RPS(), unit, loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)))
}

func percent(a, b *phase) string {
	if x, ok := ratio(a, b); ok {
		return fmt.Sprintf("%.0f%%", x*100)
	}
	return "not measured"
}

// sideBySide puts each size measured on PostgreSQL next to the same size
// on SQLite.
func sideBySide(sqlite, pg []*sizeResult) *report.Table {
	var cols []*sizeResult
	header := []string{"Measure (rate · p50 · p99)"}
	for _, p := range pg {
		for _, s := range sqlite {
			if s.Moves == p.Moves {
				cols = append(cols, s)
				header = append(header, "SQLite, "+comma(s.Moves))
			}
		}
		cols = append(cols, p)
		header = append(header, "PostgreSQL, "+comma(p.Moves))
	}
	t := report.New("SQLite and PostgreSQL side by side (same binary, same machine, same load)", header...)
	row := func(name string, f func(r *sizeResult) string) {
		cells := []string{name}
		for _, r := range cols {
			cells = append(cells, f(r))
		}
		t.Row(cells...)
	}
	row("Day page (kept rendered), 32 clients", func(r *sizeResult) string { return rate(r.Day, "req/s") })
	row("Day page rendered afresh, 32 clients", func(r *sizeResult) string { return rate(r.DayFresh, "req/s") })
	row("Move page, 32 clients", func(r *sizeResult) string { return rate(r.Move, "req/s") })
	row("POST /api/events with keys, 32 clients", func(r *sizeResult) string { return rate(r.Ingest, "events/s") })
	row("Plain single-row insert transactions", func(r *sizeResult) string { return rate(r.Plain, "tx/s") })
	row("Event ingestion / plain inserts", func(r *sizeResult) string { return percent(r.Ingest, r.Plain) })
	row("Ingestion with one subscription / none", func(r *sizeResult) string {
		if r.Notify == nil || r.Notify.Skipped != "" {
			return "not measured"
		}
		return percent(r.Notify.One, r.Notify.None)
	})
	row(fmt.Sprintf("Delivery lag at %d events/s, p50 · p99", notifyLagRate), func(r *sizeResult) string {
		if r.Notify == nil || len(r.Notify.Lag) == 0 {
			return "not measured"
		}
		return loadgen.Ms(r.Notify.lagPercentile(50)) + " · " + loadgen.Ms(r.Notify.lagPercentile(99))
	})
	row("Start-up to first 200 (median of 3)", func(r *sizeResult) string { return fmt.Sprintf("%d ms", r.Startup.Milliseconds()) })
	row("Peak RSS of the server", func(r *sizeResult) string { return mb(r.PeakRSS) })
	row("Database size", func(r *sizeResult) string { return mb(r.DBBytes) })
	t.Note("PostgreSQL runs on the same machine and disk (fsync and synchronous_commit on), so both engines share the 2 cores with the load generator.")
	if len(pg) > 0 && len(pg) < 3 {
		t.Note("1,000,000 moves are measured on SQLite only unless BENCH_PG_SIZES asks: the row-by-row copy into PostgreSQL takes longer than the rest of the benchmark.")
	}
	return t
}

// pgSummary is PostgreSQL's targets: the same latency and ratio targets
// as SQLite's.
func pgSummary(rs []*sizeResult) *report.Table {
	t := report.New("Summary on PostgreSQL: targets", "Target", "Figure", "Result")
	bad := 0
	for _, r := range rs {
		sz := comma(r.Moves)
		x, ok := ratio(r.Ingest, r.Plain)
		t.Row("Event ingestion ≥ 50% of the plain-insert rate ("+sz+")", fmt.Sprintf("%.0f%%", x*100), verdict(x >= 0.5, ok))
		for _, p := range []*phase{r.Day, r.Move, r.Ingest} {
			label := strings.SplitN(p.Name, ",", 2)[0]
			if !p.ok() {
				t.Row(fmt.Sprintf("p99 < 25 ms at 32 clients: %s (%s)", label, sz), p.Skipped, "not measured")
				continue
			}
			p99 := p.Stats.Percentile(99)
			t.Row(fmt.Sprintf("p99 < 25 ms at 32 clients: %s (%s)", label, sz), loadgen.Ms(p99), verdict(p99 < 25*time.Millisecond, true))
		}
		t.Row("Start-up < 1 s ("+sz+")", fmt.Sprintf("%d ms median of 3", r.Startup.Milliseconds()), verdict(r.Startup < time.Second, true))
		notifySummary(t, sz, r.Notify)
		for _, p := range []*phase{r.Day, r.DayFresh, r.DayStatic, r.Move, r.MoveStatic, r.Ingest, r.Plain} {
			bad += p.bad()
		}
		bad += notifyBad(r.Notify)
	}
	t.Row("No unexpected answers (5xx, errors) during the benchmark", fmt.Sprint(bad), verdict(bad == 0, true))
	return t
}
