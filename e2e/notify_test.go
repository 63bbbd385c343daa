//go:build e2e

package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// An administrator adds a subscription for a supplier, sends it a test
// notification and sees it in the delivery log; then sends one through
// a demo subscription, sees it delivered, and finds it, verified, on the
// demo receiver's page. With JavaScript on and off; axe on every page.
func TestAdminAddsASubscriptionAndSendsATest(t *testing.T) {
	runBoth(t, "subscription-test-notification", func(t *testing.T, js bool) {
		srv, page := admE2EOpen(t, js, "Notifications", "Notifications to suppliers")
		// Nothing chosen: the error summary links to the fields.
		summary := admE2EEmptyForm(t, page, "Add a subscription", "Add a subscription", "Add subscription", "Select the supplier to tell")
		must(t, expect.Locator(summary.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Enter a callback URL or an email address, or both"})).ToHaveAttribute("href", "#callback_url"), "the summary links to the field")

		must(t, admE2ERole(page, *playwright.AriaRoleRadio, "Serco").Check(), "choose Serco")
		must(t, admE2EField(page, "Callback URL").Fill(srv.BaseURL+"/demo/webhooks"), "fill the callback URL")
		admE2EPress(t, page, "Add subscription", "Signing secret created")
		must(t, expect.Locator(page.Locator("#subscription-secret")).ToHaveText(regexp.MustCompile(`^whsec_[A-Za-z0-9+/=]{40,}$`)), "the secret, shown once")

		must(t, admE2ERole(page, *playwright.AriaRoleLink, "Go to the subscription").Click(), "go to the subscription")
		admE2EHeading(t, page, "Serco")
		admE2EPress(t, page, "Send a test notification", "Serco")
		admE2ESuccess(t, page, "Test notification sent")
		log := page.GetByRole(*playwright.AriaRoleTable, playwright.PageGetByRoleOptions{Name: "Delivery log"})
		must(t, expect.Locator(log).ToContainText("test_notification"), "the test notification in the delivery log")

		// The same through a demo subscription, whose secret the demo
		// receiver holds: delivered.
		admE2EMenu(t, page, "Notifications", "Notifications to suppliers")
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "GEOAmey subscription to " + srv.BaseURL[:len("http://")] + "127.0.0.1"}).Click(), "open the demo subscription")
		admE2EHeading(t, page, "GEOAmey")
		admE2EPress(t, page, "Send a test notification", "GEOAmey")
		delivered := false
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if _, err := page.Reload(); err != nil {
				t.Fatal(err)
			}
			rows, _ := log.Locator("tbody tr").AllTextContents()
			for _, r := range rows {
				if regexp.MustCompile(`test_notification[\s\S]*Delivered`).MatchString(r) {
					delivered = true
				}
			}
			if delivered {
				break
			}
		}
		if !delivered {
			t.Fatalf("the test notification was not delivered:%s", pageSummary(page))
		}
		checkA11y(t, page)

		goTo(t, page, srv.BaseURL+"/demo/webhooks")
		admE2EHeading(t, page, "Webhooks received")
		received := page.GetByRole(*playwright.AriaRoleTable)
		must(t, expect.Locator(received).ToContainText("test_notification"), "the demo receiver got it")
		// The demo subscription's arrived with both signatures verified
		// (the one added above holds another secret: not verified).
		verified := received.Locator("tbody tr").Filter(playwright.LocatorFilterOptions{Has: page.Locator(".govuk-tag--green")})
		must(t, expect.Locator(verified.First()).ToContainText("test_notification"), "its signatures verified")
	})
}
