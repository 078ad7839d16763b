"""Zero-cost proxies: training-free scores of untrained networks (Abdelfattah et al., ICLR 2021)."""

from __future__ import annotations

from nasforge.proxies._activations import NASWOT, JacobCov
from nasforge.proxies._base import LossFn, Proxy, create_proxy, list_proxies, register_proxy, weighted_layers
from nasforge.proxies._counts import Flops, Params
from nasforge.proxies._saliency import Fisher, GradNorm, Snip
from nasforge.proxies._synflow import SynFlow

__all__ = [
    "NASWOT",
    "Fisher",
    "Flops",
    "GradNorm",
    "JacobCov",
    "LossFn",
    "Params",
    "Proxy",
    "Snip",
    "SynFlow",
    "create_proxy",
    "list_proxies",
    "register_proxy",
    "weighted_layers",
]
