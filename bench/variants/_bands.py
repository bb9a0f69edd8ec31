"""The reference bands by which the thinning of close rows weighted drawn rows up to 0.4.1.

Up to 0.4.1 the default weighted some fits by bands: the reference (each training row's distance to
its nearest other one) cut into quantile bands, and each band of its nearer half thinned down to the
share of the reference it holds; and up to 0.4.1 the distances counted the target column. 0.4.2
weights every fit by the lean model's odds and leaves the target out of the distances
(:mod:`synthlab.generators._thinning`). The variants that draw an earlier version's rows use this.
"""

from dataclasses import replace

import numpy as np

from synthlab.generators import _thinning

BANDS = 20  # quantile bands of the reference distances
THINNED_SHARE = 0.5  # only bands in the nearer half of the reference are thinned


def band_weights(thinning, d1: np.ndarray, stretch: float = 1.0) -> np.ndarray:
    """Per drawn row: the weight that brings each band of the nearer half of the reference's quantile
    bands (the reference stretched ``stretch``-fold) down to the share of the reference it holds."""
    reference = thinning.reference * stretch
    edges = np.unique(np.quantile(reference, np.linspace(0.0, 1.0, BANDS + 1)[1:-1]))
    reference_share = np.bincount(np.searchsorted(edges, reference, side="right"),
                                  minlength=len(edges) + 1) / len(reference)
    band = np.searchsorted(edges, d1, side="right")
    drawn_share = np.bincount(band, minlength=len(edges) + 1) / max(len(d1), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(drawn_share > 0, np.minimum(1.0, reference_share / drawn_share), 1.0)
    weight[np.cumsum(reference_share) > THINNED_SHARE] = 1.0
    return weight[band]


_fit = _thinning.CloseRowThinning.fit.__func__


def _fit_counting_the_target(cls, data, schema):
    return _fit(cls, data, replace(schema, target=None))


def install(weights) -> None:
    """Weight drawn rows by ``weights(thinning, nn)`` in place of the package's rule, on distances
    that count the target column, as before 0.4.2."""
    _thinning.CloseRowThinning.fit = classmethod(_fit_counting_the_target)
    _thinning.CloseRowThinning.weights = weights
