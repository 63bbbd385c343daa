//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// demoUsers are the users seeded by the server's -demo flag, one per role.
var demoUsers = []string{"pmu", "police", "prison", "court", "supplier", "admin"}

// TestSignIn: every demo user can sign in and out, with and without
// JavaScript, and the signed-in page passes the accessibility checks.
func TestSignIn(t *testing.T) {
	srv := startServer(t)
	for _, user := range demoUsers {
		runBoth(t, user, func(t *testing.T, js bool) {
			page := newPage(t, js)
			signIn(t, page, srv.BaseURL, user)

			h1 := page.Locator("h1")
			must(t, expect.Locator(h1).ToHaveCount(1), "one h1 on the signed-in page")
			must(t, expect.Locator(h1).ToHaveText(regexp.MustCompile(`\S`)), "a non-empty h1 on the signed-in page")
			must(t, expect.Locator(signOutControl(page)).ToBeVisible(), "%q in the header", "Sign out")
			checkA11y(t, page)

			signOut(t, page)
			must(t, expect.Locator(signInHeading(page)).ToBeVisible(), "the sign-in page (h1 %q) after signing out", "Sign in")
		})
	}
}

// TestSignInWrongPassword: a wrong password keeps the user on the sign-in
// page with a GOV.UK error summary, and both the sign-in page and the page
// with the error pass the accessibility checks.
func TestSignInWrongPassword(t *testing.T) {
	srv := startServer(t)
	runBoth(t, "wrong password", func(t *testing.T, js bool) {
		page := newPage(t, js)
		goTo(t, page, srv.BaseURL+"/sign-in")
		must(t, expect.Locator(signInHeading(page)).ToBeVisible(), "h1 %q", "Sign in")
		checkA11y(t, page)

		submitSignIn(t, page, srv.BaseURL, "pmu", "not-the-"+demoPassword)
		summary := page.Locator(".govuk-error-summary")
		must(t, expect.Locator(summary).ToBeVisible(), "an error summary")
		must(t, expect.Locator(summary).ToContainText("Enter a valid username and password"), "the error summary's message")
		must(t, expect.Locator(signInHeading(page)).ToBeVisible(), "still on the sign-in page")
		must(t, expect.Locator(signOutControl(page)).ToHaveCount(0), "no %q for a failed sign-in", "Sign out")
		checkA11y(t, page)
	})
}

// signInHeading is the sign-in page's h1.
func signInHeading(page playwright.Page) playwright.Locator {
	return page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{
		Name: "Sign in", Exact: playwright.Bool(true), Level: playwright.Int(1),
	})
}
