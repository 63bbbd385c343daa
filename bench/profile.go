package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// runProfile serves one kind of request in-process (web.New on a copy of
// a cached database, no network) from 32 goroutines for a few seconds
// under the CPU profiler, and prints where the time goes:
//
//	go run ./bench profile day|day-fresh|move|move-fresh|events [moves]
//
// The profile is kept in bench/out/<kind>.pprof for `go tool pprof`.
func runProfile(ctx context.Context, kind string, n int, secs int) error {
	cached, err := seed.Ensure(ctx, outDir, n, logf)
	if err != nil {
		return err
	}
	work := outPath("profile.db")
	if err := copyDB(cached.Path, work); err != nil {
		return err
	}
	st, err := store.Open(ctx, work)
	if err != nil {
		return err
	}
	defer st.Close()
	logLevel := new(slog.LevelVar)
	logLevel.Set(slog.LevelInfo)
	srv := web.New(web.Config{SessionKey: []byte(server.SessionKey), BaseURL: "http://127.0.0.1"}, st,
		slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: logLevel})))
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	meta := cached.Meta
	var mk func() *http.Request
	switch kind {
	case "day", "day-fresh", "move", "move-fresh":
		cookie, err := inProcessSignIn(serve, "bench.pmu", meta.BusyLocationID)
		if err != nil {
			return err
		}
		u := "/moves/incoming/" + meta.Today
		if strings.HasPrefix(kind, "move") {
			u = "/move/" + meta.LongMoveID
		}
		fresh := strings.HasSuffix(kind, "-fresh")
		mk = func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, u, nil)
			r.Header.Set("Cookie", cookie)
			r.Header.Set("Accept-Encoding", "gzip")
			if fresh {
				// Past the page cache: the cost of rendering.
				r.Header.Set("Cache-Control", "no-cache")
			}
			return r
		}
	case "events":
		c, err := server.CreateClient(ctx, outPath("securemove"), work, "serco")
		if err != nil {
			return fmt.Errorf("%w (run make bench once to build bench/out/securemove)", err)
		}
		_, secretID, err := st.AuthenticateClient(ctx, c.ID, c.Secret)
		if err != nil {
			return err
		}
		token, _, err := st.IssueToken(ctx, c.ID, secretID, time.Now(), time.Hour)
		if err != nil {
			return err
		}
		c.Token = token
		ids := meta.SampleMoves[meta.Suppliers["serco"]]
		var i int
		var mu sync.Mutex
		mk = func() *http.Request {
			mu.Lock()
			i++
			id := ids[i%len(ids)]
			mu.Unlock()
			body := server.EventBody("MoveNotifyPremisesOfArrivalIn30Mins", id, time.Now().UTC(), nil)
			r := httptest.NewRequest(http.MethodPost, "/api/events", strings.NewReader(string(body)))
			r.Header.Set("Content-Type", "application/vnd.api+json")
			r.Header.Set("Authorization", "Bearer "+c.Token)
			return r
		}
	default:
		return fmt.Errorf("profile what? day, day-fresh, move, move-fresh or events")
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
	for w := 0; w < 32; w++ {
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
	fmt.Printf("%s: %d requests in %d s in-process (%.0f/s), %d not 2xx; profile in %s\n\n", kind, count, secs,
		float64(count)/float64(secs), bad, path)
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
