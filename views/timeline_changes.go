package views

import (
	"slices"
	"strings"

	"github.com/securemove/securemove/moves"
)

// changeHeadings name the changes staff make to a request.
var changeHeadings = map[moves.EventType]string{
	moves.EventPersonUpdate:  "Personal details changed",
	moves.EventMoveUpdate:    "Move details changed",
	moves.EventProfileUpdate: "Risk, health or court information changed",
}

// eventList reads a detail that is one string or a list of strings (a
// list read back from the database is []any).
func eventList(e moves.Event, key string) []string {
	switch v := e.Details[key].(type) {
	case string:
		if v != "" {
			return []string{v}
		}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" || (len(s) > 1 && strings.ToUpper(s[:2]) == s[:2]) {
		// "PNC number" keeps its capitals.
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// describeFieldChanges words what changed, field by field, in the order
// given: "last name to Smyth; PNC number removed". A field is named when
// the event lists it as changed or carries its new value; a changed key
// this service does not know still reads as words.
func describeFieldChanges(e moves.Event, order []string, labels map[string]string, show func(key, v string) string) string {
	changed := eventList(e, "changed")
	var parts []string
	for _, k := range order {
		v := e.Str(k)
		label := lowerFirst(moves.Label(labels, k))
		switch {
		case v != "":
			parts = append(parts, label+" to "+show(k, v))
		case slices.Contains(changed, k):
			parts = append(parts, label+" removed")
		}
	}
	for _, k := range changed {
		if !slices.Contains(order, k) {
			parts = append(parts, lowerFirst(moves.Humanize(k))+" changed")
		}
	}
	return strings.Join(parts, "; ")
}

func flagNames(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = moves.Label(moves.FlagLabels, k)
	}
	return strings.Join(names, ", ")
}

// describeChange words PersonUpdate, MoveUpdate and ProfileUpdate.
func describeChange(e moves.Event) (string, string, bool) {
	heading, ok := changeHeadings[e.Type]
	if !ok {
		return "", "", false
	}
	switch e.Type {
	case moves.EventPersonUpdate:
		what := describeFieldChanges(e, []string{"first_names", "last_name", "date_of_birth", "gender", "pnc", "prison_number"},
			moves.PersonFieldLabels, func(k, v string) string {
				switch k {
				case "date_of_birth":
					return ShortDate(v)
				case "gender":
					return moves.Label(moves.GenderLabels, v)
				}
				return v
			})
		if what == "" {
			return heading, "The person's details were changed.", true
		}
		return heading, sentence("Changed " + what), true
	case moves.EventMoveUpdate:
		placeHeading, place := describePlaceChange(e)
		// "person" in changed is worded by describePlaceChange.
		fields := e
		fields.Details = map[string]any{}
		for k, v := range e.Details {
			fields.Details[k] = v
		}
		fields.Details["changed"] = slices.DeleteFunc(slices.Clone(eventList(e, "changed")), func(k string) bool { return k == moves.ChangedPerson })
		what := describeFieldChanges(fields, []string{"time_due", "additional_information"}, moves.MoveFieldLabels,
			func(k, v string) string {
				if k == "time_due" {
					if t, err := moves.ParseTimestamp(v); err == nil {
						return TimelineTime(t)
					}
				}
				return "“" + v + "”"
			})
		switch {
		case what == "" && place != "":
			return placeHeading, place, true
		case what == "":
			return heading, "The move's details were changed.", true
		}
		return heading, sentence("Changed "+what, place), true
	}
	// ProfileUpdate.
	var parts []string
	if a := eventList(e, "added"); len(a) > 0 {
		parts = append(parts, "added "+flagNames(a))
	}
	if r := eventList(e, "removed"); len(r) > 0 {
		parts = append(parts, "removed "+flagNames(r))
	}
	if d := eventList(e, "details_changed"); len(d) > 0 {
		parts = append(parts, "changed the details of "+flagNames(d))
	}
	what := moves.Label(moves.FlagCategoryLabels, e.Str("category"))
	if len(parts) == 0 {
		return heading, sentence(what + " was changed"), true
	}
	return heading, sentence(what + ": " + strings.Join(parts, "; ")), true
}

// describePlaceChange words allocation staff adding a person to an
// allocation's place or removing them ("" when the event does neither),
// with the heading it has on its own.
func describePlaceChange(e moves.Event) (string, string) {
	removed, added := e.Str(moves.DetailPersonRemoved), e.Str(moves.DetailPersonAdded)
	switch {
	case added != "":
		agreed := "The receiving prison has not agreed to the move yet"
		if e.Bool("move_agreed") {
			agreed = "The receiving prison agreed to the move"
			if by := e.Str("move_agreed_by"); by != "" {
				agreed = "The move was agreed by " + by
			}
		}
		gone := ""
		if removed != "" {
			gone = removed + " was removed from this move"
		}
		return "Person added to the allocation", sentence(gone, added+" was added to this move", agreed)
	case removed != "":
		return "Person removed from the allocation", sentence(removed+" was removed from this move", "The place waits for someone else")
	}
	return "", ""
}
