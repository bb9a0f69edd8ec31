"""Privacy: exact nearest neighbours, exact copies, the chance-corrected closer-to-train share, the filter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import synthlab.metrics.neighbours as nb
from synthlab.metrics.encoding import Codec, prepare
from synthlab.metrics.neighbours import DistanceEncoder, mean_distance, nearest
from synthlab.metrics.privacy import (
    chance_corrected,
    closer_to_train_share,
    distances_to_train,
    exact_copy_share,
    privacy_filter,
)
from synthlab.schema import Schema


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "k": rng.integers(0, 6, n).astype(float),
        "c": rng.choice(["a", "b", "c"], n),
        "h": rng.choice([f"v{i}" for i in range(120)], n),  # high-cardinality: compared by code
        "b": rng.random(n) < 0.3,
        "d": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
    })
    df.loc[rng.random(n) < 0.1, "x"] = np.nan
    df.loc[rng.random(n) < 0.1, "c"] = None
    return df


def _coded(query: pd.DataFrame, reference: pd.DataFrame):
    schema = Schema.detect(pd.concat([reference, query], ignore_index=True))
    r, q = prepare(reference, schema), prepare(query, schema)
    codec = Codec.fit([r, q], schema)
    er, eq = codec.encode(r), codec.encode(q)
    de = DistanceEncoder.fit(codec, er, [eq])
    return de, de.transform(eq), de.transform(er)


def _brute(qc, rc) -> np.ndarray:
    (x, w, h), (y, _, g) = qc, rc
    return ((x[:, None, :] - y[None, :, :]) ** 2 * w).sum(-1) + (h[:, None, :] != g[None, :, :]).sum(-1)


@pytest.mark.parametrize("block, chunk", [(nb.BLOCK_ELEMENTS, nb.REF_CHUNK), (4_000, 97), (150, 31)])
def test_chunked_nearest_neighbours_equal_brute_force(monkeypatch, block, chunk):
    """Whatever the block and reference chunk sizes (bounded memory), the answer is the exact one."""
    monkeypatch.setattr(nb, "REF_CHUNK", chunk)
    _de, qc, rc = _coded(_frame(160, 1), _frame(400, 2))
    d = _brute(qc, rc)
    res = nearest(qc, rc, block_elements=block)
    s = np.sort(d, axis=1)
    assert np.allclose(res.d1, s[:, 0]) and np.allclose(res.d2, s[:, 1])
    assert np.allclose(d[np.arange(len(d)), res.index], s[:, 0])
    assert (res.ties == (d <= s[:, [0]] + 1e-6).sum(axis=1)).all()


def test_every_reference_row_is_compared():
    """A single matching row at the very end of a large reference is found (no subsampling)."""
    ref = _frame(5000, 3)
    query = ref.iloc[[4999]].reset_index(drop=True)
    _de, qc, rc = _coded(query, ref)
    res = nearest(qc, rc, block_elements=1000)
    assert res.d1[0] == 0 and res.index[0] == 4999


def test_distance_is_a_mean_of_per_column_terms_in_zero_one():
    ref = _frame(300, 4)
    de, qc, rc = _coded(ref, ref)
    assert (nearest(qc, rc).d1 == 0).all()  # every row finds itself exactly: float32 sums are exact
    d = mean_distance(_brute(qc, rc), de.n_columns)
    assert d.min() >= 0 and d.max() <= 1 + 1e-6
    # one categorical column different, everything else equal: exactly 1 / number of columns
    other = ref.iloc[[0]].copy()
    other["c"] = "zzz"
    d1 = distances_to_train(other, ref, Schema.detect(ref))
    assert d1[0] == pytest.approx(1 / 6, abs=1e-6)


def test_exact_copy_share():
    train = _frame(400, 5)
    schema = Schema.detect(train)
    half = pd.concat([train.iloc[:100], _frame(100, 6)], ignore_index=True)
    assert exact_copy_share(train, train, schema) == 1.0
    assert exact_copy_share(half, train, schema) == pytest.approx(0.5)
    assert exact_copy_share(_frame(200, 7), train, schema) == 0.0


def test_chance_corrected_share_maps_chance_to_half():
    assert chance_corrected(0.75, 300, 100) == pytest.approx(0.5)
    assert chance_corrected(1.0, 300, 100) == pytest.approx(1.0)
    assert chance_corrected(0.0, 300, 100) == pytest.approx(0.0)
    assert chance_corrected(0.6, 100, 100) == pytest.approx(0.6)  # equal sizes: the share itself


def test_closer_to_train_share_is_half_for_fresh_rows_and_high_for_a_leak():
    df = _frame(2400, 8)
    schema = Schema.detect(df)
    train, holdout, fresh = df.iloc[:1200], df.iloc[1200:1600], df.iloc[1600:]
    assert closer_to_train_share(fresh, train, holdout, schema) == pytest.approx(0.5, abs=0.08)
    leak = train.copy().reset_index(drop=True)
    rng = np.random.default_rng(9)
    for c in leak.columns:
        m = rng.random(len(leak)) < 0.1
        leak.loc[m, c] = train[c].to_numpy()[rng.integers(0, len(train), int(m.sum()))]
    assert closer_to_train_share(leak, train, holdout, schema) > 0.8


def test_privacy_filter_drops_copies_and_keeps_fresh_rows():
    df = _frame(1600, 10)
    schema = Schema.detect(df)
    train, holdout, fresh = df.iloc[:800], df.iloc[800:1200], df.iloc[1200:]
    syn = pd.concat([train.iloc[:100], fresh], ignore_index=True)
    keep = privacy_filter(syn, train, holdout, schema)
    assert keep.dtype == bool and len(keep) == len(syn)
    assert not keep[:100].any()  # copies are closer than 95% of unseen real rows
    assert keep[100:].mean() > 0.85
