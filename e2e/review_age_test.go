//go:build e2e

package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// PMU filters the requests to review by age: the group chosen shows as a
// "selected filters" tag, and its link takes the filter off again.
func TestListsReviewAgeFilterTags(t *testing.T) {
	runBoth(t, "review-age", func(t *testing.T, js bool) {
		srv := startServer(t)
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "pmu")
		goTo(t, page, srv.BaseURL+"/moves/review")
		rows := page.GetByRole(*playwright.AriaRoleTable).Locator("tbody").GetByRole(*playwright.AriaRoleRow)
		all, err := rows.Count()
		must(t, err, "count the requests")

		must(t, page.GetByText("Filter requests", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)}).Click(), "open the filters")
		must(t, page.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Over 19 years", Exact: playwright.Bool(true)}).Check(), "over 19")
		must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Apply filters"}).Click(), "apply filters")
		lstExpectURL(t, page, `age=over_19`)
		tag := page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Remove this filter: Age Over 19 years"})
		must(t, expect.Locator(tag).ToHaveCount(1), "the age filter's tag")
		checkA11y(t, page)

		must(t, tag.Click(), "remove the age filter")
		lstExpectURL(t, page, `/moves/review(\?status=pending)?$`)
		must(t, expect.Locator(tag).ToHaveCount(0), "no tag once removed")
		must(t, expect.Locator(rows).ToHaveCount(all), "every request again")
		checkA11y(t, page)
	})
}
