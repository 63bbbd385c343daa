package govuk

import "github.com/a-h/templ"

// LabelOptions mirrors govukLabel.
type LabelOptions struct {
	Text          string
	HTML          templ.Component
	For           string
	IsPageHeading bool
	Classes       string
	Attributes    templ.Attributes
}

// HintOptions mirrors govukHint.
type HintOptions struct {
	ID         string
	Text       string
	HTML       templ.Component
	Classes    string
	Attributes templ.Attributes
}

// ErrorMessageOptions mirrors govukErrorMessage.
type ErrorMessageOptions struct {
	ID   string
	Text string
	HTML templ.Component
	// VisuallyHiddenText is the hidden prefix; nil means "Error" and a
	// pointer to "" means no prefix.
	VisuallyHiddenText *string
	Classes            string
	Attributes         templ.Attributes
}

// LegendOptions mirrors the fieldset macro's legend option.
type LegendOptions struct {
	Text          string
	HTML          templ.Component
	Classes       string
	IsPageHeading bool
}

// FieldsetOptions mirrors govukFieldset. Content is HTML, followed by any
// templ children (the Nunjucks `caller`).
type FieldsetOptions struct {
	DescribedBy string
	Legend      *LegendOptions
	Role        string
	Classes     string
	Attributes  templ.Attributes
	HTML        templ.Component
}

// FormGroupOptions is the formGroup option of single-control components
// (input, textarea, select, character count).
type FormGroupOptions struct {
	Classes     string
	Attributes  templ.Attributes
	BeforeInput *Content
	AfterInput  *Content
}

// GroupFormGroupOptions is the formGroup option of components with several
// controls (radios, checkboxes, date input).
type GroupFormGroupOptions struct {
	Classes      string
	Attributes   templ.Attributes
	BeforeInputs *Content
	AfterInputs  *Content
}

// InputAffixOptions is the prefix or suffix of an input.
type InputAffixOptions struct {
	Text       string
	HTML       templ.Component
	Classes    string
	Attributes templ.Attributes
}

// InputWrapperOptions is the inputWrapper option of govukInput.
type InputWrapperOptions struct {
	Classes    string
	Attributes templ.Attributes
}

// InputOptions mirrors govukInput.
type InputOptions struct {
	ID             string
	Name           string
	Type           string // default "text"
	Inputmode      string
	Value          string
	Disabled       bool
	DescribedBy    string
	Label          LabelOptions
	Hint           *HintOptions
	ErrorMessage   *ErrorMessageOptions
	Prefix         *InputAffixOptions
	Suffix         *InputAffixOptions
	FormGroup      FormGroupOptions
	InputWrapper   InputWrapperOptions
	Classes        string
	Autocomplete   string
	Autocapitalize string
	Pattern        string
	Spellcheck     *bool
	Attributes     templ.Attributes
}

// TextareaOptions mirrors govukTextarea.
type TextareaOptions struct {
	ID           string
	Name         string
	Rows         int // default 5
	Value        string
	Disabled     bool
	DescribedBy  string
	Label        LabelOptions
	Hint         *HintOptions
	ErrorMessage *ErrorMessageOptions
	FormGroup    FormGroupOptions
	Classes      string
	Autocomplete string
	Spellcheck   *bool
	Attributes   templ.Attributes
}

// CountMessageOptions is the countMessage option of govukCharacterCount.
type CountMessageOptions struct {
	Classes string
}

// CharacterCountOptions mirrors govukCharacterCount. The plural message
// options map CLDR plural rules ("one", "other", …) to messages.
type CharacterCountOptions struct {
	ID                       string
	Name                     string
	Rows                     int
	Value                    string
	MaxLength                int
	MaxWords                 int
	Threshold                int
	CountType                string
	Label                    LabelOptions
	Hint                     *HintOptions
	ErrorMessage             *ErrorMessageOptions
	FormGroup                FormGroupOptions
	Classes                  string
	Attributes               templ.Attributes
	Spellcheck               *bool
	CountMessage             CountMessageOptions
	TextareaDescriptionText  string
	CharactersUnderLimitText map[string]string
	CharactersAtLimitText    string
	CharactersOverLimitText  map[string]string
	WordsUnderLimitText      map[string]string
	WordsAtLimitText         string
	WordsOverLimitText       map[string]string
}

// SelectItem is one option of govukSelect.
type SelectItem struct {
	Value string
	// NoValue leaves out the value attribute, so the option's text is its
	// value (Nunjucks: value undefined).
	NoValue bool
	Text    string
	// Selected overrides matching on SelectOptions.Value when not nil.
	Selected   *bool
	Disabled   bool
	Attributes templ.Attributes
}

// SelectOptions mirrors govukSelect.
type SelectOptions struct {
	ID           string
	Name         string
	Items        []SelectItem
	Value        string
	Disabled     bool
	DescribedBy  string
	Label        LabelOptions
	Hint         *HintOptions
	ErrorMessage *ErrorMessageOptions
	FormGroup    FormGroupOptions
	Classes      string
	Attributes   templ.Attributes
}

// ItemLabelOptions is the label option of a radios or checkboxes item.
type ItemLabelOptions struct {
	Classes    string
	Attributes templ.Attributes
}

// RadiosItem is one item of govukRadios. An item with Divider set renders
// only the divider.
type RadiosItem struct {
	Text  string
	HTML  templ.Component
	Value string
	ID    string
	Label ItemLabelOptions
	Hint  *HintOptions
	// Divider is the divider text (for example "or").
	Divider string
	// Checked overrides matching on RadiosOptions.Value when not nil.
	Checked *bool
	// Conditional is revealed when the item is checked.
	Conditional templ.Component
	Disabled    bool
	Attributes  templ.Attributes
}

// RadiosOptions mirrors govukRadios.
type RadiosOptions struct {
	Name         string
	IDPrefix     string
	Value        string
	Items        []RadiosItem
	Fieldset     *FieldsetOptions
	Hint         *HintOptions
	ErrorMessage *ErrorMessageOptions
	FormGroup    GroupFormGroupOptions
	Classes      string
	Attributes   templ.Attributes
	// RevealAlways shows every item's Conditional content whether or not
	// the item is checked, as govuk-frontend does without JavaScript, and
	// leaves the reveal script out of it. Not in govukRadios: the script
	// marks the radios aria-expanded, which ARIA does not allow on a
	// radio (axe's aria-allowed-attr fails the page).
	RevealAlways bool
}

// CheckboxesItem is one item of govukCheckboxes. Behaviour "exclusive"
// makes a "none of these" item that unchecks the others.
type CheckboxesItem struct {
	Text        string
	HTML        templ.Component
	Value       string
	Name        string
	ID          string
	Label       ItemLabelOptions
	Hint        *HintOptions
	Divider     string
	Checked     *bool
	Conditional templ.Component
	Behaviour   string
	Disabled    bool
	Attributes  templ.Attributes
}

// CheckboxesOptions mirrors govukCheckboxes.
type CheckboxesOptions struct {
	Name         string
	IDPrefix     string
	Values       []string
	DescribedBy  string
	Items        []CheckboxesItem
	Fieldset     *FieldsetOptions
	Hint         *HintOptions
	ErrorMessage *ErrorMessageOptions
	FormGroup    GroupFormGroupOptions
	Classes      string
	Attributes   templ.Attributes
}

// DateInputItem is one field of govukDateInput (an entry of items, or the
// day, month and year options).
type DateInputItem struct {
	ID           string
	Name         string
	Label        string
	Value        string
	Autocomplete string
	Pattern      string
	Inputmode    string
	Classes      string
	// Error marks the field as in error; a pointer to false keeps the
	// error styling off when the component has an error message.
	Error      *bool
	Attributes templ.Attributes
	// Omit leaves this field out (Nunjucks: day/month/year: false).
	Omit bool
}

// DateInputOptions mirrors govukDateInput.
type DateInputOptions struct {
	ID         string
	NamePrefix string
	// Items replaces the default day, month and year fields when not empty.
	Items []DateInputItem
	Day   *DateInputItem
	Month *DateInputItem
	Year  *DateInputItem
	// Values holds the fields' values by (prefixed) name, for example
	// {"day": "31"} or with NamePrefix "dob", {"dob-day": "31"}.
	Values       map[string]string
	Hint         *HintOptions
	ErrorMessage *ErrorMessageOptions
	FormGroup    GroupFormGroupOptions
	Fieldset     *FieldsetOptions
	Classes      string
	Attributes   templ.Attributes
}
