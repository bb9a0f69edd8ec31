"""Per-session memoisation: changing a view recomputes only what changed.

Results derived from a user's data stay in that user's session (never a cache shared across
users), bounded so a long session cannot grow without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

MEMO = "synthlab.memo"
MAX_ENTRIES = 96
T = TypeVar("T")


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    store: OrderedDict[Hashable, Any] = st.session_state.setdefault(MEMO, OrderedDict())
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = compute()
    store[key] = value
    while len(store) > MAX_ENTRIES:
        store.popitem(last=False)
    return value
