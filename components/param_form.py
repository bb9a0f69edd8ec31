"""A parameter form built from a generator's ParamSpecs; advanced parameters folded away."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from synthlab.errors import GeneratorError
from synthlab.generators.base import ParamSpec


def _widget(spec: ParamSpec, key: str) -> Any:
    label, help_ = spec.name.replace("_", " "), spec.help
    if spec.type == "json" and spec.default is not None and not isinstance(spec.default, (dict, list)):
        spec = ParamSpec(**{**spec.__dict__, "default": None})
    if spec.type == "bool":
        return st.checkbox(label, value=bool(spec.default), help=help_, key=key)
    if spec.type == "choice":
        choices = list(spec.choices or [])
        index = choices.index(spec.default) if spec.default in choices else 0
        return st.selectbox(label, choices, index=index, help=help_, key=key, format_func=str)
    if spec.type == "int":
        return st.number_input(
            label, value=int(spec.default), step=1, help=help_, key=key,
            min_value=int(spec.low) if spec.low is not None else None,
            max_value=int(spec.high) if spec.high is not None else None,
        )
    if spec.type == "float":
        return st.number_input(
            label, value=float(spec.default), help=help_, key=key, format="%g",
            min_value=float(spec.low) if spec.low is not None else None,
            max_value=float(spec.high) if spec.high is not None else None,
        )
    if spec.type == "json":
        text = st.text_area(label, value="" if spec.default is None else json.dumps(spec.default, indent=1),
                            help=help_ + " (JSON; leave empty for the default)", key=key, height=120)
        if not text.strip():
            return None
        return text
    return st.text_input(label, value="" if spec.default is None else str(spec.default), help=help_, key=key)


def param_form(specs: list[ParamSpec], key_prefix: str, skip: tuple[str, ...] = (),
               defaults: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Render the form; return (validated values, error messages). Only changed values are returned.

    ``defaults`` pre-fill fields with data-derived values (e.g. the Faker generator's rules).
    """
    if defaults:
        specs = [ParamSpec(**{**s.__dict__, "default": defaults[s.name]}) if s.name in defaults else s for s in specs]
    values: dict[str, Any] = {}
    errors: list[str] = []
    basic = [s for s in specs if not s.advanced and s.name not in skip]
    advanced = [s for s in specs if s.advanced and s.name not in skip]

    def render(group: list[ParamSpec]) -> None:
        cols = st.columns(2)
        for i, spec in enumerate(group):
            with cols[i % 2]:
                raw = _widget(spec, f"{key_prefix}.{spec.name}")
            try:
                value = spec.validate(raw) if raw is not None else None
            except (GeneratorError, json.JSONDecodeError) as e:
                errors.append(f"{spec.name}: {e}")
                continue
            if value != spec.default:
                values[spec.name] = value

    if basic:
        render(basic)
    if advanced:
        with st.expander(f"Advanced parameters ({len(advanced)})"):
            render(advanced)
    return values, errors
