package notify

import (
	"net/http"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	s := DefaultSchedule
	for _, tc := range []struct {
		attempt    int
		retryAfter time.Duration
		r          float64
		want       time.Duration
		ok         bool
	}{
		{1, 0, 0.5, 5 * time.Second, true},
		{2, 0, 0.5, 5 * time.Minute, true},
		{9, 0, 0.5, 24 * time.Hour, true},
		{10, 0, 0.5, 0, false},
		{0, 0, 0.5, 0, false},
		{3, 0, 0, 27 * time.Minute, true},          // -10 %
		{3, 0, 1, 33 * time.Minute, true},          // +10 %
		{1, time.Minute, 0.5, time.Minute, true},   // Retry-After longer: honoured
		{4, time.Minute, 0.5, 2 * time.Hour, true}, // shorter: the schedule wins
		{1, 72 * time.Hour, 0.5, MaxRetryAfter, true},
	} {
		got, ok := s.Next(tc.attempt, tc.retryAfter, tc.r)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Next(%d, %s, %v) = %s, %v; want %s, %v", tc.attempt, tc.retryAfter, tc.r, got, ok, tc.want, tc.ok)
		}
	}
	if tot := s.Total(); tot < 72*time.Hour || tot > 80*time.Hour {
		t.Errorf("schedule spans %s, want about three days", tot)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":          0,
		"120":       2 * time.Minute,
		" 30 ":      30 * time.Second,
		"0":         0,
		"-5":        0,
		"soon":      0,
		"999999999": MaxRetryAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"Wed, 02 Dec 2026 11:00:00 GMT":                   time.Hour,
	} {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}
