#!/usr/bin/env bash
# The two studies behind docs/reading-a-study.md: a NAS-Bench-201 search (CIFAR-10, regularized evolution,
# 300 queries) and a real-training search on digits (chain space, evolution, 60 trials of 10 epochs, median
# pruning); their HTML reports, plots (PNG + SVG) and a full-page screenshot of each report (headless Chromium).
#   NASFORGE_NB201=../shared/benchmarks/nb201 bash benchmarks/report_studies.sh [OUT]
set -euo pipefail
OUT="${1:-out/report}"
BIN="${NASFORGE_BIN:-.venv/bin}"
mkdir -p "$OUT"
DB="sqlite:///$OUT/studies.db"
if [ -z "${REPORTS_ONLY:-}" ]; then  # REPORTS_ONLY=1: the reports of the studies already in $OUT/studies.db
rm -f "$OUT/studies.db"
"$BIN/nasforge" search --strategy evolution --n-trials 300 --seed 0 --storage "$DB" --study nb201-c10 >/dev/null
"$BIN/nasforge" search --data digits --space chain --strategy evolution --epochs 10 --n-trials 60 --seed 0 --prune \
  --train-param threads=2 --train-param measure_latency=false --storage "$DB" --study digits-chain >/dev/null
fi
for study in nb201-c10 digits-chain; do
  /usr/bin/time -f "$study report: %e s, %M KB" "$BIN/nasforge" report "$study" --storage "$DB" \
    --out "$OUT/$study.html" --plots "$OUT/$study"
  ls -la "$OUT/$study.html"
  echo "$study plots: $(grep -o "<img alt='[a-z_]*'" "$OUT/$study.html" | wc -l)"
  if command -v chromium >/dev/null; then
    chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking \
      --hide-scrollbars --window-size=1200,2600 --screenshot="$OUT/$study-report.png" \
      "file://$(realpath "$OUT/$study.html")" 2>/dev/null
  fi
done
