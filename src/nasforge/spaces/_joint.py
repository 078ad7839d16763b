"""Joint search over an architecture space and the training hyperparameters."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._base import SearchSpace
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._registry import create_space, register_space

if TYPE_CHECKING:
    import torch

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("constant", "step", "exponential", "cosine")
HP_PREFIX = "hp_"


@register_space("joint")
class JointSpace(SearchSpace):
    """Any space combined with training hyperparameters, searched together.

    The architecture carries the inner space's decisions and ``hp_optimizer``, ``hp_lr``, ``hp_schedule``,
    ``hp_weight_decay`` (L2), ``hp_l1``, ``hp_batch_size`` and, when ``epochs`` is given, ``hp_epochs``. The
    training evaluator reads them (:meth:`training_config`) in place of its own defaults. A move changes either
    one architecture decision or one hyperparameter.

    Args:
        space, space_params: the inner (architecture) space by registry name.
        optimizers: from sgd (with momentum 0.9), adam, adamw, rmsprop, adagrad.
        schedules: from constant, step (x0.1 at 1/2 and 3/4 of the epochs), exponential (x0.95 per epoch), cosine.
    """

    def __init__(self, *, space: str = "chain", space_params: Mapping[str, Any] | None = None,
                 optimizers: Sequence[str] = ("sgd", "adam", "adamw"), lrs: Sequence[float] = (1e-3, 3e-3, 1e-2, 3e-2),
                 schedules: Sequence[str] = ("constant", "cosine"), weight_decays: Sequence[float] = (0.0, 1e-4, 1e-3),
                 l1s: Sequence[float] = (0.0, 1e-5), batch_sizes: Sequence[int] = (32, 64, 128),
                 epochs: Sequence[int] | None = None) -> None:
        owner = type(self).__name__
        if space == "joint":
            raise ValidationError(f"The 'space' parameter of {owner} must name an architecture space, not 'joint'.")
        self.inner = create_space(space, **dict(space_params or {}))
        for name, names, allowed in (("optimizers", optimizers, OPTIMIZERS), ("schedules", schedules, SCHEDULES)):
            if not names or any(v not in allowed for v in names):
                raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list from "
                                      f"{list(allowed)}. Got {list(names)!r} instead.")
        numeric: dict[str, Sequence[float]] = {"lrs": lrs, "weight_decays": weight_decays, "l1s": l1s,
                                               "batch_sizes": batch_sizes}
        for name, values in numeric.items():
            if not values or any(isinstance(v, bool) or not isinstance(v, int | float) or v < 0 for v in values):
                raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list of numbers >= 0. "
                                      f"Got {list(values)!r} instead.")
        if any(v <= 0 for v in lrs) or any(not isinstance(v, int) or v < 1 for v in batch_sizes):
            raise ValidationError(f"The 'lrs' of {owner} must be > 0 and 'batch_sizes' ints >= 1.")
        if epochs is not None and (not epochs or any(not isinstance(v, int) or v < 1 for v in epochs)):
            raise ValidationError(f"The 'epochs' parameter of {owner} must be None or a list of ints >= 1. "
                                  f"Got {epochs!r} instead.")
        hp: dict[str, Sequence[Scalar]] = {
            "hp_optimizer": tuple(optimizers), "hp_lr": tuple(float(v) for v in lrs), "hp_schedule": tuple(schedules),
            "hp_weight_decay": tuple(float(v) for v in weight_decays), "hp_l1": tuple(float(v) for v in l1s),
            "hp_batch_size": tuple(batch_sizes)}
        if epochs is not None:
            hp["hp_epochs"] = tuple(epochs)
        self.hp = CategoricalSpace("hp", hp)
        self._params = {"space": space, "space_params": dict(space_params or self.inner.get_params()),
                        "optimizers": list(optimizers), "lrs": list(lrs), "schedules": list(schedules),
                        "weight_decays": list(weight_decays), "l1s": list(l1s), "batch_sizes": list(batch_sizes),
                        "epochs": None if epochs is None else list(epochs)}

    def get_params(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._params))  # type: ignore[no-any-return]

    # -- parts -------------------------------------------------------------------------------------
    def split(self, arch: Architecture) -> tuple[Architecture, Architecture]:
        """The inner architecture and the hyperparameter part."""
        inner = tuple((k, v) for k, v in arch.decisions if not k.startswith(HP_PREFIX))
        hp = tuple((k, v) for k, v in arch.decisions if k.startswith(HP_PREFIX))
        return Architecture(self.inner_name, inner), Architecture("hp", hp)

    @property
    def inner_name(self) -> str:
        return getattr(self.inner, "space_name", type(self.inner).registry_name)

    def join(self, inner: Architecture, hp: Architecture) -> Architecture:
        """One joint architecture from its two parts."""
        return Architecture("joint", inner.decisions + hp.decisions)

    def training_config(self, arch: Architecture) -> dict[str, Scalar]:
        """The hyperparameters without their prefix: optimizer, lr, schedule, weight_decay, l1, batch_size[, epochs]."""
        return {k[len(HP_PREFIX):]: v for k, v in self.split(arch)[1].decisions}

    # -- the SearchSpace contract ------------------------------------------------------------------
    def validate(self, arch: Architecture) -> None:
        if not isinstance(arch, Architecture) or arch.space != "joint":
            raise ValidationError(f"Architecture belongs to space {getattr(arch, 'space', arch)!r}, not 'joint'.")
        inner, hp = self.split(arch)
        self.inner.validate(inner)
        self.hp.validate(hp)

    def sample(self, rng: np.random.Generator) -> Architecture:
        return self.join(self.inner.sample(rng), self.hp.sample(rng))

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        inner, hp = self.split(arch)
        if rng.random() < len(inner.decisions) / len(arch.decisions):
            return self.join(self.inner.mutate(inner, rng), hp)
        return self.join(inner, self.hp.mutate(hp, rng))

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        inner, hp = self.split(arch)
        return ([self.join(n, hp) for n in self.inner.neighbors(inner)]
                + [self.join(inner, n) for n in self.hp.neighbors(hp)])

    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        (ia, ha), (ib, hb) = self.split(a), self.split(b)
        return self.join(self.inner.crossover(ia, ib, rng), self.hp.crossover(ha, hb, rng))

    def encodings(self) -> tuple[str, ...]:
        return self.inner.encodings()

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        inner, hp = self.split(arch)
        return np.concatenate([self.inner.encode(inner, kind), self.hp.encode(hp)])

    def key(self, arch: Architecture) -> str:
        inner, hp = self.split(arch)
        return self.inner.key(inner) + "|" + hp.to_json()

    @property
    def size(self) -> int | None:
        inner = self.inner.size
        return None if inner is None else inner * (self.hp.size or 1)

    def enumerate(self) -> Iterator[Architecture]:
        hps = list(self.hp.enumerate())
        for inner in self.inner.enumerate():
            for hp in hps:
                yield self.join(inner, hp)

    def describe(self, arch: Architecture) -> str:
        inner, hp = self.split(arch)
        return self.inner.describe(inner) + " || " + ", ".join(f"{k[3:]}={v}" for k, v in hp.decisions)

    def build(self, arch: Architecture, input_shape: tuple[int, ...], n_outputs: int) -> torch.nn.Module:
        return self.inner.build(self.split(arch)[0], input_shape, n_outputs)

    def baseline(self) -> Architecture | None:
        inner = self.inner.baseline()
        if inner is None:
            return None
        choices = self.hp.choices()
        defaults: dict[str, Scalar] = {"hp_optimizer": "adam", "hp_lr": 1e-3, "hp_schedule": "cosine",
                                       "hp_weight_decay": 0.0, "hp_l1": 0.0, "hp_batch_size": 64}
        values: list[Scalar] = [defaults[n] if defaults.get(n) in options else options[len(options) // 2]
                                for n, options in choices.items()]
        return self.join(inner, self.hp.make(values))
