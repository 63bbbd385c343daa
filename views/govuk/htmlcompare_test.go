package govuk

import (
	"testing"

	"fmt"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// canonicalHTML parses an HTML fragment and prints it in a canonical form,
// one node per line, so that two renderings of the same markup compare
// equal regardless of formatting:
//
//   - attributes are sorted by name (a repeated attribute keeps its first
//     value, as browsers do); class values are compared token by token, in
//     order; boolean attributes compare equal whether written `disabled` or
//     `disabled=""`;
//   - whitespace runs in text collapse to one space, whitespace-only text
//     is dropped, and text is trimmed at the start of its parent's content
//     and at the end, unless the parent continues a line of text (is
//     directly preceded, or followed, by non-space text): so
//     "Previous<span> page</span>" stays distinct from
//     "Previous<span>page</span>", and whitespace between a tag and text in
//     the middle of the content is kept ("</span> Error" is not
//     "</span>Error");
//   - text inside <textarea> and <pre> is compared exactly;
//   - comments are ignored.
func canonicalHTML(fragment string) (string, error) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	writeNodes(&b, nodes, 0, false, false, false)
	return b.String(), nil
}

func writeNodes(b *strings.Builder, nodes []*html.Node, depth int, preformatted, keepLead, keepTrail bool) {
	// Work out which nodes are text that survives, to know first and last.
	type item struct {
		n    *html.Node
		text string
	}
	var items []item
	for _, n := range nodes {
		switch n.Type {
		case html.CommentNode, html.DoctypeNode:
			continue
		case html.TextNode:
			if preformatted {
				items = append(items, item{n: n, text: n.Data})
				continue
			}
			t := collapseSpace(n.Data)
			if strings.TrimSpace(t) == "" {
				continue
			}
			items = append(items, item{n: n, text: t})
		default:
			items = append(items, item{n: n})
		}
	}
	for i, it := range items {
		if it.n.Type == html.TextNode {
			t := it.text
			if !preformatted {
				if i == 0 && !keepLead {
					t = strings.TrimLeft(t, " ")
				}
				if i == len(items)-1 && !keepTrail {
					t = strings.TrimRight(t, " ")
				}
			}
			fmt.Fprintf(b, "%s%q\n", strings.Repeat("  ", depth), t)
			continue
		}
		writeElement(b, it.n, depth)
	}
}

func writeElement(b *strings.Builder, n *html.Node, depth int) {
	indent := strings.Repeat("  ", depth)
	name := n.Data
	if n.Namespace != "" {
		name = n.Namespace + ":" + name
	}
	seen := map[string]bool{}
	var attrs []string
	for _, a := range n.Attr {
		key := a.Key
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		val := a.Val
		if key == "class" {
			val = strings.Join(strings.Fields(val), " ")
		}
		attrs = append(attrs, fmt.Sprintf("%s=%q", key, val))
	}
	sort.Strings(attrs)
	fmt.Fprintf(b, "%s<%s", indent, name)
	for _, a := range attrs {
		b.WriteString(" " + a)
	}
	b.WriteString(">\n")
	var children []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		children = append(children, c)
	}
	pre := n.DataAtom == atom.Textarea || n.DataAtom == atom.Pre
	keepLead := n.PrevSibling != nil && n.PrevSibling.Type == html.TextNode &&
		!endsInSpace(n.PrevSibling.Data)
	keepTrail := n.NextSibling != nil && n.NextSibling.Type == html.TextNode &&
		!startsWithSpace(n.NextSibling.Data)
	writeNodes(b, children, depth+1, pre, keepLead, keepTrail)
}

func endsInSpace(s string) bool {
	return s == "" || strings.TrimRight(s, " \t\n\r\f") != s
}

func startsWithSpace(s string) bool {
	return s == "" || strings.TrimLeft(s, " \t\n\r\f") != s
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// firstDifference describes where two canonical forms first differ.
func firstDifference(want, got string) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			from := max(0, i-3)
			ctx := strings.Join(wl[from:i], "\n")
			return fmt.Sprintf("line %d:\n  context:\n%s\n  want: %s\n  got:  %s", i+1, ctx, w, g)
		}
	}
	return "no difference"
}

func TestCanonicalHTML(t *testing.T) {
	same := [][2]string{
		{`<a class="x  y" href="#" id="a">Hi</a>`, "<a id=\"a\" href=\"#\" class=\"x\ny\">\n  Hi\n</a>"},
		{`<input disabled>`, `<input disabled="">`},
		{`<input id="a" id="b">`, `<input id="a">`},
		{`<p><span>Error:</span> Bad</p>`, "<p>\n  <span>Error:</span>   Bad\n</p>"},
	}
	for _, c := range same {
		a, _ := canonicalHTML(c[0])
		b, _ := canonicalHTML(c[1])
		if a != b {
			t.Errorf("%q and %q should compare equal:\n%s\n%s", c[0], c[1], a, b)
		}
	}
	different := [][2]string{
		{`<a class="x y">Hi</a>`, `<a class="y x">Hi</a>`},
		{`<a class="x">Hi</a>`, `<a class="x" href="#">Hi</a>`},
		{`<a>Hi</a>`, `<a>Hello</a>`},
		{`<p><span>Error:</span> Bad</p>`, `<p><span>Error:</span>Bad</p>`},
		{`<a>Previous<span> page</span></a>`, `<a>Previous<span>page</span></a>`},
		{`<textarea>a\nb</textarea>`, `<textarea>a b</textarea>`},
		{`<div><p>x</p></div>`, `<div><span>x</span></div>`},
	}
	for _, c := range different {
		a, _ := canonicalHTML(c[0])
		b, _ := canonicalHTML(c[1])
		if a == b {
			t.Errorf("%q and %q should differ", c[0], c[1])
		}
	}
}
