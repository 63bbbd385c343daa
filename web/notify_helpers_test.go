package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/notify"
)

// testNotifyDeps turns on the subscription pages and the demo receiver
// with a fixed key and secret; loopback callbacks are allowed, as in demo
// mode.
func testNotifyDeps(t testing.TB) *serve.NotifyDeps {
	t.Helper()
	sealer, err := notify.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	sink, err := notify.NewSink("whsec_"+"MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &serve.NotifyDeps{Sealer: sealer, Guard: &notify.Guard{AllowPrivate: true}, Sink: sink}
}

// newTableSubscription adds a subscription with one notification for the
// route table.
func newTableSubscription(t *testing.T, h *harness) (subID, notificationID string) {
	t.Helper()
	ctx := context.Background()
	si, _, err := h.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "serco", CallbackURL: "http://127.0.0.1:9/hooks"},
		h.srv.Admin.Notify.Sealer, "table")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.SendTestNotification(ctx, si.ID, "table"); err != nil {
		t.Fatal(err)
	}
	log, err := h.st.SubscriptionLog(ctx, si.ID, 1)
	if err != nil || len(log) != 1 {
		t.Fatalf("table subscription's log: %v", err)
	}
	return si.ID, log[0].ID
}

// An administrator is told when this server sends no e-mail: on the
// question that asks for an address, and on a subscription that has one.
func TestAdminSubscriptionsSayWhenEmailIsOff(t *testing.T) {
	for _, tc := range []struct {
		name  string
		email notify.Sender
	}{{"off", nil}, {"on", &notify.EmailSender{}}} {
		t.Run(tc.name, func(t *testing.T) {
			deps := testNotifyDeps(t)
			deps.Worker = &notify.Worker{Email: tc.email}
			h := newHarness(t, web.Config{Notify: deps})
			si, _, err := h.st.CreateSubscription(context.Background(), store.SubscriptionInput{Supplier: "serco",
				CallbackURL: "https://serco.example/hooks", Email: "moves@serco.example"}, deps.Sealer, "admin")
			if err != nil {
				t.Fatal(err)
			}
			c := h.client()
			h.signIn(c, "admin", store.DemoPassword)
			_, page := h.get(c, "/admin/subscriptions/"+si.ID)
			_, form := h.get(c, "/admin/subscriptions/new")
			said := strings.Contains(page.Find("main").Text(), "Nothing is sent to this address") &&
				strings.Contains(form.Find("#email-hint").Text(), "has none now")
			if said != (tc.email == nil) {
				t.Fatalf("with e-mail %s, the pages say it is off: %v\n%s", tc.name, said, strings.Join(strings.Fields(page.Find("main").Text()), " "))
			}
		})
	}
}

// "Add subscription" sent twice from one showing of its form adds one
// subscription.
func TestAdminSubscriptionSentTwiceAddsOne(t *testing.T) {
	deps := testNotifyDeps(t)
	h := newHarness(t, web.Config{Notify: deps})
	c := h.client()
	h.signIn(c, "admin", store.DemoPassword)
	_, form := h.get(c, "/admin/subscriptions/new")
	token := form.Find(`input[name="submission"]`).AttrOr("value", "")
	if token == "" {
		t.Fatal("the form has no submission token")
	}
	before, err := h.st.Subscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	send := url.Values{"_csrf": {csrfFrom(t, form)}, "supplier": {"serco"}, "callback_url": {"https://serco.example/twice"}, "submission": {token}}
	first, _ := h.post(c, "/admin/subscriptions", send)
	second, _ := h.post(c, "/admin/subscriptions", send)
	after, _ := h.st.Subscriptions(context.Background())
	if len(after) != len(before)+1 || first.StatusCode != http.StatusSeeOther || first.Header.Get("Location") != second.Header.Get("Location") {
		t.Fatalf("sent twice: %d subscriptions added; %d to %q, then %d to %q", len(after)-len(before),
			first.StatusCode, first.Header.Get("Location"), second.StatusCode, second.Header.Get("Location"))
	}
}
