package views

import (
	"context"
	"html"
	"io"
)

// text is a string rendered as templ renders { s }: escaped for HTML.
// Written @text(s), it is a method call on a string, where { s } costs
// templ a fmt.Sprint and two allocations (JoinStringErrs); the rows of
// lists and timelines render hundreds of them a page.
type text string

// Render writes the text escaped as templ.EscapeString escapes it.
func (t text) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, html.EscapeString(string(t)))
	return err
}

// cardTag is a GOV.UK tag on a card or a group, written byte for byte as
// templ writes
//
//	<strong class={ "govuk-tag " + modifier } data-testid={ testID }>{ text }</strong>
//
// (class "govuk-tag" alone when modifier is empty)
// without templ's class processing (a map, slices, a builder and a
// fmt.Sprint for every class attribute); a list of 50 cards has a
// hundred of them. With space, a space comes first, as templ writes
// between an element and the tag on the next line.
type cardTag struct {
	space                  bool
	modifier, testID, text string
}

func tagOf(modifier, testID, text string) cardTag {
	return cardTag{modifier: modifier, testID: testID, text: text}
}

// Render writes the tag.
func (t cardTag) Render(_ context.Context, w io.Writer) error {
	parts := [...]string{"", `<strong class="govuk-tag`, "", "", `" data-testid="`, html.EscapeString(t.testID), `">`,
		html.EscapeString(t.text), `</strong>`}
	if t.modifier != "" {
		parts[2], parts[3] = " ", html.EscapeString(t.modifier)
	}
	if t.space {
		parts[0] = " "
	}
	for _, p := range parts {
		if _, err := io.WriteString(w, p); err != nil {
			return err
		}
	}
	return nil
}
