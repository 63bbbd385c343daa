#!/usr/bin/env bash
# Prepares everything the browser tests in e2e/ need, without downloading
# anything from outside Debian's packages and the npm registry:
#
#   1. Debian's Chromium at /usr/bin/chromium (apt-get).
#   2. e2e/node_modules from e2e/package-lock.json (npm ci): playwright-core
#      1.52.0 (the driver playwright-go v0.5200.1 expects) and axe-core.
#   3. e2e/.driver/, the driver folder handed to playwright.Run:
#        .driver/package -> ../node_modules/playwright-core  (has cli.js)
#        .driver/node    -> the system node
#      playwright-go runs "<node> <dir>/package/cli.js --version" and expects
#      the output to contain 1.52.0; it uses $PLAYWRIGHT_NODEJS_PATH as node
#      when set, otherwise <dir>/node.
#
# Idempotent: run it as often as you like; it only does work that is missing.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHROMIUM=/usr/bin/chromium
PW_VERSION=1.52.0

log() { printf 'e2e/setup.sh: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		log "need root (or sudo) to run: $*"
		exit 1
	fi
}

# 1. Chromium ---------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
	log "installing Debian's chromium"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
if [ ! -x "$CHROMIUM" ]; then
	log "$CHROMIUM is still missing after apt-get install chromium"
	exit 1
fi

# 2. node_modules -----------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	log "installing Debian's nodejs and npm"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi
NODE="$(command -v node || true)"
if [ -z "$NODE" ] || ! command -v npm >/dev/null 2>&1; then
	log "node and npm are still missing after apt-get install nodejs npm"
	exit 1
fi

installed_pw_version() {
	local pj="$E2E_DIR/node_modules/playwright-core/package.json"
	[ -f "$pj" ] && "$NODE" -p "require(process.argv[1]).version" "$pj" 2>/dev/null || true
}

stamp="$E2E_DIR/node_modules/.package-lock.json"
if [ ! -d "$E2E_DIR/node_modules" ] ||
	[ ! -f "$stamp" ] ||
	[ "$E2E_DIR/package-lock.json" -nt "$stamp" ] ||
	[ ! -f "$E2E_DIR/node_modules/axe-core/axe.min.js" ] ||
	[ "$(installed_pw_version)" != "$PW_VERSION" ]; then
	log "npm ci"
	(cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund)
	# npm ci may keep the lock's old mtime on the stamp; make it newer so the
	# next run sees node_modules as fresh.
	touch "$stamp"
fi
if [ "$(installed_pw_version)" != "$PW_VERSION" ]; then
	log "node_modules/playwright-core is not $PW_VERSION (check package.json)"
	exit 1
fi

# 3. Driver folder ----------------------------------------------------------
DRIVER="$E2E_DIR/.driver"
mkdir -p "$DRIVER"
ln -sfn ../node_modules/playwright-core "$DRIVER/package"
ln -sfn "$NODE" "$DRIVER/node"

out="$("$DRIVER/node" "$DRIVER/package/cli.js" --version 2>&1)" || {
	log "driver check failed: $out"
	exit 1
}
case "$out" in
*"$PW_VERSION"*) ;;
*)
	log "driver reports '$out', want $PW_VERSION"
	exit 1
	;;
esac

log "ready: chromium $("$CHROMIUM" --version 2>/dev/null | tr -d '\n' || echo '?'), driver $out, node $("$NODE" --version)"
