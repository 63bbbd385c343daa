package views

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

func (in Input) inputType() string {
	if in.Type == "" {
		return "text"
	}
	return in.Type
}

func (in Input) hintID() string {
	if in.Hint == "" {
		return ""
	}
	return in.ID + "-hint"
}

func errID(id string, errs Errors) string {
	if errs.For(id) == "" {
		return ""
	}
	return id + "-error"
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// False is a handy pointer for Input.Spellcheck.
var False = new(bool)
