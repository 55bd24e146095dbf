#!/usr/bin/env bash
# Reproduce models/mrz/glyphs.{bin,json} (the MRZ glyph classifier) from scratch, deterministically:
#   1. render + degrade + cut OCR-B training cells (Node, @napi-rs/canvas, seeded);
#   2. train the CNN with Debian's torch on one CPU thread (seeded) and export the weights;
#   3. write models/mrz/SHA256SUMS.
# Usage: bash scripts/train-mrz-glyphs.sh [seed]   (about 10 CPU-minutes on an idle core)
set -euo pipefail
cd "$(dirname "$0")/.."
SEED="${1:-1}"
DATA="${MRZ_TRAIN_DATA:-/tmp/mrz-train-seed$SEED}"
LINES="${MRZ_TRAIN_LINES:-6000}"
EPOCHS="${MRZ_TRAIN_EPOCHS:-4}"
# Keep the weights after the first epoch of the 4-epoch one-cycle schedule (see models/mrz/README.md).
STOP_AFTER="${MRZ_TRAIN_STOP_AFTER:-1}"
npx tsx scripts/train-mrz-glyphs.ts --out "$DATA" --lines "$LINES" --val-lines 300 --seed "$SEED"
sha256sum "$DATA/train.bin" "$DATA/train.labels"
/usr/bin/python3 scripts/train-mrz-glyphs.py --data "$DATA" --out models/mrz --seed "$SEED" --epochs "$EPOCHS" --stop-after "$STOP_AFTER"
(cd models/mrz && sha256sum glyphs.bin glyphs.json > SHA256SUMS && cat SHA256SUMS)
