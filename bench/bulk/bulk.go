package bulk

// A bulk loader for benchmark databases: realistic moves across many
// locations and dates, about ten events each, written straight into the
// tables with prepared multi-row statements in large transactions.
//
// It bypasses CreateMove and AppendEvent for speed, but produces exactly
// the rows they would: every move's log is planned in memory, then played
// and turned into rows by the store's own writer of planned moves
// (store.PlannedMove, store.MoveRows in store/rows.go), so the move's
// state, version, updated_at and updated_by and every event's applied,
// reason and late marks are what the store would have written.
// bulk_test.go checks this against the real CreateMove and AppendEvent.

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// BulkLoaderVersion changes whenever the loader's output changes, so that
// cached benchmark databases built by an older loader are rebuilt.
const BulkLoaderVersion = 2

// BulkPassword is the password of every user the bulk loader creates.
const BulkPassword = "bench-password"

// BulkSpec says what to load.
type BulkSpec struct {
	// Moves is how many moves to create (the busy day's and the long
	// move included).
	Moves int
	// Seed makes the data deterministic.
	Seed uint64
	// Today is the reference date (Europe/London, YYYY-MM-DD): moves
	// before it have happened, moves after it are still to come. Default
	// 2026-06-17, a Wednesday.
	Today string
	// Days is how many days of moves to spread over, ending 30 days after
	// Today. Default 730.
	Days int
	// Locations is roughly how many locations to create. Default 400.
	Locations int
	// BusyIncoming is how many active moves arrive at the busy court on
	// Today. Default 50.
	BusyIncoming int
	// LongTimeline is how many events the long move's log holds. Default 50.
	LongTimeline int
	// BatchRows is how many rows go in one transaction. Default 50,000.
	BatchRows int
	// Progress, when set, is told how many moves are written so far.
	Progress func(done, total int)
}

// BulkUser is a user the loader creates (password BulkPassword).
type BulkUser struct {
	Username   string `json:"username"`
	Role       string `json:"role"`
	LocationID string `json:"location_id,omitempty"`
	SupplierID string `json:"supplier_id,omitempty"`
}

// BulkResult describes what was loaded, for the benchmarks to aim at.
type BulkResult struct {
	Moves    int `json:"moves"`
	Events   int `json:"events"`
	People   int `json:"people"`
	Profiles int `json:"profiles"`
	// Locations is how many locations were created.
	Locations int    `json:"locations"`
	Today     string `json:"today"`
	// BusyLocationID is the court that receives BusyIncoming active moves
	// on Today (its incoming list for Today is the busy day page).
	BusyLocationID    string `json:"busy_location_id"`
	BusyLocationTitle string `json:"busy_location_title"`
	BusyIncoming      int    `json:"busy_incoming"`
	// LongMoveID is the move whose log holds LongTimeline events.
	LongMoveID     string `json:"long_move_id"`
	LongMoveEvents int    `json:"long_move_events"`
	// Suppliers maps supplier key to id.
	Suppliers map[string]string `json:"suppliers"`
	// SampleMoves holds, for each supplier id, ids of moves it serves
	// (neither on the busy page nor the long move), for posting events.
	SampleMoves map[string][]string `json:"sample_moves"`
	Users       []BulkUser          `json:"users"`
	// Timings.
	LoadSeconds  float64 `json:"load_seconds"`
	IndexSeconds float64 `json:"index_seconds"`
	TotalSeconds float64 `json:"total_seconds"`
}

func (sp *BulkSpec) defaults() {
	if sp.Today == "" {
		sp.Today = "2026-06-17"
	}
	if sp.Days <= 0 {
		sp.Days = 730
	}
	if sp.Locations <= 0 {
		sp.Locations = 400
	}
	if sp.BusyIncoming <= 0 {
		sp.BusyIncoming = 50
	}
	if sp.LongTimeline <= 0 {
		sp.LongTimeline = 50
	}
	if sp.BatchRows <= 0 {
		sp.BatchRows = 50_000
	}
	if sp.Seed == 0 {
		sp.Seed = 20260617
	}
}

// BulkLoad creates the database at path (which must not exist) and fills
// it as spec says. Open makes the schema (the migrations); everything
// else is written directly on one connection, without journal or sync,
// in transactions of about BatchRows rows: reference data and users
// first, then people, profiles, moves and events. Indexes on the last
// four are dropped during the load and rebuilt after it, then ANALYZE
// runs and the database is left in WAL mode.
func BulkLoad(ctx context.Context, path string, spec BulkSpec) (BulkResult, error) {
	spec.defaults()
	start := time.Now()
	// The planner's maps of references and keys are large and live
	// throughout: collecting less often saves a good share of the CPU.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	var res BulkResult
	if _, err := os.Stat(path); err == nil {
		return res, fmt.Errorf("bulk: %s already exists", path)
	}
	if spec.Moves < spec.BusyIncoming+2 {
		return res, fmt.Errorf("bulk: at least %d moves are needed", spec.BusyIncoming+2)
	}
	today, err := time.ParseInLocation(time.DateOnly, spec.Today, londonZone())
	if err != nil {
		return res, fmt.Errorf("bulk: Today: %w", err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return res, err
	}
	if err := st.Close(); err != nil {
		return res, err
	}
	db, err := sql.Open("sqlite", bulkDSN(path))
	if err != nil {
		return res, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	w, err := newBulkWorld(ctx, db, spec, today)
	if err != nil {
		return res, err
	}
	res = w.result()
	// Building the indexes once at the end, from sorted keys, costs less
	// than keeping them up to date row by row (measured: about 15% of the
	// CPU at 100,000 moves, more as the tables grow).
	indexes, err := dropIndexes(ctx, db, "people", "profiles", "moves", "events")
	if err != nil {
		return res, err
	}
	if err := w.load(ctx, db, &res); err != nil {
		return res, err
	}
	res.LoadSeconds = time.Since(start).Seconds()
	ixStart := time.Now()
	for _, ix := range indexes {
		if _, err := db.ExecContext(ctx, ix); err != nil {
			return res, fmt.Errorf("bulk: rebuild index: %w", err)
		}
	}
	// Statistics for the query planner, from a sample of each index as
	// PRAGMA optimize gathers them.
	if _, err := db.ExecContext(ctx, "PRAGMA analysis_limit=1000; ANALYZE"); err != nil {
		return res, fmt.Errorf("bulk: analyze: %w", err)
	}
	res.IndexSeconds = time.Since(ixStart).Seconds()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil || mode != "wal" {
		return res, fmt.Errorf("bulk: back to WAL mode: %q %v", mode, err)
	}
	if err := db.Close(); err != nil {
		return res, err
	}
	res.TotalSeconds = time.Since(start).Seconds()
	return res, nil
}

// bulkDSN is for the loader's one connection: no journal, no syncing and
// a large cache. A load that fails leaves a file to throw away.
func bulkDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(OFF)", "synchronous(OFF)", "foreign_keys(0)", "cache_size(-1000000)",
		"temp_store(MEMORY)", "locking_mode(EXCLUSIVE)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	return "file:" + path + "?" + q.Encode()
}

// dropIndexes drops the explicit indexes of the tables and returns the
// statements that recreate them, exactly as the migrations wrote them.
func dropIndexes(ctx context.Context, db *sql.DB, tables ...string) ([]string, error) {
	args := make([]any, len(tables))
	for i, t := range tables {
		args[i] = t
	}
	rows, err := db.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ("+
		placeholders(len(tables))+") ORDER BY rowid", args...)
	if err != nil {
		return nil, err
	}
	var names, stmts []string
	for rows.Next() {
		var n, s string
		if err := rows.Scan(&n, &s); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
		stmts = append(stmts, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
			return nil, err
		}
	}
	return stmts, nil
}

var bulkLondon *time.Location

func londonZone() *time.Location {
	if bulkLondon == nil {
		l, err := time.LoadLocation("Europe/London")
		if err != nil {
			panic("store: Europe/London time zone data is missing: " + err.Error())
		}
		bulkLondon = l
	}
	return bulkLondon
}

// --- the world: locations, suppliers, users ---

type bulkLoc struct {
	moves.Location
	supplier string // supplier id
}

type bulkWorld struct {
	spec     BulkSpec
	today    time.Time // midnight, London
	rng      *rand.Rand
	locs     map[string]moves.Location
	byType   map[moves.LocationType][]bulkLoc
	supplier map[string]string // location id -> supplier id
	supName  map[string]string // supplier id -> name
	clientOf map[string]string // supplier id -> API client id
	busy     bulkLoc
	users    []BulkUser
	sampleOf map[string][]string
	refs     map[string]struct{}
	active   map[uint64]struct{} // person, from, to, day of active moves
	people   int
	fromIdx  map[string]int
}

var bulkTowns = []string{
	"Aylesbury", "Barnsley", "Bath", "Bedford", "Birkenhead", "Blackburn", "Blackpool", "Bolton", "Bournemouth", "Bradford",
	"Brighton", "Bristol", "Burnley", "Cambridge", "Canterbury", "Carlisle", "Chelmsford", "Cheltenham", "Chester", "Chesterfield",
	"Colchester", "Coventry", "Crawley", "Croydon", "Darlington", "Derby", "Doncaster", "Dudley", "Durham", "Exeter",
	"Gateshead", "Gloucester", "Grimsby", "Halifax", "Harlow", "Harrogate", "Hastings", "Hereford", "Huddersfield", "Hull",
	"Ipswich", "Kendal", "Kingston", "Lancaster", "Leicester", "Lincoln", "Liverpool", "Luton", "Maidstone", "Mansfield",
	"Middlesbrough", "Milton Keynes", "Newcastle", "Newport", "Northampton", "Norwich", "Nottingham", "Oldham", "Oxford", "Peterborough",
	"Plymouth", "Poole", "Portsmouth", "Preston", "Reading", "Redditch", "Rochdale", "Rotherham", "Salford", "Salisbury",
	"Scunthorpe", "Sheffield", "Shrewsbury", "Slough", "Southampton", "Southend", "Stafford", "Stockport", "Stoke", "Sunderland",
	"Swansea", "Swindon", "Taunton", "Telford", "Torquay", "Truro", "Wakefield", "Walsall", "Warrington", "Watford",
	"Wigan", "Winchester", "Wolverhampton", "Worcester", "Worthing", "Wrexham", "Yeovil", "York", "Basildon", "Stevenage",
}

var bulkFirstNames = []string{
	"James", "Oliver", "Mohammed", "Daniel", "Thomas", "Ryan", "Lewis", "Kwame", "Connor", "Liam", "Marek", "Nathan", "Callum",
	"Adebayo", "Jack", "Samuel", "Harvey", "Dominic", "Tyler", "Jordan", "Kieran", "Aaron", "Ashley", "Bradley", "Craig", "Darren",
	"Dean", "Gary", "Jamie", "Jason", "Joshua", "Kyle", "Lee", "Luke", "Mark", "Matthew", "Michael", "Paul", "Reece", "Scott",
	"Shane", "Stephen", "Wayne", "Zain", "Tariq", "Imran", "Piotr", "Tomasz", "Olivia", "Sophie", "Aisha", "Emily", "Grace",
	"Chloe", "Hannah", "Zara", "Jessica", "Amelia", "Ruby", "Leah", "Megan", "Isla", "Freya", "Ellie", "Maya", "Poppy", "Kelly",
}

var bulkLastNames = []string{
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans",
	"Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips",
	"Mason", "Mitchell", "Rose", "Davis", "Rodriguez", "Cox", "Alexander", "Morgan", "Moore", "Hughes", "Turner", "Ahmed",
	"Begum", "Murphy", "O'Connor", "Nowak", "Kowalski", "Mensah", "Okafor", "Campbell", "Scott", "Price", "Reid", "Young",
	"King", "Baker", "Ward", "Fraser", "Shah", "Brooks", "Hussain", "Ali", "Bennett", "Carter", "Cooper", "Edwards", "Harris",
	"Hill", "Kelly", "Lee", "Martin", "Parker", "Richardson", "Stewart", "Walsh", "Watson", "Webb", "Wells", "Young", "Allen",
}

var bulkStaff = []string{"dan.mitchell", "helen.carter", "gareth.jones", "priya.sharma", "sarah.ahmed", "tom.brady", "joanne.fox", "lee.chan"}

// bulkLocationPlan is how many locations of each type there are per 400.
var bulkLocationPlan = []struct {
	typ    moves.LocationType
	n      int
	format string
}{
	{moves.LocPolice, 120, "%s Police Station"},
	{moves.LocCourt, 55, "%s Crown Court"},
	{moves.LocCourt, 55, "%s Magistrates' Court"},
	{moves.LocPrison, 100, "HMP %s"},
	{moves.LocYOI, 8, "HMYOI %s"},
	{moves.LocHospital, 30, "%s General Hospital"},
	{moves.LocHighSecurityHospital, 3, "%s Secure Hospital"},
	{moves.LocSCH, 12, "%s Secure Children's Home"},
	{moves.LocSTC, 3, "%s Secure Training Centre"},
	{moves.LocApprovedPremises, 14, "%s Approved Premises"},
}

// newBulkWorld plans the reference data (regions, suppliers and their API
// clients, locations, users) and writes it in one transaction, as the
// store's own functions would write it.
func newBulkWorld(ctx context.Context, db *sql.DB, spec BulkSpec, today time.Time) (*bulkWorld, error) {
	w := &bulkWorld{
		spec: spec, today: today, rng: rand.New(rand.NewPCG(spec.Seed, 0x5ec0e)),
		locs: map[string]moves.Location{}, byType: map[moves.LocationType][]bulkLoc{},
		supplier: map[string]string{}, supName: map[string]string{}, clientOf: map[string]string{},
		sampleOf: map[string][]string{}, refs: map[string]struct{}{}, active: map[uint64]struct{}{},
		fromIdx: map[string]int{},
	}
	w.people = max(100, spec.Moves/3)
	setupAt := micros(today.AddDate(-3, 0, 0))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if err == nil {
			if _, e := tx.ExecContext(ctx, q, args...); e != nil {
				err = fmt.Errorf("bulk: %s: %w", strings.Fields(q)[2], e)
			}
		}
	}
	regions := []moves.Region{{Key: "london", Name: "London and the East of England"}, {Key: "south", Name: "South of England"},
		{Key: "midlands", Name: "Midlands and York and Humberside"}, {Key: "north", Name: "North East and North West"},
		{Key: "wales", Name: "Wales"}, {Key: "youth", Name: "Youth Custody Service"}}
	for i := range regions {
		regions[i].ID = uuid.NewString()
		exec("INSERT INTO regions (id, key, name) VALUES (?, ?, ?)", regions[i].ID, regions[i].Key, regions[i].Name)
	}
	sups := []moves.Supplier{{Key: "serco", Name: "Serco"}, {Key: "geoamey", Name: "GEOAmey"}}
	for i := range sups {
		sups[i].ID = uuid.NewString()
		exec("INSERT INTO suppliers (id, key, name) VALUES (?, ?, ?)", sups[i].ID, sups[i].Key, sups[i].Name)
		w.supName[sups[i].ID] = sups[i].Name
		// The client the loaded events came through; its secret is thrown away.
		clientID := fmt.Sprintf("%s-%016x", sups[i].Key, w.rng.Uint64())
		secret, e := bulkSecret()
		if e != nil {
			return nil, e
		}
		exec("INSERT INTO api_clients (id, name, supplier_id, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
			clientID, sups[i].Name+" bulk loader", sups[i].ID, setupAt, "bulk")
		exec("INSERT INTO client_secrets (id, client_id, secret_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)",
			uuid.NewString(), clientID, bulkHash(secret), "…"+secret[len(secret)-4:], setupAt)
		w.clientOf[sups[i].ID] = clientID
	}
	scale := float64(spec.Locations) / 400
	code := 0
	for _, p := range bulkLocationPlan {
		n := max(2, int(float64(p.n)*scale+0.5))
		for i := 0; i < n; i++ {
			town := bulkTowns[(i*7+code)%len(bulkTowns)]
			title := fmt.Sprintf(p.format, town)
			if i >= len(bulkTowns) {
				title += fmt.Sprintf(" %d", i/len(bulkTowns)+1)
			}
			code++
			region := regions[code%5]
			if p.typ == moves.LocYOI || p.typ == moves.LocSCH || p.typ == moves.LocSTC {
				region = regions[5]
			}
			l := moves.Location{ID: uuid.NewString(), Title: title, Code: fmt.Sprintf("BL%04d", code), Type: p.typ, RegionID: region.ID}
			if p.typ == moves.LocCourt && len(w.byType[moves.LocCourt]) == 0 {
				l.Title, l.Code = "Birmingham Crown Court", "BUSYCC"
			}
			l.Key = strings.ToLower(l.Code)
			exec(`INSERT INTO locations (id, key, title, location_type, code, region_id, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
				l.ID, l.Key, l.Title, string(l.Type), l.Code, l.RegionID, setupAt)
			sup := sups[0].ID
			if region.Key == "midlands" || region.Key == "north" || region.Key == "wales" {
				sup = sups[1].ID
			}
			exec(`INSERT INTO supplier_locations (supplier_id, location_id, effective_from, effective_to) VALUES (?, ?, ?, NULL)`,
				sup, l.ID, "2020-08-29")
			w.locs[l.ID] = l
			w.supplier[l.ID] = sup
			w.fromIdx[l.ID] = len(w.fromIdx)
			w.byType[p.typ] = append(w.byType[p.typ], bulkLoc{Location: l, supplier: sup})
		}
	}
	w.busy = w.byType[moves.LocCourt][0]
	users := []store.User{
		{Username: "bench.pmu", FullName: "Priya Sharma", Role: "pmu"},
		{Username: "bench.police", FullName: "Dan Mitchell", Role: "police", LocationIDs: []string{w.byType[moves.LocPolice][0].ID}},
		{Username: "bench.prison", FullName: "Helen Carter", Role: "prison", LocationIDs: []string{w.byType[moves.LocPrison][0].ID}},
		{Username: "bench.court", FullName: "Gareth Jones", Role: "court", LocationIDs: []string{w.busy.ID}},
		{Username: "bench.supplier", FullName: "Sam Okoro", Role: "supplier", SupplierID: sups[0].ID},
		{Username: "bench.admin", FullName: "Alex Admin", Role: "admin"},
	}
	// One slow hash serves every user: the password is the same.
	hash, e := store.HashPassword(BulkPassword)
	if e != nil {
		return nil, e
	}
	for _, u := range users {
		id := uuid.NewString()
		exec(`INSERT INTO users (id, username, full_name, password_hash, role, supplier_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, u.Username, u.FullName, hash, u.Role, nullStr(u.SupplierID), setupAt)
		bu := BulkUser{Username: u.Username, Role: string(u.Role), SupplierID: u.SupplierID}
		for _, l := range u.LocationIDs {
			exec("INSERT INTO user_locations (user_id, location_id) VALUES (?, ?)", id, l)
			bu.LocationID = l
		}
		w.users = append(w.users, bu)
	}
	if err != nil {
		return nil, err
	}
	return w, tx.Commit()
}

func (w *bulkWorld) result() BulkResult {
	r := BulkResult{Today: w.spec.Today, BusyLocationID: w.busy.ID, BusyLocationTitle: w.busy.Title, Locations: len(w.locs),
		Suppliers: map[string]string{}, SampleMoves: w.sampleOf, Users: w.users}
	for id, name := range w.supName {
		r.Suppliers[strings.ToLower(name)] = id
	}
	return r
}

// Location and MoveExists make the world a moves.Refs.
func (w *bulkWorld) Location(id string) (moves.Location, bool) {
	l, ok := w.locs[id]
	return l, ok
}

func (w *bulkWorld) MoveExists(string) bool { return true }

// --- planning one move ---

// bulkMove is one planned move, with what CreateMove would be given.
type bulkMove struct {
	store.PlannedMove
	nm       store.NewMove
	personIx int
}

func (w *bulkWorld) pick(t moves.LocationType, not string) bulkLoc {
	ls := w.byType[t]
	for {
		l := ls[w.rng.IntN(len(ls))]
		if l.ID != not {
			return l
		}
	}
}

func (w *bulkWorld) day(offset int) string {
	return w.today.AddDate(0, 0, offset).Format(time.DateOnly)
}

func (w *bulkWorld) at(offset, hour, minute int) time.Time {
	d := w.today.AddDate(0, 0, offset)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, londonZone())
}

func (w *bulkWorld) reference() string {
	for {
		ref, err := moves.NewReference(store.RandReader{R: w.rng})
		if err != nil {
			panic(err)
		}
		if _, dup := w.refs[ref]; !dup {
			w.refs[ref] = struct{}{}
			return ref
		}
	}
}

// moveKind is what happens to a planned move.
type moveKind int

const (
	kindCompleted moveKind = iota
	kindCancelled
	kindRequested
	kindBooked
	kindInTransit
	kindProposed
	kindRejected
)

var bulkFlagsets = [][]moves.Flag{
	nil, nil,
	{{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff during arrest"}},
	{{Category: moves.FlagHealth, Key: "medication", Details: "Insulin twice daily"}},
	{{Category: moves.FlagRisk, Key: "self_harm"}, {Category: moves.FlagHealth, Key: "health_issue", Details: "Asthma"}},
	{{Category: moves.FlagCourt, Key: "interpreter", Details: "Polish"}},
	{{Category: moves.FlagRisk, Key: "escape", Details: "Escape attempt in 2023"}, {Category: moves.FlagRisk, Key: "hold_separately"}},
}

// planMove plans move number i. busy is true for the moves that make the
// busy court's day; long for the move with the long timeline.
func (w *bulkWorld) planMove(i int, busy, long bool) bulkMove {
	r := w.rng
	var bm bulkMove
	var from, to bulkLoc
	var typ moves.MoveType
	hasTo := true
	x := r.IntN(100)
	switch {
	case busy || long:
		from, typ = w.pick(moves.LocPrison, ""), moves.CourtAppearance
		if r.IntN(2) == 0 {
			from = w.pick(moves.LocPolice, "")
		}
		to = w.busy
		if long {
			to = w.pick(moves.LocCourt, w.busy.ID)
		}
	case x < 35:
		from, to, typ = w.pick(moves.LocPolice, ""), w.pick(moves.LocCourt, ""), moves.CourtAppearance
	case x < 63:
		from, to, typ = w.pick(moves.LocPrison, ""), w.pick(moves.LocCourt, ""), moves.CourtAppearance
	case x < 73:
		from, to, typ = w.pick(moves.LocCourt, ""), w.pick(moves.LocPrison, ""), moves.PrisonRemand
	case x < 83:
		from = w.pick(moves.LocPrison, "")
		to, typ = w.pick(moves.LocPrison, from.ID), moves.PrisonTransfer
	case x < 85:
		from = w.pick(moves.LocYOI, "")
		to, typ = w.pick(moves.LocPrison, ""), moves.PrisonTransfer
	case x < 88:
		from, to, typ = w.pick(moves.LocPolice, ""), w.pick(moves.LocPrison, ""), moves.PrisonRecall
	case x < 90:
		from = w.pick(moves.LocPolice, "")
		to, typ = w.pick(moves.LocPolice, from.ID), moves.PoliceTransfer
	case x < 94:
		from, typ = w.pick(moves.LocPrison, ""), moves.Hospital
		if r.IntN(10) == 0 {
			to = w.pick(moves.LocHighSecurityHospital, "")
		} else {
			to = w.pick(moves.LocHospital, "")
		}
	case x < 96:
		from, typ, hasTo = w.pick(moves.LocPolice, ""), moves.VideoRemand, false
	case x < 98:
		from, to, typ = w.pick(moves.LocPrison, ""), w.pick(moves.LocApprovedPremises, ""), moves.ApprovedPremises
	default:
		from = w.pick(moves.LocSCH, "")
		to, typ = w.pick(moves.LocSCH, from.ID), moves.PrisonTransfer
	}
	// The date: spread over the span, ending 30 days after today; court
	// sittings fall on weekdays.
	offset := 30 - r.IntN(w.spec.Days)
	switch {
	case busy:
		offset = 0
	case long:
		offset = -1 - r.IntN(60)
	}
	if typ == moves.CourtAppearance {
		switch w.today.AddDate(0, 0, offset).Weekday() {
		case time.Saturday:
			offset--
		case time.Sunday:
			offset++
		}
	}
	if !busy && hasTo && to.ID == w.busy.ID && offset == 0 {
		// Keep the busy court's day at exactly the moves made for it.
		to = w.pick(moves.LocCourt, w.busy.ID)
	}
	var kind moveKind
	y := r.IntN(100)
	switch {
	case busy:
		kind = []moveKind{kindBooked, kindInTransit, kindCompleted, kindRequested}[i%4]
	case long:
		kind = kindCompleted
	case offset < 0:
		kind = kindCompleted
		if y < 11 {
			kind = kindCancelled
		}
	case offset == 0:
		kind = []moveKind{kindBooked, kindInTransit, kindCompleted, kindCompleted, kindCancelled}[y%5]
	default:
		kind = kindRequested
		if y < 50 {
			kind = kindBooked
		} else if y < 58 {
			kind = kindCancelled
		}
	}
	transfer := typ == moves.PrisonTransfer
	if transfer {
		if kind == kindCancelled && y%2 == 0 {
			kind = kindRejected
		}
		if offset > 0 && y%3 == 0 {
			kind = kindProposed
		}
	}
	// The person: unused for an active move on the same day between the
	// same places.
	person := r.IntN(w.people)
	toIdx := -1
	if hasTo {
		toIdx = w.fromIdx[to.ID]
	}
	// Every move that is ever active (cancelled ones were, before their
	// cancellation) holds its key, as CreateMove and approval check it.
	everActive := kind != kindRejected && kind != kindProposed
	for {
		key := uint64(person)<<34 | uint64(w.fromIdx[from.ID])<<22 | uint64(toIdx+1)<<12 | uint64(offset+w.spec.Days)
		if _, taken := w.active[key]; !taken || !everActive {
			if everActive {
				w.active[key] = struct{}{}
			}
			break
		}
		person = r.IntN(w.people)
	}
	bm.personIx = person
	date := w.day(offset)
	createdOff := offset - 1 - r.IntN(14)
	if createdOff > 0 {
		createdOff = -r.IntN(3)
	}
	created := w.at(createdOff, 8+r.IntN(9), r.IntN(60))
	if busy {
		created = w.at(-1-r.IntN(5), 8+r.IntN(9), r.IntN(60))
	}
	staff := bulkStaff[r.IntN(len(bulkStaff))]
	nm := store.NewMove{MoveType: typ, FromID: from.ID, PersonID: bulkPersonID(w.spec.Seed, person), CreatedBy: staff, At: created.UTC()}
	if hasTo {
		nm.ToID = to.ID
	}
	if transfer {
		// A window around the day the move is approved for.
		shift := r.IntN(3)
		nm.DateFrom, nm.DateTo = w.day(offset-shift), w.day(offset-shift+7)
		nm.Date = ""
	} else {
		nm.Date = date
		if typ == moves.CourtAppearance || typ == moves.Hospital {
			due := w.at(offset, 10+r.IntN(4), 0).UTC()
			nm.TimeDue = &due
		}
	}
	if r.IntN(6) == 0 {
		nm.Notes = "Requires an interpreter on arrival."
	}
	nm.Flags = bulkFlagsets[r.IntN(len(bulkFlagsets))]
	bm.nm = nm
	// The move as CreateMove makes it.
	var toLoc *moves.Location
	if hasTo {
		l := to.Location
		toLoc = &l
	}
	m := moves.Move{ID: uuid.NewString(), Reference: w.reference(), MoveType: typ, FromID: from.ID, ToID: nm.ToID, Date: nm.Date,
		DateFrom: nm.DateFrom, DateTo: nm.DateTo, TimeDue: nm.TimeDue, Notes: nm.Notes, PersonID: nm.PersonID,
		SupplierID: from.supplier, Version: 1, CreatedAt: created.UTC(), UpdatedAt: created.UTC(), CreatedBy: staff, UpdatedBy: staff}
	m.Status = moves.InitialStatus(typ, from.Location, toLoc)
	if m.Status == moves.StatusProposed && m.DateFrom == "" && m.Date != "" {
		m.DateFrom, m.Date = m.Date, ""
	}
	if fe := moves.ValidateNewMove(m, from.Location, toLoc); len(fe) > 0 {
		panic(fmt.Sprintf("bulk: planned an invalid move %s from %s to %s: %v", typ, from.Type, to.Type, fe))
	}
	bm.Profile = moves.Profile{ID: uuid.NewString(), PersonID: nm.PersonID, Flags: nm.Flags, CreatedBy: staff, CreatedAt: created.UTC()}
	if bm.Profile.Flags == nil {
		bm.Profile.Flags = []moves.Flag{}
	}
	m.ProfileID = bm.Profile.ID
	bm.Initial = m
	bm.Events = append(bm.Events, store.PlannedEvent{Event: moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: moves.CreationEvent(m.Status),
		OccurredAt: created.UTC(), RecordedAt: created.UTC(), CreatedBy: staff, Applied: true, CreatedAt: created.UTC(),
		Details: map[string]any{}, Rels: map[string]string{}}, Arrive: created})
	w.planEvents(&bm, kind, offset, from, to, hasTo, long)
	if err := bm.Play(w); err != nil {
		panic("bulk: " + err.Error())
	}
	if !busy && !long && len(w.sampleOf[m.SupplierID]) < 20_000 && r.IntN(max(1, w.spec.Moves/40_000)) == 0 {
		w.sampleOf[m.SupplierID] = append(w.sampleOf[m.SupplierID], m.ID)
	}
	return bm
}

func bulkPersonID(seed uint64, i int) string {
	// Deterministic ids so that moves can name people before they are written.
	var b [16]byte
	x := seed*0x9E3779B97F4A7C15 + uint64(i)*0xBF58476D1CE4E5B9 + 1
	for j := 0; j < 16; j++ {
		x ^= x >> 31
		x *= 0x94D049BB133111EB
		b[j] = byte(x >> 32)
	}
	u, _ := uuid.FromBytes(b[:])
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u.String()
}

func rfc3339(t time.Time) string { return t.In(londonZone()).Format(time.RFC3339) }

// planEvents adds the events that take a move where kind says, with the
// ordinary extras of a real log: updated ETAs, incidents, lockouts, late
// and not-applied events.
func (w *bulkWorld) planEvents(bm *bulkMove, kind moveKind, offset int, from, to bulkLoc, hasTo, long bool) {
	r := w.rng
	m := bm.Initial
	sup := w.supName[m.SupplierID]
	client := w.clientOf[m.SupplierID]
	created := bm.Events[0].Arrive
	start := w.at(offset, 7+r.IntN(3), 15*r.IntN(4))
	last := created
	add := func(t moves.EventType, when time.Time, bySupplier bool, details map[string]any, rels map[string]string) *store.PlannedEvent {
		by := bulkStaff[r.IntN(len(bulkStaff))]
		e := store.PlannedEvent{Event: moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: t, OccurredAt: when.UTC(),
			RecordedAt: when.UTC().Add(time.Duration(r.IntN(90)) * time.Second), Details: details, Rels: rels}}
		if bySupplier {
			by = sup
			e.SupplierID = m.SupplierID
			e.ClientID = client
		}
		e.CreatedBy = by
		// Events reach the service shortly after they are recorded, and
		// never before the move exists.
		e.Arrive = e.RecordedAt.Add(time.Duration(1+r.IntN(20)) * time.Second)
		if !e.Arrive.After(last) {
			e.Arrive = last.Add(time.Second)
		}
		last = e.Arrive
		bm.Events = append(bm.Events, e)
		return &bm.Events[len(bm.Events)-1]
	}
	if m.Status == moves.StatusProposed {
		switch kind {
		case kindProposed:
			return
		case kindRejected:
			add(moves.EventMoveReject, created.Add(26*time.Hour), false, map[string]any{
				"rejection_reason": moves.RejectionReasons[r.IntN(len(moves.RejectionReasons))], "rebook": false,
				"cancellation_reason_comment": "No space until next month"}, nil)
			return
		}
		add(moves.EventMoveApprove, created.Add(time.Duration(20+r.IntN(20))*time.Hour), false,
			map[string]any{"date": w.day(offset)}, nil)
	}
	// The service tells the supplier about every request.
	add(moves.EventMoveNotifySupplierOfMoveRequest, last.Add(time.Minute), false, nil, nil)
	if kind == kindRequested {
		return
	}
	add(moves.EventMoveAccept, last.Add(time.Duration(1+r.IntN(6))*time.Hour), true, nil, nil)
	if kind == kindCancelled {
		reasons := moves.CancellationReasonsFor(m.MoveType)
		add(moves.EventMoveCancel, last.Add(time.Duration(1+r.IntN(30))*time.Hour), false, map[string]any{
			"cancellation_reason": reasons[r.IntN(len(reasons))], "cancellation_reason_comment": "Cancelled on request"}, nil)
		if r.IntN(4) == 0 {
			// The supplier had not heard: a start after the cancellation
			// is kept but does not apply.
			add(moves.EventMoveStart, last.Add(2*time.Hour), true, nil, nil)
		}
		return
	}
	if kind == kindBooked {
		if offset <= 1 {
			add(moves.EventMoveNotifyPremisesOfExpectedCollectionTime, start.Add(-14*time.Hour), true,
				map[string]any{"expected_at": rfc3339(start)}, nil)
		}
		return
	}
	collect := add(moves.EventMoveNotifyPremisesOfExpectedCollectionTime, start.Add(-14*time.Hour), true,
		map[string]any{"expected_at": rfc3339(start)}, nil)
	add(moves.EventMoveCollectionByEscort, start.Add(-10*time.Minute), true,
		map[string]any{"vehicle_type": moves.VehicleTypes[r.IntN(len(moves.VehicleTypes))]}, nil)
	add(moves.EventMoveStart, start, true, nil, nil)
	journey := time.Duration(40+r.IntN(80)) * time.Minute
	add(moves.EventMoveNotifyPremisesOfEta, start.Add(5*time.Minute), true,
		map[string]any{"expected_at": rfc3339(start.Add(journey))}, nil)
	if r.IntN(100) < 5 {
		// The collection time notice reaches the service only now: it
		// takes its place in the log and is marked late.
		collect.Arrive = last.Add(time.Second)
		last = collect.Arrive
		for j := len(bm.Events) - 1; j > 0; j-- {
			if bm.Events[j].ID == collect.ID {
				c := bm.Events[j]
				copy(bm.Events[j:], bm.Events[j+1:])
				bm.Events[len(bm.Events)-1] = c
				break
			}
		}
	}
	if r.IntN(100) < 12 {
		add(moves.EventPersonMoveMinorIncidentOther, start.Add(journey/3), true, map[string]any{
			"fault_classification":       moves.FaultClassifications[r.IntN(len(moves.FaultClassifications))],
			"reported_at":                rfc3339(start.Add(journey/3 + 5*time.Minute)),
			"supplier_personnel_numbers": []any{fmt.Sprintf("SP%05d", r.IntN(100000))}}, map[string]string{"location": from.ID})
	}
	if r.IntN(100) < 4 {
		add(moves.EventPersonMoveVehicleBrokeDown, start.Add(journey/2), true, map[string]any{
			"vehicle_reg": fmt.Sprintf("AB%02d CDE", r.IntN(100)), "reported_at": rfc3339(start.Add(journey/2 + 2*time.Minute)),
			"postcode": "B4 6QA"}, nil)
	}
	if hasTo && r.IntN(100) < 4 && m.MoveType == moves.CourtAppearance {
		add(moves.EventMoveLockout, start.Add(journey-5*time.Minute), true, map[string]any{
			"reason": moves.LockoutReasons[r.IntN(len(moves.LockoutReasons))], "authorised_by": "PMU"}, map[string]string{"from_location": to.ID})
	}
	if kind == kindInTransit {
		return
	}
	if r.IntN(10) < 9 || long {
		add(moves.EventMoveNotifyPremisesOfEta, start.Add(journey/2), true,
			map[string]any{"expected_at": rfc3339(start.Add(journey + 10*time.Minute))}, nil)
	}
	if r.IntN(10) < 3 {
		add(moves.EventMoveNotifyPremisesOfEta, start.Add(journey/2+10*time.Minute), true,
			map[string]any{"expected_at": rfc3339(start.Add(journey + 15*time.Minute))}, nil)
	}
	add(moves.EventMoveNotifyPremisesOfArrivalIn30Mins, start.Add(journey-30*time.Minute), true, nil, nil)
	if long {
		// A long day: lodging, more notices and incidents, until the log
		// holds LongTimeline events (the completion included).
		for len(bm.Events) < w.spec.LongTimeline-1 {
			k := len(bm.Events)
			when := start.Add(journey - 30*time.Minute + time.Duration(k)*time.Minute)
			switch k % 5 {
			case 0:
				add(moves.EventMoveNotifyPremisesOfEta, when, true, map[string]any{"expected_at": rfc3339(when.Add(20 * time.Minute))}, nil)
			case 1:
				add(moves.EventPersonMoveMinorIncidentOther, when, true, map[string]any{"fault_classification": "investigation",
					"reported_at": rfc3339(when.Add(time.Minute))}, map[string]string{"location": from.ID})
			case 2:
				// Not MoveLodgingStart/End: they apply only to a planned
				// lodging, and the bulk moves have none.
				add(moves.EventMoveNotifyPremisesOfEta, when, true, map[string]any{"expected_at": rfc3339(when.Add(40 * time.Minute))}, nil)
			case 3:
				add(moves.EventPersonMoveMinorIncidentOther, when, true, map[string]any{"fault_classification": "was_not_supplier",
					"reported_at": rfc3339(when.Add(2 * time.Minute))}, map[string]string{"location": from.ID})
			default:
				add(moves.EventMoveNotifyPremisesOfArrivalIn30Mins, when, true, nil, nil)
			}
		}
		add(moves.EventMoveComplete, start.Add(journey+time.Duration(len(bm.Events))*time.Minute), true, nil, nil)
		return
	}
	add(moves.EventMoveComplete, start.Add(journey), true, nil, nil)
	if m.MoveType == moves.PrisonRemand && hasTo {
		add(moves.EventPersonMoveBookedIntoReceivingEstablishment, start.Add(journey+20*time.Minute), true,
			map[string]any{"supplier_personnel_number": fmt.Sprintf("SP%05d", r.IntN(100000))}, map[string]string{"location": to.ID})
	}
	if r.IntN(100) < 3 {
		// A duplicate start after the completion: kept, not applied.
		add(moves.EventMoveStart, start.Add(journey+time.Hour), true, nil, nil)
	}
}

// bulkChunk is one transaction's worth of rows.
type bulkChunk struct {
	*store.MoveRows
	moves int
}

func newBulkChunk() *bulkChunk { return &bulkChunk{MoveRows: store.NewMoveRows()} }

const pncLetters = "ZABCDEFGHJKLMNPQRTUVWXY" // as moves checks them

func (w *bulkWorld) addPerson(c *bulkChunk, i int, r *rand.Rand) {
	first := bulkFirstNames[r.IntN(len(bulkFirstNames))]
	last := bulkLastNames[r.IntN(len(bulkLastNames))]
	gender := "male"
	if r.IntN(10) == 0 {
		gender = "female"
	}
	dob := time.Date(1950+r.IntN(58), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	at := w.today.AddDate(-3, 0, 0)
	p := moves.Person{ID: bulkPersonID(w.spec.Seed, i), FirstNames: first, LastName: last, DateOfBirth: dob, Gender: gender,
		CreatedAt: at, CreatedBy: "bulk", UpdatedAt: at}
	if r.IntN(10) < 7 {
		yy, serial := r.IntN(100), r.IntN(10_000_000)
		p.PNC = fmt.Sprintf("%02d/%07d%c", yy, serial, pncLetters[(yy*10_000_000+serial)%23])
	}
	if r.IntN(2) == 0 {
		p.PrisonNumber = fmt.Sprintf("%c%04d%c%c", 'A'+rune(r.IntN(26)), r.IntN(10000), 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26)))
	}
	c.AddPerson(p)
}

func (w *bulkWorld) addMove(c *bulkChunk, bm *bulkMove, seq *int64, res *BulkResult) error {
	if err := c.AddMove(&bm.PlannedMove, seq); err != nil {
		return err
	}
	res.Events += len(bm.Events)
	res.Profiles++
	c.moves++
	return nil
}

// load plans and writes people and moves: planning runs in one goroutine,
// writing in another, a chunk (one transaction) at a time.
func (w *bulkWorld) load(ctx context.Context, db *sql.DB, res *BulkResult) error {
	chunks := make(chan *bulkChunk, 4)
	planErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		planErr <- w.plan(ctx, chunks, res)
	}()
	// One statement of perStmt rows and one of a single row per table,
	// prepared before the first transaction takes the only connection.
	const perStmt = 64
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	for _, t := range newBulkChunk().Tables() {
		for _, k := range []int{1, perStmt} {
			st, err := db.PrepareContext(ctx, t.InsertSQL(k))
			if err != nil {
				cancel()
				return fmt.Errorf("bulk: prepare %s: %w", t.Table, err)
			}
			stmts[t.Table+"/"+strconv.Itoa(k)] = st
		}
	}
	written := 0
	for c := range chunks {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			cancel()
			return err
		}
		for _, t := range c.Tables() {
			n := t.Len()
			for off := 0; off < n; {
				k := perStmt
				if n-off < perStmt {
					k = 1
				}
				st := tx.StmtContext(ctx, stmts[t.Table+"/"+strconv.Itoa(k)])
				if _, err := st.ExecContext(ctx, t.Args(off, k)...); err != nil {
					tx.Rollback()
					cancel()
					return fmt.Errorf("bulk: insert into %s: %w", t.Table, err)
				}
				off += k
			}
		}
		if err := tx.Commit(); err != nil {
			cancel()
			return err
		}
		written += c.moves
		if w.spec.Progress != nil && c.moves > 0 {
			w.spec.Progress(written, w.spec.Moves)
		}
	}
	if err := <-planErr; err != nil {
		return err
	}
	res.Moves = written
	res.People = w.people
	return nil
}

func (w *bulkWorld) plan(ctx context.Context, out chan<- *bulkChunk, res *BulkResult) error {
	send := func(c *bulkChunk) error {
		select {
		case out <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := newBulkChunk()
	pr := rand.New(rand.NewPCG(w.spec.Seed, 0x9e0b1e))
	for i := 0; i < w.people; i++ {
		w.addPerson(c, i, pr)
		if c.Len() >= w.spec.BatchRows {
			if err := send(c); err != nil {
				return err
			}
			c = newBulkChunk()
		}
	}
	seq := int64(1)
	n := w.spec.Moves
	// The busy day's moves and the long move are spread through the load
	// rather than first, as they would be in a real database.
	busyEvery := n / (w.spec.BusyIncoming + 1)
	busyLeft := w.spec.BusyIncoming
	longAt := n / 2
	for i := 0; i < n; i++ {
		busy := busyLeft > 0 && (i%busyEvery == busyEvery-1 || n-i <= busyLeft) && i != longAt
		if busy {
			busyLeft--
		}
		long := i == longAt
		bm := w.planMove(i, busy, long)
		if busy {
			res.BusyIncoming++
		}
		if long {
			res.LongMoveID = bm.Final.ID
			res.LongMoveEvents = len(bm.Events)
		}
		if err := w.addMove(c, &bm, &seq, res); err != nil {
			return err
		}
		if c.Len() >= w.spec.BatchRows {
			if err := send(c); err != nil {
				return err
			}
			c = newBulkChunk()
		}
	}
	if c.Len() > 0 {
		return send(c)
	}
	return nil
}
