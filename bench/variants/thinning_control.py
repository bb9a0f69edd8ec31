"""Control for the thinning of close rows: the same twice-as-many drawn rows, a random half kept.

The default draws 2n rows and thins those nearer a training row than unseen real rows come
(:mod:`synthlab.generators._thinning`). This patch weights every drawn row alike, so the kept rows are a plain
random half of the same draw: the default's output with the thinning alone taken out, and a fresh
random stream. Compared with it, a run of the default measures what the thinning does and nothing
else (the default's own figures on seeds 0-1 lean favourable: earlier changes were judged there).

    python bench/ab.py --out control.json --seeds 2 --pool 300 --patch bench/variants/thinning_control.py
    python bench/ab.py --out default.json --seeds 2 --pool 300
    python bench/ab.py --compare control.json default.json
"""

import numpy as np

from bench.variants._bands import install

install(lambda self, nn: np.ones(len(nn.d1)))  # every row alike
