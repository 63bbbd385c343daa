package moves

import (
	"fmt"
	"strings"
	"time"
)

// An allocation is PMU's request to move a number of people from one
// prison to another on a date. It is made of that many requested prison
// transfers, each created without a person (an empty place); allocation
// staff at the sending prison fill the places. Its status follows from
// its places: filled when every place that is not cancelled has a person,
// unfilled otherwise, cancelled once PMU cancels it.

// AllocationStatus is where an allocation stands.
type AllocationStatus string

const (
	AllocationUnfilled  AllocationStatus = "unfilled"
	AllocationFilled    AllocationStatus = "filled"
	AllocationCancelled AllocationStatus = "cancelled"
)

// AllocationStatuses lists the statuses in the order lists show them.
var AllocationStatuses = []AllocationStatus{AllocationUnfilled, AllocationFilled, AllocationCancelled}

// Valid reports whether s is a known allocation status.
func (s AllocationStatus) Valid() bool {
	for _, v := range AllocationStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Estates, as the API spells them.
const (
	EstateAdultMale           = "adult_male"
	EstateAdultFemale         = "adult_female"
	EstateJuvenileMale        = "juvenile_male"
	EstateJuvenileFemale      = "juvenile_female"
	EstateYoungOffenderMale   = "young_offender_male"
	EstateYoungOffenderFemale = "young_offender_female"
	EstateOther               = "other_estate"
)

// Estates lists the estates in the order the form offers them.
var Estates = []string{EstateAdultMale, EstateAdultFemale, EstateJuvenileMale, EstateJuvenileFemale,
	EstateYoungOffenderMale, EstateYoungOffenderFemale, EstateOther}

// EstateLabels names each estate.
var EstateLabels = map[string]string{
	EstateAdultMale:           "Adult male",
	EstateAdultFemale:         "Adult female",
	EstateJuvenileMale:        "Juvenile male",
	EstateJuvenileFemale:      "Juvenile female",
	EstateYoungOffenderMale:   "Young offender male (18 to 21)",
	EstateYoungOffenderFemale: "Young offender female (18 to 21)",
	EstateOther:               "Other",
}

// estateCategories is the prisoner categories each estate asks for; an
// estate not listed asks for none.
var estateCategories = map[string][]string{
	EstateAdultMale:           {"b", "c", "d"},
	EstateAdultFemale:         {"open", "closed"},
	EstateYoungOffenderMale:   {"open", "closed"},
	EstateYoungOffenderFemale: {"open", "closed"},
}

// CategoriesFor lists the prisoner categories offered for an estate.
func CategoriesFor(estate string) []string {
	return append([]string(nil), estateCategories[estate]...)
}

// PrisonerCategoryLabels names each prisoner category.
var PrisonerCategoryLabels = map[string]string{"b": "Category B", "c": "Category C", "d": "Category D", "open": "Open", "closed": "Closed"}

// SentenceLengths is how long people have left to serve ("" is any).
var SentenceLengths = []string{"any", "short", "long", "other"}

// SentenceLengthLabels names each sentence length.
var SentenceLengthLabels = map[string]string{
	"any":   "Any time to serve",
	"short": "16 months or less",
	"long":  "Over 16 months",
	"other": "Other",
}

// ComplexCase is one kind of case the receiving prison should discuss;
// ID is stable so that answers can name it as the API does.
type ComplexCase struct {
	ID    string
	Key   string
	Title string
}

// ComplexCases is the reference list, in the order the form shows it.
var ComplexCases = []ComplexCase{
	{ID: "b8a9702a-e623-4a1a-8e4a-a5e84b90749e", Key: "hold_separately", Title: "Segregated prisoners"},
	{ID: "1a5ea9d2-7297-4de8-a473-218834a752bd", Key: "self_harm", Title: "Self harm or prisoners on ACCT"},
	{ID: "be42d090-c0fd-496c-84e4-cbed6e14acac", Key: "mental_health_issue", Title: "Mental health issues"},
	{ID: "8178b097-2558-4d65-b7db-57803711b9fc", Key: "under_drug_treatment", Title: "Integrated Drug Treatment System"},
}

// ComplexCaseAnswer says whether one complex case is included.
type ComplexCaseAnswer struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	Answer bool   `json:"answer"`
	ID     string `json:"allocation_complex_case_id"`
}

// ComplexCaseAnswers answers every complex case: those whose key is in
// included are true.
func ComplexCaseAnswers(included []string) []ComplexCaseAnswer {
	out := make([]ComplexCaseAnswer, 0, len(ComplexCases))
	for _, cc := range ComplexCases {
		yes := false
		for _, k := range included {
			if k == cc.Key {
				yes = true
			}
		}
		out = append(out, ComplexCaseAnswer{Key: cc.Key, Title: cc.Title, Answer: yes, ID: cc.ID})
	}
	return out
}

// Criteria is what PMU asks of the people chosen.
type Criteria struct {
	Estate                string
	EstateComment         string
	PrisonerCategory      string
	SentenceLength        string
	SentenceLengthComment string
	ComplexCases          []ComplexCaseAnswer
	CompleteInFull        bool
	OtherCriteria         string
}

// Allocation is the request and the counts of its places.
type Allocation struct {
	ID          string
	FromID      string
	ToID        string
	Date        string // YYYY-MM-DD
	Criteria    Criteria
	RequestedBy string
	// Cancelled with a reason and optional comment.
	CancellationReason  string
	CancellationComment string
	// Total counts places not cancelled; once the allocation is
	// cancelled, every place it had, those removed before included (the
	// API's meta.moves.total, and the size the pages show). Filled counts
	// the places not cancelled with a person (none once cancelled).
	Total     int
	Filled    int
	Version   int64
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

// Status follows from the places: see AllocationStatusOf.
func (a Allocation) Status() AllocationStatus {
	return AllocationStatusOf(a.CancellationReason != "", a.Total, a.Filled)
}

// MovesCount is the API's moves_count: the places not cancelled, none
// once the allocation is cancelled (upstream sets it to 0 then).
func (a Allocation) MovesCount() int {
	if a.Status() == AllocationCancelled {
		return 0
	}
	return a.Total
}

// Unfilled counts the places still waiting for a person.
func (a Allocation) Unfilled() int {
	if a.Status() == AllocationCancelled {
		return 0
	}
	return a.Total - a.Filled
}

// AllocationStatusOf is cancelled once cancelled; filled when there is at
// least one place and every place not cancelled has a person; otherwise
// unfilled (an allocation whose places were all removed has nobody left
// to move, and is unfilled until PMU cancels it).
func AllocationStatusOf(cancelled bool, total, filled int) AllocationStatus {
	switch {
	case cancelled:
		return AllocationCancelled
	case total > 0 && filled >= total:
		return AllocationFilled
	}
	return AllocationUnfilled
}

// MaxAllocationSize bounds one allocation: a coach holds fewer, and a
// typing slip must not create thousands of moves.
const MaxAllocationSize = 50

// NewAllocation is what PMU asks for.
type NewAllocation struct {
	Count  int
	FromID string
	ToID   string
	Date   string
	Criteria
	RequestedBy string
}

// ValidateAllocationDetails checks the first question page: a number of
// people, two different detained locations and a date not in the past
// (today is Europe/London's, given by the caller).
func ValidateAllocationDetails(na NewAllocation, from, to *Location, today string) FieldErrors {
	var fe FieldErrors
	switch {
	case na.Count < 1:
		fe.Add("moves_count", "invalid", "Enter the number of prisoners, 1 or more")
	case na.Count > MaxAllocationSize:
		fe.Add("moves_count", "invalid", fmt.Sprintf("Enter a number of prisoners no more than %d", MaxAllocationSize))
	}
	switch {
	case from == nil:
		fe.Add("from_location", "blank", "Select the prison the people move from")
	case !from.Type.Detained():
		fe.Add("from_location", "inclusion", "Select a prison the people move from")
	case from.Disabled:
		fe.Add("from_location", "disabled", "The prison is no longer in use: select another")
	}
	switch {
	case to == nil:
		fe.Add("to_location", "blank", "Select the prison the people move to")
	case !to.Type.Detained():
		fe.Add("to_location", "inclusion", "Select a prison the people move to")
	case to.Disabled:
		fe.Add("to_location", "disabled", "The prison is no longer in use: select another")
	case from != nil && from.ID == to.ID:
		fe.Add("to_location", "same", "The prison the people move to cannot be the one they move from")
	}
	if d, err := ParseDate(na.Date); err != nil {
		fe.Add("date", "invalid", "Enter the date of the allocation as a real date")
	} else if d < today {
		fe.Add("date", "past", "The date of the allocation must be today or in the future")
	} else if _, latest := MoveDateRange(today); d > latest {
		fe.Add("date", "out_of_range", "The date of the allocation must be within two years of today")
	}
	return fe
}

// ValidateNewAllocationDate checks an allocation's new date: a real date,
// not before today, and within two years of it (today is Europe/London's,
// given by the caller). It returns the date as YYYY-MM-DD.
func ValidateNewAllocationDate(date, today string) (string, FieldErrors) {
	var fe FieldErrors
	d, err := ParseDate(date)
	switch _, latest := MoveDateRange(today); {
	case err != nil:
		fe.Add("date", "invalid", "Enter the new date as a real date")
	case d < today:
		fe.Add("date", "past", "The new date must be today or in the future")
	case d > latest:
		fe.Add("date", "out_of_range", "The new date must be within two years of today")
	default:
		return d, nil
	}
	return date, fe
}

// ValidateCriteria checks the criteria page: every question answered
// (an estate, its prisoner category, details for "other", the time left
// to serve), and each answer as ValidateCriteriaGiven checks it.
func ValidateCriteria(c Criteria) FieldErrors {
	var fe FieldErrors
	if c.Estate == "" {
		fe.Add("estate", "blank", "Select the estate")
	} else if cats := estateCategories[c.Estate]; len(cats) > 0 && c.PrisonerCategory == "" {
		fe.Add("prisoner_category", "blank", "Select the prisoner category")
	}
	if c.Estate == EstateOther && strings.TrimSpace(c.EstateComment) == "" {
		fe.Add("estate_comment", "blank", "Give details of the estate")
	}
	if c.SentenceLength == "other" && strings.TrimSpace(c.SentenceLengthComment) == "" {
		fe.Add("sentence_length_comment", "blank", "Give details of the time left to serve")
	}
	for _, e := range ValidateCriteriaGiven(c) {
		if !fe.Has(e.Field) {
			fe = append(fe, e)
		}
	}
	return fe
}

// ValidateCriteriaGiven checks the criteria an allocation is created
// with, whoever creates it: each answer given must be one of its list
// (a prisoner category one of the estate's, when an estate is given) and
// the time left to serve one of SentenceLengths ("any" when not given).
// Nothing else is required: the API's contract (v1 allocation.yaml) makes
// the estate, category and details optional; the wizard asks for them
// (ValidateCriteria).
func ValidateCriteriaGiven(c Criteria) FieldErrors {
	var fe FieldErrors
	if c.Estate != "" && !containsStr(Estates, c.Estate) {
		fe.Add("estate", "inclusion", "Select the estate from the list")
	}
	if c.PrisonerCategory != "" {
		switch cats := estateCategories[c.Estate]; {
		case c.Estate == "":
			if _, ok := PrisonerCategoryLabels[c.PrisonerCategory]; !ok {
				fe.Add("prisoner_category", "inclusion", "Select the prisoner category from the list")
			}
		case !containsStr(Estates, c.Estate):
		case len(cats) == 0:
			fe.Add("prisoner_category", "inclusion", "This estate has no prisoner category")
		case !containsStr(cats, c.PrisonerCategory):
			fe.Add("prisoner_category", "inclusion", "Select a prisoner category of the estate")
		}
	}
	if !containsStr(SentenceLengths, c.SentenceLength) {
		fe.Add("sentence_length", "blank", "Select the time left to serve")
	}
	for _, a := range c.ComplexCases {
		known := false
		for _, cc := range ComplexCases {
			if cc.Key == a.Key && cc.ID == a.ID {
				known = true
			}
		}
		if !known {
			fe.Add("complex_cases", "inclusion", "Select complex cases from the list")
			break
		}
	}
	if len(c.OtherCriteria) > 2000 || len(c.EstateComment) > 2000 || len(c.SentenceLengthComment) > 2000 {
		fe.Add("other_criteria", "too_long", "Details must be 2000 characters or fewer")
	}
	return fe
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// AllocationAction is something a person may do to an allocation.
type AllocationAction string

const (
	AllocCreate      AllocationAction = "create"
	AllocView        AllocationAction = "view"
	AllocRemovePlace AllocationAction = "remove_place"
	AllocChangeDate  AllocationAction = "change_date"
	AllocCancel      AllocationAction = "cancel"
	AllocFill        AllocationAction = "fill"
	AllocEmpty       AllocationAction = "empty"
)

// AllocationAllowed reports whether role may take action on allocation a
// (ignored for AllocCreate). PMU creates, changes and cancels; OCA at the
// sending prison fills and empties places; suppliers only look. Whether
// the user holds the sending prison is the caller's check (OCA sees only
// allocations from their prisons). Nothing changes once cancelled.
func AllocationAllowed(role Role, action AllocationAction, a Allocation) bool {
	open := a.Status() != AllocationCancelled
	switch action {
	case AllocView:
		return role == RolePMU || role == RoleOCA || role == RoleSupplier
	case AllocCreate:
		return role == RolePMU
	case AllocChangeDate, AllocCancel:
		return role == RolePMU && open
	case AllocRemovePlace:
		// One place must stay: removing the last would leave an
		// allocation of nobody; cancel it instead.
		return role == RolePMU && open && a.Total > 1
	case AllocFill, AllocEmpty:
		return role == RoleOCA && open
	}
	return false
}

// PlaceMayChange reports whether a person may be added to or removed from
// an allocation's move: only while it is requested or booked (once on the
// road, the person is who is in the van).
func PlaceMayChange(m Move) bool { return m.Status == StatusRequested || m.Status == StatusBooked }

// AllocationCancellationReasons is why PMU may cancel an allocation, as
// the API spells them.
var AllocationCancellationReasons = []string{"made_in_error", "supplier_declined_to_move", "lack_of_space_at_receiving_establishment",
	"sending_establishment_failed_to_fill_allocation", "other"}

// AllocationCancellationReasonLabels names each reason.
var AllocationCancellationReasonLabels = map[string]string{
	"made_in_error":                                   "Made in error",
	"supplier_declined_to_move":                       "Supplier declined to move",
	"lack_of_space_at_receiving_establishment":        "Lack of space at the receiving prison",
	"sending_establishment_failed_to_fill_allocation": "The sending prison could not fill the allocation",
	"other": "Another reason",
}

// AllocationCancellationReasonValid reports whether r is one of them.
func AllocationCancellationReasonValid(r string) bool {
	return containsStr(AllocationCancellationReasons, r)
}
