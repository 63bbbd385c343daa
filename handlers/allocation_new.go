package handlers

import (
	"context"
	"fmt"
	"github.com/securemove/securemove/handlers/serve"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// "Create an allocation" (PMU): details, criteria, check your answers,
// confirmation. The answers travel forward in the URL of each step's page
// and in hidden fields of its form, so nothing is kept on the server (or
// in a cookie) until PMU creates the allocation; every step checks all the
// answers before it and sends back to the first page with a problem.

// allocAnswers is what the wizard has been told so far.
type allocAnswers struct {
	na             moves.NewAllocation
	count          string // as typed
	criteria       bool   // the criteria page has been answered
	full, hasOther string // "yes"/"no"
}

// allocAnswerKeys are the fields carried from step to step.
var allocAnswerKeys = []string{"moves_count", "from_location", "to_location", "date", "estate", "prisoner_category", "estate_comment",
	"sentence_length", "sentence_length_comment", "complete_in_full", "has_other_criteria", "other_criteria", "criteria"}

func readAllocAnswers(v url.Values) allocAnswers {
	var a allocAnswers
	a.count = strings.TrimSpace(v.Get("moves_count"))
	a.na.Count, _ = strconv.Atoi(a.count)
	a.na.FromID, a.na.ToID, a.na.Date = v.Get("from_location"), v.Get("to_location"), v.Get("date")
	a.criteria = v.Get("criteria") == "1"
	c := &a.na.Criteria
	c.Estate, c.PrisonerCategory = v.Get("estate"), v.Get("prisoner_category")
	c.EstateComment = strings.TrimSpace(v.Get("estate_comment"))
	c.SentenceLength, c.SentenceLengthComment = v.Get("sentence_length"), strings.TrimSpace(v.Get("sentence_length_comment"))
	c.ComplexCases = moves.ComplexCaseAnswers(v["complex_cases"])
	a.full, a.hasOther = v.Get("complete_in_full"), v.Get("has_other_criteria")
	c.CompleteInFull = a.full == "yes"
	if a.hasOther == "yes" {
		c.OtherCriteria = strings.TrimSpace(v.Get("other_criteria"))
	}
	// Only the estate's own categories and comments count: an answer
	// left under another estate (JavaScript off shows them all) is not.
	if len(moves.CategoriesFor(c.Estate)) == 0 {
		c.PrisonerCategory = ""
	}
	if c.Estate != moves.EstateOther {
		c.EstateComment = ""
	}
	if c.SentenceLength != "other" {
		c.SentenceLengthComment = ""
	}
	return a
}

// values is the answers as URL values, for the next step's URL and the
// hidden fields.
func (a allocAnswers) values(withCriteria bool) url.Values {
	v := url.Values{}
	v.Set("moves_count", a.count)
	v.Set("from_location", a.na.FromID)
	v.Set("to_location", a.na.ToID)
	v.Set("date", a.na.Date)
	if !withCriteria {
		return v
	}
	c := a.na.Criteria
	v.Set("criteria", "1")
	for k, s := range map[string]string{"estate": c.Estate, "prisoner_category": c.PrisonerCategory, "estate_comment": c.EstateComment,
		"sentence_length": c.SentenceLength, "sentence_length_comment": c.SentenceLengthComment, "complete_in_full": a.full,
		"has_other_criteria": a.hasOther, "other_criteria": c.OtherCriteria} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for _, cc := range c.ComplexCases {
		if cc.Answer {
			v.Add("complex_cases", cc.Key)
		}
	}
	return v
}

func hiddenFields(v url.Values) []views.Hidden {
	var out []views.Hidden
	for _, k := range append(allocAnswerKeys, "complex_cases") {
		for _, s := range v[k] {
			out = append(out, views.Hidden{Name: k, Value: s})
		}
	}
	return out
}

// detailsErrors checks the first page's answers.
func (h *Handlers) allocDetailsErrors(c echo.Context, a allocAnswers) moves.FieldErrors {
	ctx := c.Request().Context()
	var from, to *moves.Location
	if l, err := h.Store.Location(ctx, a.na.FromID); err == nil {
		from = &l
	}
	if l, err := h.Store.Location(ctx, a.na.ToID); err == nil {
		to = &l
	}
	fe := moves.ValidateAllocationDetails(a.na, from, to, h.Today())
	if a.count != "" && a.na.Count == 0 && !fe.Has("moves_count") {
		fe.Add("moves_count", "invalid", "Enter the number of prisoners as a number")
	}
	return fe
}

func (a allocAnswers) criteriaErrors() moves.FieldErrors {
	fe := moves.ValidateCriteria(a.na.Criteria)
	if a.full != "yes" && a.full != "no" {
		fe.Add("complete_in_full", "blank", "Select whether the allocation must be filled in full")
	}
	switch {
	case a.hasOther != "yes" && a.hasOther != "no":
		fe.Add("has_other_criteria", "blank", "Select whether there are other criteria")
	case a.hasOther == "yes" && a.na.OtherCriteria == "":
		fe.Add("other_criteria", "blank", "Give details of the other criteria")
	}
	return fe
}

func (h *Handlers) allocNewFrame(c echo.Context, title, action, button string, errs views.Errors) views.AllocForm {
	p := h.page(c, title)
	p.HasErrors = len(errs) > 0
	p.Back = &views.Link{Text: "Back", Href: "/allocations"}
	return views.AllocForm{Page: p, Errors: errs, Caption: "Create an allocation", Heading: title, Action: action, Button: button}
}

// --- Step 1: details ---

var allocDetailIDs = map[string]string{"date": "date-day"}

func (h *Handlers) renderAllocDetails(c echo.Context, status int, a allocAnswers, day, month, year string, fe moves.FieldErrors) error {
	prisons, err := h.prisonChoices(c)
	if err != nil {
		return err
	}
	f := views.AllocDetailsForm{AllocForm: h.allocNewFrame(c, "Allocation details", "/allocation/new", "Continue", serve.ViewErrors(fe, allocDetailIDs)),
		Count: a.count, From: a.na.FromID, To: a.na.ToID, Day: day, Month: month, Year: year, Prisons: prisons}
	if a.criteria {
		// PMU came to change a detail (from the check page, or back from
		// the criteria): the criteria answered travel on as hidden
		// fields, so that Continue returns to the check page with them.
		v := a.values(true)
		for _, k := range []string{"moves_count", "from_location", "to_location", "date"} {
			v.Del(k) // the page asks these
		}
		f.Hidden = hiddenFields(v)
	}
	return serve.Render(c, status, views.AllocDetailsPage(f))
}

// NewAllocation asks how many people, from and to which prison, and when
// (prefilled when PMU comes back to change an answer).
func (h *Handlers) NewAllocation(c echo.Context) error {
	q := c.QueryParams()
	a := readAllocAnswers(q)
	var day, month, year string
	if t, err := time.Parse(time.DateOnly, a.na.Date); err == nil {
		day, month, year = strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year())
	}
	return h.renderAllocDetails(c, http.StatusOK, a, day, month, year, nil)
}

// SaveAllocationDetails checks the first page and goes on to the criteria
// (or back to the check page when the criteria are already answered).
func (h *Handlers) SaveAllocationDetails(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	a := readAllocAnswers(form)
	date, day, month, year, msg := moveReadDate(c)
	a.na.Date = date
	fe := h.allocDetailsErrors(c, a)
	if msg != "" {
		var kept moves.FieldErrors
		for _, e := range fe {
			if e.Field != "date" {
				kept = append(kept, e)
			}
		}
		fe = append(kept, moves.FieldError{Field: "date", Code: "invalid", Message: msg})
	}
	if len(fe) > 0 {
		return h.renderAllocDetails(c, http.StatusUnprocessableEntity, a, day, month, year, fe)
	}
	if a.criteria {
		return serve.Redirect(c, "/allocation/new/check?"+a.values(true).Encode())
	}
	return serve.Redirect(c, "/allocation/new/criteria?"+a.values(false).Encode())
}

// --- Step 2: criteria ---

var allocCriteriaIDs = map[string]string{}

func (h *Handlers) renderAllocCriteria(c echo.Context, status int, a allocAnswers, fe moves.FieldErrors) error {
	ids := map[string]string{"prisoner_category": "prisoner_category-" + a.na.Estate}
	f := views.AllocCriteriaForm{AllocForm: h.allocNewFrame(c, "Allocation criteria", "/allocation/new/criteria", "Continue", serve.ViewErrors(fe, ids)),
		Estate: a.na.Estate, Category: a.na.PrisonerCategory, EstateComment: a.na.EstateComment,
		Sentence: a.na.SentenceLength, SentenceComment: a.na.SentenceLengthComment, Full: a.full, HasOther: a.hasOther, Other: a.na.OtherCriteria}
	f.Hidden = hiddenFields(a.values(false))
	f.Page.Back = &views.Link{Text: "Back", Href: "/allocation/new?" + a.values(a.criteria).Encode()}
	for _, e := range moves.Estates {
		ec := views.EstateChoice{Value: e, Text: moves.Label(moves.EstateLabels, e)}
		for _, cat := range moves.CategoriesFor(e) {
			ec.Categories = append(ec.Categories, views.MoveChoice{Value: cat, Text: moves.Label(moves.PrisonerCategoryLabels, cat)})
		}
		f.Estates = append(f.Estates, ec)
	}
	f.Sentences = moveChoices(moves.SentenceLengths, moves.SentenceLengthLabels)
	for _, cc := range moves.ComplexCases {
		f.Cases = append(f.Cases, views.MoveChoice{Value: cc.Key, Text: cc.Title})
	}
	// Every complex case is ticked to begin with: PMU unticks those that
	// do not apply.
	for _, cc := range a.na.ComplexCases {
		if cc.Answer || !a.criteria {
			f.Ticked = append(f.Ticked, cc.Key)
		}
	}
	return serve.Render(c, status, views.AllocCriteriaPage(f))
}

// AllocationCriteria asks what the people chosen must be.
func (h *Handlers) AllocationCriteria(c echo.Context) error {
	a, ok, err := h.allocStarted(c, false)
	if !ok {
		return err
	}
	return h.renderAllocCriteria(c, http.StatusOK, a, nil)
}

// SaveAllocationCriteria checks the criteria and goes on to the check page.
func (h *Handlers) SaveAllocationCriteria(c echo.Context) error {
	a, ok, err := h.allocStarted(c, true)
	if !ok {
		return err
	}
	a.criteria = true
	if fe := a.criteriaErrors(); len(fe) > 0 {
		return h.renderAllocCriteria(c, http.StatusUnprocessableEntity, a, fe)
	}
	return serve.Redirect(c, "/allocation/new/check?"+a.values(true).Encode())
}

// --- Step 3: check your answers, then create ---

func (h *Handlers) allocCheckForm(c echo.Context, a allocAnswers) (views.AllocForm, error) {
	ctx := c.Request().Context()
	f := h.allocNewFrame(c, "Check your answers", "/allocation/new/check", "Create allocation", nil)
	vals := a.values(true)
	// The token makes "Create allocation" create once, however often
	// the form is sent (serve.Once).
	f.Hidden = append(hiddenFields(vals), views.Hidden{Name: "submission", Value: serve.NewToken()})
	f.Page.Back = &views.Link{Text: "Back", Href: "/allocation/new/criteria?" + vals.Encode()}
	from, err := h.Store.Location(ctx, a.na.FromID)
	if err != nil {
		return f, err
	}
	to, err := h.Store.Location(ctx, a.na.ToID)
	if err != nil {
		return f, err
	}
	change := func(step, field string) string {
		path := "/allocation/new"
		if step == "criteria" {
			path += "/criteria"
		}
		return path + "?" + vals.Encode() + "#" + field
	}
	f.Summary = append([]views.AllocRow{
		{Key: "Number of prisoners", Value: strconv.Itoa(a.na.Count), ChangeHref: change("details", "moves_count"), ChangeText: "number of prisoners"},
		{Key: "Move from", Value: from.Title, ChangeHref: change("details", "from_location"), ChangeText: "where they move from"},
		{Key: "Move to", Value: to.Title, ChangeHref: change("details", "to_location"), ChangeText: "where they move to"},
		{Key: "Date", Value: views.LongDate(a.na.Date), ChangeHref: change("details", "date-day"), ChangeText: "date"},
	}, allocCriteriaRows(moves.Allocation{Criteria: a.na.Criteria}, change)...)
	return f, nil
}

// allocStarted reads the journey's answers, from the form when post and
// from the address otherwise; ok is false when the first page's details
// need answering (again), and the user has been sent back to it.
func (h *Handlers) allocStarted(c echo.Context, post bool) (a allocAnswers, ok bool, err error) {
	v := c.QueryParams()
	if post {
		if v, err = c.FormParams(); err != nil {
			return a, false, err
		}
	}
	a = readAllocAnswers(v)
	if fe := h.allocDetailsErrors(c, a); len(fe) > 0 {
		return a, false, serve.Redirect(c, "/allocation/new?"+a.values(false).Encode())
	}
	return a, true, nil
}

// CheckAllocation shows every answer with links to change each.
func (h *Handlers) CheckAllocation(c echo.Context) error {
	a, ok, err := h.allocStarted(c, false)
	if !ok {
		return err
	}
	if fe := a.criteriaErrors(); len(fe) > 0 || !a.criteria {
		return serve.Redirect(c, "/allocation/new/criteria?"+a.values(a.criteria).Encode())
	}
	f, err := h.allocCheckForm(c, a)
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AllocCheckPage(f))
}

// CreateAllocation creates the allocation and its places in one unit of
// work, once for each showing of the check page, then shows the
// confirmation.
func (h *Handlers) CreateAllocation(c echo.Context) error {
	a, ok, err := h.allocStarted(c, true)
	if !ok {
		return err
	}
	if fe := a.criteriaErrors(); len(fe) > 0 {
		return serve.Redirect(c, "/allocation/new/criteria?"+a.values(true).Encode())
	}
	u := serve.CurrentUser(c)
	a.na.RequestedBy = u.FullName
	id, _, err := serve.Once(c, h.Store, "allocation", serve.FormToken(c), func(ctx context.Context) (string, error) {
		created, err := h.Store.CreateAllocation(ctx, a.na, u.Username, h.Today())
		return created.ID, err
	})
	if err != nil {
		if _, other := invalidOr(err); other != nil {
			return other
		}
		// Something changed since the check (a prison closed, midnight
		// passed): back to the first page, which says what.
		return serve.Redirect(c, "/allocation/new?"+a.values(true).Encode())
	}
	return serve.Redirect(c, allocHref(id)+"/confirmation")
}

// AllocationConfirmation confirms the allocation was requested.
func (h *Handlers) AllocationConfirmation(c echo.Context) error {
	a, err := h.visibleAllocation(c, c.Param("id"))
	if err != nil {
		return err
	}
	v := views.AllocConfirmation{Page: h.page(c, "Allocation requested"), Title: "Allocation requested",
		Text:  fmt.Sprintf("The request for %s from %s to %s on %s has been sent", peopleCount(a.Total), a.From, a.To, views.LongDate(a.Date)),
		Links: []views.Link{{Text: "View the allocation", Href: allocHref(a.ID)}, {Text: "View all allocations", Href: "/allocations/" + weekStart(a.Date)}}}
	return serve.Render(c, http.StatusOK, views.AllocConfirmationPage(v))
}
