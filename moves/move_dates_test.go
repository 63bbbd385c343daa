package moves

import (
	"strings"
	"testing"
)

func TestCheckMoveDate(t *testing.T) {
	for _, tc := range []struct {
		date, today, want string
	}{
		{"2026-12-06", "2026-12-06", ""},
		{"2025-12-06", "2026-12-06", ""},
		{"2025-12-05", "2026-12-06", "no earlier than 2025-12-06"},
		{"1900-01-01", "2026-12-06", "no earlier than 2025-12-06"},
		{"2028-12-06", "2026-12-06", ""},
		{"2028-12-07", "2026-12-06", "no later than 2028-12-06"},
		{"2062-12-06", "2026-12-06", "no later than 2028-12-06"},
		// From 29 February, a year back is 1 March of a common year.
		{"2027-03-01", "2028-02-29", ""},
		{"2027-02-28", "2028-02-29", "no earlier than 2027-03-01"},
		{"", "2026-12-06", ""},
	} {
		got := CheckMoveDate("date", tc.date, tc.today)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("CheckMoveDate(%s on %s) = %q, want %q", tc.date, tc.today, got, tc.want)
		}
		if got != "" && !strings.HasPrefix(got, "date must be") {
			t.Errorf("message %q does not name the field", got)
		}
	}
}
