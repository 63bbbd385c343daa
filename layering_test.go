package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/securemove/securemove"

// projectImports maps each package folder of the project (as a path
// under the module) to the project packages its non-test Go files import.
func projectImports(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for pkg, deps := range allImports(t) {
		out[pkg] = map[string]bool{}
		for p := range deps {
			if p == module {
				out[pkg]["."] = true
			} else if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				out[pkg][rest] = true
			}
		}
	}
	return out
}

// allImports maps each package folder of the project to every import
// path, the project's and others', of its non-test Go files.
func allImports(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if out[pkg] == nil {
			out[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out[pkg][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// under reports whether pkg is dir or inside it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// TestLayering holds the project to its one direction of imports:
// main → web → handlers → views, store → moves. moves imports nothing of
// the project; views never reach up into handlers or web; store never
// reaches into handlers, views or web; handlers never into web.
func TestLayering(t *testing.T) {
	imports := projectImports(t)
	if len(imports["moves"]) == 0 && len(imports["handlers"]) == 0 {
		t.Fatal("found no packages: is the test running at the module's root?")
	}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"moves", []string{"store", "handlers", "views", "web", "static", "bench", "."}},
		{"views", []string{"handlers", "web", "store", "."}},
		{"store", []string{"handlers", "views", "web", "."}},
		{"handlers", []string{"web", "."}},
		{"web", []string{"."}},
	}
	checked := 0
	for pkg, deps := range imports {
		if pkg == "handlers/handlertest" {
			// The handler tests' harness starts the whole server; only
			// test files may import it (checked below).
			continue
		}
		if deps["handlers/handlertest"] {
			t.Errorf("%s imports handlers/handlertest, which is for tests only", pkg)
		}
		for _, r := range rules {
			if !under(pkg, r.pkg) {
				continue
			}
			checked++
			for dep := range deps {
				for _, f := range r.forbidden {
					if f == "." && dep == "." || f != "." && under(dep, f) {
						t.Errorf("%s imports %s: %s must not depend on %s", pkg, dep, r.pkg, f)
					}
				}
			}
		}
	}
	if len(imports["moves"]) > 0 {
		t.Errorf("moves imports project packages %v; it must import none", imports["moves"])
	}
	if checked < 5 {
		t.Errorf("only %d packages checked", checked)
	}
}

// audienceOf names the handler package pkg belongs to: the staff pages
// (handlers), the supplier API (handlers/api), the administration
// (handlers/admin), or the plumbing they share (handlers/serve); "" for
// anything else, the test harness included.
func audienceOf(pkg string) string {
	switch {
	case pkg == "handlers/handlertest" || !under(pkg, "handlers"):
		return ""
	case under(pkg, "handlers/api"):
		return "handlers/api"
	case under(pkg, "handlers/admin"):
		return "handlers/admin"
	case under(pkg, "handlers/serve"):
		return "handlers/serve"
	}
	return "handlers"
}

// TestAudiences holds the handlers apart by audience: the staff pages, the
// supplier API and the administration each import only the shared
// plumbing (handlers/serve), never one another; the plumbing imports none
// of them.
func TestAudiences(t *testing.T) {
	imports := projectImports(t)
	for _, p := range []string{"handlers", "handlers/api", "handlers/admin", "handlers/serve"} {
		if imports[p] == nil {
			t.Fatalf("no package %s: is the test running at the module's root?", p)
		}
	}
	for _, p := range []string{"handlers", "handlers/api", "handlers/admin"} {
		if !imports[p]["handlers/serve"] {
			t.Errorf("%s does not import handlers/serve: the rule below would check nothing", p)
		}
	}
	for pkg, deps := range imports {
		a := audienceOf(pkg)
		if a == "" {
			continue
		}
		for dep := range deps {
			b := audienceOf(dep)
			if b == "" || b == a || b == "handlers/serve" && a != "handlers/serve" {
				continue
			}
			t.Errorf("%s imports %s: %s must not depend on %s", pkg, dep, a, b)
		}
	}
}

// TestSessionsInWeb keeps how sessions are kept (gorilla's cookie store,
// its keys, the CSRF check) in the server's assembly: handlers read and
// write a session only through serve.Sessions.
func TestSessionsInWeb(t *testing.T) {
	found := false
	for pkg, deps := range allImports(t) {
		for _, lib := range []string{"github.com/gorilla/sessions", "github.com/gorilla/securecookie"} {
			if !deps[lib] {
				continue
			}
			if pkg == "web" {
				found = true
				continue
			}
			t.Errorf("%s imports %s: sessions are assembled in web only", pkg, lib)
		}
	}
	if !found {
		t.Error("web does not import github.com/gorilla/sessions: the rule above would check nothing")
	}
}
