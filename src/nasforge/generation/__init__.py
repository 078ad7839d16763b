"""Image generation: GAN and VAE training, FID and the Inception-Score analogue from a feature extractor trained
on the dataset itself, sample grids."""

from __future__ import annotations

from nasforge.generation._errors import GenerationDiverged, ModeCollapse
from nasforge.generation._features import FeatureNet, cache_dir, extract, feature_net
from nasforge.generation._fid import fid, frechet_distance, gaussian_stats, inception_score
from nasforge.generation._gan_train import GAN_LOSSES, GANConfig, generate, train_gan
from nasforge.generation._grid import image_grid, save_grid
from nasforge.generation._quality import Quality
from nasforge.generation._vae_train import train_vae, vae_samples, vae_scores

__all__ = [
    "GAN_LOSSES",
    "FeatureNet",
    "GANConfig",
    "GenerationDiverged",
    "ModeCollapse",
    "Quality",
    "cache_dir",
    "extract",
    "feature_net",
    "fid",
    "frechet_distance",
    "gaussian_stats",
    "generate",
    "image_grid",
    "inception_score",
    "save_grid",
    "train_gan",
    "train_vae",
    "vae_samples",
    "vae_scores",
]
