package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The age filter of the requests to review keeps the requests for people
// of the group chosen, shows it as a "selected filters" tag whose link
// removes it (a plain link: no JavaScript needed), and refuses a group
// that is not offered.
func TestListsReviewAgeFilter(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	// A 16-year-old's transfer, so that the groups split the requests.
	young := moves.Person{FirstNames: "Sam", LastName: "Youngman", DateOfBirth: "2010-06-01", Gender: "male", CreatedBy: "test"}
	today := moves.LondonDate(listsNow)
	if err := a.st.CreatePerson(ctx, &young, today); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: a.locationID(t, "BXI"), ToID: a.locationID(t, "WWI"),
		DateFrom: moves.AddDays(today, 7), PersonID: young.ID, CreatedBy: "prison"}); err != nil {
		t.Fatal(err)
	}
	pending, _, err := a.st.ReviewRequests(ctx, store.ReviewFilter{Status: store.ReviewPending})
	if err != nil {
		t.Fatal(err)
	}
	pmu := a.signIn(t, "pmu", "")
	names := func(doc *goquery.Document) []string {
		rows, _ := listsReviewTable(doc)
		return listsColumn(rows, 0)
	}
	seen := 0
	for _, g := range moves.AgeGroups {
		from, to := g.BornBetween(today)
		want := 0
		for _, r := range pending {
			if dob := r.Person.DateOfBirth; (from == "" || dob >= from) && (to == "" || dob <= to) {
				want++
			}
		}
		doc := pmu.page("/moves/review?age="+g.Key, http.StatusOK)
		got := names(doc)
		if len(got) != want {
			t.Errorf("%s: %d rows %v, want %d", g.Key, len(got), got, want)
		}
		if g.Key == "over_19" || g.Key == "19_and_under" {
			seen += len(got)
		}
		if g.Key == "under_17y8m" && (len(got) != 1 || !strings.Contains(got[0], "YOUNGMAN")) {
			t.Errorf("under 17 years and 8 months: %v", got)
		}
		tag := doc.Find(".moj-filter__selected .moj-filter__tag")
		if tag.Length() != 1 || !strings.Contains(listsText(tag), g.Label) || !strings.Contains(listsText(tag), "Remove this filter") {
			t.Errorf("%s: tags %q", g.Key, listsText(tag))
		}
		if _, ok := doc.Find(`input[name="age"][value="` + g.Key + `"]`).Attr("checked"); !ok {
			t.Errorf("%s: the form does not show the group chosen", g.Key)
		}
		href, _ := tag.Attr("href")
		u, err := url.Parse(href)
		if err != nil || u.Path != "/moves/review" || u.Query().Has("age") {
			t.Errorf("%s: remove link %q", g.Key, href)
		}
	}
	if seen != len(pending) {
		t.Errorf("over 19 and 19 and under show %d requests together, want %d", seen, len(pending))
	}
	// Removing one filter keeps the others.
	doc := pmu.page("/moves/review?age=over_19&from="+a.locationID(t, "BXI"), http.StatusOK)
	doc.Find(".moj-filter__tag").Each(func(_ int, s *goquery.Selection) {
		u, _ := url.Parse(s.AttrOr("href", ""))
		if strings.Contains(listsText(s), "Over 19") && (u.Query().Has("age") || u.Query().Get("from") == "") {
			t.Errorf("removing the age filter: %q", u)
		}
	})
	res := pmu.get("/moves/review?age=over_60")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown age group: %d", res.StatusCode)
	}
	bad, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if s := listsText(bad.Find(".govuk-error-summary")); !strings.Contains(s, "Select an age from the list") {
		t.Errorf("error summary %q", s)
	}
	if bad.Find(`.govuk-error-summary a[href="#age"]`).Length() != 1 || bad.Find("#age").Length() != 1 {
		t.Error("the error does not link to the age question")
	}
}
