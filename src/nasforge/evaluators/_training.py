"""Real training: build the architecture's network, train it on the data, measure quality and costs."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from nasforge._validation import check_choice, check_float, check_int
from nasforge.data import DataArg, Dataset, Split, holdout_split, kfold_splits, load_dataset, resolve_data, subset_split
from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._metrics import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    classification_metrics,
    regression_metrics,
)
from nasforge.evaluators._registry import register_evaluator
from nasforge.exceptions import NasforgeError, ValidationError
from nasforge.nn import (
    count_flops,
    count_params,
    latency_ms,
    make_optimizer,
    make_schedule,
    predict,
    seeded_torch_rng,
    train_one_epoch,
)
from nasforge.spaces import Architecture, JointSpace, SearchSpace, create_space
from nasforge.spaces._joint import OPTIMIZERS, SCHEDULES


class TrainingDiverged(NasforgeError):
    """The training loss became NaN or infinite."""


@lru_cache(maxsize=4)
def _load_by_json(name: str, params: str) -> Dataset:
    return load_dataset(name, **json.loads(params))


def cached_dataset(name: str, params: Mapping[str, Any]) -> Dataset:
    """The data set ``name`` loaded with ``params``, shared by the evaluators of this process (a worker rebuilds
    its evaluator for every trial; the data is read once)."""
    return _load_by_json(name, json.dumps(dict(params), sort_keys=True))


def _cached_dataset(name: str, params: tuple[tuple[str, Any], ...]) -> Dataset:
    return cached_dataset(name, dict(params))


def trainable_space(owner: str, name: str, params: Mapping[str, Any]) -> SearchSpace:
    """The space ``name`` built with ``params``; it must be able to build networks."""
    space = create_space(name, **params)
    if not space.trainable:
        raise ValidationError(f"The 'space' parameter of {owner} must name a trainable space. "
                              f"{name!r} cannot build networks.")
    return space


@register_evaluator("train")
class TrainingEvaluator(Evaluator):
    """Train each architecture with one plain PyTorch loop and report validation and test metrics.

    The budget of a query is its number of epochs (the fidelity): ``evaluate(arch, budget=3)`` trains 3 epochs;
    without a budget, ``epochs``. The validation metrics are reported after every epoch, so a pruner can stop
    a trial early. For a :class:`~nasforge.spaces.JointSpace` the architecture's ``hp_*`` decisions replace the
    optimizer, learning rate, schedule, weight decay, L1 penalty, batch size (and epochs) given here.

    Metrics: ``val_*`` and ``test_*`` for accuracy, precision, recall, f1 (macro), auc (one-vs-rest), cross_entropy
    (classification) or mse, mae, r2 (regression); with ``cv_folds`` the ``val_*`` are means over the folds and
    ``val_*_std`` their standard deviations. Costs: ``params``, ``flops`` (one example), ``latency_ms_b1`` and
    ``latency_ms_b64`` (CPU), ``train_time_s`` (wall), ``cpu_time_s`` (this process's CPU time, every thread),
    ``epochs``.

    Args:
        data, data_params: a dataset by name (digits, diabetes, fashion_mnist, idx, csv, npz, images) and its
            loader's parameters (for example ``{"path": ...}``); or data in memory: ``(x, y)`` numpy arrays or
            torch tensors, a dict with ``x``, ``y`` (optionally ``x_test``, ``y_test``, ``class_names``,
            ``feature_names``), or a map-style ``torch.utils.data.Dataset`` of (input, target) pairs (read once),
            with ``data_params={"task": ...}`` at most. In-memory data is written once to a temporary ``.npz``
            file that worker processes read (removed at exit); ``get_params()`` gives ``data="npz"`` and its path.
            A CSV's preprocessing (imputation, standardisation, one-hot encoding) is fitted on the training split
            only, of each fold with ``cv_folds``.
        space, space_params: the trainable search space that builds the networks.
        train_subset: train on at most this many examples (a cheaper fidelity for searches on large data).
        threads: torch threads in this process (None leaves torch's default).
        seed: seeds the split, the initialisation, dropout and the shuffling.
    """

    takes_budget = True  # epochs

    def __init__(self, *, data: DataArg = "digits", data_params: Mapping[str, Any] | None = None, space: str = "chain",
                 space_params: Mapping[str, Any] | None = None, epochs: int = 10, batch_size: int = 64,
                 optimizer: str = "adam", lr: float = 1e-3, weight_decay: float = 0.0, l1: float = 0.0,
                 schedule: str = "cosine", momentum: float = 0.9, val_fraction: float = 0.2,
                 test_fraction: float = 0.2, cv_folds: int | None = None, train_subset: int | None = None,
                 threads: int | None = None, measure_latency: bool = True, seed: int = 0) -> None:
        owner = type(self).__name__
        # in-memory data becomes a temporary .npz file here, so that get_params() stays JSON for workers
        self.data, self.data_params = resolve_data(owner, data, data_params)
        self.epochs = check_int(owner, "epochs", epochs, minimum=1)
        self.batch_size = check_int(owner, "batch_size", batch_size, minimum=1)
        self.optimizer = check_choice(owner, "optimizer", optimizer, OPTIMIZERS)
        self.lr = check_float(owner, "lr", lr, minimum=0, strict_minimum=True)
        self.weight_decay = check_float(owner, "weight_decay", weight_decay, minimum=0)
        self.l1 = check_float(owner, "l1", l1, minimum=0)
        self.schedule = check_choice(owner, "schedule", schedule, SCHEDULES)
        self.momentum = check_float(owner, "momentum", momentum, minimum=0, maximum=1)
        self.val_fraction = check_float(owner, "val_fraction", val_fraction, minimum=0, strict_minimum=True,
                                        maximum=0.9)
        self.test_fraction = check_float(owner, "test_fraction", test_fraction, minimum=0, maximum=0.9)
        self.cv_folds = None if cv_folds is None else check_int(owner, "cv_folds", cv_folds, minimum=2)
        self.train_subset = None if train_subset is None else check_int(owner, "train_subset", train_subset,
                                                                         minimum=2)
        self.threads = None if threads is None else check_int(owner, "threads", threads, minimum=1)
        self.measure_latency = bool(measure_latency)
        self.seed = check_int(owner, "seed", seed, minimum=0)
        self.space_name, self.space_params = space, dict(space_params or {})
        self._space = trainable_space(owner, space, self.space_params)
        self._source = cached_dataset(self.data, self.data_params)
        # the search trains on split().train: a CSV's preprocessing is fitted on those rows only
        self.dataset = self._source.fitted(self.split().train)
        self._tensors = (torch.from_numpy(self.dataset.x), torch.from_numpy(self.dataset.y))

    # -- contract ----------------------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {"data": self.data, "data_params": self.data_params, "space": self.space_name,
                "space_params": self._space.get_params(), "epochs": self.epochs, "batch_size": self.batch_size,
                "optimizer": self.optimizer, "lr": self.lr, "weight_decay": self.weight_decay, "l1": self.l1,
                "schedule": self.schedule, "momentum": self.momentum, "val_fraction": self.val_fraction,
                "test_fraction": self.test_fraction, "cv_folds": self.cv_folds, "train_subset": self.train_subset,
                "threads": self.threads, "measure_latency": self.measure_latency, "seed": self.seed}

    @property
    def classification(self) -> bool:
        return self.dataset.task == "classification"

    def default_objective(self) -> str:
        return "val_accuracy:max" if self.classification else "val_mse:min"

    def metric_names(self) -> frozenset[str]:
        """``val_*`` (and ``val_*_std`` with ``cv_folds``), ``test_*`` where there is a test set, and the costs."""
        quality = CLASSIFICATION_METRICS if self.classification else REGRESSION_METRICS
        names = {f"val_{q}" for q in quality}
        if self.cv_folds is not None:
            names |= {f"val_{q}_std" for q in quality}
        if self.dataset.x_test is not None or self.test_fraction > 0:
            names |= {f"test_{q}" for q in quality}
        names |= {"train_time_s", "cpu_time_s", "epochs", "params", "flops"}
        if self.measure_latency:
            names |= {"latency_ms_b1", "latency_ms_b64"}
        return frozenset(names)

    def report_metric(self) -> str | None:
        if self.dataset.x_test is None and self.test_fraction == 0:
            return None  # no test set: nothing to report beside the validation metrics
        return "test_accuracy" if self.classification else "test_mse"

    def cost_metric(self) -> str | None:
        return "train_time_s"

    def natural_space(self) -> SearchSpace:
        return self._space

    # -- training ----------------------------------------------------------------------------------
    def _config(self, arch: Architecture) -> dict[str, Any]:
        config: dict[str, Any] = {"optimizer": self.optimizer, "lr": self.lr, "schedule": self.schedule,
                                  "weight_decay": self.weight_decay, "l1": self.l1, "batch_size": self.batch_size,
                                  "epochs": self.epochs}
        if isinstance(self._space, JointSpace):
            config.update(self._space.training_config(arch))
        return config

    def _scores(self, model: nn.Module, idx: torch.Tensor | np.ndarray, x: torch.Tensor | None = None,
                y: torch.Tensor | None = None, data: Dataset | None = None) -> dict[str, float]:
        if x is None or y is None:
            tensors = self._tensors if data is None else _as_tensors(data)
            x, y = tensors[0][idx], tensors[1][idx]
        out = predict(model, x).numpy()
        if not np.all(np.isfinite(out)):
            raise TrainingDiverged("the network's outputs are not finite (the weights diverged)")
        if self.classification:
            return classification_metrics(y.numpy(), out, self.dataset.n_classes)
        return regression_metrics(y.numpy(), out[:, 0])

    def fit(self, arch: Architecture, train_idx: np.ndarray, epochs: int, *, val_idx: np.ndarray | None = None,
            report: Reporter | None = None, seed: int | None = None, data: Dataset | None = None) -> nn.Module:
        """Train a fresh network of ``arch`` on the rows ``train_idx`` for ``epochs`` epochs; ``data`` is the
        data set with its preprocessing fitted on those rows (default: ``self.dataset``, the search's)."""
        config = self._config(arch)
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        data = self.dataset if data is None else data
        tensors = self._tensors if data is self.dataset else _as_tensors(data)
        x, y = tensors[0][train_idx], tensors[1][train_idx]
        loss_fn: Any = nn.CrossEntropyLoss() if self.classification else _mse
        with seeded_torch_rng(self.seed if seed is None else seed) as generator:
            model = self._space.build(arch, data.input_shape, data.n_outputs)
            optimizer = make_optimizer(config["optimizer"], model.parameters(), float(config["lr"]),
                                       float(config["weight_decay"]), self.momentum)
            schedule = make_schedule(config["schedule"], optimizer, epochs)
            for epoch in range(1, epochs + 1):
                loss = train_one_epoch(model, x, y, loss_fn, optimizer, int(config["batch_size"]), generator,
                                       float(config["l1"]))
                if not math.isfinite(loss):
                    raise TrainingDiverged(f"training loss is {loss} at epoch {epoch}")
                schedule.step()
                if report is not None and val_idx is not None:
                    report(epoch, {f"val_{k}": v for k, v in self._scores(model, val_idx, data=data).items()})
        return model

    @property
    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All inputs and targets of the dataset's training file, as tensors (index them with ``split()``)."""
        return self._tensors

    def fitted_dataset(self, fit_on: str = "train+val") -> Dataset:
        """The data set with its preprocessing fitted on the rows a model is trained on: ``"train"`` the search's
        training split (this is ``self.dataset``), ``"train+val"`` the rows of :meth:`final_model`."""
        check_choice(type(self).__name__, "fit_on", fit_on, ("train", "train+val"))
        if fit_on == "train":
            return self.dataset
        split = self.final_split()
        return self._source.fitted(np.concatenate([split.train, split.val]))

    def preprocessing(self, fit_on: str = "train+val") -> dict[str, Any] | None:
        """The fitted preprocessing spec (raw input -> model input, see :func:`~nasforge.data.apply_preprocessing`)
        of the model trained on ``fit_on`` rows: ``"train+val"`` for a final model (``train-best``, ``export``),
        ``"train"`` for the search's models; None when the data set has no raw form (diabetes, which scikit-learn
        ships standardised). The same for a given seed."""
        return self.fitted_dataset(fit_on).preprocessing

    def final_split(self) -> Split:
        """The seeded train / validation / test indices of :meth:`final_model` (no ``train_subset`` cut)."""
        return holdout_split(self._source, val_fraction=self.val_fraction, test_fraction=self.test_fraction,
                             seed=self.seed)

    def split(self) -> Split:
        """The seeded train / validation / test indices (the train part cut to ``train_subset``)."""
        return subset_split(self._source, val_fraction=self.val_fraction, test_fraction=self.test_fraction,
                            seed=self.seed, train_subset=self.train_subset)

    def _test_scores(self, model: nn.Module, split: Split, data: Dataset | None = None) -> dict[str, float]:
        data = self.dataset if data is None else data
        if data.x_test is not None and data.y_test is not None:
            return self._scores(model, np.empty(0), torch.from_numpy(data.x_test), torch.from_numpy(data.y_test))
        if split.test is None or len(split.test) == 0:
            return {}
        return self._scores(model, split.test, data=data)

    def _costs(self, model: nn.Module, data: Dataset | None = None) -> dict[str, float]:
        shape = (self.dataset if data is None else data).input_shape
        costs = {"params": float(count_params(model)), "flops": count_flops(model, shape)}
        if self.measure_latency:
            costs["latency_ms_b1"] = latency_ms(model, shape, 1)
            costs["latency_ms_b64"] = latency_ms(model, shape, 64)
        return costs

    def last_step(self, arch: Architecture, budget: float | None = None) -> int | None:
        """The last epoch (hold-out) or the number of folds (cross-validation)."""
        if self.cv_folds is not None:
            return self.cv_folds
        return int(budget) if budget is not None else int(self._config(arch)["epochs"])

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        epochs = int(budget) if budget is not None else int(self._config(arch)["epochs"])
        if epochs < 1:
            raise ValidationError(f"The 'budget' of a training evaluation must be >= 1 epoch. Got {budget!r}.")
        start, cpu = time.perf_counter(), time.process_time()
        split = self.split()
        metrics: dict[str, float] = {}
        data = self.dataset  # the data the reported model was trained on, preprocessing fitted on its rows
        if self.cv_folds is None:
            model = self.fit(arch, split.train, epochs, val_idx=split.val, report=report)
            metrics.update({f"val_{k}": v for k, v in self._scores(model, split.val).items()})
        else:
            pool = np.concatenate([split.train, split.val])
            sub = Dataset(self._source.name, self._source.x[pool], self._source.y[pool], self._source.task)
            folds = []
            for fold in kfold_splits(sub, folds=self.cv_folds, seed=self.seed):
                fold_data = self._source.fitted(pool[fold.train])  # a CSV's preprocessing: this fold's rows only
                model = self.fit(arch, pool[fold.train], epochs, data=fold_data)
                folds.append(self._scores(model, pool[fold.val], data=fold_data))
                if report is not None:
                    report(len(folds), {f"val_{k}": v for k, v in folds[-1].items()})
            for key in folds[0]:
                values = [f[key] for f in folds]
                metrics[f"val_{key}"] = float(np.mean(values))
                metrics[f"val_{key}_std"] = float(np.std(values))
            data = self._source.fitted(pool)
            model = self.fit(arch, pool, epochs, data=data)  # the test metrics come from a model trained on all folds
        metrics.update({f"test_{k}": v for k, v in self._test_scores(model, split, data).items()})
        metrics["train_time_s"] = time.perf_counter() - start
        metrics["cpu_time_s"] = time.process_time() - cpu
        metrics["epochs"] = float(epochs)
        metrics.update(self._costs(model, data))
        return metrics

    def final_train(self, arch: Architecture, epochs: int | None = None,
                    out_dir: str | Path | None = None) -> dict[str, float]:
        """Retrain on train + validation with the full budget and score on the test set (``train-best``). With
        ``out_dir``, write the weights (``model.pt``, a state dict) and ``arch.json`` there."""
        model, metrics = self.final_model(arch, epochs)
        if out_dir is not None:
            folder = Path(out_dir)
            folder.mkdir(parents=True, exist_ok=True)
            torch.save(model.state_dict(), folder / "model.pt")
            data = self.fitted_dataset("train+val")
            (folder / "arch.json").write_text(json.dumps({
                **arch.to_dict(), "input_shape": list(data.input_shape), "n_outputs": data.n_outputs,
                "preprocessing": data.preprocessing, "class_names": data.class_names,
                "feature_names": data.feature_names, "metrics": metrics}, indent=1))
        return metrics

    def final_model(self, arch: Architecture, epochs: int | None = None) -> tuple[nn.Module, dict[str, float]]:
        """The network of ``arch`` retrained on train + validation, and its test-set scores and costs."""
        epochs = epochs or int(self._config(arch)["epochs"])
        start, cpu = time.perf_counter(), time.process_time()
        split = self.final_split()
        data = self.fitted_dataset("train+val")
        model = self.fit(arch, np.concatenate([split.train, split.val]), epochs, data=data)
        metrics = {f"test_{k}": v for k, v in self._test_scores(model, split, data).items()}
        metrics["train_time_s"] = time.perf_counter() - start
        metrics["cpu_time_s"] = time.process_time() - cpu
        metrics.update(self._costs(model, data))
        return model, metrics


def _as_tensors(data: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.from_numpy(data.x), torch.from_numpy(data.y)


def _mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return nn.functional.mse_loss(out[:, 0], y)
