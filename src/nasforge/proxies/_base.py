"""The zero-cost proxy contract: score an untrained network from (at most) one mini-batch."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import ClassVar

import torch
from torch import nn

from nasforge._registry import Registry

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Proxy(ABC):
    """A training-free score of a freshly initialised network: larger is predicted to be better.

    ``score`` never changes the network it is given (proxies that must alter weights work on a copy).
    ``needs_data`` is False for data-independent proxies (synflow, parameter count, FLOPs): they read only
    the shape of ``inputs``.
    """

    registry_name: ClassVar[str]
    needs_data: ClassVar[bool] = True

    @abstractmethod
    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        """The proxy of ``model`` on the mini-batch ``inputs`` (B, ...) with ``targets`` (B,)."""


PROXIES: Registry[Proxy] = Registry("proxy")


def register_proxy(name: str) -> Callable[[type[Proxy]], type[Proxy]]:
    """Class decorator: make a proxy available as ``create_proxy(name)``."""
    return PROXIES.register(name)


def create_proxy(name: str) -> Proxy:
    """The proxy registered as ``name``."""
    return PROXIES.create(name)


def list_proxies() -> list[str]:
    """Names of the registered proxies."""
    return PROXIES.names()


def weighted_layers(model: nn.Module) -> Iterator[nn.Conv2d | nn.Conv1d | nn.Linear]:
    """The convolutions and linear layers: the layers whose weights the gradient-based proxies score
    (Abdelfattah et al. 2021, as in their reference code)."""
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Conv1d, nn.Linear)):
            yield module
