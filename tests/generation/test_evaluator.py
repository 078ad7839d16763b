"""GAN and VAE training on digits (seconds each): metrics, seeds, budgets, failures with their reasons."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from nasforge.evaluators import GenerationEvaluator, create_evaluator
from nasforge.exceptions import ValidationError
from nasforge.generation import GANConfig, GenerationDiverged, ModeCollapse, train_gan
from nasforge.spaces import GANSpace
from nasforge.strategies import create_strategy
from nasforge.study import Budget, TrialState, create_study

FAST = {"data": "digits", "epochs": 2, "n_samples": 200, "threads": 1, "batch_size": 32}
GAN_ARCH = {"c0_up": "nearest", "c0_block": "pre", "c0_norm": "none", "c0_short": True, "c1_up": "bilinear",
            "c1_block": "pre", "c1_norm": "instance", "c1_short": True, "skip0_1": False, "g_width": 16,
            "d_depth": 2, "d_width": 32, "d_sn": True}


def _gan_arch() -> object:
    return GANSpace().make(tuple(GAN_ARCH.values()))


def test_gan_metrics_seeds_and_reports() -> None:
    ev = GenerationEvaluator(space="gan", **FAST)  # type: ignore[arg-type]
    arch = _gan_arch()
    steps: list[int] = []
    a = ev.evaluate(arch, report=lambda step, values: steps.append(step) or None)  # type: ignore[arg-type,func-returns-value]
    assert steps == [1, 2]
    for name in ("val_fid", "val_inception_score", "val_diversity", "test_fid", "test_inception_score", "params",
                 "d_params", "flops", "train_time_s", "cpu_time_s", "epochs"):
        assert name in a and math.isfinite(a[name]), name
    assert a["val_fid"] > 0 and 1.0 <= a["val_inception_score"] <= 10.0 and a["params"] > 0
    timings = ("train_time_s", "cpu_time_s")
    b = ev.evaluate(arch)  # type: ignore[arg-type]
    assert {k: v for k, v in a.items() if k not in timings} == {k: v for k, v in b.items() if k not in timings}
    other = GenerationEvaluator(space="gan", seed=1, **FAST)  # type: ignore[arg-type]
    assert other.evaluate(arch)["val_fid"] != a["val_fid"]  # type: ignore[arg-type]
    assert ev.evaluate(arch, budget=1)["epochs"] == 1  # type: ignore[arg-type]


def test_more_training_lowers_fid() -> None:
    ev = GenerationEvaluator(space="gan", **{**FAST, "epochs": 1})  # type: ignore[arg-type]
    arch = _gan_arch()
    assert ev.evaluate(arch, budget=12)["val_fid"] < ev.evaluate(arch, budget=1)["val_fid"]  # type: ignore[arg-type]


def test_vae_metrics_and_training_improves_the_elbo() -> None:
    ev = GenerationEvaluator(space="vae", **FAST)  # type: ignore[arg-type]
    arch = ev.natural_space().baseline()
    assert arch is not None
    short, longer = ev.evaluate(arch, budget=1), ev.evaluate(arch, budget=6)
    for name in ("val_elbo", "val_kl", "val_recon_mse", "test_elbo", "test_recon_mse", "test_fid",
                 "test_inception_score", "params", "flops"):
        assert name in longer and math.isfinite(longer[name]), name
    assert longer["val_elbo"] > short["val_elbo"] and longer["test_recon_mse"] < short["test_recon_mse"]
    assert longer["val_elbo"] < 0 and longer["val_kl"] > 0
    assert ev.default_objective() == "val_elbo:max" and ev.report_metric() == "test_elbo"


class _Constant(nn.Module):
    """A generator that ignores its latent: the extreme of mode collapse."""

    z_dim = 4

    def __init__(self) -> None:
        super().__init__()
        self.image = nn.Parameter(torch.rand(1, 1, 8, 8) * 2 - 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.image.expand(len(z), -1, -1, -1)


def test_collapsed_generators_fail_with_the_reason() -> None:
    ev = GenerationEvaluator(space="gan", **FAST)  # type: ignore[arg-type]
    with pytest.raises(ModeCollapse, match="near-identical: diversity 0.000"):
        ev.score(_Constant(), "val")


def test_a_nan_loss_stops_training() -> None:
    space = GANSpace()
    arch = space.make(tuple(GAN_ARCH.values()))
    g, d = space.generator(arch, (1, 8, 8)), space.discriminator(arch, (1, 8, 8))
    images = torch.full((64, 1, 8, 8), float("nan"))
    with pytest.raises(GenerationDiverged, match="not finite at epoch 1"):
        train_gan(g, d, images, GANConfig(epochs=2, batch_size=32), torch.Generator().manual_seed(0))


def test_failed_trials_are_stored_with_their_reason(tmp_path: Path) -> None:
    ev = GenerationEvaluator(space="gan", min_diversity=5.0, **{**FAST, "epochs": 1})  # type: ignore[arg-type]
    study = create_study(evaluator=ev, strategy=create_strategy("random", seed=0), budget=Budget(n_trials=2),
                         storage=f"sqlite:///{tmp_path / 's.db'}", name="collapse")
    study.optimize()
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    assert all("near-identical" in (t.fail_reason or "") for t in study.trials)


@pytest.mark.parametrize("strategy", ["evolution", "reinforce", "nsga2"])
def test_strategies_search_generators(strategy: str) -> None:
    ev = GenerationEvaluator(space="gan", **{**FAST, "epochs": 1, "min_diversity": 0.0})  # type: ignore[arg-type]
    # nsga2: FID against generator size; reinforce: the Inception Score as reward (AutoGAN's controller)
    objectives = {"nsga2": ["val_fid:min", "params:min"], "reinforce": ["val_inception_score:max"]}.get(strategy)
    params = {"evolution": {"population_size": 2, "sample_size": 2}, "nsga2": {"population_size": 2}}.get(strategy, {})
    study = create_study(evaluator=ev, strategy=create_strategy(strategy, seed=0, **params),
                         budget=Budget(n_trials=3), objectives=objectives)
    study.optimize()
    done = study.completed_trials()
    assert len(done) == 3 and len({t.arch for t in done}) == 3
    assert all(t.arch.space == "gan" and "val_fid" in t.metrics for t in done)
    assert study.objectives[0].name == (objectives or ["val_fid"])[0].split(":")[0]
    if strategy == "nsga2":
        assert 1 <= len(study.pareto_front()) <= 3


def test_final_train_writes_samples_weights_and_arch(tmp_path: Path) -> None:
    ev = GenerationEvaluator(space="gan", **FAST)  # type: ignore[arg-type]
    arch = _gan_arch()
    metrics = ev.final_train(arch, epochs=1, out_dir=tmp_path / "best")  # type: ignore[arg-type]
    assert "test_fid" in metrics and "val_fid" not in metrics
    assert (tmp_path / "best" / "samples.png").stat().st_size > 0
    state = torch.load(tmp_path / "best" / "generator.pt", weights_only=True)
    generator = ev.natural_space().generator(arch, (1, 8, 8))  # type: ignore[attr-defined]
    generator.load_state_dict(state)
    saved = json.loads((tmp_path / "best" / "arch.json").read_text())
    assert saved["decisions"] == GAN_ARCH and saved["metrics"]["test_fid"] == metrics["test_fid"]


def test_evaluator_is_registered_and_rebuilds_from_params() -> None:
    ev = create_evaluator("generation", space="vae", **FAST)
    clone = create_evaluator("generation", **ev.get_params())
    assert clone.get_params() == ev.get_params()


def test_bad_parameters_are_named() -> None:
    with pytest.raises(ValidationError, match="'space' parameter of GenerationEvaluator must be 'gan' or 'vae'"):
        GenerationEvaluator(space="chain")
    with pytest.raises(ValidationError, match="'loss' parameter of GenerationEvaluator"):
        GenerationEvaluator(loss="wasserstein")
    with pytest.raises(ValidationError, match="labelled images"):
        GenerationEvaluator(data="diabetes")
    with pytest.raises(ValidationError, match="'n_critic' parameter"):
        GenerationEvaluator(n_critic=0)


def test_images_outside_unit_range_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "imgs.npz"
    np.savez(path, x=np.full((20, 1, 4, 4), 3.0), y=np.arange(20) % 2)
    with pytest.raises(ValidationError, match=r"pixels in \[0, 1\]"):
        GenerationEvaluator(data="npz", data_params={"path": str(path)})
