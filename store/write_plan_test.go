package store

import (
	"strings"
	"testing"
)

// Every keyed write looks its key up first, inside the single writer: in
// the key's narrow unique index, not in a b-tree that also holds every
// kept answer, four or five to a page (migration 0024).
func TestKeyLookupReadsTheKeysIndex(t *testing.T) {
	s := planStore(t)
	plan := queryPlan(t, s, keptAnswerQuery, "c", "k", 0)
	want := "SEARCH idempotency_keys USING INDEX idempotency_keys_key (client_id=? AND key=?)"
	if !strings.Contains(plan, want) {
		t.Errorf("plan does not contain %q:\n%s", want, plan)
	}
}
