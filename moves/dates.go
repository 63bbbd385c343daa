package moves

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrHumanDate is returned for text ParseHumanDate cannot read as a date.
var ErrHumanDate = errors.New("enter a real date, such as 22/11/2026, 22 November 2026, today or next Friday")

var (
	numericDateRE = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$`)
	spaceRE       = regexp.MustCompile(`[\s,]+`)
	ordinalRE     = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?$`)
)

var monthNames = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

var dayNames = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday,
}

// ParseHumanDate reads a date the way people type it into "Jump to date"
// and date fields, and returns it as YYYY-MM-DD. today is the current
// date in Europe/London; only its year, month and day are used.
//
// It reads 22/11/2026, 22/11/26, 22-11-2026, 2026-11-22, 22 November
// 2026, 22 Nov 2026, 22nd November, November 22 2026, today, tomorrow,
// yesterday, a weekday ("Friday": the next one, or today if it is
// Friday), "next Friday" (strictly after today), "this Friday" (as
// "Friday") and "last Friday" (strictly before today). Dates are
// day-first, as in the UK. A two-digit year is the nearest one that is at
// most 20 years ahead: in 2026, 26 is 2026, 46 is 2046 and 47 is 1947.
func ParseHumanDate(s string, today time.Time) (string, error) {
	s = strings.ToLower(strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")))
	base := time.Date(today.Year(), today.Month(), today.Day(), 12, 0, 0, 0, time.UTC)
	day := func(n int) (string, error) { return base.AddDate(0, 0, n).Format(time.DateOnly), nil }
	switch s {
	case "":
		return "", ErrHumanDate
	case "today", "now":
		return day(0)
	case "tomorrow":
		return day(1)
	case "yesterday":
		return day(-1)
	}
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	if m := numericDateRE.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		if len(m[3]) == 2 {
			y = expandYear(y, base.Year())
		}
		return realDate(y, mo, d)
	}
	// "22nd of November" reads as "22nd November".
	var words []string
	for _, w := range strings.Fields(s) {
		if w != "of" {
			words = append(words, w)
		}
	}
	if wd, ok := weekday(words); ok {
		return day(wd(base))
	}
	return wordDate(words, base.Year())
}

// weekday reads "[this|next|last] <weekday>" and returns how many days
// from a base date it means.
func weekday(words []string) (func(time.Time) int, bool) {
	which := ""
	if len(words) == 2 {
		which, words = words[0], words[1:]
	}
	if len(words) != 1 {
		return nil, false
	}
	want, ok := dayNames[words[0]]
	if !ok {
		return nil, false
	}
	switch which {
	case "", "this", "coming":
		return func(b time.Time) int { return (int(want) - int(b.Weekday()) + 7) % 7 }, true
	case "next":
		return func(b time.Time) int { return (int(want)-int(b.Weekday())+6)%7 + 1 }, true
	case "last", "previous":
		return func(b time.Time) int { return -((int(b.Weekday())-int(want)+6)%7 + 1) }, true
	}
	return nil, false
}

// wordDate reads "22 November [2026]" or "November 22[ 2026]".
func wordDate(words []string, thisYear int) (string, error) {
	if len(words) < 2 || len(words) > 3 {
		return "", ErrHumanDate
	}
	dayWord, monthWord := words[0], words[1]
	if _, isMonth := monthNames[dayWord]; isMonth {
		dayWord, monthWord = monthWord, dayWord
	}
	m := ordinalRE.FindStringSubmatch(dayWord)
	month, ok := monthNames[monthWord]
	if m == nil || !ok {
		return "", ErrHumanDate
	}
	d, _ := strconv.Atoi(m[1])
	y := thisYear
	if len(words) == 3 {
		yw := words[2]
		if len(yw) != 2 && len(yw) != 4 {
			return "", ErrHumanDate
		}
		n, err := strconv.Atoi(yw)
		if err != nil || n < 0 {
			return "", ErrHumanDate
		}
		y = n
		if len(yw) == 2 {
			y = expandYear(n, thisYear)
		}
	}
	return realDate(y, int(month), d)
}

func expandYear(yy, thisYear int) int {
	y := thisYear/100*100 + yy
	if y > thisYear+20 {
		y -= 100
	} else if y <= thisYear-80 {
		y += 100
	}
	return y
}

// realDate refuses dates such as 31 February that time.Date would roll
// over into the next month.
func realDate(y, m, d int) (string, error) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return "", ErrHumanDate
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return "", ErrHumanDate
	}
	if y < minYear || y > maxYear {
		return "", ErrHumanDate
	}
	return t.Format(time.DateOnly), nil
}

// LongDate writes a YYYY-MM-DD date as "Friday 27 November 2026", for
// messages people read; a value that is not a date is returned as it is.
func LongDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("Monday 2 January 2006")
}
