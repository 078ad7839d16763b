"""Training throughput: nasforge's training loop against a hand-written PyTorch loop.

Same network (the chain space's baseline), same data (preloaded tensors), same batch size, same optimizer;
one epoch each, alternating, ``--repeats`` times; the median ratio of samples per second is reported.

    python benchmarks/training_throughput.py --data digits --repeats 7 [--batch-size 64] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from nasforge.evaluators import TrainingEvaluator
from nasforge.nn import seeded_torch_rng, train_one_epoch


def hand_written_epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, optimizer: torch.optim.Optimizer,
                       batch_size: int) -> None:
    model.train()
    perm = torch.randperm(len(x))
    for start in range(0, len(x), batch_size):
        idx = perm[start:start + batch_size]
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="digits")
    parser.add_argument("--train-subset", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ev = TrainingEvaluator(data=args.data, space="chain", batch_size=args.batch_size, threads=args.threads)
    space = ev.natural_space()
    arch = space.baseline()
    assert arch is not None
    x, y = torch.from_numpy(ev.dataset.x), torch.from_numpy(ev.dataset.y)
    if args.train_subset:
        x, y = x[:args.train_subset], y[:args.train_subset]
    ours_sps, theirs_sps = [], []
    with seeded_torch_rng(0) as generator:
        for repeat in range(args.repeats):
            runs = [("ours", None), ("hand", None)] if repeat % 2 == 0 else [("hand", None), ("ours", None)]
            for name, _ in runs:
                model = space.build(arch, ev.dataset.input_shape, ev.dataset.n_outputs)
                optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
                start = time.perf_counter()
                if name == "ours":
                    train_one_epoch(model, x, y, nn.CrossEntropyLoss(), optimizer, args.batch_size, generator)
                    ours_sps.append(len(x) / (time.perf_counter() - start))
                else:
                    hand_written_epoch(model, x, y, optimizer, args.batch_size)
                    theirs_sps.append(len(x) / (time.perf_counter() - start))
    ratios = [a / b for a, b in zip(ours_sps, theirs_sps, strict=True)]
    result = {"data": args.data, "examples": len(x), "batch_size": args.batch_size, "threads": args.threads,
              "repeats": args.repeats, "ours_samples_per_s": [round(v, 1) for v in ours_sps],
              "hand_written_samples_per_s": [round(v, 1) for v in theirs_sps],
              "median_ratio": round(statistics.median(ratios), 3), "ratios": [round(r, 3) for r in ratios]}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
