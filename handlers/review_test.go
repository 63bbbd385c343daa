package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// listsReviewTable reads the requests table: its rows as cells, and each
// column's aria-sort.
func listsReviewTable(doc *goquery.Document) (rows [][]string, sorts map[string]string) {
	sorts = map[string]string{}
	doc.Find("#requests thead th").Each(func(_ int, th *goquery.Selection) {
		sorts[listsText(th)] = th.AttrOr("aria-sort", "")
	})
	doc.Find("#requests tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var r []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { r = append(r, listsText(td)) })
		rows = append(rows, r)
	})
	return rows, sorts
}

func listsColumn(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[i])
	}
	return out
}

func TestListsReviewTable(t *testing.T) {
	a := newListsApp(t)
	pmu := a.signIn(t, "pmu", "")

	doc := pmu.page("/moves/review", http.StatusOK)
	if h := listsText(doc.Find("h1")); h != "Requests to review" {
		t.Errorf("h1 %q", h)
	}
	tabs := map[string]string{}
	doc.Find(".moj-sub-navigation__link").Each(func(_ int, s *goquery.Selection) {
		c := listsText(s.Find(".app-filter__count"))
		tabs[strings.TrimSpace(strings.TrimSuffix(listsText(s), c))] = c
	})
	if want := map[string]string{"Pending review": "6", "Approved": "2", "Rejected": "1", "Cancelled": "0"}; !reflect.DeepEqual(tabs, want) {
		t.Errorf("tabs %v, want %v", tabs, want)
	}
	if cur := doc.Find(`.moj-sub-navigation__link[aria-current="page"]`); !strings.HasPrefix(listsText(cur), "Pending review") {
		t.Errorf("current tab %q", listsText(cur))
	}
	rows, sorts := listsReviewTable(doc)
	wantHead := []string{"Name", "Reference", "Sent on", "Move from", "Move to", "Earliest date", "Latest date"}
	var head []string
	doc.Find("#requests thead th").Each(func(_ int, th *goquery.Selection) { head = append(head, listsText(th)) })
	if !reflect.DeepEqual(head, wantHead) {
		t.Errorf("columns %v", head)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want 6", len(rows))
	}
	// Default: earliest date first.
	if sorts["Earliest date"] != "ascending" || sorts["Name"] != "none" {
		t.Errorf("aria-sort %v", sorts)
	}
	if got := listsColumn(rows, 0)[0]; got != "OKAFOR, Adebayo" {
		t.Errorf("first by earliest date: %q", got)
	}
	if got := listsText(doc.Find("#showing")); got != "Showing 1 to 6 of 6 requests" {
		t.Errorf("showing %q", got)
	}
	// Names link to the move page.
	ref := rows[0][1]
	m, err := a.st.MoveByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if href, _ := doc.Find("#requests tbody tr").First().Find("td a").Attr("href"); href != "/move/"+m.ID {
		t.Errorf("name links to %q", href)
	}
	if want := []string{"OKAFOR, Adebayo", m.Reference, "1 December 2026", "HMP Pentonville", "HMP Brixton", "5 December 2026", "12 December 2026"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("first row %v, want %v", rows[0], want)
	}

	t.Run("sorting", func(t *testing.T) {
		names := []string{"BAKER, Freya", "CAMPBELL, Isla", "LEWIS, Harvey", "OKAFOR, Adebayo", "REID, Callum", "YOUNG, Leah"}
		// Click "Name": ascending; click again: descending.
		href, _ := doc.Find("#sort-name").Attr("href")
		asc := pmu.page(href, http.StatusOK)
		rows, sorts := listsReviewTable(asc)
		if got := listsColumn(rows, 0); !reflect.DeepEqual(got, names) || sorts["Name"] != "ascending" || sorts["Earliest date"] != "none" {
			t.Errorf("by name: %v %v", got, sorts)
		}
		href, _ = asc.Find("#sort-name").Attr("href")
		desc := pmu.page(href, http.StatusOK)
		rows, sorts = listsReviewTable(desc)
		rev := append([]string(nil), names...)
		sort.Sort(sort.Reverse(sort.StringSlice(rev)))
		if got := listsColumn(rows, 0); !reflect.DeepEqual(got, rev) || sorts["Name"] != "descending" {
			t.Errorf("by name, descending: %v %v", got, sorts)
		}
		for _, tc := range []struct {
			key string
			col int
		}{{"reference", 1}, {"from", 3}, {"to", 4}} {
			for _, dir := range []string{"ascending", "descending"} {
				d := pmu.page("/moves/review?sort="+tc.key+"&direction="+dir, http.StatusOK)
				rows, _ := listsReviewTable(d)
				got := listsColumn(rows, tc.col)
				want := append([]string(nil), got...)
				sort.SliceStable(want, func(i, j int) bool {
					if dir == "ascending" {
						return strings.ToLower(want[i]) < strings.ToLower(want[j])
					}
					return strings.ToLower(want[i]) > strings.ToLower(want[j])
				})
				if !reflect.DeepEqual(got, want) {
					t.Errorf("sort=%s %s: %v", tc.key, dir, got)
				}
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		bxi, youth := a.locationID(t, "BXI"), ""
		regions, _ := a.st.Regions(context.Background())
		for _, r := range regions {
			if r.Key == "youth" {
				youth = r.ID
			}
		}
		for _, tc := range []struct {
			name  string
			query url.Values
			names []string
			tabs  string
		}{
			{"from a location", url.Values{"from": {bxi}, "sort": {"name"}}, []string{"REID, Callum", "YOUNG, Leah"}, "2 1 1 0"},
			{"from a region", url.Values{"region": {youth}, "sort": {"name"}}, []string{"BAKER, Freya", "LEWIS, Harvey"}, "2 0 0 0"},
			{"earliest date range", url.Values{"earliest_from": {"7/12/2026"}, "earliest_to": {"8 December 2026"}, "sort": {"name"}},
				[]string{"BAKER, Freya", "LEWIS, Harvey", "YOUNG, Leah"}, "3 1 0 0"},
			{"sent this week", url.Values{"sent_from": {"2026-11-30"}, "sent_to": {"2026-12-06"}, "sort": {"name"}},
				[]string{"BAKER, Freya", "CAMPBELL, Isla", "LEWIS, Harvey", "OKAFOR, Adebayo", "REID, Callum", "YOUNG, Leah"}, "6 2 1 0"},
			{"sent from tomorrow", url.Values{"sent_from": {"tomorrow"}}, nil, "0 0 0 0"},
			{"approved from Brixton", url.Values{"status": {"approved"}, "from": {bxi}}, []string{"TURNER, Jack"}, "2 1 1 0"},
			{"rejected", url.Values{"status": {"rejected"}}, []string{"GREEN, Samuel"}, "6 2 1 0"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := pmu.page("/moves/review?"+tc.query.Encode(), http.StatusOK)
				rows, _ := listsReviewTable(d)
				if got := listsColumn(rows, 0); !reflect.DeepEqual(got, tc.names) {
					t.Errorf("rows %v, want %v", got, tc.names)
				}
				var counts []string
				d.Find(".moj-sub-navigation__link .app-filter__count").Each(func(_ int, s *goquery.Selection) { counts = append(counts, listsText(s)) })
				if got := strings.Join(counts, " "); got != tc.tabs {
					t.Errorf("tab counts %q, want %q", got, tc.tabs)
				}
				if len(tc.names) == 0 && listsText(d.Find(".app-list-empty")) != "No requests to review" {
					t.Errorf("empty state %q", listsText(d.Find(".app-list-empty")))
				}
				_, open := d.Find("#review-filters").Attr("open")
				filtered := len(tc.query) > 1 || tc.query.Get("status") == ""
				if open != filtered {
					t.Errorf("filter form open %v, filters applied %v", open, filtered)
				}
				// Status tabs and sort links keep the filters.
				for _, sel := range []string{"#status-approved", "#sort-reference"} {
					href, ok := d.Find(sel).Attr("href")
					if !ok && len(tc.names) == 0 {
						continue // no table, no sort links
					}
					u, _ := url.Parse(href)
					for k := range tc.query {
						if k != "status" && k != "sort" && u.Query().Get(k) != tc.query.Get(k) {
							t.Errorf("%s loses %s: %s", sel, k, href)
						}
					}
				}
			})
		}
		d := pmu.page("/moves/review?status=cancelled", http.StatusOK)
		if got := listsText(d.Find(".app-list-empty")); got != "No cancelled requests" {
			t.Errorf("empty cancelled: %q", got)
		}
	})

	t.Run("filter errors", func(t *testing.T) {
		d := pmu.page("/moves/review?earliest_from=someday&sent_from=1/12/2026&sent_to=30/11/2026", http.StatusUnprocessableEntity)
		var links []string
		d.Find(".govuk-error-summary a").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("href", "")) })
		if !reflect.DeepEqual(links, []string{"#earliest_from", "#sent_to"}) {
			t.Errorf("error summary links %v", links)
		}
		if d.Find("#earliest_from-error").Length() != 1 || d.Find("#sent_to-error").Length() != 1 {
			t.Error("no inline errors")
		}
		if v, _ := d.Find("#earliest_from").Attr("value"); v != "someday" {
			t.Errorf("field keeps %q", v)
		}
		if title := listsText(d.Find("title")); !strings.HasPrefix(title, "Error: ") {
			t.Errorf("title %q", title)
		}
		// The bad dates are ignored; the table is still there.
		if rows, _ := listsReviewTable(d); len(rows) != 6 {
			t.Errorf("%d rows under the errors", len(rows))
		}
	})

	t.Run("csv", func(t *testing.T) {
		href, _ := doc.Find("#download-csv").Attr("href")
		recs := listsReadCSV(t, pmu.get(href))
		if len(recs) != 7 || recs[0][0] != "Reference" {
			t.Fatalf("CSV %v", recs)
		}
		refs := map[string]bool{}
		for _, r := range recs[1:] {
			refs[r[0]] = true
			if r[1] != "Pending review" {
				t.Errorf("row %v", r)
			}
		}
		for _, r := range rows {
			if !refs[r[1]] {
				t.Errorf("%s missing from the CSV", r[1])
			}
		}
		recs = listsReadCSV(t, pmu.get("/moves/review/download.csv?status=rejected"))
		if len(recs) != 2 || recs[1][3] != "Green" || !strings.HasPrefix(recs[1][14], "Rejected: ") {
			t.Errorf("rejected CSV %v", recs)
		}
	})
}

func TestListsReviewPagination(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	people, err := a.st.FindPeople(ctx, store.PeopleFilter{LastName: "Anderson"})
	if err != nil || len(people) == 0 {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: a.locationID(t, "PVI"),
			ToID: a.locationID(t, "WWI"), DateFrom: fmt.Sprintf("2026-12-%02d", 10+i%10), PersonID: people[0].ID, CreatedBy: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	pmu := a.signIn(t, "pmu", "")
	var all []string
	for page, showing := range map[int]string{1: "Showing 1 to 20 of 46 requests", 2: "Showing 21 to 40 of 46 requests", 3: "Showing 41 to 46 of 46 requests"} {
		d := pmu.page(fmt.Sprintf("/moves/review?page=%d", page), http.StatusOK)
		if got := listsText(d.Find("#showing")); got != showing {
			t.Errorf("page %d: %q", page, got)
		}
		nav := d.Find("nav.govuk-pagination")
		if cur := listsText(nav.Find(`[aria-current="page"]`)); cur != fmt.Sprint(page) {
			t.Errorf("page %d: current page link %q", page, cur)
		}
		hasPrev, hasNext := nav.Find(".govuk-pagination__prev").Length() == 1, nav.Find(".govuk-pagination__next").Length() == 1
		if hasPrev != (page > 1) || hasNext != (page < 3) {
			t.Errorf("page %d: previous %v, next %v", page, hasPrev, hasNext)
		}
	}
	// Pages, in order, hold every request once, in the sort order.
	for page := 1; page <= 3; page++ {
		d := pmu.page(fmt.Sprintf("/moves/review?sort=reference&page=%d", page), http.StatusOK)
		rows, _ := listsReviewTable(d)
		all = append(all, listsColumn(rows, 1)...)
		if page == 1 {
			href, _ := d.Find(".govuk-pagination__next a").Attr("href")
			if u, _ := url.Parse(href); u.Query().Get("sort") != "reference" || u.Query().Get("page") != "2" {
				t.Errorf("next page link %q loses the sort", href)
			}
		}
	}
	if len(all) != 46 || !sort.StringsAreSorted(all) {
		t.Errorf("%d references across pages, sorted %v", len(all), sort.StringsAreSorted(all))
	}
	// A page past the end shows the last one; a page that is not a number, the first.
	if got := listsText(pmu.page("/moves/review?page=99", http.StatusOK).Find("#showing")); got != "Showing 41 to 46 of 46 requests" {
		t.Errorf("page 99: %q", got)
	}
	if got := listsText(pmu.page("/moves/review?page=x", http.StatusOK).Find("#showing")); got != "Showing 1 to 20 of 46 requests" {
		t.Errorf("page x: %q", got)
	}
}

func TestListsReviewIsPMUOnly(t *testing.T) {
	a := newListsApp(t)
	for _, u := range []struct{ user, loc string }{{"police", "SRY016"}, {"prison", ""}, {"court", ""}, {"supplier", ""}, {"admin", ""}} {
		c := a.signIn(t, u.user, u.loc)
		for _, p := range []string{"/moves/review", "/moves/review?status=approved", "/moves/review/download.csv"} {
			res := c.get(p)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", u.user, p, res.StatusCode)
			}
		}
	}
	// Signed out: to the sign-in page.
	res := a.client(t).get("/moves/review")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in") {
		t.Errorf("signed out: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}
