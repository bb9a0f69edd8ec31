"""Ruff is part of the test command, so CI keeps the code base lint-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys


def test_ruff_clean(root):
    ruff = shutil.which("ruff", path=str(root / ".venv" / "bin")) or shutil.which("ruff")
    cmd = [ruff, "check", "."] if ruff else [sys.executable, "-m", "ruff", "check", "."]
    out = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
