package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// Status is the one mapping from an error to a status, for every audience.
func TestStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"invalid", moves.Errorf(moves.Invalid, "x"), http.StatusUnprocessableEntity},
		{"not found", moves.Errorf(moves.NotFound, "x"), http.StatusNotFound},
		{"conflict", moves.Errorf(moves.Conflict, "x"), http.StatusConflict},
		{"forbidden", moves.Errorf(moves.Forbidden, "x"), http.StatusForbidden},
		{"unauthorized", moves.Errorf(moves.Unauthorized, "x"), http.StatusUnauthorized},
		{"csrf", ErrCSRF, http.StatusForbidden},
		{"wrapped csrf", fmt.Errorf("form: %w", ErrCSRF), http.StatusForbidden},
		{"echo's own", echo.NewHTTPError(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge},
		{"canceled", fmt.Errorf("query: %w", context.Canceled), 499},
		{"anything else", errors.New("disk full"), http.StatusInternalServerError},
	}
	for _, tc := range tests {
		if got := Status(tc.err); got != tc.want {
			t.Errorf("%s: Status = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// Loggable keeps what a client sent short and printable.
func TestLoggable(t *testing.T) {
	long := make([]byte, 100)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct{ in, want string }{
		{"client-1", "client-1"},
		{"a b\nc\x00é", "a?b?c??"},
		{string(long), string(long[:64])},
	}
	for _, tc := range tests {
		if got := Loggable(tc.in); got != tc.want {
			t.Errorf("Loggable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
