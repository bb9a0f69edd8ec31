"""The thinning of close rows without its margin on small fits: the reference distances as they are.

Since 0.3.0 the default stretches the reference by ``MARGIN`` (1.5) when fitted on up to
``MARGIN_ROWS`` (600) rows (:mod:`synthlab.generators._thinning`). This patch sets the stretch to 1,
which draws exactly the rows of 0.2.0. Compared with it, a run of the default measures the margin (figures in
``docs/BENCHMARKS.md``, section "Thinning of close rows"):

    python bench/ab.py --out without.json --seeds 2 --pool 300 --first-seed 6 --patch bench/variants/thinning_without_margin.py
    python bench/ab.py --out default.json --seeds 2 --pool 300 --first-seed 6
    python bench/ab.py --compare without.json default.json
"""

from synthlab.generators import _thinning

_thinning.MARGIN = 1.0
