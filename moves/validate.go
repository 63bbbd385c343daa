package moves

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Refs answers the lookups that validating an event needs. A nil Refs
// knows nothing, so every relationship is reported as not found.
type Refs interface {
	Location(id string) (Location, bool)
	MoveExists(id string) bool
}

// Earliest and latest years the service accepts in any date or time. A
// wider range only lets typing mistakes (0202, 20226) through.
const (
	minYear = 1900
	maxYear = 2200
)

var (
	timestampRE = regexp.MustCompile(`^(?i)(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$`)
	dateRE      = regexp.MustCompile(`^(\d{4})-\d{2}-\d{2}$`)
	// A full UK postcode: outward code, optional space, inward code.
	postcodeRE = regexp.MustCompile(`^(?i)(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}$`)
)

// Errors the parsers return; callers word their own messages.
var (
	ErrTimestamp = errors.New("not an ISO 8601 date and time with a time zone")
	ErrDate      = errors.New("not a real date in the form YYYY-MM-DD")
	ErrYear      = fmt.Errorf("year is before %d or after %d", minYear, maxYear)
)

// ParseTimestamp parses an RFC 3339 date and time. Unlike upstream, which
// reads a time without an offset as London time, it refuses one: a clock
// reading without a zone is ambiguous for an hour every autumn, and the
// order of a move's log depends on it. The result is in UTC.
func ParseTimestamp(s string) (time.Time, error) {
	m := timestampRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, ErrTimestamp
	}
	if y := atoi(m[1]); y < minYear || y > maxYear {
		return time.Time{}, ErrYear
	}
	// time.Parse takes offsets such as +24:00 that RFC 3339 does not.
	if m[2] != "" && (atoi(m[2]) > 23 || atoi(m[3]) > 59) {
		return time.Time{}, ErrTimestamp
	}
	// RFC 3339 allows lower-case t and z; time.Parse does not.
	t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(strings.ToUpper(s), ",", "."))
	if err != nil {
		return time.Time{}, ErrTimestamp
	}
	return t.UTC(), nil
}

// ParseDate checks that s is a real calendar date written YYYY-MM-DD and
// returns it in that form.
func ParseDate(s string) (string, error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return "", ErrDate
	}
	if y := atoi(m[1]); y < minYear || y > maxYear {
		return "", ErrYear
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", ErrDate
	}
	return t.Format(time.DateOnly), nil
}

// ValidPostcode reports whether s is a full UK postcode.
func ValidPostcode(s string) bool { return postcodeRE.MatchString(strings.TrimSpace(s)) }

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// blank reports whether a detail value counts as not given: absent, JSON
// null, or a string of only spaces. Forms send empty strings for fields a
// person left alone, and those must not fail an optional enum.
func blank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}

// ValidateEvent checks an event in itself: its type, its timestamps, its
// details against the catalogue and its relationships against refs. It
// does not look at the move's state; Apply does that. Errors name the
// field as the client sent it.
func ValidateEvent(e Event, refs Refs) FieldErrors {
	sp, ok := spec(e.Type)
	if !ok {
		return unknownType(e.Type, SubjectMove)
	}
	return validateWith(sp, e, refs)
}

// unknownType words the refusal of an event type that is not in the
// catalogue of subject: none at all, unknown anywhere, or about another
// kind of subject (a JourneyStart sent for a move).
func unknownType(t EventType, subject Subject) FieldErrors {
	var fe FieldErrors
	switch other, ok := SubjectOf(t); {
	case t == "":
		fe.Add("event_type", "blank", "event_type is required")
	case ok && other != subject:
		fe.Add("event_type", "invalid", fmt.Sprintf("%s is an event about %s, not %s", string(t), other.words(), subject.words()))
	default:
		fe.Add("event_type", "inclusion", fmt.Sprintf("event_type %q is not a known event type", string(t)))
	}
	return fe
}

// validateWith checks e against sp: timestamps, details and relationships.
func validateWith(sp *EventSpec, e Event, refs Refs) FieldErrors {
	var fe FieldErrors
	if e.OccurredAt.IsZero() {
		fe.Add("occurred_at", "blank", "occurred_at is required and must be a date and time with a time zone")
	}
	if e.RecordedAt.IsZero() {
		fe.Add("recorded_at", "blank", "recorded_at is required and must be a date and time with a time zone")
	}
	for _, d := range sp.Details {
		v, present := e.Details[d.Key]
		if !present || blank(v) {
			if d.Required {
				fe.Add(d.Key, "blank", d.Key+" is required")
			}
			continue
		}
		if code, msg := checkDetail(d, v); code != "" {
			fe.Add(d.Key, code, msg)
		}
	}
	if len(sp.AnyOf) > 0 && !slices.ContainsFunc(sp.AnyOf, func(k string) bool { return !blank(e.Details[k]) }) {
		fe.Add(sp.AnyOf[0], "blank", strings.Join(sp.AnyOf, " or ")+" is required")
	}
	for _, r := range sp.Rels {
		id := strings.TrimSpace(e.Rels[r.Name])
		if id == "" {
			if r.Required {
				fe.Add(r.Name, "blank", r.Name+" is required")
			}
			continue
		}
		switch r.Kind {
		case relLocations:
			if refs == nil {
				fe.Add(r.Name, "not_found", r.Name+" does not match a known location")
			} else if _, ok := refs.Location(id); !ok {
				fe.Add(r.Name, "not_found", r.Name+" does not match a known location")
			}
		case relMoves:
			if e.MoveID != "" && id == e.MoveID {
				fe.Add(r.Name, "invalid", r.Name+" must be a different move from the one the event is about")
			} else if refs == nil || !refs.MoveExists(id) {
				fe.Add(r.Name, "not_found", r.Name+" does not match a known move")
			}
		}
	}
	return fe
}

// checkDetail returns an error code and message for a given, non-blank
// value that does not fit d, or "" when it fits.
func checkDetail(d DetailSpec, v any) (code, msg string) {
	switch d.Kind {
	case KindString:
		if _, ok := v.(string); !ok {
			return "invalid", d.Key + " must be text"
		}
	case KindEnum:
		s, ok := v.(string)
		if !ok || !slices.Contains(d.Values, s) {
			return "inclusion", d.Key + " must be one of " + strings.Join(d.Values, ", ")
		}
	case KindDate:
		s, ok := v.(string)
		if !ok {
			return "invalid", d.Key + " must be a date written YYYY-MM-DD"
		}
		if _, err := ParseDate(s); err != nil {
			return "invalid", d.Key + " must be a real date written YYYY-MM-DD, such as 2026-11-22"
		}
	case KindDateTime:
		s, ok := v.(string)
		if !ok {
			return "invalid", d.Key + " must be a date and time with a time zone"
		}
		if _, err := ParseTimestamp(s); err != nil {
			return "invalid", d.Key + " must be an ISO 8601 date and time with a time zone, such as 2026-11-22T10:20:30+00:00"
		}
	case KindBool:
		if _, ok := v.(bool); !ok {
			return "invalid", d.Key + " must be true or false"
		}
	case KindStringList:
		if !isStringList(v) {
			return "invalid", d.Key + " must be text or a list of text"
		}
	case KindPostcode:
		s, ok := v.(string)
		if !ok || !ValidPostcode(s) {
			return "invalid", d.Key + " must be a full UK postcode, such as SW1H 9AJ"
		}
	}
	return "", ""
}

func isStringList(v any) bool {
	switch x := v.(type) {
	case string, []string:
		return true
	case []any:
		for _, e := range x {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// NormalizeDetails keeps only the keys t's spec (in any subject's
// catalogue) defines, and drops values
// that count as not given, so that a stored event holds exactly what its
// catalogue entry describes. It never returns nil.
func NormalizeDetails(t EventType, details map[string]any) map[string]any {
	out := map[string]any{}
	sp, ok := anySpec(t)
	if !ok {
		return out
	}
	for _, d := range sp.Details {
		v, present := details[d.Key]
		if !present || blank(v) {
			continue
		}
		out[d.Key] = v
	}
	return out
}
