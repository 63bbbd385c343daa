package moves

import (
	"fmt"
	"time"
)

// A move's date (a date to travel on, a window's ends, a new date) given
// through the API may fall from a year before today, for moves recorded
// after they happened, to two years after, for court dates and transfers
// booked far ahead. Anything outside is taken for a typing mistake (1900
// for 2026, 2062 for 2026) rather than kept on a move that no list would
// ever show.
const (
	MoveDateYearsBack  = 1
	MoveDateYearsAhead = 2
)

// MoveDateRange is the first and last date a move may be given on today
// (YYYY-MM-DD, Europe/London).
func MoveDateRange(today string) (earliest, latest string) {
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return "", ""
	}
	return t.AddDate(-MoveDateYearsBack, 0, 0).Format(time.DateOnly), t.AddDate(MoveDateYearsAhead, 0, 0).Format(time.DateOnly)
}

// CheckMoveDate says why date (YYYY-MM-DD) cannot be a move's date on
// today, or "" when it can. name is the field as the message calls it.
// For an event too, today is the day it is sent, whatever its
// occurred_at says.
func CheckMoveDate(name, date, today string) string {
	earliest, latest := MoveDateRange(today)
	switch {
	case earliest == "" || date == "":
		return ""
	case date < earliest:
		return fmt.Sprintf("%s must be no earlier than %s, a year before today", name, earliest)
	case date > latest:
		return fmt.Sprintf("%s must be no later than %s, two years after today", name, latest)
	}
	return ""
}
