"""Zero-cost evaluation: score each architecture's untrained network with training-free proxies."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from nasforge._rng import as_generator
from nasforge._validation import check_int
from nasforge.data import holdout_split
from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._registry import register_evaluator
from nasforge.evaluators._training import _cached_dataset, trainable_space
from nasforge.exceptions import ValidationError
from nasforge.nn import count_flops, count_params, seeded_torch_rng
from nasforge.proxies import create_proxy, list_proxies
from nasforge.spaces import Architecture, SearchSpace


def _mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return nn.functional.mse_loss(out[:, 0], y)


@register_evaluator("zero_cost")
class ZeroCostEvaluator(Evaluator):
    """Build each architecture's network, initialise it (seeded) and score it with zero-cost proxies on one
    mini-batch of training examples; no training. Metrics: one per proxy, plus ``params``, ``flops`` and
    ``proxy_time_s``. The objective is the first proxy, maximised.

    Data-independent proxies (synflow, params, flops) need no data: give ``input_shape`` and ``n_outputs``
    instead (for example the NAS-Bench-201 skeleton: ``(3, 32, 32)`` and 10).

    Args:
        data, data_params: a dataset by name and its loader's parameters (None: no data).
        space, space_params: the trainable search space that builds the networks.
        proxies: proxy names (see ``nasforge.proxies.list_proxies()``); the first is the objective.
        batch_size: examples in the scoring mini-batch, drawn from the training part of the seeded split.
        input_shape, n_outputs: the network's input and output sizes when ``data`` is None.
        threads: torch threads in this process (None leaves torch's default).
        seed: seeds the split, the mini-batch and every network's initialisation.
    """

    def __init__(self, *, data: str | None = "digits", data_params: Mapping[str, Any] | None = None,
                 space: str = "chain", space_params: Mapping[str, Any] | None = None,
                 proxies: Sequence[str] = ("synflow",), batch_size: int = 64,
                 input_shape: Sequence[int] | None = None, n_outputs: int | None = None,
                 threads: int | None = None, seed: int = 0) -> None:
        owner = type(self).__name__
        if isinstance(proxies, str) or not proxies:
            raise ValidationError(f"The 'proxies' parameter of {owner} must be a non-empty list of names from "
                                  f"{list_proxies()}. Got {proxies!r} instead.")
        self.proxies = [str(p) for p in proxies]
        self._proxies = [create_proxy(p) for p in self.proxies]
        self.batch_size = check_int(owner, "batch_size", batch_size, minimum=2)
        self.threads = None if threads is None else check_int(owner, "threads", threads, minimum=1)
        self.seed = check_int(owner, "seed", seed, minimum=0)
        self.space_name, self.space_params = space, dict(space_params or {})
        self._space = trainable_space(owner, space, self.space_params)
        self.data, self.data_params = data, dict(data_params or {})
        if data is None:
            needs = [p for p, proxy in zip(self.proxies, self._proxies, strict=True) if proxy.needs_data]
            if needs:
                raise ValidationError(f"The 'data' parameter of {owner} is None, but the proxies {needs} need data; "
                                      "name a dataset or use data-independent proxies (synflow, params, flops).")
            if input_shape is None or n_outputs is None:
                raise ValidationError(f"Without data, {owner} needs 'input_shape' and 'n_outputs'. "
                                      f"Got {input_shape!r} and {n_outputs!r}.")
            self.input_shape = tuple(check_int(owner, "input_shape", s, minimum=1) for s in input_shape)
            self.n_outputs = check_int(owner, "n_outputs", n_outputs, minimum=1)
            self.classification = True
            x = torch.zeros((self.batch_size, *self.input_shape))
            y = torch.zeros(self.batch_size, dtype=torch.long)
        else:
            dataset = _cached_dataset(data, tuple(sorted(self.data_params.items())))
            self.input_shape, self.n_outputs = tuple(dataset.input_shape), dataset.n_outputs
            self.classification = dataset.task == "classification"
            train = holdout_split(dataset, seed=self.seed).train
            rows = as_generator(self.seed).choice(train, size=min(self.batch_size, len(train)), replace=False)
            x, y = torch.from_numpy(dataset.x[rows]), torch.from_numpy(dataset.y[rows])
        self._batch = (x, y)

    # -- contract ----------------------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {"data": self.data, "data_params": self.data_params, "space": self.space_name,
                "space_params": self._space.get_params(), "proxies": list(self.proxies),
                "batch_size": self.batch_size,
                "input_shape": list(self.input_shape) if self.data is None else None,
                "n_outputs": self.n_outputs if self.data is None else None, "threads": self.threads,
                "seed": self.seed}

    def default_objective(self) -> str:
        return f"{self.proxies[0]}:max"

    def cost_metric(self) -> str | None:
        return "proxy_time_s"

    def metric_names(self) -> frozenset[str]:
        """One metric per proxy, plus ``params``, ``flops`` and ``proxy_time_s``; the budget is ignored."""
        return frozenset([*self.proxies, "params", "flops", "proxy_time_s"])

    def natural_space(self) -> SearchSpace:
        return self._space

    def network(self, arch: Architecture) -> nn.Module:
        """The freshly initialised network of ``arch`` (the same weights on every call)."""
        with seeded_torch_rng(self.seed):
            return self._space.build(arch, self.input_shape, self.n_outputs)

    def timed_scores(self, arch: Architecture, count: int | None = None,
                     model: nn.Module | None = None) -> dict[str, tuple[float, float]]:
        """Each of the first ``count`` proxies (default: all) of ``arch``: (score, seconds it took). ``model``:
        the network of ``arch`` when the caller has built it already."""
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        model = model if model is not None else self.network(arch)
        loss_fn = nn.functional.cross_entropy if self.classification else _mse
        out = {}
        n = len(self.proxies) if count is None else count
        with seeded_torch_rng(self.seed):  # dropout in training-mode proxies draws from torch's generator
            for name, proxy in zip(self.proxies[:n], self._proxies[:n], strict=True):
                start = time.perf_counter()
                value = proxy.score(model, *self._batch, loss_fn)
                out[name] = (value, time.perf_counter() - start)
        return out

    def score(self, arch: Architecture) -> float:
        """The first proxy of ``arch`` alone."""
        return self.timed_scores(arch, 1)[self.proxies[0]][0]

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        start = time.perf_counter()
        model = self.network(arch)
        metrics = {name: value for name, (value, _) in self.timed_scores(arch, model=model).items()}
        metrics["params"] = float(count_params(model))
        metrics["flops"] = count_flops(model, self.input_shape)
        metrics["proxy_time_s"] = time.perf_counter() - start
        return metrics

    def rank(self, archs: Sequence[Architecture]) -> list[Architecture]:
        """``archs`` sorted by the first proxy, best first (a non-finite score last; ties keep the order)."""
        scores = []
        for arch in archs:
            value = self.score(arch)
            scores.append(value if math.isfinite(value) else -math.inf)
        order = sorted(range(len(archs)), key=lambda i: -scores[i])
        return [archs[i] for i in order]

    def prefilter(self, n_candidates: int, top: int, seed: int | np.random.Generator | None = None,
                  space: SearchSpace | None = None) -> list[Architecture]:
        """Score ``n_candidates`` distinct random architectures and return the ``top`` best, best first: a
        warm start for a multi-trial strategy (``create_study(warm_start=...)``). ``space`` (default: this
        evaluator's) draws them; it must be able to build networks with this evaluator's space."""
        n_candidates = check_int("prefilter", "n_candidates", n_candidates, minimum=1)
        top = check_int("prefilter", "top", top, minimum=1)
        space = space or self._space
        rng = as_generator(seed)
        pool: dict[str, Architecture] = {}
        for _ in range(20 * n_candidates):
            if len(pool) >= n_candidates:
                break
            arch = space.sample(rng)
            pool.setdefault(space.key(arch), arch)
        return self.rank(list(pool.values()))[:top]
