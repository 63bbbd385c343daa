package moves

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTimestampAccepts(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2020-12-03T10:51:28+00:00", "2020-12-03T10:51:28Z"},
		{"2020-06-16T10:20:30+01:00", "2020-06-16T09:20:30Z"},
		{"2020-06-16T10:20:30Z", "2020-06-16T10:20:30Z"},
		{"2020-06-16T10:20:30-05:30", "2020-06-16T15:50:30Z"},
		{"2020-06-16T10:20:30.5Z", "2020-06-16T10:20:30.5Z"},
		{"2020-06-16T10:20:30.123456789+01:00", "2020-06-16T09:20:30.123456789Z"},
		{"2020-06-16T10:20:30,25Z", "2020-06-16T10:20:30.25Z"},
		{"2020-06-16t10:20:30z", "2020-06-16T10:20:30Z"},
		{"2020-06-16T10:20:30-00:00", "2020-06-16T10:20:30Z"},
		{"2020-06-16T23:30:00-23:59", "2020-06-17T23:29:00Z"},
		{"1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"},
		{"2200-12-31T23:59:59Z", "2200-12-31T23:59:59Z"},
		{"2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"},
	}
	for _, c := range cases {
		got, err := ParseTimestamp(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got.Location() != time.UTC || got.Format(time.RFC3339Nano) != c.want {
			t.Errorf("%q = %s (%s); want %s", c.in, got.Format(time.RFC3339Nano), got.Location(), c.want)
		}
	}
}

func TestParseTimestampRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"2020-06-16T10:20:30",             // no zone: the point of the rule
		"2020-06-16T10:20:30.5",           // no zone
		"2020-06-16",                      // a date
		"2020-06-16 10:20:30Z",            // space
		"2020-06-16T10:20Z",               // no seconds
		"2020-06-16T10:20:30+0100",        // basic offset
		"2020-06-16T10:20:30+01",          // hours only
		"2020-06-16T10:20:30+24:00",       // offset out of range
		"2020-06-16T10:20:30+01:60",       // offset out of range
		"2020-06-16T24:00:00Z",            // hour 24
		"2020-06-16T10:60:00Z",            // minute 60
		"2020-06-16T10:20:60Z",            // leap second
		"2020-02-30T10:00:00Z",            // no such day
		"2021-02-29T10:00:00Z",            // not a leap year
		"2020-13-01T10:00:00Z",            // month 13
		"1899-12-31T23:59:59Z",            // too early
		"2201-01-01T00:00:00Z",            // too late
		"0000-01-01T00:00:00Z",            // year zero
		"20200-01-01T00:00:00Z",           // five-digit year
		"2020-06-16T10:20:30.Z",           // empty fraction
		"2020-06-16T10:20:30.1234567890Z", // ten fraction digits
		" 2020-06-16T10:20:30Z",           // leading space
		"2020-06-16T10:20:30Z ",           // trailing space
		"2020-06-16T10:20:30Z\n",          // trailing newline
		"2020-06-16T10:20:30Europe/London",
		"1592302830", // epoch seconds
		"２０２０-06-16T10:20:30Z",
	} {
		if got, err := ParseTimestamp(in); err == nil {
			t.Errorf("%q accepted as %s", in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]string{
		"2026-11-22": "2026-11-22",
		"2024-02-29": "2024-02-29",
		"1900-01-01": "1900-01-01",
		"2200-12-31": "2200-12-31",
	}
	for in, want := range good {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("%q = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{
		"", "2026-11-31", "2025-02-29", "2026-00-10", "2026-13-01", "2026-1-5", "26-11-22",
		"22/11/2026", "2026-11-22T00:00:00Z", " 2026-11-22", "2026-11-22 ", "1899-12-31", "2201-01-01", "2026/11/22",
	} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func TestValidPostcode(t *testing.T) {
	for _, p := range []string{"SW1H 9AJ", "sw1h9aj", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA"} {
		if !ValidPostcode(p) {
			t.Errorf("%q refused", p)
		}
	}
	for _, p := range []string{"", "SW1H", "9AJ", "SW1H 9A", "SW1H  9AJ", "12345", "SW1H-9AJ", "M6 J19"} {
		if ValidPostcode(p) {
			t.Errorf("%q accepted", p)
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2020-12-03T10:51:28+00:00", "2020-06-16T10:20:30.123Z", "2020-06-16T10:20:30",
		"2200-12-31T23:59:59-23:59", "1900-01-01T00:00:00+23:59", "", "2020-02-30T10:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q: not UTC", s)
		}
		if y := got.Year(); y < minYear-1 || y > maxYear+1 {
			t.Fatalf("%q: year %d", s, y)
		}
		again, err := ParseTimestamp(got.Format(time.RFC3339Nano))
		if y := got.Year(); err != nil && y >= minYear && y <= maxYear {
			t.Fatalf("%q: its own UTC form %s refused: %v", s, got.Format(time.RFC3339Nano), err)
		}
		if err == nil && !again.Equal(got) {
			t.Fatalf("%q: round trip %s != %s", s, again, got)
		}
	})
}

// FuzzValidateEvent feeds arbitrary JSON as an event's details, with any
// type and relationships, through everything that reads details. None of
// it may panic, and a valid event must survive normalisation.
func FuzzValidateEvent(f *testing.F) {
	f.Add("MoveApprove", `{"date":"2020-06-16","create_in_nomis":true}`, "to_location", "court-2")
	f.Add("MoveReject", `{"rejection_reason":["no_transport_available"],"rebook":"yes"}`, "", "")
	f.Add("MoveRedirect", `{"move_type":7,"reason":null}`, "to_location", "prison-1")
	f.Add("PersonMoveAssault", `{"supplier_personnel_numbers":[1,"a",null],"reported_at":{}}`, "location", "nowhere")
	f.Add("PersonMoveVehicleBrokeDown", `{"vehicle_reg":"X","reported_at":"2020-06-16T10:20:30Z","postcode":false}`, "location", "")
	f.Add("MoveCrossSupplierPickUp", `{}`, "previous_move", "move-1")
	f.Add("Nope", `[]`, "", "")
	f.Add("MoveDateChanged", `{"date":"2026-03-07"}`, "", "")
	refs := world()
	f.Fuzz(func(t *testing.T, typ, details, relName, relID string) {
		var d map[string]any
		_ = json.Unmarshal([]byte(details), &d)
		e := Event{
			ID: "x", MoveID: "move-1", Type: EventType(typ), OccurredAt: t0, RecordedAt: t0,
			Details: d, Rels: map[string]string{relName: relID},
		}
		fe := ValidateEvent(e, refs)
		_ = ValidateEvent(e, nil)
		n := e
		n.Details = NormalizeDetails(e.Type, d)
		if len(fe) == 0 {
			if again := ValidateEvent(n, refs); len(again) > 0 {
				t.Fatalf("valid event invalid after normalising: %+v", again)
			}
		}
		for _, s := range Statuses {
			st := courtState(s)
			got, reason := Apply(st, n, refs)
			if reason != "" && got != st {
				t.Fatalf("refused event changed the state")
			}
		}
		_ = Replay(courtState(StatusRequested), []Event{n, {ID: "c", Type: EventMoveRequested}}, refs)
		_ = e.Strs("supplier_personnel_numbers")
	})
}
