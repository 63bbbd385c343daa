package moves

import (
	"slices"
	"testing"
)

// Real-format PNC numbers with correct check letters, as used in the
// Ministry of Justice's own validator tests.
var validPNCs = []string{
	"2001/0171310W", "2011/0275516Q", "2008/0056560Z", "2003/0062845E", "1981/0154257C",
	"20030011985X", "20120052494Q", "20230583843L",
}

func TestValidPNC(t *testing.T) {
	for _, p := range validPNCs {
		if !ValidPNC(p) {
			t.Errorf("%q refused", p)
		}
	}
	// Short forms of the same numbers: two-digit year, no leading zeros,
	// lower case, spaces around.
	for _, p := range []string{"01/0171310W", "01/171310W", "08/56560Z", "08/56560z", " 81/154257C ", "2008/56560Z"} {
		if !ValidPNC(p) {
			t.Errorf("%q refused", p)
		}
	}
	// The brief's own example has the wrong check letter: 080123456 mod 23
	// is 12, which is M.
	if ValidPNC("2008/0123456L") || !ValidPNC("2008/0123456M") {
		t.Error("check letter of 2008/0123456 is M")
	}
	// Every other letter is wrong for each valid number.
	for _, p := range validPNCs {
		for c := byte('A'); c <= 'Z'; c++ {
			if c == p[len(p)-1] {
				continue
			}
			bad := p[:len(p)-1] + string(c)
			if ValidPNC(bad) {
				t.Errorf("%q accepted", bad)
			}
		}
	}
	for _, p := range []string{
		"", "2008/0056560", "2008/00565601Z", "2008/Z", "208/0056560Z", "1881/0056560Z",
		"2008-0056560Z", "2008/0056560ZZ", "1X23/1234567A", "1923[1234567A", "1923/1Z34567A",
		"008/0056560Z", "0056560Z", "200800565601Z",
	} {
		if ValidPNC(p) {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestNormalizePNC(t *testing.T) {
	cases := map[string]string{
		"2008/0056560Z":  "08/0056560Z",
		"08/56560z":      "08/0056560Z",
		" 2001/171310w ": "01/0171310W",
		"20030011985X":   "03/0011985X",
		"1981/0154257C":  "81/0154257C",
		"2008/0056560Y":  "",
		"rubbish":        "",
	}
	for in, want := range cases {
		if got := NormalizePNC(in); got != want {
			t.Errorf("NormalizePNC(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestValidPrisonNumber(t *testing.T) {
	for _, s := range []string{"A1234BC", "a1234bc", " G5555UN "} {
		if !ValidPrisonNumber(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "A1234B", "A12345BC", "11234BC", "A1234B1", "AB234BC", "A 1234BC"} {
		if ValidPrisonNumber(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestValidatePerson(t *testing.T) {
	ok := Person{FirstNames: "Alex James", LastName: "Smith", DateOfBirth: "1990-05-17", Gender: "male", PNC: "08/56560Z", PrisonNumber: "A1234BC"}
	cases := []struct {
		name string
		f    func(*Person)
		want []string
	}{
		{"valid", func(*Person) {}, nil},
		{"no optional numbers", func(p *Person) { p.PNC, p.PrisonNumber = "", "" }, nil},
		{"born today", func(p *Person) { p.DateOfBirth = "2026-03-02" }, nil},
		{"born tomorrow", func(p *Person) { p.DateOfBirth = "2026-03-03" }, []string{"date_of_birth"}},
		{"born 1900-01-01", func(p *Person) { p.DateOfBirth = "1900-01-01" }, []string{"date_of_birth"}},
		{"born 1900-01-02", func(p *Person) { p.DateOfBirth = "1900-01-02" }, nil},
		{"no such day", func(p *Person) { p.DateOfBirth = "1990-02-30" }, []string{"date_of_birth"}},
		{"UK order", func(p *Person) { p.DateOfBirth = "17/05/1990" }, []string{"date_of_birth"}},
		{"blank names", func(p *Person) { p.FirstNames, p.LastName = " ", "" }, []string{"first_names", "last_name"}},
		{"everything missing", func(p *Person) { *p = Person{} }, []string{"first_names", "last_name", "date_of_birth", "gender"}},
		{"unknown gender", func(p *Person) { p.Gender = "Male" }, []string{"gender"}},
		{"bad PNC check", func(p *Person) { p.PNC = "08/56560Y" }, []string{"police_national_computer"}},
		{"bad prison number", func(p *Person) { p.PrisonNumber = "1234ABC" }, []string{"prison_number"}},
	}
	for _, c := range cases {
		p := ok
		c.f(&p)
		fe := ValidatePerson(p, "2026-03-02")
		if got := fields(fe); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v; want %v (%+v)", c.name, got, c.want, fe)
		}
		for _, e := range fe {
			if e.Message == "" || e.Code == "" {
				t.Errorf("%s: empty message or code: %+v", c.name, e)
			}
		}
	}
	for _, g := range Genders {
		p := ok
		p.Gender = g
		if fe := ValidatePerson(p, "2026-03-02"); len(fe) > 0 {
			t.Errorf("gender %s: %+v", g, fe)
		}
	}
}
