package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/web"
)

// htmxSwaps says whether the layout's htmx-config swaps a response of
// this status in (the first rule whose code matches, as htmx reads them).
func htmxSwaps(t *testing.T, cfg string, code int) bool {
	t.Helper()
	var c struct {
		ResponseHandling []struct {
			Code string `json:"code"`
			Swap bool   `json:"swap"`
		} `json:"responseHandling"`
	}
	if err := json.Unmarshal([]byte(cfg), &c); err != nil {
		t.Fatalf("htmx-config %q: %v", cfg, err)
	}
	for _, r := range c.ResponseHandling {
		if regexp.MustCompile("^" + r.Code + "$").MatchString(strconv.Itoa(code)) {
			return r.Swap
		}
	}
	return false
}

// TestHTMXShowsErrorPages: with JavaScript on, a form the server refuses
// (the move changed meanwhile: 409) shows the same page as with it off,
// in place of the whole body, instead of htmx dropping it and the button
// seeming to do nothing; so does a fragment's 404. The form again with
// its errors (422) swaps where htmx asked.
func TestHTMXShowsErrorPages(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	pmu := signInAs(t, h, "pmu")
	m := demoMove(t, h, "SRY016", "GUILCC", moves.StatusRequested, 0)
	home := do(t, pmu, http.MethodGet, h.ts.URL+"/", nil, nil)
	cfg, _ := home.doc().Find(`meta[name="htmx-config"]`).Attr("content")
	for _, code := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusInternalServerError} {
		if !htmxSwaps(t, cfg, code) {
			t.Errorf("htmx-config %s does not swap a %d in", cfg, code)
		}
	}
	boosted := http.Header{"Hx-Request": {"true"}, "Hx-Boosted": {"true"}}
	fragment := http.Header{"Hx-Request": {"true"}}
	cancel := func(version int64, reason string, hdr http.Header) response {
		form := url.Values{"_csrf": {csrfOf(t, h, pmu)}, "version": {strconv.FormatInt(version, 10)}, "cancellation_reason": {reason}}
		return do(t, pmu, http.MethodPost, h.ts.URL+"/move/"+m.ID+"/cancel", form, hdr)
	}
	reason := moves.CancellationReasonsFor(m.MoveType)[0]
	for _, tc := range []struct {
		name     string
		res      response
		status   int
		retarget bool
	}{
		{"a stale form, boosted", cancel(m.Version+7, reason, boosted), http.StatusConflict, true},
		{"a stale form, JavaScript off", cancel(m.Version+7, reason, nil), http.StatusConflict, false},
		{"a form with errors, boosted", cancel(m.Version, "", boosted), http.StatusUnprocessableEntity, false},
		{"a fragment of a move that is not there", do(t, pmu, http.MethodGet, h.ts.URL+"/move/00000000-0000-0000-0000-000000000000", nil, fragment), http.StatusNotFound, true},
	} {
		if tc.res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, tc.res.StatusCode, tc.status)
			continue
		}
		got := tc.res.Header.Get("HX-Retarget") == "body" && tc.res.Header.Get("HX-Reswap") == "innerHTML"
		if got != tc.retarget {
			t.Errorf("%s: HX-Retarget %q, HX-Reswap %q; want the whole body: %v", tc.name, tc.res.Header.Get("HX-Retarget"), tc.res.Header.Get("HX-Reswap"), tc.retarget)
		}
	}
	if after, err := h.st.Move(t.Context(), m.ID); err != nil || after.Status != moves.StatusRequested {
		t.Errorf("the refused forms changed the move: %s (%v)", after.Status, err)
	}
}
