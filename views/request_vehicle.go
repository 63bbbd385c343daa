package views

// RequestInterruption stops a journey to tell the user something they
// must act on, then lets them go on.
type RequestInterruption struct {
	Page     Page
	Heading  string
	Lines    []string
	Continue string
}
