package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/securemove/securemove/bench/bulk"
)

// runProfile serves one kind of request in-process (web.New on a copy of
// a cached database, no network) from 32 goroutines (PROFILE_CLIENTS) for
// a few seconds (PROFILE_SECONDS) under the CPU profiler, and prints where
// the time goes. At one client the time per request is the latency a
// single user sees, without the cost of sharing the engine:
//
//	go run ./bench profile <kind> [moves]
//
// where kind is one of profileKinds. PROFILE_EVENTS_PER_SECOND posts
// keyed events meanwhile, as on a busy day, and counts them in the profile.
//
// The profile is kept in bench/out/<kind>.pprof for `go tool pprof`.
func runProfile(ctx context.Context, kind string, n int, secs int) error {
	clients := envInt("PROFILE_CLIENTS", 32)
	p, err := openInProcess(ctx, n, "profile")
	if err != nil {
		return err
	}
	defer p.Close()
	serve := p.serve
	mk, err := p.requests(ctx, kind)
	if err != nil {
		return err
	}
	if rec := serve(mk()); rec.Code >= 300 {
		return fmt.Errorf("%s answered %d: %s", kind, rec.Code, firstLine(rec.Body.String()))
	}
	path := outPath(kind + ".pprof")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	var wg sync.WaitGroup
	var count, bad int64
	var cmu sync.Mutex
	// PROFILE_EVENTS_PER_SECOND posts keyed events to moves meanwhile, as
	// suppliers do on a busy day: each commit is a change every reading
	// connection sees when it next begins.
	if rate := envInt("PROFILE_EVENTS_PER_SECOND", 0); rate > 0 {
		ev, err := p.requests(ctx, "events")
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(time.Second / time.Duration(rate))
			defer t.Stop()
			for time.Now().Before(deadline) {
				<-t.C
				if rec := serve(ev()); rec.Code >= 300 {
					cmu.Lock()
					bad++
					cmu.Unlock()
				}
			}
		}()
	}
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				rec := serve(mk())
				cmu.Lock()
				count++
				if rec.Code >= 300 {
					bad++
				}
				cmu.Unlock()
			}
		}()
	}
	wg.Wait()
	pprof.StopCPUProfile()
	f.Close()
	fmt.Printf("%s: %d requests in %d s in-process from %d clients (%.0f/s, %.0f µs each), %d not 2xx; profile in %s\n\n",
		kind, count, secs, clients, float64(count)/float64(secs), float64(secs)*1e6*float64(clients)/float64(count), bad, path)
	out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=45", path).CombinedOutput()
	fmt.Println(string(out))
	return err
}

// inProcessSignIn signs a user in through the handler and chooses a
// location, returning the Cookie header.
func inProcessSignIn(serve func(*http.Request) *httptest.ResponseRecorder, username, location string) (string, error) {
	csrfRE := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	cookie := ""
	merge := func(rec *httptest.ResponseRecorder) {
		jar := map[string]string{}
		for _, p := range strings.Split(cookie, "; ") {
			if k, v, ok := strings.Cut(p, "="); ok {
				jar[k] = v
			}
		}
		for _, c := range rec.Result().Cookies() {
			jar[c.Name] = c.Value
		}
		var parts []string
		for k, v := range jar {
			parts = append(parts, k+"="+v)
		}
		cookie = strings.Join(parts, "; ")
	}
	get := func(u string) (string, error) {
		r := httptest.NewRequest(http.MethodGet, u, nil)
		r.Header.Set("Cookie", cookie)
		rec := serve(r)
		merge(rec)
		m := csrfRE.FindStringSubmatch(rec.Body.String())
		if m == nil {
			return "", fmt.Errorf("GET %s: %d, no CSRF token", u, rec.Code)
		}
		return m[1], nil
	}
	post := func(u string, form url.Values) error {
		r := httptest.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Cookie", cookie)
		rec := serve(r)
		merge(rec)
		if rec.Code != http.StatusSeeOther {
			return fmt.Errorf("POST %s: %d", u, rec.Code)
		}
		return nil
	}
	csrf, err := get("/sign-in")
	if err != nil {
		return "", err
	}
	if err := post("/sign-in", url.Values{"username": {username}, "password": {bulk.BulkPassword}, "_csrf": {csrf}}); err != nil {
		return "", err
	}
	if location != "" {
		if csrf, err = get("/locations"); err != nil {
			return "", err
		}
		if err := post("/locations", url.Values{"location": {location}, "next": {"/"}, "_csrf": {csrf}}); err != nil {
			return "", err
		}
	}
	return cookie, nil
}
