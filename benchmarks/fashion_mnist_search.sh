#!/usr/bin/env bash
# Fashion-MNIST: regularized evolution over the chain space with real training, reduced fidelity during the
# search (3 epochs on a 10,000-image subset), then train-best on all 60,000 training images.
# Usage: benchmarks/fashion_mnist_search.sh [SEARCH_SECONDS] [FINAL_EPOCHS] [OUT_DIR]
set -euo pipefail
seconds=${1:-1800}
epochs=${2:-10}
out=${3:-out/fmnist}
mkdir -p "$out"
nf=${NASFORGE:-.venv/bin/nasforge}
db="sqlite:///$out/fmnist.db"
study="fmnist-evolution-$(date +%Y%m%d-%H%M%S)"
echo "$study" > "$out/study.txt"
/usr/bin/time -v "$nf" search --data fashion_mnist --space chain --strategy evolution --seed 0 \
  --epochs 3 --train-param train_subset=10000 --train-param val_fraction=0.1 --train-param threads=2 \
  --train-param lr=0.003 --timeout "$seconds" --n-trials 100000 --storage "$db" --study "$study" \
  > "$out/search.log" 2> "$out/search.time"
COLUMNS=220 "$nf" train-best --study "$study" --storage "$db" --epochs "$epochs" --json "$out/train_best.json" \
  > "$out/train_best.log" 2>&1
echo done >> "$out/train_best.log"
