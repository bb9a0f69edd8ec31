"""The core never imports streamlit: the same code serves the app, the CLI and the benchmarks."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_streamlit(root):
    code = (
        "import sys, pkgutil, importlib, synthlab\n"
        "for m in pkgutil.walk_packages(synthlab.__path__, 'synthlab.'):\n"
        "    if m.name != 'synthlab.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "import synthlab.generators as g; g.registry()\n"
        "assert 'streamlit' not in sys.modules, 'synthlab imported streamlit'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
