#!/usr/bin/env bash
# Checks that dist/mpr works on its own, from a folder outside the checkout:
# `mpr --help`, `mpr start` (status API, the UI's index.html and one of its
# assets, a detect job through the API), `mpr health`, a one-shot
# `mpr transcode` of a corpus file, and a one-shot `mpr detect` of a short
# clip with an invented brand drawn on it. Detection needs sharp, onnxruntime
# and the OCR models, which the binary carries and writes to a cache folder on
# first use (src/native): the first and a later start are timed.
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
# The bare environment must not find the checkout's packages by walking up.
for d in "$work" "$(dirname "$work")" /; do [ ! -e "$d/node_modules" ] || fail "$d/node_modules exists: the check would not prove the binary needs none"; done

# A 5 s clip of corpus footage with an invented brand on a board from 1 s to 4 s,
# and a brand list naming it and one that is never shown.
brand=FLORVANE
absent=QUENTARO
footage="${MPR_CHECK_FOOTAGE:-$repo/../shared/corpus/video/mdn_flower.mp4}"
[ -f "$footage" ] || fail "corpus file $footage is missing (set MPR_CHECK_FOOTAGE)"
font="${MPR_TEST_FONT:-}"
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf /usr/share/fonts/dejavu/DejaVuSans-Bold.ttf /usr/share/fonts/TTF/DejaVuSans-Bold.ttf; do
  [ -n "$font" ] || [ ! -f "$f" ] || font="$f"
done
[ -n "$font" ] && [ -f "$font" ] || fail "DejaVu Sans Bold not found: apt-get install fonts-dejavu-core (or set MPR_TEST_FONT to a bold TTF)"
mkdir -p "$work/data/media/in"
printf '%s' "$brand" >"$work/brand.txt"
board="drawbox=x=80:y=470:w=520:h=100:color=0xFFD400:t=fill:enable='between(t,1,4)'"
board+=",drawtext=fontfile=$font:textfile=$work/brand.txt:fontsize=64:fontcolor=0x111111:x=110:y=490:enable='between(t,1,4)'"
t=$(now)
ffmpeg -hide_banner -loglevel error -nostdin -y -stream_loop -1 -i "$footage" \
  -vf "fps=25,scale=1280:720,setsar=1,$board,format=yuv420p" -frames:v 125 -c:v libx264 -preset ultrafast -crf 20 -an \
  "$work/data/media/in/clip.mp4" || fail "ffmpeg could not make the detection clip"
printf '[{ "name": "%s" }, { "name": "%s" }]\n' "$brand" "$absent" >"$work/brands.json"
say "ok: made a 5 s clip showing $brand ($(since "$t") s)"
# Nothing from the checkout: a bare environment, run from an empty folder.
bare_env=(env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$work" MPR_DATA="$work/data" LOG_LEVEL=info)
run() { "${bare_env[@]}" "$@"; }

t=$(now)
run ./mpr --help | grep -q 'Usage: mpr' || fail "mpr --help"
say "ok: mpr --help ($(since "$t") s)"

t=$(now)
# exec: $! is then mpr itself, not a subshell running `run` (killing that left mpr running).
(exec "${bare_env[@]}" PORT=0 MPR_ADMIN_PASSWORD=check-binary-admin-1 ./mpr start) >"$work/server.log" 2>&1 &
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

# The API wants a caller: the first admin, whose password the server was started with.
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
token="$(curl -fsS -H 'content-type: application/json' -d '{"email":"admin@localhost","password":"check-binary-admin-1"}' "$base/api/auth/login" | field accessToken)" ||
  fail "POST /api/auth/login"
[ -n "$token" ] || fail "POST /api/auth/login gave no access token"
api() { curl -fsS -X "$1" -H "authorization: Bearer $token" -H 'content-type: application/json' "${@:3}" "$base$2"; }

status="$(api GET /api/system/status)" || fail "GET /api/system/status"
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
code="$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $token" "$base/api/no-such-route")"
[ "$code" = 404 ] || fail "unknown API route answered $code"
say "ok: SPA fallback, API 404"

# A detect job in the server: the same native loading as `mpr detect`, in the job runner and the OCR workers.
t=$(now)
api POST /api/assets/scan -d '{}' >/dev/null || fail "POST /api/assets/scan"
asset="$(api GET '/api/assets?q=clip' | field id)"
[ -n "$asset" ] || fail "the scan registered no clip.mp4"
for _ in $(seq 1 150); do api GET "/api/assets/$asset" | grep -q '"status":"ready"' && break; sleep 0.2; done
timeline="$(api POST /api/detect/timeline -d "{\"name\":\"check\",\"picks\":[{\"assetId\":\"$asset\",\"start\":0,\"end\":5}]}" | field id)" ||
  fail "POST /api/detect/timeline"
list="$(api POST /api/detect/brands -d "{\"name\":\"check\",\"brands\":$(cat "$work/brands.json")}" | field id)" || fail "POST /api/detect/brands"
job="$(api POST /api/detect/run -d "{\"timelineId\":\"$timeline\",\"profile\":\"generic_broadcast\",\"brandListId\":\"$list\"}" | field jobId)" ||
  fail "POST /api/detect/run"
state=""
for _ in $(seq 1 240); do
  state="$(api GET "/api/detect/status/$job" | grep -o '"status":"[A-Z_]*"' | head -1 | cut -d'"' -f4)"
  case "$state" in COMPLETED | FAILED | CANCELLED) break ;; esac
  sleep 0.5
done
api GET "/api/detect/jobs/$job" >"$work/job.json" || fail "GET /api/detect/jobs/$job"
[ "$state" = COMPLETED ] || fail "detect job $job ended ${state:-unfinished}: $(field error <"$work/job.json")"
grep -q "\"brand\":\"$brand\"" "$work/job.json" || fail "detect job $job did not find $brand: $(head -c 2000 "$work/job.json")"
grep -q "\"brand\":\"$absent\"" "$work/job.json" && fail "detect job $job reports $absent, which the clip never shows"
say "ok: mpr start ran detect job $job, found $brand ($(since "$t") s)"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

[ -f "$corpus" ] || fail "corpus file $corpus is missing (set MPR_CHECK_CORPUS)"
t=$(now)
run ./mpr transcode "$corpus" --out "$work/out" >"$work/transcode.log" 2>&1 || { tail -n 20 "$work/transcode.log" >&2; fail "mpr transcode"; }
[ -s "$work/out/hls/master.m3u8" ] || fail "mpr transcode wrote no hls/master.m3u8"
say "ok: mpr transcode $(basename "$corpus") ($(since "$t") s, $(find "$work/out" -type f | wc -l) files)"
# One-shot detection with a cold cache (a folder of its own), then the cost of
# loading the native libraries on their own: `mpr detect` of a missing file
# loads them (its module does) before it finds the file is not there.
t=$(now)
run XDG_CACHE_HOME="$work/cache-cli" ./mpr detect "$work/data/media/in/clip.mp4" --profile generic_broadcast --brands "$work/brands.json" --out "$work/report.json" \
  >"$work/detect.log" 2>&1 || { tail -n 30 "$work/detect.log" >&2; fail "mpr detect"; }
[ -s "$work/report.json" ] || fail "mpr detect wrote no report.json"
grep -q "\"brand\": \"$brand\"" "$work/report.json" || { tail -n 20 "$work/detect.log" >&2; fail "mpr detect did not find $brand (report.json above)"; }
grep -q "\"brand\": \"$absent\"" "$work/report.json" && fail "mpr detect reports $absent, which the clip never shows"
say "ok: mpr detect found $brand ($(since "$t") s, cold native cache)"
ls -d "$work/cache-cli/mpr/native/sharp-"* "$work/cache-cli/mpr/native/onnxruntime-"* >/dev/null 2>&1 || fail "no native cache folders under $work/cache-cli/mpr/native"

starts=()
for label in first later; do
  t=$(now)
  out="$(run XDG_CACHE_HOME="$work/cache-start" ./mpr detect "$work/no-such.mp4" --profile generic_broadcast --brands "$work/brands.json" 2>&1)" && fail "mpr detect of a missing file succeeded"
  grep -q 'no such file' <<<"$out" || fail "mpr detect of a missing file: $out"
  starts+=("$label $(since "$t") s")
done
t=$(now)
run ./mpr --help >/dev/null
say "ok: native libraries load: ${starts[0]} (writes $(du -sm "$work/cache-start" | cut -f1) MiB), ${starts[1]}; mpr --help $(since "$t") s"
say "all checks passed"
