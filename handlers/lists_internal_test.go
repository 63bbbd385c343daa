package handlers

import (
	"testing"
	"time"
)

func TestListsDateWords(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{listDateLabel("2026-12-03", "2026-12-03"), "Thursday 3 December 2026 (today)"},
		{listDateLabel("2026-12-04", "2026-12-03"), "Friday 4 December 2026 (tomorrow)"},
		{listDateLabel("2026-12-02", "2026-12-03"), "Wednesday 2 December 2026 (yesterday)"},
		{listDateLabel("2027-01-01", "2026-12-31"), "Friday 1 January 2027 (tomorrow)"},
		{listDateLabel("2026-03-29", "2026-03-28"), "Sunday 29 March 2026 (tomorrow)"}, // clocks go forward
		{listDateLabel("2026-12-25", "2026-12-03"), "Friday 25 December 2026"},
		{listDateRange("2026-11-16", "2026-11-22"), "16 to 22 November 2026"},
		{listDateRange("2026-11-30", "2026-12-06"), "30 November to 6 December 2026"},
		{listDateRange("2026-12-28", "2027-01-03"), "28 December 2026 to 3 January 2027"},
		{listDateOfBirth("1988-03-14", "2026-03-13"), "14 March 1988 (age 37)"},
		{listDateOfBirth("1988-03-14", "2026-03-14"), "14 March 1988 (age 38)"},
		{listDateOfBirth("2008-02-29", "2026-02-28"), "29 February 2008 (age 17)"},
		{listDateOfBirth("2008-02-29", "2026-03-01"), "29 February 2008 (age 18)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	mon, sun := listWeek(time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC))
	if mon != "2026-11-30" || sun != "2026-12-06" {
		t.Errorf("week of Thursday 3 December: %s to %s", mon, sun)
	}
	// Sunday night in London is still Sunday's week; a minute later, in
	// summer time, Monday's.
	mon, _ = listWeek(time.Date(2026, 6, 7, 22, 59, 0, 0, time.UTC))
	if mon != "2026-06-01" {
		t.Errorf("Sunday 7 June 23:59 BST: week from %s", mon)
	}
	mon, _ = listWeek(time.Date(2026, 6, 7, 23, 0, 0, 0, time.UTC))
	if mon != "2026-06-08" {
		t.Errorf("Monday 8 June 00:00 BST: week from %s", mon)
	}
}

func TestListsCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"Anderson":         "Anderson",
		"=1+1":             "'=1+1",
		"+44 20":           "'+44 20",
		"-2":               "'-2",
		"@SUM(A1)":         "'@SUM(A1)",
		"\tcmd":            "'\tcmd",
		"\rcmd":            "'\rcmd",
		"O'Connor":         "O'Connor",
		"2026-12-03":       "2026-12-03",
		"Smith = the best": "Smith = the best",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
	if got := csvFilename(`Moves on 2026/12/03 "x".csv`); got != "Moves on 2026-12-03 -x-.csv" {
		t.Errorf("filename %q", got)
	}
}
