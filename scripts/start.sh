#!/usr/bin/env bash
# `npm start`: set up what is missing, make sure Redis answers, then run the service (API + workers).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bash scripts/bootstrap.sh
export DATA_DIR=${DATA_DIR:-$PWD/data}
mkdir -p "$DATA_DIR"
ensure_redis "$DATA_DIR/redis"
exec node dist/service/main.js
