# Book a secure move. `make run` serves the demo; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/securemove

.PHONY: run build generate assets check test test-go test-unit test-e2e e2e-deps bench load crash fuzz clean

run: build ## build and serve on http://localhost:8080 with demo data
	./$(BIN) -demo

build:
	$(GO) build -o $(BIN) .

generate: ## regenerate the templ components
	$(GO) tool templ generate

assets: ## rebuild GOV.UK and MOJ Frontend assets into static/dist (needs Node)
	bash assets/build.sh

check: ## gofmt, go vet and generated templ files up to date
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './*/node_modules/*')); \
	  if [[ -n $$out ]]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e
	bash scripts/check-templ.sh

e2e-deps: ## install Chromium and playwright-core for the browser tests
	bash e2e/setup.sh

# The tests run on SQLite and on PostgreSQL: scripts/pg-test.sh starts a
# throwaway cluster (installing Debian's postgresql if need be), sets
# SECUREMOVE_TEST_PG and SECUREMOVE_REQUIRE_PG=1 (a PostgreSQL test that
# cannot run fails, never skips), and stops the cluster whatever happens.
test: check e2e-deps ## every test, browser tests included, on SQLite and on a throwaway PostgreSQL cluster
	bash scripts/pg-test.sh run -- $(MAKE) --no-print-directory test-go

# scripts/go-tests.sh says which packages run with the race detector, and
# why.
test-go:
	GO=$(GO) bash scripts/go-tests.sh

test-unit:
	bash scripts/pg-test.sh run -- $(GO) test -count=1 -timeout 40m $$($(GO) list ./... | grep -v /e2e)

test-e2e: e2e-deps
	$(GO) test -tags e2e -count=1 -timeout 40m -v ./e2e

clean:
	rm -rf bin

# --- Measuring tools (issue 6): each prints a table; see bench/main.go ---
# Databases, the built binary, server logs and bench/out/report.md go in
# bench/out (cached databases are reused; delete the folder to rebuild).
# PostgreSQL: SECUREMOVE_BENCH_PG=postgres://… (an empty server to create
# databases on; never restarted), else a throwaway cluster of
# scripts/pg-test.sh (Debian's postgresql, installed if missing).
FUZZTIME     ?= 20s
LOAD_SECONDS ?= 60
CRASH_KILLS  ?= 10

bench: ## benchmarks at 10k, 100k and 1M moves on SQLite, 10k and 100k again on PostgreSQL side by side, notifications included (BENCH_QUICK=1: 10k only; BENCH_PG=0: SQLite only); writes bench/out/report.md
	BENCH_QUICK=$(BENCH_QUICK) $(GO) run ./bench bench

load: ## mixed load, 64 clients for LOAD_SECONDS (60), on SQLite, then on two instances sharing one PostgreSQL (LOAD_RUNS); fails on any 5xx or unexpected status, or a change seen through the other instance after more than a second
	LOAD_SECONDS=$(LOAD_SECONDS) $(GO) run ./bench load

crash: ## SIGKILL the server CRASH_KILLS (10) times while events are posted, on SQLite, with notifications, and on PostgreSQL whose server crashes too (CRASH_RUNS); checks every acknowledged event survives and is notified
	CRASH_KILLS=$(CRASH_KILLS) $(GO) run ./bench crash

fuzz: ## every fuzz target for FUZZTIME (20s) each, with its seed corpus
	FUZZTIME=$(FUZZTIME) $(GO) run ./bench fuzz
