package views

import (
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views/govuk"
)

// MovePageRow is one row of a summary list on a move's pages. With Href,
// the value (or LinkText, when set) links there.
type MovePageRow struct {
	Key      string
	Value    string
	Href     string
	LinkText string
	// ID, when set, is the id of the row's value, for tests and links.
	ID string
}

// MoveBanner is a message about the move's state (waiting for review,
// cancelled, rejected, locked out), shown above its details.
type MoveBanner struct {
	// Warning draws it in red.
	Warning bool
	Title   string
	Lines   []string
	Link    *Link
}

// MoveAction is a button to one of the actions the user may take.
type MoveAction struct {
	Text string
	Href string
	// Classes are GOV.UK button modifiers: "govuk-button--secondary",
	// "govuk-button--warning".
	Classes string
}

// MoveWarning is one risk, health or court flag from the move's profile.
type MoveWarning struct {
	Text       string
	TagClasses string
	Details    string
}

// MoveWarningGroup is the flags of one category.
type MoveWarningGroup struct {
	Heading string
	Items   []MoveWarning
}

// MoveLive is the part of a move's page that refreshes while it is open:
// its status, banners, actions, details and timeline.
type MoveLive struct {
	MoveID string
	// PollURL is where htmx asks for changes; it carries what the page
	// has already seen, so an unchanged move costs a 204.
	PollURL string
	Status  moves.Status
	Banners []MoveBanner
	Actions []MoveAction
	Details []MovePageRow
	// Lodges are the move's overnight lodges that are not cancelled.
	Lodges   []MoveLodge
	Timeline []TimelineEntry
}

// MovePage is a move's page.
type MovePage struct {
	Page       Page
	MoveID     string
	Reference  string
	PersonName string
	Person     []MovePageRow
	Warnings   []MoveWarningGroup
	Live       MoveLive
}

// MoveTimelinePage is a move's timeline on a page of its own (what the
// timeline's address shows without JavaScript).
type MoveTimelinePage struct {
	Page       Page
	MoveID     string
	Reference  string
	PersonName string
	Live       MoveLive
}

// MoveConflict explains that a move changed while someone was working on
// it, so what they sent was not saved.
type MoveConflict struct {
	Page    Page
	Heading string // "This move has changed" when empty
	MoveID  string
	Lines   []string
	// Next, when set, is where the story went on: the request that was
	// sent again in its place.
	Next *Link
	// Unsent is set when the page answers a question page asked for, not
	// a form sent, so there is nothing to say was not saved.
	Unsent bool
}

// MoveChoice is one option of a radio group or select.
type MoveChoice struct {
	Value string
	Text  string
	Hint  string
}

// MoveForm is what every action's question page has.
type MoveForm struct {
	Page       Page
	MoveID     string
	Reference  string
	PersonName string
	// Version is the move's version the form was made from; it is posted
	// back so a change made meanwhile is noticed.
	Version int64
	// Submission, on a form that adds something (a lodge, custody
	// events), names this filling-in of it, so that sending it twice adds
	// it once.
	Submission string
	Summary    []MovePageRow
	Errors     Errors
	// Existing links to a move the change would duplicate.
	Existing *Link
}

// MoveApproveForm approves a proposed move for a date.
type MoveApproveForm struct {
	MoveForm
	Day, Month, Year string
	Hint             string
}

// MoveRejectForm rejects a proposed or requested move.
type MoveRejectForm struct {
	MoveForm
	Reasons []MoveChoice
	Reason  string
	Rebook  string // "true", "false" or "" (not chosen)
	Comment string
	// NoRebook is set for a move that cannot be proposed again (an
	// allocation's place with nobody in it): the question is not asked.
	NoRebook bool
}

// MoveCancelForm cancels a move.
type MoveCancelForm struct {
	MoveForm
	Reasons []MoveChoice
	Reason  string
	Comment string
	// SameDay warns that the move is due today.
	SameDay string
}

// MoveRedirectForm changes a move's destination.
type MoveRedirectForm struct {
	MoveForm
	Locations  []MoveChoice
	ToLocation string
	MoveTypes  []MoveChoice
	MoveType   string
	Reasons    []MoveChoice
	Reason     string
}

// MoveDateForm changes a move's date.
type MoveDateForm struct {
	MoveForm
	Day, Month, Year string
	Hint             string
	Reasons          []MoveChoice
	Reason           string
}

// moveFieldError is the GOV.UK error message for a field, or nil.
func moveFieldError(errs Errors, id string) *govuk.ErrorMessageOptions {
	if msg := errs.For(id); msg != "" {
		return &govuk.ErrorMessageOptions{Text: msg}
	}
	return nil
}

func moveRadioItems(choices []MoveChoice) []govuk.RadiosItem {
	out := make([]govuk.RadiosItem, 0, len(choices))
	for _, c := range choices {
		item := govuk.RadiosItem{Text: c.Text, Value: c.Value}
		if c.Hint != "" {
			item.Hint = &govuk.HintOptions{Text: c.Hint}
		}
		out = append(out, item)
	}
	return out
}

func moveSelectItems(prompt string, choices []MoveChoice) []govuk.SelectItem {
	out := make([]govuk.SelectItem, 0, len(choices)+1)
	out = append(out, govuk.SelectItem{Value: "", Text: prompt})
	for _, c := range choices {
		out = append(out, govuk.SelectItem{Value: c.Value, Text: c.Text})
	}
	return out
}

func moveSummaryRows(rows []MovePageRow) []govuk.SummaryListRow {
	out := make([]govuk.SummaryListRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, govuk.SummaryListRow{
			Key:   govuk.SummaryListCell{Text: r.Key},
			Value: govuk.SummaryListCell{HTML: moveRowValue(r)},
		})
	}
	return out
}

func moveSummaryCard(title string, rows []MovePageRow) govuk.SummaryListOptions {
	return govuk.SummaryListOptions{
		Card: &govuk.SummaryCardOptions{Title: &govuk.SummaryCardTitle{Text: title}},
		Rows: moveSummaryRows(rows),
	}
}

func moveDateValues(day, month, year string) map[string]string {
	return map[string]string{"date-day": day, "date-month": month, "date-year": year}
}

func moveActionButton(a MoveAction) govuk.ButtonOptions {
	return govuk.ButtonOptions{Text: a.Text, Href: a.Href, Classes: a.Classes}
}

// MoveResubmitForm sends again a request PMU rejected because more
// information was required: the information and a new window of dates.
type MoveResubmitForm struct {
	MoveForm
	// Asked is what PMU said when rejecting, if anything.
	Asked       string
	Information string
	InfoMax     int
	DateFrom    string
	DateTo      string
}
