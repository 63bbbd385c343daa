package views

// The request journey's questions about a type of move's own details: the
// date of arrest for a recall, the reason for a transfer, the flight of an
// extradition.

// RequestDateQuestion asks for one date in a GOV.UK date input whose
// legend is the page's heading.
type RequestDateQuestion struct {
	Page     Page
	Action   string
	Prefix   string // the fields are Prefix-day, -month and -year
	Question string
	Hint     string
	Date     RequestDateParts
	Errors   Errors
}

// RequestChoice asks one question answered by one of a list of radios.
type RequestChoice struct {
	Page     Page
	Action   string
	Name     string
	Question string
	Hint     string
	Options  []RequestOption
	Value    string
	Errors   Errors
}

// RequestFlight asks for an extradition flight: its number, date and time.
type RequestFlight struct {
	Page   Page
	Action string
	Number string
	Date   RequestDateParts
	Time   string
	Errors Errors
}
