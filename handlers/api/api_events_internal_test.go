package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/store"
)

// POST /api/events' body is decoded before its unit of work waits for the
// store's single writer, errors included, and each run of the handler (a
// unit the writer runs again runs it again) gets its own copy of the
// event's details and relationships.
func TestEventDecodedBeforeTheUnit(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := &Handlers{Store: st}
	e := echo.New()
	var runs []decoded
	e.POST("/api/events", func(c echo.Context) error {
		d, ok := c.Get(decodedEventKey).(decoded)
		if !ok {
			t.Error("the handler ran without the event decoded before the unit")
			return c.NoContent(http.StatusNoContent)
		}
		for range 2 {
			ev, err := decodedEvent(c)
			if ev.Details != nil {
				ev.Details["changed_by_this_run"] = true
			}
			runs = append(runs, decoded{ev, err})
		}
		if d.e.Details["changed_by_this_run"] != nil {
			t.Error("a run of the handler changed the decoded event's details")
		}
		return c.NoContent(http.StatusNoContent)
	}, h.APIIdempotency)
	post := func(body string) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/events", strings.NewReader(body)))
		if rec.Code != http.StatusNoContent {
			t.Fatalf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	post(`{"data":{"type":"events","attributes":{"event_type":"MoveNotifyPremisesOfArrivalIn30Mins",` +
		`"occurred_at":"2026-11-23T09:00:00Z","recorded_at":"2026-11-23T09:00:00Z","details":{}},` +
		`"relationships":{"eventable":{"data":{"type":"moves","id":"m-1"}}}}}`)
	if len(runs) != 2 || runs[0].err != nil || runs[0].e.MoveID != "m-1" || runs[1].e.Details["changed_by_this_run"] != true ||
		len(runs[1].e.Details) != 1 {
		t.Fatalf("a valid event, decoded twice: %+v", runs)
	}
	runs = nil
	post(`{"data":{"type":"events","attributes":{}}}`)
	if len(runs) != 2 || runs[0].err == nil {
		t.Fatalf("an event without a type, decoded before the unit: %+v", runs)
	}
}
