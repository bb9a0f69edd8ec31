"""SynthLab's default generator: sequential decision trees with privacy controls.

In the style of R's synthpop, columns are drawn one after another: the first from its marginal,
each next one from a decision tree (CART) on the columns drawn before it, the value taken from the
real values of the training rows in the leaf the synthetic row falls into. Plain sequential CART
reaches real-sample fidelity but copies training rows: with small leaves a synthetic row follows a
few real rows column after column. What keeps it from copying:

* **tuned leaves**: each tree is grown on half the rows and scored on the other half; leaves are
  as small as still pays off on unseen rows (for categories: the largest within one standard error
  of the best), never smaller than ``min_samples_leaf``. Splits that only memorise are not made;
* **smoothing**: continuous numbers get Gaussian noise of Silverman's width on their leaf, with
  the leaf's variance kept (``smoothing``); spikes (a pile of zeros) and columns with a set of
  levels (ratings, a county's rates) are drawn as they are;
* **copy control**: rows equal to a training row are redrawn beyond the share of training rows that
  equal another training row (what a fresh real sample shows, less two standard errors;
  ``reject_copies="excess"``),
  or all of them (``"all"``); optional **back-off** to parent nodes mixes small leaves.

A numeric target is drawn last, from real target values of rows whose gradient-boosting prediction
is like the synthetic row's, so models trained on synthetic rows learn what real rows teach.
Sampling is vectorised per column: one ``tree.apply`` call gives every row its leaf and one numpy
draw its value; nothing loops over rows. See :mod:`synthlab.generators._trees` for the pieces.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.generators._trees import ColumnCodec, ScoredStep, Step
from synthlab.generators.base import Generator, ParamSpec
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind, Schema

_REJECT_ROUNDS = 10
_ATOM_SHARE = 0.01  # a number must be held by this share of rows to count as a spike (kept exact)
# How far leaves are grown past the best held-out score (in standard errors, Breiman's 1-SE rule):
# categories (and missing-value indicators) take the largest leaves that predict about as well as the
# best, which keeps rare combinations from being copied; numbers keep the best-scoring leaves, whose
# fine structure (a county's rates, sizes measured three ways) a detector would otherwise notice,
# and are protected by smoothing instead. The target keeps its best-scoring leaves too.
_CATEGORY_SE_RULE = 1.0
_NUMBER_SE_RULE = 0.0


class SynthLabGenerator(Generator):
    name: ClassVar[str] = "synthlab"
    label: ClassVar[str] = "SynthLab trees"
    description: ClassVar[str] = (
        "Draws each column from a decision tree on the columns before it (as R's synthpop does), "
        "with a minimum leaf size and smoothed numbers so that rows are not copied. Fast, and as "
        "close to the real data as a fresh sample on most tables."
    )

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return [
            ParamSpec("min_samples_leaf", "int", 5,
                      "Privacy: every value is drawn from a leaf of at least this many real rows (leaves "
                      "grow larger where finer ones do not predict unseen rows).", low=1, high=100_000),
            ParamSpec("smoothing", "float", 1.0,
                      "Privacy: noise on drawn numbers, as a share of the usual kernel width (0 = numbers "
                      "drawn as stored, 1 = Silverman's width on each leaf).", low=0.0, high=3.0),
            ParamSpec("backoff", "float", 0.0,
                      "Privacy: at each split, draw from the parent instead with probability backoff / "
                      "(rows in the child + backoff): small leaves mix with larger ones.", low=0.0,
                      high=1e6, advanced=True),
            ParamSpec("tune_leaves", "bool", True,
                      "Size each tree's leaves on rows held out from it (off: every leaf exactly "
                      "min_samples_leaf rows or more, as in synthpop).", advanced=True),
            ParamSpec("reject_copies", "choice", "excess",
                      "Privacy: redraw synthetic rows equal to a real training row: 'excess' = beyond the "
                      "share real data itself repeats, 'all' = every one, 'off' = none.",
                      choices=("excess", "all", "off")),
            ParamSpec("column_order", "str", "auto",
                      "Order columns are drawn in: 'auto', 'data' (as in the table) or a JSON list of "
                      "column names (the rest follow automatically).", advanced=True),
            ParamSpec("target_model", "bool", True,
                      "Draw the target column last, from real target values of rows whose gradient-boosting "
                      "prediction is alike, so models trained on the synthetic rows learn what the real "
                      "ones teach.", advanced=True),
            ParamSpec("max_depth", "int", 0, "Deepest a tree may grow (0 = no limit beyond the leaf size).",
                      low=0, high=100, advanced=True),
            ParamSpec("max_categories", "int", 50,
                      "Categories modelled per column; rarer ones are drawn from their overall frequencies.",
                      low=2, high=10_000, advanced=True),
        ]

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        return 0.05 + 1.5e-6 * n_rows * n_cols * max(1.0, n_cols / 4)

    # ----- fitting ---------------------------------------------------------------------------
    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        names = list(data.columns)
        order = self._order(data, schema)
        self.order_ = order
        self.codecs_: list[ColumnCodec] = []
        for name in order:
            spec = schema[name]
            decimals = 0 if spec.integer else spec.decimals
            self.codecs_.append(ColumnCodec.fit(data[name], spec.kind.value, decimals, self.max_categories))
        z = np.column_stack([c.encode(data[c.name]) for c in self.codecs_]) if order else np.empty((len(data), 0))
        min_leaf = int(self.min_samples_leaf)
        depth = self.max_depth or None
        self.steps_: list[list[Step]] = []
        for j, codec in enumerate(self.codecs_):
            report(on_progress, j / max(len(order), 1), f"Learning column '{codec.name}' ({j + 1} of {len(order)})")
            prev = list(range(j))
            seed = self.random_state + j
            steps = []
            y = z[:, j]
            is_target = codec.name == schema.target
            value_step = ScoredStep if is_target and codec.kind == "num" and self.target_model else Step
            if codec.kind == "cat":
                steps.append(value_step(j, "value", prev, backoff=0.0 if is_target else self.backoff,
                                        tune=self.tune_leaves, se_rule=0.0 if is_target else _CATEGORY_SE_RULE).fit(z, y, self.codecs_, codec.n_codes, min_leaf, depth, seed))
            else:
                missing = np.isnan(y)
                if missing.any() and not missing.all():
                    steps.append(Step(j, "missing", prev, backoff=self.backoff, tune=self.tune_leaves,
                                      se_rule=_CATEGORY_SE_RULE).fit(z, missing.astype(float), self.codecs_, 2,
                                                                     min_leaf, depth, seed))
                if not missing.all():
                    atoms = codec.atoms(y, max(min_leaf, int(np.ceil(_ATOM_SHARE * len(y)))))
                    steps.append(value_step(j, "value", prev, smooth=self.smoothing, atoms=atoms,
                                            backoff=0.0 if is_target else self.backoff,
                                            tune=self.tune_leaves, se_rule=0.0 if is_target else _NUMBER_SE_RULE).fit(
                        z, y, self.codecs_, None, min_leaf, depth, seed))
            self.steps_.append(steps)
        keys = _row_hashes(z, self.codecs_)
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        self.train_keys_ = keys[first]
        # a fresh real row equals a training row about as often as a training row equals another;
        # two standard errors below that estimate, synthetic rows copy no more than a fresh sample
        share = float((counts[counts > 1]).sum() / max(len(keys), 1))
        self.natural_copy_share_ = max(0.0, share - 2 * np.sqrt(share * (1 - share) / max(len(keys), 1)))
        self.names_ = names
        report(on_progress, 1.0, "Done")

    def _order(self, data: pd.DataFrame, schema: Schema) -> list[str]:
        names = list(data.columns)
        text = str(self.column_order).strip()
        if text in ("", "auto"):
            return auto_order(data, schema)
        if text == "data":
            return names
        try:
            wanted = json.loads(text)
        except json.JSONDecodeError:
            wanted = [t.strip() for t in text.split(",") if t.strip()]
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            raise GeneratorError("'column_order' must be 'auto', 'data' or a JSON list of column names.")
        unknown = [w for w in wanted if w not in names]
        if unknown:
            raise GeneratorError(f"'column_order' names columns that are not learned: {', '.join(unknown)}.")
        if len(set(wanted)) != len(wanted):
            raise GeneratorError("'column_order' lists a column twice.")
        rest = [c for c in auto_order(data, schema) if c not in wanted]
        return [*wanted, *rest]

    # ----- sampling ----------------------------------------------------------------------------
    def _draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        z = np.full((n, len(self.codecs_)), np.nan)
        for j, (codec, steps) in enumerate(zip(self.codecs_, self.steps_, strict=True)):
            missing = np.zeros(n, dtype=bool)
            for step in steps:
                if step.target == "missing":
                    missing = step.draw(z, rng) > 0.5
                else:
                    z[:, j] = codec.finish(step.draw(z, rng))
            if codec.kind == "num":
                z[missing, j] = np.nan
        return z

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng([self.random_state, seed])
        z = self._draw(n, rng)
        if self.reject_copies != "off":
            z = self._reject(z, rng, self.natural_copy_share_ if self.reject_copies == "excess" else 0.0)
        out = {c.name: c.decode(z[:, j], rng) for j, c in enumerate(self.codecs_)}
        return pd.DataFrame(out)[self.names_]

    def _reject(self, z: np.ndarray, rng: np.random.Generator, allowed_share: float) -> np.ndarray:
        """Redraw copies of training rows beyond ``allowed_share`` of the rows (bounded rounds)."""
        copies = np.isin(_row_hashes(z, self.codecs_), self.train_keys_)
        excess = int(copies.sum()) - int(np.floor(allowed_share * len(z)))
        if excess <= 0:
            return z
        todo = np.sort(rng.choice(np.flatnonzero(copies), size=excess, replace=False))
        for _ in range(_REJECT_ROUNDS):
            if len(todo) == 0:
                break
            fresh = self._draw(2 * len(todo) + 16, rng)
            fresh = fresh[~np.isin(_row_hashes(fresh, self.codecs_), self.train_keys_)][: len(todo)]
            z[todo[: len(fresh)]] = fresh
            todo = todo[len(fresh):]
        return z


def auto_order(data: pd.DataFrame, schema: Schema) -> list[str]:
    """Fewest distinct values first, so that coarse columns condition the fine ones.

    A categorical target is so drawn early and every other column is drawn given it (which kept
    train-on-synthetic scores closest to the real ones); a numeric target goes last, where its
    gradient-boosting step sees every other column (see :class:`ScoredStep`)."""
    names = list(data.columns)
    distinct = {c: data[c].nunique(dropna=False) for c in names}
    numeric_target = schema.target in names and schema[schema.target].kind == Kind.NUMERICAL
    last = schema.target if numeric_target else None
    return sorted(names, key=lambda c: (c == last, distinct[c], names.index(c)))


def _row_hashes(z: np.ndarray, codecs: list[ColumnCodec]) -> np.ndarray:
    keys = np.column_stack([c.keys(z[:, j]) for j, c in enumerate(codecs)]) if codecs else np.zeros((len(z), 1))
    return pd.util.hash_pandas_object(pd.DataFrame(keys), index=False).to_numpy()

