"""Building components the way the CLI and config files both need: a multi-fidelity strategy's largest budget,
zero-cost warm starts."""

from __future__ import annotations

from typing import Any

from nasforge.evaluators import Evaluator, NB201Evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture

ZERO_COST_KEYS = ("data", "data_params", "space", "space_params", "batch_size", "threads", "seed")


def zero_cost_params(training: dict[str, Any]) -> dict[str, Any]:
    """The training options that a zero-cost evaluator shares (data, space, batch size, threads, seed)."""
    return {k: v for k, v in training.items() if k in ZERO_COST_KEYS}


def with_max_budget(strategy: str, params: dict[str, Any], epochs: float | None) -> dict[str, Any]:
    """``params`` plus ``max_budget=epochs`` for a multi-fidelity strategy that was not given one: the evaluator's
    epochs are the largest budget (CLI and config files share this rule)."""
    from nasforge.strategies import list_strategies, strategy_capabilities

    if epochs and "max_budget" not in params and strategy in list_strategies() \
            and strategy_capabilities(strategy).multi_fidelity:
        return {**params, "max_budget": float(epochs)}
    return params


def proxy_warm_start(evaluator: Evaluator, training: dict[str, Any] | None, proxy: str, *, pool: int, top: int,
                     seed: int | None) -> list[Architecture]:
    """The ``top`` of ``pool`` random architectures by a zero-cost ``proxy``: the networks of the training
    options, or on a tabular NAS-Bench-201 search the benchmark's own skeleton (data-independent proxies)."""
    from nasforge.evaluators import ZeroCostEvaluator

    if training is not None:
        scorer = ZeroCostEvaluator(proxies=[proxy], **zero_cost_params(training))
    elif isinstance(evaluator, NB201Evaluator):
        shape, classes = evaluator.network_shape()
        scorer = ZeroCostEvaluator(data=None, space="nb201", proxies=[proxy], input_shape=shape, n_outputs=classes)
    else:
        raise ValidationError("The '--warm-start-proxy' option needs '--data' or the nb201 benchmark (a proxy "
                              "scores networks, which a user table cannot build).")
    space = evaluator.natural_space()
    return scorer.prefilter(pool, top, seed=seed, space=space)
