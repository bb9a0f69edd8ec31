"""Charts: right trace types, colours, labels, aggregates only (bounded points), awkward inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from synthlab import plots as P
from synthlab.errors import DataError, SchemaError
from synthlab.schema import ColumnSpec, Kind, Schema


def _points(fig: go.Figure) -> int:
    """Values a browser has to draw: x/y points, heatmap cells, precomputed boxes."""
    total = 0
    for tr in fig.data:
        if getattr(tr, "z", None) is not None:
            total += np.asarray(tr.z, dtype=object).size
        elif getattr(tr, "q1", None) is not None:
            total += len(tr.q1)
        else:
            total += max(len(tr.x) if tr.x is not None else 0, len(tr.y) if tr.y is not None else 0)
    return total


def _labelled(fig: go.Figure) -> None:
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "rgba(0, 0, 0, 0)"
    assert fig.layout.font.color is None  # left to the theme
    fig.to_json()  # serialisable (what st.plotly_chart and the report do)


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    n = 2_000

    def make(seed_shift: float, rows: int) -> pd.DataFrame:
        x = rng.normal(seed_shift, 1, rows)
        return pd.DataFrame({
            "x": x,
            "y": 2 * x + rng.normal(0, 0.1, rows),
            "colour": rng.choice(["red", "green", "blue"], rows).astype(object),
            "flag": pd.array(rng.random(rows) < 0.3, dtype="boolean"),
            "when": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 400, rows), unit="D"),
        })

    schema = Schema([ColumnSpec("x", Kind.NUMERICAL), ColumnSpec("y", Kind.NUMERICAL),
                     ColumnSpec("colour", Kind.CATEGORICAL), ColumnSpec("flag", Kind.BOOLEAN),
                     ColumnSpec("when", Kind.DATETIME)])
    return make(0.0, n), make(0.3, n // 2), schema


# ----- single columns ---------------------------------------------------------------------------
def test_numeric_overlay_shares_shared_bins_and_colours(frames):
    real, syn, _ = frames
    fig = P.column_overlay(real["x"], syn["x"], Kind.NUMERICAL)
    assert [type(t) for t in fig.data] == [go.Bar, go.Bar]
    assert [t.name for t in fig.data] == ["Real", "Synthetic"]
    assert fig.data[0].marker.color == P.REAL and fig.data[1].marker.color == P.SYNTHETIC
    assert np.array_equal(fig.data[0].x, fig.data[1].x)  # shared bins
    assert np.isclose(sum(fig.data[0].y), 1) and np.isclose(sum(fig.data[1].y), 1)
    assert len(fig.data[0].x) <= P.MAX_BINS
    assert fig.layout.xaxis.title.text == "x"
    _labelled(fig)


def test_numeric_overlay_missing_values_noted_and_excluded(frames):
    real, syn, _ = frames
    r = real["x"].copy()
    r.iloc[:500] = np.nan
    fig = P.column_overlay(r, syn["x"], "numerical")
    assert np.isclose(sum(fig.data[0].y), 1)  # shares of non-missing values
    notes = [a.text for a in fig.layout.annotations]
    assert any("Missing" in t and "25.0%" in t for t in notes)


def test_empty_synthetic_and_constant_columns():
    real = pd.Series([3.0] * 50, name="c")
    fig = P.column_overlay(real, pd.Series([], dtype="float64", name="c"), Kind.NUMERICAL)
    assert len(fig.data) == 2
    assert list(fig.data[0].y) == [1.0] and list(fig.data[1].y) == [0.0]
    _labelled(fig)
    ecdf = P.ecdf_overlay(real, pd.Series([], dtype="float64"))
    assert len(ecdf.data) == 2 and len(ecdf.data[1].x) == 0
    bars = P.column_overlay(pd.Series(["a"] * 10), pd.Series([], dtype=object), Kind.CATEGORICAL)
    assert list(bars.data[0].x) == ["a"] and list(bars.data[1].y) == [0.0]


def test_all_missing_numeric_gives_message_not_error():
    fig = P.column_overlay(pd.Series([np.nan] * 5, name="v"), pd.Series([np.nan] * 3), Kind.NUMERICAL)
    assert len(fig.data) == 0
    assert "No values" in fig.layout.annotations[0].text
    _labelled(fig)


def test_integer_column_gets_one_bin_per_value():
    real = pd.Series([1.0, 2.0, 2.0, 3.0, 5.0])
    fig = P.column_overlay(real, real, Kind.NUMERICAL)
    assert list(fig.data[0].x) == [1, 2, 3, 4, 5]


def test_several_runs_use_run_colours_and_names(frames):
    real, syn, _ = frames
    fig = P.column_overlay(real["x"], [syn["x"], syn["x"] + 1], Kind.NUMERICAL, names=["Real", "ctgan", "copula"])
    assert [t.name for t in fig.data] == ["Real", "ctgan", "copula"]
    assert [t.line.color for t in fig.data[1:]] == [P.RUN_COLORS[0], P.RUN_COLORS[1]]
    assert fig.data[0].marker.color == P.REAL
    assert P.REAL not in P.RUN_COLORS and P.HOLDOUT not in P.RUN_COLORS


def test_ecdf_bounded_quantiles_monotone(frames):
    real, syn, _ = frames
    fig = P.ecdf_overlay(real["x"], syn["x"])
    assert [t.line.color for t in fig.data] == [P.REAL, P.SYNTHETIC]
    for t in fig.data:
        assert len(t.x) <= P.ECDF_POINTS
        assert np.all(np.diff(t.x) >= 0) and np.all(np.diff(t.y) >= 0)
        assert t.y[0] == 0 and t.y[-1] == 1
    _labelled(fig)


def test_category_bars_top_other_missing():
    real = pd.Series([f"c{i:02d}" for i in range(30)] * 3 + [None] * 10, dtype=object, name="cat")
    syn = pd.Series(["c00"] * 50 + ["new"] * 50, dtype=object)
    fig = P.column_overlay(real, syn, Kind.CATEGORICAL)
    labels = list(fig.data[0].x)
    assert len(labels) == P.TOP_CATEGORIES + 2
    assert labels[-2:] == [P.OTHER, P.MISSING]
    assert labels[0] in {"new", "c00"}  # the invented synthetic category is not hidden in "other"
    for t in fig.data:
        assert np.isclose(sum(t.y), 1)
    assert fig.data[0].y[-1] == pytest.approx(0.1)
    assert fig.layout.xaxis.type == "category"
    assert fig.layout.barmode == "group"
    _labelled(fig)


def test_booleans_with_missing_and_number_like_labels():
    real = pd.Series([True, False, None, True], dtype="boolean", name="b")
    fig = P.column_overlay(real, pd.Series([True, True], dtype="boolean"), Kind.BOOLEAN)
    assert set(fig.data[0].x) == {"True", "False", P.MISSING}
    assert dict(zip(fig.data[1].x, fig.data[1].y, strict=True))["True"] == 1.0
    digits = P.column_overlay(pd.Series(["1", "2"]), pd.Series(["2"]), Kind.CATEGORICAL)
    assert digits.layout.xaxis.type == "category"  # "1", "2" stay labels, not a numeric axis


def test_datetime_counts_over_time_by_period():
    days = pd.Series(pd.date_range("2022-01-01", periods=60, freq="D"), name="d")
    fig = P.column_overlay(days, days.iloc[:30], Kind.DATETIME)
    assert all(isinstance(t, go.Scatter) for t in fig.data) and len(fig.data) == 2
    assert "day" in fig.layout.title.text
    assert len(fig.data[0].x) == 60 and np.isclose(sum(fig.data[1].y), 1)
    weeks = pd.Series(pd.date_range("2020-01-01", periods=500, freq="D"))
    wfig = P.column_overlay(weeks, weeks, Kind.DATETIME)
    assert "week" in wfig.layout.title.text
    assert all(pd.Timestamp(x).dayofweek == 0 for x in wfig.data[0].x)  # weeks start on Monday
    years = pd.Series(pd.to_datetime(["1900-05-01", "1950-01-01", None, "2000-12-31"]))
    yfig = P.column_overlay(years, years, Kind.DATETIME)
    assert "year" in yfig.layout.title.text and len(yfig.data[0].x) == 101
    assert any("Missing" in a.text for a in yfig.layout.annotations)
    _labelled(yfig)


def test_user_strings_are_escaped_in_labels():
    s = pd.Series([1.0, 2.0], name="<b>x</b> & y")
    fig = P.column_overlay(s, s, Kind.NUMERICAL, names=["Real", "<i>run</i>"])
    assert "<b>" not in fig.layout.title.text and "&lt;b&gt;x" in fig.layout.title.text
    assert fig.data[1].name == "&lt;i&gt;run&lt;/i&gt;"


# ----- associations -----------------------------------------------------------------------------
def test_correlation_heatmaps_order_scale_and_difference(frames):
    real, syn, schema = frames
    figs = P.correlation_heatmaps(real, syn, schema)
    assert len(figs) == 3
    for fig in figs:
        (hm,) = fig.data
        assert isinstance(hm, go.Heatmap)
        assert list(hm.x) == list(hm.y) == schema.learned
        assert (hm.zmin, hm.zmax) == (-1, 1)
        assert hm.colorscale[len(hm.colorscale) // 2][0] == 0.5  # centred
        _labelled(fig)
    real_z, syn_z, diff_z = (np.asarray(f.data[0].z, dtype=float) for f in figs)
    assert np.allclose(diff_z, syn_z - real_z, equal_nan=True)
    assert real_z[0, 1] > 0.99  # y = 2x: Spearman 1
    assert np.all(np.diag(real_z) == 1)


def test_association_measures():
    rng = np.random.default_rng(1)
    n = 3_000
    x = rng.normal(size=n)
    df = pd.DataFrame({
        "x": x, "neg": -x, "const": 1.0,
        "sign": np.where(x > 0, "pos", "neg").astype(object),
        "copy": np.where(x > 0, "p", "n").astype(object),
        "noise": rng.choice(["a", "b"], n).astype(object),
    })
    schema = Schema([ColumnSpec("x", Kind.NUMERICAL), ColumnSpec("neg", Kind.NUMERICAL),
                     ColumnSpec("const", Kind.NUMERICAL), ColumnSpec("sign", Kind.CATEGORICAL),
                     ColumnSpec("copy", Kind.CATEGORICAL), ColumnSpec("noise", Kind.CATEGORICAL)])
    m = P.association_matrix(df, schema)
    assert m.loc["x", "neg"] == pytest.approx(-1)
    assert np.isnan(m.loc["x", "const"])
    assert m.loc["sign", "copy"] == pytest.approx(1, abs=1e-3)  # Cramér's V
    assert m.loc["sign", "noise"] < 0.05
    assert m.loc["x", "sign"] == pytest.approx(np.sqrt(2 / np.pi), abs=0.03)  # eta: E[|x|]^2 / Var(x)
    assert m.loc["x", "noise"] < 0.1


# ----- pairs ------------------------------------------------------------------------------------
def test_pair_numeric_numeric_density_same_axes(frames):
    real, syn, schema = frames
    r, s = P.pair_plot(real, syn, "x", "y", schema)
    for fig in (r, s):
        assert isinstance(fig.data[0], go.Heatmap)
        assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"
        _labelled(fig)
    assert r.layout.xaxis.range == s.layout.xaxis.range and r.layout.yaxis.range == s.layout.yaxis.range
    assert r.data[0].zmax == s.data[0].zmax
    assert np.nansum(np.asarray(r.data[0].z, dtype=float)) == pytest.approx(1)
    assert r.layout.title.text.startswith("Real") and s.layout.title.text.startswith("Synthetic")


def test_pair_categorical_and_mixed(frames):
    real, syn, schema = frames
    r, s = P.pair_plot(real, syn, "colour", "flag", schema)
    assert isinstance(r.data[0], go.Heatmap)
    assert list(r.layout.xaxis.categoryarray) == list(s.layout.xaxis.categoryarray)
    assert np.nansum(np.asarray(r.data[0].z, dtype=float)) == pytest.approx(1)
    r, s = P.pair_plot(real, syn, "colour", "x", schema)
    assert isinstance(r.data[0], go.Box) and r.data[0].marker.color == P.REAL
    assert s.data[0].marker.color == P.SYNTHETIC
    assert r.layout.yaxis.range == s.layout.yaxis.range
    assert all(lo <= q1 <= med <= q3 <= hi for lo, q1, med, q3, hi in zip(
        r.data[0].lowerfence, r.data[0].q1, r.data[0].median, r.data[0].q3, r.data[0].upperfence, strict=True))
    h, _ = P.pair_plot(real, syn, "x", "flag", schema)
    assert h.data[0].orientation == "h"
    d, _ = P.pair_plot(real, syn, "when", "colour", schema)  # dates count as numbers
    assert isinstance(d.data[0], go.Box)
    d2, _ = P.pair_plot(real, syn, "when", "x", schema)
    assert isinstance(d2.data[0], go.Heatmap)
    with pytest.raises(SchemaError):
        P.pair_plot(real, syn, "x", "nope", schema)


def test_pair_empty_synthetic_and_single_category(frames):
    real, syn, schema = frames
    one = real.assign(colour="only")
    r, s = P.pair_plot(one, syn.iloc[:0], "colour", "x", schema)
    assert len(r.data[0].q1) == 1 and len(s.data[0].q1) == 0
    r, s = P.pair_plot(one, syn.iloc[:0], "x", "y", schema)
    assert np.all(np.isnan(np.asarray(s.data[0].z, dtype=float)))


# ----- whole rows -------------------------------------------------------------------------------
def test_pca_projection(frames):
    real, syn, schema = frames
    real = real.copy()
    real.loc[:100, "x"] = np.nan
    real.loc[:50, "colour"] = None
    fig = P.pca_projection(real, syn, schema, seed=3)
    assert [t.name for t in fig.data] == ["Real", "Synthetic"]
    assert fig.data[0].marker.color == P.REAL and fig.data[1].marker.color == P.SYNTHETIC
    assert "variance" in fig.layout.xaxis.title.text and "variance" in fig.layout.yaxis.title.text
    assert np.all(np.isfinite(fig.data[0].x)) and len(fig.data[1].x) == len(syn)
    again = P.pca_projection(real, syn, schema, seed=3)
    assert np.array_equal(fig.data[1].x, again.data[1].x)
    _labelled(fig)
    empty = P.pca_projection(real, syn.iloc[:0], schema)
    assert len(empty.data[1].x) == 0
    tiny = P.pca_projection(real.iloc[:2], syn, schema)
    assert len(tiny.data) == 0


# ----- evaluation charts ------------------------------------------------------------------------
def test_dcr_histograms():
    rng = np.random.default_rng(0)
    fig = P.dcr_histograms(rng.random(1000), rng.random(500) + 0.2)
    assert [t.marker.color for t in fig.data] == [P.SYNTHETIC, P.HOLDOUT]
    assert [t.name for t in fig.data] == ["Synthetic", "Holdout"]
    assert np.array_equal(fig.data[0].x, fig.data[1].x)
    assert len(fig.layout.shapes) == 2  # medians
    _labelled(fig)


def test_privacy_utility_scatter():
    runs = pd.DataFrame({"name": ["a", "b", "c"], "privacy": [0.5, 0.6, 0.52], "utility": [0.9, 1.0, 0.7],
                         "generator": ["ctgan", "copula", "ctgan"]})
    fig = P.privacy_utility_scatter(runs)
    assert [t.name for t in fig.data] == ["ctgan", "copula"]
    assert list(fig.data[0].text) == ["a", "c"]
    lines = {(s.x0, s.x1) for s in fig.layout.shapes} | {(s.y0, s.y1) for s in fig.layout.shapes}
    assert (0.5, 0.5) in lines and (1.0, 1.0) in lines
    _labelled(fig)
    with pytest.raises(DataError):
        P.privacy_utility_scatter(runs.drop(columns="utility"))


def test_loss_chart_thins_long_runs():
    losses = pd.DataFrame({"epoch": np.arange(10_000), "generator": np.linspace(2, 1, 10_000),
                           "discriminator": np.linspace(1, 0.5, 10_000)})
    fig = P.loss_chart(losses)
    assert [t.name for t in fig.data] == ["generator", "discriminator"]
    assert all(len(t.x) <= 2_001 for t in fig.data) and fig.data[0].x[-1] == 9_999
    assert fig.layout.yaxis.title.text == "Loss"
    _labelled(fig)
    with pytest.raises(DataError):
        P.loss_chart(pd.DataFrame({"loss": [1.0]}))


def test_feature_importance_bar():
    imp = pd.Series({f"c{i}": float(i) for i in range(30)})
    fig = P.feature_importance_bar(imp, "Giveaways")
    (bar,) = fig.data
    assert bar.orientation == "h" and len(bar.y) == 20 and bar.y[0] == "c29"
    assert list(bar.x) == sorted(bar.x, reverse=True)
    _labelled(fig)


def test_metric_bars():
    fig = P.metric_bars({"Column shapes": 0.8, "Detection": 0.6}, {"Column shapes": 0.95}, "Fidelity")
    assert [t.name for t in fig.data] == ["Synthetic", "Holdout"]
    assert [t.marker.color for t in fig.data] == [P.SYNTHETIC, P.HOLDOUT]
    assert list(fig.data[0].x) == ["Column shapes", "Detection"]
    assert np.isnan(fig.data[1].y[1])
    _labelled(fig)


def test_group_rates_series_and_attribute_frames():
    fig = P.group_rates(pd.Series({"F": 0.2, "M": 0.3}), pd.Series({"M": 0.25, "X": 0.1}))
    assert list(fig.data[0].x) == ["F", "M", "X"]
    assert np.isnan(fig.data[0].y[2]) and fig.data[1].y[1] == 0.25
    assert [t.marker.color for t in fig.data] == [P.REAL, P.SYNTHETIC]
    _labelled(fig)
    real = pd.DataFrame({"attribute": ["sex", "sex", "race"], "group": ["F", "M", "A"], "rate": [0.1, 0.2, 0.3]})
    fig2 = P.group_rates(real, real.assign(rate=[0.1, 0.1, 0.1]))
    assert list(fig2.data[0].x[0]) == ["sex", "sex", "race"]  # two-level axis: attribute, group


def test_metric_over_steps():
    df = pd.DataFrame({"generation": [3, 1, 2], "score": [0.3, 0.1, 0.2], "auc": [0.7, 0.9, 0.8]})
    fig = P.metric_over_steps(df, "generation", ["score", "auc"], "Evolution")
    assert len(fig.data) == 2 and list(fig.data[0].x) == [1, 2, 3]
    assert fig.layout.xaxis.title.text == "generation"
    _labelled(fig)


# ----- a million rows ---------------------------------------------------------------------------
def test_million_rows_are_aggregated():
    rng = np.random.default_rng(0)
    n = 1_000_000
    big = pd.DataFrame({
        "x": rng.lognormal(0, 1, n),
        "y": rng.normal(size=n),
        "c": np.array([f"k{i}" for i in range(40)], dtype=object)[rng.integers(0, 40, n)],
        "d": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
    })
    schema = Schema([ColumnSpec("x", Kind.NUMERICAL), ColumnSpec("y", Kind.NUMERICAL),
                     ColumnSpec("c", Kind.CATEGORICAL), ColumnSpec("d", Kind.DATETIME)])
    syn = big.iloc[:100_000]  # the bound is per side; a smaller synthetic side keeps the test quick
    figs = [
        P.column_overlay(big["x"], syn["x"], Kind.NUMERICAL),
        P.ecdf_overlay(big["x"], syn["x"]),
        P.column_overlay(big["c"], syn["c"], Kind.CATEGORICAL),
        P.column_overlay(big["d"], syn["d"], Kind.DATETIME),
        *P.pair_plot(big, syn, "x", "y", schema),
        *P.pair_plot(big, syn, "c", "y", schema),
        P.pca_projection(big, syn, schema),
        *P.correlation_heatmaps(big, syn, schema),
        P.dcr_histograms(big["x"].to_numpy(), big["y"].to_numpy()),
    ]
    for fig in figs:
        assert 0 < _points(fig) <= 10_000, fig.layout.title.text


def test_category_labels_escaped_everywhere(frames):
    real, syn, schema = frames
    real = real.assign(colour="<b>red</b>")
    fig = P.column_overlay(real["colour"], syn["colour"], Kind.CATEGORICAL)
    assert "&lt;b&gt;red&lt;/b&gt;" in list(fig.data[0].x)
    assert not any("<" in str(x) for t in fig.data for x in t.x)
    r, _ = P.pair_plot(real, syn, "colour", "x", schema)
    assert "&lt;b&gt;red&lt;/b&gt;" in list(r.data[0].x) and "&lt;b&gt;red&lt;/b&gt;" in r.layout.xaxis.categoryarray


def test_datetime_boxes_use_a_date_axis(frames):
    real, syn, schema = frames
    r, s = P.pair_plot(real, syn, "colour", "when", schema)
    assert r.layout.yaxis.type == "date" and r.layout.yaxis.range == s.layout.yaxis.range
    assert all(pd.Timestamp("2021-01-01") <= pd.Timestamp(v) <= pd.Timestamp("2022-02-05") for v in r.data[0].median)
    r.to_json()


def test_missing_bars_show_each_column_share_in_the_real_colour():
    import pandas as pd

    from synthlab.intake import missing_table
    from synthlab.plots import REAL, missing_bars

    df = pd.DataFrame({"a": [1, None, 3, None], "b": ["x", "y", None, "z"], "c": [1, 2, 3, 4]})
    fig = missing_bars(missing_table(df))
    bar = fig.data[0]
    assert list(bar.y) == ["a", "b", "c"] and list(bar.x) == [0.5, 0.25, 0.0]
    assert bar.marker.color == REAL
    assert fig.layout.xaxis.title.text == "Share of rows missing" and fig.layout.yaxis.title.text == "Column"
