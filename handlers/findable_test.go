package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/store"
)

// TestEveryPageIsFindable crawls the pages each demo user reaches by
// following links from their home page and a few named demo moves, and
// holds every page to what a tester's locators need (issue 17): every
// navigation, section and table has an accessible name (navigations
// distinct from one another), every form a submit control with a name,
// every link and button a name that tells it from the others, and every
// move card, timeline item and tag a name or a data-testid.
func TestEveryPageIsFindable(t *testing.T) {
	app := handlertest.Start(t, handlertest.Options{Now: listsNow, Demo: true})
	plan, err := store.PlanDemo(listsNow)
	if err != nil {
		t.Fatal(err)
	}
	var demoMoves []string
	for _, m := range plan.Moves {
		if m.Name != "" {
			demoMoves = append(demoMoves, "/move/"+m.ID)
		}
	}
	const perUser = 45
	seen := map[string]bool{} // paths checked, by any user
	kinds := map[string]int{} // what was checked, so the test cannot pass on nothing
	for _, u := range store.DemoUsers {
		b := app.SignIn(t, u.Username, "")
		queue := append([]string{"/", "/locations", "/help/accessibility"}, demoMoves...)
		crawled := map[string]bool{}
		for len(queue) > 0 && len(crawled) < perUser {
			path := queue[0]
			queue = queue[1:]
			if crawled[path] {
				continue
			}
			crawled[path] = true
			doc, next := fetchPage(t, b, app.Server.URL, path)
			queue = append(queue, next...)
			if doc == nil || seen[path] {
				continue
			}
			seen[path] = true
			for _, p := range findabilityProblems(doc, kinds) {
				t.Errorf("%s, %s: %s", u.Username, path, p)
			}
		}
	}
	// The sign-in page, signed out.
	if doc, _ := fetchPage(t, handlertest.Browser(), app.Server.URL, "/sign-in"); doc != nil {
		for _, p := range findabilityProblems(doc, kinds) {
			t.Errorf("signed out, /sign-in: %s", p)
		}
	}
	t.Logf("%d pages; checked %v", len(seen), kinds)
	for _, k := range []string{"nav", "section", "table", "form", "link", "button", "move card", "timeline item", "tag"} {
		if kinds[k] == 0 {
			t.Errorf("no %s on any page crawled: the check for it checked nothing", k)
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d pages crawled", len(seen))
	}
}

// fetchPage GETs path and returns its document when it is an HTML page,
// and the same-site pages it leads to: its links, or where it redirects.
func fetchPage(t *testing.T, b *http.Client, base, path string) (*goquery.Document, []string) {
	t.Helper()
	res, err := b.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusFound {
		return nil, crawlable(res.Header.Get("Location"))
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil, nil
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	var next []string
	doc.Find("main a[href]").Each(func(_ int, a *goquery.Selection) {
		next = append(next, crawlable(a.AttrOr("href", ""))...)
	})
	return doc, next
}

// crawlable is href as a path to crawl, or nothing for another site,
// a download, a static file or the API.
func crawlable(href string) []string {
	u, err := url.Parse(href)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return nil
	}
	for _, skip := range []string{"/static/", "/api/", "/oauth/", "/test/"} {
		if strings.HasPrefix(u.Path, skip) {
			return nil
		}
	}
	if strings.HasSuffix(u.Path, ".csv") || strings.HasSuffix(u.Path, ".json") {
		return nil
	}
	u.Fragment = ""
	return []string{u.String()}
}

// accessibleName is an element's name as assistive technology (and
// Playwright's getByRole) computes it, for the markup this service writes:
// aria-labelledby, aria-label, then the text inside (image alternatives
// and a submit input's value included).
func accessibleName(doc *goquery.Document, s *goquery.Selection) string {
	if ids := strings.Fields(s.AttrOr("aria-labelledby", "")); len(ids) > 0 {
		var parts []string
		for _, id := range ids {
			parts = append(parts, handlertest.Text(doc.Find("#"+id)))
		}
		return strings.TrimSpace(strings.Join(parts, " "))
	}
	if l := strings.TrimSpace(s.AttrOr("aria-label", "")); l != "" {
		return l
	}
	if goquery.NodeName(s) == "input" {
		return strings.TrimSpace(s.AttrOr("value", ""))
	}
	text := handlertest.Text(s)
	s.Find("img[alt]").Each(func(_ int, img *goquery.Selection) { text += " " + img.AttrOr("alt", "") })
	return strings.TrimSpace(text)
}

// findabilityProblems lists what a tester could not find on the page by
// role and name (or test id), counting in kinds what it checked.
func findabilityProblems(doc *goquery.Document, kinds map[string]int) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	// Regions.
	navNames := map[string]bool{}
	doc.Find("nav").Each(func(_ int, s *goquery.Selection) {
		kinds["nav"]++
		// A landmark is named by its label, never by its content.
		name := accessibleName(doc, s)
		if s.AttrOr("aria-label", "") == "" && s.AttrOr("aria-labelledby", "") == "" || name == "" {
			bad("a <nav> has no accessible name")
			return
		}
		if navNames[name] {
			bad("two <nav>s are both named %q", name)
		}
		navNames[name] = true
	})
	doc.Find("section").Each(func(_ int, s *goquery.Selection) {
		kinds["section"]++
		if s.AttrOr("aria-label", "") == "" && s.AttrOr("aria-labelledby", "") == "" || accessibleName(doc, s) == "" {
			bad("a <section> has no accessible name (aria-labelledby its heading)")
		}
	})
	doc.Find("table").Each(func(_ int, s *goquery.Selection) {
		kinds["table"]++
		caption := handlertest.Text(s.ChildrenFiltered("caption"))
		if caption == "" && s.AttrOr("aria-label", "") == "" && s.AttrOr("aria-labelledby", "") == "" {
			bad("a table (id %q, first header %q) has no caption", s.AttrOr("id", ""), handlertest.Text(s.Find("th").First()))
		}
	})
	if n := doc.Find("main").Length(); n != 1 {
		bad("%d <main> landmarks", n)
	}
	// Actions.
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		kinds["form"]++
		submits := f.Find(`button:not([type]), button[type="submit"], input[type="submit"]`)
		if submits.Length() == 0 {
			bad("the form to %s has no submit button", f.AttrOr("action", "?"))
		}
		submits.Each(func(_ int, b *goquery.Selection) {
			if accessibleName(doc, b) == "" {
				bad("a submit button of the form to %s has no name", f.AttrOr("action", "?"))
			}
		})
	})
	// A button's name must tell a tester which one it is: two buttons of
	// one name must do the same thing.
	buttons := map[string]string{}
	doc.Find("button").Each(func(_ int, b *goquery.Selection) {
		kinds["button"]++
		name := accessibleName(doc, b)
		if name == "" {
			bad("a button has no name: %s", outer(b))
			return
		}
		does := b.AttrOr("formaction", b.Closest("form").AttrOr("action", "")) + " " + b.AttrOr("name", "") + "=" + b.AttrOr("value", "")
		if prev, ok := buttons[name]; ok && prev != does && b.Closest("form").Length() > 0 {
			bad("two buttons named %q do different things (%s, %s)", name, prev, does)
		}
		buttons[name] = does
	})
	// Likewise links (WCAG 2.4.4): one name, one destination.
	links := map[string]string{}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		kinds["link"]++
		name, href := accessibleName(doc, a), a.AttrOr("href", "")
		if name == "" {
			bad("a link to %s has no name", href)
			return
		}
		if prev, ok := links[name]; ok && prev != href {
			bad("two links named %q go to different places (%s, %s)", name, prev, href)
		}
		links[name] = href
	})
	// What tests look for: cards, timeline items and tags.
	doc.Find(".app-move-card").Each(func(_ int, s *goquery.Selection) {
		kinds["move card"]++
		if s.AttrOr("data-testid", "") == "" || s.Find("h2 a, h3 a").Length() == 0 {
			bad("a move card without a data-testid or a titled link: %s", outer(s))
		}
	})
	doc.Find(`[id^="event-"]`).Each(func(_ int, s *goquery.Selection) {
		kinds["timeline item"]++
		if s.AttrOr("data-testid", "") == "" || s.AttrOr("role", "") != "listitem" && goquery.NodeName(s) != "li" {
			bad("a timeline item without a data-testid or the role listitem: %s", outer(s))
		}
	})
	doc.Find(".govuk-tag").Each(func(_ int, s *goquery.Selection) {
		kinds["tag"]++
		if s.AttrOr("data-testid", "") == "" && s.AttrOr("aria-label", "") == "" {
			bad("a tag without a data-testid: %s", outer(s))
		}
	})
	slices.Sort(out)
	return slices.Compact(out)
}

// outer is the start of an element's markup, to say which one failed.
func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	if len(h) > 160 {
		h = h[:160] + "…"
	}
	return h
}
