"""Export a stored trial: rebuild its network from the study's evaluator, train it (or load weights), write it."""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from nasforge.exceptions import NasforgeError, ValidationError
from nasforge.export._export import FORMATS, ExportResult, check_formats, export_model
from nasforge.export._saved import STATE_FILE, find_weights, save_weights, saved_beside, trial_folder
from nasforge.export._usage import ModelIO, model_io
from nasforge.trial import FrozenTrial

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator
    from nasforge.spaces import SearchSpace
    from nasforge.study import ReadableStudy


def load_weights(path: str | Path) -> dict[str, torch.Tensor]:
    """The state dict saved in ``path`` (e.g. ``train-best --out``'s ``model.pt``), loaded without running any code
    from the file; ValidationError, one line, for a file that holds anything else."""
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols; the one line below says it all
            warnings.simplefilter("ignore")
            # weights_only refuses pickled code (a pickle file is an error, never executed)
            state = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch.load raises many kinds for a file that is no state dict (zip, pickle, OS errors)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"The 'weights' file {str(path)!r} must be a PyTorch state dict (torch.save of "
                              f"model.state_dict()). It cannot be loaded: {detail}") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise ValidationError(f"The 'weights' file {str(path)!r} must be a PyTorch state dict (names to tensors). "
                              f"Got a {type(state).__name__} instead.")
    return state


def check_out_folder(folder: Path) -> None:
    """ValidationError unless ``folder`` is a folder or does not exist yet (it is then created)."""
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"The 'out' folder of export must be a folder (it is created if missing). "
                              f"Got {str(folder)!r}, an existing file.")


def _components(study: ReadableStudy) -> tuple[SearchSpace, Evaluator | None]:
    """The space and evaluator that build the study's networks (a stored study's are built from its spec)."""
    from nasforge.study import StudyView

    if isinstance(study, StudyView):
        return study.build_space(), study.build_evaluator()
    return study.space, study.evaluator


def pick_trial(study: ReadableStudy, number: int | None) -> FrozenTrial:
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


def untrained_network(study: ReadableStudy, trial: FrozenTrial, seed: int = 0,
                      components: tuple[SearchSpace, Evaluator | None] | None = None,
                      ) -> tuple[nn.Module, tuple[int, ...]]:
    """The freshly initialised network of ``trial`` (initialisation seeded by ``seed``) and its input shape;
    ``components``: the study's space and evaluator, when already built."""
    from nasforge.evaluators import GenerationEvaluator, NB201Evaluator, TrainingEvaluator, ZeroCostEvaluator
    from nasforge.nn import seeded_torch_rng

    space, evaluator = components or _components(study)
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


def export_trial(study: ReadableStudy, out_dir: str | Path, *, number: int | None = None,
                 formats: Sequence[str] = FORMATS, train: bool = True, epochs: int | None = None,
                 weights: str | Path | None = None, weights_dir: str | Path | None = None,
                 ) -> tuple[FrozenTrial, ExportResult, dict[str, float]]:
    """Write trial ``number`` (default: the best) of ``study`` to ``out_dir``.

    The weights: those in ``weights`` (a state dict, e.g. ``train-best --out``'s ``model.pt``); else, for studies
    that train networks and ``train=True``, those ``train-best`` (or an earlier export) kept for this trial under
    ``weights_dir`` when they match it (see :func:`find_weights`; ``epochs`` None accepts any epochs), else the
    network retrained on train + validation for ``epochs`` (default: the study's) and scored on the test set, and
    kept under ``weights_dir`` for the next time; else freshly initialised (tabular and zero-cost studies).

    For studies that train on data, ``arch.json`` and ``model.py`` carry the input preprocessing the weights were
    trained with, the class names and the feature order; ``model.py`` predicts raw inputs (``predict``).
    ``ExportResult.weights`` says where the weights came from.

    ``study`` may be a :class:`~nasforge.study.StudyView` (what ``nasforge export`` reads): the trial is chosen
    from the stored trials and, beyond the architecture JSON, the space and evaluator are built from the spec.

    Returns:
        The trial, what was written with its checks, and the test metrics of the training (empty if none).
    """
    formats = check_formats(formats)
    folder = Path(out_dir)
    check_out_folder(folder)
    trial = pick_trial(study, number)
    title = f"Trial {trial.number} of study {study.name!r}: {study.space.describe(trial.arch)}"
    arch = {**trial.arch.to_dict(), "study": study.name, "trial": trial.number, "metrics": dict(trial.metrics)}
    if formats == ["json"]:
        folder.mkdir(parents=True, exist_ok=True)
        io = _json_only_io(study)
        (folder / "arch.json").write_text(json.dumps({**arch, **(io.to_dict() if io else {})}, indent=1))
        return trial, ExportResult(files={"json": folder / "arch.json"}), {}
    components = _components(study)
    model, shape = untrained_network(study, trial, components=components)
    model, trained = _weights(study, trial, model, components[1], train=train, epochs=epochs, weights=weights,
                              weights_dir=weights_dir)
    arch.update({"weights": trained.how, "weights_source": trained.source})
    if trained.metrics:
        arch["final_metrics"] = trained.metrics
    result = export_model(model, folder, input_shape=shape, arch=arch, formats=formats, title=title, io=trained.io)
    result.weights, result.weights_source = trained.how, trained.source
    return trial, result, trained.metrics


def _json_only_io(study: ReadableStudy) -> ModelIO | None:
    """The preprocessing, class names and feature order of a study that trains on data, for an architecture-only
    export; None for other studies, or when the data cannot be loaded here (the decisions need no data)."""
    from nasforge.study import StudyView

    if isinstance(study, StudyView):
        entry = study.spec.get("evaluator") or {}
        if not isinstance(entry, dict) or entry.get("name") != "train":
            return None  # a table, a proxy, a user's function: nothing is built or imported to write decisions
        try:
            return model_io(study.build_evaluator())
        except NasforgeError:
            return None
    return model_io(study.evaluator)


@dataclass
class _Trained:
    """Where an exported network's weights came from, and what they were trained with."""

    source: str  # "file", "reused", "retrained" or "untrained"
    how: str  # one line for people
    io: ModelIO | None
    metrics: dict[str, float] = field(default_factory=dict)


def _weights(study: ReadableStudy, trial: FrozenTrial, model: nn.Module, evaluator: Evaluator | None, *,
             train: bool, epochs: int | None, weights: str | Path | None,
             weights_dir: str | Path | None) -> tuple[nn.Module, _Trained]:
    """The network with the weights :func:`export_trial` describes, and where they came from."""
    from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator

    io = model_io(evaluator)  # the preprocessing fitted on train + validation: the rows final models train on
    if weights is not None:
        try:
            model.load_state_dict(load_weights(weights))
        except RuntimeError as exc:
            raise ValidationError(f"The 'weights' file {str(weights)!r} does not hold this trial's weights: "
                                  f"{str(exc).splitlines()[0]}") from None
        record = saved_beside(weights)  # train-best --out writes what the weights were trained with next to them
        if record is not None and record.info.get("io") is not None:
            io = record.io
        return model, _Trained("file", f"loaded from {weights}", io, record.metrics if record else {})
    if not train or not isinstance(evaluator, TrainingEvaluator | GenerationEvaluator):
        return model, _Trained("untrained", "untrained (freshly initialised)", io)
    keep = None if weights_dir is None else trial_folder(weights_dir, study.name, trial.number)
    params, arch = evaluator.get_params(), trial.arch.to_dict()
    why = "no weights folder (give --weights-dir)"
    if keep is not None:
        saved, why = find_weights(keep, study=study.name, trial=trial.number, arch=arch, epochs=epochs,
                                  evaluator=params, network=model)
        if saved is not None:
            return model, _Trained("reused", f"{why}; not trained again", saved.io, saved.metrics)
    model, final = evaluator.final_model(trial.arch, epochs)
    how = ("retrained on train + validation for " + (f"{epochs} epochs" if epochs else "the study's epochs") +
           f" ({why})")
    kept = None if keep is None else saved_beside(keep / STATE_FILE)
    if kept is not None and kept.info.get("trained_by") == "train-best" and kept.intact():  # not replaced by export
        how += f"; not kept: {keep} holds the weights train-best kept"
    elif keep is not None:
        try:
            save_weights(keep, state=model.state_dict(), study=study.name, trial=trial.number, arch=arch,
                         epochs=epochs, evaluator=params, io=io, metrics=final, trained_by="export")
            how += f"; kept in {keep}"
        except OSError as exc:  # a read-only folder: the export itself still works
            how += f"; not kept ({exc.strerror or exc})"
    return model, _Trained("retrained", how, io, final)
