package moves

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error so that one place (web's error handler and the
// API's error writer) can map it to an HTTP status. Users never see the raw
// text of an internal error; they see the message of a coded one.
type Code int

const (
	// Internal is anything unexpected: logged, and shown as a generic page.
	Internal Code = iota
	// Invalid input: 422 with field errors.
	Invalid
	// NotFound: 404. Also used for things a user may not see.
	NotFound
	// Conflict: 409, such as a change that lost a race or a duplicate move.
	Conflict
	// Forbidden: 403, an action the user's role does not allow.
	Forbidden
	// Unauthorized: 401, no or bad credentials.
	Unauthorized
)

func (c Code) String() string {
	switch c {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Unauthorized:
		return "unauthorized"
	}
	return "internal"
}

// FieldError names one field and what is wrong with it. Field is the name a
// client sent (a detail key such as "rejection_reason", or an attribute such
// as "occurred_at"); Message is a sentence a person can act on.
type FieldError struct {
	Field   string
	Message string
	// Code is a short machine-readable reason, such as "blank",
	// "inclusion", "invalid", "taken", "not_found".
	Code string
}

// FieldErrors is ordered: the GOV.UK error summary lists problems in the
// order of the fields on the page, and the API lists them as found.
type FieldErrors []FieldError

// Add appends an error for field.
func (fe *FieldErrors) Add(field, code, message string) {
	*fe = append(*fe, FieldError{Field: field, Code: code, Message: message})
}

// Has reports whether field has an error.
func (fe FieldErrors) Has(field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}

// For returns the first message for field, or "".
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Error is a coded error with a message fit to show a person.
type Error struct {
	Code    Code
	Message string
	Fields  FieldErrors
	// ExistingID is the id of the move a duplicate collides with.
	ExistingID string
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidFields builds an Invalid error from field errors.
func InvalidFields(fields FieldErrors) *Error {
	return &Error{Code: Invalid, Message: "The request is not valid", Fields: fields}
}

// ErrorCode returns the code of err, or Internal when err carries none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// AsError returns err's *Error, if it has one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
