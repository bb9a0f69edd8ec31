"""Rendering a scorecard: every figure beside its holdout ceiling, the ratio, and the verdicts."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.text import md_escape
from synthlab.metrics.sampling import describe as describe_sampling

# Colour carries the rating in markdown; tables show the plain word (no emoji: not every system has the font).
RATING_MD = {"excellent": ":green[**excellent**]", "good": ":green[**good**]", "fair": ":orange[**fair**]",
             "poor": ":red[**poor**]"}
SECTIONS = {
    "fidelity": ("Fidelity", "Do columns and pairs of columns look like the real ones?"),
    "detection": ("Detection", "Can a classifier tell synthetic rows from real ones?"),
    "utility": ("Utility", "Do models trained on synthetic data predict real data as well?"),
    "privacy": ("Privacy", "Are synthetic rows closer to training rows than fresh real rows are?"),
    "bias": ("Bias", "Are group shares and target rates per group kept, without widening gaps?"),
    "validity": ("Validity", "Are values inside real ranges, categories known, keys unique, rules kept?"),
}


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def figures_table(section: dict[str, Any]) -> pd.DataFrame:
    """One row per figure of a section: value [CI], holdout ceiling [CI], ratio, rating, what good is."""
    rows = []
    for item in section.values():
        if not isinstance(item, dict) or "value" not in item or "label" not in item:
            continue
        ci, cci = item.get("ci"), item.get("ceiling_ci")
        rows.append({
            "figure": item["label"],
            "synthetic": _fmt(item.get("value")) + (f"  [{_fmt(ci[0])}, {_fmt(ci[1])}]" if ci else ""),
            "holdout (ceiling)": _fmt(item.get("ceiling")) + (f"  [{_fmt(cci[0])}, {_fmt(cci[1])}]" if cci else ""),
            "ratio": _fmt(item.get("ratio")),
            "rating": item.get("rating", ""),
            "what good looks like": item.get("good", ""),
        })
    return pd.DataFrame(rows)


def sampling_note(card: dict[str, Any]) -> str | None:
    """One line saying which rows a sampled scorecard was computed on (None when it used every row)."""
    sampling = card.get("sampling") or {}
    if not sampling.get("sampled"):
        return None
    return sampling.get("note") or describe_sampling(sampling)


def show_sampling_note(card: dict[str, Any]) -> None:
    note = sampling_note(card)
    if note:
        st.caption(md_escape(note))


def verdict_line(name: str, section: dict[str, Any]) -> None:
    title, question = SECTIONS.get(name, (name.title(), ""))
    verdict = section.get("verdict") or {}
    rating = RATING_MD.get(verdict.get("rating", ""), verdict.get("rating", "not rated"))
    st.markdown(f"#### {title} — {rating}")
    st.caption(question)
    if verdict.get("why"):
        st.markdown(md_escape(verdict["why"]))


def section_view(name: str, section: dict[str, Any]) -> None:
    verdict_line(name, section)
    if section.get("skipped") or section.get("error"):
        st.info(md_escape(section.get("skipped") or section.get("error")))
    table = figures_table(section)
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"what good looks like": st.column_config.TextColumn(width="large")})
