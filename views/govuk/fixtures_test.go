package govuk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/a-h/templ"
)

// The fixtures in testdata/fixtures are GOV.UK Frontend's own
// (dist/govuk/components/<name>/fixtures.json of the govuk-frontend npm
// package, see testdata/fixtures/README.md). Each fixture pairs Nunjucks
// macro options with the HTML the macro renders. For every component we
// decode each fixture's options into the Go options struct, render the templ
// component and compare the HTML with the fixture's after normalisation
// (see canonicalHTML).

type fixtureFile struct {
	Component string    `json:"component"`
	Fixtures  []fixture `json:"fixtures"`
}

type fixture struct {
	Name    string          `json:"name"`
	Options json.RawMessage `json:"options"`
	HTML    string          `json:"html"`
	Hidden  bool            `json:"hidden"`
}

type renderFunc func(raw map[string]any) (templ.Component, error)

type componentCase struct {
	// file is the fixtures file name without .json (the component's name in
	// GOV.UK Frontend).
	file   string
	render renderFunc
	// skip lists fixtures the Go component does not reproduce, with why.
	skip map[string]string
}

// minPassRate is the share of a component's fixtures that must pass.
const minPassRate = 0.7

func simple[T any](component func(T) templ.Component) renderFunc {
	return func(raw map[string]any) (templ.Component, error) {
		var o T
		if err := decodeOptions(&o, raw); err != nil {
			return nil, err
		}
		return component(o), nil
	}
}

const (
	reasonFalsyItemIndex = "Nunjucks-only: falsy entries (null/false) in items still count in loop.index, " +
		"shifting later items' ids; a Go slice has no falsy entries"
)

var componentCases = []componentCase{
	{file: "back-link", render: simple(BackLink)},
	{file: "breadcrumbs", render: simple(Breadcrumbs)},
	{file: "button", render: simple(Button)},
	{file: "character-count", render: simple(CharacterCount)},
	{
		file:   "checkboxes",
		render: simple(Checkboxes),
		skip:   map[string]string{"with falsy values": reasonFalsyItemIndex},
	},
	{file: "date-input", render: renderDateInput},
	{file: "details", render: simple(Details)},
	{file: "error-message", render: simple(ErrorMessage)},
	{file: "error-summary", render: simple(ErrorSummary)},
	{file: "fieldset", render: simple(Fieldset)},
	{file: "footer", render: renderFooter},
	{file: "generic-header", render: simple(GenericHeader)},
	{file: "header", render: simple(Header)},
	{file: "hint", render: simple(Hint)},
	{file: "input", render: simple(Input)},
	{file: "inset-text", render: simple(InsetText)},
	{file: "label", render: simple(Label)},
	{file: "notification-banner", render: simple(NotificationBanner)},
	{file: "pagination", render: simple(Pagination)},
	{file: "panel", render: simple(Panel)},
	{
		file:   "radios",
		render: simple(Radios),
		skip:   map[string]string{"with falsy items": reasonFalsyItemIndex},
	},
	{file: "select", render: renderSelect},
	{file: "service-navigation", render: renderServiceNavigation},
	{file: "skip-link", render: simple(SkipLink)},
	{file: "summary-list", render: simple(SummaryList)},
	{file: "table", render: simple(Table)},
	{file: "tabs", render: simple(Tabs)},
	{file: "tag", render: simple(Tag)},
	{file: "textarea", render: simple(Textarea)},
	{file: "warning-text", render: simple(WarningText)},
}

// renderSelect: an item without a value key renders no value attribute.
func renderSelect(raw map[string]any) (templ.Component, error) {
	var o SelectOptions
	if err := decodeOptions(&o, raw); err != nil {
		return nil, err
	}
	for i, item := range truthyObjects(raw["items"]) {
		if _, ok := item["value"]; !ok {
			o.Items[i].NoValue = true
		}
	}
	return Select(o), nil
}

// renderDateInput: day, month or year false leaves that field out.
func renderDateInput(raw map[string]any) (templ.Component, error) {
	var o DateInputOptions
	if err := decodeOptions(&o, raw); err != nil {
		return nil, err
	}
	for key, field := range map[string]**DateInputItem{"day": &o.Day, "month": &o.Month, "year": &o.Year} {
		if v, ok := raw[key]; ok && v == false {
			*field = &DateInputItem{Omit: true}
		}
	}
	return DateInput(o), nil
}

// renderFooter: contentLicence null leaves the licence out.
func renderFooter(raw map[string]any) (templ.Component, error) {
	var o FooterOptions
	if err := decodeOptions(&o, raw); err != nil {
		return nil, err
	}
	if v, ok := raw["contentLicence"]; ok && v == nil {
		o.NoContentLicence = true
	}
	return Footer(o), nil
}

// renderServiceNavigation: slots.end is either HTML or { html, align }.
func renderServiceNavigation(raw map[string]any) (templ.Component, error) {
	align := ""
	if slots, ok := raw["slots"].(map[string]any); ok {
		if end, ok := slots["end"].(map[string]any); ok {
			align, _ = end["align"].(string)
			slots["end"] = end["html"]
		}
	}
	var o ServiceNavigationOptions
	if err := decodeOptions(&o, raw); err != nil {
		return nil, err
	}
	o.Slots.EndAlign = align
	return ServiceNavigation(o), nil
}

func loadFixtures(t *testing.T, name string) fixtureFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "fixtures", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func decodeRawOptions(f fixture) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(f.Options))
	dec.UseNumber()
	raw := map[string]any{}
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// checkFixture renders one fixture and compares it with the expected HTML.
func checkFixture(c componentCase, f fixture) error {
	raw, err := decodeRawOptions(f)
	if err != nil {
		return fmt.Errorf("decoding options: %w", err)
	}
	component, err := c.render(raw)
	if err != nil {
		return fmt.Errorf("mapping options: %w", err)
	}
	var buf bytes.Buffer
	if err := component.Render(context.Background(), &buf); err != nil {
		return fmt.Errorf("rendering: %w", err)
	}
	want, err := canonicalHTML(f.HTML)
	if err != nil {
		return fmt.Errorf("parsing fixture html: %w", err)
	}
	got, err := canonicalHTML(buf.String())
	if err != nil {
		return fmt.Errorf("parsing rendered html: %w", err)
	}
	if want != got {
		return fmt.Errorf("HTML differs at %s\nrendered:\n%s", firstDifference(want, got), buf.String())
	}
	return nil
}

func TestFixtures(t *testing.T) {
	for _, c := range componentCases {
		t.Run(c.file, func(t *testing.T) {
			file := loadFixtures(t, c.file)
			passed, skipped := 0, 0
			for _, f := range file.Fixtures {
				err := checkFixture(c, f)
				if reason, ok := c.skip[f.Name]; ok {
					skipped++
					if err == nil {
						t.Errorf("fixture %q passes but is in the skip list (%s): remove it from the list", f.Name, reason)
					}
					continue
				}
				if err != nil {
					t.Errorf("fixture %q: %v", f.Name, err)
					continue
				}
				passed++
			}
			total := len(file.Fixtures)
			t.Logf("%s: %d/%d fixtures pass, %d skipped", c.file, passed, total, skipped)
			if total == 0 {
				t.Fatalf("no fixtures in %s", c.file)
			}
			if rate := float64(passed) / float64(total); rate < minPassRate {
				t.Errorf("only %.0f%% of %s fixtures pass; want at least %.0f%%", rate*100, c.file, minPassRate*100)
			}
		})
	}
}

// TestFixtureSkipListsNameRealFixtures keeps the skip lists honest: every
// entry must name a fixture that exists.
func TestFixtureSkipListsNameRealFixtures(t *testing.T) {
	for _, c := range componentCases {
		file := loadFixtures(t, c.file)
		names := map[string]bool{}
		for _, f := range file.Fixtures {
			names[f.Name] = true
		}
		for name, reason := range c.skip {
			if reason == "" {
				t.Errorf("%s: skip entry %q has no reason", c.file, name)
			}
			if !names[name] {
				t.Errorf("%s: skip list names fixture %q, which does not exist", c.file, name)
			}
		}
	}
}

// TestEveryFixtureFileIsTested guards against a fixtures file that no case
// reads.
func TestEveryFixtureFileIsTested(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fixtures", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, c := range componentCases {
		tested[c.file] = true
	}
	for _, f := range files {
		name := filepath.Base(f)
		name = name[:len(name)-len(".json")]
		if !tested[name] {
			t.Errorf("testdata/fixtures/%s.json is not tested", name)
		}
	}
}
