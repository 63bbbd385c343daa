#!/usr/bin/env bash
# Every Go test, as make test runs them (inside scripts/pg-test.sh run, so
# that each store test also runs on PostgreSQL), in three steps:
#
# 1. With the race detector, the packages whose code runs goroutines side
#    by side: the domain (cheap), the store (the single writer, its units
#    of work, instances listening to one another, the background jobs),
#    the notification worker and the web server (read slots, sessions, the
#    page cache under concurrent requests).
# 2. Without it, every other package but the browser tests: among them the
#    handlers', which drive one request at a time through httptest (the
#    handlers start no goroutine of their own), so the detector had
#    nothing to watch there, while modernc's SQLite, being Go, is
#    instrumented with the rest (about ten times slower): they took two
#    thirds of the race step's CPU for no finding.
# 3. The browser tests (-tags e2e), then the sign-in and a move journey
#    again against a server on PostgreSQL.
#
# Under -race the store's tests are the long pole: they run in two
# halves, each half its own process, beside the other packages, so that
# neither core sits idle while one finishes. Of the web server's tests,
# those that run requests side by side, or hand state between instances,
# sessions and the page cache (webRace below), run under the detector;
# every web test runs without it in step 2. Under -race the web package
# took 251 s alone on an idle machine (182 s of it in tests that send one
# request at a time, mostly inside modernc's SQLite, instrumented like the
# rest), against 20 s without. Every other test runs exactly once (the
# two PostgreSQL journeys once more); the exit status is non-zero if any
# part fails.
set -uo pipefail
GO=${GO:-go}
flags=(-race -count=1 -timeout 40m)

anchored() {
	local IFS='|'
	echo "^($*)\$"
}

pids=()
# halves runs a package's tests in two processes: every other test.
halves() {
	local pkg=$1 tests half=() other=() i
	mapfile -t tests < <($GO test -race -list '.*' "$pkg" | grep -E '^(Test|Fuzz|Example)')
	if [ "${#tests[@]}" -lt 2 ]; then
		echo "go-tests: could not list the tests of $pkg" >&2
		exit 1
	fi
	for i in "${!tests[@]}"; do
		if ((i % 2)); then other+=("${tests[i]}"); else half+=("${tests[i]}"); fi
	done
	$GO test "${flags[@]}" -run "$(anchored "${half[@]}")" "$pkg" &
	pids+=($!)
	$GO test "${flags[@]}" -run "$(anchored "${other[@]}")" "$pkg" &
	pids+=($!)
}

# The web tests run under the race detector: those that run requests side
# by side on one server (read slots, a graceful shutdown mid-request) and
# those that follow a change through the caches, sessions and instances.
# (The route table and the CSRF check run their subtests in parallel for
# speed, each on a server of its own: nothing shared for the detector.)
webRace=(TestReadSlotsHoldReadsNotWrites TestGracefulShutdownLetsRequestsFinish TestAdministratorsChangesTakeEffectAtOnce
	TestSessionsAcrossInstances TestSessionCookieLifecycle TestTestResetPutsTheDemoBack)

# The packages of each step, from one list, so that none falls between.
module=$($GO list -m)
mapfile -t all < <($GO list ./...)
race=() plain=()
for p in "${all[@]}"; do
	case ${p#"$module"} in
	/e2e) ;;
	/store) ;; # in halves below
	/web) plain+=("$p") ;; # webRace under the detector too, below
	/moves | /moves/* | /store/* | /notify | /notify/* | /web/* | /handlers/serve) race+=("$p") ;;
	*) plain+=("$p") ;;
	esac
done

# short names a list of packages as paths in the module, for the log.
short() {
	local p
	for p in "$@"; do printf ' .%s' "${p#"$module"}"; done
}

# A listed web test that no longer exists would leave its race coverage
# behind without a word.
mapfile -t webTests < <($GO test -list '.*' ./web | grep -E '^Test')
for n in "${webRace[@]}"; do
	if ! printf '%s\n' "${webTests[@]}" | grep -qx "$n"; then
		echo "go-tests: $n, listed in webRace, is not a test of ./web" >&2
		exit 1
	fi
done

echo "go-tests: with the race detector: ./store ./web (${#webRace[@]} tests)$(short "${race[@]}")"
halves ./store
$GO test "${flags[@]}" -run "$(anchored "${webRace[@]}")" ./web &
pids+=($!)
$GO test "${flags[@]}" "${race[@]}" &
pids+=($!)
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done

echo "go-tests: without it:$(short "${plain[@]}")"
$GO test -count=1 -timeout 40m "${plain[@]}" || rc=1

# One process each: on two cores Chromium (axe-core on every page,
# layout) keeps both busy, so dealing the tests out to three processes
# took 282 s against 265 s for one.
echo "go-tests: the browser tests"
$GO test -tags e2e -count=1 -timeout 40m ./e2e || rc=1
echo "go-tests: sign-in and a move journey against a server on PostgreSQL"
SECUREMOVE_E2E_PG=1 $GO test -tags e2e -count=1 -timeout 40m \
	-run '^(TestSignIn|TestRequestCourtAppearanceByCustodyOfficer)$' ./e2e || rc=1
exit $rc
