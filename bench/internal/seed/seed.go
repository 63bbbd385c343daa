// Package seed builds benchmark databases with bulk.BulkLoad and keeps
// them in bench/out, keyed by size and loader version, so that reruns
// reuse them.
package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/securemove/securemove/bench/bulk"
)

// DB is a benchmark database and what was loaded into it.
type DB struct {
	Path   string
	Meta   bulk.BulkResult
	Cached bool
	// Seconds is how long the load took (0 when cached).
	Seconds float64
}

// Name is the file name of the cached database of n moves. It names the
// loader's version, not the schema's: a database made before a new
// migration is migrated by the server when it starts, as a production
// database would be.
func Name(n int) string {
	return fmt.Sprintf("bench-%d-v%d.db", n, bulk.BulkLoaderVersion)
}

// Ensure returns the cached database of n moves in dir, building it if
// it is missing. logf reports progress.
func Ensure(ctx context.Context, dir string, n int, logf func(string, ...any)) (DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return DB{}, err
	}
	// One builder of each database at a time: make bench, load and crash
	// may run together.
	lock, err := os.OpenFile(filepath.Join(dir, Name(n)+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return DB{}, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return DB{}, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	path := filepath.Join(dir, Name(n))
	metaPath := path + ".json"
	if b, err := os.ReadFile(metaPath); err == nil {
		var db DB
		if err := json.Unmarshal(b, &db.Meta); err == nil {
			if _, err := os.Stat(path); err == nil {
				db.Path, db.Cached = path, true
				return db, nil
			}
		}
	}
	tmp := path + ".loading"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", path, path + "-wal", path + "-shm", metaPath} {
		_ = os.Remove(p)
	}
	logf("building %s (%d moves)...", filepath.Base(path), n)
	start := time.Now()
	cpu0 := cpuTime()
	lastReport := time.Now()
	res, err := bulk.BulkLoad(ctx, tmp, bulk.BulkSpec{Moves: n, Progress: func(done, total int) {
		if time.Since(lastReport) > 10*time.Second {
			lastReport = time.Now()
			logf("  %d of %d moves written (%.0f s)", done, total, time.Since(start).Seconds())
		}
	}})
	if err != nil {
		return DB{}, err
	}
	for _, suf := range []string{"-wal", "-shm"} {
		_ = os.Remove(tmp + suf)
	}
	// Put the file on disk before anything is measured on it: the pages
	// phases and the busy day come before bench's own sync (ahead of
	// ingestion), and without this they ran while the kernel still wrote
	// back a freshly built database (4.8 GB at a million moves). It also
	// keeps a crash from leaving a torn file under a name the next run
	// trusts.
	syncStart := time.Now()
	if err := syncFile(tmp); err != nil {
		return DB{}, err
	}
	logf("  on disk after %.1f s more", time.Since(syncStart).Seconds())
	if err := os.Rename(tmp, path); err != nil {
		return DB{}, err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return DB{}, err
	}
	if err := os.WriteFile(metaPath, b, 0o644); err != nil {
		return DB{}, err
	}
	logf("  built in %.1f s (rows %.1f s, indexes and ANALYZE %.1f s; %.0f s of CPU): %d moves, %d events, %d people",
		res.TotalSeconds, res.LoadSeconds, res.IndexSeconds, (cpuTime() - cpu0).Seconds(), res.Moves, res.Events, res.People)
	return DB{Path: path, Meta: res, Seconds: time.Since(start).Seconds()}, nil
}

// syncFile flushes path's data to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
