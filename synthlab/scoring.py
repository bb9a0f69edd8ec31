"""Headline numbers and verdicts of a scorecard, flat, for run tables and leaderboards."""

from __future__ import annotations

from typing import Any


def headline(card: dict[str, Any]) -> tuple[dict[str, float], dict[str, str]]:
    """``({"detection.auc": 0.52, ...}, {"detection": "excellent", ...})`` from a scorecard dict.

    Every section entry shaped ``{"value": x, ...}`` becomes a figure; every section's
    ``verdict.rating`` becomes a verdict. Works for any section the scorecard grows later.
    """
    figures: dict[str, float] = {}
    verdicts: dict[str, str] = {}
    for section, body in card.items():
        if not isinstance(body, dict):
            continue
        verdict = body.get("verdict")
        if isinstance(verdict, dict) and verdict.get("rating"):
            verdicts[section] = str(verdict["rating"])
        for key, item in body.items():
            if isinstance(item, dict) and isinstance(item.get("value"), (int, float)) and not isinstance(item.get("value"), bool):
                figures[f"{section}.{key}"] = float(item["value"])
                if isinstance(item.get("ratio"), (int, float)):
                    figures[f"{section}.{key}.ratio"] = float(item["ratio"])
    return figures, verdicts
