"""The scorecard as one standalone HTML file: every section, every figure beside its holdout ceiling.

The file embeds plotly's JavaScript once, so it opens offline and can be mailed as an attachment.
Every user string (column names, values, rule texts) is escaped with :func:`html.escape`; charts get
their labels escaped by :mod:`synthlab.plots`.
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pandas as pd

from synthlab import __version__

SECTION_TITLES = MappingProxyType({
    "fidelity": "1. Fidelity",
    "detection": "2. Detection",
    "utility": "3. Utility",
    "privacy": "4. Privacy",
    "bias": "5. Bias",
    "validity": "6. Validity",
})
SECTION_INTRO = MappingProxyType({
    "fidelity": "Do single columns and pairs of columns look like the real data? (SDMetrics' Quality Report "
                "definitions.)",
    "detection": "Can a gradient-boosted classifier tell synthetic rows from real ones? 0.5 = it cannot.",
    "utility": "Does a model trained on synthetic rows predict the real holdout as well as one trained on real rows?",
    "privacy": "Are synthetic rows copies of, or suspiciously close to, the rows the generator trained on?",
    "bias": "Does every group keep its share and its target rate, or are gaps between groups widened?",
    "validity": "Are values inside the real ranges, categories known, keys unique and business rules kept?",
})
FIGURE_KEYS = MappingProxyType({
    "fidelity": ("shape", "trend", "coverage"),
    "detection": ("auc",),
    "utility": ("tstr", "augmentation", "importance_agreement"),
    "privacy": ("closer_to_train_share", "exact_copy_share", "dcr", "nndr", "at_risk_share"),
    "validity": ("in_range", "known_categories", "key_uniqueness", "rule_violations"),
})
RATING_COLOURS = MappingProxyType({"excellent": "#2E7D32", "good": "#558B2F", "fair": "#EF6C00", "poor": "#C62828", "n/a": "#757575"})
WORST_COLUMNS = 4

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:24px;
color:#222;line-height:1.45}
h1{margin-bottom:4px}h2{margin-top:40px;border-bottom:2px solid #eee;padding-bottom:4px}
table{border-collapse:collapse;margin:12px 0;font-size:14px;width:100%}
th,td{border-bottom:1px solid #e5e5e5;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#fafafa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600;font-size:13px}
.why{margin:6px 0 12px 0}.muted{color:#666;font-size:13px}.note{color:#666;font-size:13px;font-style:italic}
details{margin:10px 0}summary{cursor:pointer;font-weight:600}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int, float)):
        x = float(x)
        if x != 0 and abs(x) < 10 ** -digits:
            return f"{x:.2g}"
        return f"{x:.{digits}f}"
    return _e(x)


def _badge(rating: str | None) -> str:
    rating = rating or "n/a"
    colour = RATING_COLOURS.get(rating, "#757575")
    return f'<span class="badge" style="background:{colour}">{_e(rating)}</span>'


def _ci(ci: Any) -> str:
    if not ci or len(ci) != 2 or ci[0] is None or ci[1] is None:
        return "–"
    return f"{_num(ci[0])} – {_num(ci[1])}"


def _table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure_rows(figures: list[dict]) -> str:
    rows = []
    for f in figures:
        rows.append([_e(f.get("label")), _num(f.get("value")), _num(f.get("ceiling")), _num(f.get("ratio")),
                     _ci(f.get("ci")), _badge(f.get("rating")), _e(f.get("good"))
                     + (f'<div class="note">{_e(f["note"])}</div>' if f.get("note") else "")])
    return _table(["Figure", "Synthetic", "Ceiling (holdout)", "Ratio", "95% interval", "Rating",
                   "What good looks like"], rows, numeric={1, 2, 3})


class _Charts:
    """Collects plotly figures as HTML fragments; the first one carries plotly's JavaScript."""

    def __init__(self) -> None:
        self.first = True

    def add(self, fig) -> str:
        if fig is None:
            return ""
        fig.update_layout(height=380, margin={"l": 50, "r": 20, "t": 60, "b": 50})
        out = fig.to_html(full_html=False, include_plotlyjs=self.first, config={"displaylogo": False})
        self.first = False
        return f"<div>{out}</div>"


def _safe_chart(charts: _Charts, build) -> str:
    try:
        return charts.add(build())
    except Exception as e:  # a chart must never break the report; say what is missing instead
        return f'<p class="note">Chart not drawn: {_e(type(e).__name__)}: {_e(e)}</p>'


def render_html(scorecard, real: pd.DataFrame | None = None, synthetic: pd.DataFrame | None = None,
                schema=None, title: str = "SynthLab scorecard") -> str:
    """The standalone report of a :class:`~synthlab.metrics.scorecard.Scorecard` (or its ``to_dict()``).

    With ``real`` and ``synthetic`` (and ``schema``) it also draws the worst-matching columns.
    """
    from synthlab import plots  # plotly is heavy: imported when a report is rendered

    card = scorecard.to_dict() if hasattr(scorecard, "to_dict") else dict(scorecard)
    arrays = getattr(scorecard, "arrays", {}) or {}
    charts = _Charts()
    parts = [f"<h1>{_e(title)}</h1>"]
    summary = card.get("summary", {})
    split = card.get("split", {})
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f'<p class="muted">SynthLab {_e(__version__)} · generated {_e(generated)}</p>')
    parts.append(f"<p><b>Overall:</b> {_badge(summary.get('overall'))} "
                 "<span class='muted'>(the worst rated section)</span></p>")
    desc = split.get("description") or (
        f"{split.get('train_rows', '?')} train / {split.get('holdout_rows', '?')} holdout real rows; "
        f"{split.get('synthetic_rows', '?')} synthetic rows")
    parts.append(f"<p><b>Data:</b> {_e(desc)}. Size-dependent figures compare "
                 f"{_e(split.get('equal_size_rows'))} synthetic rows with as many holdout rows; evaluation seed "
                 f"{_e(split.get('evaluation_seed'))}.</p>")
    sampling = card.get("sampling") or {}
    if sampling.get("sampled"):
        from synthlab.metrics.sampling import describe

        parts.append(f"<p class='note'>{_e(sampling.get('note') or describe(sampling))}</p>")
    parts.append("<p class='muted'>Every figure is computed twice: synthetic vs real train, and real holdout "
                 "vs real train. The holdout's figure is the <b>ceiling</b> — what a fresh real sample achieves "
                 "on the same test. Verdicts compare the two with a tolerance derived from the holdout "
                 "(its spread and its own distance from the ideal).</p>")
    rows = []
    for name, label in SECTION_TITLES.items():
        v = card.get(name, {}).get("verdict", {}) or {}
        rows.append([f'<a href="#{name}">{_e(label)}</a>', _badge(v.get("rating")), _e(v.get("why"))])
    parts.append(_table(["Section", "Verdict", "Why"], rows))

    for name, label in SECTION_TITLES.items():
        sec = card.get(name, {}) or {}
        v = sec.get("verdict", {}) or {}
        parts.append(f'<h2 id="{name}">{_e(label)}</h2><p class="muted">{_e(SECTION_INTRO[name])}</p>')
        parts.append(f'<p class="why">{_badge(v.get("rating"))} {_e(v.get("why"))}</p>')
        if sec.get("error"):
            parts.append(f'<p class="note">{_e(sec["error"])}</p>')
        figs = [sec[k] for k in FIGURE_KEYS.get(name, ()) if isinstance(sec.get(k), dict) and "value" in sec[k]]
        if figs:
            parts.append(_figure_rows(figs))
        builder = _SECTION_BUILDERS.get(name)
        if builder is not None:
            parts.append(builder(sec, charts, plots, arrays=arrays, real=real, synthetic=synthetic, schema=schema))

    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>")


# ----- per-section details --------------------------------------------------------------------
def _fidelity(sec: dict, charts: _Charts, plots, real=None, synthetic=None, schema=None, **_) -> str:
    out = []
    cols = sec.get("columns") or []
    if cols:
        out.append(_safe_chart(charts, lambda: plots.metric_bars(
            {c["column"]: c["score"] for c in cols}, {c["column"]: c["ceiling"] for c in cols},
            "Column shapes per column (1 = same distribution)")))
        rows = [[_e(c["column"]), _e(c["metric"]), _num(c["score"]), _num(c["ceiling"]), _num(c["coverage"]),
                 _num(c["coverage_ceiling"]), _num(c["missing_real"]), _num(c["missing_synthetic"])] for c in cols]
        out.append("<details><summary>Every column</summary>" + _table(
            ["Column", "Metric", "Shape", "Ceiling", "Coverage", "Ceiling", "Missing (real)", "Missing (synthetic)"],
            rows, numeric={2, 3, 4, 5, 6, 7}) + "</details>")
    pairs = sec.get("pairs") or []
    if pairs:
        shown = sorted([p for p in pairs if p.get("score") is not None],
                       key=lambda p: (not p["counted"], p["score"]))[:25]
        rows = [[_e(" × ".join(p["columns"])), _e(p["metric"]), _num(p["score"]), _num(p["ceiling"]),
                 _num(p.get("real_correlation", p.get("real_association"))), "yes" if p["counted"] else "no"]
                for p in shown]
        out.append("<details><summary>Column pairs (worst first; counted = clearly related in the real data)"
                   "</summary>" + _table(["Pair", "Metric", "Score", "Ceiling", "Real ρ / Cramér's V", "Counted"],
                                         rows, numeric={2, 3, 4}) + "</details>")
    if real is not None and synthetic is not None and schema is not None and cols:
        worst = sorted(cols, key=lambda c: (c["score"] if c["score"] is not None else 2))[:WORST_COLUMNS]
        names = [c["column"] for c in worst if c["column"] in real.columns and c["column"] in synthetic.columns]
        if names:
            from synthlab.metrics.encoding import prepare

            r, s = prepare(real, schema, names, "real data"), prepare(synthetic, schema, names, "synthetic data")
            out.append("<h3>The columns that match least</h3>")
            for n in names:
                out.append(_safe_chart(charts, lambda n=n: plots.column_overlay(r[n], s[n], schema[n].kind)))
    return "\n".join(out)


def _detection(sec: dict, charts: _Charts, plots, **_) -> str:
    cols = sec.get("columns") or []
    if not cols:
        return ""
    series = pd.Series({c["column"]: c["importance"] for c in cols}, dtype="float64")
    out = [_safe_chart(charts, lambda: plots.feature_importance_bar(series))]
    auc = sec.get("auc") or {}
    out.append(f"<p class='muted'>{_e(sec.get('rows_per_side'))} rows per side, {_e(sec.get('folds'))} folds; "
               f"fold AUCs: {_e(', '.join(_num(a) for a in auc.get('folds', [])))}; holdout fold AUCs: "
               f"{_e(', '.join(_num(a) for a in auc.get('ceiling_folds', [])))}. Importance = drop in AUC when "
               "the column is shuffled.</p>")
    return "\n".join(out)


def _utility(sec: dict, charts: _Charts, plots, **_) -> str:
    models = sec.get("models") or []
    if not models:
        return f"<p class='note'>{_e(sec.get('note'))}</p>" if sec.get("note") else ""
    out = [f"<p class='muted'>Target '{_e(sec.get('target'))}' ({_e(sec.get('task'))}); score: "
           f"{_e(sec.get('score'))}; {_e(sec.get('rows_trained'))} training rows per model, tested on "
           f"{_e(sec.get('rows_tested'))} holdout rows.</p>"]
    rows = [[_e(m["label"]), _num(m["tstr"]), _num(m["trtr"]), _num(m["ratio"]), _num(m["augmented"])]
            for m in models]
    out.append(_table(["Model", "Trained on synthetic", "Trained on real", "Ratio", "Real + synthetic"], rows,
                      numeric={1, 2, 3, 4}))
    out.append(_safe_chart(charts, lambda: plots.metric_bars(
        {m["label"]: m["tstr"] for m in models}, {m["label"]: m["trtr"] for m in models},
        "Tested on the real holdout", names=("Trained on synthetic", "Trained on real"))))
    return "\n".join(out)


def _privacy(sec: dict, charts: _Charts, plots, arrays=None, **_) -> str:
    out = []
    arrays = arrays or {}
    hist = (sec.get("dcr") or {}).get("histogram")
    if "dcr_synthetic" in arrays:
        out.append(_safe_chart(charts, lambda: plots.dcr_histograms(arrays["dcr_synthetic"], arrays["dcr_holdout"])))
    elif hist:
        out.append(_safe_chart(charts, lambda: plots.dcr_histogram_bins(hist["edges"], hist["synthetic"],
                                                                         hist["holdout"])))
    closer = sec.get("closer_to_train_share") or {}
    if closer:
        out.append(f"<p class='muted'>Unbalanced share of synthetic rows nearer a train row: "
                   f"{_num(closer.get('raw_share'))} (chance level, what a fresh real sample gets: {_num(closer.get('chance_raw_share'))}, "
                   "because train has more rows than the holdout). Distance: "
                   f"{_e(sec.get('distance'))}.</p>")
    rows = sec.get("rows_compared") or {}
    if rows and (sec.get("exact_copy_share") or {}).get("compared_with"):
        out.append(f"<p class='muted'>Distances compare a seeded subsample of {_e(rows.get('synthetic'))} synthetic, "
                   f"{_e(rows.get('train'))} training and {_e(rows.get('holdout'))} holdout rows; exact copies are "
                   "checked against every training row.</p>")
    filt = sec.get("filter") or {}
    if filt:
        out.append(f"<p><b>Export filter:</b> drops synthetic rows closer to a training row than "
                   f"{_num(filt.get('threshold'))} (the holdout's 5th-percentile distance): "
                   f"{_e(filt.get('rows_dropped'))} rows ({_num(filt.get('share_dropped'))}).</p>")
    closest = sec.get("closest_rows") or []
    if closest:
        cols = list((closest[0].get("synthetic") or {}).keys())
        rows = []
        for r in closest:
            rows.append([_e(r["synthetic_row"]), _e(r["train_row"]), _num(r["distance"]),
                         "yes" if r.get("exact_copy") else "no"]
                        + [_e((r.get("synthetic") or {}).get(c)) + "<br><span class='muted'>"
                           + _e((r.get("train") or {}).get(c)) + "</span>" for c in cols])
        out.append("<details><summary>Synthetic rows closest to real training rows (grey: the training row)"
                   "</summary>" + _table(["Synthetic row", "Train row", "Distance", "Exact copy", *cols], rows,
                                         numeric={2}) + "</details>")
    return "\n".join(out)


def _bias(sec: dict, charts: _Charts, plots, **_) -> str:
    attrs = sec.get("attributes") or []
    if not attrs:
        return f"<p class='note'>{_e(sec.get('note'))}</p>" if sec.get("note") else ""
    out = []
    for a in attrs:
        figs = [a[k] for k in ("gap_widening", "group_share_distance") if isinstance(a.get(k), dict)]
        out.append(f"<h3>{_e(a['attribute'])}</h3>")
        out.append(_figure_rows(figs))
        rows = [[_e(g["group"]), _num(g["share_real"]), _num(g["share_synthetic"]), _num(g["share_holdout"]),
                 _num(g.get("rate_real")), _num(g.get("rate_synthetic")), _num(g.get("rate_holdout"))]
                for g in a.get("groups", [])]
        out.append(_table(["Group", "Share (real)", "Share (synthetic)", "Share (holdout)", "Rate (real)",
                           "Rate (synthetic)", "Rate (holdout)"], rows, numeric={1, 2, 3, 4, 5, 6}))
        if a.get("measure"):
            groups = a.get("groups", [])
            out.append(_safe_chart(charts, lambda g=groups, m=a["measure"], n=a["attribute"]: plots.group_rates(
                pd.Series({x["group"]: x.get("rate_real") for x in g}, dtype="float64"),
                pd.Series({x["group"]: x.get("rate_synthetic") for x in g}, dtype="float64"),
                title=f"Target rate per group of {n}", rate_title=m)))
    if sec.get("measure"):
        out.append(f"<p class='muted'>Target rate: {_e(sec['measure'])}.</p>")
    return "\n".join(out)


def _validity(sec: dict, charts: _Charts, plots, **_) -> str:
    out = []
    for key in ("in_range", "known_categories", "key_uniqueness"):
        f = sec.get(key)
        if isinstance(f, dict) and f.get("columns"):
            rows = [[_e(c["column"]), _num(c["share"]), _num(c.get("ceiling")),
                     _e(", ".join(c.get("unknown", [])))] for c in f["columns"]]
            out.append(f"<details><summary>{_e(f.get('label'))} per column</summary>"
                       + _table(["Column", "Synthetic", "Holdout", "Examples of unknown values"], rows,
                                numeric={1, 2}) + "</details>")
    rules = (sec.get("rule_violations") or {}).get("rules") if isinstance(sec.get("rule_violations"), dict) else None
    if rules:
        rows = [[_e(r["rule"]), _num(r.get("synthetic")), _num(r.get("holdout")), _num(r.get("train"))]
                for r in rules]
        out.append(_table(["Rule", "Violations (synthetic)", "Holdout", "Train"], rows, numeric={1, 2, 3}))
    if sec.get("rules_note"):
        out.append(f"<p class='note'>{_e(sec['rules_note'])}</p>")
    return "\n".join(out)


_SECTION_BUILDERS = MappingProxyType({
    "fidelity": _fidelity,
    "detection": _detection,
    "utility": _utility,
    "privacy": _privacy,
    "bias": _bias,
    "validity": _validity,
})
