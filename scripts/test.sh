#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, type-checks,
# then `bun test` (its preload starts a private redis-server on a free
# loopback port and fails the run loudly if it cannot).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
bunx tsc --noEmit -p .
bunx tsc --noEmit -p ui
exec bun test "$@"
