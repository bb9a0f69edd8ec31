"""Variant (not shipped): noise on the rank scale for every smoothed number.

    python bench/ab.py --out rank.json --seeds 2 --pool 300 --patch bench/variants/rank_everywhere.py

Measured (issue 3's note, 2026-11-22; 343 tables, 2 seeds): tables meeting every target 130 -> 119,
detection misses 35 -> 19, closer-to-train misses 169 -> 184.
"""

import numpy as np

from synthlab.generators import _trees


def _distorts(self) -> bool:
    free = np.flatnonzero(~self.atom)
    return len(np.unique(self.values[free])) >= 2 * _trees._GAP_WINDOW


_trees.LeafPools._distorts = _distorts
