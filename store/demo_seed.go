package store

// The demo data is planned in memory from the clock's present alone (a
// seeded generator makes every id, reference and timestamp), each move's
// log is played through the state machine as AppendEvent would play it
// (PlannedMove.Play, rows.go), and the rows are written in one unit of
// work of multi-row inserts. So the same present gives the same data, a start on
// an empty database takes a few tens of milliseconds, and a reset is the
// same write after emptying the tables.
//
// writeDemo is the one place that writes: when the store's write path
// changes, only it needs adapting.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// demoPlan is one demo move: where from and to, what kind, which day
// (from today), what has happened to it and at what hour its journey
// starts. Name, when set, is how the testing guide calls it.
type demoPlan struct {
	from, to string
	typ      moves.MoveType
	dayOff   int
	status   moves.Status
	hour     int
	name     string
}

var demoPlans = []demoPlan{
	// Guildford custody suite: today's court list and more.
	{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9, "booked-court-guildford"},
	{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8, "in-transit-court-guildford"},
	{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusRequested, 10, "requested-court-guildford"},
	{"SRY016", "GUILMC", moves.CourtAppearance, 0, moves.StatusCompleted, 7, "completed-court-guildford"},
	{"SRY016", "GUILCC", moves.CourtAppearance, 0, moves.StatusCancelled, 9, "cancelled-court-guildford"},
	{"SRY016", "RSURCH", moves.Hospital, 1, moves.StatusRequested, 11, ""},
	{"SRY016", "HOI", moves.PrisonRecall, 1, moves.StatusBooked, 14, ""},
	{"SRY016", "SRY014", moves.PoliceTransfer, 2, moves.StatusRequested, 13, ""},
	{"SRY014", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9, "booked-court-staines"},
	{"SRY014", "GUILMC", moves.CourtAppearance, 1, moves.StatusRequested, 9, ""},
	{"SRY014", "", moves.VideoRemand, 3, moves.StatusRequested, 10, ""},
	// Prisons to court.
	{"BXI", "SWRKCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8, "in-transit-lockout-brixton"},
	{"BXI", "OLDBCC", moves.CourtAppearance, 0, moves.StatusBooked, 9, "booked-court-brixton"},
	{"BXI", "WSTRMC", moves.CourtAppearance, 1, moves.StatusRequested, 9, ""},
	{"BXI", "STTHOM", moves.Hospital, 2, moves.StatusBooked, 15, ""},
	{"PVI", "HIGHMC", moves.CourtAppearance, 0, moves.StatusCompleted, 8, ""},
	{"WWI", "GUILCC", moves.CourtAppearance, 0, moves.StatusBooked, 9, ""},
	{"HOI", "GUILCC", moves.CourtAppearance, 0, moves.StatusRequested, 10, ""},
	{"LEI", "LEEDCC", moves.CourtAppearance, 0, moves.StatusInTransit, 8, "in-transit-late-event-leeds"},
	{"MRI", "MNCHCC", moves.CourtAppearance, 1, moves.StatusBooked, 9, ""},
	{"BMI", "BIRMCC", moves.CourtAppearance, 0, moves.StatusCompleted, 8, ""},
	{"CFI", "CARDCC", moves.CourtAppearance, 2, moves.StatusRequested, 9, ""},
	// Prison transfers: proposed, approved and rejected.
	{"BXI", "WWI", moves.PrisonTransfer, 3, moves.StatusProposed, 10, "proposed-transfer-brixton"},
	{"BXI", "HOI", moves.PrisonTransfer, 4, moves.StatusProposed, 10, ""},
	{"PVI", "BXI", moves.PrisonTransfer, 2, moves.StatusProposed, 10, ""},
	{"WSI", "BXI", moves.PrisonTransfer, 1, moves.StatusBooked, 10, "approved-transfer-to-brixton"},
	{"BXI", "TSI", moves.PrisonTransfer, 5, moves.StatusRequested, 10, ""},
	{"BAI", "BXI", moves.PrisonTransfer, 6, moves.StatusProposed, 10, ""},
	{"BXI", "BZI", moves.PrisonTransfer, 2, moves.StatusCancelled, 10, "rejected-transfer-brixton"},
	{"FMI", "WYI", moves.PrisonTransfer, 4, moves.StatusProposed, 10, ""},
	{"SCH1", "CKI", moves.PrisonTransfer, 5, moves.StatusProposed, 10, ""},
	// Elsewhere.
	{"CLP1", "WSTRMC", moves.CourtAppearance, 0, moves.StatusBooked, 9, ""},
	{"MPS2", "WSTRMC", moves.CourtAppearance, 0, moves.StatusRequested, 9, ""},
	{"MPS3", "HIGHMC", moves.CourtAppearance, 1, moves.StatusRequested, 9, ""},
	{"WYP1", "LEEDMC", moves.CourtAppearance, 0, moves.StatusInTransit, 8, ""},
	{"GMP1", "MRI", moves.PrisonRecall, 0, moves.StatusCompleted, 7, ""},
	{"WMP1", "BIRMMC", moves.CourtAppearance, -1, moves.StatusCompleted, 9, ""},
	{"SWP1", "CARDCC", moves.CourtAppearance, -1, moves.StatusCancelled, 9, ""},
	{"BXI", "BROADM", moves.Hospital, 3, moves.StatusRequested, 11, ""},
	{"STC3", "GUILCC", moves.CourtAppearance, 1, moves.StatusRequested, 9, ""},
}

// DemoMove is one demo move as planned, for the testing guide and tests.
type DemoMove struct {
	// Name is a stable name for the moves a guide points to; empty for
	// the rest.
	Name      string
	ID        string
	Reference string
	Person    string // "Last, First"
	From, To  string // location titles; To is empty for a video remand
	FromCode  string
	ToCode    string
	MoveType  moves.MoveType
	Status    moves.Status
	// Date is the move's date, or for a proposed transfer its earliest.
	Date     string
	Supplier string
	Events   int
}

// DemoData is the demo data planned for one present: the rows to write
// and what they describe.
type DemoData struct {
	Now    time.Time
	Today  string
	Moves  []DemoMove
	tables []*RowSet
	// Journeys and Lodgings are the demo's (issue 11), on named moves.
	Journeys []DemoJourney
	Lodgings []DemoLodging
	// allocations, journeys and lodgings are written after the tables,
	// through the write path.
	allocations demoAllocations
	road        demoRoad
}

// londonZone is the zone of the demo's days and hours.
var londonZone = sync.OnceValue(func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("store: Europe/London time zone data is missing: " + err.Error())
	}
	return l
})

// demoRefs are the demo locations, for the state machine: every move it
// names is planned.
type demoRefs map[string]moves.Location

func (r demoRefs) Location(id string) (moves.Location, bool) {
	l, ok := r[id]
	return l, ok
}

func (demoRefs) MoveExists(string) bool { return true }

// demoGuard keeps a demo plan from ever dating an event after the
// present: journeys of today that would end after it are moved earlier.
const demoGuard = 2 * time.Minute

// PlanDemo plans the demo data around now (its London date is "today"),
// without touching any database. The same now gives the same data.
func PlanDemo(now time.Time) (*DemoData, error) {
	london := londonZone()
	now = now.Truncate(time.Microsecond) // as stored
	today := now.In(london)
	d := &DemoData{Now: now, Today: today.Format(time.DateOnly)}
	rng := rand.New(rand.NewPCG(20261122, 7))
	newID := func() string {
		id, err := uuid.NewRandomFromReader(RandReader{rng})
		if err != nil {
			panic(err) // the reader never fails
		}
		return id.String()
	}
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	at := func(n, hour, minute int) time.Time {
		dd := today.AddDate(0, 0, n)
		return time.Date(dd.Year(), dd.Month(), dd.Day(), hour, minute, 0, 0, london)
	}
	// Reference data is dated a year before the present.
	setupAt := now.AddDate(-1, 0, 0)
	setup := micros(setupAt)
	tbl := func(name string, cols ...string) *RowSet {
		t := NewRowSet(name, cols...)
		d.tables = append(d.tables, t)
		return t
	}
	regionsT := tbl("regions", "id", "key", "name")
	suppliersT := tbl("suppliers", "id", "key", "name")
	locationsT := tbl("locations", "id", "key", "title", "location_type", "code", "region_id", "disabled_at", "created_at")
	supLocT := tbl("supplier_locations", "supplier_id", "location_id", "effective_from", "effective_to")
	usersT := tbl("users", "id", "username", "full_name", "password_hash", "role", "supplier_id", "created_at")
	userLocT := tbl("user_locations", "user_id", "location_id")
	clientsT := tbl("api_clients", "id", "name", "supplier_id", "created_at", "created_by")
	secretsT := tbl("client_secrets", "id", "client_id", "secret_hash", "hint", "created_at")
	mr := NewMoveRows()
	d.tables = append(d.tables, mr.Tables()...)

	regions := map[string]string{}
	for _, r := range demoRegions {
		id := newID()
		regionsT.Add(id, r.Key, r.Name)
		regions[r.Key] = id
	}
	suppliers := map[string]string{}
	supplierName := map[string]string{}
	for _, sp := range []moves.Supplier{{Key: "serco", Name: "Serco"}, {Key: "geoamey", Name: "GEOAmey"}} {
		id := newID()
		suppliersT.Add(id, sp.Key, sp.Name)
		suppliers[sp.Key] = id
		supplierName[id] = sp.Name
	}
	clientOf := map[string]string{}
	for _, c := range DemoClients {
		sid := suppliers[c.Supplier]
		clientsT.Add(c.ClientID, supplierName[sid]+" (demo)", sid, setup, "demo")
		secretsT.Add(newID(), c.ClientID, hashSecret(c.Secret), secretHint(c.Secret), setup)
		clientOf[sid] = c.ClientID
	}
	locs := demoRefs{}
	byCode := map[string]moves.Location{}
	supplierOf := map[string]string{} // location id -> supplier id
	for _, dl := range demoLocations {
		l := moves.Location{ID: newID(), Key: strings.ToLower(dl.code), Title: dl.title, Code: dl.code, Type: dl.typ, RegionID: regions[dl.region],
			Disabled: dl.disabled}
		var disabled any
		if dl.disabled {
			disabled = setup
		}
		locationsT.Add(l.ID, l.Key, l.Title, string(l.Type), l.Code, l.RegionID, disabled, setup)
		sid := suppliers[demoRegionSupplier[dl.region]]
		supLocT.Add(sid, l.ID, "2020-08-29", nil)
		byCode[dl.code] = l
		locs[l.ID] = l
		supplierOf[l.ID] = sid
	}
	for _, u := range DemoUsers {
		id := newID()
		usersT.Add(id, u.Username, u.FullName, demoPasswordHash, u.Role, nullStr(suppliers[u.Supplier]), setup)
		for _, code := range u.Locations {
			userLocT.Add(id, byCode[code].ID)
		}
	}
	var people []moves.Person
	for i, dp := range demoPeople {
		p := moves.Person{ID: newID(), FirstNames: dp.first, LastName: dp.last, DateOfBirth: dp.dob, Gender: dp.gender, CreatedBy: "demo"}
		if i%3 != 2 {
			p.PNC = demoPNC(2000+i%20, 100000+i*7919)
		}
		if i%2 == 0 {
			p.PrisonNumber = fmt.Sprintf("A%04d%c%c", 1000+i*37, 'A'+rune(i%26), 'B'+rune(i%24))
		}
		normalisePerson(&p)
		if fe := moves.ValidatePerson(p, d.Today); len(fe) > 0 {
			return nil, fmt.Errorf("demo person %s: %v", dp.last, fe)
		}
		p.CreatedAt, p.UpdatedAt = setupAt, setupAt
		mr.AddPerson(p)
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
	latest := now.Add(-demoGuard)
	refs := map[string]struct{}{}
	seq := int64(1)
	var rejectedOne bool
	named := map[string]moves.Move{}
	for i, pl := range demoPlans {
		p := people[i%len(people)]
		from := byCode[pl.from]
		created := at(min(pl.dayOff, 0)-2, 9+i%6, (i*7)%60)
		by := "police"
		if from.Type.Detained() {
			by = "prison"
		}
		m := moves.Move{MoveType: pl.typ, FromID: from.ID, PersonID: p.ID}
		var to *moves.Location
		if pl.to != "" {
			l := byCode[pl.to]
			to = &l
			m.ToID = l.ID
		}
		if pl.typ == moves.PrisonTransfer {
			m.DateFrom, m.DateTo = day(pl.dayOff), day(pl.dayOff+7)
		} else {
			m.Date = day(pl.dayOff)
			if pl.typ == moves.CourtAppearance || pl.typ == moves.Hospital {
				due := at(pl.dayOff, pl.hour+1, 0).UTC()
				m.TimeDue = &due
			}
		}
		if i%5 == 0 {
			m.Notes = "Requires an interpreter on arrival."
		}
		// As CreateMove books it.
		m.Status = moves.InitialStatus(m.MoveType, from, to)
		if m.Status == moves.StatusProposed {
			if m.DateFrom == "" && m.Date != "" {
				m.DateFrom = m.Date
			}
			m.Date = ""
		}
		if fe := moves.ValidateNewMove(m, from, to); len(fe) > 0 {
			return nil, fmt.Errorf("demo move %d (%s to %s): %v", i, pl.from, pl.to, fe)
		}
		m.ID = newID()
		for {
			ref, err := moves.NewReference(RandReader{rng})
			if err != nil {
				return nil, err
			}
			if _, dup := refs[ref]; !dup {
				refs[ref] = struct{}{}
				m.Reference = ref
				break
			}
		}
		m.SupplierID = supplierOf[m.FromID]
		m.CreatedAt, m.UpdatedAt = created.UTC(), created.UTC()
		m.CreatedBy, m.UpdatedBy = by, by
		m.Version = 1
		pr := moves.Profile{ID: newID(), PersonID: p.ID, Flags: flagsets[i%len(flagsets)], CreatedAt: created.UTC(), CreatedBy: by}
		if pr.Flags == nil {
			pr.Flags = []moves.Flag{}
		}
		m.ProfileID = pr.ID
		bm := PlannedMove{Initial: m, Profile: pr}
		bm.Events = append(bm.Events, PlannedEvent{Event: moves.Event{ID: newID(), MoveID: m.ID, Type: moves.CreationEvent(m.Status),
			OccurredAt: created.UTC(), RecordedAt: created.UTC(), CreatedBy: by}, Arrive: created})
		sup := supplierName[m.SupplierID]
		add := func(t moves.EventType, when time.Time, by string, details map[string]any, rels map[string]string) {
			rec := when.UTC().Add(time.Duration(rng.IntN(90)) * time.Second)
			ev := PlannedEvent{Event: moves.Event{ID: newID(), MoveID: m.ID, Type: t, OccurredAt: when.UTC(), RecordedAt: rec,
				CreatedBy: by, Details: details, Rels: rels}, Arrive: rec}
			if by == sup {
				ev.SupplierID = m.SupplierID
				ev.ClientID = clientOf[m.SupplierID]
			}
			bm.Events = append(bm.Events, ev)
		}
		// The journey starts at the planned hour unless that would date
		// one of its events (the last comes 62 minutes after the start,
		// recorded up to 90 seconds later) after the present.
		dayStart := at(pl.dayOff, pl.hour, 0)
		if end := dayStart.Add(62*time.Minute + 90*time.Second); end.After(latest) {
			dayStart = dayStart.Add(-end.Sub(latest)).Truncate(time.Minute)
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
			accepted := created.Add(2 * time.Hour)
			if pl.typ == moves.PrisonTransfer {
				// A transfer is accepted once approved.
				accepted = created.Add(27 * time.Hour)
			}
			add(moves.EventMoveAccept, accepted, sup, nil, nil)
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
			last := &bm.Events[len(bm.Events)-1]
			last.RecordedAt = dayStart.Add(7 * time.Minute).UTC()
			last.Arrive = last.RecordedAt
		}
		// Events reach the service in the order they were recorded.
		evs := bm.Events[1:]
		for a := 1; a < len(evs); a++ {
			for b := a; b > 0 && evs[b].Arrive.Before(evs[b-1].Arrive); b-- {
				evs[b], evs[b-1] = evs[b-1], evs[b]
			}
		}
		for _, e := range bm.Events {
			if e.RecordedAt.After(now) || e.OccurredAt.After(now) {
				return nil, fmt.Errorf("demo move %d: %s dated %s, after the present %s", i, e.Type, e.RecordedAt, now)
			}
		}
		if err := bm.Play(locs); err != nil {
			return nil, err
		}
		if err := mr.AddMove(&bm, &seq); err != nil {
			return nil, err
		}
		dm := DemoMove{Name: pl.name, ID: bm.Final.ID, Reference: bm.Final.Reference, Person: p.LastName + ", " + p.FirstNames,
			From: from.Title, FromCode: from.Code, MoveType: bm.Final.MoveType, Status: bm.Final.Status, Date: bm.Final.Date,
			Supplier: sup, Events: len(bm.Events)}
		if dm.Date == "" {
			dm.Date = bm.Final.DateFrom
		}
		if to != nil {
			dm.To, dm.ToCode = to.Title, to.Code
		}
		if dm.Status != pl.status {
			return nil, fmt.Errorf("demo move %d (%s): planned %s, replayed to %s", i, pl.name, pl.status, dm.Status)
		}
		d.Moves = append(d.Moves, dm)
		if pl.name != "" {
			named[pl.name] = bm.Final
		}
	}
	if err := d.planAllocations(rng, newID, refs, byCode, supplierOf, supplierName, people, day); err != nil {
		return nil, err
	}
	if err := d.planRoad(locs, func(name string) (moves.Move, string, bool) {
		m, ok := named[name]
		return m, supplierName[m.SupplierID], ok
	}); err != nil {
		return nil, err
	}
	return d, nil
}

// Move returns the demo move of a name.
func (d *DemoData) Move(name string) (DemoMove, bool) {
	for _, m := range d.Moves {
		if m.Name == name && name != "" {
			return m, true
		}
	}
	return DemoMove{}, false
}

// SeedDemo fills an empty database with the demo data planned around now
// (see PlanDemo): regions, locations, the two suppliers and their demo API
// clients, people, moves in every status around today with their events,
// and one user per role. It does nothing (and returns false) once any user
// exists, so it runs once.
func (s *Store) SeedDemo(ctx context.Context, now time.Time) (bool, error) {
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	d, err := PlanDemo(now)
	if err != nil {
		return false, err
	}
	seeded := false
	err = s.writeDemo(ctx, func(u *Unit) error {
		// Looked at again inside the unit: another start may have seeded
		// since.
		var users int
		if err := u.QueryRowContext(u.Context(), "SELECT COUNT(*) FROM users").Scan(&users); err != nil || users > 0 {
			return err
		}
		seeded = true
		return d.insert(u)
	})
	if err == nil && seeded {
		err = s.seedDemoAllocations(ctx, d)
	}
	if err == nil && seeded {
		err = s.seedDemoRoad(ctx, d)
	}
	return seeded, err
}

// ResetDemo empties every table but the migrations' and writes the demo
// data planned around now, in one unit of work: the database is as a
// fresh demo start left it, and everything kept in memory (pages, users,
// tokens, locations) moves on. Only the test endpoints call it.
func (s *Store) ResetDemo(ctx context.Context, now time.Time) (*DemoData, error) {
	d, err := PlanDemo(now)
	if err != nil {
		return nil, err
	}
	err = s.writeDemo(ctx, func(u *Unit) error {
		if err := emptyTables(u); err != nil {
			return err
		}
		return d.insert(u)
	})
	if err == nil {
		err = s.seedDemoAllocations(ctx, d)
	}
	if err == nil {
		err = s.seedDemoRoad(ctx, d)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// writeDemo runs fn as one unit of work that touches everything: pages,
// users, tokens and locations kept in memory are all stale after it.
func (s *Store) writeDemo(ctx context.Context, fn func(u *Unit) error) error {
	err := s.unit(ctx, func(u *Unit) error {
		u.TouchAll()
		return fn(u)
	})
	if err != nil {
		return fmt.Errorf("store: demo data: %w", err)
	}
	return nil
}

// insert writes the planned rows inside u.
func (d *DemoData) insert(u *Unit) error {
	for _, t := range d.tables {
		if err := insertRows(u.Context(), u, t); err != nil {
			return err
		}
	}
	// The rows carry their own seq and rowid values.
	return u.s.eng.syncIdentities(u.Context(), u)
}

// demoTables is every table the migrations make but their own record
// (the tallies after moves: its triggers have brought them to zeros;
// the notices kept after events, whose triggers have emptied them),
// each after the tables that refer to it, so that emptying them in this
// order breaks no reference at any step. TestDemoTablesAreEveryTable
// fails when a migration adds a table this list lacks.
var demoTables = []string{
	"notifications", "subscriptions",
	"events", "move_notices", "journeys", "lodgings", "moves", "move_tallies", "move_day_tallies", "review_sent_tallies", "allocations", "profiles", "people",
	"idempotency_keys", "access_tokens", "client_secrets", "api_clients",
	"admin_changes", "user_locations", "users",
	"supplier_locations", "locations", "suppliers", "regions",
}

// emptyTables deletes every row of every table in demoTables.
func emptyTables(u *Unit) error {
	// The notifications the batch's earlier units wrote go too, as they
	// would had they been inserted with their changes.
	u.emptiedOutbox = true
	u.notes = nil
	if u.s.eng.pg {
		// Other transactions write at the same time on PostgreSQL (the
		// writer's lanes, other instances): an event committed between
		// two of these deletes would leave a notification of a deleted
		// subscription. Writers wait until the reset has committed;
		// readers do not. Moves first: most writers lock theirs before
		// anything else, so those under way finish before the rest is
		// locked.
		tables := append([]string{"moves"}, slices.DeleteFunc(slices.Clone(demoTables), func(t string) bool { return t == "moves" })...)
		if _, err := u.ExecContext(u.Context(), "LOCK TABLE "+strings.Join(tables, ", ")+" IN EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("lock the tables: %w", err)
		}
	}
	for _, n := range demoTables {
		if _, err := u.ExecContext(u.Context(), "DELETE FROM "+n); err != nil {
			return fmt.Errorf("empty %s: %w", n, err)
		}
	}
	return nil
}
