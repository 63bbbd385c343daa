package moves

import (
	"testing"
	"time"
)

const (
	lpr = LodgingProposed
	lst = LodgingStarted
	lco = LodgingCompleted
	lca = LodgingCancelled
)

func TestLodgingTransitionEveryStatusEveryEvent(t *testing.T) {
	want := map[EventType]map[LodgingStatus]LodgingStatus{
		EventMoveLodgingStart: {lpr: lst},
		EventMoveLodgingEnd:   {lst: lco},
		EventLodgingCancel:    {lpr: lca},
		EventLodgingCreate:    {},
		EventLodgingUpdate:    {},
		EventMoveStart:        {},
	}
	for et, row := range want {
		for _, s := range LodgingStatuses {
			to, ok := LodgingTransition(s, et)
			wantTo, wantOK := row[s]
			if !wantOK {
				wantTo = s
			}
			if ok != wantOK || to != wantTo {
				t.Errorf("LodgingTransition(%s, %s) = %s, %v; want %s, %v", s, et, to, ok, wantTo, wantOK)
			}
		}
	}
	for _, s := range LodgingStatuses {
		if !s.Valid() || s.Label() == "" || LodgingStatusLabels[string(s)] == "" {
			t.Errorf("%s: no label", s)
		}
	}
	for _, r := range LodgingCancellationReasons {
		if LodgingCancellationReasonLabels[r] == "" {
			t.Errorf("reason %s: no label", r)
		}
	}
}

var lodgeMove = Move{ID: "move-1", FromID: "court-1", ToID: "prison-1", Date: "2026-03-02"}

func TestValidateNewLodging(t *testing.T) {
	existing := []Lodging{
		{ID: "l-1", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-03", Status: lpr},
		{ID: "l-2", LocationID: "police-1", StartDate: "2026-03-05", EndDate: "2026-03-06", Status: lca},
	}
	tests := []struct {
		name  string
		nl    NewLodging
		field string
		code  string
	}{
		{"valid", NewLodging{LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-04"}, "", ""},
		{"same dates as a cancelled one", NewLodging{LocationID: "police-2", StartDate: "2026-03-05", EndDate: "2026-03-06"}, "", ""},
		{"no location", NewLodging{StartDate: "2026-03-03", EndDate: "2026-03-04"}, "location", "blank"},
		{"unknown location", NewLodging{LocationID: "x", StartDate: "2026-03-03", EndDate: "2026-03-04"}, "location", "not_found"},
		{"closed location", NewLodging{LocationID: "court-closed", StartDate: "2026-03-03", EndDate: "2026-03-04"}, "location", "invalid"},
		{"the move's destination", NewLodging{LocationID: "prison-1", StartDate: "2026-03-03", EndDate: "2026-03-04"}, "location", "invalid"},
		{"the move's start", NewLodging{LocationID: "court-1", StartDate: "2026-03-03", EndDate: "2026-03-04"}, "location", "invalid"},
		{"no start", NewLodging{LocationID: "police-2", EndDate: "2026-03-04"}, "start_date", "blank"},
		{"bad end", NewLodging{LocationID: "police-2", StartDate: "2026-03-03", EndDate: "4 March"}, "end_date", "invalid"},
		{"end on start", NewLodging{LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-03"}, "end_date", "invalid"},
		{"end before start", NewLodging{LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-01"}, "end_date", "invalid"},
		{"dates taken", NewLodging{LocationID: "police-2", StartDate: "2026-03-02", EndDate: "2026-03-03"}, "start_date", "taken"},
	}
	for _, tt := range tests {
		l, err := ValidateNewLodging(lodgeMove, tt.nl, existing, world())
		if tt.field == "" {
			if err != nil || l.Status != lpr || l.MoveID != "move-1" || l.StartDate != tt.nl.StartDate || l.Nights() < 1 {
				t.Errorf("%s: %+v, %v", tt.name, l, err)
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || e.Code != Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Code != tt.code {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestLodgingCreateEventValid(t *testing.T) {
	l := Lodging{ID: "l-1", MoveID: "move-1", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-04"}
	e := LodgingCreateEvent(l, t0)
	if fe := ValidateLodgingEvent(e, world()); len(fe) > 0 {
		t.Errorf("refused: %+v", fe)
	}
	if e.LodgingID != "l-1" || e.MoveID != "move-1" || e.Rels["location"] != "police-1" || e.Str("end_date") != "2026-03-04" {
		t.Errorf("event %+v", e)
	}
	if l.Nights() != 2 {
		t.Errorf("nights %d", l.Nights())
	}
}

func TestValidateLodgingEvent(t *testing.T) {
	base := func(t EventType) Event {
		e := Event{Type: t, LodgingID: "l-1", MoveID: "move-1", OccurredAt: t0, RecordedAt: t0, Details: map[string]any{}, Rels: map[string]string{}}
		switch t {
		case EventLodgingCreate:
			e.Details["start_date"], e.Details["end_date"] = "2026-03-02", "2026-03-03"
			e.Rels["location"] = "police-1"
		case EventLodgingUpdate:
			e.Details["old_end_date"], e.Details["end_date"] = "2026-03-03", "2026-03-04"
		case EventLodgingCancel:
			e.Details["start_date"], e.Details["end_date"] = "2026-03-02", "2026-03-03"
			e.Details["cancellation_reason"] = "made_in_error"
			e.Rels["location"] = "police-1"
		}
		return e
	}
	for _, sp := range LodgingCatalogue() {
		if fe := ValidateLodgingEvent(base(sp.Type), world()); len(fe) > 0 {
			t.Errorf("%s refused: %+v", sp.Type, fe)
		}
		if sub, _ := SubjectOf(sp.Type); sub != SubjectLodging {
			t.Errorf("%s: subject %s", sp.Type, sub)
		}
	}
	tests := []struct {
		et    EventType
		name  string
		apply func(*Event)
		field string
		code  string
	}{
		{EventLodgingCreate, "no start", dropDetail("start_date"), "start_date", "blank"},
		{EventLodgingCreate, "bad end", setDetail("end_date", "tomorrow"), "end_date", "invalid"},
		{EventLodgingCreate, "no location", dropRel("location"), "location", "blank"},
		{EventLodgingUpdate, "new end without old", dropDetail("old_end_date"), "old_end_date", "blank"},
		{EventLodgingUpdate, "new start without old", setDetail("start_date", "2026-03-02"), "old_start_date", "blank"},
		{EventLodgingUpdate, "new location without old", setRel("location", "police-2"), "old_location", "blank"},
		{EventLodgingUpdate, "nothing", func(e *Event) { e.Details = map[string]any{} }, "start_date", "blank"},
		{EventLodgingUpdate, "unknown location", func(e *Event) { e.Rels["location"], e.Rels["old_location"] = "x", "police-1" }, "location", "not_found"},
		{EventLodgingCancel, "no reason", dropDetail("cancellation_reason"), "cancellation_reason", "blank"},
		{EventLodgingCancel, "unknown reason", setDetail("cancellation_reason", "bored"), "cancellation_reason", "inclusion"},
	}
	for _, tt := range tests {
		e := base(tt.et)
		tt.apply(&e)
		fe := ValidateLodgingEvent(e, world())
		if len(fe) != 1 || fe[0].Field != tt.field || fe[0].Code != tt.code {
			t.Errorf("%s %s: %+v", tt.et, tt.name, fe)
		}
	}
	if fe := ValidateLodgingEvent(validEvent(EventMoveAccept), world()); len(fe) != 1 || fe[0].Code != "invalid" {
		t.Errorf("a move event as a lodging's: %+v", fe)
	}
}

func TestUpdateLodgingShiftsLaterLodgings(t *testing.T) {
	lodgings := func() []Lodging {
		return []Lodging{
			{ID: "a", MoveID: "move-1", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-03", Status: lpr},
			{ID: "c", MoveID: "move-1", LocationID: "police-2", StartDate: "2026-03-05", EndDate: "2026-03-06", Status: lpr},
			{ID: "b", MoveID: "move-1", LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-04", Status: lpr},
			{ID: "x", MoveID: "move-1", LocationID: "police-2", StartDate: "2026-03-07", EndDate: "2026-03-08", Status: lca},
			{ID: "early", MoveID: "move-1", LocationID: "police-2", StartDate: "2026-03-01", EndDate: "2026-03-02", Status: lco},
			{ID: "early0", MoveID: "move-1", LocationID: "yoi-1", StartDate: "2026-02-28", EndDate: "2026-03-01", Status: lpr},
		}
	}
	type after struct{ start, end string }
	tests := []struct {
		name    string
		id      string
		c       LodgingChanges
		want    map[string]after // id → dates after, in order of changes
		order   []string
		errCode Code
		field   string
	}{
		{name: "two nights longer moves later ones two days", id: "a", c: LodgingChanges{EndDate: "2026-03-05"},
			want:  map[string]after{"a": {"2026-03-02", "2026-03-05"}, "b": {"2026-03-05", "2026-03-06"}, "c": {"2026-03-07", "2026-03-08"}},
			order: []string{"a", "c", "b"}},
		{name: "the last one longer moves nothing else", id: "c", c: LodgingChanges{EndDate: "2026-03-07"},
			want: map[string]after{"c": {"2026-03-05", "2026-03-07"}}, order: []string{"c"}},
		{name: "asking for what it is changes nothing", id: "b", c: LodgingChanges{StartDate: "2026-03-03", EndDate: "2026-03-04"},
			want: nil, order: nil},
		{name: "a shorter stay", id: "a", c: LodgingChanges{StartDate: "2026-03-02", EndDate: "2026-03-03", LocationID: "police-2"},
			want: map[string]after{"a": {"2026-03-02", "2026-03-03"}}, order: []string{"a"}},
		{name: "same start, later end by moving both", id: "b", c: LodgingChanges{StartDate: "2026-03-04", EndDate: "2026-03-05"},
			want: map[string]after{"b": {"2026-03-04", "2026-03-05"}, "c": {"2026-03-06", "2026-03-07"}}, order: []string{"b", "c"}},
		{name: "three later ones, written latest first", id: "early0", c: LodgingChanges{EndDate: "2026-03-02"},
			want:  map[string]after{"early0": {"2026-02-28", "2026-03-02"}, "a": {"2026-03-03", "2026-03-04"}, "b": {"2026-03-04", "2026-03-05"}, "c": {"2026-03-06", "2026-03-07"}},
			order: []string{"early0", "c", "b", "a"}},
		{name: "end before start", id: "a", c: LodgingChanges{EndDate: "2026-03-01"}, errCode: Invalid, field: "end_date"},
		{name: "closed place", id: "a", c: LodgingChanges{LocationID: "court-closed"}, errCode: Invalid, field: "location"},
		{name: "dates of another", id: "a", c: LodgingChanges{StartDate: "2026-03-05", EndDate: "2026-03-06"}, errCode: Invalid, field: "start_date"},
		{name: "unknown lodging", id: "nope", c: LodgingChanges{EndDate: "2026-03-09"}, errCode: NotFound},
		{name: "cancelled one", id: "x", c: LodgingChanges{EndDate: "2026-03-09"}, errCode: Conflict},
		{name: "completed one", id: "early", c: LodgingChanges{EndDate: "2026-03-03"}, errCode: Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UpdateLodging(lodgeMove, lodgings(), tt.id, tt.c, t0, world())
			if tt.errCode != Internal {
				e, ok := AsError(err)
				if !ok || e.Code != tt.errCode || (tt.field != "" && !e.Fields.Has(tt.field)) {
					t.Fatalf("err %v; want code %s on %q", err, tt.errCode, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "a shorter stay" {
				// Only the place changed; the dates are as they were.
				if len(got) != 1 || got[0].After.LocationID != "police-2" || got[0].Event.Rels["old_location"] != "police-1" || len(got[0].Event.Details) != 0 {
					t.Fatalf("changes %+v", got)
				}
				return
			}
			// Written in the order given, no two live lodgings ever share
			// their dates.
			current := lodgings()
			for _, c := range got {
				for k := range current {
					if current[k].ID == c.After.ID {
						current[k] = c.After
					}
				}
				seen := map[[2]string]string{}
				for _, l := range current {
					if l.Status == lca {
						continue
					}
					key := [2]string{l.StartDate, l.EndDate}
					if other, dup := seen[key]; dup {
						t.Errorf("after writing %s, %s and %s share %v", c.After.ID, other, l.ID, key)
					}
					seen[key] = l.ID
				}
			}
			if len(got) != len(tt.order) {
				t.Fatalf("%d changes; want %d: %+v", len(got), len(tt.order), got)
			}
			for i, c := range got {
				if c.After.ID != tt.order[i] || c.Before.ID != c.After.ID {
					t.Errorf("change %d is %s; want %s", i, c.After.ID, tt.order[i])
				}
				w := tt.want[c.After.ID]
				if c.After.StartDate != w.start || c.After.EndDate != w.end {
					t.Errorf("%s: %s–%s; want %s–%s", c.After.ID, c.After.StartDate, c.After.EndDate, w.start, w.end)
				}
				if fe := ValidateLodgingEvent(c.Event, world()); len(fe) > 0 {
					t.Errorf("%s: update event refused: %+v", c.After.ID, fe)
				}
				if c.Event.LodgingID != c.After.ID || c.Event.Str("old_end_date") != c.Before.EndDate {
					t.Errorf("%s: event %+v", c.After.ID, c.Event)
				}
			}
		})
	}
}

func TestUpdateStartedLodging(t *testing.T) {
	ls := []Lodging{
		{ID: "a", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-03", Status: lst},
		{ID: "b", LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-04", Status: lpr},
	}
	got, err := UpdateLodging(lodgeMove, ls, "a", LodgingChanges{EndDate: "2026-03-04"}, t0, world())
	if err != nil || len(got) != 2 || got[1].After.StartDate != "2026-03-04" || got[0].After.Status != lst {
		t.Fatalf("extend a started stay: %+v, %v", got, err)
	}
	for _, c := range []LodgingChanges{{StartDate: "2026-03-01"}, {LocationID: "police-2"}} {
		if _, err := UpdateLodging(lodgeMove, ls, "a", c, t0, world()); ErrorCode(err) != Conflict {
			t.Errorf("%+v on a started lodging: %v", c, err)
		}
	}
}

func TestCancelLodging(t *testing.T) {
	l := Lodging{ID: "l-1", MoveID: "move-1", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-03", Status: lpr}
	got, e, err := CancelLodging(l, "cancelled_by_pmu", " Not needed ", t0)
	if err != nil || got.Status != lca || got.CancellationReason != "cancelled_by_pmu" || got.CancellationComment != "Not needed" {
		t.Fatalf("cancel: %+v, %v", got, err)
	}
	if fe := ValidateLodgingEvent(e, world()); len(fe) > 0 || e.Str("cancellation_reason_comment") != "Not needed" {
		t.Errorf("event %+v refused: %+v", e, fe)
	}
	// Any reason a move may be cancelled for, as upstream shares one list
	// between moves, allocations and lodgings; each has a label.
	for _, r := range CancellationReasons {
		got, e, err := CancelLodging(l, r, "", t0)
		if err != nil || got.CancellationReason != r {
			t.Errorf("reason %s: %+v, %v", r, got, err)
			continue
		}
		if fe := ValidateLodgingEvent(e, world()); len(fe) > 0 {
			t.Errorf("reason %s: event refused: %+v", r, fe)
		}
		if LodgingCancellationReasonLabels[r] == "" {
			t.Errorf("reason %s: no label", r)
		}
	}
	tests := []struct {
		status LodgingStatus
		reason string
		code   Code
		msg    string
	}{
		{lpr, "", Invalid, ""},
		{lpr, "bored", Invalid, ""},
		{lpr, "database_correction", Invalid, ""}, // upstream's legacy reason, refused for moves too
		{lca, "other", Conflict, "The lodging is already cancelled"},
		{lst, "other", Conflict, "A started lodging cannot be cancelled"},
		{lco, "other", Conflict, "A completed lodging cannot be cancelled"},
	}
	for _, tt := range tests {
		l.Status = tt.status
		out, _, err := CancelLodging(l, tt.reason, "", t0)
		e, ok := AsError(err)
		if !ok || e.Code != tt.code || (tt.msg != "" && e.Message != tt.msg) || out.Status != tt.status {
			t.Errorf("%s/%q: %v, status %s", tt.status, tt.reason, err, out.Status)
		}
	}
}

func lodgingEvent(id string, t EventType, at time.Time, locID string) Event {
	return Event{ID: id, Type: t, MoveID: "move-1", OccurredAt: at, RecordedAt: at, Applied: true,
		Details: map[string]any{"reason": "overnight_lodging"}, Rels: map[string]string{"location": locID}}
}

func TestMatchLodging(t *testing.T) {
	// 23:30 UTC on 1 March is still 1 March in London (GMT); 23:30 UTC on
	// 1 June is 00:30 on 2 June in London (BST).
	winter := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	summer := time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC)
	ls := []Lodging{
		{ID: "p", LocationID: "police-1", StartDate: "2026-03-01", EndDate: "2026-03-02", Status: lpr},
		{ID: "s", LocationID: "police-2", StartDate: "2026-03-01", EndDate: "2026-03-03", Status: lst},
		{ID: "c", LocationID: "police-1", StartDate: "2026-03-05", EndDate: "2026-03-06", Status: lca},
		{ID: "june", LocationID: "prison-2", StartDate: "2026-06-02", EndDate: "2026-06-03", Status: lpr},
		{ID: "later", LocationID: "yoi-1", StartDate: "2026-03-04", EndDate: "2026-03-05", Status: lst},
	}
	tests := []struct {
		name   string
		e      Event
		want   string
		reason string
	}{
		{"start on its day", lodgingEvent("e", EventMoveLodgingStart, winter, "police-1"), "p", ""},
		{"start by London date in summer", lodgingEvent("e", EventMoveLodgingStart, summer, "prison-2"), "june", ""},
		{"start on another day", lodgingEvent("e", EventMoveLodgingStart, winter.Add(48*time.Hour), "police-1"), "",
			"The move's lodging at this location starts on 2026-03-01 or 2026-03-05, not on 2026-03-03"},
		{"start where there is none", lodgingEvent("e", EventMoveLodgingStart, winter, "court-2"), "",
			"The move has no overnight lodging at this location"},
		{"start of a started one", lodgingEvent("e", EventMoveLodgingStart, winter, "police-2"), "",
			"The lodging at this location starting on 2026-03-01 has already started"},
		{"start of a cancelled one", lodgingEvent("e", EventMoveLodgingStart, time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), "police-1"), "",
			"The lodging at this location starting on 2026-03-05 was cancelled"},
		{"end of a started one, days later", lodgingEvent("e", EventMoveLodgingEnd, winter.Add(40*time.Hour), "police-2"), "s", ""},
		{"end of one not started", lodgingEvent("e", EventMoveLodgingEnd, winter, "police-1"), "",
			"The lodging at this location has not started, so it cannot end"},
		{"end before the start", lodgingEvent("e", EventMoveLodgingEnd, winter, "yoi-1"), "",
			"The lodging at this location starts on 2026-03-04, after this end on 2026-03-01"},
		{"another event", lodgingEvent("e", EventMoveStart, winter, "police-1"), "", "MoveStart does not start or end a lodging"},
	}
	for _, tt := range tests {
		i, reason := MatchLodging(ls, tt.e)
		got := ""
		if i >= 0 {
			got = ls[i].ID
		}
		if got != tt.want || reason != tt.reason {
			t.Errorf("%s: %q, %q; want %q, %q", tt.name, got, reason, tt.want, tt.reason)
		}
	}
}

func TestReplayLodgings(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	base := []Lodging{
		{ID: "one", LocationID: "police-1", StartDate: "2026-03-02", EndDate: "2026-03-03", Status: lst}, // stale status: replay resets it
		{ID: "two", LocationID: "police-2", StartDate: "2026-03-03", EndDate: "2026-03-04", Status: lpr},
		{ID: "gone", LocationID: "police-2", StartDate: "2026-03-06", EndDate: "2026-03-07", Status: lca},
	}
	// In log order, as Replay leaves the move's log.
	log := []Event{
		{ID: "req", Type: EventMoveRequested, Applied: true},
		lodgingEvent("s1", EventMoveLodgingStart, day(2, 20), "police-1"),
		lodgingEvent("e1", EventMoveLodgingEnd, day(3, 8), "police-1"),
		lodgingEvent("s2", EventMoveLodgingStart, day(3, 21), "police-2"),
		lodgingEvent("e1again", EventMoveLodgingEnd, day(3, 22), "police-1"),
		lodgingEvent("sgone", EventMoveLodgingStart, day(6, 21), "police-2"),
	}
	log[1].Late = true
	got, outcomes := ReplayLodgings(base, log)
	wantStatus := map[string]LodgingStatus{"one": lco, "two": lst, "gone": lca}
	for _, l := range got {
		if l.Status != wantStatus[l.ID] {
			t.Errorf("%s: %s; want %s", l.ID, l.Status, wantStatus[l.ID])
		}
	}
	if base[0].Status != lst {
		t.Error("ReplayLodgings changed its input")
	}
	wantReason := map[string]string{
		"s1": "", "e1": "", "s2": "",
		"e1again": "The lodging at this location has not started, so it cannot end",
		"sgone":   "The lodging at this location starting on 2026-03-06 was cancelled",
	}
	if len(outcomes) != 5 {
		t.Fatalf("%d outcomes", len(outcomes))
	}
	for k, o := range outcomes {
		e := log[k+1]
		if o.EventID != e.ID || o.Applied != (wantReason[e.ID] == "") || o.Reason != wantReason[e.ID] || e.Applied != o.Applied || e.Reason != o.Reason {
			t.Errorf("%s: outcome %+v, event applied %v %q", e.ID, o, e.Applied, e.Reason)
		}
	}
	if !outcomes[0].Late {
		t.Error("lateness not carried")
	}
	if !log[0].Applied {
		t.Error("a move event was touched")
	}
	// Before the end arrives, the first lodging is only started.
	partial, _ := ReplayLodgings(base, cloneEvents(log[:2]))
	if partial[0].Status != lst || partial[1].Status != lpr {
		t.Errorf("partial: %+v", partial)
	}
}
