package static

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// Files the layout and GOV.UK/MOJ Frontend need. If this fails, run
// `bash assets/build.sh` and commit static/dist.
var required = []string{
	"app.css",
	"app.js",
	"js-enabled.js",
	"htmx.min.js",
	"govuk-frontend.min.js",
	"moj-frontend.min.js",
	"LICENCES.txt",
	"assets/manifest.json",
	"assets/fonts/bold-b542beb274-v2.woff2",
	"assets/fonts/light-94a07e06a1-v2.woff2",
	"assets/fonts/bold-affa96571d-v2.woff",
	"assets/fonts/light-f591b13f7d-v2.woff",
	"assets/images/favicon.ico",
	"assets/images/favicon.svg",
	"assets/images/govuk-icon-mask.svg",
	"assets/images/govuk-icon-180.png",
	"assets/images/govuk-crest.svg",
}

func readDist(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(dist, "dist/"+name)
	if err != nil {
		t.Fatalf("static/dist/%s: %v (run bash assets/build.sh)", name, err)
	}
	return string(b)
}

func TestDistHasRequiredFiles(t *testing.T) {
	if err := MustHave(required...); err != nil {
		t.Fatal(err)
	}
	for _, name := range required {
		if raw, _ := Size(name); raw == 0 {
			t.Errorf("static/dist/%s is empty", name)
		}
	}
}

func TestDistJSEnabled(t *testing.T) {
	const snippet = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');`
	if got := strings.TrimSpace(readDist(t, "js-enabled.js")); got != snippet {
		t.Errorf("js-enabled.js = %q, want the GOV.UK snippet", got)
	}
}

func TestDistAppJSIsSelfContained(t *testing.T) {
	js := readDist(t, "app.js")
	if regexp.MustCompile(`(^|[;}\s])import\s*[{*"'\w(]`).MatchString(js) {
		t.Error("app.js imports something at run time; it must be one bundle")
	}
	for _, want := range []string{"htmx:afterSwap", "govuk-error-summary", "govuk-frontend-supported"} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
}

func TestDistHTMXVersion(t *testing.T) {
	if js := readDist(t, "htmx.min.js"); !strings.Contains(js, `version:"2.0.11"`) {
		t.Error("htmx.min.js is not htmx 2.0.11")
	}
}

func TestDistCSS(t *testing.T) {
	css := readDist(t, "app.css")
	for _, want := range []string{
		"@font-face",
		"/static/assets/fonts/bold-b542beb274-v2.woff2",
		".govuk-header",
		".moj-timeline",
		".moj-badge",
		".moj-filter",
		"[aria-sort] button", // MOJ sortable table
		".moj-pagination",
		".moj-primary-navigation",
		".moj-sub-navigation",
		".moj-button-menu",
		".moj-datepicker",
		".app-card",
		".app-card__title",
		".app-card__meta",
		".app-incident",
		".app-not-applied",
		".app-filter",
		".app-filter__count",
		".app-print--hide",
		"@media print",
		".htmx-indicator",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("app.css lacks %q", want)
		}
	}
	if strings.Contains(css, "sourceMappingURL") {
		t.Error("app.css has a source map reference")
	}
	if strings.Contains(css, "url(/assets/") || strings.Contains(css, `url("/assets/`) {
		t.Error("app.css references /assets/ rather than /static/assets/")
	}
}

// The CSS and JS a first page loads, gzip-compressed, must leave room for
// the HTML within a 120 KB budget.
func TestDistFirstPageBudget(t *testing.T) {
	const budget = 100 * 1024
	total := 0
	for _, name := range []string{"app.css", "js-enabled.js", "htmx.min.js", "app.js"} {
		_, gz := Size(name)
		t.Logf("%-14s %6d bytes gzip", name, gz)
		total += gz
	}
	t.Logf("%-14s %6d bytes gzip", "total", total)
	if total > budget {
		t.Errorf("first-page CSS+JS is %d bytes gzip, over the %d budget", total, budget)
	}
}
