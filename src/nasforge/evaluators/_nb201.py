"""NAS-Bench-201 as a tabular evaluator: a query returns the table's results for the cell."""

from __future__ import annotations

from typing import Any

import numpy as np

from nasforge._rng import as_generator
from nasforge._validation import check_bool, check_choice, check_float, check_int
from nasforge.data import NB201Table, load_nb201
from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._registry import register_evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, CellSpace, SearchSpace

# dataset -> (validation column to select by, test column to report, formula prefix for params/FLOPs)
DATASETS = {
    "cifar10": ("c10valid_valid_acc_g", "c10_test_acc", "c10"),
    "cifar100": ("c100_valid_acc_g", "c100_test_acc", "c100"),
    "ImageNet16-120": ("in16_valid_acc_g", "in16_test_acc", "in16"),
}
# dataset -> (input shape, classes) of the benchmark's networks (CIFAR images 32 x 32, ImageNet16-120 16 x 16)
NETWORK_SHAPES = {"cifar10": ((3, 32, 32), 10), "cifar100": ((3, 32, 32), 100), "ImageNet16-120": ((3, 16, 16), 120)}
# The noisy mode's seed-to-seed spread (accuracy points) of one training run around the mean over seeds. The table's
# CIFAR-10 single-run results (c10_test_err_1seed_st against c10_test_acc) spread by 0.31 points; that constant
# calibrates the noise, and only for CIFAR-10. The observations themselves come from the validation column alone.
NOISE_STD = {"cifar10": 0.3}
COST_COLUMN = "c10_train_time_total_s_st"
DEFAULT_LATENCY = "c10_latency_s_nats"


@register_evaluator("nb201")
class NB201Evaluator(Evaluator):
    """Look up a NAS-Bench-201 cell in the table at ``nb201_path`` (or ``$NASFORGE_NB201``).

    Metrics: ``val_acc`` (select by it), ``test_acc`` (report it), ``params_mb`` and ``flops_m`` (for the
    dataset), ``latency_ms`` (CIFAR-10 latency from NATS-Bench, or a device column ``lat_ms_<device>``),
    and ``train_time_s`` (simulated cost: 200 epochs of training on the benchmark's GPU; the table has it
    for CIFAR-10 only, so it stands for all three datasets).

    With ``noisy=True`` the ``val_acc`` of a cell is one simulated training run: its mean validation accuracy
    plus Gaussian noise of ``noise_std`` points (default: the spread of the table's CIFAR-10 single-run results),
    drawn once per cell from ``noise_seed``, so that a repeated query returns the same observation. Only the
    validation column is used: no test result leaks into what a search selects by. CIFAR-10 only (the noise is
    calibrated there).

    Example:
        >>> ev = NB201Evaluator(dataset="cifar10")  # doctest: +SKIP
        >>> ev.evaluate(ev.natural_space().parse(arch_str))["test_acc"]  # doctest: +SKIP
    """

    def __init__(self, *, nb201_path: str | None = None, dataset: str = "cifar10", noisy: bool = False,
                 latency_device: str | None = None, noise_std: float | None = None, noise_seed: int = 0) -> None:
        owner = type(self).__name__
        aliases = {d.lower(): d for d in DATASETS}
        if isinstance(dataset, str) and dataset.lower() in aliases:
            dataset = aliases[dataset.lower()]
        self.dataset = check_choice(owner, "dataset", dataset, DATASETS)
        self.noisy = check_bool(owner, "noisy", noisy)
        if self.noisy and self.dataset not in NOISE_STD:
            raise ValidationError(f"The 'noisy' parameter of {owner} can be True only for datasets whose run-to-run "
                                  f"spread is known (the default noise_std): {list(NOISE_STD)}. Got dataset "
                                  f"{dataset!r}.")
        self.noise_std = None if noise_std is None else check_float(owner, "noise_std", noise_std, minimum=0)
        if self.noise_std is not None and not self.noisy:
            raise ValidationError(f"The 'noise_std' parameter of {owner} applies only with noisy=True. "
                                  f"Got noise_std={noise_std!r} and noisy=False.")
        self.noise_seed = check_int(owner, "noise_seed", noise_seed, minimum=0)
        self._table = load_nb201(nb201_path)
        self.nb201_path = self._table.path
        devices = self._table.latency_devices()
        if latency_device is not None:
            check_choice(owner, "latency_device", latency_device, devices)
        self.latency_device = latency_device
        self._space = CellSpace()
        self._bind_columns()

    def _bind_columns(self) -> None:
        val, test, prefix = DATASETS[self.dataset]
        columns = self._table.columns
        self._val = columns[val]
        if self.noisy:
            std = NOISE_STD[self.dataset] if self.noise_std is None else self.noise_std
            noise = as_generator(self.noise_seed).normal(0.0, std, size=self._val.shape)
            self._val = np.clip(self._val + noise, 0.0, 100.0)
        latency = (columns[f"lat_ms_{self.latency_device}"] if self.latency_device
                   else 1000.0 * columns[DEFAULT_LATENCY])
        self._metrics = {
            "val_acc": self._val,
            "test_acc": columns[test],
            "params_mb": columns[f"params_MB_{prefix}"],
            "flops_m": columns[f"flops_M_{prefix}"],
            "latency_ms": latency,
            "train_time_s": columns[COST_COLUMN],
        }

    def get_params(self) -> dict[str, Any]:
        return {"nb201_path": self.nb201_path, "dataset": self.dataset, "noisy": self.noisy,
                "latency_device": self.latency_device, "noise_std": self.noise_std, "noise_seed": self.noise_seed}

    @property
    def table(self) -> NB201Table:
        """The loaded table."""
        return self._table

    def row(self, arch: Architecture) -> int:
        """The table row of ``arch``."""
        try:
            return self._table.row_of[arch.values()]  # type: ignore[index]
        except KeyError:
            self._space.validate(arch)
            raise

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        r = self.row(arch)
        return {name: float(values[r]) for name, values in self._metrics.items()}

    def metric_column(self, name: str) -> np.ndarray:
        """A metric over all 15,625 cells, in table order (for optima and true Pareto fronts)."""
        check_choice(type(self).__name__, "metric", name, self._metrics)
        return self._metrics[name]

    def metric_names(self) -> frozenset[str]:
        """``val_acc``, ``test_acc``, ``params_mb``, ``flops_m``, ``latency_ms``, ``train_time_s``; the budget is
        ignored (the table holds the results of full training only)."""
        return frozenset(self._metrics)

    def default_objective(self) -> str:
        return "val_acc:max"

    def report_metric(self) -> str | None:
        return "test_acc"

    def cost_metric(self) -> str | None:
        return "train_time_s"

    def natural_space(self) -> SearchSpace:
        return self._space

    def network_shape(self) -> tuple[tuple[int, int, int], int]:
        """Input shape (C, H, W) and number of classes of the benchmark's networks for this dataset."""
        return NETWORK_SHAPES[self.dataset]
