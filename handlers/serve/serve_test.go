package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
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

// A borrowed CaptureWriter starts as a new one, whatever the one before
// it captured.
func TestBorrowedCaptureWriterStartsEmpty(t *testing.T) {
	for i := range 3 {
		h := http.Header{"X-Round": {fmt.Sprint(i)}}
		w := BorrowCaptureWriter(h)
		if w.WroteHeader || w.Status != 0 || w.Body.Len() != 0 {
			t.Fatalf("round %d: borrowed with status %d, header written %v, %d bytes", i, w.Status, w.WroteHeader, w.Body.Len())
		}
		if w.Header().Get("X-Round") != fmt.Sprint(i) {
			t.Fatalf("round %d: header %v", i, w.Header())
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(strings.Repeat("x", 1000*(i+1))))
		w.Release()
	}
}

// Pages rendered at once, into pooled buffers, each get their own bytes.
func TestRenderBuffersAreNotShared(t *testing.T) {
	e := echo.New()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				want := strings.Repeat(fmt.Sprintf("<p>%d.%d</p>", g, i), 200+g*50)
				rec := httptest.NewRecorder()
				c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
				comp := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
					_, err := io.WriteString(w, want)
					return err
				})
				if err := Render(c, http.StatusOK, comp); err != nil {
					errs <- err
					return
				}
				if rec.Body.String() != want {
					errs <- fmt.Errorf("goroutine %d, page %d: got %d bytes not its own", g, i, rec.Body.Len())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
