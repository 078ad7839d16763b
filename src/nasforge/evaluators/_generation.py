"""Generative training: train a GAN or a VAE of the architecture on real images and score its samples."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from nasforge._validation import check_choice, check_float, check_int
from nasforge.data import DataArg, Split, resolve_data, subset_split
from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._registry import register_evaluator
from nasforge.evaluators._training import cached_dataset
from nasforge.exceptions import ValidationError
from nasforge.generation._errors import ModeCollapse
from nasforge.generation._features import feature_net
from nasforge.generation._gan_train import GAN_LOSSES, GANConfig, generate, train_gan
from nasforge.generation._grid import save_grid
from nasforge.generation._quality import Quality
from nasforge.generation._vae_train import train_vae, vae_samples, vae_scores
from nasforge.nn import count_flops, count_params, seeded_torch_rng
from nasforge.spaces import Architecture, GANSpace, SearchSpace, VAESpace, create_space

_VAL_SEED, _TEST_SEED = 101, 202  # offsets of the latent draws that are scored
_QUALITIES: dict[str, Quality] = {}  # per process: settings -> scorer (the oldest of 4 is dropped)


@register_evaluator("generation")
class GenerationEvaluator(Evaluator):
    """Train each architecture of a ``gan`` or ``vae`` space on the images of a dataset and score it.

    The budget of a query is its number of epochs. Quality is measured with a feature extractor trained on the
    dataset itself and cached (see :func:`~nasforge.generation.feature_net`): FID of ``n_samples`` generated
    images against as many held-out real ones (``val_fid`` against the validation split, ``test_fid`` against
    the test set, with other latent draws), the Inception-Score analogue, and ``diversity`` (1 ~ as varied as the
    real images). A generator whose diversity falls below ``min_diversity`` has collapsed: the trial fails with
    that reason, as it does when a loss turns NaN. VAEs also report the ELBO (nats per image, Bernoulli
    likelihood), its KL term and the reconstruction MSE; their samples decode prior draws.

    Metrics (GAN): val_fid, val_inception_score, val_diversity, test_fid, test_inception_score, params and
    flops (generator), d_params, train_time_s, cpu_time_s, epochs. VAE: val_elbo, val_kl, val_recon_mse,
    test_elbo, test_kl, test_recon_mse, the same sample scores, params, flops, times.

    Args:
        data, data_params: an image dataset in [0, 1] with class labels (digits, fashion_mnist, idx, npz, images),
            or labelled images in memory ((x, y) arrays or tensors, a dict, a torch Dataset), as for
            :class:`TrainingEvaluator`.
        space, space_params: ``gan`` or ``vae`` and the space's parameters.
        lr, d_lr: Adam's learning rates (default 2e-4 for GANs, 1e-3 for VAEs; ``d_lr`` the discriminator's).
        beta1: Adam's first momentum (GANs). loss: ``hinge`` or ``nonsaturating``. n_critic: discriminator steps
            per generator step.
        feature_epochs, feature_seed, cache: training epochs, seed and cache folder of the feature extractor (fixed
            apart from ``seed``, so that runs with other seeds are scored by the same extractor).
    """

    takes_budget = True  # epochs

    def __init__(self, *, data: DataArg = "digits", data_params: Mapping[str, Any] | None = None, space: str = "gan",
                 space_params: Mapping[str, Any] | None = None, epochs: int = 10, batch_size: int = 64,
                 lr: float | None = None, d_lr: float | None = None, beta1: float = 0.5, loss: str = "hinge",
                 n_critic: int = 1, n_samples: int = 2000, val_fraction: float = 0.1, test_fraction: float = 0.1,
                 train_subset: int | None = None, feature_epochs: int = 3, feature_seed: int = 0,
                 cache: str | None = None,
                 min_diversity: float = 0.1, threads: int | None = None, seed: int = 0) -> None:
        owner = type(self).__name__
        # in-memory data becomes a temporary .npz file here, so that get_params() stays JSON for workers
        self.data, self.data_params = resolve_data(owner, data, data_params)
        self.space_name, self.space_params = space, dict(space_params or {})
        self._space = create_space(space, **self.space_params)
        if not isinstance(self._space, GANSpace | VAESpace):
            raise ValidationError(f"The 'space' parameter of {owner} must be 'gan' or 'vae'. Got {space!r} instead.")
        self.gan = isinstance(self._space, GANSpace)
        self.epochs = check_int(owner, "epochs", epochs, minimum=1)
        self.batch_size = check_int(owner, "batch_size", batch_size, minimum=2)
        default_lr = 2e-4 if self.gan else 1e-3
        self.lr = check_float(owner, "lr", default_lr if lr is None else lr, minimum=0, strict_minimum=True)
        self.d_lr = check_float(owner, "d_lr", self.lr if d_lr is None else d_lr, minimum=0, strict_minimum=True)
        self.beta1 = check_float(owner, "beta1", beta1, minimum=0, maximum=0.999)
        self.loss = check_choice(owner, "loss", loss, GAN_LOSSES)
        self.n_critic = check_int(owner, "n_critic", n_critic, minimum=1)
        self.n_samples = check_int(owner, "n_samples", n_samples, minimum=10)
        self.val_fraction = check_float(owner, "val_fraction", val_fraction, minimum=0, strict_minimum=True,
                                        maximum=0.9)
        self.test_fraction = check_float(owner, "test_fraction", test_fraction, minimum=0, strict_minimum=True,
                                         maximum=0.9)
        self.train_subset = None if train_subset is None else check_int(owner, "train_subset", train_subset,
                                                                         minimum=self.batch_size)
        self.feature_epochs = check_int(owner, "feature_epochs", feature_epochs, minimum=1)
        self.feature_seed = check_int(owner, "feature_seed", feature_seed, minimum=0)
        self.cache = cache
        self.min_diversity = check_float(owner, "min_diversity", min_diversity, minimum=0)
        self.threads = None if threads is None else check_int(owner, "threads", threads, minimum=1)
        self.seed = check_int(owner, "seed", seed, minimum=0)
        self.dataset = cached_dataset(self.data, self.data_params)
        x = self.dataset.x
        if x.ndim != 4 or self.dataset.task != "classification" or float(x.min()) < 0 or float(x.max()) > 1:
            raise ValidationError(f"The 'data' parameter of {owner} must give labelled images (N, C, H, W) with "
                                  f"pixels in [0, 1]. {self.data!r} has shape {x.shape}, task {self.dataset.task}.")
        self._quality: Quality | None = None

    # -- contract ----------------------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {"data": self.data, "data_params": self.data_params, "space": self.space_name,
                "space_params": self._space.get_params(), "epochs": self.epochs, "batch_size": self.batch_size,
                "lr": self.lr, "d_lr": self.d_lr, "beta1": self.beta1, "loss": self.loss, "n_critic": self.n_critic,
                "n_samples": self.n_samples, "val_fraction": self.val_fraction, "test_fraction": self.test_fraction,
                "train_subset": self.train_subset, "feature_epochs": self.feature_epochs,
                "feature_seed": self.feature_seed, "cache": self.cache,
                "min_diversity": self.min_diversity, "threads": self.threads, "seed": self.seed}

    def default_objective(self) -> str:
        return "val_fid:min" if self.gan else "val_elbo:max"

    def report_metric(self) -> str | None:
        return "test_fid" if self.gan else "test_elbo"

    def metric_names(self) -> frozenset[str]:
        """Sample scores against the validation and test references (the test diversity aside), the ELBO terms of
        a VAE, and the costs."""
        scores = ["fid", "inception_score"] + ([] if self.gan else ["elbo", "kl", "recon_mse"])
        names = {f"val_{s}" for s in scores} | {f"test_{s}" for s in scores} | {"val_diversity"}
        names |= {"params", "flops", "train_time_s", "cpu_time_s", "epochs"} | ({"d_params"} if self.gan else set())
        return frozenset(names)

    def cost_metric(self) -> str | None:
        return "train_time_s"

    def natural_space(self) -> SearchSpace:
        return self._space

    def last_step(self, arch: Architecture, budget: float | None = None) -> int | None:
        return int(budget) if budget is not None else self.epochs

    # -- data and quality --------------------------------------------------------------------------
    @property
    def image_shape(self) -> tuple[int, int, int]:
        c, h, w = self.dataset.input_shape
        return c, h, w

    def split(self) -> Split:
        """Seeded train / validation (/ test) indices; the train part cut to ``train_subset``."""
        return subset_split(self.dataset, val_fraction=self.val_fraction, test_fraction=self.test_fraction,
                            seed=self.seed, train_subset=self.train_subset)

    def _test_images(self, split: Split) -> np.ndarray:
        images: np.ndarray
        if self.dataset.x_test is not None:
            images = self.dataset.x_test
        else:
            assert split.test is not None
            images = self.dataset.x[split.test]
        return images

    def quality(self) -> Quality:
        """The scorer: the cached feature extractor and the real validation and test statistics. Shared by the
        evaluators of this process with the same data and settings (a worker rebuilds its evaluator for every
        trial; it scores against the same references)."""
        if self._quality is None:
            key = json.dumps([self.data, self.data_params, self.val_fraction, self.test_fraction, self.seed,
                              self.n_samples, self.feature_epochs, self.feature_seed, self.cache], sort_keys=True)
            if key not in _QUALITIES:
                split = self.split()
                net = feature_net(self.dataset, epochs=self.feature_epochs, seed=self.feature_seed, cache=self.cache)
                if len(_QUALITIES) >= 4:
                    _QUALITIES.pop(next(iter(_QUALITIES)))
                _QUALITIES[key] = Quality(net, {"val": self.dataset.x[split.val][:self.n_samples],
                                                "test": self._test_images(split)[:self.n_samples]})
            self._quality = _QUALITIES[key]
        return self._quality

    # -- training ----------------------------------------------------------------------------------
    def fit(self, arch: Architecture, train_idx: np.ndarray, epochs: int, report: Reporter | None = None
            ) -> nn.Module:
        """Train a fresh generator (GAN space; its discriminator is discarded) or VAE of ``arch`` on the rows
        ``train_idx``; ``report`` receives the validation FID (GAN) or ELBO (VAE) after every epoch."""
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        images = torch.from_numpy(self.dataset.x[train_idx])
        shape = self.image_shape
        with seeded_torch_rng(self.seed) as rng:
            if isinstance(self._space, GANSpace):
                generator = self._space.generator(arch, shape)
                critic = self._space.discriminator(arch, shape)
                config = GANConfig(epochs=epochs, batch_size=self.batch_size, lr=self.lr, d_lr=self.d_lr,
                                   beta1=self.beta1, loss=self.loss, n_critic=self.n_critic)
                on_epoch = None if report is None else (lambda e: report(e, {"val_fid": self.quality().scores(
                    generate(generator, self.n_samples, self.seed + _VAL_SEED), "val")["fid"]}))
                train_gan(generator, critic, images * 2.0 - 1.0, config, rng, on_epoch)
                return generator
            assert isinstance(self._space, VAESpace)
            vae = self._space.vae(arch, shape)
            val = torch.from_numpy(self.dataset.x[self.split().val])
            on_epoch = None if report is None else (lambda e: report(e, {
                "val_elbo": vae_scores(vae, val, self.seed + _VAL_SEED)["elbo"]}))
            train_vae(vae, images, epochs=epochs, batch_size=self.batch_size, lr=self.lr, generator_rng=rng,
                      on_epoch=on_epoch)
            return vae

    def samples(self, model: nn.Module, n: int, seed: int) -> np.ndarray:
        """``n`` generated images in [0, 1] from seeded latents."""
        return generate(model, n, seed) if self.gan else vae_samples(model, n, seed)  # type: ignore[arg-type]

    def score(self, model: nn.Module, reference: str, images: np.ndarray | None = None) -> dict[str, float]:
        """Sample scores against the ``val`` or ``test`` reference (and the ELBO terms on ``images``, VAEs).
        Raises ModeCollapse when the samples' diversity is below ``min_diversity``."""
        seed = self.seed + (_VAL_SEED if reference == "val" else _TEST_SEED)
        scores = self.quality().scores(self.samples(model, self.n_samples, seed), reference)
        if scores["diversity"] < self.min_diversity:
            raise ModeCollapse(f"the generated samples are near-identical: diversity {scores['diversity']:.3f} of "
                               f"the real images' (min_diversity {self.min_diversity})")
        if not self.gan and images is not None:
            scores.update(vae_scores(model, torch.from_numpy(images), seed))  # type: ignore[arg-type]
        return scores

    def _costs(self, model: nn.Module, arch: Architecture) -> dict[str, float]:
        if isinstance(self._space, GANSpace):
            critic = self._space.discriminator(arch, self.image_shape)
            return {"params": float(count_params(model)), "d_params": float(count_params(critic)),
                    "flops": count_flops(model, (self._space.z_dim,))}
        return {"params": float(count_params(model)), "flops": count_flops(model, self.image_shape)}

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        epochs = int(budget) if budget is not None else self.epochs
        if epochs < 1:
            raise ValidationError(f"The 'budget' of a generation evaluation must be >= 1 epoch. Got {budget!r}.")
        start, cpu = time.perf_counter(), time.process_time()
        split = self.split()
        model = self.fit(arch, split.train, epochs, report)
        metrics = {f"val_{k}": v for k, v in self.score(model, "val", self.dataset.x[split.val]).items()}
        metrics.update({f"test_{k}": v for k, v in self.score(model, "test", self._test_images(split)).items()
                        if k != "diversity"})
        metrics["train_time_s"] = time.perf_counter() - start
        metrics["cpu_time_s"] = time.process_time() - cpu
        metrics["epochs"] = float(epochs)
        metrics.update(self._costs(model, arch))
        return metrics

    def final_train(self, arch: Architecture, epochs: int | None = None,
                    out_dir: str | Path | None = None) -> dict[str, float]:
        """Retrain on train + validation and score against the test set (``train-best``). With ``out_dir``, write
        ``samples.png`` (64 samples), the weights (``generator.pt`` or ``vae.pt``, a state dict) and
        ``arch.json`` there."""
        model, metrics = self.final_model(arch, epochs)
        if out_dir is not None:
            folder = Path(out_dir)
            folder.mkdir(parents=True, exist_ok=True)
            save_grid(self.samples(model, 64, self.seed + _TEST_SEED), folder / "samples.png", nrow=8)
            torch.save(model.state_dict(), folder / ("generator.pt" if self.gan else "vae.pt"))
            (folder / "arch.json").write_text(json.dumps({**arch.to_dict(), "metrics": metrics}, indent=1))
        return metrics

    def final_model(self, arch: Architecture, epochs: int | None = None) -> tuple[nn.Module, dict[str, float]]:
        """The generator (GAN) or VAE of ``arch`` retrained on train + validation, and its test-set scores."""
        epochs = epochs or self.epochs
        start, cpu = time.perf_counter(), time.process_time()
        split = self.split()
        model = self.fit(arch, np.concatenate([split.train, split.val]), epochs)
        metrics = {f"test_{k}": v for k, v in self.score(model, "test", self._test_images(split)).items()}
        metrics["train_time_s"] = time.perf_counter() - start
        metrics["cpu_time_s"] = time.process_time() - cpu
        metrics.update(self._costs(model, arch))
        return model, metrics
