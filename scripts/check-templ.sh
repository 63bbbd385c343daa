#!/usr/bin/env bash
# Fails when a generated *_templ.go file differs from what its .templ
# source generates now (without touching the working tree).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while IFS= read -r f; do
  want=$(go tool templ generate -f "$f" -stdout 2>/dev/null) || { echo "templ cannot generate $f"; status=1; continue; }
  got_file="${f%.templ}_templ.go"
  if [[ ! -f $got_file ]] || [[ "$want" != "$(cat "$got_file")" ]]; then
    echo "out of date: $got_file (run: make generate)"
    status=1
  fi
done < <(find . -name '*.templ' -not -path './assets/node_modules/*' -not -path './e2e/node_modules/*' | sort)
exit $status
