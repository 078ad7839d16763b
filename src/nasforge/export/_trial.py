"""Export a stored trial: rebuild its network from the study's evaluator, train it (or load weights), write it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from nasforge.exceptions import ValidationError
from nasforge.export._export import FORMATS, ExportResult, check_formats, export_model
from nasforge.trial import FrozenTrial

if TYPE_CHECKING:
    from nasforge.study import Study


def pick_trial(study: Study, number: int | None) -> FrozenTrial:
    """Trial ``number`` of ``study``, or its best trial when ``number`` is None."""
    if number is None:
        best = study.best_trial
        if best is None:
            raise ValidationError(f"The study {study.name!r} has no completed trial to export.")
        return best
    trials = study.trials
    if not 0 <= number < len(trials):
        raise ValidationError(f"The 'trial' parameter must be a trial number of study {study.name!r}, 0 .. "
                              f"{len(trials) - 1}. Got {number} instead.")
    return trials[number]


def untrained_network(study: Study, trial: FrozenTrial, seed: int = 0) -> tuple[nn.Module, tuple[int, ...]]:
    """The freshly initialised network of ``trial`` (initialisation seeded by ``seed``) and its input shape."""
    from nasforge.evaluators import GenerationEvaluator, NB201Evaluator, TrainingEvaluator, ZeroCostEvaluator
    from nasforge.nn import seeded_torch_rng

    evaluator, space = study.evaluator, study.space
    with seeded_torch_rng(seed):
        if isinstance(evaluator, TrainingEvaluator):
            shape = tuple(evaluator.dataset.input_shape)
            return space.build(trial.arch, shape, evaluator.dataset.n_outputs), shape
        if isinstance(evaluator, ZeroCostEvaluator):
            return evaluator.network(trial.arch), tuple(evaluator.input_shape)
        if isinstance(evaluator, GenerationEvaluator):
            return _generator(evaluator, trial)
        if isinstance(evaluator, NB201Evaluator):
            image, classes = evaluator.network_shape()
            return space.build(trial.arch, image, classes), image
    raise ValidationError(f"The study {study.name!r} has no networks to export: its evaluator "
                          f"({type(evaluator).__name__}) only looks up results. Export the architecture JSON "
                          "alone with '--format json'.")


def _generator(evaluator: Any, trial: FrozenTrial) -> tuple[nn.Module, tuple[int, ...]]:
    """The GAN generator of ``trial`` and its input shape (the latent vector)."""
    from nasforge.spaces import GANSpace

    space = evaluator.natural_space()
    if not isinstance(space, GANSpace):
        raise ValidationError("Only GAN generators can be exported from a generation study (a VAE returns its "
                              "reconstruction, mean and variance; use train-best --out for its weights).")
    return space.generator(trial.arch, evaluator.image_shape), (space.z_dim,)


def export_trial(study: Study, out_dir: str | Path, *, number: int | None = None, formats: Sequence[str] = FORMATS,
                 train: bool = True, epochs: int | None = None, weights: str | Path | None = None,
                 ) -> tuple[FrozenTrial, ExportResult, dict[str, float]]:
    """Write trial ``number`` (default: the best) of ``study`` to ``out_dir``.

    The weights: those in ``weights`` (a state dict, e.g. ``train-best --out``'s ``model.pt``); else, for studies
    that train networks and ``train=True``, the network retrained on train + validation for ``epochs`` (default:
    the study's) and scored on the test set; else freshly initialised (tabular and zero-cost studies).

    Returns:
        The trial, what was written with its checks, and the test metrics of the retraining (empty if none).
    """
    from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator

    formats = check_formats(formats)
    trial = pick_trial(study, number)
    folder = Path(out_dir)
    title = f"Trial {trial.number} of study {study.name!r}: {study.space.describe(trial.arch)}"
    arch = {**trial.arch.to_dict(), "study": study.name, "trial": trial.number, "metrics": dict(trial.metrics)}
    if formats == ["json"]:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "arch.json").write_text(json.dumps(arch, indent=1))
        return trial, ExportResult(files={"json": folder / "arch.json"}), {}
    model, shape = untrained_network(study, trial)
    final: dict[str, float] = {}
    evaluator = study.evaluator
    if weights is not None:
        try:
            model.load_state_dict(torch.load(weights, weights_only=True))
        except (OSError, RuntimeError) as exc:
            raise ValidationError(f"The 'weights' file {str(weights)!r} does not hold this trial's weights: "
                                  f"{str(exc).splitlines()[0]}") from None
        arch["weights"] = f"loaded from {weights}"
    elif train and isinstance(evaluator, TrainingEvaluator | GenerationEvaluator):
        model, final = evaluator.final_model(trial.arch, epochs)
        arch["weights"] = "retrained on train + validation for " + (f"{epochs} epochs" if epochs else
                                                                     "the study's epochs")
        arch["final_metrics"] = final
    else:
        arch["weights"] = "untrained (freshly initialised)"
    result = export_model(model, folder, input_shape=shape, arch=arch, formats=formats, title=title)
    return trial, result, final
