package views

import (
	"strconv"

	"github.com/securemove/securemove/moves"
)

// PersonPage is a person's page: their details, who changed them last,
// and the moves of theirs the user may see, newest first.
type PersonPage struct {
	Page    Page
	Name    string
	Details []MovePageRow
	// Changed says who last changed the details and when; empty when
	// nobody has since they were added.
	Changed string
	// EditHref, when set, offers changing the details.
	EditHref string
	Moves    []PersonMoveRow
}

// PersonMoveRow is one of a person's moves.
type PersonMoveRow struct {
	Reference string
	Href      string
	From      string
	To        string
	Date      string
	Status    moves.Status
}

// PeopleSearch is the page that finds people by PNC number, prison number,
// or last name and date of birth.
type PeopleSearch struct {
	Page       Page
	Errors     Errors
	PNCExample string
	Number     string
	LastName   string
	DOB        RequestDateParts
	// Searched is set once a search ran; SearchedFor words it.
	Searched    bool
	SearchedFor string
	Results     []PersonResult
}

// PersonResult is one person found.
type PersonResult struct {
	Name         string
	Href         string
	DateOfBirth  string
	PNC          string
	PrisonNumber string
}

// PersonEdit changes a person's details. Seen is when the details were
// last changed as the form was made, posted back so a change made
// meanwhile is noticed.
type PersonEdit struct {
	Page         Page
	Errors       Errors
	ID           string
	Name         string
	Seen         string
	FirstNames   string
	LastName     string
	DOB          RequestDateParts
	Gender       string
	Genders      []MoveChoice
	PNC          string
	PrisonNumber string
	// Conflict names what changed meanwhile when the form was stale.
	Conflict string
}

// PeopleFound words how many people a search found.
func PeopleFound(n int) string {
	switch n {
	case 0:
		return "No people found"
	case 1:
		return "1 person found"
	}
	return strconv.Itoa(n) + " people found"
}
