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
