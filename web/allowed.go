package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/api"
)

// allowedMethods returns, for a path, the methods the route table answers
// it with: an API client that uses another gets 405 and an Allow header
// rather than 404, which would say the resource is missing.
func (s *Server) allowedMethods() func(path string) []string {
	type route struct {
		re      *regexp.Regexp
		methods []string
	}
	byPattern := map[string]*route{}
	var order []string
	for _, r := range s.Echo.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue // echo's own not-found and any-method entries
		}
		if strings.HasSuffix(r.Path, "*") {
			continue
		}
		rt := byPattern[r.Path]
		if rt == nil {
			parts := strings.Split(r.Path, "/")
			for i, p := range parts {
				if strings.HasPrefix(p, ":") {
					parts[i] = "[^/]+"
				} else {
					parts[i] = regexp.QuoteMeta(p)
				}
			}
			rt = &route{re: regexp.MustCompile("^" + strings.Join(parts, "/") + "$")}
			byPattern[r.Path] = rt
			order = append(order, r.Path)
		}
		if !slices.Contains(rt.methods, r.Method) {
			rt.methods = append(rt.methods, r.Method)
		}
	}
	return func(path string) []string {
		var out []string
		for _, p := range order {
			if rt := byPattern[p]; rt.re.MatchString(path) {
				for _, m := range rt.methods {
					if !slices.Contains(out, m) {
						out = append(out, m)
					}
				}
			}
		}
		slices.Sort(out)
		return out
	}
}

// notFound answers a request no route took: for the API's audience (the
// OAuth paths, outside the /api group whose APIMethodAllowed does the
// same), 405 with an Allow header when the path is answered with other
// methods (GET /oauth/token, say); 404 otherwise, and on staff pages,
// which show a wrong method as "Page not found".
func (s *Server) notFound(c echo.Context) error {
	if path := c.Request().URL.Path; api.IsAPIPath(path) {
		if err := api.MethodNotAllowed(c, s.allowed(path)); err != nil {
			return err
		}
	}
	return s.Handlers.NotFound(c)
}
