package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
)

// A page phase whose answers were not the ones expected (a 401 each, say,
// when the API client's token went) is reported NOT MET with how many,
// never as a latency target met by the refusals' speed; a sound one is
// compared with the kept page.
func TestUnexpectedAnswersMeetNoTarget(t *testing.T) {
	stats := func(status, n int) *loadgen.Stats {
		return &loadgen.Stats{Requests: n, ByStatus: map[int]int{status: n}}
	}
	kept := &phase{Name: "kept", Stats: stats(http.StatusOK, 10), Single: stats(http.StatusOK, 10), Expected: []int{http.StatusOK}}
	refused := &phase{Name: "Afresh: GET /api/moves", Stats: stats(http.StatusUnauthorized, 50),
		Single: stats(http.StatusUnauthorized, 5), Expected: []int{http.StatusOK}}
	served := &phase{Name: "Afresh: day page", Stats: stats(http.StatusOK, 50), Single: stats(http.StatusOK, 5), Expected: []int{http.StatusOK}}
	rs := []*sizeResult{{Moves: 10_000, Fresh: &freshResult{Kept: kept, Pages: []*phase{refused, served}}}}
	tb := report.New("t", "Target", "Figure", "Result")
	freshSummary(tb, rs)
	out := tb.Markdown()
	var api, day []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(line, "GET /api/moves"):
			api = append(api, line)
		case strings.Contains(line, "day page"):
			day = append(day, line)
		}
	}
	if len(api) != 1 || !strings.Contains(api[0], "55 unexpected answers") || !strings.Contains(api[0], "NOT MET") {
		t.Errorf("the refused phase's rows: %q", api)
	}
	if len(day) == 0 || strings.Contains(strings.Join(day, ""), "unexpected") {
		t.Errorf("the served phase's rows: %q", day)
	}
	if refused.sound() || !served.sound() {
		t.Errorf("sound: refused %v, served %v", refused.sound(), served.sound())
	}
}

// A ratio whose other side was not measured is reported as not measured,
// with the reason, never as 0%; and one size measured without
// BENCH_QUICK is not blamed on it.
func TestRatioAgainstAPhaseNotMeasured(t *testing.T) {
	stats := &loadgen.Stats{Requests: 100, ByStatus: map[int]int{http.StatusOK: 100}}
	ok := func(name string) *phase { return &phase{Name: name, Stats: stats, Expected: []int{http.StatusOK}} }
	r := &sizeResult{Moves: 1_000_000, Day: ok("Day page"), DayStatic: skipped("Day page's static file"),
		DayFresh: skipped("Day page rendered afresh"), Move: skipped("Move page"), MoveStatic: skipped("Move page's static file"),
		Ingest: ok("POST /api/events"), Plain: skipped("Plain single-row insert transactions")}
	out := summary([]*sizeResult{r}, false).Markdown()
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "static-file rate") && !strings.Contains(line, "plain-insert rate") {
			continue
		}
		rows++
		cells := strings.Split(line, "|")
		if len(cells) < 4 || strings.TrimSpace(cells[2]) != notSelected || strings.TrimSpace(cells[3]) != "not measured" {
			t.Errorf("a ratio against a phase not measured: %q", line)
		}
	}
	if rows != 3 {
		t.Errorf("%d ratio rows, want 3 (static file, 50%% and 100%% of plain inserts):\n%s", rows, out)
	}
	if !strings.Contains(out, "not measured (one size only)") || strings.Contains(out, "BENCH_QUICK") {
		t.Errorf("one size without BENCH_QUICK:\n%s", out)
	}
}

// The busy day's pages target counts only when the 32 people browsed on
// sessions of their own: on one shared session, one person's render
// serves the others from the page cache, and a fast p99 says nothing.
func TestBusyDayNeedsASessionPerPerson(t *testing.T) {
	for _, tc := range []struct {
		sessions int
		want     string
	}{{1, "NOT MET"}, {benchClients, "met"}} {
		// No latencies recorded: a p99 of 0, as fast as can be.
		busy := &busyResult{Stats: &loadgen.Stats{Requests: 100, ByStatus: map[int]int{http.StatusOK: 100}}, Sessions: tc.sessions}
		rs := []*sizeResult{{Moves: 10_000, Fresh: &freshResult{Busy: busy}}}
		tb := report.New("t", "Target", "Figure", "Result")
		freshSummary(tb, rs)
		var row string
		for _, line := range strings.Split(tb.Markdown(), "\n") {
			if strings.Contains(line, "Busy day: pages") {
				row = line
			}
		}
		cells := strings.Split(row, "|")
		if len(cells) < 4 || strings.TrimSpace(cells[3]) != tc.want {
			t.Errorf("%d sessions: %q, want %s", tc.sessions, row, tc.want)
		}
	}
}

// A partial run's report goes beside the full run's, not over it.
func TestReportNameKeepsTheFullRun(t *testing.T) {
	for _, tc := range []struct{ phases, want string }{
		{"", "report.md"},
		{" , ", "report.md"},
		{"notify", "report-notify.md"},
		{"pages,ingest", "report-pages-ingest.md"},
		{"../Notify", "report-notify.md"},
	} {
		if got := reportName(tc.phases); got != tc.want {
			t.Errorf("reportName(%q) = %q, want %q", tc.phases, got, tc.want)
		}
	}
}
