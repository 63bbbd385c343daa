package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// DemoPassword is every demo user's password.
const DemoPassword = "demo-password"

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

// SeedDemo fills an empty database with realistic demo data: regions,
// locations, the two suppliers, people, moves in every status around today
// with their events, and one user per role. It does nothing (and returns
// false) once any user exists, so it runs once.
func (s *Store) SeedDemo(ctx context.Context, now time.Time) (bool, error) {
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return false, err
	}
	rng := rand.New(rand.NewPCG(20261122, 7))
	regions := map[string]string{}
	for _, r := range demoRegions {
		r := r
		if err := s.CreateRegion(ctx, &r); err != nil {
			return false, err
		}
		regions[r.Key] = r.ID
	}
	suppliers := map[string]string{}
	for _, sp := range []moves.Supplier{{Key: "serco", Name: "Serco"}, {Key: "geoamey", Name: "GEOAmey"}} {
		sp := sp
		if err := s.CreateSupplier(ctx, &sp); err != nil {
			return false, err
		}
		suppliers[sp.Key] = sp.ID
	}
	byCode := map[string]moves.Location{}
	for _, dl := range demoLocations {
		l := moves.Location{Title: dl.title, Code: dl.code, Type: dl.typ, RegionID: regions[dl.region], Disabled: dl.disabled}
		if err := s.CreateLocation(ctx, &l); err != nil {
			return false, err
		}
		byCode[dl.code] = l
		if err := s.AddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: suppliers[demoRegionSupplier[dl.region]],
			LocationID: l.ID, EffectiveFrom: "2020-08-29"}); err != nil {
			return false, err
		}
	}
	users := []User{
		{Username: "pmu", FullName: "Priya Sharma", Role: "pmu"},
		{Username: "police", FullName: "Dan Mitchell", Role: "police", LocationIDs: []string{byCode["SRY016"].ID, byCode["SRY014"].ID}},
		{Username: "prison", FullName: "Helen Carter", Role: "prison", LocationIDs: []string{byCode["BXI"].ID}},
		{Username: "oca", FullName: "Olu Adeyemi", Role: "oca", LocationIDs: []string{byCode["BAI"].ID}},
		{Username: "court", FullName: "Gareth Jones", Role: "court", LocationIDs: []string{byCode["GUILCC"].ID}},
		{Username: "supplier", FullName: "Sam Okoro", Role: "supplier", SupplierID: suppliers["serco"]},
		{Username: "admin", FullName: "Alex Admin", Role: "admin"},
	}
	for i := range users {
		if err := s.CreateUser(ctx, &users[i], DemoPassword); err != nil {
			return false, err
		}
	}
	today := now.In(london)
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	at := func(n, hour, minute int) time.Time {
		d := today.AddDate(0, 0, n)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, london)
	}
	var people []moves.Person
	for i, dp := range demoPeople {
		p := moves.Person{FirstNames: dp.first, LastName: dp.last, DateOfBirth: dp.dob, Gender: dp.gender, CreatedBy: "demo"}
		if i%3 != 2 {
			p.PNC = demoPNC(2000+i%20, 100000+i*7919)
		}
		if i%2 == 0 {
			p.PrisonNumber = fmt.Sprintf("A%04d%c%c", 1000+i*37, 'A'+rune(i%26), 'B'+rune(i%24))
		}
		if err := s.CreatePerson(ctx, &p, day(0)); err != nil {
			return false, fmt.Errorf("person %s: %w", dp.last, err)
		}
		people = append(people, p)
	}
	flagsets := [][]moves.Flag{
		nil,
		{{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff during arrest"}},
		{{Category: moves.FlagHealth, Key: "medication", Details: "Insulin twice daily"}},
		{{Category: moves.FlagRisk, Key: "self_harm"}, {Category: moves.FlagHealth, Key: "health_issue", Details: "Asthma"}},
		{{Category: moves.FlagCourt, Key: "interpreter", Details: "Polish"}},
		{{Category: moves.FlagRisk, Key: "escape", Details: "Escape attempt in 2023"}, {Category: moves.FlagRisk, Key: "hold_separately"}},
	}
	type plan struct {
		from, to string
		typ      moves.MoveType
		dayOff   int
		status   moves.Status
		hour     int
	}
	plans := []plan{
		// Guildford custody suite: today's court list and more.
		{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9},
		{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8},
		{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusRequested, 10},
		{"SRY016", "GUILMC", moves.CourtAppearance, 0, moves.StatusCompleted, 7},
		{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusCancelled, 9},
		{"SRY016", "RSURCH", moves.Hospital, 1, moves.StatusRequested, 11},
		{"SRY016", "HOI", moves.PrisonRecall, 1, moves.StatusBooked, 14},
		{"SRY016", "SRY014", moves.PoliceTransfer, 2, moves.StatusRequested, 13},
		{"SRY014", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9},
		{"SRY014", "GUILMC", moves.CourtAppearance, 1, moves.StatusRequested, 9},
		{"SRY014", "", moves.VideoRemand, 3, moves.StatusRequested, 10},
		// Prisons to court.
		{"BXI", "SWRKCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8},
		{"BXI", "OLDBCC", moves.CourtAppearance, 0, moves.StatusBooked, 9},
		{"BXI", "WSTRMC", moves.CourtAppearance, 1, moves.StatusRequested, 9},
		{"BXI", "STTHOM", moves.Hospital, 2, moves.StatusBooked, 15},
		{"PVI", "HIGHMC", moves.CourtAppearance, 0, moves.StatusCompleted, 8},
		{"WWI", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9},
		{"HOI", "GUILCC", moves.CourtAppearance, 0, moves.StatusRequested, 10},
		{"LEI", "LEEDCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8},
		{"MRI", "MNCHCC", moves.CourtAppearance, 1, moves.StatusBooked, 9},
		{"BMI", "BIRMCC", moves.CourtAppearance, 0, moves.StatusCompleted, 8},
		{"CFI", "CARDCC", moves.CourtAppearance, 2, moves.StatusRequested, 9},
		// Prison transfers: proposed, approved and rejected.
		{"BXI", "WWI", moves.PrisonTransfer, 3, moves.StatusProposed, 10},
		{"BXI", "HOI", moves.PrisonTransfer, 4, moves.StatusProposed, 10},
		{"PVI", "BXI", moves.PrisonTransfer, 2, moves.StatusProposed, 10},
		{"WSI", "BXI", moves.PrisonTransfer, 1, moves.StatusBooked, 10},
		{"BXI", "TSI", moves.PrisonTransfer, 5, moves.StatusRequested, 10},
		{"BAI", "BXI", moves.PrisonTransfer, 6, moves.StatusProposed, 10},
		{"BXI", "BZI", moves.PrisonTransfer, 2, moves.StatusCancelled, 10},
		{"FMI", "WYI", moves.PrisonTransfer, 4, moves.StatusProposed, 10},
		{"SCH1", "CKI", moves.PrisonTransfer, 5, moves.StatusProposed, 10},
		// Elsewhere.
		{"CLP1", "WSTRMC", moves.CourtAppearance, 0, moves.StatusBooked, 9},
		{"MPS2", "WSTRMC", moves.CourtAppearance, 0, moves.StatusRequested, 9},
		{"MPS3", "HIGHMC", moves.CourtAppearance, 1, moves.StatusRequested, 9},
		{"WYP1", "LEEDMC", moves.CourtAppearance, 0, moves.StatusInTransit, 8},
		{"GMP1", "MRI", moves.PrisonRecall, 0, moves.StatusCompleted, 7},
		{"WMP1", "BIRMMC", moves.CourtAppearance, -1, moves.StatusCompleted, 9},
		{"SWP1", "CARDCC", moves.CourtAppearance, -1, moves.StatusCancelled, 9},
		{"BXI", "BROADM", moves.Hospital, 3, moves.StatusRequested, 11},
		{"STC3", "GUILCC", moves.CourtAppearance, 1, moves.StatusRequested, 9},
	}
	supplierName := map[string]string{suppliers["serco"]: "Serco", suppliers["geoamey"]: "GEOAmey"}
	var rejectedOne bool
	for i, pl := range plans {
		p := people[i%len(people)]
		created := at(min(pl.dayOff, 0)-2, 9+i%6, (i*7)%60)
		nm := NewMove{MoveType: pl.typ, FromID: byCode[pl.from].ID, PersonID: p.ID, Flags: flagsets[i%len(flagsets)],
			CreatedBy: map[bool]string{true: "prison", false: "police"}[byCode[pl.from].Type.Detained()], At: created}
		if pl.to != "" {
			nm.ToID = byCode[pl.to].ID
		}
		if pl.typ == moves.PrisonTransfer {
			nm.DateFrom, nm.DateTo = day(pl.dayOff), day(pl.dayOff+7)
		} else {
			nm.Date = day(pl.dayOff)
			if pl.typ == moves.CourtAppearance || pl.typ == moves.Hospital {
				due := at(pl.dayOff, pl.hour+1, 0).UTC()
				nm.TimeDue = &due
			}
		}
		if i%5 == 0 {
			nm.Notes = "Requires an interpreter on arrival."
		}
		m, err := s.CreateMove(ctx, nm)
		if err != nil {
			return false, fmt.Errorf("demo move %d (%s to %s): %w", i, pl.from, pl.to, err)
		}
		sup := supplierName[m.SupplierID]
		post := func(t moves.EventType, when time.Time, by string, details map[string]any, rels map[string]string) error {
			ev := moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: t, OccurredAt: when.UTC(), RecordedAt: when.UTC().Add(time.Duration(rng.IntN(90)) * time.Second),
				CreatedBy: by, Details: details, Rels: rels}
			if by == sup {
				ev.SupplierID = m.SupplierID
			}
			_, _, err := s.AppendEvent(ctx, ev, AppendOptions{By: by})
			if err != nil {
				return fmt.Errorf("demo move %d %s: %w", i, t, err)
			}
			return nil
		}
		dayStart := at(pl.dayOff, pl.hour, 0)
		steps := []struct {
			t       moves.EventType
			when    time.Time
			by      string
			details map[string]any
			rels    map[string]string
		}{}
		add := func(t moves.EventType, when time.Time, by string, d map[string]any, r map[string]string) {
			steps = append(steps, struct {
				t       moves.EventType
				when    time.Time
				by      string
				details map[string]any
				rels    map[string]string
			}{t, when, by, d, r})
		}
		if pl.typ == moves.PrisonTransfer && pl.status != moves.StatusProposed {
			if pl.status == moves.StatusCancelled && !rejectedOne {
				rejectedOne = true
				add(moves.EventMoveReject, created.Add(26*time.Hour), "pmu", map[string]any{"rejection_reason": "no_space_at_receiving_prison", "rebook": false,
					"cancellation_reason_comment": "No space until next month"}, nil)
			} else {
				add(moves.EventMoveApprove, created.Add(24*time.Hour), "pmu", map[string]any{"date": day(pl.dayOff)}, nil)
			}
		}
		switch pl.status {
		case moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted:
			add(moves.EventMoveAccept, created.Add(2*time.Hour), sup, nil, nil)
		}
		switch pl.status {
		case moves.StatusInTransit, moves.StatusCompleted:
			add(moves.EventMoveNotifyPremisesOfExpectedCollectionTime, dayStart.Add(-90*time.Minute), sup,
				map[string]any{"expected_at": dayStart.Format(time.RFC3339)}, nil)
			add(moves.EventMoveCollectionByEscort, dayStart.Add(-10*time.Minute), sup, map[string]any{"vehicle_type": "pro_cab"}, nil)
			add(moves.EventMoveStart, dayStart, sup, nil, nil)
			add(moves.EventMoveNotifyPremisesOfEta, dayStart.Add(5*time.Minute), sup,
				map[string]any{"expected_at": dayStart.Add(55 * time.Minute).Format(time.RFC3339)}, nil)
		}
		if pl.status == moves.StatusCompleted {
			add(moves.EventMoveNotifyPremisesOfArrivalIn30Mins, dayStart.Add(30*time.Minute), sup, nil, nil)
			add(moves.EventMoveComplete, dayStart.Add(62*time.Minute), sup, nil, nil)
		}
		if pl.status == moves.StatusCancelled && pl.typ != moves.PrisonTransfer {
			add(moves.EventMoveCancel, created.Add(5*time.Hour), "police", map[string]any{"cancellation_reason": "prisoner_to_be_released_on_bail",
				"cancellation_reason_comment": "Bail granted at remand hearing"}, nil)
		}
		if pl.status == moves.StatusCancelled && pl.typ == moves.PrisonTransfer && i%2 == 1 {
			add(moves.EventMoveCancel, created.Add(5*time.Hour), "prison", map[string]any{"cancellation_reason": "cancelled_by_pmu"}, nil)
		}
		if i == 1 {
			// An incident on the road.
			add(moves.EventPersonMoveMinorIncidentOther, dayStart.Add(20*time.Minute), sup, map[string]any{"fault_classification": "investigation",
				"reported_at": dayStart.Add(25 * time.Minute).Format(time.RFC3339)}, map[string]string{"location": byCode["SRY016"].ID})
		}
		if i == 11 {
			add(moves.EventMoveLockout, dayStart.Add(-30*time.Minute), sup, map[string]any{"reason": "no_space", "authorised_by": "PMU"},
				map[string]string{"from_location": byCode["SWRKCC"].ID})
		}
		if i == 18 {
			// Arrives late: occurred before the start, recorded after.
			add(moves.EventMoveOperationSafeguard, dayStart.Add(-3*time.Hour), sup, map[string]any{"authorised_by": "PMU"}, nil)
		}
		for _, st := range steps {
			if err := post(st.t, st.when, st.by, st.details, st.rels); err != nil {
				return false, err
			}
		}
	}
	if err := s.seedDemoAllocations(ctx, byCode, people, day(0), day); err != nil {
		return false, err
	}
	return true, nil
}

// seedDemoAllocations makes three allocations from HMP Belmarsh (where the
// demo oca user works): one waiting for people, one partly filled, one
// cancelled.
func (s *Store) seedDemoAllocations(ctx context.Context, byCode map[string]moves.Location, people []moves.Person, today string, day func(int) string) error {
	crit := moves.Criteria{Estate: moves.EstateAdultMale, PrisonerCategory: "c", SentenceLength: "any",
		ComplexCases: moves.ComplexCaseAnswers([]string{"hold_separately", "self_harm", "mental_health_issue", "under_drug_treatment"})}
	mk := func(n int, to string, off int) (AllocationRow, error) {
		return s.CreateAllocation(ctx, moves.NewAllocation{Count: n, FromID: byCode["BAI"].ID, ToID: byCode[to].ID, Date: day(off),
			Criteria: crit, RequestedBy: "Priya Sharma"}, "pmu", today)
	}
	if _, err := mk(3, "WWI", 3); err != nil {
		return fmt.Errorf("demo allocation: %w", err)
	}
	part, err := mk(2, "BXI", 4)
	if err != nil {
		return fmt.Errorf("demo allocation: %w", err)
	}
	places, err := s.AllocationPlaces(ctx, part.ID)
	if err != nil {
		return err
	}
	for _, p := range people {
		if p.PrisonNumber == "" {
			continue
		}
		if _, err := s.FillAllocationPlace(ctx, FillPlace{MoveID: places[0].ID, PersonID: p.ID, Agreed: true, AgreedBy: "Governor Ellis"},
			AllocationChange{By: "oca", Role: moves.RoleOCA}); err != nil {
			return fmt.Errorf("demo allocation place: %w", err)
		}
		break
	}
	gone, err := mk(2, "WWI", 5)
	if err != nil {
		return fmt.Errorf("demo allocation: %w", err)
	}
	return s.CancelAllocation(ctx, gone.ID, "lack_of_space_at_receiving_establishment", "", AllocationChange{By: "pmu", Role: moves.RolePMU})
}
