"""Retrain the best architecture of a generation study and the space's baseline with the same budget, over
several seeds, and put their sample grids side by side.

    python benchmarks/generation_vs_baseline.py --storage sqlite:///out/gen/gan.db --study gan-fmnist \\
        --epochs 10 --seeds 0,1,2 --grid docs/images/gan_fmnist.png --json out/gen/gan_final.json

Each model is trained on the study's train + validation images for ``--epochs`` epochs (``train-best``) and
scored on the test set; the report metric's medians over the seeds give the ratio found / baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import textwrap
from pathlib import Path
from typing import Any

from nasforge.evaluators import GenerationEvaluator
from nasforge.storages import get_storage
from nasforge.study import load_study


def side_by_side(panels: list[tuple[str, Path]], out: Path) -> None:
    """One PNG with the sample grids of each model, titled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 5.0))
    for ax, (title, path) in zip(axes, panels, strict=True):
        ax.imshow(mpimg.imread(path), cmap="gray")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def compose(summary: dict[str, Any], models: Path, out: Path) -> None:
    """The side-by-side grid of the first seed's baseline and best samples, from a finished run's summary."""
    first, metric = summary["seeds"][0], summary["metric"]
    panels = [(f"{label} (seed {first}), {metric} {summary['runs'][label][0][metric]:.1f}\n"
               + textwrap.fill(summary[f"{label}_arch"], 52),
               models / summary["study"] / f"{label}-seed{first}" / "samples.png") for label in ("baseline", "best")]
    side_by_side(panels, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--epochs", type=int, default=None, help="final epochs (default: the study's)")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--models", default="out/gen/models", help="folder for weights and sample grids")
    parser.add_argument("--grid", default=None, help="side-by-side PNG of the first seed's samples")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: the study's)")
    parser.add_argument("--json", default=None)
    parser.add_argument("--compose", default=None, help="only redraw --grid from this earlier --json summary")
    args = parser.parse_args()
    if args.compose:
        compose(json.loads(Path(args.compose).read_text()), Path(args.models), Path(args.grid))
        return
    study = load_study(name=args.study, storage=get_storage(args.storage))
    evaluator = study.evaluator
    assert isinstance(evaluator, GenerationEvaluator), "a generation study is needed"
    best, baseline = study.best_trial, study.space.baseline()
    assert best is not None and baseline is not None
    metric = evaluator.report_metric() or ""
    seeds = [int(s) for s in args.seeds.split(",")]
    rows: dict[str, list[dict[str, float]]] = {"best": [], "baseline": []}
    for seed in seeds:
        threads = args.threads or evaluator.threads
        seeded = GenerationEvaluator(**{**evaluator.get_params(), "seed": seed, "threads": threads})
        for label, arch in (("best", best.arch), ("baseline", baseline)):
            folder = Path(args.models) / args.study / f"{label}-seed{seed}"
            metrics = seeded.final_train(arch, args.epochs, out_dir=folder)
            rows[label].append(metrics)
            print(f"seed {seed} {label}: {metric} {metrics[metric]:.3f}, IS {metrics['test_inception_score']:.3f}, "
                  f"{metrics['train_time_s']:.0f} s", flush=True)
    medians = {label: statistics.median(m[metric] for m in ms) for label, ms in rows.items()}
    summary = {"study": args.study, "metric": metric, "epochs": args.epochs or evaluator.epochs, "seeds": seeds,
               "best_arch": study.space.describe(best.arch), "baseline_arch": study.space.describe(baseline),
               "best_trial": best.number, "n_complete": len(study.completed_trials()),
               "medians": medians, "ratio_best_over_baseline": medians["best"] / medians["baseline"], "runs": rows}
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=1))
    if args.grid:
        compose(summary, Path(args.models), Path(args.grid))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
