#!/usr/bin/env bash
# The browser tests on SQLite, in E2E_SHARDS processes at once (1 unless
# set), beside one more that runs the sign-in and a move journey against
# a server on PostgreSQL (SECUREMOVE_E2E_PG=1; make test provides the
# cluster), which spends most of its time waiting for the network.
#
# Each process has its own Playwright driver and Chromium, so no
# Playwright object is shared between goroutines; the tests are dealt out
# one by one in the order go test lists them. On two cores more than one
# process gains nothing, since Chromium (axe-core on every page, layout)
# keeps both busy: three took 282 s where one took 265 s. On a machine
# with more cores, E2E_SHARDS=4 spreads them. Every test runs exactly
# once on SQLite; each process's output is printed whole, after it ends,
# so that a failure's log is never interleaved with another's; the exit
# status is non-zero if any part fails or the tests cannot be listed.
set -uo pipefail
GO=${GO:-go}
shards=${E2E_SHARDS:-1}
flags=(-tags e2e -count=1 -timeout 40m)
pg_tests='^(TestSignIn|TestRequestCourtAppearanceByCustodyOfficer)$'

mapfile -t tests < <($GO test "${flags[@]}" -list '.*' ./e2e | grep -E '^(Test|Fuzz|Example)')
if [ "${#tests[@]}" -lt "$shards" ]; then
	echo "e2e-tests: could not list the browser tests (found ${#tests[@]})" >&2
	exit 1
fi

anchored() {
	local IFS='|'
	echo "^($*)\$"
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
names=()
for ((s = 0; s < shards; s++)); do
	part=()
	for i in "${!tests[@]}"; do
		if ((i % shards == s)); then part+=("${tests[i]}"); fi
	done
	$GO test "${flags[@]}" -run "$(anchored "${part[@]}")" ./e2e >"$out/$s" 2>&1 &
	pids+=($!)
	names+=("e2e, part $((s + 1)) of $shards: ${part[*]}")
done
SECUREMOVE_E2E_PG=1 $GO test "${flags[@]}" -run "$pg_tests" ./e2e >"$out/pg" 2>&1 &
pids+=($!)
names+=("e2e against a server on PostgreSQL: $pg_tests")

rc=0
for i in "${!pids[@]}"; do
	if wait "${pids[i]}"; then status=ok; else status=FAILED; rc=1; fi
	echo "== ${names[i]}: $status"
	file="$out/$i"
	if ((i == ${#pids[@]} - 1)); then file="$out/pg"; fi
	cat "$file"
done
exit $rc
