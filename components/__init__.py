"""Reusable Streamlit pieces. ``components.state`` is the only module that names session-state keys."""
