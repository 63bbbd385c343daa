package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// ListPeople finds people by an identifier: GET
// /api/people?filter[police_national_computer]=… or
// filter[prison_number]=…. Without a filter it finds nobody: people are
// looked up, never listed.
func (h *Handlers) ListPeople(c echo.Context) error {
	q := newAPIQueryReader(c, "filter[police_national_computer]", "filter[prison_number]", "page", "per_page")
	f := store.PeopleFilter{PNC: q.one("filter[police_national_computer]"), PrisonNumber: q.one("filter[prison_number]")}
	if f.PNC != "" && !moves.ValidPNC(f.PNC) {
		q.bad("filter[police_national_computer]", "invalid", "filter[police_national_computer] must be a PNC number with its check letter, like 08/0056560Z")
	}
	if f.PrisonNumber != "" && !moves.ValidPrisonNumber(f.PrisonNumber) {
		q.bad("filter[prison_number]", "invalid", "filter[prison_number] must be a prison number like A1234BC")
	}
	page, perPage := q.page()
	if err := q.err(); err != nil {
		return err
	}
	if f.PNC == "" && f.PrisonNumber == "" {
		return apiProblemOf(http.StatusBadRequest, "Give filter[police_national_computer] or filter[prison_number] to find a person",
			&APIErrorSource{Parameter: "filter[police_national_computer]"})
	}
	f.Limit = 500
	people, err := h.Store.FindPeople(c.Request().Context(), f)
	if err != nil {
		return err
	}
	total := len(people)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	data := make([]apiResource, 0, end-start)
	for _, p := range people[start:end] {
		data = append(data, h.personResource(c, p))
	}
	links, meta := h.paginate(c, page, perPage, total)
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Links: links, Meta: meta})
}

// GetPerson shows one person: GET /api/people/:id.
func (h *Handlers) GetPerson(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	p, err := h.Store.Person(c.Request().Context(), c.Param("id"))
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Errorf(moves.NotFound, "No person with id %q", c.Param("id"))
		}
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.personResource(c, p)})
}

var apiPersonBody = apiBodySpec{
	Type:  "people",
	Attrs: []string{"first_names", "last_name", "date_of_birth", "gender", "ethnicity", "police_national_computer", "prison_number"},
}

// PostPerson adds a person: POST /api/people.
func (h *Handlers) PostPerson(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	in, err := apiDecodeResource(body, apiPersonBody)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	p := moves.Person{CreatedBy: apiActor(c)}
	p.FirstNames, _ = r.str("first_names")
	p.LastName, _ = r.str("last_name")
	p.DateOfBirth, _ = r.str("date_of_birth")
	p.Gender, _ = r.str("gender")
	p.Ethnicity, _ = r.str("ethnicity")
	p.PNC, _ = r.str("police_national_computer")
	p.PrisonNumber, _ = r.str("prison_number")
	for _, f := range []struct {
		name string
		v    string
	}{{"first_names", p.FirstNames}, {"last_name", p.LastName}, {"ethnicity", p.Ethnicity}} {
		if len(f.v) > 200 {
			r.errs.Add(apiAttrPointer(f.name), "too_long", f.name+" must be 200 characters or fewer")
		}
	}
	if err := r.err(); err != nil {
		return err
	}
	if err := h.Store.CreatePerson(c.Request().Context(), &p, h.Today()); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/people/"+p.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.personResource(c, p)})
}

var apiProfileBody = apiBodySpec{Type: "profiles", Attrs: []string{"assessment_answers"}}

// PostProfile adds a profile to a person: POST /api/people/:id/profiles.
// A move can then be booked with relationships.profile, as upstream's v2
// API does. assessment_answers are optional flags: each has a category
// (risk, health or court), a key that is one of that category's questions
// (moves.AnswerKeys), at most once, and optional comments.
func (h *Handlers) PostProfile(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	person, err := h.Store.Person(ctx, c.Param("id"))
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Errorf(moves.NotFound, "No person with id %q", c.Param("id"))
		}
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	in, err := apiDecodeResource(body, apiProfileBody)
	if err != nil {
		return err
	}
	pr := moves.Profile{PersonID: person.ID, CreatedBy: apiActor(c), Flags: []moves.Flag{}}
	var fe moves.FieldErrors
	if raw, ok := in.Attrs["assessment_answers"]; ok && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			fe.Add(apiAttrPointer("assessment_answers"), "invalid", "assessment_answers must be an array")
		}
		cats := []string{string(moves.FlagRisk), string(moves.FlagHealth), string(moves.FlagCourt)}
		seen := map[string]int{}
		for i, item := range list {
			p := fmt.Sprintf("/data/attributes/assessment_answers/%d", i)
			obj, ok := item.(map[string]any)
			if !ok {
				fe.Add(p, "invalid", "each assessment answer must be an object with category, key and comments")
				continue
			}
			cat, _ := obj["category"].(string)
			key, _ := obj["key"].(string)
			key = strings.TrimSpace(key)
			comments, _ := obj["comments"].(string)
			catOK := slices.Contains(cats, cat)
			if !catOK {
				fe.Add(p+"/category", "inclusion", "category must be one of "+strings.Join(cats, ", "))
			}
			// Only the questions of the answer's own category: a free key,
			// or one filed under another category (a court answer
			// "pace_section_46" would read as the move's section 46 flag),
			// is refused, as upstream takes a question, never a key.
			keys := moves.AnswerKeys[moves.FlagCategory(cat)]
			switch first, dup := seen[key]; {
			case key == "":
				fe.Add(p+"/key", "blank", "key is required")
			case catOK && !slices.Contains(keys, key):
				fe.Add(p+"/key", "inclusion", "key of a "+cat+" answer must be one of "+strings.Join(keys, ", "))
			case dup:
				fe.Add(p+"/key", "taken", fmt.Sprintf("key %s is already answered at assessment_answers/%d", key, first))
			default:
				seen[key] = i
			}
			if len(comments) > 2000 {
				fe.Add(p+"/comments", "too_long", "comments must be 2000 characters or fewer")
			}
			pr.Flags = append(pr.Flags, moves.Flag{Category: moves.FlagCategory(cat), Key: key, Details: comments})
		}
	}
	if len(fe) > 0 {
		return moves.InvalidFields(fe)
	}
	if err := h.Store.CreateProfile(ctx, &pr); err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: apiProfileResource(pr)})
}
