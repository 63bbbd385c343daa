package views

import (
	"github.com/a-h/templ"
	"github.com/securemove/securemove/views/govuk"
)

// Hidden is a hidden form field: the allocation wizard carries earlier
// answers forward in its forms, so nothing is kept until it is created.
type Hidden struct{ Name, Value string }

// AllocRow is a row of a summary list, with an optional change link.
type AllocRow struct {
	Key, Value string
	ChangeHref string
	ChangeText string // visually hidden: what the change link changes
}

// AllocForm is the frame of every allocation question page.
type AllocForm struct {
	Page    Page
	Errors  Errors
	Caption string
	Heading string
	// Action is where the form posts; Method "get" for searches.
	Action        string
	Method        string
	Hidden        []Hidden
	Button        string
	ButtonWarning bool
	Back          Link
	Warning       string
	Summary       []AllocRow
	// Existing links to a move the change would duplicate.
	Existing *Link
}

// AllocDetailsForm is the first page of "Create an allocation".
type AllocDetailsForm struct {
	AllocForm
	Count, From, To  string
	Day, Month, Year string
	Prisons          []MoveChoice
}

// EstateChoice is an estate with the prisoner categories it asks for.
type EstateChoice struct {
	Value, Text string
	Categories  []MoveChoice
}

// AllocCriteriaForm is the criteria page.
type AllocCriteriaForm struct {
	AllocForm
	Estates                         []EstateChoice
	Estate, Category, EstateComment string
	Sentences                       []MoveChoice
	Sentence, SentenceComment       string
	Cases                           []MoveChoice
	Ticked                          []string
	Full, HasOther, Other           string
}

// AllocConfirmation is the panel after creating an allocation.
type AllocConfirmation struct {
	Page  Page
	Title string
	Text  string
	Links []Link
}

// AllocReasonForm asks for a reason (cancel), a date and a reason (change
// date), or just a confirmation (remove a place, remove a person).
type AllocReasonForm struct {
	AllocForm
	Reasons          []MoveChoice
	Reason, Comment  string
	ReasonLegend     string
	AskDate          bool
	Day, Month, Year string
	AskComment       bool
}

// AllocPlace is one place of an allocation.
type AllocPlace struct {
	N            int
	Reference    string
	MoveHref     string
	Name         string // "" for an empty place
	PrisonNumber string
	Status       string
	StatusClass  string
	Agreed       string
	Cancelled    bool
	// Actions this user may take on it.
	FillHref, EmptyHref, RemoveHref string
}

// AllocationView is an allocation's page.
type AllocationView struct {
	Page           Page
	Heading        string
	Cancelled      string // the reason, when cancelled
	Criteria       []AllocRow
	Details        []AllocRow
	CompleteInFull bool
	Progress       string
	Places         []AllocPlace
	CancelHref     string
	DateHref       string
	// Assigner: OCA sees how to add people and the special vehicle note.
	Assigner bool
}

// AllocTableHead is a sortable column heading.
type AllocTableHead struct {
	Text, Href, AriaSort, Label string
}

// AllocListRow is a row of the allocations table.
type AllocListRow struct {
	Size, Href     string
	Tag, TagClass  string
	From, To, Date string
}

// AllocationList is the week's allocations.
type AllocationList struct {
	Page       Page
	Heading    string
	Period     string
	PeriodNav  []Link
	Filters    []AllocFilterTab
	Head       []AllocTableHead
	Rows       []AllocListRow
	ShowFrom   bool
	Empty      string
	Prev, Next *Link
	PageLabel  string
	CSVHref    string
	CreateHref string
}

// AllocFilterTab is one status of a list's filter, with its count.
type AllocFilterTab struct {
	Text    string
	Count   int
	Href    string
	Current bool
}

// AllocPerson is a person found by prison number.
type AllocPerson struct {
	Name, DateOfBirth, PrisonNumber, ChooseHref string
}

// AllocFillSearch finds the person for a place.
type AllocFillSearch struct {
	AllocForm
	PrisonNumber string
	Searched     bool
	Results      []AllocPerson
}

// AllocFillForm asks about the chosen person.
type AllocFillForm struct {
	AllocForm
	Name, PrisonNumber        string
	Agreed, AgreedBy, Special string
}

// AllocCannotAdd says a person needing a special vehicle cannot be added.
type AllocCannotAdd struct {
	Page              Page
	Name              string
	ChooseAgainHref   string
	AllocationHref    string
	SingleRequestHref string
}

func allocSummaryRows(rows []AllocRow) []govuk.SummaryListRow {
	out := make([]govuk.SummaryListRow, 0, len(rows))
	for _, r := range rows {
		row := govuk.SummaryListRow{Key: govuk.SummaryListCell{Text: r.Key}, Value: govuk.SummaryListCell{Text: r.Value}}
		if r.ChangeHref != "" {
			row.Actions = &govuk.SummaryListActions{Items: []govuk.SummaryListAction{{Href: r.ChangeHref, Text: "Change", VisuallyHiddenText: r.ChangeText}}}
		}
		out = append(out, row)
	}
	return out
}

func allocCheckboxItems(choices []MoveChoice) []govuk.CheckboxesItem {
	out := make([]govuk.CheckboxesItem, 0, len(choices))
	for _, c := range choices {
		out = append(out, govuk.CheckboxesItem{Text: c.Text, Value: c.Value})
	}
	return out
}

func allocTableRows(rows []AllocListRow, showFrom bool) [][]govuk.TableCell {
	out := make([][]govuk.TableCell, 0, len(rows))
	for _, r := range rows {
		cells := []govuk.TableCell{
			{HTML: allocLink(r.Href, r.Size)},
			{HTML: govuk.Tag(govuk.TagOptions{Text: r.Tag, Classes: r.TagClass, Attributes: templ.Attributes{"data-testid": "allocation-status"}})},
		}
		if showFrom {
			cells = append(cells, govuk.TableCell{Text: r.From})
		}
		cells = append(cells, govuk.TableCell{Text: r.To}, govuk.TableCell{Text: r.Date})
		out = append(out, cells)
	}
	return out
}

// allocCategoryValue is the category chosen, shown only under the estate
// it belongs to.
func allocCategoryValue(m AllocCriteriaForm, estate string) string {
	if m.Estate == estate {
		return m.Category
	}
	return ""
}

func allocCategoryError(m AllocCriteriaForm, estate string) *govuk.ErrorMessageOptions {
	if m.Estate != estate {
		return nil
	}
	return moveFieldError(m.Errors, "prisoner_category-"+estate)
}

func allocEstateItems(m AllocCriteriaForm) []govuk.RadiosItem {
	out := make([]govuk.RadiosItem, 0, len(m.Estates))
	for _, e := range m.Estates {
		item := govuk.RadiosItem{Value: e.Value, Text: e.Text}
		switch {
		case len(e.Categories) > 0:
			item.Conditional = allocEstateCategories(m, e)
		case e.Value == "other_estate":
			item.Conditional = allocDetailsField(m, "estate_comment", "Give details of the estate", m.EstateComment)
		}
		out = append(out, item)
	}
	return out
}

func allocSentenceItems(m AllocCriteriaForm) []govuk.RadiosItem {
	out := make([]govuk.RadiosItem, 0, len(m.Sentences))
	for _, s := range m.Sentences {
		item := govuk.RadiosItem{Value: s.Value, Text: s.Text}
		if s.Value == "other" {
			item.Conditional = allocDetailsField(m, "sentence_length_comment", "Give details of the time left to serve", m.SentenceComment)
		}
		out = append(out, item)
	}
	return out
}
