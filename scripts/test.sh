#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing (chromium
# included, for the browser tests), checks format and lint (Biome),
# type-checks server and UI, then `bun test`
# (its preload starts a private redis-server on a free loopback port and
# fails the run loudly if it cannot) and the UI component tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
# Format and lint (biome.jsonc): a file that is not formatted, or breaks a rule, fails here.
./node_modules/.bin/biome check .
bunx tsc --noEmit -p .
bunx tsc --noEmit -p ui
# With arguments, run just those tests; without, everything, then the UI
# component tests (a run of their own: their DOM must not touch the server tests).
# Tests that run ffmpeg, OCR or a browser name their own limits; the rest get a
# minute, so a busy 2-core machine slows them down without failing them.
if [ $# -gt 0 ]; then exec bun test --timeout 60000 "$@"; fi
bun test --timeout 60000
exec ui/test/run-dom.sh
