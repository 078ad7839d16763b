"""Search strategies: each proposes architectures (``ask``) and learns from results (``tell``)."""

from __future__ import annotations

from nasforge.strategies._asha import ASHA
from nasforge.strategies._base import Scorer, Strategy, StrategyCapabilities, VectorScorer, Violation
from nasforge.strategies._bayesopt import Bananas, BayesianOptimization
from nasforge.strategies._bohb import BOHB
from nasforge.strategies._categorical import CategoricalView, categorical_problem
from nasforge.strategies._evolution import RegularizedEvolution
from nasforge.strategies._fidelity import MultiFidelityStrategy
from nasforge.strategies._genetic import GeneticAlgorithm
from nasforge.strategies._grid import GridSearch
from nasforge.strategies._hyperband import Hyperband, SuccessiveHalving
from nasforge.strategies._local_search import BOLocalSearch, LocalSearch
from nasforge.strategies._nsga2 import NSGA2
from nasforge.strategies._qlearning import QLearning
from nasforge.strategies._random import RandomSearch
from nasforge.strategies._registry import (
    create_strategy,
    get_strategy_class,
    list_strategies,
    register_strategy,
    strategy_capabilities,
)
from nasforge.strategies._reinforce import Reinforce

__all__ = [
    "ASHA",
    "BOHB",
    "NSGA2",
    "BOLocalSearch",
    "Bananas",
    "BayesianOptimization",
    "CategoricalView",
    "GeneticAlgorithm",
    "GridSearch",
    "Hyperband",
    "LocalSearch",
    "MultiFidelityStrategy",
    "QLearning",
    "RandomSearch",
    "RegularizedEvolution",
    "Reinforce",
    "Scorer",
    "Strategy",
    "StrategyCapabilities",
    "SuccessiveHalving",
    "VectorScorer",
    "Violation",
    "categorical_problem",
    "create_strategy",
    "get_strategy_class",
    "list_strategies",
    "register_strategy",
    "strategy_capabilities",
]
