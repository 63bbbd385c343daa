package views

// RequestInterruption stops a journey to tell the user something they
// must act on, then lets them go on.
type RequestInterruption struct {
	Page     Page
	Heading  string
	Lines    []string
	Continue string
}

// RequestYesNo is a journey's yes or no question.
type RequestYesNo struct {
	Page     Page
	Action   string
	Name     string
	Question string
	Hint     string
	Value    string
	Errors   Errors
}
