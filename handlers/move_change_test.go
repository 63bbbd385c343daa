package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
)

// Every change × role × status: allowed before the person leaves custody
// for those who may act on the move, refused after, and refused always
// for those who may only look.
func TestRequestChangesByRoleAndStatus(t *testing.T) {
	a := newMvApp(t)
	users := map[string]*mvClient{
		"pmu":    a.signIn(t, "pmu", ""),
		"police": a.signIn(t, "police", "SRY016"),
		"court":  a.signIn(t, "court", ""),
	}
	changes := []struct {
		name string
		path string
		form url.Values
		want moves.EventType
	}{
		{"details", "details", url.Values{"time_due": {"09:15"}, "additional_information": {"Needs a ramp"}}, moves.EventMoveUpdate},
		{"risk", "information/risk", url.Values{"risk": {"escape"}, "risk_escape_details": {"Tried before"}}, moves.EventProfileUpdate},
		{"health", "information/health", url.Values{"health": {"medication"}, "health_medication_details": {"Insulin"}}, moves.EventProfileUpdate},
		{"court", "information/court", url.Values{"court": {"interpreter", "solicitor"}, "court_interpreter_details": {"Welsh"}}, moves.EventProfileUpdate},
	}
	for _, status := range moves.Statuses {
		for role, c := range users {
			for _, ch := range changes {
				t.Run(string(status)+"/"+role+"/"+ch.name, func(t *testing.T) {
					// Court appearances are requested, never proposed: a
					// proposed move is a prison transfer, which only PMU
					// (of these users) can see.
					kind, refused := mvCourt, http.StatusForbidden
					if status == moves.StatusProposed {
						kind = mvTransfer
						if role != "pmu" {
							refused = http.StatusNotFound
						}
					}
					if ch.name == "court" && kind != mvCourt {
						// Court information is only on court moves: on
						// any other its page is not found, for everyone.
						refused = http.StatusNotFound
					}
					m := a.fixture(kind, status)
					allowed := role != "court" && refused == http.StatusForbidden && moves.ChangeableStatus(status)
					wantGet := http.StatusOK
					if !allowed {
						wantGet = refused
					}
					path := "/move/" + m.ID + "/" + ch.path
					c.page(path, wantGet)
					form := cloneForm(ch.form)
					form.Set("version", strconv.FormatInt(m.Version, 10))
					form.Set("_csrf", c.csrf("/"))
					res := c.post(path, form)
					before := len(a.events(m.ID))
					if !allowed {
						if res.StatusCode != refused {
							t.Fatalf("POST: %d, want %d", res.StatusCode, refused)
						}
						return
					}
					if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/move/"+m.ID {
						t.Fatalf("POST: %d %s", res.StatusCode, res.Header.Get("Location"))
					}
					last := mvLastArrived(a.events(m.ID))
					if last.Type != ch.want || !last.Applied || last.CreatedBy != role {
						t.Fatalf("last event %s applied %v by %s", last.Type, last.Applied, last.CreatedBy)
					}
					if got := a.move(m.ID); got.Version != m.Version+1 {
						t.Errorf("version %d, want %d", got.Version, m.Version+1)
					}
					// The same form again was made before the change: the
					// conflict page names it, nothing more is recorded.
					res = c.post(path, form)
					if res.StatusCode != http.StatusConflict {
						t.Fatalf("stale POST: %d", res.StatusCode)
					}
					if body := mvText(mvDoc(t, res).Find("main")); !strings.Contains(body, "changed") {
						t.Errorf("conflict page %q", body)
					}
					if n := len(a.events(m.ID)); n != before {
						t.Errorf("stale form recorded %d events", n-before)
					}
				})
			}
		}
	}
}

func TestRequestChangeShownInTimelineAndOnThePage(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusRequested)
	police := a.signIn(t, "police", "SRY016")
	path := "/move/" + m.ID + "/information/risk"
	// The form shows what is recorded: the fixture's violent flag.
	doc := police.page(path, http.StatusOK)
	if _, ok := doc.Find(`input[name="risk"][value="violent"]`).Attr("checked"); !ok {
		t.Fatal("the recorded flag is not ticked")
	}
	// Nothing ticked is an error linked to the first box.
	res := police.post(path, url.Values{"_csrf": {police.csrf(path)}, "version": {strconv.FormatInt(m.Version, 10)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("nothing ticked: %d", res.StatusCode)
	}
	if mvDoc(t, res).Find(`.govuk-error-summary a[href="#risk"]`).Length() != 1 {
		t.Error("error not linked to the question")
	}
	res = police.post(path, url.Values{"_csrf": {police.csrf(path)}, "version": {strconv.FormatInt(m.Version, 10)},
		"risk": {"violent", "self_harm"}, "risk_violent_details": {"Assaulted staff"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	page := a.signIn(t, "pmu", "").page("/move/"+m.ID, http.StatusOK)
	text := mvText(page.Find("main"))
	for _, want := range []string{"Risk, health or court information changed", "Risk information: added Self-harm", "Self-harm"} {
		if !strings.Contains(text, want) {
			t.Errorf("move page lacks %q", want)
		}
	}
	// A details change with a bad time is refused, linked to the field.
	dpath := "/move/" + m.ID + "/details"
	cur := a.move(m.ID)
	res = police.post(dpath, url.Values{"_csrf": {police.csrf(dpath)}, "version": {strconv.FormatInt(cur.Version, 10)}, "time_due": {"25:99"}})
	if res.StatusCode != http.StatusUnprocessableEntity || mvDoc(t, res).Find(`.govuk-error-summary a[href="#time_due"]`).Length() != 1 {
		t.Errorf("bad time: %d", res.StatusCode)
	}
}

// An allocation's place that nobody has been added to has neither a person
// nor a profile: its risk, health and court information cannot be changed
// (a 409 saying why, never a 500), and its page offers no such change.
func TestFlagChangesNeedAPersonOnThePlace(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	places, err := a.st.AllocationPlaces(ctx, open.ID)
	if err != nil || len(places) == 0 {
		t.Fatalf("places: %d %v", len(places), err)
	}
	p := places[0].Move
	pmu := a.signIn(t, "pmu", "")
	doc := pmu.page("/move/"+p.ID, http.StatusOK)
	if got := doc.Find(`a[href^="/move/` + p.ID + `/information/"]`); got.Length() != 0 {
		t.Errorf("an empty place offers %q", listsText(got))
	}
	for _, cat := range []string{"risk", "health"} {
		path := "/move/" + p.ID + "/information/" + cat
		res := pmu.get(path)
		if body := listsText(reqDoc(t, res).Find("main")); res.StatusCode != http.StatusConflict || !strings.Contains(body, "Add a person to this place first") {
			t.Errorf("GET %s: %d %s", cat, res.StatusCode, body)
		}
		form := url.Values{"_csrf": {pmu.csrf("/move/" + p.ID)}, "version": {strconv.FormatInt(p.Version, 10)},
			cat: {"violent"}, cat + "_violent_details": {"x"}}
		if cat == "health" {
			form = url.Values{"_csrf": form["_csrf"], "version": form["version"], "health": {"medication"}, "health_medication_details": {"x"}}
		}
		res = pmu.post(path, form)
		if body := listsText(reqDoc(t, res).Find("main")); res.StatusCode != http.StatusConflict || !strings.Contains(body, "Add a person to this place first") {
			t.Errorf("POST %s: %d %s", cat, res.StatusCode, body)
		}
	}
	if m, _ := a.st.Move(ctx, p.ID); m.Version != p.Version {
		t.Errorf("the place changed: version %d, was %d", m.Version, p.Version)
	}
}

// Court information is asked only of court moves: a prison transfer's
// page does not offer to change it, and its page is not found.
func TestCourtInformationOnlyOnCourtMoves(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvTransfer, moves.StatusRequested)
	doc := pmu.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(`a[href="/move/`+m.ID+`/information/court"]`).Length() != 0 {
		t.Error("a prison transfer offers to change court information")
	}
	if doc.Find(`a[href="/move/`+m.ID+`/information/risk"]`).Length() != 1 {
		t.Error("a prison transfer does not offer to change risk information")
	}
	path := "/move/" + m.ID + "/information/court"
	if res := pmu.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET: %d", res.StatusCode)
	}
	res := pmu.post(path, url.Values{"_csrf": {pmu.csrf("/move/" + m.ID)}, "version": {strconv.FormatInt(m.Version, 10)},
		"court": {"interpreter"}, "court_interpreter_details": {"Welsh"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("POST: %d", res.StatusCode)
	}
	if got := a.move(m.ID); got.Version != m.Version {
		t.Errorf("the move changed: version %d, was %d", got.Version, m.Version)
	}
	// A court move offers it.
	cm := a.fixture(mvCourt, moves.StatusRequested)
	if pmu.page("/move/"+cm.ID, http.StatusOK).Find(`a[href="/move/`+cm.ID+`/information/court"]`).Length() != 1 {
		t.Error("a court appearance does not offer to change court information")
	}
}
