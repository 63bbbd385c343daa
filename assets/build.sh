#!/usr/bin/env bash
# Builds the static assets for "Book a secure move" into static/dist.
#
# Node is needed only here, at build time. The output in static/dist is
# committed and embedded by static/static.go, so `go build` needs no Node.
# Re-run this after changing anything in assets/ and commit static/dist.
#
#   bash assets/build.sh
#
# Steps:
#   1. npm ci (only if node_modules is missing or does not match the lockfile)
#   2. Sass: assets/src/app.scss -> static/dist/app.css
#   3. GOV.UK fonts, images and manifest.json, and the MOJ images app.css
#      references -> static/dist/assets/
#   4. esbuild: assets/src/app.js (+ GOV.UK Frontend + MOJ Frontend) ->
#      static/dist/app.js; copies of htmx.min.js, govuk-frontend.min.js,
#      moj-frontend.min.js; js-enabled.js
#   5. static/dist/LICENCES.txt
#   6. checks, then prints sizes
#
# The new tree is built in a temporary directory and swapped in only when
# every step has succeeded.
set -euo pipefail

assets_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$assets_dir")"
static_dir="$repo_dir/static"
dist="$static_dir/dist"

die() {
  echo "build.sh: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || die "node is not installed (needed at build time only)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (needed at build time only)"

cd "$assets_dir"

# 1. Dependencies ------------------------------------------------------------
#
# --ignore-scripts: nothing we use needs an install script. esbuild's binary
# comes from its per-platform npm package (@esbuild/<platform>) and its
# postinstall only re-checks it; @parcel/watcher (optional, used only by
# `sass --watch`) would otherwise try to build from source.
lock_sum="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
stamp="node_modules/.securemove-lock.sha256"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "build.sh: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi

bin="$assets_dir/node_modules/.bin"
govuk="$assets_dir/node_modules/govuk-frontend/dist/govuk"
moj="$assets_dir/node_modules/@ministryofjustice/frontend/moj"
htmx="$assets_dir/node_modules/htmx.org"

htmx_version="$(node -p 'require("htmx.org/package.json").version')"
[[ "$htmx_version" == 2.* ]] || die "htmx.org must be 2.x, found $htmx_version"

# Build into a temporary directory next to dist, swapped in at the end.
mkdir -p "$static_dir"
out="$(mktemp -d "$static_dir/.dist-build.XXXXXX")"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/assets/fonts" "$out/assets/images"

# 2. CSS -----------------------------------------------------------------------
#
# --load-path=. (assets/) rather than --pkg-importer=node: MOJ Frontend's Sass
# loads GOV.UK Frontend as "node_modules/govuk-frontend/dist/govuk/base", which
# only resolves relative to a load path containing node_modules/, and app.scss
# must reach GOV.UK Frontend by the same path so it is one configured module.
echo "build.sh: sass src/app.scss -> static/dist/app.css"
"$bin/sass" \
  --load-path=. \
  --style=compressed \
  --no-source-map \
  --no-error-css \
  --quiet-deps \
  src/app.scss "$out/app.css"

# 3. Fonts and images ------------------------------------------------------------
cp "$govuk"/assets/fonts/*.woff2 "$govuk"/assets/fonts/*.woff "$out/assets/fonts/"
cp "$govuk"/assets/images/* "$out/assets/images/"
cp "$govuk/assets/manifest.json" "$out/assets/manifest.json"

# MOJ images: only those the compiled CSS references.
while IFS= read -r ref; do
  name="${ref#/static/assets/images/}"
  if [[ ! -f "$out/assets/images/$name" ]]; then
    [[ -f "$moj/assets/images/$name" ]] || die "app.css references $ref, found in neither GOV.UK nor MOJ Frontend images"
    cp "$moj/assets/images/$name" "$out/assets/images/$name"
  fi
done < <(grep -oE '/static/assets/images/[A-Za-z0-9._-]+' "$out/app.css" | sort -u)

# Every url() in the CSS must be a file we ship.
while IFS= read -r ref; do
  [[ -f "$out/${ref#/static/}" ]] || die "app.css references $ref, which is not in static/dist"
done < <(grep -oE 'url\("?[^")]*' "$out/app.css" | sed -E 's/^url\("?//' | sort -u)
if grep -oE 'url\("?[^")]*' "$out/app.css" | sed -E 's/^url\("?//' | grep -vE '^(/static/assets/|data:)' | grep -q .; then
  die "app.css has a url() outside /static/assets/: $(grep -oE 'url\("?[^")]*' "$out/app.css" | sed -E 's/^url\("?//' | grep -vE '^(/static/assets/|data:)' | head -3 | tr '\n' ' ')"
fi

# 4. JavaScript ----------------------------------------------------------------
echo "build.sh: esbuild src/app.js -> static/dist/app.js"
"$bin/esbuild" src/app.js \
  --bundle \
  --format=esm \
  --minify \
  --target=es2017 \
  --legal-comments=none \
  --log-level=warning \
  --outfile="$out/app.js"

# Copies of the prebuilt files, without their sourceMappingURL comments (the
# maps are not shipped).
strip_map() {
  sed -E 's@//# sourceMappingURL=[^[:space:]]*$@@' "$1" >"$2"
}
strip_map "$htmx/dist/htmx.min.js" "$out/htmx.min.js"
strip_map "$govuk/govuk-frontend.min.js" "$out/govuk-frontend.min.js"
strip_map "$moj/moj-frontend.min.js" "$out/moj-frontend.min.js"

cp src/js-enabled.js "$out/js-enabled.js"

# 5. Licences ------------------------------------------------------------------
version_of() {
  node -p "require('$1/package.json').version"
}
{
  echo "Third-party software in static/dist"
  echo "==================================="
  echo
  echo "app.js bundles GOV.UK Frontend and MOJ Frontend. app.css is compiled"
  echo "from their Sass. govuk-frontend.min.js, moj-frontend.min.js and"
  echo "htmx.min.js are unmodified copies (source map comments removed)."
  echo
  echo
  echo "GOV.UK Frontend $(version_of govuk-frontend) (govuk-frontend): MIT"
  echo "-----------------------------------------------------------------"
  echo
  cat licences/govuk-frontend.txt
  echo
  echo
  echo "MOJ Frontend $(version_of @ministryofjustice/frontend) (@ministryofjustice/frontend): MIT"
  echo "-----------------------------------------------------------------"
  echo
  cat licences/moj-frontend.txt
  echo
  echo
  echo "htmx $(version_of htmx.org) (htmx.org): 0BSD"
  echo "-----------------------------------------------------------------"
  echo
  cat "$htmx/LICENSE"
  echo
  echo
  echo "GDS Transport font (assets/fonts/*.woff, *.woff2)"
  echo "-----------------------------------------------------------------"
  echo
  echo "Copyright (c) 2011 by Margaret Calvert & Henrik Kubel. All rights"
  echo "reserved. The font has been customised for exclusive use on gov.uk."
  echo "This cut is not commercially available. Shipped with GOV.UK Frontend;"
  echo "services must only use it if they are on a gov.uk domain."
  echo
  echo "GOV.UK Frontend's images (assets/images/govuk-*, favicon.*) are Crown"
  echo "copyright, shipped with GOV.UK Frontend."
} >"$out/LICENCES.txt"

# 6. Checks ----------------------------------------------------------------------
for f in app.css app.js js-enabled.js htmx.min.js govuk-frontend.min.js moj-frontend.min.js LICENCES.txt \
  assets/manifest.json assets/images/favicon.ico assets/images/favicon.svg \
  assets/images/govuk-icon-mask.svg assets/images/govuk-icon-180.png; do
  [[ -s "$out/$f" ]] || die "missing or empty: static/dist/$f"
done
# go:embed skips names starting with "." or "_".
if find "$out" -mindepth 1 \( -name '.*' -o -name '_*' \) | grep -q .; then
  die "static/dist has names starting with . or _ that go:embed would skip"
fi
grep -q "htmx" "$out/htmx.min.js" || die "htmx.min.js looks wrong"
if grep -qE '^(import|export)[ {*]' "$out/js-enabled.js"; then
  die "js-enabled.js must be a classic script"
fi
if grep -qE '(^|[;}])import[ {*]|import\(' "$out/app.js"; then
  die "app.js must not import anything at run time"
fi

find "$out" -type d -exec chmod 755 {} +
find "$out" -type f -exec chmod 644 {} +

# Swap in.
rm -rf "$dist"
mv "$out" "$dist"
trap - EXIT

# Sizes of what a first page downloads (gzip -6, as static.Handler sends).
echo
echo "build.sh: first-page CSS+JS (raw / gzip):"
total_raw=0
total_gz=0
for f in app.css js-enabled.js htmx.min.js app.js; do
  raw=$(wc -c <"$dist/$f")
  gz=$(gzip -6 -c "$dist/$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '  %-16s %8d / %7d\n' "$f" "$raw" "$gz"
done
printf '  %-16s %8d / %7d\n' "total" "$total_raw" "$total_gz"
echo "build.sh: done; commit static/dist"
