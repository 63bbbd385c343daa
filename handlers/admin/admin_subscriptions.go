package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Administrators manage the suppliers' notification subscriptions (issue
// 12) here; the command line does the same through the same store methods.

// keyNewSubscriptionSecret holds a signing secret just made, to show once
// after the redirect: [subscription id, secret].
const keyNewSubscriptionSecret = "new_subscription_secret"

// deliveryLogLength is how many notifications a subscription's page lists.
const deliveryLogLength = 50

// AdminSubscriptions lists the subscriptions.
func (h *Handlers) AdminSubscriptions(c echo.Context) error {
	subs, err := h.Store.Subscriptions(c.Request().Context())
	if err != nil {
		return err
	}
	m := views.AdminSubscriptions{Page: h.adminPage(c, "Notifications to suppliers", "")}
	m.Page.Wide = true
	for _, s := range subs {
		m.Subscriptions = append(m.Subscriptions, views.AdminSubscriptionRow{ID: s.ID, Supplier: s.SupplierName, Target: subscriptionTarget(s),
			Enabled: s.Enabled, Pending: s.Pending, Delivered: s.Delivered, Failed: s.Failed})
	}
	return serve.Render(c, http.StatusOK, views.AdminSubscriptionsPage(m))
}

func subscriptionTarget(s store.SubscriptionInfo) string {
	return strings.TrimSpace(strings.Join([]string{s.CallbackURL, s.Email}, " "))
}

func (h *Handlers) renderNewSubscription(c echo.Context, status int, in store.SubscriptionInput, errs views.Errors) error {
	sps, err := h.Store.Suppliers(c.Request().Context())
	if err != nil {
		return err
	}
	m := views.AdminNewSubscription{Page: h.adminPage(c, "Add a subscription", "/admin/subscriptions"), Errors: errs,
		Supplier: in.Supplier, CallbackURL: in.CallbackURL, Email: in.Email, BasicUser: in.BasicUser, EmailOff: h.emailOff(),
		Submission: serve.KeptFormToken(c)}
	m.Page.HasErrors = len(errs) > 0
	for _, sp := range sps {
		m.Suppliers = append(m.Suppliers, views.AdminSupplierChoice{Key: sp.Key, Name: sp.Name})
	}
	return serve.Render(c, status, views.AdminNewSubscriptionPage(m))
}

// AdminNewSubscription shows the form to add a subscription.
func (h *Handlers) AdminNewSubscription(c echo.Context) error {
	return h.renderNewSubscription(c, http.StatusOK, store.SubscriptionInput{}, nil)
}

// AdminCreateSubscription adds a subscription, then shows its secret once.
func (h *Handlers) AdminCreateSubscription(c echo.Context) error {
	in := store.SubscriptionInput{Supplier: c.FormValue("supplier"), CallbackURL: c.FormValue("callback_url"), Email: c.FormValue("email"),
		BasicUser: c.FormValue("basic_user"), BasicPassword: c.FormValue("basic_password"), CheckURL: h.Notify.Guard.CheckURL}
	if strings.TrimSpace(in.Supplier) == "" {
		// Said here rather than as "not found" by the store.
		errs := views.Errors{{ID: "supplier", Message: "Select the supplier to tell"}}
		if in.CallbackURL == "" && in.Email == "" {
			errs = append(errs, views.FieldError{ID: "callback_url", Message: "Enter a callback URL or an email address, or both"})
		}
		return h.renderNewSubscription(c, http.StatusUnprocessableEntity, in, errs)
	}
	var secret string
	id, replayed, err := serve.Once(c, h.Store, "subscription", serve.FormToken(c), func(ctx context.Context) (string, error) {
		si, s, err := h.Store.CreateSubscription(ctx, in, h.Notify.Sealer, serve.CurrentUser(c).Username)
		secret = s
		return si.ID, err
	})
	if errs, ok := formErrors(err, map[string]string{"supplier": "supplier"}); ok {
		return h.renderNewSubscription(c, http.StatusUnprocessableEntity, in, errs)
	} else if err != nil {
		return err
	}
	if replayed {
		// Sent twice: the subscription the first sending created, whose
		// secret went to that sending's answer; the page says so.
		return serve.Redirect(c, "/admin/subscriptions/"+id+"/secret")
	}
	h.logFor(c).Info("subscription created", "subscription_id", id, "by", serve.CurrentUser(c).Username)
	return h.showSubscriptionSecretOnce(c, id, secret)
}

func (h *Handlers) showSubscriptionSecretOnce(c echo.Context, id, secret string) error {
	return h.showSecretOnce(c, keyNewSubscriptionSecret, id, secret, "/admin/subscriptions/"+id+"/secret")
}

// AdminSubscriptionSecret shows a secret just made, once.
func (h *Handlers) AdminSubscriptionSecret(c echo.Context) error {
	si, err := h.Store.Subscription(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	m := views.AdminSubscriptionSecret{Page: h.adminPage(c, "Signing secret", ""), ID: si.ID, Supplier: si.SupplierName}
	if m.Secret, err = h.takeSecret(c, keyNewSubscriptionSecret, si.ID); err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AdminSubscriptionSecretPage(m))
}

// AdminSubscription shows a subscription and its delivery log.
func (h *Handlers) AdminSubscription(c echo.Context) error {
	ctx := c.Request().Context()
	si, err := h.Store.Subscription(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	entries, err := h.Store.SubscriptionLog(ctx, si.ID, deliveryLogLength)
	if err != nil {
		return err
	}
	m := views.AdminSubscription{Page: h.adminPage(c, si.SupplierName+" subscription", "/admin/subscriptions"), ID: si.ID,
		Supplier: si.SupplierName, CallbackURL: si.CallbackURL, Email: si.Email, BasicUser: si.BasicUser, Enabled: si.Enabled,
		DisabledReason: si.DisabledReason, Rotating: si.Rotating(), Created: views.TimelineTime(si.CreatedAt), CreatedBy: si.CreatedBy,
		EmailOff: h.emailOff()}
	m.Page.Wide = true
	for _, n := range entries {
		row := views.AdminNotificationRow{ID: n.ID, EventType: n.EventType, Channel: n.Channel, MoveRef: n.MoveReference,
			Created: views.TimelineTime(n.CreatedAt), Attempts: n.Attempts}
		switch n.State() {
		case "delivered":
			row.State = "Delivered"
		case "failed":
			row.State = "Failed"
		default:
			row.State = "Pending"
			row.Next = views.TimelineTime(n.NextAttemptAt)
		}
		switch {
		case n.LastError != "":
			row.Last = n.LastError
		case n.LastStatus != 0:
			row.Last = strings.TrimSpace(strconv.Itoa(n.LastStatus) + " " + http.StatusText(n.LastStatus))
		}
		m.Log = append(m.Log, row)
	}
	return serve.Render(c, http.StatusOK, views.AdminSubscriptionPage(m))
}

// adminSubscriptionDone goes back to the subscription with a message, or
// says why nothing changed.
func (h *Handlers) adminSubscriptionDone(c echo.Context, id string, err error, title, text string) error {
	if err != nil {
		return h.adminRefused(c, "/admin/subscriptions/"+id, err)
	}
	h.logFor(c).Info("subscription changed", "subscription_id", id, "change", title, "by", serve.CurrentUser(c).Username)
	h.Sessions.SetFlash(c, serve.Flash{Title: title, Text: text})
	return serve.Redirect(c, "/admin/subscriptions/"+id)
}

// AdminRotateSubscriptionSecret adds a second secret and shows it once.
func (h *Handlers) AdminRotateSubscriptionSecret(c echo.Context) error {
	id := c.Param("id")
	secret, err := h.Store.RotateSubscriptionSecret(c.Request().Context(), id, h.Notify.Sealer, serve.CurrentUser(c).Username)
	if err != nil {
		return h.adminSubscriptionDone(c, id, err, "", "")
	}
	return h.showSubscriptionSecretOnce(c, id, secret)
}

// AdminRetireSubscriptionSecret retires the old of two secrets.
func (h *Handlers) AdminRetireSubscriptionSecret(c echo.Context) error {
	id := c.Param("id")
	err := h.Store.RetireSubscriptionSecret(c.Request().Context(), id, serve.CurrentUser(c).Username)
	return h.adminSubscriptionDone(c, id, err, "Old secret retired", "Notifications are now signed with the new secret only.")
}

// AdminDisableSubscription and AdminEnableSubscription turn it off and on.
func (h *Handlers) AdminDisableSubscription(c echo.Context) error {
	id := c.Param("id")
	err := h.Store.SetSubscriptionEnabled(c.Request().Context(), id, false, serve.CurrentUser(c).Username)
	return h.adminSubscriptionDone(c, id, err, "Subscription turned off", "Nothing is sent until it is turned on again; notifications already written wait.")
}

func (h *Handlers) AdminEnableSubscription(c echo.Context) error {
	id := c.Param("id")
	err := h.Store.SetSubscriptionEnabled(c.Request().Context(), id, true, serve.CurrentUser(c).Username)
	h.wakeWorker()
	return h.adminSubscriptionDone(c, id, err, "Subscription turned on", "Waiting notifications are sent now.")
}

// AdminTestSubscription sends a test notification.
func (h *Handlers) AdminTestSubscription(c echo.Context) error {
	id := c.Param("id")
	err := h.Store.SendTestNotification(c.Request().Context(), id, serve.CurrentUser(c).Username)
	return h.adminSubscriptionDone(c, id, err, "Test notification sent", "It appears in the delivery log below; reload to see whether it was delivered.")
}

// AdminResendNotification sends one notification again.
func (h *Handlers) AdminResendNotification(c echo.Context) error {
	id := c.Param("id")
	err := h.Store.ResendNotification(c.Request().Context(), id, c.Param("nid"), serve.CurrentUser(c).Username)
	return h.adminSubscriptionDone(c, id, err, "Notification sent again", "It keeps its id, so a receiver that already has it can drop it.")
}

func (h *Handlers) wakeWorker() {
	if h.Notify != nil && h.Notify.Worker != nil {
		h.Notify.Worker.Wake()
	}
}

// emailOff reports that this server's worker sends no e-mail (no SMTP
// configured); false when there is no worker to ask.
func (h *Handlers) emailOff() bool {
	return h.Notify != nil && h.Notify.Worker != nil && h.Notify.Worker.Email == nil
}
