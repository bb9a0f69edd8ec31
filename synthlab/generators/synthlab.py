"""SynthLab's default generator: sequential decision trees with privacy controls.

In the style of R's synthpop, columns are drawn one after another: the first from its marginal,
each next one from a decision tree (CART) on the columns drawn before it, the value taken from the
real values of the training rows in the leaf the synthetic row falls into. Plain sequential CART
reaches real-sample fidelity but copies training rows: with small leaves a synthetic row follows a
few real rows column after column, and even without copies the synthetic rows lean towards the
training rows (they reproduce the sampling noise of every small leaf). What keeps them away:

* **tuned leaves**: each tree is grown on half the rows and scored on the other half; leaves are
  as small as still pays off on unseen rows (for categories: the largest within one standard error
  of the best), never smaller than ``min_samples_leaf``. Splits that only memorise are not made;
* **tuned back-off**: a row draws from its leaf or, with probability m / (rows in the node + m) at
  each split on its path, from the node above; m is the largest that predicts rows held out from
  the tree as well as the best (``tune_backoff``; ``backoff`` is a floor). Splits whose sides
  differ beyond chance (a region that sets a wage, a grade that decides a pass) are always
  followed, so the mixing removes the noise of small leaves, not the relations. Columns of a few
  shared levels (a county's rates) are not backed off: mixing them would break which levels go
  together;
* **smoothing**: continuous numbers get Gaussian noise of Silverman's width on their leaf, with
  the leaf's variance kept (``smoothing``), on the rank scale where noise on the values would
  misplace them (in the column's gaps: dates written as 19800102, nothing between 19801231 and
  19810102; or off its distribution: counts of 10 to 10^8 under one kernel); spikes (a pile of
  zeros), columns with a set of levels and the shared values of numbers kept to a sparse grid
  (price points: 1,795, 1,999, where smoothing would land on 1,797, which no real row holds) or
  repeated to the last digit (a deflated price per model, a capped ratio) are drawn as they are;
* **rare categories**: a category held by fewer rows than two leaves (2 × ``min_samples_leaf``)
  shares one code with the other rare ones (no tree learns what goes with it; its value is drawn
  from their frequencies): a tree could give it at most one leaf of its own, and drawing from that
  leaf would only repeat its handful of rows. Kept are the target's classes and a level of at
  least ``min_samples_leaf`` rows that fixes another category column (a country's continent: see
  :func:`determining_levels`). Where the column's levels fix a number (a panel's states their
  populations, families their parents' heights: :func:`levels_fix_a_number`), its rare levels are
  drawn last, from a tree over the rest of the row, so a row's state is the one its numbers
  belong to;
* **copy control**: rows equal to a training row are redrawn beyond the share of training rows that
  equal another training row (what a fresh real sample shows, less two standard errors;
  ``reject_copies="excess"``), or all of them (``"all"``). A modelled target is left out of the
  comparison, so which rows are redrawn does not depend on it (redrawing rows whose label agrees
  with their real twin would teach models the opposite); a modelled number that is not a set of
  levels is then checked with the whole row, beyond what the real rows repeat.
* **thinning of close rows** (``thin_close_rows``): when fitted on up to 2,000 rows, twice the rows are
  drawn and each is kept by its modelled odds of not being nearer a training row than unseen real
  rows are, from its nearest and second-nearest training distances against each training row's
  distance to its nearest other one (on fits of over 600 rows, which lean less, the square root of
  the odds). The target is left out of those distances, so which rows are kept does not depend on
  their drawn target (see :mod:`._thinning`).

The target (``target_model``) is drawn from gradient boosting on every other column (learning rate
0.2), its number of rounds chosen on held-out folds, blended with a ridge or logistic regression
with the weight that predicts held-out rows best (boosting alone stops short of a smooth relation),
so models trained on synthetic rows learn what real rows teach: a categorical target is drawn
first (every other column follows it, keeping how the classes differ) and redrawn at the end from
the model's class probabilities given the row, raked so that every level of every predictor holds
its observed class shares (see :mod:`._raking`); a numeric target is drawn last, from real target
values of rows whose held-out prediction is like the synthetic row's. Columns are drawn most
connected first, after a regular grid of months or dates that indexes the rows (a panel's or a
series' time: drawn later, it would repeat the training rows' pairs of entity and month; see
:func:`auto_order`). A category column that fixes another in every training
row (a country its continent and ISO code) fixes it in every synthetic row too, rare pooled levels
included (see :mod:`._dependencies`). A number that equals a column drawn before it in many rows, more
than chance gives (an event's time that is the follow-up time when the event did not happen), first
draws whether it is equal, as a missing value is drawn, and takes that column's value where it is
(see :meth:`SynthLabGenerator._equal_partner`). Sampling is vectorised per column: one ``tree.apply`` call
gives every row its leaf and one numpy draw its value; nothing loops over rows. See
:mod:`synthlab.generators._trees` for the pieces.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import config_context

from synthlab.errors import GeneratorError
from synthlab.generators import _dependencies
from synthlab.generators._thinning import OVERSAMPLE, CloseRowThinning
from synthlab.generators._trees import SPLIT_ALPHA, ColumnCodec, ScoredStep, Step, _category_keys
from synthlab.generators.base import Generator, ParamSpec, cast_like, check_seed
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
_RARE_LEAVES = 2  # a category needs this many leaves' worth of rows to be modelled (fewer: pooled as rare)
_FIT_THREADS = 4  # columns fitted side by side (capped by the machine's cores)
_NUMBER_SE_RULE = 0.0
_SAME_SHARE = 0.05  # a number that equals an earlier column in this share of rows is drawn equal to it there,
_SAME_SIGMA = 3.1  # if independent columns would agree that often only with probability below SPLIT_ALPHA
_FIXED_SHARE = 0.9  # a column whose levels hold this share of a number's variance names an entity
# rows beyond one per level the F-test needs: with most levels held by one row, a few pairs of equal
# whole numbers (two cars of one make with four cylinders) look like a rule
_FIXED_ROWS = 30
_MAX_RARE_DRAWN = 200  # rare levels drawn given the row: at most this many (a tree's cost grows with its classes)
# categories modelled per column by default: a tree's class table grows with them (nodes x classes); a
# panel's 215 countries of 25 training rows each, cut at 50, left 165 of them unmodelled and their
# populations drawn apart from them (gt's countrypops: detection 0.860, 0.456 with 200)
_MAX_CATEGORIES = 200
_ORDER_ROWS = 5_000  # rows the column dependences are measured on (a seeded sample above that)
_ORDER_BINS = 10  # numbers with more distinct values are cut into this many quantile bins
_ORDER_LEVELS = 32  # up to this many distinct values are kept as they are (categories: the most frequent)
_INDEX_LEVELS = 20  # a regular grid of this many values is the table's index (time, entities), drawn first
_INDEX_ROWS = 5  # rows a value the test of equal counts needs
_INDEX_STEP_SLACK = 0.2  # the index's gaps may be this far off whole steps (calendar months)
_INDEX_FILL = 0.25  # share of the grid's points between its ends that hold rows (not codes spread thinly)
# the equal-counts (or even-spread) test must not reject at this level: a balanced panel's months, sampled,
# give p-values near 1; ages and measurements that happen to pass at 1e-3 mostly give p < 0.05
_INDEX_ALPHA = 0.05


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
                      "grow larger where finer ones do not predict unseen rows); categories held by fewer "
                      "than twice as many rows are pooled and drawn after the other columns (from their frequencies, "
                      "or given the row where the column's levels fix a number).", low=1, high=100_000),
            ParamSpec("smoothing", "float", 1.0,
                      "Privacy: noise on drawn numbers, as a share of the usual kernel width (0 = numbers "
                      "drawn as stored, 1 = Silverman's width on each leaf).", low=0.0, high=3.0),
            ParamSpec("backoff", "float", 0.0,
                      "Privacy: least back-off: at each split, draw from the parent instead with probability "
                      "backoff / (rows in the child + backoff), so small leaves mix with larger ones.", low=0.0,
                      high=1e6, advanced=True),
            ParamSpec("tune_backoff", "bool", True,
                      "Privacy: raise the back-off of each tree as far as it still predicts rows held out "
                      "from it as well (splits whose sides differ beyond chance are always followed).",
                      advanced=True),
            ParamSpec("tune_leaves", "bool", True,
                      "Size each tree's leaves (and back-off) on rows held out from it (off: every leaf "
                      "exactly min_samples_leaf rows or more, as in synthpop).", advanced=True),
            ParamSpec("reject_copies", "choice", "excess",
                      "Privacy: redraw synthetic rows equal to a real training row: 'excess' = beyond the "
                      "share real data itself repeats, 'all' = every one, 'off' = none.",
                      choices=("excess", "all", "off")),
            ParamSpec("thin_close_rows", "bool", True,
                      "Privacy: when fitted on up to 2,000 rows, draw twice the rows and thin out those nearer "
                      "a training row than unseen real rows are to it (each drawn row kept by its modelled "
                      "odds of not leaning, judged against each training row's distance to its nearest "
                      "other one), so rows do not lean towards the training data.",
                      advanced=True),
            ParamSpec("column_order", "str", "auto",
                      "Order columns are drawn in: 'auto' (a regular grid of months or dates that indexes "
                      "the rows first, then the columns most related to the others), "
                      "'data' (as in the table) or a JSON list of column names (the rest follow "
                      "automatically).", advanced=True),
            ParamSpec("target_model", "bool", True,
                      "Draw the target from gradient boosting on every other column, blended with a linear "
                      "model where that predicts held-out rows better (a category from its class "
                      "probabilities, a number from real values of rows with a like prediction), so models "
                      "trained on the synthetic rows learn what the real ones teach.", advanced=True),
            ParamSpec("max_depth", "int", 0, "Deepest a tree may grow (0 = no limit beyond the leaf size).",
                      low=0, high=100, advanced=True),
            ParamSpec("max_categories", "int", _MAX_CATEGORIES,
                      "Categories modelled per column; rarer ones are drawn from their overall frequencies.",
                      low=2, high=10_000, advanced=True),
        ]

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        # trees per column (each sees the columns before it) plus the target's cross-fitted boosting
        return 0.05 + 1.5e-6 * n_rows * n_cols * max(1.0, n_cols / 4) + 1.5e-5 * n_rows * n_cols

    # ----- fitting ---------------------------------------------------------------------------
    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        names = list(data.columns)
        order = self._order(data, schema)
        self.order_ = order
        self.codecs_: list[ColumnCodec] = []
        categories = [c for c in order if schema[c].kind in (Kind.CATEGORICAL, Kind.BOOLEAN)]
        for name in order:
            spec = schema[name]
            decimals = 0 if spec.integer else spec.decimals
            # a category too small for two leaves (a tree could only repeat its rows) is pooled with
            # the other rare ones (the target's classes are kept: models learn from them)
            min_count, keep = 1, frozenset()
            if name != schema.target and name in categories:
                min_count = _RARE_LEAVES * int(self.min_samples_leaf)
                keep = determining_levels(data, name, [c for c in categories if c != name],
                                          int(self.min_samples_leaf), min_count)
            self.codecs_.append(ColumnCodec.fit(data[name], spec.kind.value, decimals, self.max_categories,
                                                min_count, keep))
        z = np.column_stack([c.encode(data[c.name]) for c in self.codecs_]) if order else np.empty((len(data), 0))
        fixable = [j for j, c in enumerate(self.codecs_) if c.kind == "cat" and c.name != schema.target]
        self.dependencies_ = _dependencies.find_dependencies(data, self.codecs_, fixable)
        levels = [data[c.name].nunique(dropna=False) if c.kind == "cat" else 0 for c in self.codecs_]
        # coarsest first (a determinant's rare values are picked to agree with its dependents)
        self.decode_order_ = sorted(range(len(order)), key=lambda j: (levels[j], j) if self.dependencies_ else j)
        is_target = [c.name == schema.target for c in self.codecs_]
        relabel = self._relabels(schema)
        target = order.index(schema.target) if schema.target in order else None
        self.target_index_ = target
        tasks = [partial(self._fit_column, j, z, is_target[j] and bool(self.target_model) and not relabel, is_target[j])
                 for j in range(len(order))]
        if relabel and target is not None and len(order) > 1:
            # a categorical target, drawn first for the other columns to follow, is redrawn from a
            # model of it given every other column
            others = [k for k in range(len(order)) if k != target]
            tasks.append(partial(ScoredStep(target, "value", others, tune=self.tune_leaves).fit, z, z[:, target],
                                 self.codecs_, self.codecs_[target].n_codes, int(self.min_samples_leaf),
                                 self.max_depth or None, self.random_state + len(order)))
        n_relabel = len(tasks) - len(order)
        # rare levels of a column whose levels fix a number (a state its population) are drawn last,
        # given the rest of the row: drawn from their frequencies, a row's state would not be the one
        # its numbers belong to
        entity = [j for j in fixable if self._rare_given_row(data, z, j)]
        for j in entity:
            rows = z[:, j] == self.codecs_[j].rare_code
            which = self.codecs_[j].rare_index(data[self.codecs_[j].name][rows])
            others = [k for k in range(len(order)) if k != j]
            tasks.append(partial(Step(j, "value", others, tune=self.tune_leaves, tune_backoff=bool(self.tune_backoff),
                                      se_rule=_CATEGORY_SE_RULE).fit,
                                 z[rows], which, self.codecs_, len(self.codecs_[j].rare_values),
                                 int(self.min_samples_leaf), self.max_depth or None, self.random_state + len(order) + 1 + j))
        fitted = _run_side_by_side(tasks, on_progress, "Fitted {done} of {total} column models")
        self.steps_: list[list[Step]] = fitted[: len(order)]
        self.relabel_: ScoredStep | None = fitted[len(order)] if n_relabel else None
        self.rare_steps_: dict[int, Step] = dict(zip(entity, fitted[len(order) + n_relabel:], strict=True))
        # copies are judged without a modelled target: which rows are redrawn then does not depend on it
        modelled = target is not None and self.target_model and len(order) > 1 and (
            self.relabel_ is not None or target == len(order) - 1)
        without = [k for k in range(len(order)) if not (modelled and k == target)]
        checks = [without]
        if modelled and self.relabel_ is None and not _kept_whole(self.steps_[target][-1].atoms, z[:, target]):
            # a modelled number is judged again with the whole row: drawn from real values (price
            # points), it can complete a row that shares the other columns with a training row. A set
            # of levels (a count of visits) is not: its value often agrees with a real twin's
            checks.append(list(range(len(order))))
        self.copy_checks_ = [_CopyCheck.fit(data, cols, self.codecs_) for cols in checks]
        self.thinning_ = CloseRowThinning.fit(data, schema) if self.thin_close_rows else None
        self.names_ = names
        report(on_progress, 1.0, "Done")

    def _fit_column(self, j: int, z: np.ndarray, scored: bool, is_target: bool) -> list[Step]:
        """The steps that draw column ``j`` given the columns before it."""
        codec = self.codecs_[j]
        prev = list(range(j))
        seed = self.random_state + j
        min_leaf, depth = int(self.min_samples_leaf), self.max_depth or None
        y = z[:, j]
        value_step = ScoredStep if scored else Step
        # the target keeps its best-scoring leaves and is never backed off (models learn from it)
        backoff = 0.0 if is_target else self.backoff
        tune_backoff = bool(self.tune_backoff) and not is_target
        if codec.kind == "cat":
            return [value_step(j, "value", prev, backoff=backoff, tune=self.tune_leaves, tune_backoff=tune_backoff,
                               se_rule=0.0 if is_target else _CATEGORY_SE_RULE).fit(
                z, y, self.codecs_, codec.n_codes, min_leaf, depth, seed)]
        steps: list[Step] = []
        missing = np.isnan(y)
        flags = {"tune": self.tune_leaves, "tune_backoff": bool(self.tune_backoff), "se_rule": _CATEGORY_SE_RULE}
        if missing.any() and not missing.all():
            steps.append(Step(j, "missing", prev, backoff=self.backoff, **flags).fit(
                z, missing.astype(float), self.codecs_, 2, min_leaf, depth, seed))
        if not missing.all():
            atoms = codec.atoms(y, max(min_leaf, int(np.ceil(_ATOM_SHARE * len(y)))))
            levels = _kept_whole(atoms, y)  # a set of shared levels
            partner = None if levels or is_target else self._equal_partner(j, z, atoms, min_leaf)
            if partner is not None:
                same = self.codecs_[j].same(y, self.codecs_[partner], z[:, partner])
                known = np.where(missing | np.isnan(z[:, partner]), np.nan, same.astype(float))
                steps.append(Step(j, "same", prev, backoff=self.backoff, partner=partner, **flags).fit(
                    z, known, self.codecs_, 2, min_leaf, depth, seed))
                rest = np.where(same, np.nan, y)
                if np.count_nonzero(~np.isnan(rest)) >= 2 * min_leaf:
                    y = rest  # the values are learned from the other rows
            steps.append(value_step(j, "value", prev, smooth=self.smoothing, atoms=atoms, backoff=backoff,
                                    tune=self.tune_leaves, tune_backoff=tune_backoff and not levels,
                                    se_rule=0.0 if is_target else _NUMBER_SE_RULE).fit(
                z, y, self.codecs_, None, min_leaf, depth, seed))
        return steps

    def _equal_partner(self, j: int, z: np.ndarray, atoms: np.ndarray | None, min_leaf: int) -> int | None:
        """The column drawn before ``j`` that it most often equals, where that is structure rather
        than chance: at least :data:`_SAME_SHARE` of the rows holding both (and two leaves' worth)
        agree on a value that is not one of ``j``'s spikes (times to events that equal the follow-up
        time when the event did not happen, a sale price that is the list price). Smoothed
        independently, the two would never agree; the rows that do are drawn equal instead."""
        codec, y = self.codecs_[j], z[:, j]
        spike = np.isin(y, atoms) if atoms is not None and len(atoms) else np.zeros(len(y), dtype=bool)
        best, best_share = None, _SAME_SHARE
        for a in range(j):
            other = self.codecs_[a]
            if other.kind != "num" or other.source != codec.source:
                continue
            both = ~np.isnan(y) & ~np.isnan(z[:, a])
            held = max(int(both.sum()), 1)
            count = int((codec.same(y, other, z[:, a]) & ~spike).sum())
            if count < 2 * min_leaf or count < best_share * held:
                continue
            # as often as independent columns would agree (small counts: 3 = 3 by chance)? No rule
            values, counts = np.unique(codec.absolute(y[both & ~spike]), return_counts=True)
            chance = float(np.sum(counts * _count_of(values, other.absolute(z[both, a])))) / held
            if count > chance + _SAME_SIGMA * np.sqrt(chance):
                best, best_share = a, count / held
        return best

    def _rare_given_row(self, data: pd.DataFrame, z: np.ndarray, j: int) -> bool:
        """Whether column ``j``'s rare levels are drawn given the row (see :func:`levels_fix_a_number`):
        it pools at least two rare levels (no more than :data:`_MAX_RARE_DRAWN`: a tree over thousands
        of classes is slow), and no dependency already decides them."""
        codec = self.codecs_[j]
        if codec.rare_code is None or not 2 <= len(codec.rare_values) <= _MAX_RARE_DRAWN:
            return False
        if any(j in (d.determinant, d.dependent) for d in self.dependencies_):
            return False
        return levels_fix_a_number(data[codec.name], (z[:, k] for k, c in enumerate(self.codecs_) if c.kind == "num"))

    def _relabels(self, schema: Schema) -> bool:
        """A categorical target is drawn first and redrawn from its model; a numeric one is drawn last."""
        return bool(self.target_model) and schema.target is not None and schema.task == "classification"

    def _order(self, data: pd.DataFrame, schema: Schema) -> list[str]:
        names = list(data.columns)
        text = str(self.column_order).strip()
        if text in ("", "auto"):
            return auto_order(data, schema, self.random_state)
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
        rest = [c for c in auto_order(data, schema, self.random_state) if c not in wanted]
        return [*wanted, *rest]

    # ----- sampling ----------------------------------------------------------------------------
    def _draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        z = np.full((n, len(self.codecs_)), np.nan, order="F")  # column-major: each step reads a few columns
        # the trees read codes and finite numbers (NaN for missing): scikit-learn's scan of every
        # input for infinities is skipped (5% of sampling time)
        with config_context(assume_finite=True):
            for j, (codec, steps) in enumerate(zip(self.codecs_, self.steps_, strict=True)):
                missing = np.zeros(n, dtype=bool)
                same: Step | None = None
                for step in steps:
                    if step.target == "missing":
                        missing = step.draw(z, rng) > 0.5
                    elif step.target == "same":
                        same, equal = step, step.draw(z, rng) > 0.5
                    else:
                        z[:, j] = codec.finish(step.draw(z, rng))
                if same is not None:
                    equal &= ~np.isnan(z[:, same.partner])
                    z[equal, j] = codec.from_other(self.codecs_[same.partner], z[equal, same.partner])
                if codec.kind == "num":
                    z[missing, j] = np.nan
                elif self.dependencies_:
                    _dependencies.follow(z, j, self.dependencies_)
            if self.relabel_ is not None:
                z[:, self.target_index_] = self.relabel_.draw(z, rng)
        return z

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng([self.random_state, seed])
        thinning = self.thinning_ if self.thinning_ is not None and self.thinning_.affordable(n) else None
        if thinning is None:
            rows = self._rows(n, rng)
        else:
            drawn = self._rows(OVERSAMPLE * n, rng)
            rows = drawn.iloc[thinning.keep(drawn, n, rng)].reset_index(drop=True)
        for check in self.copy_checks_ if self.reject_copies != "off" else []:
            rows = self._reject(rows, rng, check, check.natural_share if self.reject_copies == "excess" else 0.0)
        return rows

    def draw_target(self, rows: pd.DataFrame, seed: int = 0) -> pd.Series:
        """The target drawn for ``rows`` (a frame with the table's columns) as sampling draws it for a
        synthetic row, given the rows' other learned columns as they are. Real rows with this label
        in place of theirs show whether train-on-synthetic loses through the drawn labels or through
        the drawn rows (``bench/target_labels.py``). Needs a modelled target; the working dtype."""
        target = self.target_index_
        if self.schema_ is None or target is None:
            raise GeneratorError("Fit on a table with a target before drawing it.")
        step = self.relabel_ or self.steps_[target][-1]
        if not isinstance(step, ScoredStep) or step.model is None:
            raise GeneratorError("The target is not modelled (too few rows, or target_model is off).")
        frame = self.schema_.coerce(rows)
        z = np.column_stack([c.encode(frame[c.name]) for c in self.codecs_])
        codec = self.codecs_[target]
        rng = np.random.default_rng([self.random_state, check_seed(seed)])
        drawn = codec.decode(codec.finish(step.draw(z, rng)), rng)
        out = pd.DataFrame({codec.name: drawn.to_numpy()}, index=rows.index)
        return cast_like(out, self.dtypes_)[codec.name]  # the working dtype, as sample() gives

    def _rows(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` drawn rows, decoded (rare categories resolved to their values)."""
        z = self._draw(n, rng)
        out = _dependencies.decode(self.codecs_, z, self.dependencies_, self.decode_order_, rng)
        for j, step in self.rare_steps_.items():
            codec = self.codecs_[j]
            rows = np.flatnonzero(z[:, j] == codec.rare_code)
            if len(rows):
                out[codec.name] = codec.with_rare(out[codec.name], rows, step.draw(z[rows], rng))
        del z  # a million rows of it: freed before the frame is built
        return pd.DataFrame({name: out[name] for name in self.names_}, copy=False)  # no block consolidation

    def _reject(self, rows: pd.DataFrame, rng: np.random.Generator, check: _CopyCheck, allowed_share: float
                ) -> pd.DataFrame:
        """Redraw copies of training rows beyond ``allowed_share`` of the rows (bounded rounds)."""
        copies = check.copies(rows, self.codecs_)
        excess = int(copies.sum()) - int(np.floor(allowed_share * len(rows)))
        if excess <= 0:
            return rows
        todo = np.sort(rng.choice(np.flatnonzero(copies), size=excess, replace=False))
        parts, position, total = [rows], np.arange(len(rows)), len(rows)
        for _ in range(_REJECT_ROUNDS):
            if len(todo) == 0:
                break
            fresh = self._rows(2 * len(todo) + 16, rng)
            fresh = fresh[~check.copies(fresh, self.codecs_)].iloc[: len(todo)]
            position[todo[: len(fresh)]] = total + np.arange(len(fresh))
            parts.append(fresh)
            total += len(fresh)
            todo = todo[len(fresh):]
        return pd.concat(parts, ignore_index=True).iloc[position].reset_index(drop=True)


def _count_of(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """How many times each of ``values`` occurs in ``pool``."""
    ordered = np.sort(pool)
    return np.searchsorted(ordered, values, side="right") - np.searchsorted(ordered, values, side="left")


def _kept_whole(atoms: np.ndarray | None, y: np.ndarray) -> bool:
    """A number drawn as a set of levels: every one of its values ``y`` is kept as it is."""
    return atoms is not None and atoms.size == np.unique(y[~np.isnan(y)]).size


@dataclass
class _CopyCheck:
    """Which rows copy a training row on ``columns``, and how many copies a fresh sample makes.

    Rows are compared by their values, not by the codes the trees draw: categories pooled as rare
    share one code, so training rows that differ only in a rare category (a country, an area) look
    equal by code, which made a table whose rows are all distinct seem to repeat itself (27% of
    train in a migration register) and let copies through."""

    columns: list[int]
    train_keys: np.ndarray
    natural_share: float

    @classmethod
    def fit(cls, data: pd.DataFrame, columns: list[int], codecs: list[ColumnCodec]) -> _CopyCheck:
        keys = _row_hashes(data, columns, codecs)
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        # a fresh real row equals a training row about as often as a training row equals another;
        # two standard errors below that estimate, synthetic rows copy no more than a fresh sample
        share = float((counts[counts > 1]).sum() / max(len(keys), 1))
        natural = max(0.0, share - 2 * np.sqrt(share * (1 - share) / max(len(keys), 1)))
        return cls(columns, keys[first], natural)

    def copies(self, rows: pd.DataFrame, codecs: list[ColumnCodec]) -> np.ndarray:
        return np.isin(_row_hashes(rows, self.columns, codecs), self.train_keys)


def _run_side_by_side(tasks: list, on_progress: ProgressCallback | None, message: str) -> list:
    """Every task's result, in order, computed on up to :data:`_FIT_THREADS` threads.

    The column steps learn from the real columns only (never from another step's output) and seed
    their own trees, so the fit is the same on any number of threads; tree growing and boosting run
    without the GIL, so two cores fit about twice as fast. Progress is reported from the calling
    thread; a cancel raised there stops the tasks not yet started."""
    pool = ThreadPoolExecutor(max_workers=max(1, min(_FIT_THREADS, os.cpu_count() or 1, len(tasks))))
    try:
        # the last tasks (columns with the most predictors) take longest: started first, the threads
        # finish together
        futures = [pool.submit(task) for task in reversed(tasks)][::-1]
        for done, future in enumerate(as_completed(futures), start=1):
            future.result()
            report(on_progress, done / len(tasks), message.format(done=done, total=len(tasks)))
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def determining_levels(data: pd.DataFrame, column: str, others: list[str], low: int, high: int) -> frozenset:
    """Levels of ``column`` held by ``low`` to ``high`` - 1 rows that fix another category column:
    all their rows share one value of it, which chance would give with probability below
    :data:`SPLIT_ALPHA` (a country's continent, an account's branch). Such a level is kept out of
    the rare pool, since pooling it would draw the other column at random (a country on the wrong
    continent): it is a fact about the whole table, not a handful of rows' noise."""
    codes, levels = pd.factorize(data[column])  # missing: -1, never a level to keep
    counts = np.bincount(codes[codes >= 0], minlength=len(levels))
    candidate = (counts >= low) & (counts < high)
    if not candidate.any() or not others:
        return frozenset()
    rows = np.flatnonzero(candidate[np.maximum(codes, 0)] & (codes >= 0))
    level = codes[rows]
    kept = np.zeros(len(levels), dtype=bool)
    for other in others:
        values = pd.factorize(data[other], use_na_sentinel=False)[0]
        share = np.bincount(values) / len(values)
        pairs = np.unique(level.astype(np.int64) * (values.max() + 1) + values[rows])
        owner, value = pairs // (values.max() + 1), pairs % (values.max() + 1)
        single = np.bincount(owner, minlength=len(levels)) == 1
        chance = np.ones(len(levels))
        chance[owner] = share[value] ** counts[owner]  # read only where the level has one value
        kept |= candidate & single & (chance < SPLIT_ALPHA)
    return frozenset(levels[kept].tolist())


def levels_fix_a_number(levels: pd.Series, numbers: Iterable[np.ndarray]) -> bool:
    """Whether the category column ``levels`` fixes one of the ``numbers`` columns (NaN where
    missing; views of the fit's matrix, not copies of it): at least :data:`_FIXED_SHARE` of its
    variance lies between the levels, beyond chance (F-test at :data:`SPLIT_ALPHA`, with at least
    :data:`_FIXED_ROWS` rows more than levels). A state its population in a panel of states by year,
    a family its parents' heights: such a column names the entity a row's numbers belong to, and its
    rare levels must agree with them."""
    codes = pd.factorize(levels)[0]
    for x in numbers:
        ok = (codes >= 0) & ~np.isnan(x)
        n, g = int(ok.sum()), np.unique(codes[ok]).size
        if g < 2 or n - g < _FIXED_ROWS:
            continue
        x, c = x[ok], codes[ok]
        means = np.bincount(c, weights=x) / np.maximum(np.bincount(c), 1)
        total = float(np.sum((x - x.mean()) ** 2))
        within = float(np.sum((x - means[c]) ** 2))
        if total <= 0 or within > (1 - _FIXED_SHARE) * total:
            continue
        f = ((total - within) / (g - 1)) / max(within / (n - g), 1e-300)
        if stats.f.sf(f, g - 1, n - g) < SPLIT_ALPHA:
            return True
    return False


def auto_order(data: pd.DataFrame, schema: Schema, seed: int = 0) -> list[str]:
    """Most connected columns first, so that the columns others depend on condition them.

    A column's connection is its summed mutual information with every other column (normalised,
    less its small-sample bias). Columns that carry a group's identity (a county's wage and tuition,
    which fix its region, unemployment and distance) so come first and are drawn with their real
    combinations; drawn later, trees on a few coarse columns mix the groups' values. A categorical
    target is drawn first (every other column then follows it; it is redrawn from its model, see
    :class:`SynthLabGenerator`); a numeric target goes last, where its gradient-boosting step sees
    every other column (see :class:`ScoredStep`). A regular grid that indexes the rows (a panel's
    months, a series' dates: see :func:`grid_levels`) comes right after a categorical target, the
    finest one if several."""
    names = list(data.columns)
    target = schema.target if schema.target in names else None
    rows = data
    if len(rows) > _ORDER_ROWS:
        rows = rows.iloc[np.sort(np.random.default_rng(seed).choice(len(rows), _ORDER_ROWS, replace=False))]
    codes = {c: _order_codes(rows[c]) for c in names}
    strength = dict.fromkeys(names, 0.0)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            m = _dependence(codes[a], codes[b])
            strength[a] += m
            strength[b] += m
    first = [target] if target is not None and schema[target].kind != Kind.NUMERICAL else []
    last = [target] if target is not None and schema[target].kind == Kind.NUMERICAL else []
    middle = sorted((c for c in names if c not in first + last), key=lambda c: (-strength[c], names.index(c)))
    levels = {c: grid_levels(data[c]) for c in middle}  # every row: a sample would blunt the test of equal counts
    index = max(middle, key=lambda c: levels[c], default=None)
    if index is not None and levels[index]:
        middle = [index, *(c for c in middle if c != index)]
    return first + middle + last


def grid_levels(s: pd.Series) -> int:
    """How many values ``s`` takes if it indexes the rows on a regular grid, else 0.

    A panel's months (each held by one row per entity) or a series' dates (one row each) are the
    table's index: drawn after the columns that tell its entities apart (a city's sales, listings),
    a row's month comes from the few training rows of that entity in its leaf, so synthetic rows
    repeat the training rows' (entity, month) pairs and sit nearer training rows than a fresh sample,
    whose rows fall between them in time. Drawn first, a row's month is any of the grid's, and its
    values come from the entity's rows around that month (ggplot2's txhousing: closer to train
    0.680 -> 0.552 over 5 seeds). An index has at least :data:`_INDEX_LEVELS` values, evenly
    spaced (calendar months: 28-31 days), held by equally many rows (a chi-square test of equal
    counts does not reject at :data:`_INDEX_ALPHA`, with at least :data:`_INDEX_ROWS` rows a value
    to judge by), or by one row each and spread evenly over their range (Kolmogorov-Smirnov against
    uniform), apart from gaps of whole steps (rows held out of this sample), and at least
    :data:`_INDEX_FILL` of the grid's points hold rows (occupation codes, 40 spread over
    1113-9517, are no index)."""
    s = s.dropna()
    if pd.api.types.is_datetime64_any_dtype(s):
        v = s.astype("int64").to_numpy(dtype=np.float64)
    elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(dtype=np.float64)
    else:
        return 0
    values, counts = np.unique(v, return_counts=True)
    if len(values) < _INDEX_LEVELS:
        return 0
    gaps = np.diff(values)
    step = np.median(gaps[gaps < 1.5 * gaps.min()])  # one step (a month: 28-31 days)
    step = gaps.sum() / np.maximum(np.round(gaps / step), 1).sum()  # its mean over every gap
    steps = gaps / step
    if np.abs(steps - np.round(steps)).max() > _INDEX_STEP_SLACK or len(values) < _INDEX_FILL * (np.round(steps).sum() + 1):
        return 0
    if counts.max() == 1:
        even = stats.kstest((values - values[0]) / (values[-1] - values[0]), "uniform").pvalue
    elif counts.mean() >= _INDEX_ROWS:
        even = stats.chi2.sf(float(np.sum((counts - counts.mean()) ** 2) / counts.mean()), len(counts) - 1)
    else:
        return 0
    return len(values) if even > _INDEX_ALPHA else 0


def _order_codes(s: pd.Series) -> np.ndarray:
    """Small integer codes of a column: its values (the most frequent ones, the rest pooled) or,
    for a number with many values, its quantile bin; missing values are a code of their own."""
    if pd.api.types.is_datetime64_any_dtype(s):
        s = s.astype("int64").where(s.notna())
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.nunique() > _ORDER_LEVELS:
        ranks = s.rank(method="first", pct=True).to_numpy(dtype=np.float64)
        bins = np.minimum((np.nan_to_num(ranks) * _ORDER_BINS).astype(np.int64), _ORDER_BINS - 1)
        return np.where(np.isnan(ranks), _ORDER_BINS, bins)
    keys = s.astype(object).where(s.notna(), None).astype(str)
    counts = keys.value_counts()
    kept = {v: i for i, v in enumerate(counts.index[:_ORDER_LEVELS])}
    return keys.map(kept).fillna(len(kept)).to_numpy(dtype=np.int64)


def _dependence(a: np.ndarray, b: np.ndarray) -> float:
    """Mutual information of two code columns less its small-sample bias ((R-1)(C-1)/2n, Miller and
    Madow), over the mean of their entropies: 0 = independent, 1 = each fixes the other."""
    n = len(a)
    if n == 0:
        return 0.0
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    joint = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb) / n
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    ha = -np.sum(pa[pa > 0] * np.log(pa[pa > 0]))
    hb = -np.sum(pb[pb > 0] * np.log(pb[pb > 0]))
    nz = joint > 0
    mi = np.sum(joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz]))
    bias = ((pa > 0).sum() - 1) * ((pb > 0).sum() - 1) / (2 * n)
    scale = (ha + hb) / 2
    return float(max(mi - bias, 0.0) / scale) if scale > 0 else 0.0


def _row_hashes(rows: pd.DataFrame, columns: list[int], codecs: list[ColumnCodec]) -> np.ndarray:
    """One 64-bit hash per row of ``columns``' exact values (column by column: no row matrix)."""
    hashes = np.zeros(len(rows), dtype=np.uint64)
    for j in columns:
        codec = codecs[j]
        s = rows[codec.name]
        keys = codec.keys(codec.encode(s)) if codec.kind == "num" else _category_keys(s, codec.source).to_numpy()
        hashes = hashes * np.uint64(1_000_003) ^ pd.util.hash_array(keys)
    return hashes
