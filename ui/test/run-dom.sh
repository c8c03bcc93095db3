#!/usr/bin/env bash
# The UI component tests: every ui/src/**/*.dom.tsx, in a bun test run of
# their own with a DOM (happy-dom) and Solid's browser build (see dom.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(find ui/src -name '*.dom.tsx' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no UI component tests found" >&2; exit 1; }
exec bun test --conditions browser --preload ./ui/test/dom.ts "${files[@]/#/./}"
