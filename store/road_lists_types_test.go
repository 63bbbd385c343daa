package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
)

// The list marks' types are written out in SQL twice, in the query and in
// the partial index: both must be the Go lists', word for word.
func TestMarksTypes(t *testing.T) {
	sqlList := func(ts []moves.EventType) string {
		var out []string
		for _, typ := range ts {
			out = append(out, fmt.Sprintf("'%s'", typ))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct{ name, got, want string }{
		{"importantTypes", importantTypes, sqlList(moves.ImportantEventTypes())},
		{"noticeTypes", noticeTypes, sqlList(notifyTypes)},
	} {
		if tc.got != tc.want {
			t.Errorf("%s is not the Go list:\n got %s\nwant %s\n(a change needs a migration recreating its index)", tc.name, tc.got, tc.want)
		}
		for _, eng := range []string{"sqlite", "postgres"} {
			b, err := migrationFiles.ReadFile("migrations/" + eng + "/0016_list_marks.sql")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "event_type IN ("+tc.got+")") {
				t.Errorf("%s migration 0016 does not index %s", eng, tc.name)
			}
		}
	}
}
