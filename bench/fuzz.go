package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/securemove/securemove/bench/internal/report"
)

// fuzzTarget is one Fuzz function in a package.
type fuzzTarget struct {
	Pkg, Name string
}

var fuzzFuncRE = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)

// fuzzTargets finds every fuzz target in the module's test files.
func fuzzTargets() ([]fuzzTarget, error) {
	var out []fuzzTarget
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != "." && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata" || p == outDir) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range fuzzFuncRE.FindAllSubmatch(b, -1) {
			out = append(out, fuzzTarget{Pkg: "./" + filepath.ToSlash(filepath.Dir(p)), Name: string(m[1])})
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pkg != out[j].Pkg {
			return out[i].Pkg < out[j].Pkg
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

var fuzzProgressRE = regexp.MustCompile(`fuzz: elapsed: (\S+), execs: (\d+) \((\d+)/sec\)(?:, new interesting: (\d+) \(total: (\d+)\))?`)

// runFuzz runs every fuzz target for fuzztime each, one after another
// (go test -fuzz takes one target at a time), and prints a table.
func runFuzz(ctx context.Context, fuzztime string) error {
	if _, err := time.ParseDuration(fuzztime); err != nil {
		return fmt.Errorf("FUZZTIME %q: %w", fuzztime, err)
	}
	targets, err := fuzzTargets()
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return fmt.Errorf("no fuzz targets found")
	}
	t := report.New(fmt.Sprintf("Fuzzing: %d targets, %s each", len(targets), fuzztime),
		"Package", "Target", "Corpus", "Execs", "Execs/s", "New interesting", "Wall time (with build)", "Result")
	var failed []string
	for _, ft := range targets {
		logf("fuzzing %s %s for %s...", ft.Pkg, ft.Name, fuzztime)
		corpusDir := filepath.Join(ft.Pkg, "testdata", "fuzz", ft.Name)
		before := dirEntries(corpusDir)
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-fuzz", "^"+ft.Name+"$", "-fuzztime", fuzztime, ft.Pkg)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		runErr := cmd.Run()
		wall := time.Since(start)
		var execs, rate, newInteresting, corpus string
		var elapsed time.Duration
		sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if m := fuzzProgressRE.FindStringSubmatch(sc.Text()); m != nil {
				execs = m[2]
				elapsed, _ = time.ParseDuration(m[1])
				if m[4] != "" {
					newInteresting, corpus = m[4], m[5]
				}
			}
		}
		var n float64
		if _, err := fmt.Sscan(execs, &n); err == nil && elapsed > 0 {
			rate = fmt.Sprintf("%.0f", n/elapsed.Seconds())
		}
		result := "ok"
		// Go 1.26's fuzz coordinator can report "context deadline
		// exceeded" at the end of -fuzztime with no failing input
		// (golang/go#75804): only a new input in testdata/fuzz is a failure.
		newInputs := len(dirEntries(corpusDir)) - len(before)
		if runErr != nil && newInputs <= 0 && strings.Contains(out.String(), "context deadline exceeded") {
			runErr = nil
			result = "ok (no failing input; Go's deadline race, golang/go#75804)"
		}
		if runErr != nil {
			result = "FAIL"
			failed = append(failed, ft.Pkg+" "+ft.Name)
			fmt.Fprintf(os.Stderr, "--- %s %s failed:\n%s\n", ft.Pkg, ft.Name, tail(out.String(), 40))
		}
		t.Row(ft.Pkg, ft.Name, corpus, execs, rate, newInteresting, fmt.Sprintf("%.0f s", wall.Seconds()), result)
	}
	if len(failed) > 0 {
		t.Note("FAIL: " + strings.Join(failed, ", ") + " (the failing input is saved under the package's testdata/fuzz; `go test -run <Target>/<id> <pkg>` replays it)")
	} else {
		t.Note("PASS: no target found a failing input")
	}
	fmt.Println(t.Markdown())
	if len(failed) > 0 {
		return fmt.Errorf("%d fuzz targets failed", len(failed))
	}
	return nil
}

func tail(s string, lines int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// dirEntries returns the names in a folder (none when it is missing).
func dirEntries(dir string) map[string]bool {
	out := map[string]bool{}
	es, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range es {
		out[e.Name()] = true
	}
	return out
}
