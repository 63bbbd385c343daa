package moves

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The details that only some types of move carry (issue 14):
//
//   - a prison recall: the date the person was arrested and returned to
//     police custody (recall_date in the API);
//   - a prison transfer or an approved premises move: the reason for it
//     (the API's prison_transfer_reason);
//   - an extradition: the flight the person leaves on.
//
// They are asked in the request journey, kept on the move and shown on its
// page; the rules live here so that the browser and the API agree.

// MoveDetails holds a move's type-specific details; each is empty when
// the move's type does not carry it.
type MoveDetails struct {
	RecallDate     string // YYYY-MM-DD
	TransferReason string // a TransferReasons key
	Flight         *ExtraditionFlight
}

// ExtraditionFlight is the flight an extradited person leaves on.
type ExtraditionFlight struct {
	Number string    // e.g. "BA1234"
	Time   time.Time // departure, UTC
}

// MaxFlightNumberLength bounds a flight number (IATA numbers are at most
// eight characters with the airline's code; a little room for spaces).
const MaxFlightNumberLength = 10

// TransferReason is one reason for a prison transfer.
type TransferReason struct {
	Key   string
	Label string
}

// TransferReasons are the reasons a prison transfer may be requested for,
// with the keys of upstream's reference data, in the order they are
// offered; "another_reason" comes last.
var TransferReasons = []TransferReason{
	{"accumulated_visits", "Accumulated visits"},
	{"compassionate", "Compassionate grounds"},
	{"court", "Nearer to court"},
	{"video", "Video link hearing"},
	{"cpa", "Care programme approach (CPA)"},
	{"isp_to_open", "Indeterminate sentence: moving to open conditions"},
	{"mappa", "Multi-agency public protection arrangements (MAPPA)"},
	{"medical", "Medical"},
	{"offending_behaviour_course", "Offending behaviour course"},
	{"parole", "Parole"},
	{"progressive", "Progressive move"},
	{"repatriation", "Repatriation"},
	{"resettlement", "Resettlement"},
	{"return_after_court_appearance", "Return after a court appearance"},
	{"security", "Security"},
	{"yjb", "Youth Justice Board placement"},
	{"another_reason", "Another reason"},
}

// approvedPremisesReasons are the only reasons offered for a move to
// approved premises, as upstream offers them.
var approvedPremisesReasons = []string{"mappa", "another_reason"}

// TransferReasonsFor lists the reasons offered for a move of type t: none
// unless TransferReasonApplies(t).
func TransferReasonsFor(t MoveType) []TransferReason {
	switch t {
	case PrisonTransfer:
		return append([]TransferReason(nil), TransferReasons...)
	case ApprovedPremises:
		var out []TransferReason
		for _, r := range TransferReasons {
			for _, k := range approvedPremisesReasons {
				if r.Key == k {
					out = append(out, r)
				}
			}
		}
		return out
	}
	return nil
}

// TransferReasonApplies reports whether a move of type t is asked its
// reason.
func TransferReasonApplies(t MoveType) bool { return t == PrisonTransfer || t == ApprovedPremises }

// TransferReasonLabel names a reason key, or returns the key itself.
func TransferReasonLabel(key string) string {
	for _, r := range TransferReasons {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// RecallDateApplies reports whether a move of type t is asked the date of
// arrest.
func RecallDateApplies(t MoveType) bool { return t == PrisonRecall }

// FlightApplies reports whether a move of type t is asked its flight.
func FlightApplies(t MoveType) bool { return t == Extradition }

// CheckRecallDate checks a date of arrest for recall: a real date, today
// or in the past (today is YYYY-MM-DD in London). It returns "" or the
// problem.
func CheckRecallDate(date, today string) string {
	d, err := ParseDate(date)
	if err != nil {
		return "The date of arrest must be a real date"
	}
	if d > today {
		return "The date of arrest must be today or in the past"
	}
	return ""
}

// NormalizeFlightNumber upper-cases a flight number and drops its spaces.
func NormalizeFlightNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckFlightNumber returns "" or the problem with a flight number, which
// is two or three letters or digits (the airline) then one to four digits
// and perhaps a letter.
func CheckFlightNumber(n string) string {
	n = NormalizeFlightNumber(n)
	if n == "" {
		return "Enter the flight number"
	}
	if utf8.RuneCountInString(n) > MaxFlightNumberLength || !validFlightNumber(n) {
		return "Enter a flight number in the correct format, like BA1234"
	}
	return ""
}

func validFlightNumber(n string) bool {
	isDigit := func(r byte) bool { return r >= '0' && r <= '9' }
	isAlnum := func(r byte) bool { return isDigit(r) || (r >= 'A' && r <= 'Z') }
	if len(n) < 3 {
		return false
	}
	// The airline: two characters, or three letters (ICAO).
	i := 2
	if len(n) > 3 && n[2] >= 'A' && n[2] <= 'Z' && !isDigit(n[0]) && !isDigit(n[1]) {
		i = 3
	}
	// An airline's code has at least one letter (U2, 9W, BA).
	if !isAlnum(n[0]) || !isAlnum(n[1]) || (isDigit(n[0]) && isDigit(n[1])) {
		return false
	}
	rest := n[i:]
	digits := 0
	for digits < len(rest) && isDigit(rest[digits]) {
		digits++
	}
	if digits < 1 || digits > 4 {
		return false
	}
	tail := rest[digits:]
	return tail == "" || (len(tail) == 1 && tail[0] >= 'A' && tail[0] <= 'Z')
}

// CheckMoveDetails checks a new move's type-specific details against its
// type: details a type does not carry are refused, as are bad values.
// today is YYYY-MM-DD and now the present, both for the dates' limits. The
// field names are the API's attributes.
func CheckMoveDetails(t MoveType, d MoveDetails, today string, now time.Time) FieldErrors {
	var fe FieldErrors
	if d.RecallDate != "" {
		if !RecallDateApplies(t) {
			fe.Add("recall_date", "invalid", "recall_date is only for prison recall moves")
		} else if msg := CheckRecallDate(d.RecallDate, today); msg != "" {
			fe.Add("recall_date", "invalid", msg)
		}
	}
	if d.TransferReason != "" {
		ok := false
		for _, r := range TransferReasonsFor(t) {
			ok = ok || r.Key == d.TransferReason
		}
		switch {
		case !TransferReasonApplies(t):
			fe.Add("prison_transfer_reason", "invalid", "prison_transfer_reason is only for prison transfer and approved premises moves")
		case !ok:
			fe.Add("prison_transfer_reason", "inclusion", "prison_transfer_reason is not a reason for this type of move")
		}
	}
	if d.Flight != nil {
		switch {
		case !FlightApplies(t):
			fe.Add("extradition_flight", "invalid", "A flight is only for extradition moves")
		case CheckFlightNumber(d.Flight.Number) != "":
			fe.Add("extradition_flight", "invalid", CheckFlightNumber(d.Flight.Number))
		case d.Flight.Time.IsZero():
			fe.Add("extradition_flight", "blank", "Enter the date and time of the flight")
		case d.Flight.Time.Before(now):
			fe.Add("extradition_flight", "invalid", "The flight must be in the future")
		}
	}
	return fe
}
