package web

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers"
	"github.com/securemove/securemove/handlers/api"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/static"
)

// routes is the one route table: every URL the service answers, and who
// may reach it. Permission is checked again inside each handler against
// the move or location concerned; the role checks here are the first
// gate, not the only one.
func (s *Server) routes() {
	e, h, a, ad := s.Echo, s.Handlers, s.API, s.Admin
	staticFiles := echo.WrapHandler(static.Handler())
	e.GET("/static/*", staticFiles)
	e.HEAD("/static/*", staticFiles)
	e.GET("/health", h.Health)
	if s.cfg.Metrics != nil && s.cfg.MetricsToken != "" {
		// Prometheus scrapes with the bearer token; without one configured
		// the route does not exist here (see -metrics-addr).
		e.GET("/metrics", echo.WrapHandler(s.cfg.Metrics.Handler(s.cfg.MetricsToken)))
	}
	// Test suites' endpoints: only with -test-endpoints and -demo, never in
	// production (main refuses both there). Outside the staff app, so no
	// session and no CSRF token: a suite calls it between tests without
	// signing in. A test instance holds only demo data; that any page could
	// make a browser post here is accepted for it and said in TESTING.md.
	if s.cfg.TestEndpoints && s.cfg.Demo && !s.cfg.Production {
		e.POST("/test/reset", h.TestReset(s.cfg.DemoStart, s.afterReset))
	}

	// The staff app: sessions and CSRF on everything.
	app := e.Group("", h.LoadUser, s.sessions.CSRF)
	app.GET("/sign-in", h.ShowSignIn)
	app.POST("/sign-in", h.SignIn)
	app.POST("/sign-out", h.SignOut)
	app.GET("/help/accessibility", h.Accessibility)

	signedIn := app.Group("", h.RequireUser)
	signedIn.GET("/", h.Home)
	signedIn.GET("/locations", h.ShowLocations)
	signedIn.POST("/locations", h.ChooseLocation)
	pmu := handlers.RequireRole(moves.RolePMU)
	requesters := handlers.RequireRole(moves.RolePolice, moves.RolePrison, moves.RolePMU)
	admin := handlers.RequireRole(moves.RoleAdmin)
	_, _, _ = pmu, requesters, admin

	// --- Lists (outgoing, incoming, requests to review) ---
	// Each handler narrows the moves to the user's scope and current
	// location again; administrators have no moves to list.
	viewers := handlers.RequireRole(moves.RolePMU, moves.RoleOCA, moves.RolePolice, moves.RolePrison, moves.RoleCourt, moves.RoleSupplier)
	signedIn.GET("/moves", h.MovesIndex, viewers)
	signedIn.GET("/moves/outgoing", h.MovesToday(handlers.ListOutgoing), viewers)
	signedIn.GET("/moves/incoming", h.MovesToday(handlers.ListIncoming), viewers)
	// Day lists and move pages are kept rendered (h.CachedDay, CachedMove)
	// until what they show changes: people keep them open, reload them and
	// htmx polls them.
	signedIn.GET("/moves/outgoing/:date", h.MovesDay(handlers.ListOutgoing), viewers, h.CachedDay)
	signedIn.GET("/moves/incoming/:date", h.MovesDay(handlers.ListIncoming), viewers, h.CachedDay)
	signedIn.GET("/moves/outgoing/:date/download.csv", h.MovesDayCSV(handlers.ListOutgoing), viewers)
	signedIn.GET("/moves/incoming/:date/download.csv", h.MovesDayCSV(handlers.ListIncoming), viewers)
	// Week views (Monday to Sunday; the date is the week's Monday, any
	// other day is sent to its week's).
	signedIn.GET("/moves/outgoing/week/:date", h.MovesWeek(handlers.ListOutgoing), viewers, h.CachedDay)
	signedIn.GET("/moves/incoming/week/:date", h.MovesWeek(handlers.ListIncoming), viewers, h.CachedDay)
	signedIn.GET("/moves/outgoing/week/:date/download.csv", h.MovesWeekCSV(handlers.ListOutgoing), viewers)
	signedIn.GET("/moves/incoming/week/:date/download.csv", h.MovesWeekCSV(handlers.ListIncoming), viewers)
	signedIn.GET("/moves/review", h.ReviewRequests, pmu)
	signedIn.GET("/moves/review/download.csv", h.ReviewRequestsCSV, pmu)
	// Police and prison staff's own requests waiting for PMU or rejected
	// ("Single requests"): no day list shows a move without a date.
	signedIn.GET("/moves/requested", h.SentRequests, handlers.RequireRole(moves.RolePolice, moves.RolePrison))
	// (lists section end)

	// --- Request a move ---
	// /move/new starts a journey; its steps are /move/new/<journey>/<step>
	// (person, person-name, results, new-person, move-type, destination,
	// date, date-other, court, risk, health, check: see handlers/request.go).
	signedIn.GET("/move/new", h.StartRequest, requesters)
	signedIn.GET("/move/new/:journey/:step", h.ShowRequestStep, requesters)
	signedIn.POST("/move/new/:journey/:step", h.SaveRequestStep, requesters)
	signedIn.GET("/move/:id/confirmation", h.RequestConfirmation, requesters)
	// (request section end)

	// --- A move: page, timeline and actions ---
	// Who may see the move and act on it is checked in each handler against
	// the move itself (404 when not visible, 403 when not allowed), so no
	// role gate here. /move/new… is the request wizard's: echo matches its
	// static segment before these parameters.
	signedIn.GET("/move/:id", h.MovePage, h.CachedMove)
	signedIn.GET("/move/:id/timeline", h.MoveTimeline)
	signedIn.GET("/move/:id/approve", h.MoveApproveForm)
	signedIn.POST("/move/:id/approve", h.MoveApprove)
	signedIn.GET("/move/:id/reject", h.MoveRejectForm)
	signedIn.POST("/move/:id/reject", h.MoveReject)
	signedIn.GET("/move/:id/cancel", h.MoveCancelForm)
	signedIn.POST("/move/:id/cancel", h.MoveCancel)
	signedIn.GET("/move/:id/redirect", h.MoveRedirectForm)
	signedIn.POST("/move/:id/redirect", h.MoveRedirect)
	signedIn.GET("/move/:id/resubmit", h.MoveResubmitForm)
	signedIn.POST("/move/:id/resubmit", h.MoveResubmit)
	signedIn.GET("/move/:id/date", h.MoveDateForm)
	signedIn.POST("/move/:id/date", h.MoveChangeDate)
	// Changing a request until the person leaves custody: time due and
	// additional information; risk, health or court information.
	signedIn.GET("/move/:id/details", h.MoveDetailsForm)
	signedIn.POST("/move/:id/details", h.MoveChangeDetails)
	signedIn.GET("/move/:id/information/:category", h.MoveFlagsForm)
	signedIn.POST("/move/:id/information/:category", h.MoveChangeFlags)
	// Police at the custody suite a person was lodged in record what
	// happened there (lockout and overnight lodge events).
	signedIn.GET("/move/:id/custody-events", h.CustodyEventsForm)
	signedIn.POST("/move/:id/custody-events", h.CustodyEvents)
	// PMU's overnight lodges (issue 11): add one, change its place or
	// length, cancel it.
	signedIn.GET("/move/:id/lodge", h.MoveLodgeNewForm)
	signedIn.POST("/move/:id/lodge", h.MoveLodgeCreate)
	signedIn.GET("/move/:id/lodge/:lodging_id", h.MoveLodgeChangeForm)
	signedIn.POST("/move/:id/lodge/:lodging_id", h.MoveLodgeChange)
	signedIn.GET("/move/:id/lodge/:lodging_id/cancel", h.MoveLodgeCancelForm)
	signedIn.POST("/move/:id/lodge/:lodging_id/cancel", h.MoveLodgeCancel)
	// (move section end)

	// --- People: finding them, their page, changing their details ---
	// Those who may request moves find people and see anyone's page; court
	// and supplier staff reach a person only through a move they can see
	// (handlers/person.go checks again and answers 404 otherwise).
	signedIn.GET("/people", h.PeopleSearch, requesters)
	signedIn.GET("/person/:id", h.PersonPage, viewers)
	signedIn.GET("/person/:id/edit", h.PersonEditForm, viewers)
	signedIn.POST("/person/:id/edit", h.PersonEdit, viewers)
	// (people section end)

	// --- Allocations (issue 13) ---
	// PMU creates, changes and cancels; oca fills and empties places;
	// suppliers look. Each handler checks the allocation and the action
	// again (404 when not visible, 403 when not allowed).
	allocViewers := handlers.RequireRole(handlers.AllocationRoles()...)
	oca := handlers.RequireRole(moves.RoleOCA)
	signedIn.GET("/allocations", h.Allocations, allocViewers)
	signedIn.GET("/allocations/:date", h.AllocationList, allocViewers)
	signedIn.GET("/allocations/:date/download.csv", h.AllocationListCSV, allocViewers)
	signedIn.GET("/allocation/new", h.NewAllocation, pmu)
	signedIn.POST("/allocation/new", h.SaveAllocationDetails, pmu)
	signedIn.GET("/allocation/new/criteria", h.AllocationCriteria, pmu)
	signedIn.POST("/allocation/new/criteria", h.SaveAllocationCriteria, pmu)
	signedIn.GET("/allocation/new/check", h.CheckAllocation, pmu)
	signedIn.POST("/allocation/new/check", h.CreateAllocation, pmu)
	signedIn.GET("/allocation/:id", h.AllocationPage, allocViewers)
	signedIn.GET("/allocation/:id/confirmation", h.AllocationConfirmation, pmu)
	signedIn.GET("/allocation/:id/cancel", h.AllocationCancelForm, pmu)
	signedIn.POST("/allocation/:id/cancel", h.CancelAllocation, pmu)
	signedIn.GET("/allocation/:id/date", h.AllocationDateForm, pmu)
	signedIn.POST("/allocation/:id/date", h.ChangeAllocationDate, pmu)
	signedIn.GET("/allocation/:id/remove/:move", h.AllocationRemoveForm, pmu)
	signedIn.POST("/allocation/:id/remove/:move", h.RemoveAllocationPlace, pmu)
	signedIn.GET("/allocation/:id/fill/:move", h.AllocationFillSearch, oca)
	signedIn.GET("/allocation/:id/fill/:move/:person", h.AllocationFillForm, oca)
	signedIn.POST("/allocation/:id/fill/:move/:person", h.FillAllocationPlace, oca)
	signedIn.GET("/allocation/:id/empty/:move", h.AllocationEmptyForm, oca)
	signedIn.POST("/allocation/:id/empty/:move", h.EmptyAllocationPlace, oca)
	// (allocations section end)

	// --- Billing: one supplier's journeys in a month, as CSV ---
	billing := handlers.RequireRole(moves.RolePMU, moves.RoleAdmin)
	signedIn.GET("/billing", h.Billing, billing)
	signedIn.GET("/billing/journeys.csv", h.BillingCSV, billing)

	// --- Administration ---
	// API clients: create (the secret is shown once), rotate, retire the
	// older secret, disable.
	signedIn.GET("/admin/clients", ad.AdminClients, admin)
	signedIn.GET("/admin/clients/new", ad.AdminNewClient, admin)
	signedIn.POST("/admin/clients", ad.AdminCreateClient, admin)
	signedIn.GET("/admin/clients/:id", ad.AdminClient, admin)
	signedIn.GET("/admin/clients/:id/secret", ad.AdminClientSecret, admin)
	signedIn.POST("/admin/clients/:id/rotate", ad.AdminRotateClientSecret, admin)
	signedIn.POST("/admin/clients/:id/retire-secret", ad.AdminRetireClientSecret, admin)
	signedIn.POST("/admin/clients/:id/disable", ad.AdminDisableClient, admin)
	// Users: add (with a password typed by the administrator), change name,
	// role, supplier and locations, disable and enable, reset the password.
	signedIn.GET("/admin/users", ad.AdminUsers, admin)
	signedIn.GET("/admin/users/new", ad.AdminNewUser, admin)
	signedIn.POST("/admin/users", ad.AdminCreateUser, admin)
	signedIn.GET("/admin/users/:id", ad.AdminUser, admin)
	signedIn.GET("/admin/users/:id/edit", ad.AdminEditUser, admin)
	signedIn.POST("/admin/users/:id/edit", ad.AdminUpdateUser, admin)
	signedIn.POST("/admin/users/:id/disable", ad.AdminDisableUser, admin)
	signedIn.POST("/admin/users/:id/enable", ad.AdminEnableUser, admin)
	signedIn.GET("/admin/users/:id/password", ad.AdminUserPassword, admin)
	signedIn.POST("/admin/users/:id/password", ad.AdminSetUserPassword, admin)
	// Locations: search, filter and page; add; disable and enable; which
	// supplier serves each, over which dates.
	signedIn.GET("/admin/locations", ad.AdminLocations, admin)
	signedIn.GET("/admin/locations/new", ad.AdminNewLocation, admin)
	signedIn.POST("/admin/locations", ad.AdminCreateLocation, admin)
	signedIn.GET("/admin/locations/:id", ad.AdminLocation, admin)
	signedIn.POST("/admin/locations/:id/disable", ad.AdminDisableLocation, admin)
	signedIn.POST("/admin/locations/:id/enable", ad.AdminEnableLocation, admin)
	signedIn.GET("/admin/locations/:id/suppliers/new", ad.AdminNewSupplierRange, admin)
	signedIn.POST("/admin/locations/:id/suppliers", ad.AdminCreateSupplierRange, admin)
	if s.cfg.Notify != nil {
		// Notifications to suppliers (issue 12): subscriptions and their
		// delivery logs.
		signedIn.GET("/admin/subscriptions", ad.AdminSubscriptions, admin)
		signedIn.GET("/admin/subscriptions/new", ad.AdminNewSubscription, admin)
		signedIn.POST("/admin/subscriptions", ad.AdminCreateSubscription, admin)
		signedIn.GET("/admin/subscriptions/:id", ad.AdminSubscription, admin)
		signedIn.GET("/admin/subscriptions/:id/secret", ad.AdminSubscriptionSecret, admin)
		signedIn.POST("/admin/subscriptions/:id/rotate", ad.AdminRotateSubscriptionSecret, admin)
		signedIn.POST("/admin/subscriptions/:id/retire-secret", ad.AdminRetireSubscriptionSecret, admin)
		signedIn.POST("/admin/subscriptions/:id/disable", ad.AdminDisableSubscription, admin)
		signedIn.POST("/admin/subscriptions/:id/enable", ad.AdminEnableSubscription, admin)
		signedIn.POST("/admin/subscriptions/:id/test", ad.AdminTestSubscription, admin)
		signedIn.POST("/admin/subscriptions/:id/notifications/:nid/resend", ad.AdminResendNotification, admin)
	}
	if s.cfg.Demo && s.cfg.Notify != nil && s.cfg.Notify.Sink != nil {
		// The built-in receiver of demo mode: demo subscriptions post here
		// and anyone may look at what arrived (no moves' details are in a
		// notification).
		e.POST("/demo/webhooks", echo.WrapHandler(s.cfg.Notify.Sink))
		app.GET("/demo/webhooks", h.DemoWebhooks)
	}
	// Suppliers: how many locations each serves, and a supplier's locations
	// and dates.
	signedIn.GET("/admin/suppliers", ad.AdminSuppliers, admin)
	signedIn.GET("/admin/suppliers/:key", ad.AdminSupplier, admin)
	// (admin section end)

	// --- Supplier API ---
	// OAuth2 client credentials at /oauth/token (and RFC 7009 revocation
	// at /oauth/revoke), then JSON:API under /api
	// with a bearer token. The documentation is public; everything else
	// needs a token, and a supplier's client sees only its supplier's moves.
	e.POST("/oauth/token", a.Token)
	e.POST("/oauth/revoke", a.Revoke)
	e.GET("/api/docs", a.APIDocs)
	e.GET("/api/docs.json", a.APIDocsJSON)
	v1 := e.Group("/api", a.APIAuth, a.APIMethodAllowed, api.APIMediaType, a.APIIdempotency)
	v1.POST("/events", a.PostEvent)
	v1.GET("/events/:id", a.GetEvent)
	v1.GET("/moves", a.ListMoves)
	v1.POST("/moves", a.PostMove)
	v1.GET("/moves/:id", a.GetMove)
	v1.PATCH("/moves/:id", a.PatchMove)
	v1.GET("/moves/:id/events", a.GetMoveEvents)
	// On the road (issue 11): a move's journeys, their legacy event
	// endpoints, and its overnight lodgings.
	v1.GET("/moves/:id/journeys", a.ListJourneys)
	v1.POST("/moves/:id/journeys", a.PostJourney)
	v1.GET("/moves/:id/journeys/:journey_id", a.GetJourney)
	v1.PATCH("/moves/:id/journeys/:journey_id", a.PatchJourney)
	for _, action := range []string{"start", "complete", "cancel", "uncancel", "uncomplete", "reject", "lockouts", "lodgings"} {
		v1.POST("/moves/:id/journeys/:journey_id/"+action, a.JourneyAction(action))
	}
	v1.GET("/moves/:id/lodgings", a.ListLodgings)
	v1.POST("/moves/:id/lodgings", a.PostLodging)
	v1.POST("/moves/:id/lodgings/cancel", a.CancelLodgings)
	v1.GET("/moves/:id/lodgings/:lodging_id", a.GetLodging)
	v1.PATCH("/moves/:id/lodgings/:lodging_id", a.PatchLodging)
	v1.POST("/moves/:id/lodgings/:lodging_id/cancel", a.CancelLodging)
	// An extradition move's flight (issue 14), as upstream's resource.
	v1.GET("/moves/:id/extradition_flight", a.GetExtraditionFlight)
	v1.POST("/moves/:id/extradition_flight", a.PostExtraditionFlight)
	v1.PATCH("/moves/:id/extradition_flight", a.PatchExtraditionFlight)
	v1.GET("/people", a.ListPeople)
	v1.POST("/people", a.PostPerson)
	v1.GET("/people/:id", a.GetPerson)
	v1.POST("/people/:id/profiles", a.PostProfile)
	v1.GET("/reference/locations", a.ListLocations)
	v1.GET("/reference/locations/:id", a.GetLocation)
	v1.GET("/reference/suppliers", a.ListSuppliers)
	v1.GET("/reference/suppliers/:key", a.GetSupplier)
	v1.GET("/reference/regions", a.ListRegions)
	v1.GET("/reference/allocation_complex_cases", a.ListComplexCases)
	v1.GET("/reference/prison_transfer_reasons", a.ListPrisonTransferReasons)
	// Allocations: every client reads (a supplier's only those it
	// carries); only internal clients change them.
	v1.GET("/allocations", a.ListAllocations)
	v1.POST("/allocations", a.PostAllocation)
	v1.POST("/allocations/filtered", a.ListAllocations)
	v1.GET("/allocations/:id", a.GetAllocation)
	v1.PATCH("/allocations/:id", a.PatchAllocation)
	v1.POST("/allocations/:id/cancel", a.CancelAllocationAPI)
	// (api section end)

	e.RouteNotFound("/*", s.notFound)
}
