package serve

import (
	"strings"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// NavFor lists the service navigation a user's role gets, marking the one
// the current route is under.
func NavFor(u *Principal, path string) []views.NavItem {
	var items []views.NavItem
	add := func(text, href, prefix string) {
		items = append(items, views.NavItem{Text: text, Href: href, Current: path != "" && (path == href || (prefix != "" && strings.HasPrefix(path, prefix)))})
	}
	switch u.Role {
	case moves.RolePMU:
		add("Home", "/", "")
		add("Requests to review", "/moves/review", "/moves/review")
		add("Allocations", "/allocations", "/allocation")
		add("Outgoing", "/moves/outgoing", "/moves/outgoing")
		add("Incoming", "/moves/incoming", "/moves/incoming")
		add("Request a move", "/move/new", "/move/new")
		add("Find a person", "/people", "/people")
		add("Billing", "/billing", "/billing")
	case moves.RoleOCA:
		add("Home", "/", "")
		add("Allocations", "/allocations", "/allocation")
		add("Outgoing", "/moves/outgoing", "/moves/outgoing")
		add("Incoming", "/moves/incoming", "/moves/incoming")
	case moves.RolePolice, moves.RolePrison:
		add("Home", "/", "")
		add("Outgoing", "/moves/outgoing", "/moves/outgoing")
		add("Incoming", "/moves/incoming", "/moves/incoming")
		add("Single requests", "/moves/requested", "/moves/requested")
		add("Request a move", "/move/new", "/move/new")
		add("Find a person", "/people", "/people")
	case moves.RoleCourt:
		add("Home", "/", "")
		add("Outgoing", "/moves/outgoing", "/moves/outgoing")
		add("Incoming", "/moves/incoming", "/moves/incoming")
	case moves.RoleSupplier:
		add("Home", "/", "")
		add("Outgoing", "/moves/outgoing", "/moves/outgoing")
		add("Incoming", "/moves/incoming", "/moves/incoming")
		add("Allocations", "/allocations", "/allocation")
	case moves.RoleAdmin:
		add("Home", "/", "")
		add("Users", "/admin/users", "/admin/users")
		add("Locations", "/admin/locations", "/admin/locations")
		add("Suppliers", "/admin/suppliers", "/admin/suppliers")
		add("API clients", "/admin/clients", "/admin/clients")
		add("Notifications", "/admin/subscriptions", "/admin/subscriptions")
		add("Billing", "/billing", "/billing")
	}
	return items
}
