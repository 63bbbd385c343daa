package handlers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
)

// reqPNCExample is a PNC number with the right check letter, for hints
// and messages (moves.ValidPNC accepts it; a test makes sure).
const reqPNCExample = "2008/0123456M"

var reqTimeRE = regexp.MustCompile(`^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$`)

// reqParseTime reads a time of day as people type it (10am, 10:30,
// 2.15pm, 1430, noon) and returns it as HH:MM.
func reqParseTime(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "noon", "midday", "12 noon":
		return "12:00", true
	case "midnight":
		return "00:00", true
	}
	m := reqTimeRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	hh, _ := strconv.Atoi(m[1])
	mm := 0
	if m[2] != "" {
		mm, _ = strconv.Atoi(m[2])
	} else if len(m[1]) > 2 {
		return "", false
	}
	if mm > 59 {
		return "", false
	}
	switch strings.ReplaceAll(m[3], ".", "") {
	case "am":
		if hh < 1 || hh > 12 {
			return "", false
		}
		if hh == 12 {
			hh = 0
		}
	case "pm":
		if hh < 1 || hh > 12 {
			return "", false
		}
		if hh != 12 {
			hh += 12
		}
	default:
		if hh > 23 {
			return "", false
		}
	}
	return fmt.Sprintf("%02d:%02d", hh, mm), true
}

// reqTimeLabel shows HH:MM as "10am" or "2:30pm".
func reqTimeLabel(hhmm string) string {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return hhmm
	}
	if t.Minute() == 0 {
		return t.Format("3pm")
	}
	return t.Format("3:04pm")
}

// reqTimeDue is the moment a move is due: date and HH:MM in serve.London.
func reqTimeDue(date, hhmm string) *time.Time {
	if date == "" || hhmm == "" {
		return nil
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+hhmm, serve.London)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

func reqTooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// reqFlagOption is a box on a risk, health or court page.
type reqFlagOption struct {
	Key   string
	Label string
}

// reqFlagPage describes one of the risk, health and court pages.
type reqFlagPage struct {
	Category moves.FlagCategory
	Title    string
	Hint     string
	None     string
	Blank    string
	Both     string
	Summary  string // the check-answers row
	Options  []reqFlagOption
}

// requestFlagPages are the profile questions, in the order they are asked.
// The keys are those of the profile flags (moves.Flag.Key).
var requestFlagPages = []reqFlagPage{
	{
		Category: moves.FlagCourt,
		Title:    "Does the court need to know anything about this person?",
		Hint:     "Select all that apply.",
		None:     "No, there is nothing the court needs to know",
		Blank:    "Select what the court needs to know, or that there is nothing",
		Both:     "Select what the court needs to know, or that there is nothing, not both",
		Summary:  "Court information",
		Options:  reqFlagOptions(moves.FlagCourt),
	},
	{
		Category: moves.FlagRisk,
		Title:    "Are there any risks in moving this person?",
		Hint:     "Select all that apply.",
		None:     "No, there are no known risks",
		Blank:    "Select the risks in moving this person, or that there are none",
		Both:     "Select the risks in moving this person, or that there are none, not both",
		Summary:  "Risks",
		Options:  reqFlagOptions(moves.FlagRisk),
	},
	{
		Category: moves.FlagHealth,
		Title:    "Does this person have health needs on the journey?",
		Hint:     "Select all that apply.",
		None:     "No, there are no health needs",
		Blank:    "Select the person's health needs, or that there are none",
		Both:     "Select the person's health needs, or that there are none, not both",
		Summary:  "Health",
		Options:  reqFlagOptions(moves.FlagHealth),
	},
}

func reqFlagPageFor(cat string) (reqFlagPage, bool) {
	for _, p := range requestFlagPages {
		if string(p.Category) == cat {
			return p, true
		}
	}
	return reqFlagPage{}, false
}

// reqFlagOptions are a category's boxes, in the domain's order.
func reqFlagOptions(c moves.FlagCategory) []reqFlagOption {
	var out []reqFlagOption
	for _, k := range moves.FlagKeys[c] {
		out = append(out, reqFlagOption{k, moves.Flag{Category: c, Key: k}.Label()})
	}
	return out
}

// reqEthnicities are the ethnic groups of the 2021 census in England and
// Wales, the list government services ask people to choose from.
var reqEthnicities = []string{
	"White: English, Welsh, Scottish, Northern Irish or British",
	"White: Irish",
	"White: Gypsy or Irish Traveller",
	"White: Roma",
	"White: Any other White background",
	"Mixed or Multiple: White and Black Caribbean",
	"Mixed or Multiple: White and Black African",
	"Mixed or Multiple: White and Asian",
	"Mixed or Multiple: Any other Mixed or Multiple background",
	"Asian or Asian British: Indian",
	"Asian or Asian British: Pakistani",
	"Asian or Asian British: Bangladeshi",
	"Asian or Asian British: Chinese",
	"Asian or Asian British: Any other Asian background",
	"Black, Black British, Caribbean or African: Caribbean",
	"Black, Black British, Caribbean or African: African",
	"Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
	"Other ethnic group: Arab",
	"Other ethnic group: Any other ethnic group",
}
