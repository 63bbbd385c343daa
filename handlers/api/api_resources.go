package api

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// This file turns domain values into JSON:API resources shaped as the
// upstream contract has them: v2 event.yaml and move.yaml, v1
// location.yaml and supplier.yaml, v2 person.yaml.

// apiBase is the public address API links start with.
func (h *Handlers) apiBase(c echo.Context) string {
	if h.BaseURL != "" {
		return strings.TrimRight(h.BaseURL, "/")
	}
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// eventAttributes are an event's attributes (contract v2 event.yaml).
type apiEventAttributes struct {
	EventType      string         `json:"event_type"`
	Classification string         `json:"classification"`
	OccurredAt     string         `json:"occurred_at"`
	RecordedAt     string         `json:"recorded_at"`
	Notes          string         `json:"notes"`
	CreatedBy      string         `json:"created_by"`
	Details        map[string]any `json:"details"`
}

// eventResource serializes an event. Its meta says whether it applied to
// the move at its place in the log and, if not, why; that can change
// when an earlier-occurring event arrives later.
func (h *Handlers) eventResource(c echo.Context, e moves.Event) apiResource {
	sp, _ := moves.SpecFor(e.Type)
	class := string(sp.Class)
	if class == "" {
		class = string(moves.ClassDefault)
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	eventable := apiToOne("moves", e.MoveID)
	switch {
	case e.JourneyID != "":
		eventable = apiToOne("journeys", e.JourneyID)
	case e.LodgingID != "":
		eventable = apiToOne("lodgings", e.LodgingID)
	}
	rels := map[string]any{
		"eventable": eventable,
		"supplier":  apiToOne("suppliers", e.SupplierID),
	}
	for name, id := range e.Rels {
		kind := "locations"
		if r, ok := sp.Rel(name); ok && r.Kind == "moves" {
			kind = "moves"
		}
		rels[name] = apiToOne(kind, id)
	}
	var reason any
	if !e.Applied && e.Reason != "" {
		reason = e.Reason
	}
	return apiResource{
		ID:   e.ID,
		Type: "events",
		Attributes: apiEventAttributes{
			EventType: string(e.Type), Classification: class, OccurredAt: apiTime(e.OccurredAt), RecordedAt: apiTime(e.RecordedAt),
			Notes: e.Notes, CreatedBy: e.CreatedBy, Details: details,
		},
		Relationships: rels,
		Links:         map[string]string{"self": h.apiBase(c) + "/api/events/" + e.ID},
		Meta:          map[string]any{"applied": e.Applied, "reason": reason, "late": e.Late},
	}
}

// moveAttributes are a move's attributes (contract v2 move.yaml).
type apiMoveAttributes struct {
	Reference                 string  `json:"reference"`
	Status                    string  `json:"status"`
	MoveType                  string  `json:"move_type"`
	Date                      *string `json:"date"`
	DateFrom                  *string `json:"date_from"`
	DateTo                    *string `json:"date_to"`
	TimeDue                   *string `json:"time_due"`
	AdditionalInformation     *string `json:"additional_information"`
	CancellationReason        *string `json:"cancellation_reason"`
	CancellationReasonComment *string `json:"cancellation_reason_comment"`
	RejectionReason           *string `json:"rejection_reason"`
	IsLockout                 bool    `json:"is_lockout"`
	RecallDate                *string `json:"recall_date"`
	SectionFortySix           *bool   `json:"section_forty_six"`
	CreatedAt                 string  `json:"created_at"`
	UpdatedAt                 string  `json:"updated_at"`
}

// apiMoveRelationships are a move's relationships. Its fields are in the
// order of their names, the order encoding/json writes a map's keys in, so
// that a move is written byte for byte as it was from a map: a page of a
// hundred moves sorted and reflected over nine map entries each (about a
// tenth of GET /api/moves). Journeys and lodgings appear when included;
// events are a link, or their data as well when included.
type apiMoveRelationships struct {
	Allocation           apiRelationship  `json:"allocation"`
	Events               any              `json:"events"`
	FromLocation         apiRelationship  `json:"from_location"`
	Journeys             *apiRelationship `json:"journeys,omitempty"`
	Lodgings             *apiRelationship `json:"lodgings,omitempty"`
	OriginalMove         apiRelationship  `json:"original_move"`
	Person               apiRelationship  `json:"person"`
	PrisonTransferReason apiRelationship  `json:"prison_transfer_reason"`
	Profile              apiRelationship  `json:"profile"`
	Supplier             apiRelationship  `json:"supplier"`
	ToLocation           apiRelationship  `json:"to_location"`
}

// moveRels is a move resource's relationships (moveResource made it).
func moveRels(r apiResource) *apiMoveRelationships {
	return r.Relationships.(*apiMoveRelationships)
}

func (h *Handlers) moveResource(c echo.Context, m moves.Move) apiResource {
	base := h.apiBase(c)
	return apiResource{
		ID:   m.ID,
		Type: "moves",
		Attributes: apiMoveAttributes{
			Reference: m.Reference, Status: string(m.Status), MoveType: string(m.MoveType),
			Date: apiStrPtr(m.Date), DateFrom: apiStrPtr(m.DateFrom), DateTo: apiStrPtr(m.DateTo), TimeDue: apiTimePtr(m.TimeDue),
			AdditionalInformation: apiStrPtr(m.Notes), CancellationReason: apiStrPtr(m.Cancellation.Reason),
			CancellationReasonComment: apiStrPtr(m.Cancellation.Comment), RejectionReason: apiStrPtr(m.Cancellation.RejectionReason),
			IsLockout: m.Lockout, RecallDate: apiStrPtr(m.Details.RecallDate), CreatedAt: apiTime(m.CreatedAt), UpdatedAt: apiTime(m.UpdatedAt),
		},
		Relationships: &apiMoveRelationships{
			FromLocation:         apiToOne("locations", m.FromID),
			ToLocation:           apiToOne("locations", m.ToID),
			Profile:              apiToOne("profiles", m.ProfileID),
			Person:               apiToOne("people", m.PersonID),
			Supplier:             apiToOne("suppliers", m.SupplierID),
			OriginalMove:         apiToOne("moves", m.OriginalID),
			Allocation:           apiToOne("allocations", m.AllocationID),
			PrisonTransferReason: apiToOne("prison_transfer_reasons", apiTransferReasonID(m.Details.TransferReason)),
			Events:               apiRelationshipLinks{Links: map[string]string{"related": base + "/api/moves/" + m.ID + "/events"}},
		},
		Links: map[string]string{"self": base + "/api/moves/" + m.ID},
	}
}

// addSection46 sets section_forty_six on the move resources res (one per
// move of ms): true or false for a move from police custody, where the
// request asks it (PACE section 46 is kept as a flag of the person's
// profile for the move), and null for every other move, as upstream
// leaves it unset. Only police moves' profiles are read, each once.
//
// known holds profiles already read with the moves (a list's query reads
// each move's profile flags), so a list costs no query per move; any other
// profile is read here.
func (h *Handlers) addSection46(c echo.Context, ms []moves.Move, res []apiResource, known map[string]moves.Profile) error {
	ctx := c.Request().Context()
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.FromID
	}
	locs, err := h.Store.LocationMap(ctx, ids...)
	if err != nil {
		return err
	}
	s46 := map[string]bool{}
	for i, m := range ms {
		if locs[m.FromID].Type != moves.LocPolice {
			continue
		}
		yes, ok := s46[m.ProfileID]
		if !ok && m.ProfileID != "" {
			pr, read := known[m.ProfileID]
			if !read {
				var err error
				if pr, err = h.Store.Profile(ctx, m.ProfileID); err != nil {
					return err
				}
			}
			yes = pr.Has(moves.FlagSection46)
			s46[m.ProfileID] = yes
		}
		if a, ok := res[i].Attributes.(apiMoveAttributes); ok {
			a.SectionFortySix = &yes
			res[i].Attributes = a
		}
	}
	return nil
}

// locationAttributes are a location's attributes (contract v1
// location.yaml). A young offender institution is a prison with
// young_offender_institution set, as upstream has it.
type apiLocationAttributes struct {
	Key                      string  `json:"key"`
	Title                    string  `json:"title"`
	LocationType             string  `json:"location_type"`
	NomisAgencyID            string  `json:"nomis_agency_id"`
	YoungOffenderInstitution bool    `json:"young_offender_institution"`
	CanUploadDocuments       bool    `json:"can_upload_documents"`
	ExtraditionCapable       *bool   `json:"extradition_capable"`
	CreatedAt                string  `json:"created_at"`
	DisabledAt               *string `json:"disabled_at"`
}

// apiLocationType maps a location type to the contract's.
func apiLocationType(t moves.LocationType) (string, bool) {
	if t == moves.LocYOI {
		return string(moves.LocPrison), true
	}
	return string(t), false
}

func (h *Handlers) locationResource(c echo.Context, l moves.Location) apiResource {
	typ, yoi := apiLocationType(l.Type)
	return apiResource{
		ID:   l.ID,
		Type: "locations",
		Attributes: apiLocationAttributes{
			Key: l.Key, Title: l.Title, LocationType: typ, NomisAgencyID: l.Code, YoungOffenderInstitution: yoi,
			CreatedAt: apiTime(l.CreatedAt), DisabledAt: apiTimePtr(l.DisabledAt),
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/reference/locations/" + l.ID},
	}
}

type apiSupplierAttributes struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

func apiSupplierResource(sp moves.Supplier) apiResource {
	return apiResource{ID: sp.ID, Type: "suppliers", Attributes: apiSupplierAttributes{Key: sp.Key, Name: sp.Name}}
}

// personAttributes are a person's attributes (contract v2 person.yaml;
// gender and ethnicity are plain values here, not reference resources).
type apiPersonAttributes struct {
	FirstNames             string  `json:"first_names"`
	LastName               string  `json:"last_name"`
	DateOfBirth            string  `json:"date_of_birth"`
	Gender                 string  `json:"gender"`
	Ethnicity              *string `json:"ethnicity"`
	PoliceNationalComputer *string `json:"police_national_computer"`
	PrisonNumber           *string `json:"prison_number"`
	CreatedAt              string  `json:"created_at"`
	UpdatedAt              string  `json:"updated_at"`
}

func (h *Handlers) personResource(c echo.Context, p moves.Person) apiResource {
	return apiResource{
		ID:   p.ID,
		Type: "people",
		Attributes: apiPersonAttributes{
			FirstNames: p.FirstNames, LastName: p.LastName, DateOfBirth: p.DateOfBirth, Gender: p.Gender,
			Ethnicity: apiStrPtr(p.Ethnicity), PoliceNationalComputer: apiStrPtr(p.PNC), PrisonNumber: apiStrPtr(p.PrisonNumber),
			CreatedAt: apiTime(p.CreatedAt), UpdatedAt: apiTime(p.UpdatedAt),
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/people/" + p.ID},
	}
}

// assessmentAnswer is one profile flag in the contract's assessment
// answer shape.
type apiAssessmentAnswer struct {
	Category string `json:"category"`
	Key      string `json:"key"`
	Title    string `json:"title"`
	Comments string `json:"comments"`
}

type apiProfileAttributes struct {
	AssessmentAnswers []apiAssessmentAnswer `json:"assessment_answers"`
	CreatedAt         string                `json:"created_at"`
}

func apiProfileResource(pr moves.Profile) apiResource {
	answers := make([]apiAssessmentAnswer, 0, len(pr.Flags))
	for _, f := range pr.Flags {
		answers = append(answers, apiAssessmentAnswer{Category: string(f.Category), Key: f.Key, Title: moves.Humanize(f.Key), Comments: f.Details})
	}
	return apiResource{
		ID:            pr.ID,
		Type:          "profiles",
		Attributes:    apiProfileAttributes{AssessmentAnswers: answers, CreatedAt: apiTime(pr.CreatedAt)},
		Relationships: map[string]any{"person": apiToOne("people", pr.PersonID)},
	}
}

// Includes a move may be asked for, with include=a,b.
var apiMoveIncludes = []string{"events", "from_location", "to_location", "profile", "profile.person", "person", "supplier", "journeys", "lodgings"}

// includeMoves adds what include asks for to the included list, and links
// each move to its events when they are included. known holds people
// already read with the moves (nil when none were); the others are read.
func (h *Handlers) includeMoves(c echo.Context, ms []moves.Move, res []apiResource, inc map[string]bool,
	known map[string]moves.Person, in *apiIncluded) error {
	ctx := c.Request().Context()
	if len(inc) == 0 {
		return nil
	}
	if inc["from_location"] || inc["to_location"] {
		var ids []string
		for _, m := range ms {
			if inc["from_location"] {
				ids = append(ids, m.FromID)
			}
			if inc["to_location"] && m.ToID != "" {
				ids = append(ids, m.ToID)
			}
		}
		locs, err := h.Store.LocationMap(ctx, ids...)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if inc["from_location"] {
				if l, ok := locs[m.FromID]; ok {
					in.add(h.locationResource(c, l))
				}
			}
			if inc["to_location"] && m.ToID != "" {
				if l, ok := locs[m.ToID]; ok {
					in.add(h.locationResource(c, l))
				}
			}
		}
	}
	if inc["supplier"] {
		sps, err := h.suppliersByID(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if sp, ok := sps[m.SupplierID]; ok {
				in.add(apiSupplierResource(sp))
			}
		}
	}
	if inc["profile"] || inc["profile.person"] {
		for _, m := range ms {
			if m.ProfileID == "" {
				continue // an allocation's place waiting for a person
			}
			pr, err := h.Store.Profile(ctx, m.ProfileID)
			if err != nil {
				return err
			}
			in.add(apiProfileResource(pr))
		}
	}
	if inc["person"] || inc["profile.person"] {
		for _, m := range ms {
			if m.PersonID == "" {
				continue
			}
			p, ok := known[m.PersonID]
			if !ok {
				var err error
				if p, err = h.Store.Person(ctx, m.PersonID); err != nil {
					return err
				}
			}
			in.add(h.personResource(c, p))
		}
	}
	if err := h.includeRoad(c, ms, res, inc, in); err != nil {
		return err
	}
	if inc["events"] {
		for i, m := range ms {
			evs, err := h.Store.Events(ctx, m.ID)
			if err != nil {
				return err
			}
			ids := make([]apiIdent, 0, len(evs))
			for _, e := range evs {
				in.add(h.eventResource(c, e))
				ids = append(ids, apiIdent{Type: "events", ID: e.ID})
			}
			moveRels(res[i]).Events = apiRelationship{Data: ids,
				Links: map[string]string{"related": h.apiBase(c) + "/api/moves/" + m.ID + "/events"}}
		}
	}
	return nil
}

func (h *Handlers) suppliersByID(ctx context.Context) (map[string]moves.Supplier, error) {
	sps, err := h.Store.Suppliers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]moves.Supplier, len(sps))
	for _, sp := range sps {
		out[sp.ID] = sp
	}
	return out, nil
}
