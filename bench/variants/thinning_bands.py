"""The 0.4.1 rule for the thinning of close rows, as a control for 0.4.2's.

0.4.1 weighted drawn rows by their modelled odds of not leaning on fits of up to 600 rows and by the
reference's quantile bands on fits of 600-2,000 rows. 0.4.2 takes the odds to the power 0.5 on those
larger fits (:mod:`synthlab.generators._thinning`). This patch draws exactly 0.4.1's rows.

    python bench/ab.py --out bands.json --seeds 2 --pool 300 --first-seed 24 --patch bench/variants/thinning_bands.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 24
    python bench/ab.py --compare bands.json default.json
"""

from bench.variants._bands import band_weights, install
from synthlab.generators import _thinning

_odds = _thinning.CloseRowThinning.weights


def weights(self, nn):
    return band_weights(self, nn.d1) if self.train[0].shape[0] > _thinning.LEAN_ROWS else _odds(self, nn)


install(weights)
