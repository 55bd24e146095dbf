#!/usr/bin/env bash
# Idempotent set-up used by `npm start` and `npm test`: installs only what is missing
# (Debian packages, npm dependencies), then rebuilds only when sources changed.
# Usage: scripts/bootstrap.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

MODE=${1:-}
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version 2>/dev/null || echo none))"

# Runtime: ffmpeg (media), redis-server (queue), OCR-B (fixtures, glyph rendering), espeak-ng (fixture speech).
debs=(ffmpeg redis-server fonts-ocr-b espeak-ng)
# Tests also drive a real browser, use a real French voice for the speech engine, render PDFs (pdftoppm) and
# simulate hosts in network namespaces (ip netns, from iproute2; redis-cli --cluster comes with redis-server).
if [ "$MODE" = "--test" ]; then debs+=(chromium asterisk-core-sounds-fr-wav poppler-utils iproute2); fi
ensure_debs "${debs[@]}"

# npm dependencies: reinstall when package-lock.json changed since the last install.
lock_hash=$(sha256sum package-lock.json 2>/dev/null | cut -c1-64 || echo none)
stamp=node_modules/.idv-lock-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "installing npm dependencies (npm ci)"
  if ! npm ci --no-audit --no-fund >&2; then
    # Some npm 11 releases refuse their own lock file when it lists only this platform's optional
    # binaries; `npm install` still installs exactly the locked versions.
    log "npm ci refused the lock file; installing the locked versions with npm install"
    npm install --no-audit --no-fund >&2
  fi
  echo "$lock_hash" > "$stamp"
fi

# Build: TypeScript service and the reviewer console, when any source is newer than the last build.
build_stamp=dist/.build-stamp
if [ ! -f "$build_stamp" ] || [ -n "$(find service reviewer-ui/src reviewer-ui/index.html reviewer-ui/vite.config.ts \
      applicant-ui/src applicant-ui/index.html applicant-ui/vite.config.ts ui-shared \
      tsconfig.json tsconfig.build.json package-lock.json -newer "$build_stamp" -print -quit 2>/dev/null)" ]; then
  log "building service, reviewer console and applicant app"
  npm run --silent build >&2
  mkdir -p dist && touch "$build_stamp"
fi
log "set-up complete"
