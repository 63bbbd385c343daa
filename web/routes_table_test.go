package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Who asks: the columns of the route table. Staff roles sign in with the
// demo users (police choose Guildford Police Station); "out" is signed
// out; the two API columns are signed out in the browser and call with a
// bearer token: Serco's client and an internal client (no supplier).
//
// oca (allocation staff at HMP Belmarsh) is the last column; its status is
// the case's oca field, written for every case (a case without one fails
// in the oca column), so that rows added before the role existed keep
// their nine-column w(…).
var tableColumns = []string{"out", "pmu", "police", "prison", "court", "supplier", "admin", "api-serco", "api-internal", "oca"}

type want [9]int

// w lists the statuses in the order of tableColumns.
func w(out, pmu, police, prison, court, supplier, admin, serco, internal int) want {
	return want{out, pmu, police, prison, court, supplier, admin, serco, internal}
}

// routeCase is one request of the table. route names the route it
// exercises as echo lists it ("METHOD /path/:param"). path, form values
// and body may hold {placeholders} (see tableFixtures.replacer). Forms get
// the column's CSRF token; form "version" "{version:NAME}" is the named
// move's current version.
type routeCase struct {
	route  string
	method string
	path   string
	form   url.Values
	body   string
	want   want
	// phase orders the run: 0 reads (GET, HEAD), 1 writes; 2 changes of
	// location, 3 signing out. Within a phase the table's order is kept.
	phase int
	note  string
	// oca is the status the oca column gets (see tableColumns).
	oca int
}

// The expected statuses are written from DOMAIN.md's "Who uses it":
//
//   - pmu sees every move; reviews proposals (approve, reject); cancels;
//     redirects; may work at all locations or choose one;
//   - police (at Guildford Police Station, also holding Staines) request
//     moves; see moves from or to their locations; cancel or change (redirect,
//     date) moves from theirs that have not left custody;
//   - prison (HMP Brixton) request moves; see outgoing and incoming; cancel;
//   - court (Guildford Crown Court): read-only lists and move pages;
//   - supplier (Serco's staff): read-only view of Serco's moves;
//   - admin: API clients (and users and locations); no moves at all;
//   - oca (HMP Belmarsh) sees allocations from Belmarsh and fills or
//     empties their places; sees Belmarsh's outgoing and incoming lists
//     and moves; takes no action on a move itself;
//   - a move a user may not see is not found (404); an action the user may
//     not take on a move they can see is forbidden (403); a page for other
//     roles is forbidden (403); signed out, every staff page sends to sign-in
//     (303) and every /api call is a JSON:API 401;
//   - a supplier's API client sees and changes only the moves Serco serves;
//     an internal client sees every move.
//
// Changing a move's date is granted to pmu and prison as well as police
// by moves.Allowed (moves/access_test.go); DOMAIN names only police's
// "change". Those cells follow moves.Allowed and are marked "date".
//
// The demo moves used (seeded around 22 November 2026):
//
//	gfdBooked     Guildford PS → Guildford Crown Court, booked (Serco)
//	gfdRequested  Guildford PS → Guildford Crown Court, requested
//	gfdInTransit  Guildford PS → Guildford Crown Court, in transit
//	gfdHospital   Guildford PS → Royal Surrey County Hospital, requested
//	bxiProposed   HMP Brixton → HMP Wandsworth, proposed (Serco)
//	bxiProposed2  HMP Brixton → HMP High Down, proposed
//	bxiRequested  HMP Brixton → Westminster Magistrates' Court, requested
//	bmiCompleted  HMP Birmingham → Birmingham Crown Court, completed (GEOAmey):
//	              nobody but pmu and the internal client sees it
func routeTable() []routeCase {
	const (
		ok    = http.StatusOK
		made  = http.StatusCreated
		see   = http.StatusSeeOther
		found = http.StatusFound
		bad   = http.StatusBadRequest
		unau  = http.StatusUnauthorized
		forb  = http.StatusForbidden
		nf    = http.StatusNotFound
		unpr  = http.StatusUnprocessableEntity
		slow  = http.StatusTooManyRequests
		conf  = http.StatusConflict
		none  = http.StatusNoContent
	)
	// Every staff page signed out (and so for the API columns, which have
	// no session): 303 to sign-in.
	allAPI401 := func(serco, internal int) want { return w(unau, unau, unau, unau, unau, unau, unau, serco, internal) }
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	return []routeCase{
		// --- Public ---
		{route: "GET /static/*", method: "GET", path: "{css}", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "GET /static/*", method: "GET", path: "/static/no-such-file.css", want: w(nf, nf, nf, nf, nf, nf, nf, nf, nf), oca: nf},
		{route: "HEAD /static/*", method: "HEAD", path: "{css}", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "GET /health", method: "GET", path: "/health", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		// Only with -test-endpoints in demo mode (absent otherwise: see
		// testreset_test.go); no session or CSRF token, as docs/TESTING.md
		// says. Last of all, since it undoes the table's changes.
		{route: "POST /test/reset", method: "POST", path: "/test/reset", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok, phase: 4,
			note: "test endpoints on"},
		{route: "GET /help/accessibility", method: "GET", path: "/help/accessibility", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "GET /sign-in", method: "GET", path: "/sign-in", want: w(ok, see, see, see, see, see, see, ok, ok), oca: see},
		// Sign-in slows repeated failures: three wrong passwords, then even
		// the right one must wait.
		{route: "POST /sign-in", method: "POST", path: "/sign-in", form: form("username", "court", "password", "wrong-password-1"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau},
		{route: "POST /sign-in", method: "POST", path: "/sign-in", form: form("username", "court", "password", "wrong-password-2"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau},
		{route: "POST /sign-in", method: "POST", path: "/sign-in", form: form("username", "court", "password", "wrong-password-3"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau},
		{route: "POST /sign-in", method: "POST", path: "/sign-in", form: form("username", "court", "password", store.DemoPassword), want: w(slow, slow, slow, slow, slow, slow, slow, slow, slow), oca: slow, note: "the right password during the wait"},
		{route: "POST /sign-in", method: "POST", path: "/sign-in", form: form("username", "", "password", ""), want: w(unpr, unpr, unpr, unpr, unpr, unpr, unpr, unpr, unpr), oca: unpr},

		// --- Signed in, any role ---
		{route: "GET /", method: "GET", path: "/", want: w(see, ok, ok, ok, ok, ok, ok, see, see), oca: ok},
		{route: "GET /locations", method: "GET", path: "/locations", want: w(see, ok, ok, ok, ok, ok, ok, see, see), oca: ok},
		{route: "POST /locations", method: "POST", path: "/locations", form: form("location", "{own}", "next", "/"), phase: 2,
			want: w(see, see, see, see, see, unpr, unpr, see, see), oca: see, note: "the user's own location (pmu: all); supplier and admin hold none"},
		{route: "POST /locations", method: "POST", path: "/locations", form: form("location", "{LEI}", "next", "/"), phase: 2,
			want: w(see, see, unpr, unpr, unpr, unpr, unpr, see, see), oca: unpr, note: "HMP Leeds: only pmu may work there"},
		{route: "POST /sign-out", method: "POST", path: "/sign-out", phase: 3, want: w(see, see, see, see, see, see, see, see, see), oca: see},

		// --- Lists ---
		{route: "GET /moves", method: "GET", path: "/moves", want: w(see, found, found, found, found, found, forb, see, see), oca: found},
		{route: "GET /moves/outgoing", method: "GET", path: "/moves/outgoing", want: w(see, found, found, found, found, found, forb, see, see), oca: found},
		{route: "GET /moves/incoming", method: "GET", path: "/moves/incoming", want: w(see, found, found, found, found, found, forb, see, see), oca: found},
		{route: "GET /moves/outgoing/:date", method: "GET", path: "/moves/outgoing/{today}", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/outgoing/:date", method: "GET", path: "/moves/outgoing/not-a-date", want: w(see, nf, nf, nf, nf, nf, forb, see, see), oca: nf},
		{route: "GET /moves/incoming/:date", method: "GET", path: "/moves/incoming/{today}", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/outgoing/:date/download.csv", method: "GET", path: "/moves/outgoing/{today}/download.csv", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/incoming/:date/download.csv", method: "GET", path: "/moves/incoming/{today}/download.csv", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/outgoing/:date", method: "GET", path: "/moves/outgoing/{today}?group=vehicle", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok, note: "grouped by vehicle"},
		{route: "GET /moves/outgoing/week/:date", method: "GET", path: "/moves/outgoing/week/{monday}", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/outgoing/week/:date", method: "GET", path: "/moves/outgoing/week/{tuesday}", want: w(see, found, found, found, found, found, forb, see, see), oca: found, note: "to its Monday"},
		{route: "GET /moves/outgoing/week/:date", method: "GET", path: "/moves/outgoing/week/not-a-date", want: w(see, nf, nf, nf, nf, nf, forb, see, see), oca: nf},
		{route: "GET /moves/incoming/week/:date", method: "GET", path: "/moves/incoming/week/{monday}", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/outgoing/week/:date/download.csv", method: "GET", path: "/moves/outgoing/week/{monday}/download.csv", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/incoming/week/:date/download.csv", method: "GET", path: "/moves/incoming/week/{monday}/download.csv", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /moves/review", method: "GET", path: "/moves/review", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /moves/review/download.csv", method: "GET", path: "/moves/review/download.csv", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		// Police and prison staff's own requests waiting for PMU or rejected
		// ("Single requests"); PMU review them all at /moves/review.
		{route: "GET /moves/requested", method: "GET", path: "/moves/requested", want: w(see, forb, ok, ok, forb, forb, forb, see, see), oca: forb},
		{route: "GET /moves/requested", method: "GET", path: "/moves/requested?status=rejected&page=2", want: w(see, forb, ok, ok, forb, forb, forb, see, see), oca: forb,
			note: "a page past the last shows the last"},

		// --- Request a move (police, prison and pmu) ---
		// pmu viewing all locations is asked to choose one first (200);
		// police and prison start a journey (303 to its first step).
		{route: "GET /move/new", method: "GET", path: "/move/new", want: w(see, ok, see, see, forb, forb, forb, see, see), oca: forb},
		{route: "GET /move/new/:journey/:step", method: "GET", path: "/move/new/{journey}/person", want: w(see, see, ok, ok, forb, forb, forb, see, see), oca: forb, note: "pmu has no journey: back to /move/new"},
		{route: "GET /move/new/:journey/:step", method: "GET", path: "/move/new/{journey}/no-such-step", want: w(see, nf, nf, nf, forb, forb, forb, see, see), oca: forb},
		{route: "POST /move/new/:journey/:step", method: "POST", path: "/move/new/{journey}/person", form: form("number", "{pnc}"),
			want: w(see, ok, see, see, forb, forb, forb, see, see), oca: forb, note: "pmu has no journey: told its answers have expired"},
		{route: "GET /move/:id/confirmation", method: "GET", path: "/move/{gfdBooked}/confirmation", want: w(see, ok, ok, nf, forb, forb, forb, see, see), oca: forb},
		{route: "GET /move/:id/confirmation", method: "GET", path: "/move/{bmiCompleted}/confirmation", want: w(see, ok, nf, nf, forb, forb, forb, see, see), oca: forb},

		// --- A move's page and timeline ---
		{route: "GET /move/:id", method: "GET", path: "/move/{gfdBooked}", want: w(see, ok, ok, nf, ok, ok, nf, see, see), oca: nf},
		{route: "GET /move/:id", method: "GET", path: "/move/{bxiProposed}", want: w(see, ok, nf, ok, nf, ok, nf, see, see), oca: nf},
		{route: "GET /move/:id", method: "GET", path: "/move/{bmiCompleted}", want: w(see, ok, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id", method: "GET", path: "/move/{missing}", want: w(see, nf, nf, nf, nf, nf, nf, see, see), oca: nf},
		// The police at Guildford see a move from Leeds lodged in their
		// custody suite (and record what happened there); nobody else
		// gains sight of it.
		{route: "GET /move/:id", method: "GET", path: "/move/{leiLodged}", want: w(see, ok, ok, nf, nf, nf, nf, see, see), oca: nf, note: "lodged at Guildford PS"},
		{route: "GET /move/:id/custody-events", method: "GET", path: "/move/{leiLodged}/custody-events", want: w(see, forb, ok, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/custody-events", method: "GET", path: "/move/{gfdBooked}/custody-events", want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "no lodge"},
		{route: "GET /move/:id/timeline", method: "GET", path: "/move/{gfdBooked}/timeline", want: w(see, ok, ok, nf, ok, ok, nf, see, see), oca: nf},
		{route: "GET /move/:id/timeline", method: "GET", path: "/move/{bmiCompleted}/timeline", want: w(see, ok, nf, nf, nf, nf, nf, see, see), oca: nf},

		// --- Actions: the forms ---
		{route: "GET /move/:id/approve", method: "GET", path: "/move/{bxiProposed}/approve", want: w(see, ok, nf, forb, nf, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/approve", method: "GET", path: "/move/{gfdBooked}/approve", want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "not proposed"},
		{route: "GET /move/:id/approve", method: "GET", path: "/move/{bmiCompleted}/approve", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/resubmit", method: "GET", path: "/move/{bxiProposed}/resubmit", want: w(see, forb, nf, forb, nf, forb, nf, see, see), oca: nf, note: "only a request rejected for more information is sent again"},
		{route: "GET /move/:id/resubmit", method: "GET", path: "/move/{bmiCompleted}/resubmit", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/reject", method: "GET", path: "/move/{bxiProposed2}/reject", want: w(see, ok, nf, forb, nf, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/reject", method: "GET", path: "/move/{bmiCompleted}/reject", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/cancel", method: "GET", path: "/move/{gfdBooked}/cancel", want: w(see, ok, ok, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/cancel", method: "GET", path: "/move/{bxiProposed}/cancel", want: w(see, ok, nf, ok, nf, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/cancel", method: "GET", path: "/move/{gfdInTransit}/cancel", want: w(see, ok, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody: pmu only"},
		{route: "GET /move/:id/cancel", method: "GET", path: "/move/{bmiCompleted}/cancel", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/redirect", method: "GET", path: "/move/{gfdBooked}/redirect", want: w(see, ok, ok, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/redirect", method: "GET", path: "/move/{bxiProposed}/redirect", want: w(see, ok, nf, forb, nf, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/redirect", method: "GET", path: "/move/{bmiCompleted}/redirect", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/date", method: "GET", path: "/move/{gfdHospital}/date", want: w(see, ok, ok, nf, nf, forb, nf, see, see), oca: nf, note: "date"},
		{route: "GET /move/:id/date", method: "GET", path: "/move/{bxiRequested}/date", want: w(see, ok, nf, ok, nf, forb, nf, see, see), oca: nf, note: "date"},
		{route: "GET /move/:id/date", method: "GET", path: "/move/{bmiCompleted}/date", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		// Changing a request: those who may act on it, until the person
		// leaves custody.
		{route: "GET /move/:id/details", method: "GET", path: "/move/{gfdBooked}/details", want: w(see, ok, ok, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/details", method: "GET", path: "/move/{gfdInTransit}/details", want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody"},
		{route: "GET /move/:id/details", method: "GET", path: "/move/{bxiRequested}/details", want: w(see, ok, nf, ok, nf, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/information/:category", method: "GET", path: "/move/{gfdBooked}/information/risk", want: w(see, ok, ok, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/information/:category", method: "GET", path: "/move/{gfdInTransit}/information/health", want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody"},
		{route: "GET /move/:id/information/:category", method: "GET", path: "/move/{gfdBooked}/information/nonsense", want: w(see, nf, nf, nf, nf, nf, nf, see, see), oca: nf},

		// --- Actions: the submissions (valid answers: who may, succeeds) ---
		{route: "POST /move/:id/resubmit", method: "POST", path: "/move/{bxiProposed}/resubmit", form: form("version", "{version:bxiProposed}", "information", "Agreed", "date_from", "{windowDay}/{windowMonth}/{windowYear}"),
			want: w(see, forb, nf, forb, nf, forb, nf, see, see), oca: nf, note: "only a request rejected for more information is sent again"},
		{route: "POST /move/:id/approve", method: "POST", path: "/move/{bxiProposed}/approve", form: form("version", "{version:bxiProposed}", "date-day", "{windowDay}", "date-month", "{windowMonth}", "date-year", "{windowYear}"),
			want: w(see, see, nf, forb, nf, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/approve", method: "POST", path: "/move/{bmiCompleted}/approve", form: form("version", "{version:bmiCompleted}", "date-day", "{windowDay}", "date-month", "{windowMonth}", "date-year", "{windowYear}"),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/approve", method: "POST", path: "/move/{missing}/approve", form: form("version", "1"), want: w(see, nf, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/reject", method: "POST", path: "/move/{bxiProposed2}/reject", form: form("version", "{version:bxiProposed2}", "rejection_reason", moves.RejectionReasons[0], "rebook", "false"),
			want: w(see, see, nf, forb, nf, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/reject", method: "POST", path: "/move/{bmiCompleted}/reject", form: form("version", "{version:bmiCompleted}", "rejection_reason", moves.RejectionReasons[0], "rebook", "false"),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/custody-events", method: "POST", path: "/move/{leiLodged}/custody-events", form: form("events", "other", "other_details", "Asked for a solicitor"),
			want: w(see, forb, see, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/custody-events", method: "POST", path: "/move/{leiLodged}/custody-events", form: form("events", "violent"),
			want: w(see, forb, unpr, nf, nf, nf, nf, see, see), oca: nf, note: "no details"},
		{route: "POST /move/:id/custody-events", method: "POST", path: "/move/{gfdBooked}/custody-events", form: form("events", "other", "other_details", "x"),
			want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "no lodge"},
		{route: "POST /move/:id/cancel", method: "POST", path: "/move/{gfdRequested}/cancel", form: form("version", "{version:gfdRequested}", "cancellation_reason", "{cancelReason}"),
			want: w(see, see, see, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/cancel", method: "POST", path: "/move/{gfdInTransit}/cancel", form: form("version", "{version:gfdInTransit}", "cancellation_reason", "{cancelReason}"),
			want: w(see, see, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody: pmu only"},
		{route: "POST /move/:id/cancel", method: "POST", path: "/move/{bmiCompleted}/cancel", form: form("version", "{version:bmiCompleted}", "cancellation_reason", "{cancelReason}"),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/redirect", method: "POST", path: "/move/{gfdBooked}/redirect", form: form("version", "{version:gfdBooked}", "to_location", "{GUILMC}", "move_type", "court_appearance", "reason", moves.RedirectReasons[0]),
			want: w(see, see, see, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/redirect", method: "POST", path: "/move/{bxiProposed2}/redirect", form: form("version", "{version:bxiProposed2}", "to_location", "{BAI}", "move_type", "prison_transfer", "reason", moves.RedirectReasons[0]),
			want: w(see, forb, nf, forb, nf, forb, nf, see, see), oca: nf, note: "pmu rejected it above, so only pmu gets past the role check"},
		{route: "POST /move/:id/redirect", method: "POST", path: "/move/{bmiCompleted}/redirect", form: form("version", "{version:bmiCompleted}", "to_location", "{GUILMC}", "move_type", "court_appearance", "reason", moves.RedirectReasons[0]),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		// PMU's overnight lodges (issue 11): others who see the move are
		// refused, a completed move gets none.
		{route: "GET /move/:id/lodge", method: "GET", path: "/move/{gfdBooked}/lodge", want: w(see, ok, forb, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/lodge", method: "GET", path: "/move/{bmiCompleted}/lodge", want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "GET /move/:id/lodge/:lodging_id", method: "GET", path: "/move/{gfdBooked}/lodge/{lodging}", want: w(see, ok, forb, nf, forb, forb, nf, see, see), oca: nf},
		{route: "GET /move/:id/lodge/:lodging_id/cancel", method: "GET", path: "/move/{gfdBooked}/lodge/{lodging}/cancel", want: w(see, ok, forb, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/lodge", method: "POST", path: "/move/{gfdBooked}/lodge", form: form("version", "{version:gfdBooked}", "location", "{SRY014}", "nights", "1"),
			want: w(see, see, forb, nf, forb, forb, nf, see, see), oca: nf, note: "after the lodge of the fixtures"},
		{route: "POST /move/:id/lodge", method: "POST", path: "/move/{bmiCompleted}/lodge", form: form("version", "{version:bmiCompleted}", "location", "{SRY014}", "nights", "1"),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},
		{route: "POST /move/:id/lodge/:lodging_id", method: "POST", path: "/move/{gfdBooked}/lodge/{lodging}", form: form("version", "{version:gfdBooked}", "lodging_version", "{version:lodging}", "location", "{SRY014}", "nights", "2"),
			want: w(see, see, forb, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/lodge/:lodging_id/cancel", method: "POST", path: "/move/{gfdBooked}/lodge/{lodging}/cancel", form: form("version", "{version:gfdBooked}", "lodging_version", "{version:lodging}", "cancellation_reason", "made_in_error"),
			want: w(see, see, forb, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/date", method: "POST", path: "/move/{gfdHospital}/date", form: form("version", "{version:gfdHospital}", "date-day", "27", "date-month", "11", "date-year", "2026"),
			want: w(see, see, see, nf, nf, forb, nf, see, see), oca: nf, note: "date"},
		{route: "POST /move/:id/date", method: "POST", path: "/move/{bxiRequested}/date", form: form("version", "{version:bxiRequested}", "date-day", "27", "date-month", "11", "date-year", "2026"),
			want: w(see, see, nf, see, nf, forb, nf, see, see), oca: nf, note: "date"},
		{route: "POST /move/:id/date", method: "POST", path: "/move/{bmiCompleted}/date", form: form("version", "{version:bmiCompleted}", "date-day", "27", "date-month", "11", "date-year", "2026"),
			want: w(see, forb, nf, nf, nf, nf, nf, see, see), oca: nf},

		// --- Allocations (oca is allocation staff at HMP Belmarsh) ---
		// pmu, oca and supplier see allocations (oca those from their
		// prison, the supplier those it carries: Serco serves Belmarsh);
		// pmu creates, changes and cancels; oca adds and removes people.
		{route: "GET /billing", method: "GET", path: "/billing", want: w(see, ok, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /billing", method: "GET", path: "/billing?supplier=serco&month={month}", want: w(see, ok, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /billing", method: "GET", path: "/billing?supplier=nobody&month=", want: w(see, unpr, forb, forb, forb, forb, unpr, see, see), oca: forb},
		{route: "GET /billing/journeys.csv", method: "GET", path: "/billing/journeys.csv?supplier=serco&month={month}", want: w(see, ok, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /allocations", method: "GET", path: "/allocations", want: w(see, see, forb, forb, forb, see, forb, see, see), oca: see},
		{route: "GET /allocations/:date", method: "GET", path: "/allocations/{today}", want: w(see, ok, forb, forb, forb, ok, forb, see, see), oca: ok},
		{route: "GET /allocations/:date", method: "GET", path: "/allocations/not-a-date", want: w(see, nf, forb, forb, forb, nf, forb, see, see), oca: nf},
		{route: "GET /allocations/:date/download.csv", method: "GET", path: "/allocations/{today}/download.csv", want: w(see, ok, forb, forb, forb, ok, forb, see, see), oca: ok},
		{route: "GET /allocation/new", method: "GET", path: "/allocation/new", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/new/criteria", method: "GET", path: "/allocation/new/criteria?moves_count=2&from_location={BAI}&to_location={BXI}&date={allocDate}",
			want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/new/check", method: "GET", path: "/allocation/new/check?moves_count=2&from_location={BAI}&to_location={BXI}&date={allocDate}&criteria=1&estate=juvenile_male&sentence_length=any&complete_in_full=no&has_other_criteria=no",
			want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/:id", method: "GET", path: "/allocation/{allocOpen}", want: w(see, ok, forb, forb, forb, ok, forb, see, see), oca: ok},
		{route: "GET /allocation/:id", method: "GET", path: "/allocation/{missing}", want: w(see, nf, forb, forb, forb, nf, forb, see, see), oca: nf},
		{route: "GET /allocation/:id/confirmation", method: "GET", path: "/allocation/{allocOpen}/confirmation", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/:id/cancel", method: "GET", path: "/allocation/{allocOpen}/cancel", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/:id/cancel", method: "GET", path: "/allocation/{allocCancelled}/cancel", want: w(see, conf, forb, forb, forb, forb, forb, see, see), oca: forb, note: "already cancelled"},
		{route: "GET /allocation/:id/date", method: "GET", path: "/allocation/{allocOpen}/date", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/:id/remove/:move", method: "GET", path: "/allocation/{allocOpen}/remove/{allocOpenPlace2}", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "GET /allocation/:id/fill/:move", method: "GET", path: "/allocation/{allocOpen}/fill/{allocOpenPlace}?prison_number={prisonNumber}", want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: ok},
		{route: "GET /allocation/:id/fill/:move", method: "GET", path: "/allocation/{allocCancelled}/fill/{allocOpenPlace}", want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: conf, note: "cancelled"},
		{route: "GET /allocation/:id/fill/:move/:person", method: "GET", path: "/allocation/{allocOpen}/fill/{allocOpenPlace}/{prisonPerson}", want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: ok},
		{route: "GET /allocation/:id/empty/:move", method: "GET", path: "/allocation/{allocPart}/empty/{allocPartFilled}", want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: ok},
		{route: "POST /allocation/new", method: "POST", path: "/allocation/new", form: form("moves_count", "2", "from_location", "{BAI}", "to_location", "{BXI}", "date-day", "{allocDay}", "date-month", "{allocMonth}", "date-year", "{allocYear}"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "POST /allocation/new", method: "POST", path: "/allocation/new", form: form("moves_count", "2", "from_location", "{BAI}", "to_location", "{BAI}"),
			want: w(see, unpr, forb, forb, forb, forb, forb, see, see), oca: forb, note: "same prison, no date"},
		{route: "POST /allocation/new/criteria", method: "POST", path: "/allocation/new/criteria", form: form("moves_count", "2", "from_location", "{BAI}", "to_location", "{BXI}", "date", "{allocDate}",
			"estate", "adult_male", "prisoner_category", "c", "sentence_length", "any", "complete_in_full", "no", "has_other_criteria", "no"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "POST /allocation/new/check", method: "POST", path: "/allocation/new/check", form: form("moves_count", "2", "from_location", "{BAI}", "to_location", "{BXI}", "date", "{allocDate}",
			"criteria", "1", "estate", "juvenile_male", "sentence_length", "any", "complete_in_full", "no", "has_other_criteria", "no"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "POST /allocation/:id/fill/:move/:person", method: "POST", path: "/allocation/{allocOpen}/fill/{allocOpenPlace}/{prisonPerson}", form: form("move_agreed", "yes", "move_agreed_by", "Governor", "special_vehicle", "no"),
			want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: see},
		{route: "POST /allocation/:id/empty/:move", method: "POST", path: "/allocation/{allocPart}/empty/{allocPartFilled}",
			want: w(see, forb, forb, forb, forb, forb, forb, see, see), oca: see},
		{route: "POST /allocation/:id/remove/:move", method: "POST", path: "/allocation/{allocOpen}/remove/{allocOpenPlace2}",
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "POST /allocation/:id/date", method: "POST", path: "/allocation/{allocOpen}/date", form: form("date-day", "{allocDay}", "date-month", "{allocMonth}", "date-year", "{allocYear}", "reason", "other"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},
		{route: "POST /allocation/:id/cancel", method: "POST", path: "/allocation/{allocOpen}/cancel", form: form("reason", "made_in_error"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb},

		// --- People ---
		// Requesters find people and see anyone's page; court and supplier
		// only people with a move they can see; nobody else.
		{route: "GET /people", method: "GET", path: "/people", want: w(see, ok, ok, ok, forb, forb, forb, see, see), oca: forb},
		{route: "GET /people", method: "GET", path: "/people?by=number&number={pncQuery}", want: w(see, ok, ok, ok, forb, forb, forb, see, see), oca: forb},
		{route: "GET /people", method: "GET", path: "/people?by=number&number=nonsense", want: w(see, unpr, unpr, unpr, forb, forb, forb, see, see), oca: forb},
		{route: "GET /person/:id", method: "GET", path: "/person/{person}", want: w(see, ok, ok, ok, ok, ok, forb, see, see), oca: ok},
		{route: "GET /person/:id", method: "GET", path: "/person/{missing}", want: w(see, nf, nf, nf, nf, nf, forb, see, see), oca: nf},
		// A change of a person is written into each of their open moves:
		// police and prison staff make it only when they may change every
		// one of those (gfdPerson's one move is from Guildford; {person}
		// has open moves from elsewhere too). PMU always may.
		{route: "GET /person/:id/edit", method: "GET", path: "/person/{person}/edit", want: w(see, ok, forb, forb, forb, forb, forb, see, see), oca: forb,
			note: "open moves from places the user does not work at"},
		{route: "GET /person/:id/edit", method: "GET", path: "/person/{gfdPerson}/edit", want: w(see, ok, ok, forb, forb, forb, forb, see, see), oca: nf},
		{route: "POST /person/:id/edit", method: "POST", path: "/person/{person}/edit",
			form: form("seen", "{seen:person}", "first_names", "{personFirst}", "last_name", "{personLast}", "dob-day", "{personDobDay}",
				"dob-month", "{personDobMonth}", "dob-year", "{personDobYear}", "gender", "{personGender}", "pnc", "{pnc}", "prison_number", "{personPrisonNo}"),
			want: w(see, see, forb, forb, forb, forb, forb, see, see), oca: forb, note: "the same details: nothing changes"},
		{route: "POST /person/:id/edit", method: "POST", path: "/person/{gfdPerson}/edit",
			form: form("seen", "{seen:gfdPerson}", "first_names", "Tabitha", "last_name", "Guildford", "dob-day", "1", "dob-month", "1", "dob-year", "1990",
				"gender", "female"),
			want: w(see, see, see, forb, forb, forb, forb, see, see), oca: nf, note: "the same details of someone on Guildford's move alone"},
		{route: "POST /person/:id/edit", method: "POST", path: "/person/{gfdPerson}/edit", form: form("seen", "1"),
			want: w(see, http.StatusConflict, http.StatusConflict, forb, forb, forb, forb, see, see), oca: nf, note: "a stale form"},
		{route: "POST /move/:id/details", method: "POST", path: "/move/{gfdBooked}/details", form: form("version", "{version:gfdBooked}", "time_due", "10:00", "additional_information", "Route table note"),
			want: w(see, see, see, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/details", method: "POST", path: "/move/{gfdInTransit}/details", form: form("version", "{version:gfdInTransit}", "additional_information", "Too late"),
			want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody"},
		{route: "POST /move/:id/information/:category", method: "POST", path: "/move/{gfdBooked}/information/court", form: form("version", "{version:gfdBooked}", "court", "interpreter", "court_interpreter_details", "Welsh"),
			want: w(see, see, see, nf, forb, forb, nf, see, see), oca: nf},
		{route: "POST /move/:id/information/:category", method: "POST", path: "/move/{gfdInTransit}/information/court", form: form("version", "{version:gfdInTransit}", "court", "none"),
			want: w(see, forb, forb, nf, forb, forb, nf, see, see), oca: nf, note: "left custody"},

		// --- Administration: API clients ---
		{route: "GET /admin/clients", method: "GET", path: "/admin/clients", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/clients/new", method: "GET", path: "/admin/clients/new", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/clients/:id", method: "GET", path: "/admin/clients/{client}", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/clients/:id", method: "GET", path: "/admin/clients/no-such-client", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		{route: "GET /admin/clients/:id/secret", method: "GET", path: "/admin/clients/{client}/secret", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "POST /admin/clients", method: "POST", path: "/admin/clients", form: form("name", "Table test client", "supplier", "serco"), want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/clients", method: "POST", path: "/admin/clients", form: form("name", "", "supplier", ""), want: w(see, forb, forb, forb, forb, forb, unpr, see, see), oca: forb},
		{route: "POST /admin/clients/:id/rotate", method: "POST", path: "/admin/clients/{spare}/rotate", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/clients/:id/retire-secret", method: "POST", path: "/admin/clients/{spare}/retire-secret", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/clients/:id/disable", method: "POST", path: "/admin/clients/{spare}/disable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/clients/:id/disable", method: "POST", path: "/admin/clients/no-such-client/disable", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		// Notifications to suppliers: administrators only.
		{route: "GET /admin/subscriptions", method: "GET", path: "/admin/subscriptions", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/subscriptions/new", method: "GET", path: "/admin/subscriptions/new", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/subscriptions/:id", method: "GET", path: "/admin/subscriptions/{sub}", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/subscriptions/:id", method: "GET", path: "/admin/subscriptions/no-such-subscription", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		{route: "GET /admin/subscriptions/:id/secret", method: "GET", path: "/admin/subscriptions/{sub}/secret", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "POST /admin/subscriptions", method: "POST", path: "/admin/subscriptions", form: form("supplier", "serco", "callback_url", "http://127.0.0.1:9/hooks"), want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions", method: "POST", path: "/admin/subscriptions", form: form("supplier", "", "callback_url", ""), want: w(see, forb, forb, forb, forb, forb, unpr, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/rotate", method: "POST", path: "/admin/subscriptions/{sub}/rotate", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/retire-secret", method: "POST", path: "/admin/subscriptions/{sub}/retire-secret", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/test", method: "POST", path: "/admin/subscriptions/{sub}/test", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/notifications/:nid/resend", method: "POST", path: "/admin/subscriptions/{sub}/notifications/{notification}/resend", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/notifications/:nid/resend", method: "POST", path: "/admin/subscriptions/{sub}/notifications/no-such-notification/resend", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/disable", method: "POST", path: "/admin/subscriptions/{sub}/disable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/subscriptions/:id/enable", method: "POST", path: "/admin/subscriptions/{sub}/enable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		// The demo receiver: its page is for anyone in demo mode; what is
		// posted to it unsigned is refused.
		{route: "GET /demo/webhooks", method: "GET", path: "/demo/webhooks", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "POST /demo/webhooks", method: "POST", path: "/demo/webhooks", body: `{"data":{}}`, want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau},

		// Users: add, change, reset the password, disable and enable.
		{route: "GET /admin/users", method: "GET", path: "/admin/users", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/users/new", method: "GET", path: "/admin/users/new", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/users/:id", method: "GET", path: "/admin/users/{user}", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/users/:id", method: "GET", path: "/admin/users/{missing}", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		{route: "GET /admin/users/:id/edit", method: "GET", path: "/admin/users/{user}/edit", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/users/:id/password", method: "GET", path: "/admin/users/{user}/password", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "POST /admin/users", method: "POST", path: "/admin/users", form: form("username", "table.new", "full_name", "Table New", "role", "court", "locations", "{GUILCC}", "password", "a-long-enough-password-1"),
			want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/users", method: "POST", path: "/admin/users", form: form("username", ""), want: w(see, forb, forb, forb, forb, forb, unpr, see, see), oca: forb},
		{route: "POST /admin/users/:id/edit", method: "POST", path: "/admin/users/{user}/edit", form: form("username", "table.user", "full_name", "Table User Renamed", "role", "court", "locations", "{GUILCC}"),
			want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/users/:id/password", method: "POST", path: "/admin/users/{user}/password", form: form("password", "another-long-password-2"),
			want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/users/:id/disable", method: "POST", path: "/admin/users/{user}/disable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/users/:id/enable", method: "POST", path: "/admin/users/{user}/enable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/users/:id/disable", method: "POST", path: "/admin/users/{missing}/disable", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		// Locations and the suppliers that serve them.
		{route: "GET /admin/locations", method: "GET", path: "/admin/locations", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/locations/new", method: "GET", path: "/admin/locations/new", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/locations/:id", method: "GET", path: "/admin/locations/{APEAL1}", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/locations/:id", method: "GET", path: "/admin/locations/{missing}", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},
		{route: "GET /admin/locations/:id/suppliers/new", method: "GET", path: "/admin/locations/{APEAL1}/suppliers/new", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "POST /admin/locations", method: "POST", path: "/admin/locations", form: form("title", "Table Test Police Station", "code", "TBL01", "location_type", "police", "region", "south"),
			want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/locations", method: "POST", path: "/admin/locations", form: form("title", ""), want: w(see, forb, forb, forb, forb, forb, unpr, see, see), oca: forb},
		{route: "POST /admin/locations/:id/disable", method: "POST", path: "/admin/locations/{APEAL1}/disable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/locations/:id/enable", method: "POST", path: "/admin/locations/{APEAL1}/enable", want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "POST /admin/locations/:id/suppliers", method: "POST", path: "/admin/locations/{APEAL1}/suppliers", form: form("supplier", "geoamey", "from-day", "1", "from-month", "1", "from-year", "2027"),
			want: w(see, forb, forb, forb, forb, forb, see, see, see), oca: forb},
		{route: "GET /admin/suppliers", method: "GET", path: "/admin/suppliers", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/suppliers/:key", method: "GET", path: "/admin/suppliers/serco", want: w(see, forb, forb, forb, forb, forb, ok, see, see), oca: forb},
		{route: "GET /admin/suppliers/:key", method: "GET", path: "/admin/suppliers/no-such-supplier", want: w(see, forb, forb, forb, forb, forb, nf, see, see), oca: forb},

		// --- Supplier API ---
		{route: "POST /oauth/token", method: "POST", path: "/oauth/token", form: form("grant_type", "client_credentials"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau, note: "no credentials"},
		{route: "POST /oauth/token", method: "POST", path: "/oauth/token", form: form("grant_type", "client_credentials", "client_id", "{client}", "client_secret", "{clientSecret}"), want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok, note: "the credentials, whoever sends them"},
		{route: "POST /oauth/revoke", method: "POST", path: "/oauth/revoke", form: form("token", "some-token"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau, note: "no credentials"},
		{route: "POST /oauth/revoke", method: "POST", path: "/oauth/revoke", form: form("token", "some-token", "client_id", "nobody", "client_secret", "wrong"), want: w(unau, unau, unau, unau, unau, unau, unau, unau, unau), oca: unau,
			note: "credentials of no client, whoever sends them (a client's own is 200: handlers tests)"},
		{route: "GET /api/docs", method: "GET", path: "/api/docs", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "GET /api/docs.json", method: "GET", path: "/api/docs.json", want: w(ok, ok, ok, ok, ok, ok, ok, ok, ok), oca: ok},
		{route: "GET /api/moves", method: "GET", path: "/api/moves", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves", method: "GET", path: "/api/moves?filter[nope]=1", want: allAPI401(bad, bad), oca: unau},
		{route: "GET /api/moves/:id", method: "GET", path: "/api/moves/{gfdBooked}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id", method: "GET", path: "/api/moves/{bmiCompleted}", want: allAPI401(nf, ok), oca: unau},
		{route: "GET /api/moves/:id/events", method: "GET", path: "/api/moves/{gfdBooked}/events", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id/events", method: "GET", path: "/api/moves/{bmiCompleted}/events", want: allAPI401(nf, ok), oca: unau},
		{route: "GET /api/events/:id", method: "GET", path: "/api/events/{event}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/events/:id", method: "GET", path: "/api/events/{eventHidden}", want: allAPI401(nf, ok), oca: unau},
		{route: "GET /api/people", method: "GET", path: "/api/people?filter[police_national_computer]={pncQuery}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/people/:id", method: "GET", path: "/api/people/{person}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/locations", method: "GET", path: "/api/reference/locations", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/locations/:id", method: "GET", path: "/api/reference/locations/{GUILCC}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/suppliers", method: "GET", path: "/api/reference/suppliers", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/suppliers/:key", method: "GET", path: "/api/reference/suppliers/serco", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/regions", method: "GET", path: "/api/reference/regions", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/allocation_complex_cases", method: "GET", path: "/api/reference/allocation_complex_cases", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/reference/prison_transfer_reasons", method: "GET", path: "/api/reference/prison_transfer_reasons", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/allocations", method: "GET", path: "/api/allocations", want: allAPI401(ok, ok), oca: unau},
		{route: "POST /api/allocations/filtered", method: "POST", path: "/api/allocations/filtered?filter[status]=unfilled", body: `{}`, want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/allocations/:id", method: "GET", path: "/api/allocations/{allocOpen}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/allocations/:id", method: "GET", path: "/api/allocations/{missing}", want: allAPI401(nf, nf), oca: unau},
		{route: "POST /api/allocations", method: "POST", path: "/api/allocations", body: `{"data":{"type":"allocations","attributes":{"moves_count":2,"date":"{allocDate}","estate":"juvenile_male","complete_in_full":false},"relationships":{"from_location":{"data":{"type":"locations","id":"{BAI}"}},"to_location":{"data":{"type":"locations","id":"{BXI}"}}}}}`,
			want: allAPI401(forb, made), oca: unau, note: "only internal clients make allocations"},
		{route: "PATCH /api/allocations/:id", method: "PATCH", path: "/api/allocations/{allocOpen}", body: `{"data":{"type":"allocations","attributes":{"date":"{allocDate}","date_changed_reason":"other"}}}`,
			want: allAPI401(forb, ok), oca: unau},
		{route: "POST /api/allocations/:id/cancel", method: "POST", path: "/api/allocations/{allocOpen}/cancel", body: `{"data":{"type":"allocations","attributes":{"timestamp":"2026-11-22T10:00:00Z","cancellation_reason":"made_in_error"}}}`,
			want: allAPI401(forb, none), oca: unau},
		{route: "POST /api/events", method: "POST", path: "/api/events", body: `{"data":{"type":"events","attributes":{"event_type":"MoveNotifyPremisesOfArrivalIn30Mins","occurred_at":"2026-11-22T09:30:00Z","recorded_at":"2026-11-22T09:30:05Z","details":{}},"relationships":{"eventable":{"data":{"type":"moves","id":"{gfdBooked}"}}}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/events", method: "POST", path: "/api/events", body: `{"data":{"type":"events","attributes":{"event_type":"MoveNotifyPremisesOfArrivalIn30Mins","occurred_at":"2026-11-22T09:30:00Z","recorded_at":"2026-11-22T09:30:05Z","details":{}},"relationships":{"eventable":{"data":{"type":"moves","id":"{bmiCompleted}"}}}}}`,
			want: allAPI401(nf, made), oca: unau},
		{route: "POST /api/moves", method: "POST", path: "/api/moves", body: `{"data":{"type":"moves","attributes":{"move_type":"court_appearance","date":"2026-11-30"},"relationships":{"from_location":{"data":{"type":"locations","id":"{SRY016}"}},"to_location":{"data":{"type":"locations","id":"{GUILMC}"}},"person":{"data":{"type":"people","id":"{person}"}}}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/moves", method: "POST", path: "/api/moves", body: `{"data":{"type":"moves","attributes":{"move_type":"court_appearance","date":"2026-11-30"},"relationships":{"from_location":{"data":{"type":"locations","id":"{LEI}"}},"to_location":{"data":{"type":"locations","id":"{LEEDCC}"}},"person":{"data":{"type":"people","id":"{person}"}}}}}`,
			want: allAPI401(unpr, made), oca: unau, note: "from a prison GEOAmey serves"},
		{route: "PATCH /api/moves/:id", method: "PATCH", path: "/api/moves/{gfdRequested}", body: `{"data":{"type":"moves","id":"{gfdRequested}","attributes":{"additional_information":"Bring the warrant"}}}`,
			want: allAPI401(ok, ok), oca: unau},
		{route: "PATCH /api/moves/:id", method: "PATCH", path: "/api/moves/{bmiCompleted}", body: `{"data":{"type":"moves","id":"{bmiCompleted}","attributes":{"additional_information":"Bring the warrant"}}}`,
			want: allAPI401(nf, ok), oca: unau},
		{route: "POST /api/people", method: "POST", path: "/api/people", body: `{"data":{"type":"people","attributes":{"first_names":"Table","last_name":"Test","date_of_birth":"1990-01-01","gender":"male"}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/people/:id/profiles", method: "POST", path: "/api/people/{person}/profiles", body: `{"data":{"type":"profiles","attributes":{"assessment_answers":[]}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/people/:id/profiles", method: "POST", path: "/api/people/{missing}/profiles", body: `{"data":{"type":"profiles","attributes":{"assessment_answers":[]}}}`,
			want: allAPI401(nf, nf), oca: unau},
		{route: "POST /api/events", method: "POST", path: "/api/events", body: `{}`, want: allAPI401(bad, bad), oca: unau, note: "no data"},
		// On the road: journeys and lodgings (issue 11). A journey or
		// lodging of a move the client may not see is not found.
		{route: "GET /api/moves/:id/journeys", method: "GET", path: "/api/moves/{gfdBooked}/journeys", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id/journeys", method: "GET", path: "/api/moves/{bmiCompleted}/journeys", want: allAPI401(nf, ok), oca: unau},
		{route: "GET /api/moves/:id/journeys/:journey_id", method: "GET", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id/journeys/:journey_id", method: "GET", path: "/api/moves/{bmiCompleted}/journeys/{roadJourneyHidden}", want: allAPI401(nf, ok), oca: unau},
		{route: "POST /api/moves/:id/journeys", method: "POST", path: "/api/moves/{gfdBooked}/journeys", body: `{"data":{"type":"journeys","attributes":{"timestamp":"2026-11-22T10:00:00Z","billable":true},"relationships":{"from_location":{"data":{"type":"locations","id":"{SRY016}"}},"to_location":{"data":{"type":"locations","id":"{GUILMC}"}}}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/moves/:id/journeys", method: "POST", path: "/api/moves/{gfdBooked}/journeys", body: `{"data":{"type":"journeys","attributes":{"timestamp":"2026-11-22T10:00:00Z","billable":true},"relationships":{"from_location":{"data":{"type":"locations","id":"{SRY016}"}},"to_location":{"data":{"type":"locations","id":"{GUILMC}"}}}}}`,
			want: allAPI401(unpr, unpr), oca: unau, note: "the same ends again"},
		{route: "POST /api/moves/:id/journeys", method: "POST", path: "/api/moves/{bmiCompleted}/journeys", body: `{"data":{"type":"journeys","attributes":{"timestamp":"2026-11-22T10:00:00Z","billable":true},"relationships":{"from_location":{"data":{"type":"locations","id":"{SRY016}"}},"to_location":{"data":{"type":"locations","id":"{GUILMC}"}}}}}`,
			want: allAPI401(nf, made), oca: unau},
		{route: "PATCH /api/moves/:id/journeys/:journey_id", method: "PATCH", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}", body: `{"data":{"type":"journeys","attributes":{"billable":false}}}`,
			want: allAPI401(ok, ok), oca: unau},
		{route: "PATCH /api/moves/:id/journeys/:journey_id", method: "PATCH", path: "/api/moves/{bmiCompleted}/journeys/{roadJourneyHidden}", body: `{"data":{"type":"journeys","attributes":{"billable":false}}}`,
			want: allAPI401(nf, ok), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/start", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/start", body: `{"data":{"type":"starts","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/lockouts", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/lockouts", body: `{"data":{"type":"lockouts","attributes":{"timestamp":"2026-11-22T11:00:00Z"},"relationships":{"from_location":{"data":{"type":"locations","id":"{GUILCC}"}}}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/lodgings", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/lodgings", body: `{"data":{"type":"lodgings","attributes":{"timestamp":"2026-11-22T11:00:00Z"},"relationships":{"to_location":{"data":{"type":"locations","id":"{SRY014}"}}}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/cancel", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/cancel", body: `{"data":{"type":"cancels","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/uncancel", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/uncancel", body: `{"data":{"type":"uncancels","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/complete", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/complete", body: `{"data":{"type":"completes","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/uncomplete", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/uncomplete", body: `{"data":{"type":"uncompletes","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/reject", method: "POST", path: "/api/moves/{gfdBooked}/journeys/{roadJourney}/reject", body: `{"data":{"type":"rejects","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(none, none), oca: unau},
		{route: "POST /api/moves/:id/journeys/:journey_id/start", method: "POST", path: "/api/moves/{bmiCompleted}/journeys/{roadJourneyHidden}/start", body: `{"data":{"type":"starts","attributes":{"timestamp":"2026-11-22T11:00:00Z"}}}`,
			want: allAPI401(nf, none), oca: unau},
		{route: "GET /api/moves/:id/lodgings", method: "GET", path: "/api/moves/{gfdBooked}/lodgings", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id/lodgings", method: "GET", path: "/api/moves/{bmiCompleted}/lodgings", want: allAPI401(nf, ok), oca: unau},
		{route: "GET /api/moves/:id/lodgings/:lodging_id", method: "GET", path: "/api/moves/{gfdBooked}/lodgings/{lodging}", want: allAPI401(ok, ok), oca: unau},
		{route: "GET /api/moves/:id/lodgings/:lodging_id", method: "GET", path: "/api/moves/{gfdBooked}/lodgings/{missing}", want: allAPI401(nf, nf), oca: unau},
		{route: "POST /api/moves/:id/lodgings", method: "POST", path: "/api/moves/{gfdBooked}/lodgings", body: `{"data":{"type":"lodgings","attributes":{"start_date":"{lodgeStart}","end_date":"{lodgeEnd}"},"relationships":{"location":{"data":{"type":"locations","id":"{SRY014}"}}}}}`,
			want: allAPI401(made, made), oca: unau},
		{route: "POST /api/moves/:id/lodgings", method: "POST", path: "/api/moves/{bmiCompleted}/lodgings", body: `{"data":{"type":"lodgings","attributes":{"start_date":"{lodgeStart}","end_date":"{lodgeEnd}"},"relationships":{"location":{"data":{"type":"locations","id":"{SRY014}"}}}}}`,
			want: allAPI401(nf, conf), oca: unau, note: "a completed move gets no new lodges"},
		{route: "PATCH /api/moves/:id/lodgings/:lodging_id", method: "PATCH", path: "/api/moves/{gfdBooked}/lodgings/{lodging}", body: `{"data":{"type":"lodgings","attributes":{"end_date":"{lodgeStart}"}}}`,
			want: allAPI401(ok, ok), oca: unau, note: "a longer stay moves the later lodge"},
		{route: "POST /api/moves/:id/lodgings/:lodging_id/cancel", method: "POST", path: "/api/moves/{gfdBooked}/lodgings/{lodging}/cancel", body: `{"data":{"type":"lodgings","attributes":{"cancellation_reason":"made_in_error"}}}`,
			want: allAPI401(ok, ok), oca: unau},
		{route: "POST /api/moves/:id/lodgings/:lodging_id/cancel", method: "POST", path: "/api/moves/{gfdBooked}/lodgings/{lodging}/cancel", body: `{"data":{"type":"lodgings","attributes":{"cancellation_reason":"made_in_error"}}}`,
			want: allAPI401(conf, conf), oca: unau, note: "already cancelled"},
		{route: "POST /api/moves/:id/lodgings/cancel", method: "POST", path: "/api/moves/{gfdBooked}/lodgings/cancel", body: `{"data":{"type":"lodgings","attributes":{"cancellation_reason":"made_in_error"}}}`,
			want: allAPI401(ok, ok), oca: unau},
		{route: "POST /api/moves/:id/lodgings/cancel", method: "POST", path: "/api/moves/{bmiCompleted}/lodgings/cancel", body: `{"data":{"type":"lodgings","attributes":{"cancellation_reason":"made_in_error"}}}`,
			want: allAPI401(nf, conf), oca: unau},
		// An extradition move's flight (issue 14): a move of another type
		// has none (the handler tests cover extradition moves).
		{route: "GET /api/moves/:id/extradition_flight", method: "GET", path: "/api/moves/{gfdBooked}/extradition_flight", want: allAPI401(nf, nf), oca: unau},
		{route: "POST /api/moves/:id/extradition_flight", method: "POST", path: "/api/moves/{gfdBooked}/extradition_flight", body: `{"data":{"type":"extradition_flight","attributes":{"flight_number":"BA1234","flight_time":"2026-12-01T10:00:00Z"}}}`,
			want: allAPI401(nf, nf), oca: unau},
		{route: "PATCH /api/moves/:id/extradition_flight", method: "PATCH", path: "/api/moves/{bmiCompleted}/extradition_flight", body: `{"data":{"type":"extradition_flight","attributes":{"flight_number":"BA1234","flight_time":"2026-12-01T10:00:00Z"}}}`,
			want: allAPI401(nf, nf), oca: unau},

		// --- Anything else ---
		{route: "echo_route_not_found /*", method: "GET", path: "/no/such/page", want: w(nf, nf, nf, nf, nf, nf, nf, nf, nf), oca: nf},
		{route: "echo_route_not_found /*", method: "DELETE", path: "/move/{gfdBooked}", want: w(nf, nf, nf, nf, nf, nf, nf, nf, nf), oca: nf, note: "no such method: a page not found"},
		{route: "echo_route_not_found /", method: "DELETE", path: "/", want: w(nf, nf, nf, nf, nf, nf, nf, nf, nf), oca: nf},
		{route: "echo_route_not_found /api", method: "GET", path: "/api", want: allAPI401(nf, nf), oca: unau},
		{route: "echo_route_not_found /api/*", method: "GET", path: "/api/no-such-thing", want: allAPI401(nf, nf), oca: unau},
		{route: "echo_route_not_found /api/*", method: "DELETE", path: "/api/moves", want: allAPI401(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed), oca: unau,
			note: "a path the API answers, with another method"},
		{route: "echo_route_not_found /api/*", method: "PUT", path: "/api/moves/{gfdBooked}", body: `{}`, want: allAPI401(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed), oca: unau},
	}
}

// tableFixtures are the ids the table's placeholders stand for in one
// harness.
type tableFixtures struct {
	h     *harness
	moves map[string]moves.Move
	repl  map[string]string
}

func newTableFixtures(t *testing.T, h *harness) *tableFixtures {
	t.Helper()
	ctx := context.Background()
	f := &tableFixtures{h: h, moves: map[string]moves.Move{}, repl: map[string]string{}}
	for name, spec := range map[string]struct {
		from, to string
		status   moves.Status
	}{
		"gfdBooked": {"SRY016", "GUILCC", moves.StatusBooked}, "gfdRequested": {"SRY016", "GUILCC", moves.StatusRequested},
		"gfdInTransit": {"SRY016", "GUILCC", moves.StatusInTransit}, "gfdHospital": {"SRY016", "RSURCH", moves.StatusRequested},
		"bxiProposed": {"BXI", "WWI", moves.StatusProposed}, "bxiProposed2": {"BXI", "HOI", moves.StatusProposed},
		"bxiRequested": {"BXI", "WSTRMC", moves.StatusRequested}, "bmiCompleted": {"BMI", "BIRMCC", moves.StatusCompleted},
	} {
		m := demoMove(t, h, spec.from, spec.to, spec.status, 0)
		f.moves[name] = m
		f.repl["{"+name+"}"] = m.ID
	}
	// A move from Leeds (GEOAmey's) whose person was lodged at Guildford
	// police station.
	lei := demoMove(t, h, "LEI", "LEEDCC", moves.StatusInTransit, 0)
	lodgeAt := h.srv.Handlers.Now().UTC()
	if _, _, err := h.st.AppendEvent(ctx, moves.Event{MoveID: lei.ID, Type: moves.EventMoveLodgingStart, OccurredAt: lodgeAt, RecordedAt: lodgeAt,
		CreatedBy: "table", Details: map[string]any{"reason": "lockout"}, Rels: map[string]string{"location": demoLocation(t, h, "SRY016").ID}},
		store.AppendOptions{By: "table"}); err != nil {
		t.Fatal(err)
	}
	f.moves["leiLodged"], f.repl["{leiLodged}"] = lei, lei.ID
	for _, code := range []string{"SRY016", "SRY014", "GUILCC", "GUILMC", "LEI", "LEEDCC", "BAI", "BXI", "APEAL1"} {
		f.repl["{"+code+"}"] = demoLocation(t, h, code).ID
	}
	evs, err := h.st.Events(ctx, f.moves["gfdBooked"].ID)
	if err != nil || len(evs) == 0 {
		t.Fatal("no events for gfdBooked", err)
	}
	f.repl["{event}"] = evs[0].ID
	evs, err = h.st.Events(ctx, f.moves["bmiCompleted"].ID)
	if err != nil || len(evs) == 0 {
		t.Fatal("no events for bmiCompleted", err)
	}
	f.repl["{eventHidden}"] = evs[0].ID
	// On the road: a journey of gfdBooked (Serco's) and of bmiCompleted
	// (GEOAmey's, hidden from Serco), and a lodging of gfdBooked.
	day, _ := time.Parse(time.DateOnly, h.srv.Handlers.Today())
	yes := true
	for name, mv := range map[string]moves.Move{"{roadJourney}": f.moves["gfdBooked"], "{roadJourneyHidden}": f.moves["bmiCompleted"]} {
		j, err := h.st.CreateJourney(ctx, moves.NewJourney{MoveID: mv.ID, SupplierID: mv.SupplierID, FromID: mv.FromID, ToID: mv.ToID,
			Timestamp: day.Add(8 * time.Hour), Billable: &yes}, store.RoadOptions{By: "table"})
		if err != nil {
			t.Fatal(err)
		}
		f.repl[name] = j.ID
	}
	l, err := h.st.CreateLodging(ctx, f.moves["gfdBooked"].ID, moves.NewLodging{LocationID: demoLocation(t, h, "SRY014").ID,
		StartDate: day.AddDate(0, 0, 1).Format(time.DateOnly), EndDate: day.AddDate(0, 0, 2).Format(time.DateOnly)}, store.RoadOptions{By: "table"})
	if err != nil {
		t.Fatal(err)
	}
	f.repl["{lodging}"] = l.ID
	f.repl["{lodgeStart}"], f.repl["{lodgeEnd}"] = day.AddDate(0, 0, 3).Format(time.DateOnly), day.AddDate(0, 0, 4).Format(time.DateOnly)
	p, err := h.st.Person(ctx, f.moves["gfdBooked"].PersonID)
	if err != nil || p.PNC == "" {
		t.Fatalf("person of gfdBooked: %v (PNC %q)", err, p.PNC)
	}
	f.repl["{person}"] = p.ID
	gp := moves.Person{FirstNames: "Tabitha", LastName: "Guildford", DateOfBirth: "1990-01-01", Gender: "female", CreatedBy: "table"}
	if err := h.st.CreatePerson(ctx, &gp, day.Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: demoLocation(t, h, "SRY016").ID,
		ToID: demoLocation(t, h, "GUILCC").ID, Date: day.AddDate(0, 0, 5).Format(time.DateOnly), PersonID: gp.ID, CreatedBy: "table"}); err != nil {
		t.Fatal(err)
	}
	f.repl["{gfdPerson}"] = gp.ID
	f.repl["{pnc}"] = p.PNC
	f.repl["{pncQuery}"] = url.QueryEscape(p.PNC)
	f.repl["{personFirst}"], f.repl["{personLast}"], f.repl["{personGender}"] = p.FirstNames, p.LastName, p.Gender
	f.repl["{personPrisonNo}"] = p.PrisonNumber
	dob := strings.Split(p.DateOfBirth, "-")
	f.repl["{personDobYear}"], f.repl["{personDobMonth}"], f.repl["{personDobDay}"] = dob[0], dob[1], dob[2]
	f.repl["{missing}"] = "3f1e0c3a-8d6b-4c59-9a7e-2b9f1d0c4e11"
	f.repl["{today}"] = h.srv.Handlers.Today()
	tday, _ := time.Parse(time.DateOnly, f.repl["{today}"])
	mon := tday.AddDate(0, 0, -((int(tday.Weekday()) + 6) % 7))
	f.repl["{monday}"], f.repl["{tuesday}"], f.repl["{month}"] = mon.Format(time.DateOnly), mon.AddDate(0, 0, 1).Format(time.DateOnly), tday.Format("2006-01")
	parts := strings.Split(f.moves["bxiProposed"].DateFrom, "-")
	f.repl["{windowYear}"], f.repl["{windowMonth}"], f.repl["{windowDay}"] = parts[0], parts[1], parts[2]
	f.repl["{cancelReason}"] = moves.CancellationReasonsFor(moves.CourtAppearance)[0]
	// The demo allocations from HMP Belmarsh: one waiting for people, one
	// with a person in one of its two places, one cancelled.
	allocs, _, err := h.st.ListAllocations(ctx, store.AllocationFilter{Limit: 50})
	if err != nil || len(allocs) != 3 {
		t.Fatalf("demo allocations: %d, %v", len(allocs), err)
	}
	for _, a := range allocs {
		places, err := h.st.AllocationPlaces(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case a.Status() == moves.AllocationCancelled:
			f.repl["{allocCancelled}"] = a.ID
		case a.Filled == 0:
			f.repl["{allocOpen}"], f.repl["{allocOpenPlace}"], f.repl["{allocOpenPlace2}"] = a.ID, places[0].ID, places[1].ID
		default:
			f.repl["{allocPart}"], f.repl["{allocPartFilled}"], f.repl["{prisonPerson}"] = a.ID, places[0].ID, places[0].PersonID
			f.repl["{prisonNumber}"] = places[0].Person.PrisonNumber
		}
	}
	later, _ := time.Parse(time.DateOnly, h.srv.Handlers.Today())
	later = later.AddDate(0, 0, 10)
	f.repl["{allocDate}"] = later.Format(time.DateOnly)
	f.repl["{allocDay}"], f.repl["{allocMonth}"], f.repl["{allocYear}"] = strconv.Itoa(later.Day()), strconv.Itoa(int(later.Month())), strconv.Itoa(later.Year())
	// A user for the administrators' forms to change.
	u := store.User{Username: "table.user", FullName: "Table User", Role: "court", LocationIDs: []string{f.repl["{GUILCC}"]}}
	if err := h.st.CreateUser(ctx, &u, "table-user-password-1"); err != nil {
		t.Fatal(err)
	}
	f.repl["{user}"] = u.ID
	css, ok := do(t, nil, http.MethodGet, h.ts.URL+"/sign-in", nil, nil).doc().Find(`link[rel="stylesheet"]`).Attr("href")
	if !ok || !strings.HasPrefix(css, "/static/") {
		t.Fatalf("no stylesheet on the sign-in page: %q", css)
	}
	f.repl["{css}"] = css
	return f
}

// expand replaces the placeholders in s; {version:NAME} (a move's, or
// the lodging's) is read now.
func (f *tableFixtures) expand(t *testing.T, s string) string {
	t.Helper()
	if strings.Contains(s, "{version:lodging}") {
		// The fixtures' lodge's own version (lodge forms post it back).
		l, err := f.h.st.Lodging(context.Background(), f.moves["gfdBooked"].ID, f.repl["{lodging}"])
		if err != nil {
			t.Fatalf("version of the lodging: %v", err)
		}
		s = strings.ReplaceAll(s, "{version:lodging}", strconv.FormatInt(l.Version, 10))
	}
	for strings.Contains(s, "{version:") {
		i := strings.Index(s, "{version:")
		j := strings.Index(s[i:], "}") + i
		m, err := f.h.st.Move(context.Background(), f.moves[s[i+len("{version:"):j]].ID)
		if err != nil {
			t.Fatalf("version of %s: %v", s[i:j+1], err)
		}
		s = s[:i] + strconv.FormatInt(m.Version, 10) + s[j+1:]
	}
	for strings.Contains(s, "{seen:") {
		i := strings.Index(s, "{seen:")
		j := strings.Index(s[i:], "}") + i
		p, err := f.h.st.Person(context.Background(), f.repl["{"+s[i+len("{seen:"):j]+"}"])
		if err != nil {
			t.Fatalf("person of %s: %v", s[i:j+1], err)
		}
		s = s[:i] + strconv.FormatInt(p.UpdatedAt.UnixMicro(), 10) + s[j+1:]
	}
	for k, v := range f.repl {
		s = strings.ReplaceAll(s, k, v)
	}
	if p := placeholderRE.FindString(s); p != "" {
		t.Fatalf("placeholder %s left in %q", p, s)
	}
	return s
}

var placeholderRE = regexp.MustCompile(`\{[A-Za-z0-9:]+\}`)

// tableColumn is one column's way of asking.
type tableColumn struct {
	name   string
	client *http.Client
	token  string // API columns
	csrf   string
}

// tableConfig serves every route there is, the test endpoints included.
var tableConfig = web.Config{TestEndpoints: true, DemoStart: secStart}

// routeKey names a route as the table does.
func routeKey(method, path string) string { return method + " " + path }

// TestEveryRouteIsInTheTable fails when a route exists that the table does
// not exercise, or the table names a route that no longer exists.
func TestEveryRouteIsInTheTable(t *testing.T) {
	h := secHarness(t, tableConfig, nil)
	have := map[string]bool{}
	for _, r := range h.srv.Echo.Routes() {
		have[routeKey(r.Method, r.Path)] = true
	}
	listed := map[string]bool{}
	for _, c := range routeTable() {
		listed[c.route] = true
		if !have[c.route] {
			t.Errorf("the table names %q, which is not a route", c.route)
		}
	}
	var missing []string
	for k := range have {
		if !listed[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	cases := routeTable()
	t.Logf("%d routes, %d cases, %d columns: %d expected statuses", len(have), len(cases), len(tableColumns), len(cases)*len(tableColumns))
	for _, k := range missing {
		t.Errorf("route %q is not in the route × role table (web/routes_table_test.go): add its cases for every role", k)
	}
}

// TestRouteRoleTable runs every case of the table for every column, each
// column on its own copy of the demo database, and checks the status, the
// kind of answer and the security headers of each.
func TestRouteRoleTable(t *testing.T) {
	cases := routeTable()
	sort.SliceStable(cases, func(i, j int) bool { return casePhase(cases[i]) < casePhase(cases[j]) })
	for ci, col := range tableColumns {
		t.Run(col, func(t *testing.T) {
			t.Parallel()
			h := secHarness(t, tableConfig, nil)
			fx := newTableFixtures(t, h)
			serco := newAPIClient(t, h, "serco", "Serco table client")
			internal := newAPIClient(t, h, "", "Internal table client")
			spare := newAPIClient(t, h, "geoamey", "Spare table client")
			fx.repl["{client}"], fx.repl["{clientSecret}"], fx.repl["{spare}"] = serco.id, serco.secret, spare.id
			fx.repl["{sub}"], fx.repl["{notification}"] = newTableSubscription(t, h)
			tc := tableColumn{name: col}
			switch col {
			case "out", "api-serco", "api-internal":
				tc.client = h.client()
			default:
				tc.client = signInAs(t, h, col)
			}
			tc.csrf = csrfOf(t, h, tc.client)
			switch col {
			case "api-serco":
				tc.token = serco.token
			case "api-internal":
				tc.token = internal.token
			}
			fx.repl["{journey}"] = "aaaaaaaaaaaaaaaa" // the format of a journey id; no answers
			if col == "police" || col == "prison" {
				r := do(t, tc.client, http.MethodGet, h.ts.URL+"/move/new", nil, nil)
				loc := r.Header.Get("Location")
				parts := strings.Split(loc, "/")
				if r.StatusCode != http.StatusSeeOther || len(parts) != 5 {
					t.Fatalf("starting a journey: %d %q", r.StatusCode, loc)
				}
				fx.repl["{journey}"] = parts[3]
			}
			own := map[string]string{"pmu": "all", "police": "{SRY016}", "prison": "{BXI}", "oca": "{BAI}"}[col]
			if own == "" {
				own = "{GUILCC}"
			}
			fx.repl["{own}"] = fx.expand(t, own)
			for _, rc := range cases {
				path := fx.expand(t, rc.path)
				name := rc.method + " " + path
				if rc.note != "" {
					name += " (" + rc.note + ")"
				}
				var hdr http.Header
				if tc.token != "" && strings.HasPrefix(path, "/api") {
					hdr = bearer(tc.token)
				}
				var r response
				switch {
				case rc.body != "":
					r = doRaw(t, tc.client, rc.method, h.ts.URL+path, "application/vnd.api+json", []byte(fx.expand(t, rc.body)), hdr)
				case rc.method == http.MethodGet || rc.method == http.MethodHead || rc.method == http.MethodDelete:
					r = do(t, tc.client, rc.method, h.ts.URL+path, nil, hdr)
				default:
					form := url.Values{}
					for k, vs := range rc.form {
						for _, v := range vs {
							form.Add(k, fx.expand(t, v))
						}
					}
					if !strings.HasPrefix(path, "/oauth/") {
						form.Set("_csrf", tc.csrf)
					}
					r = do(t, tc.client, rc.method, h.ts.URL+path, form, hdr)
				}
				var wantStatus int
				if col == "oca" {
					if wantStatus = rc.oca; wantStatus == 0 {
						t.Errorf("%s: no status written for oca (the case's oca field)", name)
						continue
					}
				} else {
					wantStatus = rc.want[ci]
				}
				if r.StatusCode != wantStatus {
					t.Errorf("%s as %s: status %d, want %d (Location %q) %.300s", name, col, r.StatusCode, wantStatus, r.Header.Get("Location"), r.body)
					continue
				}
				if msg := checkAnswer(rc.method, path, col, r); msg != "" {
					t.Errorf("%s as %s: %s", name, col, msg)
				}
				if msg := checkSecurityHeaders(r, false); msg != "" {
					t.Errorf("%s as %s: %s", name, col, msg)
				}
			}
			// Signed out at the end: the session is gone.
			if r := do(t, tc.client, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
				t.Errorf("after signing out, / answered %d %q", r.StatusCode, r.Header.Get("Location"))
			}
		})
	}
}

func casePhase(c routeCase) int {
	if c.phase == 0 && c.method != http.MethodGet && c.method != http.MethodHead {
		return 1
	}
	return c.phase
}

func isAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/api?") || strings.HasPrefix(p, "/oauth/")
}

// checkAnswer checks that an answer is of the kind its status promises:
// redirects say where to (sign-in when signed out), pages are whole GOV.UK
// pages with one heading saying what happened, API answers are JSON:API
// (OAuth's are JSON), and no page carries markup it should not.
func checkAnswer(method, path, col string, r response) string {
	ct := r.Header.Get("Content-Type")
	api := isAPIPath(path) && !strings.HasPrefix(path, "/api/docs")
	signedOut := col == "out" || strings.HasPrefix(col, "api-")
	switch {
	case r.StatusCode == http.StatusSeeOther || r.StatusCode == http.StatusFound:
		loc := r.Header.Get("Location")
		if loc == "" || !strings.HasPrefix(loc, "/") {
			return fmt.Sprintf("redirect to %q: not on this site", loc)
		}
		if signedOut && !strings.HasPrefix(path, "/sign-out") && !strings.HasPrefix(loc, "/sign-in") {
			return fmt.Sprintf("signed out, sent to %q rather than to sign in", loc)
		}
		if signedOut && method == http.MethodGet && loc != "/sign-in?next="+url.QueryEscape(path) {
			return fmt.Sprintf("signed out, sent to %q: sign-in should come back to %s", loc, path)
		}
		return ""
	case method == http.MethodHead:
		return ""
	case strings.HasPrefix(path, "/oauth/"):
		var body map[string]any
		if err := json.Unmarshal(r.body, &body); err != nil || !strings.HasPrefix(ct, "application/json") {
			return fmt.Sprintf("OAuth answer not JSON: %s %.100s", ct, r.body)
		}
		if r.StatusCode == http.StatusOK && body["access_token"] == nil || r.StatusCode != http.StatusOK && body["error"] == nil {
			return fmt.Sprintf("OAuth answer without access_token or error: %.200s", r.body)
		}
		return ""
	case path == "/demo/webhooks" && method == http.MethodPost:
		// The demo receiver answers senders of webhooks, not people.
		if !strings.HasPrefix(ct, "text/plain") {
			return "demo receiver answer with Content-Type " + ct
		}
		return ""
	case api && r.StatusCode == http.StatusNoContent:
		// An allocation's cancel answers 204, as upstream's does: no body.
		if len(r.body) != 0 {
			return fmt.Sprintf("204 with a body: %.200s", r.body)
			// The demo receiver answers senders of webhooks, not people.
		}
		return ""
	case api:
		if !strings.HasPrefix(ct, "application/vnd.api+json") {
			return "API answer with Content-Type " + ct
		}
		var doc struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Status string `json:"status"`
				Title  string `json:"title"`
				Detail string `json:"detail"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			return "API answer not JSON: " + err.Error()
		}
		if r.StatusCode >= 400 {
			if len(doc.Errors) == 0 || doc.Errors[0].Status != strconv.Itoa(r.StatusCode) || doc.Errors[0].Title == "" {
				return fmt.Sprintf("API error without a JSON:API error object of its status: %.200s", r.body)
			}
			if r.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				return "401 without WWW-Authenticate: Bearer"
			}
		} else if len(doc.Data) == 0 {
			return fmt.Sprintf("API answer without data: %.200s", r.body)
		}
		return ""
	case strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".csv") && r.StatusCode == http.StatusOK:
		if !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			return "CSV download with Content-Type " + ct + " and Content-Disposition " + r.Header.Get("Content-Disposition")
		}
		return ""
	case strings.HasPrefix(path, "/static/"), path == "/health", path == "/api/docs.json", path == "/test/reset":
		return ""
	}
	if !r.isHTML() {
		return "page with Content-Type " + ct
	}
	doc := r.doc()
	if n := doc.Find("h1").Length(); n != 1 {
		return fmt.Sprintf("%d h1 headings", n)
	}
	if bad := injected(doc); len(bad) > 0 {
		return fmt.Sprintf("markup that should not be there: %v", bad)
	}
	h1 := doc.Find("h1").Text()
	switch r.StatusCode {
	case http.StatusNotFound:
		if !strings.Contains(h1, "Page not found") {
			return "404 page headed " + h1
		}
	case http.StatusForbidden:
		if !strings.Contains(h1, "permission") && !strings.Contains(h1, "cannot request") {
			return "403 page headed " + h1
		}
	case http.StatusUnprocessableEntity, http.StatusUnauthorized, http.StatusTooManyRequests:
		if doc.Find(".govuk-error-summary").Length() != 1 || !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
			return fmt.Sprintf("%d page without an error summary and an Error: title", r.StatusCode)
		}
	}
	if slices.Contains([]string{"out", "api-serco", "api-internal"}, col) && doc.Find(`header button:contains("Sign out")`).Length() > 0 {
		return "signed out, yet the page offers Sign out"
	}
	return ""
}

// checkSecurityHeaders checks the headers every answer carries.
func checkSecurityHeaders(r response, tls bool) string {
	var probs []string
	csp := r.Header.Get("Content-Security-Policy")
	switch {
	case csp == "":
		probs = append(probs, "no Content-Security-Policy")
	case strings.Contains(csp, "unsafe-inline"), strings.Contains(csp, "unsafe-eval"), strings.Contains(csp, "*"):
		probs = append(probs, "a Content-Security-Policy that allows inline or remote code: "+csp)
	case !strings.Contains(csp, "frame-ancestors 'none'"), !strings.Contains(csp, "default-src 'self'"), !strings.Contains(csp, "object-src 'none'"):
		probs = append(probs, "a Content-Security-Policy without frame-ancestors 'none', default-src 'self' or object-src 'none': "+csp)
	}
	if v := r.Header.Get("X-Content-Type-Options"); v != "nosniff" {
		probs = append(probs, "X-Content-Type-Options "+v)
	}
	if v := r.Header.Get("Referrer-Policy"); v != "same-origin" && v != "no-referrer" && v != "strict-origin-when-cross-origin" {
		probs = append(probs, "Referrer-Policy "+v)
	}
	if v := r.Header.Get("X-Frame-Options"); v != "DENY" {
		probs = append(probs, "X-Frame-Options "+v)
	}
	hsts := r.Header.Get("Strict-Transport-Security")
	if tls && !strings.Contains(hsts, "max-age=31536000") {
		probs = append(probs, "no HSTS over TLS: "+hsts)
	}
	if !tls && hsts != "" {
		probs = append(probs, "HSTS over plain HTTP")
	}
	return strings.Join(probs, "; ")
}
