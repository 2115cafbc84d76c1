#!/usr/bin/env bash
# Regenerates docs/synthetic_predictions.png from the default run
# (`deno task train`): the first four test images, their ground truth and
# R+ with both mask placements. Needs Debian's imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deno task eval --model runs/synthetic --overlays "$tmp/ac" >/dev/null
deno task eval --model runs/synthetic --mask-upsample stride-grid --overlays "$tmp/sg" >/dev/null
rows=()
for i in 0 1 2 3; do
  convert "$tmp/ac/synthetic_3_${i}_panel.png" -background white -gravity east -splice 4x0 -gravity northwest \
    \( "$tmp/sg/synthetic_3_${i}_panel.png" -crop 128x128+264+0 +repage \) +append \
    -bordercolor white -border 0x2 "$tmp/row$i.png"
  rows+=("$tmp/row$i.png")
done
convert -size 528x34 xc:white -font DejaVu-Sans -pointsize 11 -fill '#333' \
  -annotate +40+14 'image' -annotate +160+14 'ground truth' \
  -annotate +298+14 'prediction R+' -annotate +287+28 '(align-corners)' \
  -annotate +430+14 'prediction R+' -annotate +424+28 '(stride-grid)' "$tmp/head.png"
convert "$tmp/head.png" "${rows[@]}" -append +repage -depth 8 docs/synthetic_predictions.png
