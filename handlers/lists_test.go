package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// listsHomeCounts reads a home section's counts: label → count and link.
func listsHomeCounts(t *testing.T, doc *goquery.Document, sectionID string) map[string]struct {
	N    string
	Href string
} {
	t.Helper()
	sec := doc.Find("#" + sectionID)
	if sec.Length() == 0 {
		t.Fatalf("no section #%s on the home page", sectionID)
	}
	out := map[string]struct {
		N    string
		Href string
	}{}
	sec.Find("a.app-overview__count").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		out[listsText(a.Find(".app-overview__label"))] = struct {
			N    string
			Href string
		}{listsText(a.Find(".app-overview__number")), href}
	})
	return out
}

func TestListsHomePerRole(t *testing.T) {
	a := newListsApp(t)
	type want map[string]string // label → count
	tests := []struct {
		user, location string
		heading        string
		sections       map[string]want
		absent         []string
		requestButton  bool
	}{
		{user: "police", location: "SRY016", heading: "Guildford Police Station", requestButton: true, sections: map[string]want{
			"home-outgoing": {"Active": "4", "Requested": "1", "Booked": "1", "In transit": "1", "Completed": "1", "Cancelled": "1"},
			"home-incoming": {"Active": "0", "Awaiting collection": "0", "In transit": "0", "Arrived": "0", "Cancelled": "0"},
		}, absent: []string{"home-review"}},
		{user: "court", heading: "Guildford Crown Court", sections: map[string]want{
			"home-outgoing": {"Active": "0", "Cancelled": "0"},
			"home-incoming": {"Active": "6", "Awaiting collection": "5", "In transit": "1", "Arrived": "0", "Cancelled": "1"},
		}, absent: []string{"home-review"}},
		{user: "prison", heading: "HMP Brixton", requestButton: true, sections: map[string]want{
			"home-outgoing": {"Active": "2", "Booked": "1", "In transit": "1"},
			"home-incoming": {"Active": "0"},
		}, absent: []string{"home-review"}},
		{user: "pmu", heading: "All locations", sections: map[string]want{
			"home-review":   {"Pending review": "6", "Approved": "2", "Rejected": "1", "Cancelled": "0"},
			"home-outgoing": {"Active": "16", "Cancelled": "1"},
		}, absent: []string{"home-incoming"}},
		{user: "supplier", sections: map[string]want{
			"home-outgoing": {"Active": "12", "Cancelled": "1"},
		}, absent: []string{"home-review", "home-incoming"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := a.signIn(t, tt.user, tt.location)
			doc := c.page("/", http.StatusOK)
			if tt.heading != "" && listsText(doc.Find("h1 .govuk-caption-l")) != tt.heading {
				t.Errorf("caption %q, want %q", listsText(doc.Find("h1 .govuk-caption-l")), tt.heading)
			}
			for id, counts := range tt.sections {
				got := listsHomeCounts(t, doc, id)
				for label, n := range counts {
					if got[label].N != n {
						t.Errorf("%s %q: %q, want %q", id, label, got[label].N, n)
					}
				}
				// Every count links into the list it counts, and the
				// list's filter shows the same number.
				for label, g := range got {
					if id == "home-review" {
						continue
					}
					list := c.page(g.Href, http.StatusOK)
					counts, _ := listsFilterCounts(list)
					if n := counts[label]; g.N != strconv.Itoa(n) {
						t.Errorf("%s %q: home says %s, %s says %d", id, label, g.N, g.Href, n)
					}
				}
			}
			for _, id := range tt.absent {
				if doc.Find("#"+id).Length() != 0 {
					t.Errorf("section #%s shown to %s", id, tt.user)
				}
			}
			hasButton := doc.Find(`a.govuk-button[href="/move/new"]`).Length() > 0
			if hasButton != tt.requestButton {
				t.Errorf("request a move button shown: %v, want %v", hasButton, tt.requestButton)
			}
		})
	}
	t.Run("pmu review counts link to the same numbers", func(t *testing.T) {
		c := a.signIn(t, "pmu", "")
		doc := c.page("/", http.StatusOK)
		for label, g := range listsHomeCounts(t, doc, "home-review") {
			rev := c.page(g.Href, http.StatusOK)
			cur := rev.Find(`.moj-sub-navigation__link[aria-current="page"]`)
			if !strings.HasPrefix(listsText(cur), label) || listsText(cur.Find(".app-filter__count")) != g.N {
				t.Errorf("%q (%s) links to %s showing %q", label, g.N, g.Href, listsText(cur))
			}
		}
	})
	t.Run("admin", func(t *testing.T) {
		c := a.signIn(t, "admin", "")
		doc := c.page("/", http.StatusOK)
		if h := listsText(doc.Find("h1")); h != "Service administration" {
			t.Errorf("h1 %q", h)
		}
		if doc.Find(`a[href="/admin/users"]`).Length() == 0 {
			t.Error("no link to users")
		}
		if doc.Find(".app-overview").Length() != 0 {
			t.Error("admin sees move counts")
		}
	})
}

func TestListsOutgoingDay(t *testing.T) {
	a := newListsApp(t)
	c := a.signIn(t, "police", "SRY016")
	doc := c.page("/moves/outgoing/"+listsToday, http.StatusOK)
	h1 := listsText(doc.Find("h1"))
	for _, want := range []string{"Guildford Police Station", "Outgoing moves", "Thursday 3 December 2026 (today)"} {
		if !strings.Contains(h1, want) {
			t.Errorf("h1 %q lacks %q", h1, want)
		}
	}
	want := []listsGroup{
		{"Guildford Crown Court", []string{"ANDERSON, James", "BENNETT, Olivia", "KHAN, Mohammed"}},
		{"Guildford Magistrates' Court", []string{"CLARKE, Sophie"}},
	}
	if got := listsGroups(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("groups\n got %v\nwant %v", got, want)
	}
	if cur := listsText(doc.Find(`.app-filter__link[aria-current="page"] .app-filter__label`)); cur != "Active" {
		t.Errorf("current filter %q, want Active", cur)
	}

	// A card shows the person, reference, status, type, time, numbers and warnings.
	card := doc.Find(".app-move-card").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return listsText(s.Find(".app-card__title")) == "BENNETT, Olivia"
	})
	ref, _ := card.Attr("data-reference")
	m, err := a.st.MoveByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if href, _ := card.Find(".app-card__title a").Attr("href"); href != "/move/"+m.ID {
		t.Errorf("card links to %q", href)
	}
	meta := map[string]string{}
	card.Find(".app-card__meta-item").Each(func(_ int, s *goquery.Selection) {
		meta[listsText(s.Find("dt"))] = listsText(s.Find("dd"))
	})
	for k, v := range map[string]string{"Reference": m.Reference, "Move type": "Court appearance", "Time due": "09:00",
		"Date of birth": "2 July 1995 (age 31)", "Warnings": "Violent"} {
		if meta[k] != v {
			t.Errorf("card %s = %q, want %q", k, meta[k], v)
		}
	}
	if meta["PNC number"] == "" {
		t.Error("card has no PNC number")
	}
	tag := card.Find(".app-card__status .govuk-tag")
	if listsText(tag) != "In transit" || !tag.HasClass("govuk-tag--purple") {
		t.Errorf("status tag %q classes %q", listsText(tag), tag.AttrOr("class", ""))
	}
	if w := card.Find(".app-move-card__warnings .govuk-tag"); !w.HasClass("govuk-tag--red") {
		t.Errorf("risk warning tag classes %q", w.AttrOr("class", ""))
	}

	// Other filters and days.
	doc = c.page("/moves/outgoing/"+listsToday+"?status=cancelled", http.StatusOK)
	if got := listsGroups(doc); !reflect.DeepEqual(got, []listsGroup{{"Guildford Crown Court", []string{"HUGHES, Daniel"}}}) {
		t.Errorf("cancelled: %v", got)
	}
	if tag := doc.Find(".app-card__status .govuk-tag"); !tag.HasClass("govuk-tag--red") {
		t.Errorf("cancelled tag classes %q", tag.AttrOr("class", ""))
	}
	doc = c.page("/moves/outgoing/2026-12-04", http.StatusOK)
	if h := listsText(doc.Find("h1")); !strings.Contains(h, "Friday 4 December 2026 (tomorrow)") {
		t.Errorf("tomorrow's h1 %q", h)
	}
	want = []listsGroup{{"HMP High Down", []string{"WRIGHT, Thomas"}}, {"Royal Surrey County Hospital", []string{"BEGUM, Aisha"}}}
	if got := listsGroups(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("tomorrow\n got %v\nwant %v", got, want)
	}
	// Date navigation keeps the status filter.
	doc = c.page("/moves/outgoing/"+listsToday+"?status=booked", http.StatusOK)
	for id, href := range map[string]string{
		"#day-previous": "/moves/outgoing/2026-12-02?status=booked",
		"#day-today":    "/moves/outgoing/2026-12-03?status=booked",
		"#day-next":     "/moves/outgoing/2026-12-04?status=booked",
	} {
		if got, _ := doc.Find(id).Attr("href"); got != href {
			t.Errorf("%s links to %q, want %q", id, got, href)
		}
	}
	if _, ok := doc.Find("#day-today").Attr("aria-current"); !ok {
		t.Error("Today is not marked as the current date")
	}
}

func TestListsIncomingDayAndScope(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	court := a.signIn(t, "court", "")
	doc := court.page("/moves/incoming/"+listsToday, http.StatusOK)
	want := []listsGroup{
		{"Guildford Police Station", []string{"ANDERSON, James", "BENNETT, Olivia", "KHAN, Mohammed"}},
		{"HMP High Down", []string{"THOMPSON, Jessica"}},
		{"HMP Wandsworth", []string{"MURPHY, Liam"}},
		{"Staines Police Station", []string{"O'CONNOR, Ryan"}},
	}
	if got := listsGroups(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("court incoming\n got %v\nwant %v", got, want)
	}
	if h := listsText(doc.Find("h1")); !strings.Contains(h, "Incoming moves") || !strings.Contains(h, "Guildford Crown Court") {
		t.Errorf("h1 %q", h)
	}
	// Every move a court user is shown goes to their court.
	guilcc := a.locationID(t, "GUILCC")
	for _, status := range []string{"active", "awaiting_collection", "in_transit", "arrived", "cancelled"} {
		doc := court.page("/moves/incoming/"+listsToday+"?status="+status, http.StatusOK)
		doc.Find(".app-move-card").Each(func(_ int, s *goquery.Selection) {
			m, err := a.st.MoveByReference(ctx, s.AttrOr("data-reference", ""))
			if err != nil || m.ToID != guilcc {
				t.Errorf("court shown %s (to %s, err %v)", s.AttrOr("data-reference", ""), m.ToID, err)
			}
		})
	}
	// Nothing leaves a court: its outgoing list is empty, and says so.
	doc = court.page("/moves/outgoing/"+listsToday, http.StatusOK)
	if doc.Find(".app-move-card").Length() != 0 || listsText(doc.Find(".app-list-empty")) != "No moves" {
		t.Errorf("court outgoing: %d cards, empty text %q", doc.Find(".app-move-card").Length(), listsText(doc.Find(".app-list-empty")))
	}

	t.Run("empty states", func(t *testing.T) {
		police := a.signIn(t, "police", "SRY016")
		doc := police.page("/moves/incoming/"+listsToday, http.StatusOK)
		if got := listsText(doc.Find(".app-list-empty")); got != "No moves" {
			t.Errorf("empty incoming says %q", got)
		}
		doc = police.page("/moves/incoming/"+listsToday+"?status=arrived", http.StatusOK)
		if got := listsText(doc.Find(".app-list-empty")); got != "No arrived moves" {
			t.Errorf("empty arrived says %q", got)
		}
	})

	t.Run("supplier sees only its supplier's moves", func(t *testing.T) {
		serco, err := a.st.Supplier(ctx, "serco")
		if err != nil {
			t.Fatal(err)
		}
		sup := a.signIn(t, "supplier", "")
		for _, dir := range []string{"outgoing", "incoming"} {
			doc := sup.page("/moves/"+dir+"/"+listsToday, http.StatusOK)
			cards := doc.Find(".app-move-card")
			if cards.Length() != 12 {
				t.Errorf("%s: %d cards, want 12", dir, cards.Length())
			}
			cards.Each(func(_ int, s *goquery.Selection) {
				m, err := a.st.MoveByReference(ctx, s.AttrOr("data-reference", ""))
				if err != nil || m.SupplierID != serco.ID {
					t.Errorf("supplier shown %s (supplier %s)", s.AttrOr("data-reference", ""), m.SupplierID)
				}
			})
		}
	})

	t.Run("pmu with all locations sees every move", func(t *testing.T) {
		pmu := a.signIn(t, "pmu", "")
		doc := pmu.page("/moves/incoming/"+listsToday, http.StatusOK)
		if n := doc.Find(".app-move-card").Length(); n != 16 {
			t.Errorf("%d cards, want 16", n)
		}
		if h := listsText(doc.Find("h1 .govuk-caption-l")); h != "All locations" {
			t.Errorf("caption %q", h)
		}
	})

	t.Run("pmu with a chosen location sees that location's lists", func(t *testing.T) {
		pmu := a.signIn(t, "pmu", "GUILCC")
		doc := pmu.page("/moves/incoming/"+listsToday, http.StatusOK)
		if n := doc.Find(".app-move-card").Length(); n != 6 {
			t.Errorf("%d cards, want 6", n)
		}
		home := pmu.page("/", http.StatusOK)
		if got := listsHomeCounts(t, home, "home-incoming")["Active"].N; got != "6" {
			t.Errorf("home incoming active %q, want 6", got)
		}
		if home.Find("#home-review").Length() != 1 {
			t.Error("no requests to review on PMU's home")
		}
	})

	t.Run("admin may not list moves", func(t *testing.T) {
		admin := a.signIn(t, "admin", "")
		for _, p := range []string{"/moves/outgoing/" + listsToday, "/moves/incoming/" + listsToday + "/download.csv", "/moves/outgoing"} {
			if res := admin.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("admin GET %s: %d, want 403", p, res.StatusCode)
			}
		}
	})

	t.Run("a user with several locations chooses one first", func(t *testing.T) {
		police := a.signIn(t, "police", "")
		res := police.get("/moves/outgoing/" + listsToday)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/locations?next=") {
			t.Errorf("got %d to %q, want the location chooser", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestListsStatusFilterCountsMatchCards(t *testing.T) {
	a := newListsApp(t)
	cases := []struct{ user, location, dir, date string }{
		{"police", "SRY016", "outgoing", listsToday},
		{"police", "SRY014", "outgoing", listsToday},
		{"court", "", "incoming", listsToday},
		{"prison", "", "outgoing", "2026-12-05"},
		{"pmu", "", "outgoing", listsToday},
		{"supplier", "", "incoming", listsToday},
	}
	for _, tc := range cases {
		t.Run(tc.user+" "+tc.location+" "+tc.dir, func(t *testing.T) {
			c := a.signIn(t, tc.user, tc.location)
			doc := c.page("/moves/"+tc.dir+"/"+tc.date, http.StatusOK)
			counts, order := listsFilterCounts(doc)
			wantOrder := []string{"Active", "Requested", "Booked", "In transit", "Completed", "Cancelled"}
			if tc.dir == "incoming" {
				wantOrder = []string{"Active", "Awaiting collection", "In transit", "Arrived", "Cancelled"}
			}
			if !reflect.DeepEqual(order, wantOrder) {
				t.Errorf("filters %v, want %v", order, wantOrder)
			}
			doc.Find("#moves-results .app-filter__link").Each(func(_ int, f *goquery.Selection) {
				label := listsText(f.Find(".app-filter__label"))
				href, _ := f.Attr("href")
				list := c.page(href, http.StatusOK)
				if n := list.Find(".app-move-card").Length(); n != counts[label] {
					t.Errorf("%s: filter says %d, %d cards shown", label, counts[label], n)
				}
				if cur := listsText(list.Find(`.app-filter__link[aria-current="page"] .app-filter__label`)); cur != label {
					t.Errorf("%s: current filter is %q", label, cur)
				}
			})
			if tc.dir == "outgoing" && counts["Active"] != counts["Requested"]+counts["Booked"]+counts["In transit"]+counts["Completed"] {
				t.Errorf("active %d is not the sum of its statuses %v", counts["Active"], counts)
			}
			if tc.dir == "incoming" && counts["Active"] != counts["Awaiting collection"]+counts["In transit"]+counts["Arrived"] {
				t.Errorf("active %d is not the sum of its statuses %v", counts["Active"], counts)
			}
		})
	}
}

func TestListsRedirectsAndInvalidDates(t *testing.T) {
	a := newListsApp(t)
	c := a.signIn(t, "police", "SRY016")
	for path, to := range map[string]string{
		"/moves/outgoing":                 "/moves/outgoing/" + listsToday,
		"/moves/incoming":                 "/moves/incoming/" + listsToday,
		"/moves/incoming?status=arrived":  "/moves/incoming/" + listsToday + "?status=arrived",
		"/moves":                          "/moves/outgoing/" + listsToday,
		"/moves/outgoing?status=x%26y%3D": "/moves/outgoing/" + listsToday + "?status=x%26y%3D",
	} {
		res := c.get(path)
		if (res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther) || res.Header.Get("Location") != to {
			t.Errorf("GET %s: %d to %q, want a redirect to %q", path, res.StatusCode, res.Header.Get("Location"), to)
		}
	}
	for _, d := range []string{"2026-13-01", "2026-02-30", "today", "20261203", "2026-12-3", "1066-10-14", "%3Cscript%3E"} {
		for _, dir := range []string{"outgoing", "incoming"} {
			for _, suffix := range []string{"", "/download.csv"} {
				if res := c.get("/moves/" + dir + "/" + d + suffix); res.StatusCode != http.StatusNotFound {
					t.Errorf("GET /moves/%s/%s%s: %d, want 404", dir, d, suffix, res.StatusCode)
				}
			}
		}
	}
}

func TestListsJumpToDate(t *testing.T) {
	a := newListsApp(t)
	c := a.signIn(t, "police", "SRY016")
	base := "/moves/outgoing/" + listsToday
	doc := c.page(base, http.StatusOK)
	form := doc.Find("form.app-jump")
	if action, _ := form.Attr("action"); action != base || form.AttrOr("method", "") != "get" {
		t.Fatalf("jump form: method %q action %q", form.AttrOr("method", ""), action)
	}
	if l := listsText(doc.Find(`label[for="jump"]`)); l != "Date you want to view" {
		t.Errorf("label %q", l)
	}
	if doc.Find("#jump-hint").Length() == 0 {
		t.Error("no hint")
	}
	for typed, date := range map[string]string{
		"22/11/2026":       "2026-11-22",
		"22 November 2026": "2026-11-22",
		"tomorrow":         "2026-12-04",
		"next Friday":      "2026-12-04",
		" Next friday ":    "2026-12-04",
		"2026-12-25":       "2026-12-25",
	} {
		q := url.Values{"jump": {typed}, "status": {"cancelled"}}
		res := c.get(base + "?" + q.Encode())
		want := "/moves/outgoing/" + date + "?status=cancelled"
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("jump %q: %d to %q, want %q", typed, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for typed, msg := range map[string]string{
		"nonsense":    "Enter a real date, such as 22/11/2026, 22 November 2026, tomorrow or next Friday",
		"31/02/2026":  "Enter a real date, such as 22/11/2026, 22 November 2026, tomorrow or next Friday",
		"next Funday": "Enter a real date, such as 22/11/2026, 22 November 2026, tomorrow or next Friday",
		"  ":          "Enter the date you want to view",
	} {
		doc := c.page(base+"?"+url.Values{"jump": {typed}}.Encode(), http.StatusUnprocessableEntity)
		link := doc.Find(`.govuk-error-summary a[href="#jump"]`)
		if listsText(link) != msg {
			t.Errorf("jump %q: summary %q, want %q", typed, listsText(link), msg)
		}
		if !strings.Contains(listsText(doc.Find("#jump-error")), msg) {
			t.Errorf("jump %q: inline error %q", typed, listsText(doc.Find("#jump-error")))
		}
		if title := listsText(doc.Find("title")); !strings.HasPrefix(title, "Error: ") {
			t.Errorf("jump %q: title %q", typed, title)
		}
		if v, _ := doc.Find("#jump").Attr("value"); strings.TrimSpace(typed) != "" && v != strings.TrimSpace(typed) {
			t.Errorf("jump %q: field keeps %q", typed, v)
		}
		// The list itself is still shown under the error.
		if doc.Find(".app-move-card").Length() != 4 {
			t.Errorf("jump %q: %d cards under the error", typed, doc.Find(".app-move-card").Length())
		}
	}
}

// listsAddMove books a court appearance from Guildford Police Station today
// for a new person with the given names.
func listsAddMove(t *testing.T, a *listsApp, first, last string) moves.Move {
	t.Helper()
	ctx := context.Background()
	p := moves.Person{FirstNames: first, LastName: last, DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := a.st.CreatePerson(ctx, &p, listsToday); err != nil {
		t.Fatal(err)
	}
	m, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: a.locationID(t, "SRY016"),
		ToID: a.locationID(t, "GUILCC"), Date: listsToday, PersonID: p.ID, CreatedBy: "test",
		Flags: []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "=cmd|' /C calc'!A0"}}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func listsReadCSV(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("CSV: status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	r := csv.NewReader(res.Body)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("empty CSV")
	}
	recs[0][0] = strings.TrimPrefix(recs[0][0], "\ufeff")
	return recs
}

func TestListsCSV(t *testing.T) {
	a := newListsApp(t)
	evil := listsAddMove(t, a, "@SUM(1+1)", `=HYPERLINK("http://evil.example","Click, me")`)
	c := a.signIn(t, "police", "SRY016")

	doc := c.page("/moves/outgoing/"+listsToday, http.StatusOK)
	href, _ := doc.Find("#download-csv").Attr("href")
	if href != "/moves/outgoing/"+listsToday+"/download.csv?status=active" {
		t.Fatalf("download link %q", href)
	}
	var refs []string
	doc.Find(".app-move-card").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.AttrOr("data-reference", "")) })
	// The malicious name is shown as listsText on the page.
	if doc.Find(".app-card__title a").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return listsText(s) == `=HYPERLINK("HTTP://EVIL.EXAMPLE","CLICK, ME"), @SUM(1+1)`
	}).Length() != 1 {
		t.Error("the malicious name is not shown as plain text")
	}

	res := c.get(href)
	cd := res.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "Moves on 2026-12-03") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	recs := listsReadCSV(t, res)
	if recs[0][0] != "Reference" || recs[0][7] != "Last name" {
		t.Errorf("header %v", recs[0])
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, r[0])
	}
	if !reflect.DeepEqual(got, refs) {
		t.Errorf("CSV references %v, page shows %v", got, refs)
	}
	var row []string
	for _, r := range recs[1:] {
		if r[0] == evil.Reference {
			row = r
		}
	}
	if row == nil {
		t.Fatal("the malicious move is not in the CSV")
	}
	if row[7] != `'=HYPERLINK("http://evil.example","Click, me")` || row[8] != "'@SUM(1+1)" {
		t.Errorf("names not neutralised: %q, %q", row[7], row[8])
	}
	if !strings.HasPrefix(row[13], "Violent: =cmd") {
		t.Errorf("warnings cell %q", row[13])
	}
	for _, r := range recs {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}

	// Another filter: the same rows as its cards.
	res = c.get("/moves/outgoing/" + listsToday + "/download.csv?status=cancelled")
	recs = listsReadCSV(t, res)
	if len(recs) != 2 || recs[1][1] != "Cancelled" || recs[1][7] != "Hughes" {
		t.Errorf("cancelled CSV %v", recs)
	}
	// A court's download holds only its own moves.
	court := a.signIn(t, "court", "")
	recs = listsReadCSV(t, court.get("/moves/incoming/"+listsToday+"/download.csv"))
	if len(recs) != 1+7 { // six seeded, and the malicious one
		t.Errorf("court incoming CSV has %d rows, want 7", len(recs)-1)
	}
	for _, r := range recs[1:] {
		if r[6] != "Guildford Crown Court" {
			t.Errorf("court CSV row to %q", r[6])
		}
	}
}

func TestListsLiveFragment(t *testing.T) {
	a := newListsApp(t)
	c := a.signIn(t, "police", "SRY016")
	path := "/moves/outgoing/" + listsToday
	doc := c.page(path, http.StatusOK)
	region := doc.Find("#moves-results")
	poll, ok := region.Attr("hx-get")
	if !ok || !strings.HasPrefix(poll, path+"?status=active&v=") {
		t.Fatalf("today's region polls %q", poll)
	}
	for attr, want := range map[string]string{"hx-trigger": "every 10s", "hx-select": "#moves-results", "hx-swap": "outerHTML"} {
		if got, _ := region.Attr(attr); got != want {
			t.Errorf("%s=%q, want %q", attr, got, want)
		}
	}

	// An htmx request gets the region alone.
	res := c.get(path+"?status=active", "HX-Request", "true")
	if res.StatusCode != http.StatusOK || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "HX-Request") {
		t.Fatalf("fragment: %d, Vary %q", res.StatusCode, res.Header.Values("Vary"))
	}
	frag, _ := goquery.NewDocumentFromReader(res.Body)
	if frag.Find("html > body > #moves-results").Length() != 1 || frag.Find("main, header, footer, h1").Length() != 0 {
		h, _ := frag.Html()
		t.Fatalf("not just the region:\n%.500s", h)
	}
	if n := frag.Find(".app-move-card").Length(); n != 4 {
		t.Errorf("fragment has %d cards", n)
	}
	// The full page says Vary too, so caches keep them apart.
	if res := c.get(path); !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "HX-Request") {
		t.Errorf("page Vary %q", res.Header.Values("Vary"))
	}

	// Nothing changed: 204, nothing to swap.
	if res := c.get(poll, "HX-Request", "true"); res.StatusCode != http.StatusNoContent {
		t.Errorf("unchanged poll: %d, want 204", res.StatusCode)
	}
	// A new move today changes the list: the poll returns it.
	m := listsAddMove(t, a, "Noor", "Aziz")
	res = c.get(poll, "HX-Request", "true")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("changed poll: %d, want 200", res.StatusCode)
	}
	frag, _ = goquery.NewDocumentFromReader(res.Body)
	if frag.Find(`.app-move-card[data-reference="`+m.Reference+`"]`).Length() != 1 {
		t.Error("the new move is not in the refreshed region")
	}
	if counts, _ := listsFilterCounts(frag); counts["Active"] != 5 || counts["Requested"] != 2 {
		t.Errorf("refreshed counts %v", counts)
	}
	if next, _ := frag.Find("#moves-results").Attr("hx-get"); next == poll {
		t.Error("the refreshed region keeps the old version")
	}

	// Boosted navigation and history restores get the whole page.
	for _, h := range [][]string{{"HX-Request", "true", "HX-Boosted", "true"}, {"HX-Request", "true", "HX-History-Restore-Request", "true"}} {
		doc := c.page(path, http.StatusOK, h...)
		if doc.Find("h1").Length() != 1 || doc.Find("header").Length() == 0 {
			t.Errorf("%v: not a whole page", h)
		}
	}
	// Other days do not poll.
	for _, d := range []string{"2026-12-02", "2026-12-04"} {
		doc := c.page("/moves/outgoing/"+d, http.StatusOK)
		if _, ok := doc.Find("#moves-results").Attr("hx-trigger"); ok {
			t.Errorf("%s polls", d)
		}
	}
}

// TestPersonRenameShowsOnKeptLists: a person's new name shows on every
// list showing their move, a finished one's too (which gets no event):
// a reload is not served the kept page, and the live refresh of the open
// page does not answer "unchanged".
func TestPersonRenameShowsOnKeptLists(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	c := a.signIn(t, "police", "SRY016")
	path := "/moves/outgoing/" + listsToday + "?status=completed"
	doc := c.page(path, http.StatusOK)
	poll, _ := doc.Find("#moves-results").Attr("hx-get")
	ref := doc.Find(".app-move-card").First().AttrOr("data-reference", "")
	if ref == "" || poll == "" {
		t.Fatal("no completed move today at SRY016, or no live refresh")
	}
	m, err := a.st.MoveByReference(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.st.Person(ctx, m.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	np := p
	np.LastName = "Renamedperson"
	if _, err := a.st.UpdatePerson(ctx, store.PersonChange{Person: np, Seen: p.UpdatedAt, By: "test", Today: listsToday}); err != nil {
		t.Fatal(err)
	}
	if res := c.get(poll, "HX-Request", "true"); res.StatusCode == http.StatusNoContent {
		t.Errorf("live refresh %s answers 204 (unchanged) after the person was renamed", poll)
	}
	doc = c.page(path, http.StatusOK)
	if got := listsText(doc.Find(".app-move-card .app-card__title a")); !strings.Contains(got, "RENAMEDPERSON") {
		t.Errorf("reload after renaming %s shows %q", p.LastName, got)
	}
}
