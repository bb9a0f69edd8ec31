"""The 0.3.0 rule for the thinning of close rows, as a control for the lean model that replaced it.

0.3.0 thinned every fit of up to 2,000 rows by the reference's quantile bands (each training row's
distance to its nearest other one), stretched 1.5-fold on fits of up to 600 rows. 0.4.0 kept the
bands above 600 rows and, on fits of up to 600, weighted each drawn row by its modelled odds of not
leaning (:func:`synthlab.generators._thinning.lean_chance`); 0.4.2 weights every fit so and leaves the
target out of the distances. This patch draws exactly 0.3.0's rows.

    python bench/ab.py --out margin.json --seeds 2 --pool 300 --first-seed 12 --patch bench/variants/thinning_margin.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 12
    python bench/ab.py --compare margin.json default.json
"""

from bench.variants._bands import band_weights, install


def weights(self, nn):
    # the bands on every fit, stretched 1.5-fold on fits of up to 600 rows
    return band_weights(self, nn.d1, 1.5 if self.train[0].shape[0] <= 600 else 1.0)


install(weights)
