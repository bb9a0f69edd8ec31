"""Generator registry: every module in this package defining a :class:`Generator` subclass with a
``name`` is found automatically, so adding a generator is adding one file."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from synthlab.errors import GeneratorError
from synthlab.generators.base import Generator, ParamSpec

__all__ = ["DEFAULT_GENERATOR", "Generator", "ParamSpec", "get_generator", "make_generator", "registry"]

DEFAULT_GENERATOR = "synthlab"
_NOT_GENERATORS = {"base", "pii", "rules", "conditions"}


@cache
def registry() -> dict[str, type[Generator]]:
    """Name -> class for every generator module in this package (read-only after first call)."""
    found: dict[str, type[Generator]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_GENERATORS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Generator) and obj.name and obj.__module__ == module.__name__:
                found[obj.name] = obj
    order = sorted(found, key=lambda n: (n != DEFAULT_GENERATOR, found[n].reference, n))
    return {n: found[n] for n in order}


def get_generator(name: str) -> type[Generator]:
    reg = registry()
    if name not in reg:
        raise GeneratorError(f"Unknown generator '{name}'. Available: {', '.join(reg)}.")
    return reg[name]


def make_generator(name: str, **params) -> Generator:
    return get_generator(name)(**params)
