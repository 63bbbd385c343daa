package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Billing (issue 11): PMU and administrators check a supplier's invoice
// against its journeys in a month. The route table lets only them in.

// billingMonths is how many months back the question offers.
const billingMonths = 24

// billingQuery is a checked answer to the page's question.
type billingQuery struct {
	supplier moves.Supplier
	month    string // YYYY-MM
}

// readBilling checks the supplier (by key) and month (YYYY-MM, not after
// this month) asked for, returning the problems as field errors.
func (h *Handlers) readBilling(ctx context.Context, supplierKey, month string) (billingQuery, []moves.Supplier, moves.FieldErrors, error) {
	var q billingQuery
	var fe moves.FieldErrors
	sups, err := h.Store.Suppliers(ctx)
	if err != nil {
		return q, nil, nil, err
	}
	found := false
	for _, s := range sups {
		if s.Key == supplierKey {
			q.supplier, found = s, true
		}
	}
	if !found {
		fe.Add("supplier", "blank", "Select the supplier")
	}
	t, err := time.Parse("2006-01", month)
	switch {
	case month == "":
		fe.Add("month", "blank", "Select the month")
	case err != nil || t.Year() < 2000:
		fe.Add("month", "invalid", "Select a month from the list")
	case t.Format("2006-01") > h.Today()[:7]:
		fe.Add("month", "future", "The month must be this month or before")
	default:
		q.month = t.Format("2006-01")
	}
	return q, sups, fe, nil
}

// Billing asks for a supplier and a month, and once both are given shows
// that supplier's journeys in the month with a link to the CSV.
func (h *Handlers) Billing(c echo.Context) error {
	ctx := c.Request().Context()
	supplier, month := strings.TrimSpace(c.QueryParam("supplier")), strings.TrimSpace(c.QueryParam("month"))
	asked := c.QueryParams().Has("supplier") || c.QueryParams().Has("month")
	q, sups, fe, err := h.readBilling(ctx, supplier, month)
	if err != nil {
		return err
	}
	m := views.Billing{Page: h.page(c, "Journeys to bill"), Supplier: supplier, Month: month}
	for _, s := range sups {
		m.Suppliers = append(m.Suppliers, views.MoveChoice{Value: s.Key, Text: s.Name})
	}
	first, _ := time.Parse(time.DateOnly, h.Today()[:7]+"-01")
	if !asked {
		// Invoices are checked after the month ends: last month first.
		m.Month = first.AddDate(0, -1, 0).Format("2006-01")
	}
	for i := range billingMonths {
		t := first.AddDate(0, -i, 0)
		m.Months = append(m.Months, views.MoveChoice{Value: t.Format("2006-01"), Text: t.Format("January 2006")})
	}
	if !asked {
		return serve.Render(c, http.StatusOK, views.BillingPage(m))
	}
	if len(fe) > 0 {
		m.Errors = serve.ViewErrors(fe, map[string]string{"supplier": "supplier"})
		m.Page.HasErrors = true
		return serve.Render(c, http.StatusUnprocessableEntity, views.BillingPage(m))
	}
	rows, err := h.Store.SupplierJourneys(ctx, q.supplier.ID, q.month)
	if err != nil {
		return err
	}
	t, _ := time.Parse("2006-01", q.month)
	r := &views.BillingResult{Title: q.supplier.Name + ", " + t.Format("January 2006"),
		CSVHref: "/billing/journeys.csv?supplier=" + url.QueryEscape(q.supplier.Key) + "&month=" + url.QueryEscape(q.month)}
	for _, row := range rows {
		v := billingCells(row)
		date := row.Date
		if d, err := time.Parse(time.DateOnly, row.Date); err == nil {
			date = d.Format("2 Jan 2006")
		}
		r.Rows = append(r.Rows, views.BillingRow{Reference: v[0], Number: v[1], From: v[2], To: v[3], Date: date,
			Vehicle: v[5], State: v[6], Billable: v[7]})
		if row.Billable {
			r.Billable++
		}
	}
	m.Result = r
	return serve.Render(c, http.StatusOK, views.BillingPage(m))
}

// billingCells is a journey as the CSV has it, in views.BillingColumns'
// order.
func billingCells(r store.BillingRow) []string {
	billable := "No"
	if r.Billable {
		billable = "Yes"
	}
	return []string{r.MoveReference, strconv.Itoa(r.Number), r.From, r.To, r.Date, r.Registration, r.Status.Label(), billable}
}

// BillingCSV downloads a supplier's journeys in a month. A question left
// unanswered sends the person back to the page, which says what is
// missing.
func (h *Handlers) BillingCSV(c echo.Context) error {
	supplier, month := strings.TrimSpace(c.QueryParam("supplier")), strings.TrimSpace(c.QueryParam("month"))
	q, _, fe, err := h.readBilling(c.Request().Context(), supplier, month)
	if err != nil {
		return err
	}
	if len(fe) > 0 {
		return c.Redirect(http.StatusSeeOther, "/billing?supplier="+url.QueryEscape(supplier)+"&month="+url.QueryEscape(month))
	}
	rows, err := h.Store.SupplierJourneys(c.Request().Context(), q.supplier.ID, q.month)
	if err != nil {
		return err
	}
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, billingCells(r))
	}
	return writeCSV(c, fmt.Sprintf("Journeys of %s in %s.csv", q.supplier.Name, q.month), views.BillingColumns, out)
}
