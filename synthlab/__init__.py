"""SynthLab core: data intake, schema, generators, metrics, plots and the CLI.

Pure Python: nothing here imports streamlit (tests/test_boundary.py proves it), so the same code
serves the web app, the CLI and the benchmarks.
"""

__version__ = "0.4.2"
