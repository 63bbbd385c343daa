package store

import (
	"fmt"

	"github.com/securemove/securemove/moves"
)

// DemoPassword is every demo user's password.
const DemoPassword = "demo-password"

// demoPasswordHash is DemoPassword hashed once at the service's cost, so
// that seeding (and every reset) costs no bcrypt time: six hashes at cost
// 12 were most of the two to three seconds a demo start took.
// TestDemoPasswordHash checks it.
const demoPasswordHash = "$2a$12$DptmihxZD2.wQL6AXAO.HOuwjem36EzYtG8tkQ2uX08.fKwH0jyWe"

// DemoUser is a demo user and what the guide says of them.
type DemoUser struct {
	Username, FullName, Role string
	// Locations are location codes; Supplier a supplier key.
	Locations []string
	Supplier  string
	// Can says what the user may do, for the testing guide.
	Can string
}

// DemoUsers are the demo users, one per role (password DemoPassword).
var DemoUsers = []DemoUser{
	{Username: "pmu", FullName: "Priya Sharma", Role: "pmu", Can: "sees every move; reviews proposed prison transfers (approve, reject); cancels and changes moves"},
	{Username: "police", FullName: "Dan Mitchell", Role: "police", Locations: []string{"SRY016", "SRY014"},
		Can: "chooses Guildford or Staines police station after signing in; requests moves from it; cancels and changes them"},
	{Username: "prison", FullName: "Helen Carter", Role: "prison", Locations: []string{"BXI"},
		Can: "requests moves and proposes prison transfers from HMP Brixton; sees moves to and from it"},
	{Username: "oca", FullName: "Olu Adeyemi", Role: "oca", Locations: []string{"BAI"},
		Can: "sees the allocations from HMP Belmarsh and adds people to their places or removes them; sees moves to and from Belmarsh"},
	{Username: "court", FullName: "Gareth Jones", Role: "court", Locations: []string{"GUILCC"},
		Can: "sees moves to and from Guildford Crown Court"},
	{Username: "supplier", FullName: "Sam Okoro", Role: "supplier", Supplier: "serco",
		Can: "sees the moves Serco serves (London, South of England, youth estate)"},
	{Username: "admin", FullName: "Alex Admin", Role: "admin", Can: "manages users, locations, suppliers and API clients; sees no moves"},
}

// DemoClient is an API client of a demo supplier, with fixed credentials so
// a test suite can play the supplier at once. They exist only in demo mode,
// which production refuses.
type DemoClient struct {
	Supplier, ClientID, Secret string
}

// DemoClients are the demo API clients, one per supplier.
var DemoClients = []DemoClient{
	{Supplier: "serco", ClientID: "demo-serco", Secret: "demo-serco-secret"},
	{Supplier: "geoamey", ClientID: "demo-geoamey", Secret: "demo-geoamey-secret"},
}

type demoLocation struct {
	title, code, region string
	typ                 moves.LocationType
	disabled            bool
}

// demoLocations are real public places with NOMIS-style codes.
var demoLocations = []demoLocation{
	// Police custody suites.
	{"Bishopsgate Police Station", "CLP1", "london", moves.LocPolice, false},
	{"Charing Cross Police Station", "MPS2", "london", moves.LocPolice, false},
	{"Wembley Police Station", "MPS3", "london", moves.LocPolice, false},
	{"Guildford Police Station", "SRY016", "south", moves.LocPolice, false},
	{"Staines Police Station", "SRY014", "south", moves.LocPolice, false},
	{"Leeds Elland Road Police Station", "WYP1", "north", moves.LocPolice, false},
	{"Manchester Central Park Police Station", "GMP1", "north", moves.LocPolice, false},
	{"Birmingham Perry Barr Custody Suite", "WMP1", "midlands", moves.LocPolice, false},
	{"Cardiff Bay Police Station", "SWP1", "wales", moves.LocPolice, false},
	// Courts.
	{"Westminster Magistrates' Court", "WSTRMC", "london", moves.LocCourt, false},
	{"Highbury Corner Magistrates' Court", "HIGHMC", "london", moves.LocCourt, false},
	{"Central Criminal Court (Old Bailey)", "OLDBCC", "london", moves.LocCourt, false},
	{"Southwark Crown Court", "SWRKCC", "london", moves.LocCourt, false},
	{"Guildford Crown Court", "GUILCC", "south", moves.LocCourt, false},
	{"Guildford Magistrates' Court", "GUILMC", "south", moves.LocCourt, false},
	{"Leeds Crown Court", "LEEDCC", "north", moves.LocCourt, false},
	{"Leeds Magistrates' Court", "LEEDMC", "north", moves.LocCourt, false},
	{"Manchester Crown Court (Minshull Street)", "MNCHCC", "north", moves.LocCourt, false},
	{"Birmingham Crown Court", "BIRMCC", "midlands", moves.LocCourt, false},
	{"Birmingham Magistrates' Court", "BIRMMC", "midlands", moves.LocCourt, false},
	{"Cardiff Crown Court", "CARDCC", "wales", moves.LocCourt, false},
	// Prisons.
	{"HMP Pentonville", "PVI", "london", moves.LocPrison, false},
	{"HMP Wandsworth", "WWI", "london", moves.LocPrison, false},
	{"HMP Brixton", "BXI", "london", moves.LocPrison, false},
	{"HMP Belmarsh", "BAI", "london", moves.LocPrison, false},
	{"HMP Wormwood Scrubs", "WSI", "london", moves.LocPrison, false},
	{"HMP Thameside", "TSI", "london", moves.LocPrison, false},
	{"HMP Bronzefield", "BZI", "south", moves.LocPrison, false},
	{"HMP High Down", "HOI", "south", moves.LocPrison, false},
	{"HMP Leeds", "LEI", "north", moves.LocPrison, false},
	{"HMP Manchester", "MRI", "north", moves.LocPrison, false},
	{"HMP Birmingham", "BMI", "midlands", moves.LocPrison, false},
	{"HMP Nottingham", "NMI", "midlands", moves.LocPrison, false},
	{"HMP Cardiff", "CFI", "wales", moves.LocPrison, false},
	// Young offender institutions.
	{"HMYOI Feltham", "FMI", "youth", moves.LocYOI, false},
	{"HMP & YOI Wetherby", "WYI", "youth", moves.LocYOI, false},
	{"HMYOI Cookham Wood", "CKI", "youth", moves.LocYOI, false},
	{"HMYOI Werrington", "WNI", "youth", moves.LocYOI, false},
	// Hospitals.
	{"Broadmoor Hospital", "BROADM", "south", moves.LocHighSecurityHospital, false},
	{"Rampton Secure Hospital", "RAMPTN", "midlands", moves.LocHighSecurityHospital, false},
	{"Ashworth Hospital", "ASHWTH", "north", moves.LocHighSecurityHospital, false},
	{"St Thomas' Hospital", "STTHOM", "london", moves.LocHospital, false},
	{"Royal Surrey County Hospital", "RSURCH", "south", moves.LocHospital, false},
	{"Leeds General Infirmary", "LEEDGI", "north", moves.LocHospital, false},
	// Secure children's homes and secure training centres.
	{"Aldine House Secure Children's Home", "SCH1", "youth", moves.LocSCH, false},
	{"Clayfields House Secure Children's Home", "SCH2", "youth", moves.LocSCH, false},
	{"Lincolnshire Secure Unit", "SCH3", "youth", moves.LocSCH, false},
	{"Adel Beck Secure Children's Home", "SCH9", "youth", moves.LocSCH, false},
	{"Oakhill Secure Training Centre", "STC3", "youth", moves.LocSTC, false},
	{"Rainsbrook Secure Training Centre", "STC1", "youth", moves.LocSTC, true},
	// Approved premises.
	{"Ealing Approved Premises", "APEAL1", "london", moves.LocApprovedPremises, false},
}

var demoRegions = []moves.Region{
	{Key: "london", Name: "London and the East of England"},
	{Key: "south", Name: "South of England"},
	{Key: "midlands", Name: "Midlands and York and Humberside"},
	{Key: "north", Name: "North East and North West"},
	{Key: "wales", Name: "Wales"},
	{Key: "youth", Name: "Youth Custody Service"},
}

// Which supplier serves each region.
var demoRegionSupplier = map[string]string{
	"london": "serco", "south": "serco", "youth": "serco",
	"midlands": "geoamey", "north": "geoamey", "wales": "geoamey",
}

var demoPeople = []struct{ first, last, dob, gender string }{
	{"James", "Anderson", "1988-03-14", "male"}, {"Olivia", "Bennett", "1995-07-02", "female"},
	{"Mohammed", "Khan", "1979-11-23", "male"}, {"Sophie", "Clarke", "2001-01-30", "female"},
	{"Daniel", "Hughes", "1992-05-17", "male"}, {"Aisha", "Begum", "1998-09-08", "female"},
	{"Thomas", "Wright", "1985-12-01", "male"}, {"Emily", "Walker", "1990-04-22", "female"},
	{"Ryan", "O'Connor", "2007-06-11", "male"}, {"Grace", "Evans", "1983-08-19", "female"},
	{"Lewis", "Morgan", "1999-02-27", "male"}, {"Chloe", "Roberts", "2008-10-05", "female"},
	{"Kwame", "Mensah", "1987-01-15", "male"}, {"Hannah", "Patel", "1994-03-03", "female"},
	{"Connor", "Davies", "2006-12-24", "male"}, {"Zara", "Ahmed", "1996-06-06", "female"},
	{"Liam", "Murphy", "1981-09-29", "male"}, {"Jessica", "Thompson", "1989-11-11", "female"},
	{"Marek", "Nowak", "1977-04-04", "male"}, {"Amelia", "Scott", "2002-08-14", "female"},
	{"Nathan", "Price", "1993-10-10", "male"}, {"Ruby", "Hall", "1986-02-18", "female"},
	{"Callum", "Reid", "2005-05-25", "male"}, {"Leah", "Young", "1997-07-07", "female"},
	{"Adebayo", "Okafor", "1984-03-31", "male"}, {"Megan", "King", "1991-01-09", "female"},
	{"Jack", "Turner", "1980-06-20", "male"}, {"Isla", "Campbell", "2000-09-16", "female"},
	{"Samuel", "Green", "1976-12-12", "male"}, {"Freya", "Baker", "1999-04-28", "female"},
	{"Harvey", "Lewis", "2007-02-02", "male"}, {"Ellie", "Wood", "1988-08-08", "female"},
	{"Dominic", "Fraser", "1982-05-05", "male"}, {"Maya", "Shah", "1995-11-30", "female"},
	{"Tyler", "Brooks", "2003-03-13", "male"}, {"Poppy", "Ward", "1990-10-21", "female"},
}

// demoPNC makes a valid PNC number for a year and serial by finding its
// check character.
func demoPNC(year, serial int) string {
	for _, c := range "ABCDEFGHJKLMNPQRTUVWXYZ" {
		s := fmt.Sprintf("%02d/%07d%c", year%100, serial, c)
		if moves.ValidPNC(s) {
			return s
		}
	}
	return ""
}
