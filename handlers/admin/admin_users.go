package admin

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// --- Shared by the administration pages ---

// adminWhen is "10:51 on Thursday 3 December 2026 by admin".
func adminWhen(t time.Time, by string) string {
	s := views.TimelineTime(t)
	if by != "" {
		s += " by " + by
	}
	return s
}

// adminChangeRows is a subject's history for its page.
func (h *Handlers) adminChangeRows(c echo.Context, subjectType, subjectID string) ([]views.AdminChange, error) {
	es, err := h.Store.AdminChanges(c.Request().Context(), subjectType, subjectID, 20)
	if err != nil {
		return nil, err
	}
	out := make([]views.AdminChange, 0, len(es))
	for _, e := range es {
		out = append(out, views.AdminChange{At: views.TimelineTime(e.At), By: e.By, Summary: e.Summary})
	}
	return out, nil
}

// adminInvalid returns the field errors of a change the store refused, as
// the form shows them (ids maps field names to input ids), or false when
// the error is of another kind.
func adminInvalid(err error, ids map[string]string) (views.Errors, bool) {
	e, ok := moves.AsError(err)
	if !ok || e.Code != moves.Invalid || len(e.Fields) == 0 {
		return nil, false
	}
	return serve.ViewErrors(e.Fields, ids), true
}

// adminRefused answers a change refused as a conflict with a message on
// the page it came from.
func (h *Handlers) adminRefused(c echo.Context, back string, err error) error {
	e, ok := moves.AsError(err)
	if !ok || e.Code != moves.Conflict {
		return err
	}
	h.Sessions.SetFlash(c, serve.Flash{Title: "Nothing was changed", Text: e.Message, Important: true})
	return serve.Redirect(c, back)
}

// adminStatus is the status code of a form page: 422 with errors.
func adminStatus(errs views.Errors) int {
	if len(errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// adminPlural names each type of location in the plural, for groups.
var adminPlural = map[moves.LocationType]string{
	moves.LocPolice:               "Police custody suites",
	moves.LocCourt:                "Courts",
	moves.LocPrison:               "Prisons",
	moves.LocYOI:                  "Young offender institutions",
	moves.LocHospital:             "Hospitals",
	moves.LocHighSecurityHospital: "High security hospitals",
	moves.LocSCH:                  "Secure children's homes",
	moves.LocSTC:                  "Secure training centres",
	moves.LocApprovedPremises:     "Approved premises",
}

// --- Users ---

// adminUserLocations describes what a user's locations are, for the list.
func adminUserLocations(u store.AdminUser) string {
	names := make([]string, 0, len(u.Locations))
	for _, l := range u.Locations {
		names = append(names, l.Title)
	}
	switch {
	case len(names) > 0:
		return strings.Join(names, ", ")
	case u.Role == moves.RolePMU:
		return "All locations"
	case u.Role == moves.RoleSupplier:
		return "Those its supplier serves"
	case u.Role == moves.RoleAdmin:
		return "–"
	}
	return "None"
}

// AdminUsers lists the users.
func (h *Handlers) AdminUsers(c echo.Context) error {
	us, err := h.Store.AdminUsers(c.Request().Context())
	if err != nil {
		return err
	}
	m := views.AdminUsers{Page: h.adminPage(c, "Users", "")}
	for _, u := range us {
		m.Users = append(m.Users, views.AdminUserRow{Href: "/admin/users/" + u.ID, Username: u.Username, Name: u.FullName,
			Role: u.Role.Label(), Locations: adminUserLocations(u), Supplier: serve.Or(u.SupplierName, "–"), Disabled: u.Disabled})
	}
	return serve.Render(c, http.StatusOK, views.AdminUsersPage(m))
}

// adminUserInput reads the user form.
func adminUserInput(c echo.Context) (store.UserInput, error) {
	params, err := c.FormParams()
	if err != nil {
		return store.UserInput{}, err
	}
	return store.UserInput{Username: params.Get("username"), FullName: params.Get("full_name"), Role: moves.Role(params.Get("role")),
		Supplier: params.Get("supplier"), LocationIDs: params["locations"]}, nil
}

// renderUserForm shows the form to add a user (u nil) or change one.
func (h *Handlers) renderUserForm(c echo.Context, u *store.AdminUser, in store.UserInput, errs views.Errors) error {
	ctx := c.Request().Context()
	m := views.AdminUserForm{Errors: errs, New: u == nil, Username: in.Username, FullName: in.FullName, Role: string(in.Role), Supplier: in.Supplier}
	if u == nil {
		m.Page = h.adminPage(c, "Add a user", "/admin/users")
		m.Heading, m.Action, m.Cancel = "Add a user", "/admin/users", "/admin/users"
	} else {
		m.Page = h.adminPage(c, "Change "+u.FullName, "/admin/users/"+u.ID)
		m.Heading, m.Action, m.Cancel = "Change "+u.FullName, "/admin/users/"+u.ID+"/edit", "/admin/users/"+u.ID
		if u.ID == serve.CurrentUser(c).ID {
			m.OwnAccount, m.Role, m.RoleLabel = true, string(u.Role), u.Role.Label()
		}
	}
	m.Page.HasErrors = len(errs) > 0
	for _, r := range moves.Roles {
		m.Roles = append(m.Roles, views.AdminChoice{Value: string(r), Text: r.Label(), Hint: r.Hint()})
	}
	sps, err := h.Store.Suppliers(ctx)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		m.Suppliers = append(m.Suppliers, views.AdminChoice{Value: sp.Key, Text: sp.Name})
		if m.Supplier == sp.ID {
			m.Supplier = sp.Key
		}
	}
	all, err := h.Store.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	var held []string
	if u != nil {
		held = u.LocationIDs
	}
	locErr := errs.For("locations") != ""
	for _, t := range moves.LocationTypes {
		g := views.AdminLocationGroup{Legend: adminPlural[t]}
		for _, l := range all {
			if l.Type != t {
				continue
			}
			checked := slices.Contains(in.LocationIDs, l.ID)
			if l.Disabled && !checked && !slices.Contains(held, l.ID) {
				continue // not offered any more
			}
			item := views.AdminChoice{Value: l.ID, Text: l.Title}
			if l.Disabled {
				item.Hint = "Disabled"
			}
			g.Items = append(g.Items, item)
			if checked {
				g.Checked = append(g.Checked, l.ID)
			}
		}
		if len(g.Items) == 0 {
			continue
		}
		g.IDPrefix = "locations-" + strings.ReplaceAll(string(t), "_", "-")
		if len(m.LocationGroups) == 0 {
			g.IDPrefix = "locations"
			g.Open = locErr
		}
		g.Summary = g.Legend
		if n := len(g.Checked); n > 0 {
			g.Summary = fmt.Sprintf("%s (%d selected)", g.Legend, n)
			g.Open = true
		}
		m.LocationGroups = append(m.LocationGroups, g)
	}
	return serve.Render(c, adminStatus(errs), views.AdminUserFormPage(m))
}

// AdminNewUser shows the form to add a user.
func (h *Handlers) AdminNewUser(c echo.Context) error {
	return h.renderUserForm(c, nil, store.UserInput{}, nil)
}

// AdminCreateUser adds a user with the password typed.
func (h *Handlers) AdminCreateUser(c echo.Context) error {
	in, err := adminUserInput(c)
	if err != nil {
		return err
	}
	by := serve.CurrentUser(c).Username
	u, err := h.Store.AdminCreateUser(c.Request().Context(), in, c.FormValue("password"), by)
	if errs, ok := adminInvalid(err, nil); ok {
		return h.renderUserForm(c, nil, in, errs)
	}
	if err != nil {
		return err
	}
	h.logFor(c).Info("user created", "user", u.Username, "role", u.Role, "by", by)
	h.Sessions.SetFlash(c, serve.Flash{Title: "User added", Text: u.FullName + " can now sign in as " + u.Username + " with the password you chose."})
	return serve.Redirect(c, "/admin/users/"+u.ID)
}

// AdminUser shows one user and what can be done to them.
func (h *Handlers) AdminUser(c echo.Context) error {
	u, err := h.Store.AdminUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	m := views.AdminUser{Page: h.adminPage(c, u.FullName, "/admin/users"), ID: u.ID, Username: u.Username, Name: u.FullName,
		Role: u.Role.Label(), Supplier: u.SupplierName, HoldsLocations: u.Role.HoldsLocations() || len(u.Locations) > 0,
		Disabled: u.Disabled, Created: adminWhen(u.CreatedAt, u.CreatedBy), Own: u.ID == serve.CurrentUser(c).ID}
	if u.Role == moves.RoleSupplier && m.Supplier == "" {
		m.Supplier = "None"
	}
	for _, l := range u.Locations {
		name := l.Title
		if l.Disabled {
			name += " (disabled)"
		}
		m.Locations = append(m.Locations, name)
	}
	if u.DisabledAt != nil {
		m.DisabledAt = views.TimelineTime(*u.DisabledAt)
	}
	if u.UpdatedAt != nil {
		m.Updated = adminWhen(*u.UpdatedAt, u.UpdatedBy)
	}
	if u.PasswordChangedAt != nil {
		m.PasswordChanged = views.TimelineTime(*u.PasswordChangedAt)
	}
	if m.Changes, err = h.adminChangeRows(c, store.AuditUser, u.ID); err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AdminUserPage(m))
}

// AdminEditUser shows the form to change a user's name, role, supplier
// and locations.
func (h *Handlers) AdminEditUser(c echo.Context) error {
	u, err := h.Store.AdminUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return h.renderUserForm(c, &u, store.UserInput{FullName: u.FullName, Role: u.Role, Supplier: u.SupplierKey, LocationIDs: u.LocationIDs}, nil)
}

// AdminUpdateUser saves a user's changes. The change applies from the
// user's next request: their session reads them afresh each time.
func (h *Handlers) AdminUpdateUser(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.Store.AdminUser(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	in, err := adminUserInput(c)
	if err != nil {
		return err
	}
	by := serve.CurrentUser(c).Username
	changed, err := h.Store.AdminUpdateUser(ctx, u.ID, in, by)
	if errs, ok := adminInvalid(err, nil); ok {
		return h.renderUserForm(c, &u, in, errs)
	}
	if err != nil {
		return err
	}
	if changed {
		h.logFor(c).Info("user changed", "user", u.Username, "by", by)
		h.Sessions.SetFlash(c, serve.Flash{Title: "Changes saved", Text: "They apply from " + u.FullName + "'s next page."})
	} else {
		h.Sessions.SetFlash(c, serve.Flash{Title: "Nothing was changed", Text: "The details were as they already were."})
	}
	return serve.Redirect(c, "/admin/users/"+u.ID)
}

// AdminDisableUser stops a user signing in, and ends their session at its
// next request (LoadUser clears the session of a disabled user).
func (h *Handlers) AdminDisableUser(c echo.Context) error {
	return h.adminSetUserDisabled(c, true)
}

// AdminEnableUser lets a disabled user sign in again.
func (h *Handlers) AdminEnableUser(c echo.Context) error {
	return h.adminSetUserDisabled(c, false)
}

func (h *Handlers) adminSetUserDisabled(c echo.Context, disabled bool) error {
	ctx := c.Request().Context()
	u, err := h.Store.AdminUser(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	back := "/admin/users/" + u.ID
	by := serve.CurrentUser(c).Username
	if err := h.Store.AdminSetUserDisabled(ctx, u.ID, disabled, by); err != nil {
		return h.adminRefused(c, back, err)
	}
	if disabled {
		// Their sessions end now, not only while they are disabled: enabling
		// them again does not bring an old session back.
		if err := h.Store.EndSessions(ctx, u.ID); err != nil {
			return err
		}
		h.logFor(c).Info("user disabled", "user", u.Username, "by", by)
		h.Sessions.SetFlash(c, serve.Flash{Title: "User disabled", Text: u.FullName + " can no longer sign in, and is signed out if signed in now."})
	} else {
		h.logFor(c).Info("user enabled", "user", u.Username, "by", by)
		h.Sessions.SetFlash(c, serve.Flash{Title: "User enabled", Text: u.FullName + " can sign in again."})
	}
	return serve.Redirect(c, back)
}

// adminEndSessions ends a user's sessions on every device. When the user
// is the administrator acting, their own session moves on to the new
// generation, so that only their other sessions end.
func (h *Handlers) adminEndSessions(c echo.Context, userID string) error {
	ctx := c.Request().Context()
	if err := h.Store.EndSessions(ctx, userID); err != nil {
		return err
	}
	if userID != serve.CurrentUser(c).ID {
		return nil
	}
	u, err := h.Store.User(ctx, userID)
	if err != nil {
		return err
	}
	h.Sessions.Set(c, serve.KeyGeneration, u.SessionGeneration)
	return h.Sessions.Save(c)
}

func (h *Handlers) renderPasswordForm(c echo.Context, u store.AdminUser, errs views.Errors) error {
	m := views.AdminPasswordForm{Page: h.adminPage(c, "Reset password", "/admin/users/"+u.ID), Errors: errs, ID: u.ID, Name: u.FullName, Username: u.Username}
	m.Page.HasErrors = len(errs) > 0
	return serve.Render(c, adminStatus(errs), views.AdminPasswordPage(m))
}

// AdminUserPassword shows the form to set a new password.
func (h *Handlers) AdminUserPassword(c echo.Context) error {
	u, err := h.Store.AdminUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return h.renderPasswordForm(c, u, nil)
}

// AdminSetUserPassword sets the password typed.
func (h *Handlers) AdminSetUserPassword(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.Store.AdminUser(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	by := serve.CurrentUser(c).Username
	err = h.Store.AdminSetPassword(ctx, u.ID, c.FormValue("password"), by)
	if errs, ok := adminInvalid(err, nil); ok {
		return h.renderPasswordForm(c, u, errs)
	}
	if err != nil {
		return err
	}
	// Whoever signed in with the old password is signed out.
	if err := h.adminEndSessions(c, u.ID); err != nil {
		return err
	}
	h.logFor(c).Info("user password reset", "user", u.Username, "by", by)
	h.Sessions.SetFlash(c, serve.Flash{Title: "Password reset",
		Text: "Tell " + u.FullName + " their new password securely. The old one no longer works, and any session it signed in has ended."})
	return serve.Redirect(c, "/admin/users/"+u.ID)
}
