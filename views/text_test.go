package views

import (
	"bytes"
	"context"
	"testing"

	"github.com/a-h/templ"
)

// text and cardTag write what templ writes for { s } and for a tag's
// class={ } attribute, escaping included.
func TestTextAndCardTag(t *testing.T) {
	ctx := context.Background()
	render := func(c templ.Component) string {
		var b bytes.Buffer
		if err := c.Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	s := `O'Brien & <Sons> "Ltd"`
	if got, want := render(text(s)), templ.EscapeString(s); got != want {
		t.Errorf("text: %q, want %q", got, want)
	}
	for _, c := range []struct {
		tag  cardTag
		want string
	}{
		{tagOf("", "warning", s), `<strong class="govuk-tag" data-testid="warning">O&#39;Brien &amp; &lt;Sons&gt; &#34;Ltd&#34;</strong>`},
		{tagOf("govuk-tag--red", "warning", "Violent"), `<strong class="govuk-tag govuk-tag--red" data-testid="warning">Violent</strong>`},
		{cardTag{space: true, modifier: "govuk-tag--grey", testID: "move-status", text: "Requested"},
			` <strong class="govuk-tag govuk-tag--grey" data-testid="move-status">Requested</strong>`},
	} {
		if got := render(c.tag); got != c.want {
			t.Errorf("%+v: %s, want %s", c.tag, got, c.want)
		}
	}
}
