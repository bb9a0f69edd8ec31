"""Category columns that fix others (a country its continent and code) stay consistent in synthetic rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.generators._dependencies import find_dependencies
from synthlab.generators._trees import ColumnCodec
from synthlab.generators.synthlab import SynthLabGenerator
from synthlab.schema import Schema


def _countries(n: int = 900, seed: int = 0) -> pd.DataFrame:
    """60 countries on 4 continents, most with too few rows to be modelled on their own (pooled as
    rare), a 1-1 ISO code, a flag fixed by the continent and numbers that depend on the continent."""
    rng = np.random.default_rng(seed)
    countries = [f"country{i:02d}" for i in range(60)]
    weights = np.r_[np.full(6, 40.0), np.ones(54)]  # the 54 small ones: about 3 rows each
    country = rng.choice(countries, size=n, p=weights / weights.sum())
    idx = np.array([int(c[-2:]) for c in country])
    continent = np.array(["Africa", "Americas", "Asia", "Europe"])[idx % 4]
    return pd.DataFrame({
        "country": country,
        "iso": np.char.add("C", (idx * 7 % 60).astype(str)),
        "continent": continent,
        "eu": continent == "Europe",
        "gdp": np.round(1000 * (1 + idx % 4) + rng.normal(0, 300, n), 1),
        "year": rng.integers(1990, 2020, n),
    })


def test_finds_exact_dependencies_only():
    df = _countries()
    df.loc[0, "gdp"] = 1.0
    schema = Schema.detect(df)
    names = ["country", "iso", "continent", "eu"]
    codecs = [ColumnCodec.fit(df[c], schema[c].kind.value, None, 50) for c in names]
    found = {(names[d.determinant], names[d.dependent]) for d in find_dependencies(df, codecs, list(range(4)))}
    assert {("country", "iso"), ("iso", "country"), ("country", "continent"), ("iso", "continent"),
            ("country", "eu"), ("continent", "eu")} <= found
    assert ("continent", "country") not in found  # the coarser column fixes nothing finer
    assert ("eu", "continent") not in found  # two values: too few to fix anything

    broken = df.copy()
    broken.loc[broken.index[broken.country == "country00"][:1], "continent"] = "Asia"  # one row breaks it
    codecs = [ColumnCodec.fit(broken[c], schema[c].kind.value, None, 50) for c in names]
    found = {(names[d.determinant], names[d.dependent]) for d in find_dependencies(broken, codecs, list(range(4)))}
    assert ("country", "continent") not in found and ("country", "iso") in found


def test_near_unique_columns_and_chance_agreement_fix_nothing():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"name": [f"n{i}" for i in range(40)], "group": rng.choice(list("abc"), 40)})
    schema = Schema.detect(df)
    codecs = [ColumnCodec.fit(df[c], schema[c].kind.value, None, 50) for c in df.columns]
    assert find_dependencies(df, codecs, [0, 1]) == []
    # 40 pairs of rows with a flag set on 2% of rows: every pair agrees on it by chance
    df = pd.DataFrame({"zip": np.repeat([f"z{i}" for i in range(40)], 2), "flag": np.repeat(np.arange(40) == 7, 2)})
    schema = Schema.detect(df)
    codecs = [ColumnCodec.fit(df[c], schema[c].kind.value, None, 50) for c in df.columns]
    assert find_dependencies(df, codecs, [0, 1]) == []


def test_synthetic_rows_keep_every_dependency_and_the_rare_levels():
    df = _countries()
    schema = Schema.detect(df)
    gen = SynthLabGenerator(random_state=0).fit(df, schema)
    pooled = next(c for c in gen.codecs_ if c.name == "country")
    assert len(pooled.rare_values) > 20  # the case this is about: most countries share the rare code
    syn = gen.sample(3000, seed=0)
    truth = df.drop_duplicates("country").set_index("country")
    assert (syn["iso"].to_numpy() == truth.loc[syn["country"], "iso"].to_numpy()).all()
    assert (syn["continent"].to_numpy() == truth.loc[syn["country"], "continent"].to_numpy()).all()
    assert (syn["eu"].to_numpy(dtype=bool) == (syn["continent"] == "Europe").to_numpy()).all()
    assert syn["eu"].dtype == "boolean"
    # rare countries are still drawn, near their real share
    rare = syn["country"].isin(pooled.rare_values).mean()
    assert abs(rare - df["country"].isin(pooled.rare_values).mean()) < 0.05
    # the numbers still follow the continent
    real_means = df.groupby("continent")["gdp"].mean()
    syn_means = syn.groupby("continent")["gdp"].mean()
    assert (abs(syn_means - real_means) < 250).all()


def test_without_dependencies_nothing_changes_order():
    df = _countries()[["gdp", "year"]].assign(kind=lambda d: np.where(d.gdp > 2500, "hi", "lo"))
    gen = SynthLabGenerator(random_state=0).fit(df, Schema.detect(df))
    assert gen.dependencies_ == [] and gen.decode_order_ == list(range(len(gen.codecs_)))


def test_missing_values_count_as_a_level():
    df = _countries()
    df.loc[df.country == "country03", "continent"] = None
    schema = Schema.detect(df)
    syn = SynthLabGenerator(random_state=0).fit(df, schema).sample(2000, seed=1)
    assert syn.loc[syn.country == "country03", "continent"].isna().all()
    assert syn.loc[syn.continent.isna(), "country"].eq("country03").all()
