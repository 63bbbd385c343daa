package admin

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// keyAdminNewSecret holds a secret just made, to show once after the redirect:
// [client id, secret]. The session cookie is encrypted; the secret leaves
// it as soon as the page showing it has been built.
const keyAdminNewSecret = "new_client_secret"

func adminClientSupplier(c store.APIClient) string {
	if c.SupplierName == "" {
		return "Internal (sees every move)"
	}
	return c.SupplierName
}

func (h *Handlers) adminPage(c echo.Context, title string, back string) views.Page {
	p := serve.PageFor(c, h.Sessions, title)
	if back != "" {
		p.Back = &views.Link{Text: "Back", Href: back}
	}
	return p
}

// AdminClients lists the API clients.
func (h *Handlers) AdminClients(c echo.Context) error {
	cls, err := h.Store.Clients(c.Request().Context())
	if err != nil {
		return err
	}
	m := views.AdminClients{Page: h.adminPage(c, "API clients", "")}
	m.Page.Wide = true
	for _, cl := range cls {
		m.Clients = append(m.Clients, views.AdminClientRow{ID: cl.ID, Name: cl.Name, Supplier: adminClientSupplier(cl),
			LiveSecrets: len(cl.LiveSecrets()), Created: views.TimelineTime(cl.CreatedAt), Disabled: cl.Disabled})
	}
	return serve.Render(c, http.StatusOK, views.AdminClientsPage(m))
}

func (h *Handlers) renderNewClient(c echo.Context, status int, name, supplier string, errs views.Errors) error {
	sps, err := h.Store.Suppliers(c.Request().Context())
	if err != nil {
		return err
	}
	m := views.AdminNewClient{Page: h.adminPage(c, "Create an API client", "/admin/clients"), Errors: errs, Name: name, Supplier: supplier,
		Submission: serve.KeptFormToken(c)}
	m.Page.HasErrors = len(errs) > 0
	for _, sp := range sps {
		m.Suppliers = append(m.Suppliers, views.AdminSupplierChoice{Key: sp.Key, Name: sp.Name})
	}
	return serve.Render(c, status, views.AdminNewClientPage(m))
}

// AdminNewClient shows the form to create a client.
func (h *Handlers) AdminNewClient(c echo.Context) error {
	return h.renderNewClient(c, http.StatusOK, "", "", nil)
}

// AdminCreateClient creates a client, then shows its secret once.
func (h *Handlers) AdminCreateClient(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	supplier := c.FormValue("supplier")
	var errs views.Errors
	if name == "" {
		errs = append(errs, views.FieldError{ID: "name", Message: "Enter a name for the client"})
	} else if len(name) > 100 {
		errs = append(errs, views.FieldError{ID: "name", Message: "Name must be 100 characters or fewer"})
	}
	if supplier == "" {
		errs = append(errs, views.FieldError{ID: "supplier", Message: "Select who the client is for"})
	}
	if len(errs) > 0 {
		return h.renderNewClient(c, http.StatusUnprocessableEntity, name, supplier, errs)
	}
	key := supplier
	if key == "internal" {
		key = ""
	}
	var secret string
	id, replayed, err := serve.Once(c, h.Store, "client", serve.FormToken(c), func(ctx context.Context) (string, error) {
		cl, s, err := h.Store.CreateClient(ctx, store.NewClient{Name: name, Supplier: key, CreatedBy: serve.CurrentUser(c).Username})
		secret = s
		return cl.ID, err
	})
	if errs, ok := formErrors(err, nil); ok {
		return h.renderNewClient(c, http.StatusUnprocessableEntity, name, supplier, errs)
	} else if err != nil {
		return err
	}
	if replayed {
		// Sent twice: the client the first sending created. Its secret
		// went to that sending's answer (kept only as a hash, it cannot
		// be shown again); the page says so and offers a new one.
		return serve.Redirect(c, "/admin/clients/"+id+"/secret")
	}
	h.logFor(c).Info("API client created", "client_id", id, "by", serve.CurrentUser(c).Username)
	return h.showSecretOnce(c, keyAdminNewSecret, id, secret, "/admin/clients/"+id+"/secret")
}

// AdminClientSecret shows a secret just made, once: the session forgets
// it as the page is built.
func (h *Handlers) AdminClientSecret(c echo.Context) error {
	cl, err := h.Store.Client(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	m := views.AdminClientSecret{Page: h.adminPage(c, "Client secret", ""), ID: cl.ID, Name: cl.Name,
		TokenURL: strings.TrimRight(h.BaseURL, "/") + "/oauth/token"}
	if m.Secret, err = h.takeSecret(c, keyAdminNewSecret, cl.ID); err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AdminClientSecretPage(m))
}

// AdminClient shows one client, its secrets and what can be done to it.
func (h *Handlers) AdminClient(c echo.Context) error {
	cl, err := h.Store.Client(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	m := views.AdminClient{Page: h.adminPage(c, cl.Name, "/admin/clients"), ID: cl.ID, Name: cl.Name, Supplier: adminClientSupplier(cl),
		Created: views.TimelineTime(cl.CreatedAt), CreatedBy: cl.CreatedBy, Disabled: cl.Disabled}
	if cl.DisabledAt != nil {
		m.DisabledAt = views.TimelineTime(*cl.DisabledAt)
	}
	for _, s := range cl.Secrets {
		row := views.AdminSecretRow{Hint: s.Hint, Created: views.TimelineTime(s.CreatedAt)}
		if s.RetiredAt != nil {
			row.Retired = views.TimelineTime(*s.RetiredAt)
		}
		m.Secrets = append(m.Secrets, row)
	}
	live := cl.LiveSecrets()
	m.CanRotate = !cl.Disabled && len(live) < store.MaxLiveSecrets
	m.CanRetire = !cl.Disabled && len(live) > 1
	if len(live) > 0 {
		m.OlderHint = live[0].Hint
	}
	return serve.Render(c, http.StatusOK, views.AdminClientPage(m))
}

// AdminRotateClientSecret makes a second live secret and shows it once.
func (h *Handlers) AdminRotateClientSecret(c echo.Context) error {
	id := c.Param("id")
	secret, err := h.Store.RotateClientSecret(c.Request().Context(), id)
	if err != nil {
		return h.adminRefused(c, "/admin/clients/"+id, err)
	}
	h.logFor(c).Info("API client secret rotated", "client_id", id, "by", serve.CurrentUser(c).Username)
	return h.showSecretOnce(c, keyAdminNewSecret, id, secret, "/admin/clients/"+id+"/secret")
}

// AdminRetireClientSecret retires the older of two live secrets.
func (h *Handlers) AdminRetireClientSecret(c echo.Context) error {
	id := c.Param("id")
	sec, err := h.Store.RetireOlderSecret(c.Request().Context(), id)
	if err != nil {
		return h.adminRefused(c, "/admin/clients/"+id, err)
	}
	h.logFor(c).Info("API client secret retired", "client_id", id, "by", serve.CurrentUser(c).Username)
	h.Sessions.SetFlash(c, serve.Flash{Title: "Older secret retired", Text: "The secret ending …" + sec.Hint + " no longer works, nor do tokens issued with it."})
	return serve.Redirect(c, "/admin/clients/"+id)
}

// AdminDisableClient disables a client and revokes its tokens.
func (h *Handlers) AdminDisableClient(c echo.Context) error {
	id := c.Param("id")
	if err := h.Store.DisableClient(c.Request().Context(), id); err != nil {
		return err
	}
	h.logFor(c).Info("API client disabled", "client_id", id, "by", serve.CurrentUser(c).Username)
	h.Sessions.SetFlash(c, serve.Flash{Title: "Client disabled", Text: "It gets no more tokens, and the tokens it held no longer work."})
	return serve.Redirect(c, "/admin/clients/"+id)
}
