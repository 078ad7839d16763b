"""The one-shot contract: train a weight-sharing supernet on the data, derive one architecture.

A one-shot method differs from a multi-trial strategy: it trains (a supernet) instead of proposing, so it is
not a ``Strategy``. What it derives is recorded as a trial of a study (``nasforge.oneshot.record``), so reports,
``train-best`` and export treat it like any other result.
"""

from __future__ import annotations

import resource
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from nasforge._registry import Registry
from nasforge._validation import check_float, check_int
from nasforge.evaluators import TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.nn import CellSupernet, ChainSupernet, seeded_torch_rng
from nasforge.spaces import Architecture, CellSpace, ChainSpace, SearchSpace


@dataclass(frozen=True)
class SearchData:
    """The examples of a one-shot search. ``train`` trains the shared weights, ``arch`` the architecture
    parameters (the two halves of the evaluator's training part, as in DARTS), ``val`` is the evaluator's
    validation part, used only to score the derived architecture."""

    x: torch.Tensor  # (N, C, H, W)
    y: torch.Tensor  # (N,)
    train: np.ndarray
    arch: np.ndarray
    val: np.ndarray


@dataclass
class OneShotResult:
    """What a one-shot search found: the derived architecture, its metrics (``val_accuracy`` under the shared
    weights after batch-norm recalibration, ``search_time_s`` wall time, ``search_cpu_s`` process CPU time,
    ``peak_rss_mb``), one history row per epoch and the final architecture weights where the method has them."""

    method: str
    params: dict[str, Any]
    arch: Architecture
    metrics: dict[str, float]
    history: list[dict[str, Any]] = field(default_factory=list)
    arch_weights: list[list[float]] | None = None


class CellCoding:
    """Between architectures of a cell space and (edge, op) indices."""

    def __init__(self, space: CellSpace) -> None:
        self.space = space
        self.names = list(space.choices())  # one decision per edge, in the space's edge order
        self.ops = list(space.ops)

    def one_hot(self, arch: Architecture) -> torch.Tensor:
        """(edges, ops) constant weights of the path ``arch``."""
        decisions = dict(arch.decisions)
        out = torch.zeros(len(self.names), len(self.ops))
        for e, name in enumerate(self.names):
            out[e, self.ops.index(str(decisions[name]))] = 1.0
        return out

    def arch(self, indices: Any) -> Architecture:
        """The architecture whose edge e runs op ``indices[e]``."""
        return Architecture.of(self.space.space_name,
                               {name: self.ops[int(i)] for name, i in zip(self.names, indices, strict=True)})


def shuffled(idx: np.ndarray, batch_size: int, generator: torch.Generator) -> Iterator[np.ndarray]:
    """Mini-batches of ``idx`` in a seeded random order; a last batch of one example is dropped (batch norm)."""
    order = idx[torch.randperm(len(idx), generator=generator).numpy()]
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        if len(batch) >= 2:
            yield batch


def recalibrate(net: nn.Module, weights: Any, data: SearchData, batch_size: int,
                generator: torch.Generator, n_batches: int = 10) -> None:
    """Re-estimate every batch-norm's running statistics for the path ``weights`` (single-path one-shot, Guo et
    al. 2020): reset them, then average over ``n_batches`` training mini-batches in training mode."""
    for module in net.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a cumulative average
    net.train()
    with torch.no_grad():
        for n, batch in enumerate(shuffled(data.train, batch_size, generator)):
            if n >= n_batches:
                break
            net(data.x[batch], weights)
    for module in net.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.momentum = 0.1


def accuracy(net: nn.Module, weights: Any, data: SearchData, idx: np.ndarray,
             batch_size: int = 256) -> float:
    """Accuracy of the supernet with ``weights`` on the examples ``idx`` (evaluation mode)."""
    net.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(idx), batch_size):
            batch = idx[start:start + batch_size]
            correct += int((net(data.x[batch], weights).argmax(1) == data.y[batch]).sum())
    return correct / max(1, len(idx))


class OneShotMethod(ABC):
    """Trains a weight-sharing supernet (:class:`~nasforge.nn.CellSupernet`, or :class:`~nasforge.nn.ChainSupernet`
    for the methods whose ``spaces`` include the chain space) on a training evaluator's data and derives an
    architecture.

    Subclasses implement ``_setup`` (their architecture parameters and optimisers), ``_epoch`` (one pass over
    the data; returns the epoch's figures) and ``_derive`` (the current architecture); ``_final`` may search
    further over the trained supernet (single-path one-shot's evolution).

    Args:
        epochs: passes over the training half of the data.
        batch_size: mini-batch size.
        lr, momentum, weight_decay, grad_clip: SGD with a cosine schedule for the shared weights.
        seed: seeds the supernet's initialisation, the shuffling and the method's sampling.
        threads: torch threads (None leaves torch's default).
    """

    registry_name: ClassVar[str]
    spaces: ClassVar[tuple[type[SearchSpace], ...]] = (CellSpace,)  # the spaces the method has a supernet for

    def __init__(self, *, epochs: int = 10, batch_size: int = 64, lr: float = 0.025, momentum: float = 0.9,
                 weight_decay: float = 3e-4, grad_clip: float = 5.0, seed: int = 0,
                 threads: int | None = None) -> None:
        owner = type(self).__name__
        self.epochs = check_int(owner, "epochs", epochs, minimum=1)
        self.batch_size = check_int(owner, "batch_size", batch_size, minimum=2)
        self.lr = check_float(owner, "lr", lr, minimum=0, strict_minimum=True)
        self.momentum = check_float(owner, "momentum", momentum, minimum=0, maximum=1)
        self.weight_decay = check_float(owner, "weight_decay", weight_decay, minimum=0)
        self.grad_clip = check_float(owner, "grad_clip", grad_clip, minimum=0, strict_minimum=True)
        self.seed = check_int(owner, "seed", seed, minimum=0)
        self.threads = None if threads is None else check_int(owner, "threads", threads, minimum=1)

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (JSON-compatible)."""
        return {"epochs": self.epochs, "batch_size": self.batch_size, "lr": self.lr, "momentum": self.momentum,
                "weight_decay": self.weight_decay, "grad_clip": self.grad_clip, "seed": self.seed,
                "threads": self.threads}

    # -- the loop ----------------------------------------------------------------------------------
    def check(self, evaluator: TrainingEvaluator) -> SearchSpace:
        """The evaluator's space; raises if this method cannot search it one-shot."""
        space = evaluator.natural_space()
        if not isinstance(space, self.spaces):
            names = " or ".join(cls.__name__ for cls in self.spaces)
            raise ValidationError(f"{type(self).__name__} searches a {names} one-shot; the evaluator's space is "
                                  f"{type(space).__name__}.")
        if not evaluator.classification:
            raise ValidationError("One-shot search supports classification data; this dataset is a regression.")
        return space

    def search(self, evaluator: TrainingEvaluator,
               callback: Callable[[Mapping[str, Any]], None] | None = None) -> OneShotResult:
        """Train the supernet of ``evaluator``'s space on its data; ``callback`` gets each epoch's row."""
        space = self.check(evaluator)
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        split = evaluator.split()
        rng = np.random.default_rng(self.seed)
        train = rng.permutation(split.train)
        half = len(train) // 2
        x, y = evaluator.tensors
        data = SearchData(x=x, y=y, train=np.sort(train[:half]), arch=np.sort(train[half:]), val=split.val)
        wall, cpu = time.perf_counter(), time.process_time()
        history: list[dict[str, Any]] = []
        with seeded_torch_rng(self.seed) as generator:
            self.generator = generator
            self.space = space
            shape, n_outputs = evaluator.dataset.input_shape, evaluator.dataset.n_outputs
            if isinstance(space, CellSpace):
                self.coding = CellCoding(space)
                self.net: nn.Module = CellSupernet(space.edges, space.n_nodes, space.ops, shape[0], n_outputs,
                                                   space.channels, space.cells_per_stage)
            else:
                assert isinstance(space, ChainSpace)
                self.net = ChainSupernet(space, shape, n_outputs)
            self.optimizer = torch.optim.SGD(self.net.parameters(), lr=self.lr, momentum=self.momentum,
                                             weight_decay=self.weight_decay)
            self.schedule = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, self.epochs)
            self._setup(data)
            for epoch in range(1, self.epochs + 1):
                row: dict[str, Any] = {"epoch": epoch, **self._epoch(epoch, data)}
                self.schedule.step()
                derived = self._derive(data)
                row["arch"] = space.describe(derived) if derived is not None else None
                row["time_s"] = time.perf_counter() - wall
                history.append(row)
                if callback is not None:
                    callback(row)
            arch = self._final(data)
            val = self.path_accuracy(arch, data)
        metrics = {"val_accuracy": val, "search_time_s": time.perf_counter() - wall,
                   "search_cpu_s": time.process_time() - cpu, "search_epochs": float(self.epochs),
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
        return OneShotResult(method=self.registry_name, params=self.get_params(), arch=arch, metrics=metrics,
                             history=history, arch_weights=self._arch_weights())

    def path(self, arch: Architecture) -> Any:
        """What the supernet's forward takes to run ``arch`` alone: constant one-hot edge weights for a cell
        supernet, the architecture itself for a chain supernet."""
        return self.coding.one_hot(arch) if isinstance(self.net, CellSupernet) else arch

    def path_accuracy(self, arch: Architecture, data: SearchData, n: int | None = None) -> float:
        """Accuracy of ``arch`` under the shared weights on the first ``n`` validation examples (default: all),
        after its batch-norm statistics are recalibrated."""
        path = self.path(arch)
        recalibrate(self.net, path, data, self.batch_size, self.generator)
        return accuracy(self.net, path, data, data.val[:n])

    @property
    def cells(self) -> CellSupernet:
        """The supernet, for the methods that weight a cell supernet's edges."""
        assert isinstance(self.net, CellSupernet), f"{type(self).__name__} needs a cell supernet"
        return self.net

    def step_weights(self, loss: torch.Tensor) -> None:
        """One SGD step of the shared weights on ``loss`` (gradients clipped to ``grad_clip``)."""
        self.optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        nn.utils.clip_grad_norm_(self.net.parameters(), self.grad_clip)
        self.optimizer.step()

    # -- hooks -------------------------------------------------------------------------------------
    @abstractmethod
    def _setup(self, data: SearchData) -> None:
        """Create the method's architecture parameters and optimisers (``self.net`` exists)."""

    @abstractmethod
    def _epoch(self, epoch: int, data: SearchData) -> dict[str, float]:
        """One epoch of search; returns figures for the history (for example the training loss)."""

    @abstractmethod
    def _derive(self, data: SearchData) -> Architecture | None:
        """The architecture the method would return now (None: it has none before its final search)."""

    def _final(self, data: SearchData) -> Architecture:
        """The architecture returned after the last epoch (default: ``_derive``)."""
        arch = self._derive(data)
        assert arch is not None, f"{type(self).__name__} derives an architecture after training"
        return arch

    def _arch_weights(self) -> list[list[float]] | None:
        """The final architecture weights (softmax probabilities per edge), where the method has them."""
        return None


ONESHOT: Registry[OneShotMethod] = Registry("one-shot method")


def register_oneshot(name: str) -> Callable[[type[OneShotMethod]], type[OneShotMethod]]:
    """Class decorator: make a one-shot method available as ``create_oneshot(name)``."""
    return ONESHOT.register(name)


def create_oneshot(name: str, **params: Any) -> OneShotMethod:
    """The one-shot method registered as ``name``."""
    return ONESHOT.create(name, **params)


def list_oneshot() -> list[str]:
    """Names of the registered one-shot methods."""
    return ONESHOT.names()
