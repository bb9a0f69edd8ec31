"""The 0.4.1 rule for the thinning of close rows, as a control for 0.5.0's raked weights.

0.4.1 weighted drawn rows by their modelled odds of not leaning (to the power 1) on fits of up to 600
rows and by the reference's quantile bands on fits of 600-2,000 rows, and did not rake. 0.5.0 weights
every fit of up to 2,000 rows by the odds (to the power 1.5 up to 600 rows, 0.5 above) and rakes the
weights to each column's drawn distribution (:mod:`synthlab.generators._thinning`). This patch draws
exactly 0.4.1's rows.

    python bench/ab.py --out unraked.json --seeds 2 --pool 300 --first-seed 20 --patch bench/variants/thinning_unraked.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 20
    python bench/ab.py --compare unraked.json default.json
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bands import band_weights

from synthlab.generators import _thinning

_thinning.RAKE_SWEEPS = 0


def weights(self, nn):
    n_train = self.train[0].shape[0]
    if n_train > 600:
        return band_weights(self, nn.d1)
    p = _thinning.lean_chance(nn.d1, nn.d2, self.reference)
    odds = (1.0 - p) / p
    return np.minimum(1.0, odds) if n_train > _thinning.CAPPED_ROWS else odds / odds.max()


_thinning.CloseRowThinning.weights = weights
