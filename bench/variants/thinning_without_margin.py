"""The thinning of close rows as 0.2.0 did it: the reference's quantile bands, as they are, on every fit.

0.3.0 stretched the reference 1.5-fold on fits of up to 600 rows (its control:
``bench/variants/thinning_margin.py``); 0.4.0 weights drawn rows on those fits by their modelled odds
of not leaning (:mod:`synthlab.generators._thinning`). This patch uses the plain bands on every fit,
which draws exactly the rows of 0.2.0. The 0.3.0 figures in ``docs/BENCHMARKS.md`` (section "Thinning
of close rows") were measured against it:

    python bench/ab.py --out without.json --seeds 2 --pool 300 --first-seed 6 --patch bench/variants/thinning_without_margin.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 6
    python bench/ab.py --compare without.json default.json
"""

from bench.variants._bands import band_weights, install

install(lambda self, nn: band_weights(self, nn.d1))
