"""The thinning variants under bench/variants (earlier versions' rows, for A/B controls) still run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import runpy, sys
import numpy as np, pandas as pd
sys.path.insert(0, {root!r})
runpy.run_path({variant!r})
from synthlab.generators import make_generator
from synthlab.schema import Schema
rng = np.random.default_rng(0)
df = pd.DataFrame({{"g": rng.choice(list("abc"), 300), "x": rng.normal(size=300).round(2)}})
gen = make_generator("synthlab", random_state=0).fit(df, Schema.detect(df))
assert gen.thinning_ is not None
print(len(gen.sample(150, seed=0)))
"""


@pytest.mark.parametrize("variant", sorted((ROOT / "bench" / "variants").glob("thinning_*.py")), ids=lambda p: p.stem)
def test_thinning_variant_samples(variant: Path):
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(root=str(ROOT), variant=str(variant))],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "150"
