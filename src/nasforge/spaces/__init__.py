"""Search spaces: what architectures exist and the moves strategies make among them."""

from __future__ import annotations

from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._base import SearchSpace
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._cell import NB201_OPS, CellSpace
from nasforge.spaces._chain import ChainSpace
from nasforge.spaces._decisions import Choice, Decision, Float, Int
from nasforge.spaces._declared import Space
from nasforge.spaces._gan import GANSpace
from nasforge.spaces._joint import JointSpace
from nasforge.spaces._layered import LayeredSpace
from nasforge.spaces._mlp import MLPSpace
from nasforge.spaces._parse import Repeat, load_space_file
from nasforge.spaces._registry import create_space, list_spaces, register_space
from nasforge.spaces._table import TableSpace
from nasforge.spaces._vae import VAESpace

__all__ = [
    "NB201_OPS",
    "Architecture",
    "CategoricalSpace",
    "CellSpace",
    "ChainSpace",
    "Choice",
    "Decision",
    "Float",
    "GANSpace",
    "Int",
    "JointSpace",
    "LayeredSpace",
    "MLPSpace",
    "Repeat",
    "Scalar",
    "SearchSpace",
    "Space",
    "TableSpace",
    "VAESpace",
    "create_space",
    "list_spaces",
    "load_space_file",
    "register_space",
]
