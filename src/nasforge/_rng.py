"""One helper turns a seed into a generator; no library code touches global random state."""

from __future__ import annotations

import numpy as np

from nasforge.exceptions import ValidationError

Seed = int | np.random.Generator | None


def as_generator(seed: Seed) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``seed`` (None, a non-negative int, or a Generator).

    A Generator is returned unchanged so that callers can share one stream on purpose.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValidationError(
            f"The 'seed' parameter must be None, an int >= 0 or a numpy Generator. Got {seed!r} instead."
        )
    return np.random.default_rng(int(seed))
