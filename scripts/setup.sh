#!/usr/bin/env bash
# Installs everything MPR needs on a fresh Debian machine that has Node/npm:
# Bun (from npm), the JS packages, Debian's ffmpeg and redis-server when
# they are missing, and the built web UI. With --test it also installs
# Debian's chromium, which the browser tests drive. Idempotent: a second run
# only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
with_browser=0
[ "${1:-}" = "--test" ] && with_browser=1

say() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v bun >/dev/null 2>&1; then
  say "installing Bun with npm"
  npm install -g bun >&2
  command -v bun >/dev/null 2>&1 || { say "Bun did not install: check 'npm install -g bun'"; exit 1; }
fi

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ $with_browser -eq 0 ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules ] || [ bun.lock -nt node_modules ]; then
  say "installing packages with bun install"
  bun install --frozen-lockfile >&2
  touch node_modules
fi

# The web UI, built once (and again when its sources change).
if [ -f ui/vite.config.ts ] && { [ ! -f ui/dist/index.html ] || [ -n "$(find ui/src ui/index.html -newer ui/dist/index.html 2>/dev/null | head -1)" ]; }; then
  say "building the web UI"
  bunx --bun vite build --config ui/vite.config.ts --logLevel warn >&2
fi
