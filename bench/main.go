// Command bench measures the service: go run ./bench <mode>.
//
//	bench   benchmark databases of 10k, 100k and 1M moves: day page, move
//	        page, static files, event ingestion, plain inserts, start-up,
//	        memory and first-page weight; pages rendered afresh and a busy
//	        day (phase_fresh.go) (BENCH_QUICK=1: 10k only;
//	        BENCH_PHASES=pages,ingest,notify: only those)
//	load    a bounded mixed load at 64 clients (LOAD_SECONDS, default 60)
//	crash   SIGKILL the server while events are posted, ten times
//	        (CRASH_KILLS), and check every acknowledged event survives: on
//	        SQLite; with notifications, every acknowledged event notified;
//	        on PostgreSQL, its server crashed and restarted too (CRASH_RUNS;
//	        crash postgres://…: on that database alone)
//	fuzz    run every fuzz target for FUZZTIME (default 20s) each
//	seed    build (or reuse) the cached database of N moves: seed N
//	profile serve one kind of request in-process under the CPU profiler
//	        and print where the time goes: profile KIND [N], KIND one of
//	        day, day-fresh, move, move-fresh, review, home-<role> (pmu,
//	        police, prison, court, supplier, admin), api-moves, events
//
// Every mode prints a table; bench also writes bench/out/report.md
// (report-<phases>.md when BENCH_PHASES picks some). Only
// loopback addresses are used, and every load is bounded in requests and
// time.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
)

// outDir is where databases, the binary, logs and reports go.
const outDir = "bench/out"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	if _, err := os.Stat("go.mod"); err != nil {
		fmt.Fprintln(os.Stderr, "bench: run from the repository root (go run ./bench <mode>)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "bench":
		err = runBench(ctx, os.Getenv("BENCH_QUICK") != "")
	case "load":
		err = runLoad(ctx, envInt("LOAD_SECONDS", 60), envInt("LOAD_CLIENTS", 64))
	case "crash":
		// go run ./bench crash postgres://… (or CRASH_PG) runs it on an
		// empty PostgreSQL database, the seed copied into it.
		pg := envStr("CRASH_PG", "")
		if len(os.Args) > 2 {
			pg = os.Args[2]
		}
		err = runCrashes(ctx, envInt("CRASH_KILLS", 10), envInt("CRASH_MOVES", 10_000), pg)
	case "fuzz":
		err = runFuzz(ctx, envStr("FUZZTIME", "20s"))
	case "profile":
		kind, n := "day", 10_000
		if len(os.Args) > 2 {
			kind = os.Args[2]
		}
		if len(os.Args) > 3 {
			if n, err = strconv.Atoi(os.Args[3]); err != nil {
				break
			}
		}
		if kind == "deliver" {
			err = runDeliverProfile(ctx, n)
			break
		}
		err = runProfile(ctx, kind, n, envInt("PROFILE_SECONDS", 8))
	case "seed":
		n := 10_000
		if len(os.Args) > 2 {
			if n, err = strconv.Atoi(os.Args[2]); err != nil {
				break
			}
		}
		err = runSeed(ctx, n)
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go run ./bench bench|load|crash|fuzz|seed [N]|profile KIND [N] (KIND: day, day-fresh, move, move-fresh, review, home-ROLE, api-moves, events, events-cross, events-sub, deliver)")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envStr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func outPath(name string) string { return filepath.Join(outDir, name) }
