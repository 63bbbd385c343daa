package views

import "github.com/securemove/securemove/views/govuk"

// Input describes a text input.
type Input struct {
	ID           string
	Name         string
	Label        string
	Hint         string
	Value        string
	Type         string
	Classes      string
	Autocomplete string
	Spellcheck   *bool
}

// textInputOptions turns an Input and the page's errors into the GOV.UK
// input's options.
func textInputOptions(in Input, errs Errors) govuk.InputOptions {
	o := govuk.InputOptions{ID: in.ID, Name: in.Name, Type: in.Type, Value: in.Value, Classes: in.Classes,
		Autocomplete: in.Autocomplete, Spellcheck: in.Spellcheck, Label: govuk.LabelOptions{Text: in.Label}}
	if in.Hint != "" {
		o.Hint = &govuk.HintOptions{Text: in.Hint}
	}
	if msg := errs.For(in.ID); msg != "" {
		o.ErrorMessage = &govuk.ErrorMessageOptions{Text: msg}
	}
	return o
}

// errorItems are a page's errors as the GOV.UK error summary lists them,
// each linking to its field.
func errorItems(errs Errors) []govuk.ErrorItem {
	out := make([]govuk.ErrorItem, 0, len(errs))
	for _, e := range errs {
		out = append(out, govuk.ErrorItem{Text: e.Message, Href: "#" + e.ID})
	}
	return out
}

// False is a handy pointer for Input.Spellcheck.
var False = new(bool)

// errID is the id of a field's error message, or "" when it has none.
func errID(id string, errs Errors) string {
	if errs.For(id) == "" {
		return ""
	}
	return id + "-error"
}
