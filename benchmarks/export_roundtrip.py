"""Export round trips over every trainable space (and GAN generators): how far each exported copy's outputs are
from the network's, and how fast ONNX Runtime runs it against PyTorch on this CPU.

For each space, ``--archs`` architectures are sampled (seeded), built with weights moved away from their initial
values and batch-norm statistics recomputed as training leaves them (``--stress``: set at random, so that deep
networks' outputs grow to thousands), and exported in every format; the maximum absolute (``--stress``: relative)
output difference over all of them is reported per format, with the median ratio of ONNX Runtime's inference
time to PyTorch's (eager, ``torch.no_grad``), measured side by side on a batch of 64, the order alternating,
``--repeats`` each.

    python benchmarks/export_roundtrip.py --archs 20 --repeats 20 [--json out/export.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nasforge.export import export_model
from nasforge.nn import perturb_weights
from nasforge.spaces import GANSpace, create_space

SPACES = {"chain": ({}, (1, 28, 28)), "mlp": ({}, (64,)),
          "nb201": ({"channels": 16, "cells_per_stage": 5}, (3, 32, 32)), "joint": ({"space": "chain"}, (1, 28, 28))}


def speed_ratio(model: nn.Module, onnx_path: Path, shape: tuple[int, ...], repeats: int) -> float:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    x = torch.randn(64, *shape)
    feed = {session.get_inputs()[0].name: x.numpy()}
    ratios = []
    with torch.no_grad():
        model(x), session.run(None, feed)  # warm up both
        for r in range(repeats):
            times = {}
            for name in (("torch", "ort") if r % 2 == 0 else ("ort", "torch")):
                start = time.perf_counter()
                model(x) if name == "torch" else session.run(None, feed)
                times[name] = time.perf_counter() - start
            ratios.append(times["ort"] / times["torch"])
    return statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--stress", action="store_true", help="batch-norm statistics at random instead of "
                        "recomputed: outputs of deep networks grow large; differences are then relative")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = {}
    cases: dict[str, list[tuple[nn.Module, tuple[int, ...]]]] = {}
    torch.manual_seed(0)
    for name, (params, shape) in SPACES.items():
        space = create_space(name, **params)
        rng = np.random.default_rng(0)
        cases[name] = [(perturb_weights(space.build(space.sample(rng), shape, 10), i, None if args.stress else shape),
                        shape) for i in range(args.archs)]
    gan = GANSpace()
    rng = np.random.default_rng(0)
    cases["gan generator"] = [(perturb_weights(gan.generator(gan.sample(rng), (1, 28, 28)), i,
                                               None if args.stress else (gan.z_dim,)), (gan.z_dim,))
                              for i in range(args.archs)]
    with tempfile.TemporaryDirectory() as folder:
        for name, models in cases.items():
            worst = {"module": 0.0, "torchscript": 0.0, "onnx": 0.0}
            scales = []
            seconds, ratios = [], []
            for i, (model, shape) in enumerate(models):
                start = time.perf_counter()
                result = export_model(model, Path(folder) / f"{name}{i}", input_shape=shape)
                seconds.append(time.perf_counter() - start)
                scales.append(result.output_scale)
                for key, diff in result.max_abs_diff.items():
                    worst[key] = max(worst[key], diff / (result.output_scale if args.stress else 1.0))
                ratios.append(speed_ratio(model, result.files["onnx"], shape, args.repeats))
            rows[name] = {"archs": len(models), "max_abs_diff" if not args.stress else "max_rel_diff": worst,
                          "output_scale_max": max(scales), "export_s_median": statistics.median(seconds),
                          "ort_over_torch_median": statistics.median(ratios),
                          "ort_over_torch_range": [min(ratios), max(ratios)]}
            kind = "rel" if args.stress else "abs"
            print(f"{name:14s} {len(models)} archs  outputs up to {max(scales):.3g}  max {kind} diff module "
                  f"{worst['module']:.1e}  torchscript "
                  f"{worst['torchscript']:.1e}  onnx {worst['onnx']:.1e}  export {statistics.median(seconds):.2f} s  "
                  f"ORT/torch time {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"threads": torch.get_num_threads(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
