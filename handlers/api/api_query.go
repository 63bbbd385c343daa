package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// Paging of lists.
const (
	DefaultPerPage = 20
	MaxPerPage     = 200
	// MaxPage bounds page, so that (page-1)*per_page can never overflow.
	MaxPage = 1_000_000
	// MaxListValues bounds a comma-separated filter.
	MaxListValues = 200
)

// apiQueryReader reads query parameters strictly: a parameter the endpoint
// does not know is a 400 (a mistyped filter must not silently match
// everything), a bad value a 422, each naming the parameter.
type apiQueryReader struct {
	q       url.Values
	unknown []APIError
	invalid []APIError
}

// newAPIQueryReader checks every parameter name against the allowed ones
// ("filter[x]" and "sort[x]" names included).
func newAPIQueryReader(c echo.Context, allowed ...string) *apiQueryReader {
	return newAPIParamsReader(c.QueryParams(), allowed...)
}

// newAPIParamsReader is newAPIQueryReader for parameters read elsewhere
// (a POST …/filtered body).
func newAPIParamsReader(q url.Values, allowed ...string) *apiQueryReader {
	r := &apiQueryReader{q: q}
	names := make([]string, 0, len(r.q))
	for k := range r.q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(allowed, k) {
			detail := fmt.Sprintf("%q is not a query parameter of this endpoint", k)
			if strings.HasPrefix(k, "filter[") {
				var fs []string
				for _, a := range allowed {
					if strings.HasPrefix(a, "filter[") {
						fs = append(fs, a)
					}
				}
				detail = fmt.Sprintf("%q is not a filter of this endpoint; filters: %s", k, strings.Join(fs, ", "))
			}
			r.unknown = append(r.unknown, APIError{Code: "unknown_parameter", Detail: detail, Source: &APIErrorSource{Parameter: k}})
		}
	}
	return r
}

func (r *apiQueryReader) bad(name, code, detail string) {
	r.invalid = append(r.invalid, APIError{Code: code, Detail: detail, Source: &APIErrorSource{Parameter: name}})
}

// one returns a parameter's value; a parameter given twice is an error.
func (r *apiQueryReader) one(name string) string {
	vs := r.q[name]
	if len(vs) > 1 {
		r.bad(name, "invalid", name+" is given more than once")
	}
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// list returns a comma-separated parameter's values, at most
// MaxListValues of them (each becomes a bound parameter of a query).
func (r *apiQueryReader) list(name string) []string {
	v := r.one(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) > MaxListValues {
		r.bad(name, "invalid", fmt.Sprintf("%s takes at most %d values", name, MaxListValues))
		return nil
	}
	return out
}

// ids returns a comma-separated list of UUIDs.
func (r *apiQueryReader) ids(name string) []string {
	vs := r.list(name)
	for _, v := range vs {
		if _, err := uuid.Parse(v); err != nil {
			r.bad(name, "invalid", fmt.Sprintf("%s must be a comma-separated list of ids (UUIDs); %q is not one", name, v))
			return nil
		}
	}
	return vs
}

// oneOf returns a comma-separated list whose values must each be allowed.
func (r *apiQueryReader) oneOf(name string, allowed []string) []string {
	vs := r.list(name)
	for _, v := range vs {
		if !slices.Contains(allowed, v) {
			r.bad(name, "inclusion", fmt.Sprintf("%q is not a valid value of %s; valid values: %s", v, name, strings.Join(allowed, ", ")))
			return nil
		}
	}
	return vs
}

// page returns the page number and size.
func (r *apiQueryReader) page() (page, perPage int) {
	page, perPage = 1, DefaultPerPage
	if v := r.one("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPage {
			r.bad("page", "invalid", fmt.Sprintf("page must be a whole number from 1 to %d", MaxPage))
		} else {
			page = n
		}
	}
	if v := r.one("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			r.bad("per_page", "invalid", fmt.Sprintf("per_page must be a whole number from 1 to %d", MaxPerPage))
		} else {
			perPage = min(n, MaxPerPage)
		}
	}
	return page, perPage
}

// include returns the include parameter's paths, each of which must be
// allowed: an unknown one is a 400, as JSON:API asks.
func (r *apiQueryReader) include(allowed []string) map[string]bool {
	out := map[string]bool{}
	for _, v := range r.list("include") {
		if !slices.Contains(allowed, v) {
			r.unknown = append(r.unknown, APIError{Code: "unsupported_include",
				Detail: fmt.Sprintf("include %q is not supported; valid values: %s", v, strings.Join(allowed, ", ")),
				Source: &APIErrorSource{Parameter: "include"}})
			continue
		}
		out[v] = true
	}
	return out
}

// err returns unknown parameters as a 400, else bad values as a 422.
func (r *apiQueryReader) err() error {
	if len(r.unknown) > 0 {
		return apiProblemsOf(http.StatusBadRequest, r.unknown...)
	}
	if len(r.invalid) > 0 {
		return apiProblemsOf(http.StatusUnprocessableEntity, r.invalid...)
	}
	return nil
}

// apiPaginationLinks are a list's links: self, first, prev, next and last,
// with the request's other parameters kept.
type apiPaginationLinks struct {
	Self  string  `json:"self"`
	First string  `json:"first"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
	Last  string  `json:"last"`
}

type apiPaginationMeta struct {
	PerPage      int `json:"per_page"`
	TotalPages   int `json:"total_pages"`
	TotalObjects int `json:"total_objects"`
}

func (h *Handlers) paginate(c echo.Context, page, perPage, total int) (apiPaginationLinks, map[string]any) {
	pages := max(1, (total+perPage-1)/perPage)
	link := func(p int) string {
		q := url.Values{}
		for k, v := range c.QueryParams() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		return h.apiBase(c) + c.Request().URL.Path + "?" + q.Encode()
	}
	l := apiPaginationLinks{Self: link(page), First: link(1), Last: link(pages)}
	if page > 1 {
		p := link(min(page-1, pages))
		l.Prev = &p
	}
	if page < pages {
		n := link(page + 1)
		l.Next = &n
	}
	return l, map[string]any{"pagination": apiPaginationMeta{PerPage: perPage, TotalPages: pages, TotalObjects: total}}
}
