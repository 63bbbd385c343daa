package views

import (
	"time"

	"github.com/securemove/securemove/moves"
)

// LongDate writes a YYYY-MM-DD date as "Friday 27 November 2026"; a value
// that is not a date is returned as it is.
func LongDate(iso string) string { return moves.LongDate(iso) }

// ShortDate writes a YYYY-MM-DD date as "27 November 2026".
func ShortDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("2 January 2006")
}

// StatusTagClass gives each status its GOV.UK tag colour, the same on
// cards, tables, the move page and the timeline.
func StatusTagClass(s moves.Status) string {
	switch s {
	case moves.StatusProposed:
		return "govuk-tag--yellow"
	case moves.StatusRequested:
		return "govuk-tag--grey"
	case moves.StatusBooked:
		return "" // GOV.UK's default tag is blue
	case moves.StatusInTransit:
		return "govuk-tag--purple"
	case moves.StatusCompleted:
		return "govuk-tag--green"
	case moves.StatusCancelled:
		return "govuk-tag--red"
	}
	return "govuk-tag--grey"
}

// FlagTagClass colours warnings by category: risks red, health orange,
// court information teal, PACE section 46 (a fact about the move) purple.
func FlagTagClass(c moves.FlagCategory) string {
	switch c {
	case moves.FlagMove:
		return "govuk-tag--purple"
	case moves.FlagRisk:
		return "govuk-tag--red"
	case moves.FlagHealth:
		return "govuk-tag--orange"
	}
	return "govuk-tag--teal"
}
