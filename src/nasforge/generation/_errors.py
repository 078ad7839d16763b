"""Failures of generative training that make a trial FAIL with its reason."""

from __future__ import annotations

from nasforge.exceptions import NasforgeError


class GenerationDiverged(NasforgeError):
    """A loss became NaN or infinite."""


class ModeCollapse(NasforgeError):
    """The generated samples are near-identical."""
