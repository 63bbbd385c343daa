package moves

import "time"

// AgeGroup is one of the age filters of the requests to review, as
// upstream offers them (young people are placed by other rules, so PMU
// looks at them apart). The groups are durations since birth: "over 19
// years" is more than 19 years since the date of birth, "19 years and
// under" is the rest, and the two youngest groups split that at 17 years
// and 8 months.
type AgeGroup struct {
	Key   string
	Label string
	// The time since birth is at least min and at most max (years and
	// months; zero for no bound); strict leaves the bound itself out.
	minYears, minMonths int
	maxYears, maxMonths int
	strictMin           bool
	strictMax           bool
}

// AgeGroups are the groups in the order a form offers them.
var AgeGroups = []AgeGroup{
	{Key: "over_19", Label: "Over 19 years", minYears: 19, strictMin: true},
	{Key: "19_and_under", Label: "19 years and under", maxYears: 19},
	{Key: "17y8m_to_19", Label: "17 years and 8 months to 19 years", minYears: 17, minMonths: 8, maxYears: 19},
	{Key: "under_17y8m", Label: "Under 17 years and 8 months", maxYears: 17, maxMonths: 8, strictMax: true},
}

// AgeGroupFor returns the group with key.
func AgeGroupFor(key string) (AgeGroup, bool) {
	for _, g := range AgeGroups {
		if g.Key == key {
			return g, true
		}
	}
	return AgeGroup{}, false
}

// BornBetween is the range of dates of birth (YYYY-MM-DD, inclusive;
// empty for no bound) of the people in the group on day today.
func (g AgeGroup) BornBetween(today string) (from, to string) {
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return "", ""
	}
	if g.minYears > 0 || g.minMonths > 0 {
		// Born on or before this day: at least that old.
		latest := t.AddDate(-g.minYears, -g.minMonths, 0)
		if g.strictMin {
			latest = latest.AddDate(0, 0, -1)
		}
		to = latest.Format(time.DateOnly)
	}
	if g.maxYears > 0 || g.maxMonths > 0 {
		// Born on or after this day: no older than that.
		earliest := t.AddDate(-g.maxYears, -g.maxMonths, 0)
		if g.strictMax {
			earliest = earliest.AddDate(0, 0, 1)
		}
		from = earliest.Format(time.DateOnly)
	}
	return from, to
}
