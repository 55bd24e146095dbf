#!/usr/bin/env bash
# Shared helpers for bootstrap/start/test. Sourced, not executed.

log() { printf '[idv] %s\n' "$*" >&2; }
die() { printf '[idv] error: %s\n' "$*" >&2; exit 1; }

# port_open HOST PORT -> 0 when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

APT_UPDATED=0
# ensure_debs PKG... -> installs only the Debian packages that are missing.
ensure_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  log "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_redis DIR -> a Redis answers on REDIS_URL or 127.0.0.1:6379; starts a local one with AOF in DIR otherwise.
ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return 0; fi
  if port_open 127.0.0.1 6379; then return 0; fi
  mkdir -p "$1"
  log "no Redis on 127.0.0.1:6379: starting redis-server (append-only) in $1"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$1" --appendonly yes \
    --logfile "$1/redis.log" --save "" >/dev/null
  for _ in $(seq 1 50); do port_open 127.0.0.1 6379 && return 0; sleep 0.1; done
  die "redis-server did not start (see $1/redis.log)"
}
