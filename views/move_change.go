package views

// MoveDetailsForm changes a move's time due and additional information.
type MoveDetailsForm struct {
	MoveForm
	TimeDue string // HH:MM, London
	Notes   string
	// HasDate is false for a proposed move, which gets a time due once
	// it is approved for a date.
	HasDate  bool
	NotesMax int
}

// MoveFlagsForm changes the person's risk, health or court information
// for a move: the request journey's question, asked again.
type MoveFlagsForm struct {
	MoveForm
	Category string
	Flags    RequestFlags
}
