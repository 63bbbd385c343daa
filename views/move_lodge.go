package views

import (
	"github.com/a-h/templ"
	"github.com/securemove/securemove/views/govuk"
)

// MoveLodge is one overnight lodge of a move as its page shows it, with
// the links PMU may follow to change or cancel it.
type MoveLodge struct {
	ID      string
	Title   string
	Rows    []MovePageRow
	Actions []Link
}

// moveLodgeCard is a lodge as a summary card with its actions.
func moveLodgeCard(l MoveLodge) govuk.SummaryListOptions {
	o := moveSummaryCard(l.Title, l.Rows)
	o.Card.Attributes = map[string]any{"id": "lodge-" + l.ID}
	if len(l.Actions) > 0 {
		acts := &govuk.SummaryListActions{}
		for _, a := range l.Actions {
			acts.Items = append(acts.Items, govuk.SummaryListAction{Href: a.Href, Text: a.Text}) // named by the card's title: "Change (Overnight lodge)"
		}
		o.Card.Actions = acts
	}
	return o
}

// MoveLodgeForm adds an overnight lodge to a move, or changes one: where,
// and for how many nights.
type MoveLodgeForm struct {
	MoveForm
	// Action is the form's path under /move/:id/ ("lodge", or
	// "lodge/<id>" to change one); Heading and Button word it.
	Action, Heading, Button string
	Locations               []MoveChoice
	Location                string
	// Nights is "1", "2" or "other" (then NightsOther holds the number).
	Nights, NightsOther string
	// Starts says when the stay begins: "The person will lodge from …".
	Starts string
	// LodgingVersion is the version of the lodge being changed (zero when
	// adding one), posted back so a change made meanwhile is noticed.
	LodgingVersion int64
}

// MoveLodgeCancelForm cancels an overnight lodge, with a reason.
type MoveLodgeCancelForm struct {
	MoveForm
	Action  string
	Reasons []MoveChoice
	Reason  string
	Comment string
	// LodgingVersion is the version of the lodge, posted back so a change
	// made meanwhile is noticed.
	LodgingVersion int64
}

// moveNightsItems are the choices of how many nights: one, two or another
// number, given in the field under that choice. The field always shows
// (RevealAlways): GOV.UK Frontend's reveal marks the radio aria-expanded,
// which axe-core refuses on a radio.
func moveNightsItems(other templ.Component) []govuk.RadiosItem {
	return []govuk.RadiosItem{
		{Text: "One night", Value: "1"},
		{Text: "Two nights", Value: "2"},
		{Text: "Another number of nights", Value: "other", Conditional: other},
	}
}
