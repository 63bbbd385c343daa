package views

// FieldError is one problem with one field, for the error summary and the
// field itself. ID is the id of the input the summary links to.
type FieldError struct {
	ID      string
	Message string
}

// Errors is an ordered list of field errors: the error summary lists them
// in the order of the fields on the page.
type Errors []FieldError

// For returns the message for the field with id, or "".
func (e Errors) For(id string) string {
	for _, f := range e {
		if f.ID == id {
			return f.Message
		}
	}
	return ""
}

// FormGroupClass is the form group class, with the error modifier when the
// field has an error.
func (e Errors) FormGroupClass(id string) string {
	if e.For(id) != "" {
		return "govuk-form-group govuk-form-group--error"
	}
	return "govuk-form-group"
}

// Describedby joins the ids a field is described by, skipping empty ones.
func Describedby(ids ...string) string {
	out := ""
	for _, id := range ids {
		if id == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += id
	}
	return out
}
