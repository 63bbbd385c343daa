package moves

import (
	"testing"
	"time"
)

// Wednesday 18 November 2026, late in the evening in London (GMT), with a
// zone that is not UTC so that only the calendar date can matter.
var humanToday = time.Date(2026, 11, 18, 23, 30, 0, 0, time.FixedZone("GMT", 0))

func TestParseHumanDateAccepts(t *testing.T) {
	cases := map[string]string{
		"22/11/2026":            "2026-11-22",
		"22/11/26":              "2026-11-22",
		"2026-11-22":            "2026-11-22",
		"22 November 2026":      "2026-11-22",
		"22 Nov 2026":           "2026-11-22",
		"22 november":           "2026-11-22",
		"  22   NOVEMBER 2026 ": "2026-11-22",
		"22-11-2026":            "2026-11-22",
		"22.11.2026":            "2026-11-22",
		"1/2/2027":              "2027-02-01",
		"01/02/27":              "2027-02-01",
		"22nd November 2026":    "2026-11-22",
		"1st of March":          "2026-03-01",
		"3rd sept 2026":         "2026-09-03",
		"November 22, 2026":     "2026-11-22",
		"nov 22":                "2026-11-22",
		"29 feb 2028":           "2028-02-29",
		"22/11/46":              "2046-11-22",
		"22/11/47":              "1947-11-22",
		"today":                 "2026-11-18",
		"Today":                 "2026-11-18",
		"tomorrow":              "2026-11-19",
		"YESTERDAY":             "2026-11-17",
		"friday":                "2026-11-20",
		"Friday":                "2026-11-20",
		"fri":                   "2026-11-20",
		"this friday":           "2026-11-20",
		"next Friday":           "2026-11-20",
		"last fri":              "2026-11-13",
		"wednesday":             "2026-11-18", // today is Wednesday
		"next wednesday":        "2026-11-25",
		"last wed":              "2026-11-11",
		"thurs":                 "2026-11-19",
		"next thursday":         "2026-11-19",
		"last thursday":         "2026-11-12",
		"tuesday":               "2026-11-24",
		"last tue":              "2026-11-17",
		"sun":                   "2026-11-22",
		"last sunday":           "2026-11-15",
		"mon":                   "2026-11-23",
		"sat":                   "2026-11-21",
	}
	for in, want := range cases {
		got, err := ParseHumanDate(in, humanToday)
		if err != nil || got != want {
			t.Errorf("ParseHumanDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseHumanDateAcrossYearEnd(t *testing.T) {
	nye := time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC) // a Thursday
	cases := map[string]string{"tomorrow": "2027-01-01", "friday": "2027-01-01", "next thursday": "2027-01-07", "last thu": "2026-12-24"}
	for in, want := range cases {
		if got, err := ParseHumanDate(in, nye); err != nil || got != want {
			t.Errorf("%q = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseHumanDateRefuses(t *testing.T) {
	for _, in := range []string{
		"", "   ", "31/02/2026", "29 feb 2027", "32/01/2026", "0/1/2026", "22/13/2026", "22/0/2026",
		"11/22/2026", "22/11/202", "22/11/20266", "2026-11-31", "22 novembre 2026", "22 nov 26 extra",
		"someday", "next", "next month", "friday week", "next fridays", "1/1/1899", "1/1/2201",
		"22 nov 12345", "november", "22", "22/11", "-1/11/2026", "twenty-second of November",
	} {
		if got, err := ParseHumanDate(in, humanToday); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func FuzzParseHumanDate(f *testing.F) {
	for _, s := range []string{"22/11/2026", "22/11/26", "22 Nov", "next fri", "today", "31/02/2026", "1st of march 2030", "nov 22, 99"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, shift int64) {
		today := humanToday.AddDate(0, 0, int(shift%100000))
		got, err := ParseHumanDate(s, today)
		if err != nil {
			return
		}
		if _, perr := ParseDate(got); perr != nil && today.Year() > minYear+1 && today.Year() < maxYear-1 {
			t.Fatalf("%q gave %q, which is not a valid date: %v", s, got, perr)
		}
	})
}

func TestLongDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-23": "Monday 23 November 2026",
		"2028-02-29": "Tuesday 29 February 2028",
		"2026-02-29": "2026-02-29", // not a date: as it is
		"":           "",
	} {
		if got := LongDate(in); got != want {
			t.Errorf("LongDate(%q) = %q, want %q", in, got, want)
		}
	}
}
