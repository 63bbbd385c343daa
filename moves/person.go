package moves

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pncCheckLetters maps a PNC's value mod 23 to its check letter. I, O and
// S are left out, so a typo in the check letter is itself caught.
const pncCheckLetters = "ZABCDEFGHJKLMNPQRTUVWXY"

var (
	pncRE = regexp.MustCompile(`^(\d{2}|\d{4})/(\d{1,7})([A-Z])$`)
	// Without a slash only the full form is unambiguous.
	pncCompactRE = regexp.MustCompile(`^(\d{4})(\d{7})([A-Z])$`)
	prisonNoRE   = regexp.MustCompile(`^[A-Z][0-9]{4}[A-Z]{2}$`)
)

// parsePNC splits a PNC number into its two-digit year, serial and check
// letter, and reports whether the check letter is right.
func parsePNC(s string) (yy, serial int, check byte, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	m := pncRE.FindStringSubmatch(s)
	if m == nil {
		m = pncCompactRE.FindStringSubmatch(s)
	}
	if m == nil {
		return 0, 0, 0, false
	}
	year := m[1]
	if len(year) == 4 {
		if c := year[:2]; c != "19" && c != "20" {
			return 0, 0, 0, false
		}
		year = year[2:]
	}
	yy, _ = strconv.Atoi(year)
	serial, _ = strconv.Atoi(m[2])
	check = m[3][0]
	// The check letter covers the year's last two digits followed by the
	// serial padded to seven digits, read as one nine-digit number.
	want := pncCheckLetters[(yy*10_000_000+serial)%23]
	return yy, serial, check, check == want
}

// ValidPNC reports whether s is a Police National Computer number with
// the right check letter: YY/NNNNNNNL or YYYY/NNNNNNNL, the serial having
// up to seven digits (YYYYNNNNNNNL without the slash is also accepted).
func ValidPNC(s string) bool {
	_, _, _, ok := parsePNC(s)
	return ok
}

// NormalizePNC returns the canonical YY/NNNNNNNL form of a PNC number, so
// that "2008/56560z" and "08/0056560Z" are found as the same person, or ""
// when s is not a valid PNC number.
func NormalizePNC(s string) string {
	yy, serial, check, ok := parsePNC(s)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%02d/%07d%c", yy, serial, check)
}

// ValidPrisonNumber reports whether s is a prison number such as A1234BC.
// Case and surrounding spaces are forgiven; store NormalizePrisonNumber.
func ValidPrisonNumber(s string) bool {
	return prisonNoRE.MatchString(NormalizePrisonNumber(s))
}

// NormalizePrisonNumber upper-cases and trims a prison number.
func NormalizePrisonNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Genders lists the genders a person may be recorded with.
var Genders = []string{"female", "male", "trans", "non_binary", "not_known"}

// GenderLabels names each gender.
var GenderLabels = map[string]string{
	"female":     "Female",
	"male":       "Male",
	"trans":      "Trans",
	"non_binary": "Non-binary",
	"not_known":  "Not known",
}

// MaxNameLength is the most characters a person's first names or last
// name may have.
const MaxNameLength = 200

// ValidatePerson checks a person's details. today is the London date,
// YYYY-MM-DD; a date of birth after it is refused.
func ValidatePerson(p Person, today string) FieldErrors {
	var fe FieldErrors
	switch {
	case strings.TrimSpace(p.FirstNames) == "":
		fe.Add("first_names", "blank", "Enter the person's first names")
	case utf8.RuneCountInString(p.FirstNames) > MaxNameLength:
		fe.Add("first_names", "too_long", fmt.Sprintf("First names must be %d characters or fewer", MaxNameLength))
	}
	switch {
	case strings.TrimSpace(p.LastName) == "":
		fe.Add("last_name", "blank", "Enter the person's last name")
	case utf8.RuneCountInString(p.LastName) > MaxNameLength:
		fe.Add("last_name", "too_long", fmt.Sprintf("Last name must be %d characters or fewer", MaxNameLength))
	}
	switch dob, err := ParseDate(p.DateOfBirth); {
	case p.DateOfBirth == "":
		fe.Add("date_of_birth", "blank", "Enter the person's date of birth")
	case err != nil:
		fe.Add("date_of_birth", "invalid", "Date of birth must be a real date")
	case dob <= "1900-01-01":
		fe.Add("date_of_birth", "invalid", "Date of birth must be after 1 January 1900")
	case today != "" && dob > today:
		fe.Add("date_of_birth", "invalid", "Date of birth must be today or in the past")
	}
	switch {
	case p.Gender == "":
		fe.Add("gender", "blank", "Select the person's gender")
	case !containsString(Genders, p.Gender):
		fe.Add("gender", "inclusion", "gender must be one of "+strings.Join(Genders, ", "))
	}
	if strings.TrimSpace(p.PNC) != "" && !ValidPNC(p.PNC) {
		fe.Add("police_national_computer", "invalid", "Enter a PNC number in the correct format with its check letter, like 08/0056560Z")
	}
	if strings.TrimSpace(p.PrisonNumber) != "" && !ValidPrisonNumber(p.PrisonNumber) {
		fe.Add("prison_number", "invalid", "Enter a prison number in the correct format, like A1234BC")
	}
	return fe
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
