package govuk

import (
	"strings"

	"github.com/a-h/templ"
)

// fieldID is the id of a single-control component: id, falling back to name.
func fieldID(id, name string) string {
	if id != "" {
		return id
	}
	return name
}

// fieldDescribedBy composes aria-describedby as the macros do: the given
// describedBy, then the hint id, then the error message id.
func fieldDescribedBy(describedBy, id string, hasHint, hasError bool) string {
	return joinIDs(describedBy, ifThen(hasHint, id+"-hint"), ifThen(hasError, id+"-error"))
}

func errorPrefix(p *string) string {
	if p == nil {
		return "Error"
	}
	return *p
}

func hasAffix(a *InputAffixOptions) bool {
	return a != nil && hasContent(a.Text, a.HTML)
}

func textareaRows(rows int) int {
	if rows == 0 {
		return 5
	}
	return rows
}

func selectItemSelected(o SelectOptions, item SelectItem) bool {
	if item.Selected != nil {
		return *item.Selected
	}
	if o.Value == "" {
		return false
	}
	effective := item.Value
	if item.NoValue {
		effective = item.Text
	}
	return effective == o.Value
}

func characterCountType(o CharacterCountOptions) string {
	if o.CountType != "" {
		return o.CountType
	}
	if o.MaxWords != 0 {
		return "words"
	}
	return ""
}

// characterCountDescription is the text shown under the textarea before
// JavaScript runs: "You can enter up to N characters" (or words).
func characterCountDescription(o CharacterCountOptions) string {
	limit := o.MaxWords
	if limit == 0 {
		limit = o.MaxLength
	}
	if limit == 0 {
		return ""
	}
	text := o.TextareaDescriptionText
	if text == "" {
		unit := "characters"
		if characterCountType(o) == "words" {
			unit = "words"
		}
		text = "You can enter up to %{count} " + unit
	}
	return strings.ReplaceAll(text, "%{count}", itoa(limit))
}

func characterCountTextarea(o CharacterCountOptions) TextareaOptions {
	id := fieldID(o.ID, o.Name)
	attrs := templ.Attributes{"data-module": "govuk-character-count"}
	if o.MaxLength != 0 {
		attrs["data-maxlength"] = itoa(o.MaxLength)
	}
	if o.MaxWords != 0 {
		attrs["data-maxwords"] = itoa(o.MaxWords)
	}
	if o.Threshold != 0 {
		attrs["data-threshold"] = itoa(o.Threshold)
	}
	if t := characterCountType(o); t != "" {
		attrs["data-count-type"] = t
	}
	if o.MaxWords == 0 && o.MaxLength == 0 && o.TextareaDescriptionText != "" {
		attrs["data-i18n.textarea-description.other"] = o.TextareaDescriptionText
	}
	i18nPlural := func(key string, messages map[string]string) {
		for rule, message := range messages {
			attrs["data-i18n."+key+"."+rule] = message
		}
	}
	i18n := func(key, message string) {
		if message != "" {
			attrs["data-i18n."+key] = message
		}
	}
	i18nPlural("characters-under-limit", o.CharactersUnderLimitText)
	i18n("characters-at-limit", o.CharactersAtLimitText)
	i18nPlural("characters-over-limit", o.CharactersOverLimitText)
	i18nPlural("words-under-limit", o.WordsUnderLimitText)
	i18n("words-at-limit", o.WordsAtLimitText)
	i18nPlural("words-over-limit", o.WordsOverLimitText)
	for k, v := range o.FormGroup.Attributes {
		attrs[k] = v
	}
	label := o.Label
	label.For = id
	return TextareaOptions{
		ID:          id,
		Name:        o.Name,
		DescribedBy: id + "-info",
		Rows:        o.Rows,
		Spellcheck:  o.Spellcheck,
		Value:       o.Value,
		FormGroup: FormGroupOptions{
			Classes:     cls("govuk-character-count", o.FormGroup.Classes),
			Attributes:  attrs,
			BeforeInput: o.FormGroup.BeforeInput,
			AfterInput:  &Content{HTML: characterCountMessage(o)},
		},
		Classes:      cls("govuk-js-character-count", o.Classes),
		Label:        label,
		Hint:         o.Hint,
		ErrorMessage: o.ErrorMessage,
		Attributes:   o.Attributes,
	}
}

// choiceIDPrefix is idPrefix, falling back to name.
func choiceIDPrefix(idPrefix, name string) string {
	if idPrefix != "" {
		return idPrefix
	}
	return name
}

// choiceItemID is the id of the index'th item (1-based, dividers counted):
// the first item gets the bare prefix so error summaries can link to it.
func choiceItemID(explicit, prefix string, index int) string {
	if explicit != "" {
		return explicit
	}
	if index > 1 {
		return prefix + "-" + itoa(index)
	}
	return prefix
}

func itemHasHint(h *HintOptions) bool {
	return h != nil && hasContent(h.Text, h.HTML)
}

func checkedFrom(explicit *bool, matches func() bool) bool {
	if explicit != nil {
		return *explicit
	}
	return matches()
}

func radiosItemChecked(o RadiosOptions, item RadiosItem) bool {
	return checkedFrom(item.Checked, func() bool {
		return o.Value != "" && item.Value == o.Value
	})
}

func checkboxesItemChecked(o CheckboxesOptions, item CheckboxesItem) bool {
	return checkedFrom(item.Checked, func() bool {
		for _, v := range o.Values {
			if v == item.Value {
				return true
			}
		}
		return false
	})
}

// radiosDescribedBy is the fieldset's aria-describedby.
func radiosDescribedBy(o RadiosOptions) string {
	prefix := choiceIDPrefix(o.IDPrefix, o.Name)
	var base string
	if o.Fieldset != nil {
		base = o.Fieldset.DescribedBy
	}
	return joinIDs(base, ifThen(o.Hint != nil, prefix+"-hint"), ifThen(o.ErrorMessage != nil, prefix+"-error"))
}

func checkboxesDescribedBy(o CheckboxesOptions) string {
	prefix := choiceIDPrefix(o.IDPrefix, o.Name)
	base := o.DescribedBy
	if o.Fieldset != nil && o.Fieldset.DescribedBy != "" {
		base = o.Fieldset.DescribedBy
	}
	return joinIDs(base, ifThen(o.Hint != nil, prefix+"-hint"), ifThen(o.ErrorMessage != nil, prefix+"-error"))
}

// withFieldset wraps inner in the component's fieldset, when it has one.
func withFieldset(fs *FieldsetOptions, describedBy, role string, inner templ.Component) templ.Component {
	if fs == nil {
		return inner
	}
	return Fieldset(FieldsetOptions{
		DescribedBy: describedBy,
		Classes:     fs.Classes,
		Role:        role,
		Attributes:  fs.Attributes,
		Legend:      fs.Legend,
		HTML:        inner,
	})
}

func containsError(classes string) bool {
	return strings.Contains(classes, "govuk-input--error")
}

func dateInputFieldHasError(item DateInputItem) bool {
	return (item.Error != nil && *item.Error) || containsError(item.Classes)
}

// capitalize upper-cases the first letter and lower-cases the rest, like
// the Nunjucks filter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(strings.ToLower(s))
	r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	return string(r)
}

// dateInputFields resolves the fields of a date input the way the macro
// does: defaults for day, month and year, name and value look-ups, and
// error and width classes.
func dateInputFields(o DateInputOptions) []InputOptions {
	def := func(given *DateInputItem, name, width string) *DateInputItem {
		if given != nil {
			if given.Omit {
				return nil
			}
			return given
		}
		return &DateInputItem{Name: name, Value: o.Values[name], Classes: "govuk-input--width-" + width}
	}
	day := def(o.Day, "day", "2")
	month := def(o.Month, "month", "2")
	year := def(o.Year, "year", "4")

	type entry struct {
		item DateInputItem
		role *DateInputItem // the default field this entry is, if any
	}
	var entries []entry
	if len(o.Items) > 0 {
		for _, it := range o.Items {
			if it.Omit {
				continue
			}
			entries = append(entries, entry{item: it})
		}
	} else {
		for _, d := range []*DateInputItem{day, month, year} {
			if d != nil {
				entries = append(entries, entry{item: *d, role: d})
			}
		}
	}

	anyItemHasError := false
	for _, e := range entries {
		if dateInputFieldHasError(e.item) {
			anyItemHasError = true
		}
	}

	nameMatches := func(item DateInputItem, role string, field *DateInputItem) bool {
		if item.Name == "" {
			return false
		}
		return item.Name == role || (field != nil && field.Name != "" && item.Name == field.Name)
	}

	namePrefix := ""
	if o.NamePrefix != "" {
		namePrefix = o.NamePrefix + "-"
	}

	var out []InputOptions
	for _, e := range entries {
		item := e.item
		name := item.Name
		value := item.Value
		width := "2"
		fieldValue := func(field *DateInputItem) string {
			if value != "" {
				return value
			}
			if field != nil {
				return field.Value
			}
			return ""
		}
		switch {
		case (e.role != nil && e.role == day) || nameMatches(item, "day", day):
			name = orDefault(item.Name, "day")
			value = fieldValue(day)
		case (e.role != nil && e.role == month) || nameMatches(item, "month", month):
			name = orDefault(item.Name, "month")
			value = fieldValue(month)
		case (e.role != nil && e.role == year) || nameMatches(item, "year", year):
			name = orDefault(item.Name, "year")
			value = fieldValue(year)
			width = "4"
		}

		classes := ""
		explicitNoError := item.Error != nil && !*item.Error
		if !containsError(item.Classes) &&
			(dateInputFieldHasError(item) || (!explicitNoError && o.ErrorMessage != nil && !anyItemHasError)) {
			classes = cls(classes, "govuk-input--error")
		}
		if !strings.Contains(item.Classes, "govuk-input--width-") {
			classes = cls(classes, "govuk-input--width-"+width)
		}
		classes = cls(classes, item.Classes)

		label := item.Label
		if label == "" {
			label = capitalize(name)
		}
		id := item.ID
		if id == "" {
			id = o.ID + "-" + name
		}
		if value == "" {
			value = o.Values[namePrefix+name]
		}
		out = append(out, InputOptions{
			Label:        LabelOptions{Text: label, Classes: "govuk-date-input__label"},
			ID:           id,
			Classes:      cls("govuk-date-input__input", classes),
			Name:         namePrefix + name,
			Value:        value,
			Type:         "text",
			Inputmode:    orDefault(item.Inputmode, "numeric"),
			Autocomplete: item.Autocomplete,
			Pattern:      item.Pattern,
			Attributes:   item.Attributes,
		})
	}
	return out
}

func dateInputDescribedBy(o DateInputOptions) string {
	var base string
	if o.Fieldset != nil {
		base = o.Fieldset.DescribedBy
	}
	return joinIDs(base, ifThen(o.Hint != nil, o.ID+"-hint"), ifThen(o.ErrorMessage != nil, o.ID+"-error"))
}

// checkboxesItemDescribedBy: without a fieldset each input carries the
// group's aria-describedby, then its own hint.
func checkboxesItemDescribedBy(o CheckboxesOptions, item CheckboxesItem, id string) string {
	base := ""
	if o.Fieldset == nil {
		base = checkboxesDescribedBy(o)
	}
	return joinIDs(base, ifThen(itemHasHint(item.Hint), id+"-item-hint"))
}
