"""Record what a one-shot search derived as a trial of a study."""

from __future__ import annotations

from nasforge.evaluators import TrainingEvaluator
from nasforge.nn import count_flops, count_params
from nasforge.oneshot._base import OneShotResult
from nasforge.storages import BaseStorage
from nasforge.study import Study, create_study
from nasforge.trial import FrozenTrial


def record(result: OneShotResult, evaluator: TrainingEvaluator, *, storage: str | BaseStorage | None = None,
           name: str | None = None) -> tuple[Study, FrozenTrial]:
    """Store ``result.arch`` as a COMPLETE trial of the study ``name`` (created with ``evaluator`` if new), so
    ``train-best``, reports and export see it like any other result. Its metrics are the search's
    (``val_accuracy`` is the estimate under the shared weights) plus the network's ``params`` and ``flops``."""
    study = create_study(evaluator=evaluator, storage=storage, name=name, load_if_exists=True)
    shape = evaluator.dataset.input_shape
    network = evaluator.natural_space().build(result.arch, shape, evaluator.dataset.n_outputs)
    metrics = {**result.metrics, "params": float(count_params(network)), "flops": count_flops(network, shape)}
    return study, study.add_trial(result.arch, metrics)
