#!/usr/bin/env bash
# `npm test`: set up what is missing (including test-only packages), make sure Redis and PostgreSQL
# answer, then run the whole suite against them. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bash scripts/bootstrap.sh --test

ensure_redis "$PWD/.data/test-redis"

# PostgreSQL: tests run every data-layer test on both PGlite and a real server.
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! port_open 127.0.0.1 5432; then
    ensure_debs postgresql
    ver=$(ls /etc/postgresql | sort -n | tail -1)
    log "starting PostgreSQL $ver"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 1 100); do port_open 127.0.0.1 5432 && break; sleep 0.2; done
    port_open 127.0.0.1 5432 || die "PostgreSQL did not start"
    as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD NULL\"" >/dev/null 2>&1 || true
    as_root su postgres -c "createdb test" >/dev/null 2>&1 || true
  fi
  export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
fi

mkdir -p test-results
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
rc=$?
set -e
# A plain closing line that any CI reader understands.
node -e '
const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $rc
