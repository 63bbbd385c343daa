#!/usr/bin/env bash
# The race-enabled tests of the packages holding the service's logic
# (moves, store, handlers), using both cores to the end.
#
# Under -race the handlers package is the long pole: its tests drive the
# whole service on a real database, and modernc's SQLite, being Go, is
# instrumented with the rest (about ten times slower than without). Its
# tests run in two halves, each its own process, beside the other
# packages, so that neither core sits idle while one package finishes.
# Every test runs exactly once; the exit status is non-zero if any part
# fails.
set -uo pipefail
GO=${GO:-go}
flags=(-race -count=1 -timeout 40m)

mapfile -t tests < <($GO test -race -list '.*' ./handlers | grep -E '^(Test|Fuzz|Example)')
if [ "${#tests[@]}" -lt 2 ]; then
	echo "race-tests: could not list the handlers tests" >&2
	exit 1
fi
half=(); other=()
for i in "${!tests[@]}"; do
	if ((i % 2)); then other+=("${tests[i]}"); else half+=("${tests[i]}"); fi
done
anchored() {
	local IFS='|'
	echo "^($*)\$"
}

# shellcheck disable=SC2046 # the package list is meant to split
$GO test "${flags[@]}" ./moves/... ./store/... $($GO list ./handlers/... | grep -v '/handlers$') &
rest=$!
$GO test "${flags[@]}" -run "$(anchored "${half[@]}")" ./handlers &
one=$!
$GO test "${flags[@]}" -run "$(anchored "${other[@]}")" ./handlers &
two=$!
rc=0
for p in $rest $one $two; do
	wait "$p" || rc=1
done
exit $rc
