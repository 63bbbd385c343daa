// Package views holds the templ components and the view models they take.
// Handlers build a view model and render a component; templates never call
// the store, and never take maps.
package views

import "github.com/securemove/securemove/views/govuk"

// Page is what the layout needs on every full page.
type Page struct {
	// Title is the page's own title; the layout adds the service name and
	// prefixes "Error: " when HasErrors is set, as GOV.UK asks.
	Title     string
	HasErrors bool
	User      *User
	// Location is the current location's name ("All locations" for PMU
	// without one chosen); CanChangeLocation shows "Change location".
	Location          string
	CanChangeLocation bool
	CSRF              string
	Flash             *Flash
	Nav               []NavItem
	// Back, when set, is a back link shown above the content.
	Back *Link
	// Breadcrumbs replace the back link when present.
	Breadcrumbs []Link
	// Wide drops the two-thirds column, for lists and tables.
	Wide bool
}

// User is who is signed in, as the header shows them.
type User struct {
	Name string
}

// Flash is a success message shown once, after a redirect.
type Flash struct {
	Title string
	Text  string
	// Important makes it a red error-style banner instead of success.
	Important bool
}

// NavItem is one entry in the service navigation.
type NavItem struct {
	Text    string
	Href    string
	Current bool
}

// Link is a link with text.
type Link struct {
	Text string
	Href string
}

// DocTitle is the document title for p.
func (p Page) DocTitle() string {
	t := p.Title
	if t == "" {
		t = "Book a secure move"
	} else {
		t += " – Book a secure move"
	}
	if p.HasErrors {
		t = "Error: " + t
	}
	return t
}

// serviceNav is the page's navigation as the GOV.UK service navigation
// takes it.
func serviceNav(items []NavItem) []govuk.ServiceNavigationItem {
	out := make([]govuk.ServiceNavigationItem, len(items))
	for i, n := range items {
		out[i] = govuk.ServiceNavigationItem{Text: n.Text, Href: n.Href, Current: n.Current}
	}
	return out
}
