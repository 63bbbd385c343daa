// Package moves holds the pure rules of the service: statuses and the
// transitions between them, move types and the location rules of each, the
// move-event catalogue with every event type's details and validations, the
// replay of a move's event log, references, PNC numbers and the error codes
// the other layers map to HTTP statuses.
//
// It does no I/O and reads no clock: callers pass the time and the facts it
// needs (locations, the current state) in. Nothing in the project is imported
// from here.
package moves
