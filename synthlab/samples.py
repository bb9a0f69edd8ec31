"""The bundled real sample datasets (``sample_data/catalog.json``): list and load them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from synthlab.errors import DataError
from synthlab.intake import LoadedTable, load_table

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"


@dataclass(frozen=True)
class SampleInfo:
    id: str
    file: str
    title: str
    domain: str
    description: str
    target: str | None = None
    sensitive: list[str] = field(default_factory=list)
    default: bool = False

    @property
    def path(self) -> Path:
        return SAMPLE_DIR / self.file


def catalog(directory: Path = SAMPLE_DIR) -> list[SampleInfo]:
    path = directory / "catalog.json"
    if not path.exists():
        return []
    return [SampleInfo(**{**d, "sensitive": list(d.get("sensitive") or [])}) for d in json.loads(path.read_text())]


def get_sample(sample_id: str) -> SampleInfo:
    for info in catalog():
        if info.id == sample_id:
            return info
    raise DataError(f"Unknown sample dataset '{sample_id}'.")


def default_sample() -> SampleInfo | None:
    items = catalog()
    for info in items:
        if info.default:
            return info
    return items[0] if items else None


def load_sample(sample_id: str) -> LoadedTable:
    info = get_sample(sample_id)
    table = load_table(info.path, info.file)
    table.name = info.title
    return table
