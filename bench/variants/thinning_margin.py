"""The 0.3.0 rule for the thinning of close rows, as a control for the lean model that replaced it.

0.3.0 thinned every fit of up to 2,000 rows by the reference's quantile bands (each training row's
distance to its nearest other one), stretched 1.5-fold on fits of up to 600 rows. 0.4.0 keeps the
bands above 600 rows and, on fits of up to 600, weights each drawn row by its modelled odds of not
leaning (:func:`synthlab.generators._thinning.lean_chance`). This patch draws exactly 0.3.0's rows.

    python bench/ab.py --out margin.json --seeds 2 --pool 300 --first-seed 12 --patch bench/variants/thinning_margin.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 12
    python bench/ab.py --compare margin.json default.json
"""

from dataclasses import replace

from synthlab.generators import _thinning

_thinning.LEAN_ROWS = 0  # the bands on every fit
_bands = _thinning.CloseRowThinning.band_weights


def band_weights(self, d1):
    if self.train[0].shape[0] <= 600:  # stretched 1.5-fold: stretching the reference stretches its bands
        return _bands(replace(self, reference=self.reference * 1.5), d1)
    return _bands(self, d1)


_thinning.CloseRowThinning.band_weights = band_weights
