package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
)

// The list marks' types are written out in SQL more than once, in the
// query, in the partial index of important events and in the triggers
// keeping the latest notices: all must be the Go lists', word for word.
func TestMarksTypes(t *testing.T) {
	sqlList := func(ts []moves.EventType) string {
		var out []string
		for _, typ := range ts {
			out = append(out, fmt.Sprintf("'%s'", typ))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name, got, want, migration string
		// every: the migration lists no other types (0016 made an index
		// of each list; 0022's triggers name the notices alone).
		every bool
	}{
		{"importantTypes", importantTypes, sqlList(moves.ImportantEventTypes()), "0016_list_marks.sql", false},
		{"noticeTypes", noticeTypes, sqlList(notifyTypes), "0022_move_notices.sql", true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s is not the Go list:\n got %s\nwant %s\n(a change needs a migration recreating what names them)", tc.name, tc.got, tc.want)
		}
		for _, eng := range []string{"sqlite", "postgres"} {
			b, err := migrationFiles.ReadFile("migrations/" + eng + "/" + tc.migration)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			lists, named := strings.Count(text, "event_type IN ("), strings.Count(text, "event_type IN ("+tc.got+")")
			if named == 0 || (tc.every && named != lists) {
				t.Errorf("%s migration %s names %s in %d of its %d lists of types", eng, tc.migration, tc.name, named, lists)
			}
		}
	}
}
