"""Rewriting one marked section of docs/BENCHMARKS.md, leaving every other benchmark's section alone."""

from __future__ import annotations

import re
from pathlib import Path


def replace_section(path: Path, start: str, end: str, section: str) -> None:
    """Replace the text from ``start`` to ``end`` with ``section`` (appending it when the markers are missing)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
