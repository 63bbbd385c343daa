package moves

import "testing"

func TestAgeGroupsBornBetween(t *testing.T) {
	const today = "2026-01-15"
	cases := []struct {
		key      string
		from, to string
	}{
		{"over_19", "", "2007-01-14"},
		{"19_and_under", "2007-01-15", ""},
		{"17y8m_to_19", "2007-01-15", "2008-05-15"},
		{"under_17y8m", "2008-05-16", ""},
	}
	for _, c := range cases {
		g, ok := AgeGroupFor(c.key)
		if !ok {
			t.Fatalf("no group %s", c.key)
		}
		if from, to := g.BornBetween(today); from != c.from || to != c.to {
			t.Errorf("%s: born between %q and %q; want %q and %q", c.key, from, to, c.from, c.to)
		}
	}
	if _, ok := AgeGroupFor("over_60"); ok {
		t.Error("an unknown group was found")
	}
	// Every date of birth is in exactly one of "over 19" and "19 and
	// under", and the two youngest groups together are "19 and under".
	in := func(key, dob string) bool {
		g, _ := AgeGroupFor(key)
		from, to := g.BornBetween(today)
		return (from == "" || dob >= from) && (to == "" || dob <= to)
	}
	for _, dob := range []string{"1990-01-01", "2007-01-14", "2007-01-15", "2008-05-15", "2008-05-16", "2012-06-30"} {
		if in("over_19", dob) == in("19_and_under", dob) {
			t.Errorf("%s: over 19 %v, 19 and under %v", dob, in("over_19", dob), in("19_and_under", dob))
		}
		if in("19_and_under", dob) != (in("17y8m_to_19", dob) || in("under_17y8m", dob)) || (in("17y8m_to_19", dob) && in("under_17y8m", dob)) {
			t.Errorf("%s: the youngest groups do not split 19 and under", dob)
		}
	}
}
