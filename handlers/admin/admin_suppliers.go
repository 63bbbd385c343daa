package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// AdminSuppliers lists the suppliers with how many locations each serves
// today.
func (h *Handlers) AdminSuppliers(c echo.Context) error {
	today := h.Today()
	sps, err := h.Store.AdminSuppliers(c.Request().Context(), today)
	if err != nil {
		return err
	}
	m := views.AdminSuppliers{Page: h.adminPage(c, "Suppliers", ""), Today: store.LongDate(today)}
	for _, sp := range sps {
		m.Suppliers = append(m.Suppliers, views.AdminSupplierRow{Href: "/admin/suppliers/" + sp.Key, Name: sp.Name, Key: sp.Key,
			Serving: sp.Serving, Later: sp.Later, Users: sp.Users})
	}
	return serve.Render(c, http.StatusOK, views.AdminSuppliersPage(m))
}

// AdminSupplier shows a supplier's locations and the dates it serves
// each.
func (h *Handlers) AdminSupplier(c echo.Context) error {
	ctx := c.Request().Context()
	sp, err := h.Store.Supplier(ctx, c.Param("key"))
	if err != nil {
		return err
	}
	ranges, err := h.Store.SupplierRanges(ctx, store.SupplierRangeFilter{SupplierID: sp.ID})
	if err != nil {
		return err
	}
	today := h.Today()
	m := views.AdminSupplier{Page: h.adminPage(c, sp.Name, "/admin/suppliers"), Name: sp.Name, Key: sp.Key, Today: store.LongDate(today)}
	serving := map[string]bool{}
	for _, r := range ranges {
		m.Ranges = append(m.Ranges, adminRangeRow(r, today, true))
		if r.Covers(today) {
			serving[r.LocationID] = true
		}
	}
	m.Serving = len(serving)
	return serve.Render(c, http.StatusOK, views.AdminSupplierPage(m))
}
