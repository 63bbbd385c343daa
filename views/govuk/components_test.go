package govuk

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func assertContains(t *testing.T, html string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, html)
		}
	}
}

func assertNotContains(t *testing.T, html string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(html, u) {
			t.Errorf("rendered HTML has %q:\n%s", u, html)
		}
	}
}

// The fixture comparison normalises whitespace; these pin down the spaces
// that screen readers and link underlines depend on.
func TestSignificantWhitespace(t *testing.T) {
	assertContains(t, render(t, ErrorMessage(ErrorMessageOptions{Text: "Enter a date"})),
		`<span class="govuk-visually-hidden">Error:</span> Enter a date</p>`)
	assertContains(t, render(t, WarningText(WarningTextOptions{Text: "You can be fined"})),
		`<span class="govuk-visually-hidden">Warning</span> You can be fined</strong>`)
	assertContains(t, render(t, SummaryList(SummaryListOptions{
		Card: &SummaryCardOptions{Title: &SummaryCardTitle{Text: "Move"}},
		Rows: []SummaryListRow{{
			Key:     SummaryListCell{Text: "From"},
			Value:   SummaryListCell{Text: "HMP Leeds"},
			Actions: &SummaryListActions{Items: []SummaryListAction{{Href: "#from", Text: "Change", VisuallyHiddenText: "from"}}},
		}},
	})), `>Change<span class="govuk-visually-hidden"> from (Move)</span></a>`)
	pagination := render(t, Pagination(PaginationOptions{
		Previous: &PaginationLink{Href: "/p"},
		Next:     &PaginationLink{Href: "/n"},
	}))
	assertContains(t, pagination,
		`Previous<span class="govuk-visually-hidden"> page</span>`,
		`Next<span class="govuk-visually-hidden"> page</span>`)
}

func TestRadiosCheckedFromValueAndIDs(t *testing.T) {
	html := render(t, Radios(RadiosOptions{
		Name:  "move-type",
		Value: "court",
		Fieldset: &FieldsetOptions{Legend: &LegendOptions{
			Text: "What type of move is it?", IsPageHeading: true, Classes: "govuk-fieldset__legend--l",
		}},
		Hint:         &HintOptions{Text: "Select one"},
		ErrorMessage: &ErrorMessageOptions{Text: "Select the type of move"},
		Items: []RadiosItem{
			{Value: "prison", Text: "Prison transfer"},
			{Value: "court", Text: "Court", Conditional: templ.Raw(`<p>court details</p>`)},
			{Divider: "or"},
			{Value: "hospital", Text: "Hospital", Hint: &HintOptions{Text: "Secure hospital"}},
		},
	}))
	assertContains(t, html,
		`aria-describedby="move-type-hint move-type-error"`,
		`id="move-type"`, `id="move-type-2"`, `id="move-type-4"`,
		`value="court" checked data-aria-controls="conditional-move-type-2"`,
		`<div class="govuk-radios__conditional" id="conditional-move-type-2"><p>court details</p></div>`,
		`aria-describedby="move-type-4-item-hint"`,
		`<h1 class="govuk-fieldset__heading">`,
		`<div class="govuk-radios__divider">or</div>`,
		`class="govuk-form-group govuk-form-group--error"`,
	)
	assertNotContains(t, html, `id="move-type-3"`)
}

// RevealAlways shows every conditional and leaves the reveal script (and
// so aria-expanded) out of the radios.
func TestRadiosRevealAlways(t *testing.T) {
	html := render(t, Radios(RadiosOptions{Name: "agreed", RevealAlways: true, Items: []RadiosItem{
		{Value: "yes", Text: "Yes", Conditional: templ.Raw(`<p>who</p>`)},
		{Value: "no", Text: "No"},
	}}))
	assertContains(t, html, `<div class="govuk-radios__conditional" id="conditional-agreed"><p>who</p></div>`)
	assertNotContains(t, html, `data-aria-controls`, `govuk-radios__conditional--hidden`)
}

func TestCheckboxesExclusiveAndValues(t *testing.T) {
	html := render(t, Checkboxes(CheckboxesOptions{
		Name:   "needs",
		Values: []string{"wheelchair"},
		Items: []CheckboxesItem{
			{Value: "wheelchair", Text: "Wheelchair"},
			{Value: "interpreter", Text: "Interpreter"},
			{Divider: "or"},
			{Value: "none", Text: "None of these", Behaviour: "exclusive"},
		},
	}))
	assertContains(t, html,
		`id="needs" name="needs" type="checkbox" value="wheelchair" checked`,
		`id="needs-4" name="needs" type="checkbox" value="none" data-behaviour="exclusive"`,
	)
	assertNotContains(t, html, `value="interpreter" checked`)
}

func TestSelectValueAndPlaceholder(t *testing.T) {
	html := render(t, Select(SelectOptions{
		ID: "prison", Name: "prison", Value: "LEI",
		Label: LabelOptions{Text: "Prison"},
		Items: []SelectItem{{Value: "", Text: "Choose a prison"}, {Value: "LEI", Text: "HMP Leeds"}},
	}))
	assertContains(t, html, `<option value="">Choose a prison</option>`, `<option value="LEI" selected>HMP Leeds</option>`)
}

func TestDateInputErrorOnAllFieldsByDefault(t *testing.T) {
	html := render(t, DateInput(DateInputOptions{
		ID: "move-date", NamePrefix: "move-date",
		Fieldset:     &FieldsetOptions{Legend: &LegendOptions{Text: "Date of move"}},
		ErrorMessage: &ErrorMessageOptions{Text: "Enter the date of the move"},
		Values:       map[string]string{"move-date-day": "3"},
	}))
	assertContains(t, html,
		`role="group" aria-describedby="move-date-error"`,
		`id="move-date-day" name="move-date-day" type="text" value="3" inputmode="numeric"`,
		`class="govuk-input govuk-date-input__input govuk-input--error govuk-input--width-4"`,
	)
}

func TestErrorSummaryLinksToFields(t *testing.T) {
	html := render(t, ErrorSummary(ErrorSummaryOptions{
		TitleText: "There is a problem",
		ErrorList: []ErrorItem{{Text: "Enter the date of the move", Href: "#move-date-day"}},
	}))
	assertContains(t, html,
		`data-module="govuk-error-summary"`,
		`<div role="alert">`,
		`<a href="#move-date-day">Enter the date of the move</a>`,
	)
}

func TestNotificationBannerSuccess(t *testing.T) {
	html := render(t, NotificationBanner(NotificationBannerOptions{Type: "success", Text: "Move booked"}))
	assertContains(t, html, `govuk-notification-banner--success`, `role="alert"`, `>Success</h2>`)
}

func TestChildrenAreRendered(t *testing.T) {
	child := templ.Raw(`<p class="child">child</p>`)
	for name, c := range map[string]templ.Component{
		"fieldset":            Fieldset(FieldsetOptions{Legend: &LegendOptions{Text: "L"}}),
		"details":             Details(DetailsOptions{SummaryText: "S"}),
		"inset text":          InsetText(InsetTextOptions{}),
		"notification banner": NotificationBanner(NotificationBannerOptions{}),
	} {
		ctx := templ.WithChildren(context.Background(), child)
		var buf bytes.Buffer
		if err := c.Render(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `<p class="child">child</p>`) {
			t.Errorf("%s: children not rendered:\n%s", name, buf.String())
		}
	}
}

func TestHrefsAreSanitised(t *testing.T) {
	html := render(t, BackLink(BackLinkOptions{Href: "javascript:alert(1)"}))
	assertNotContains(t, html, "javascript:")
}

func TestHeadersAndServiceNavigation(t *testing.T) {
	assertContains(t, render(t, GenericHeader(GenericHeaderOptions{LogoText: "Book a secure move"})),
		`<a href="/" class="govuk-generic-header__homepage-link">Book a secure move</a>`)
	nav := render(t, ServiceNavigation(ServiceNavigationOptions{
		ServiceName: "Book a secure move", ServiceURL: "/",
		Navigation: []ServiceNavigationItem{{Href: "/moves", Text: "Moves", Current: true}, {Href: "/sign-out", Text: "Sign out"}},
	}))
	assertContains(t, nav,
		`<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">`,
		`aria-current="page"`,
		`<strong class="govuk-service-navigation__active-fallback">Moves</strong>`,
		`govuk-js-service-navigation-toggle`,
	)
}

// The generic header's End slot (this service's addition) goes inside the
// container, after the logo; without it the markup is the macro's.
func TestGenericHeaderEndSlot(t *testing.T) {
	end := templ.Raw(`<div class="app-header__user">Priya</div>`)
	got := render(t, GenericHeader(GenericHeaderOptions{LogoText: "Book a secure move", End: end}))
	assertContains(t, got, `</a></div><div class="app-header__user">Priya</div></div></div>`)
	assertNotContains(t, render(t, GenericHeader(GenericHeaderOptions{LogoText: "Book a secure move"})), "app-header__user")
}
