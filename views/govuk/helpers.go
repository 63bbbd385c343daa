// Package govuk renders GOV.UK Design System components (GOV.UK Frontend
// v6.6.0 markup) as templ components.
//
// Each component takes one options struct that mirrors the options of the
// component's Nunjucks macro, so that GOV.UK Frontend's published fixtures
// can drive the tests (see fixtures_test.go). Conventions:
//
//   - An option that takes either `text` or `html` is modelled as
//     `Text string` plus `HTML templ.Component`; HTML wins when both are set.
//     Use templ.Raw for a trusted HTML string, or any templ component.
//   - `attributes` is templ.Attributes; `classes` is a space separated string.
//   - Optional nested objects whose mere presence changes the markup
//     (hint, errorMessage, fieldset, …) are pointers: nil means "not given".
//   - Options whose "not given" state differs from false or "" are pointers
//     (*bool, *string); use Bool and String to fill them in.
//   - Ids are derived exactly as the Nunjucks macros derive them (for
//     example radios items get idPrefix, idPrefix-2, idPrefix-3, … and
//     hints and error messages get <id>-hint and <id>-error).
package govuk

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Bool returns a pointer to b, for the tri-state options (*bool).
func Bool(b bool) *bool { return &b }

// String returns a pointer to s, for options where "" differs from not given.
func String(s string) *string { return &s }

// Content is text or HTML for options that take `{ text, html }`.
type Content struct {
	Text string
	HTML templ.Component
}

func (c *Content) present() bool {
	return c != nil && (c.HTML != nil || c.Text != "")
}

// cls joins class names, leaving out empty ones.
func cls(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// joinIDs joins ids for aria-describedby, leaving out empty ones.
func joinIDs(ids ...string) string { return cls(ids...) }

func ifThen(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }

// boolAttr renders a tri-state bool the way Nunjucks prints a boolean.
func boolAttr(b *bool) string {
	if b != nil && *b {
		return "true"
	}
	return "false"
}

// textOrHTML renders html when given, otherwise text (escaped).
func textOrHTML(text string, html templ.Component) templ.Component {
	if html != nil {
		return html
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, templ.EscapeString(text))
		return err
	})
}

// hasContent reports whether a text/html option pair is set.
func hasContent(text string, html templ.Component) bool {
	return html != nil || text != ""
}

// headingTag returns "hN" for a heading level, falling back to def.
func headingTag(level, def int) string {
	if level < 1 || level > 6 {
		level = def
	}
	return "h" + strconv.Itoa(level)
}

// element renders <tag attrs>children</tag> for tags chosen at run time
// (headings whose level is an option).
func element(tag string, attrs templ.Attributes, children templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, "<"+tag); err != nil {
			return err
		}
		if err := templ.RenderAttributes(ctx, w, attrs); err != nil {
			return err
		}
		if _, err := io.WriteString(w, ">"); err != nil {
			return err
		}
		if children != nil {
			if err := children.Render(ctx, w); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "</"+tag+">")
		return err
	})
}
