"""Shared fixtures. Each test gets its own SYNTHLAB_DATA_DIR so workspaces never leak between tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SYNTHLAB_DATA_DIR", str(tmp_path_factory.mktemp("synthlab-data")))
    yield


@pytest.fixture
def root() -> Path:
    return ROOT


os.environ.setdefault("PYTHONHASHSEED", "0")
