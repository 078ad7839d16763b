"""Quality of generated images against held-out real images: FID, the Inception-Score analogue and the
diversity check that flags a collapsed generator."""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import pdist

from nasforge.generation._features import FeatureNet, extract
from nasforge.generation._fid import frechet_distance, gaussian_stats, inception_score

_DIVERSITY_SAMPLES = 500


def _spread(features: np.ndarray) -> float:
    return float(pdist(features[:_DIVERSITY_SAMPLES]).mean())


class Quality:
    """Scores images against the feature statistics of real image sets, computed once.

    Args:
        net: the feature extractor. references: name -> real images (N, C, H, W) in [0, 1] ("val", "test").
    """

    def __init__(self, net: FeatureNet, references: dict[str, np.ndarray]) -> None:
        self.net = net
        self._stats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._spreads: dict[str, float] = {}
        for name, images in references.items():
            feats, _ = extract(net, images)
            self._stats[name] = gaussian_stats(feats)
            self._spreads[name] = _spread(feats)

    def scores(self, images: np.ndarray, reference: str) -> dict[str, float]:
        """``fid`` against ``reference``, ``inception_score``, and ``diversity``: the images' mean pairwise
        feature distance over the real images' (about 1 for a healthy generator, near 0 when collapsed)."""
        feats, probs = extract(self.net, images)
        return {"fid": frechet_distance(*gaussian_stats(feats), *self._stats[reference]),
                "inception_score": inception_score(probs),
                "diversity": _spread(feats) / max(self._spreads[reference], 1e-12)}
