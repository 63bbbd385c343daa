package moves

import "slices"

// Changes to a request made by staff before the person leaves custody:
// their personal details, the move's own details (time due, additional
// information) and their risk, health and court information. Each is an
// event in the move's log, as upstream's PersonUpdate, MoveUpdate and
// ProfileUpdate are, so the timeline says what changed and the supplier
// is told. They change nothing the log replays (status, places, dates):
// the store writes the new values in the same unit of work as the event.
const (
	EventPersonUpdate  EventType = "PersonUpdate"
	EventMoveUpdate    EventType = "MoveUpdate"
	EventProfileUpdate EventType = "ProfileUpdate"
)

// ChangeableStatus reports whether a request in status s may still be
// changed: the person has not left custody (not in transit) and the move
// is not over (completed or cancelled).
func ChangeableStatus(s Status) bool {
	return s == StatusProposed || s == StatusRequested || s == StatusBooked
}

// IsChange reports whether t is one of the staff changes to a request.
func (t EventType) IsChange() bool {
	return t == EventPersonUpdate || t == EventMoveUpdate || t == EventProfileUpdate
}

// PersonFieldLabels names the personal details PersonUpdate may change.
var PersonFieldLabels = map[string]string{
	"first_names":   "First names",
	"last_name":     "Last name",
	"date_of_birth": "Date of birth",
	"gender":        "Gender",
	"pnc":           "PNC number",
	"prison_number": "Prison number",
}

// MoveFieldLabels names the move details MoveUpdate may change.
var MoveFieldLabels = map[string]string{
	"time_due":               "Time due",
	"additional_information": "Additional information",
	"person":                 "Person",
	"move_agreed":            "Move agreed",
	"move_agreed_by":         "Move agreed by",
}

// MoveUpdate of an allocation's place: allocation staff added a person to
// it or removed them. The catalogue has no event of its own for this
// (upstream fills a place by changing the move's profile, which leaves no
// event), so it is the generic move update, saying what changed.
const (
	// ChangedPerson is the "changed" value of a place's person change.
	ChangedPerson = "person"
	// DetailPersonAdded and DetailPersonRemoved name who, as "First Last
	// (A1234BC)": the timeline reads on after the person is gone.
	DetailPersonAdded   = "person_added"
	DetailPersonRemoved = "person_removed"
)

// PersonLabel is how a place's person change names them: their name and
// prison number.
func PersonLabel(p Person) string {
	if p.PrisonNumber == "" {
		return p.FullName()
	}
	return p.FullName() + " (" + p.PrisonNumber + ")"
}

// FlagCategoryApplies reports whether a move of type t has information of
// category cat to change: risk and health information always, court
// information only on court moves.
func FlagCategoryApplies(t MoveType, cat FlagCategory) bool {
	switch cat {
	case FlagRisk, FlagHealth:
		return true
	case FlagCourt:
		return t.IsCourt()
	}
	return false
}

// FlagCategoryLabels names each category of profile flags.
var FlagCategoryLabels = map[string]string{
	string(FlagRisk):   "Risk information",
	string(FlagHealth): "Health information",
	string(FlagCourt):  "Court information",
}

func changeEventSpecs() []EventSpec {
	return []EventSpec{
		resubmitEventSpec(),
		{Type: EventPersonUpdate, Class: ClassDefault, StaffOnly: true, ChangesMove: true,
			Details: []DetailSpec{
				{Key: "changed", Kind: KindStringList, Required: true, Description: "Which personal details changed: first_names, last_name, date_of_birth, gender, pnc, prison_number."},
				{Key: "first_names", Kind: KindString, Description: "The person's new first names."},
				{Key: "last_name", Kind: KindString, Description: "The person's new last name."},
				{Key: "date_of_birth", Kind: KindDate, Description: "The person's new date of birth."},
				{Key: "gender", Kind: KindEnum, Values: Genders, Description: "The person's new gender."},
				{Key: "pnc", Kind: KindString, Description: "The person's new PNC number (absent when removed)."},
				{Key: "prison_number", Kind: KindString, Description: "The person's new prison number (absent when removed)."},
			},
			Description: "Staff changed the personal details of the person to be moved before they left custody."},
		{Type: EventMoveUpdate, Class: ClassDefault, StaffOnly: true, ChangesMove: true,
			Details: []DetailSpec{
				{Key: "changed", Kind: KindStringList, Required: true, Description: "Which move details changed: time_due, additional_information, or person (with move_agreed) for an allocation's place."},
				{Key: "time_due", Kind: KindDateTime, Description: "When the person is now due at the destination (absent when removed)."},
				{Key: "additional_information", Kind: KindString, Description: "The move's new additional information (absent when removed)."},
				{Key: DetailPersonAdded, Kind: KindString, Description: "Who allocation staff added to the allocation's place: name and prison number."},
				{Key: DetailPersonRemoved, Kind: KindString, Description: "Who allocation staff removed from the allocation's place: name and prison number."},
				{Key: "move_agreed", Kind: KindBool, Description: "Whether the receiving prison agreed to the move of the person added."},
				{Key: "move_agreed_by", Kind: KindString, Description: "Who at the receiving prison agreed to it."},
			},
			Description: "Staff changed the time due or the additional information of a move before the person left custody, or added a person to an allocation's place or removed them."},
		{Type: EventProfileUpdate, Class: ClassDefault, StaffOnly: true, ChangesMove: true,
			Details: []DetailSpec{
				{Key: "category", Kind: KindEnum, Required: true, Values: []string{string(FlagRisk), string(FlagHealth), string(FlagCourt)}, Description: "Which information changed: risk, health or court."},
				{Key: "added", Kind: KindStringList, Description: "The flags now answered yes."},
				{Key: "removed", Kind: KindStringList, Description: "The flags no longer answered yes."},
				{Key: "details_changed", Kind: KindStringList, Description: "The flags whose details were changed."},
			},
			AnyOf:       []string{"added", "removed", "details_changed"},
			Description: "Staff changed the risk, health or court information of the person to be moved before they left custody."},
	}
}

// FlagMove holds facts about the move itself that the request journey
// asks for, kept with the profile's flags: the risk, health and court
// pages never change them.
const FlagMove FlagCategory = "move"

// FlagSection46 marks a police move of a person held under section 46 of
// the Police and Criminal Evidence Act (PACE): charged, and to be brought
// before a court.
const FlagSection46 = "pace_section_46"

// FlagCategoryOf returns the category a flag key belongs to: FlagMove for
// the facts about the move itself (FlagSection46), else the category whose
// questions (FlagKeys) include it. ok is false for a key nobody asks.
func FlagCategoryOf(key string) (cat FlagCategory, ok bool) {
	if key == FlagSection46 {
		return FlagMove, true
	}
	for c, keys := range FlagKeys {
		if slices.Contains(keys, key) {
			return c, true
		}
	}
	return "", false
}

// Has reports whether the profile holds the flag key in the key's own
// category (FlagCategoryOf): the same key filed under another category, a
// court answer "pace_section_46" say, is not that flag, and a key no
// category asks is never held.
func (pr Profile) Has(key string) bool {
	cat, ok := FlagCategoryOf(key)
	if !ok {
		return false
	}
	for _, f := range pr.Flags {
		if f.Key == key && f.Category == cat {
			return true
		}
	}
	return false
}
