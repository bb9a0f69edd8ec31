"""Variant (not shipped): :mod:`scale_by_likelihood` and :mod:`linear_part` together (the residuals'
noise takes the scale their held-out values favour).

    python bench/ab.py --out both.json --seeds 2 --pool 300 --patch bench/variants/linear_and_scale.py

Measured (issue 3's note, 2026-11-22; 343 tables, 2 seeds): tables meeting every target 130 -> 137
(unseen 6 -> 9), detection misses 35 -> 43, closer-to-train misses 169 -> 158.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).with_name("scale_by_likelihood.py")))
runpy.run_path(str(Path(__file__).with_name("linear_part.py")))
