"""nasforge: neural architecture search on PyTorch.

Pick a search space, an evaluator and a strategy; a study runs the search and keeps every trial.

Example:
    >>> import nasforge
    >>> from nasforge.evaluators import NB201Evaluator
    >>> study = nasforge.create_study(evaluator=NB201Evaluator(dataset="cifar10"),  # doctest: +SKIP
    ...                               strategy="local_search", budget=nasforge.Budget(n_trials=100))
    >>> study.optimize()  # doctest: +SKIP
    >>> study.best_trial.metrics["test_acc"]  # doctest: +SKIP
"""

from __future__ import annotations

from nasforge.evaluators import Evaluator, create_evaluator, list_evaluators
from nasforge.exceptions import NasforgeError, StorageError, ValidationError
from nasforge.spaces import (
    Architecture,
    Choice,
    Float,
    Int,
    Repeat,
    SearchSpace,
    Space,
    create_space,
    list_spaces,
    load_space_file,
)
from nasforge.storages import get_storage
from nasforge.strategies import Strategy, create_strategy, list_strategies
from nasforge.study import Budget, FrozenTrial, Objective, Study, TrialState, create_study, load_study, read_study

__version__ = "0.1.0"

__all__ = [
    "Architecture",
    "Budget",
    "Choice",
    "Evaluator",
    "Float",
    "FrozenTrial",
    "Int",
    "NasforgeError",
    "Objective",
    "Repeat",
    "SearchSpace",
    "Space",
    "StorageError",
    "Strategy",
    "Study",
    "TrialState",
    "ValidationError",
    "__version__",
    "create_evaluator",
    "create_space",
    "create_strategy",
    "create_study",
    "get_storage",
    "list_evaluators",
    "list_spaces",
    "list_strategies",
    "load_space_file",
    "load_study",
    "read_study",
]
