#!/usr/bin/env bash
# Checks that dist/mpr works on its own, from a folder outside the checkout:
# `mpr --help`, `mpr start` (status API, the UI's index.html and one of its
# assets), `mpr health`, and a one-shot `mpr transcode` of a corpus file.
# Builds first when dist/mpr is missing or older than the sources (arguments
# go to scripts/build.ts, e.g. --skip-ui-build); --rebuild always builds.
# Exits non-zero on the first failure, printing the server log.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
corpus="${MPR_CHECK_CORPUS:-$repo/../shared/corpus/video/androidx_sample.mp4}"

say() { printf '[check-binary] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

rebuild=0
build_args=()
for a in "$@"; do
  if [ "$a" = "--rebuild" ]; then rebuild=1; else build_args+=("$a"); fi
done
if [ $rebuild -eq 1 ] || [ ! -x dist/mpr ] || [ -n "$(find src ui package.json -newer dist/mpr -type f 2>/dev/null | head -1)" ]; then
  t=$(now)
  bun scripts/build.ts "${build_args[@]}"
  say "build: $(since "$t") s"
fi
say "dist/mpr: $(du -m dist/mpr | cut -f1) MiB"

work="$(mktemp -d "${TMPDIR:-/tmp}/mpr-binary-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  say "FAIL: $*"
  [ -f "$work/server.log" ] && { say "server log:"; tail -n 40 "$work/server.log" >&2; }
  exit 1
}

cp dist/mpr "$work/mpr"
cd "$work"
# Nothing from the checkout: a bare environment, run from an empty folder.
run() { env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$work" MPR_DATA="$work/data" LOG_LEVEL=info "$@"; }

t=$(now)
run ./mpr --help | grep -q 'Usage: mpr' || fail "mpr --help"
say "ok: mpr --help ($(since "$t") s)"

t=$(now)
run PORT=0 ./mpr start >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'listening on http://[^ ]*' "$work/server.log" 2>/dev/null | head -1 | sed 's/.*://')" || true
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "mpr start exited"
  sleep 0.1
done
[ -n "$port" ] || fail "mpr start did not listen within 10 s"
base="http://127.0.0.1:$port"
say "ok: mpr start listening on port $port ($(since "$t") s)"

t=$(now)
run PORT="$port" ./mpr health >/dev/null || fail "mpr health"
say "ok: mpr health ($(since "$t") s)"

status="$(curl -fsS "$base/api/system/status")" || fail "GET /api/system/status"
grep -q '"version"' <<<"$status" || fail "GET /api/system/status: no version in $status"
grep -q '"ffprobe"' <<<"$status" || fail "GET /api/system/status: ffmpeg not found: $status"
say "ok: GET /api/system/status"

curl -fsS -D "$work/index.h" -o "$work/index.html" "$base/" || fail "GET /"
grep -qi '^content-type: text/html' "$work/index.h" || fail "GET /: not text/html"
grep -qi '^cache-control: no-cache' "$work/index.h" || fail "GET /: not no-cache"
grep -q 'not built' "$work/index.html" && fail "GET /: the binary has no UI inside (built with --no-ui?)"
if [ -f "$repo/ui/dist/index.html" ] && [[ " ${build_args[*]:-} " != *" --ui-dist "* ]]; then
  cmp -s "$work/index.html" "$repo/ui/dist/index.html" || fail "GET /: differs from ui/dist/index.html (stale binary? run with --rebuild)"
fi
say "ok: GET / serves index.html"

asset="$(grep -o '/assets/[^"'"'"' >]*' "$work/index.html" | head -1)" || true
[ -n "$asset" ] || fail "index.html names no /assets/ file"
curl -fsS -D "$work/asset.h" -o "$work/asset" "$base$asset" || fail "GET $asset"
grep -qi '^cache-control: .*immutable' "$work/asset.h" || fail "GET $asset: not immutable"
grep -qi '^content-type: text/html' "$work/asset.h" && fail "GET $asset: answered HTML"
say "ok: GET $asset ($(wc -c <"$work/asset") bytes, $(grep -i '^content-type' "$work/asset.h" | tr -d '\r'))"

code="$(curl -s -o /dev/null -w '%{http_code}' -H 'accept: text/html' "$base/jobs/some-client-route")"
[ "$code" = 200 ] || fail "SPA fallback answered $code"
code="$(curl -s -o /dev/null -w '%{http_code}' "$base/api/no-such-route")"
[ "$code" = 404 ] || fail "unknown API route answered $code"
say "ok: SPA fallback, API 404"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

[ -f "$corpus" ] || fail "corpus file $corpus is missing (set MPR_CHECK_CORPUS)"
t=$(now)
run ./mpr transcode "$corpus" --out "$work/out" >"$work/transcode.log" 2>&1 || { tail -n 20 "$work/transcode.log" >&2; fail "mpr transcode"; }
[ -s "$work/out/hls/master.m3u8" ] || fail "mpr transcode wrote no hls/master.m3u8"
say "ok: mpr transcode $(basename "$corpus") ($(since "$t") s, $(find "$work/out" -type f | wc -l) files)"
say "all checks passed"
