package moves

import (
	"testing"
	"time"
)

func TestCheckRecallDate(t *testing.T) {
	const today = "2026-01-15"
	cases := []struct {
		date, want string
	}{
		{"2026-01-15", ""},
		{"2026-01-14", ""},
		{"2025-12-31", ""},
		{"2026-01-16", "The date of arrest must be today or in the past"},
		{"2026-02-30", "The date of arrest must be a real date"},
		{"15/01/2026", "The date of arrest must be a real date"},
		{"", "The date of arrest must be a real date"},
		{"1899-12-31", "The date of arrest must be a real date"},
	}
	for _, c := range cases {
		if got := CheckRecallDate(c.date, today); got != c.want {
			t.Errorf("CheckRecallDate(%q) = %q; want %q", c.date, got, c.want)
		}
	}
}

func TestCheckFlightNumber(t *testing.T) {
	bad := "Enter a flight number in the correct format, like BA1234"
	cases := []struct {
		in, want string
	}{
		{"BA1234", ""},
		{"ba 1234", ""},
		{"U21", ""},
		{"EZY8721", ""},
		{"FR1234A", ""},
		{"", "Enter the flight number"},
		{"   ", "Enter the flight number"},
		{"BA", bad},
		{"BA12345", bad},
		{"1234", bad},
		{"BA-1234", bad},
		{"BA12AB", bad},
		{"ABCD1234", bad},
	}
	for _, c := range cases {
		if got := CheckFlightNumber(c.in); got != c.want {
			t.Errorf("CheckFlightNumber(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestTransferReasonsFor(t *testing.T) {
	if got := TransferReasonsFor(PrisonTransfer); len(got) != len(TransferReasons) || got[len(got)-1].Key != "another_reason" {
		t.Errorf("prison transfer reasons = %v; want all, another reason last", got)
	}
	ap := TransferReasonsFor(ApprovedPremises)
	if len(ap) != 2 || ap[0].Key != "mappa" || ap[1].Key != "another_reason" {
		t.Errorf("approved premises reasons = %v; want mappa and another_reason", ap)
	}
	for _, mt := range MoveTypes {
		if got := len(TransferReasonsFor(mt)) > 0; got != TransferReasonApplies(mt) {
			t.Errorf("%s: offers reasons %v, but TransferReasonApplies = %v", mt, got, TransferReasonApplies(mt))
		}
	}
	if TransferReasonLabel("mappa") == "mappa" || TransferReasonLabel("nonsense") != "nonsense" {
		t.Error("TransferReasonLabel does not name the reasons it knows, or names one it does not")
	}
}

func TestCheckMoveDetails(t *testing.T) {
	const today = "2026-01-15"
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	flight := func(n string, at time.Time) *ExtraditionFlight { return &ExtraditionFlight{Number: n, Time: at} }
	cases := []struct {
		name  string
		t     MoveType
		d     MoveDetails
		field string // "" when valid
	}{
		{"nothing", CourtAppearance, MoveDetails{}, ""},
		{"recall date on a recall", PrisonRecall, MoveDetails{RecallDate: "2026-01-10"}, ""},
		{"recall date in the future", PrisonRecall, MoveDetails{RecallDate: "2026-01-16"}, "recall_date"},
		{"recall date on a court move", CourtAppearance, MoveDetails{RecallDate: "2026-01-10"}, "recall_date"},
		{"reason on a transfer", PrisonTransfer, MoveDetails{TransferReason: "parole"}, ""},
		{"unknown reason", PrisonTransfer, MoveDetails{TransferReason: "holiday"}, "prison_transfer_reason"},
		{"mappa on approved premises", ApprovedPremises, MoveDetails{TransferReason: "mappa"}, ""},
		{"parole on approved premises", ApprovedPremises, MoveDetails{TransferReason: "parole"}, "prison_transfer_reason"},
		{"reason on a hospital move", Hospital, MoveDetails{TransferReason: "medical"}, "prison_transfer_reason"},
		{"flight on an extradition", Extradition, MoveDetails{Flight: flight("BA1234", now.Add(time.Hour))}, ""},
		{"flight that has left", Extradition, MoveDetails{Flight: flight("BA1234", now.Add(-time.Minute))}, "extradition_flight"},
		{"flight without a time", Extradition, MoveDetails{Flight: flight("BA1234", time.Time{})}, "extradition_flight"},
		{"bad flight number", Extradition, MoveDetails{Flight: flight("B", now.Add(time.Hour))}, "extradition_flight"},
		{"flight on a court move", CourtAppearance, MoveDetails{Flight: flight("BA1234", now.Add(time.Hour))}, "extradition_flight"},
	}
	for _, c := range cases {
		fe := CheckMoveDetails(c.t, c.d, today, now)
		switch {
		case c.field == "" && len(fe) > 0:
			t.Errorf("%s: refused: %v", c.name, fe)
		case c.field != "" && !fe.Has(c.field):
			t.Errorf("%s: got %v; want an error on %s", c.name, fe, c.field)
		}
	}
}
