#!/usr/bin/env bash
# Reproduce models/mrz/glyphs.{bin,json} (the MRZ glyph classifier) from scratch, deterministically:
#   1. render + degrade + cut training cells (Node, @napi-rs/canvas, seeded): three parts of 6000 lines
#      with seeds S, S+1, S+2, run side by side, then concatenated;
#   2. train the CNN with Debian's torch on one CPU thread (seeded) and export the weights;
#   3. write models/mrz/SHA256SUMS.
# Usage: bash scripts/train-mrz-glyphs.sh [seed]   (about 10 minutes for the cells on 2 cores, then
# about 15 minutes of training on one core)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# OCR-B, the other monospaced fonts the training lines borrow letters from (see train-mrz-glyphs.ts), torch.
ensure_debs fonts-ocr-b fonts-dejavu-core fonts-noto-mono fonts-liberation2 fonts-croscore fonts-b612 \
  fonts-jetbrains-mono fonts-hack fonts-firacode fonts-inconsolata python3-torch
SEED="${1:-1}"
DATA="${MRZ_TRAIN_DATA:-/tmp/mrz-train-seed$SEED}"
LINES="${MRZ_TRAIN_LINES:-6000}"
EPOCHS="${MRZ_TRAIN_EPOCHS:-4}"
OUT="${MRZ_MODEL_OUT:-models/mrz}"
# The recipe of the committed weights (models/mrz/README.md): a third of the lines borrow their letters
# from other monospaced fonts, half of the print-style lines are low-resolution prints.
export MRZ_ALT_FONT_SHARE="${MRZ_ALT_FONT_SHARE:-0.3}"
export MRZ_LOW_RES_SHARE="${MRZ_LOW_RES_SHARE:-0.5}"
pids=()
for k in 0 1 2; do
  npx tsx scripts/train-mrz-glyphs.ts --out "$DATA/part$k" --lines "$LINES" --val-lines 300 --seed $((SEED + k)) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for split in train val; do
  cat "$DATA"/part{0,1,2}/"$split.bin" > "$DATA/$split.bin"
  cat "$DATA"/part{0,1,2}/"$split.labels" > "$DATA/$split.labels"
done
sha256sum "$DATA/train.bin" "$DATA/train.labels"
# The exported weights are the average of the weights after epochs 2..EPOCHS (see models/mrz/README.md).
/usr/bin/python3 scripts/train-mrz-glyphs.py --data "$DATA" --out "$OUT" --seed "$SEED" --epochs "$EPOCHS" \
  --label-smoothing 0.02 --average-from 2
# SHA256SUMS also lists the name model (scripts/build-mrz-names.ts) when it sits beside the glyphs.
(cd "$OUT" && sha256sum glyphs.bin glyphs.json $(ls names.bin 2>/dev/null) > SHA256SUMS && cat SHA256SUMS)
