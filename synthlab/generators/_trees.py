"""Building blocks of the sequential-tree generator (see :mod:`synthlab.generators.synthlab`).

Every learned column becomes one to three *steps* (a numeric column with gaps first draws whether
the value is missing; one that often equals an earlier column, whether it does). A step is a
decision tree over the columns drawn before it plus, for every leaf, the training values that
reached it (its *pool*, :class:`LeafPools`). Sampling is vectorised: ``tree.apply`` gives every
synthetic row its leaf at once and one uniform number per row picks a value from that leaf's pool
(or, backing off, from a node above it). :func:`tuned_leaf_size` sizes the leaves and
:func:`tuned_backoff` sets the back-off on held-out rows; :func:`followed_nodes` marks the splits
back-off never crosses; :class:`ColumnCodec` turns a column into numbers and back;
:class:`ScoredStep` draws the target from cross-fitted gradient boosting
(:func:`cross_fitted_rounds`).
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from synthlab.generators._linear import LinearModel, aligned, blend_weight, cross_fitted_linear
from synthlab.generators._raking import Raking

# numeric columns with few distinct values, or many rows per value, take a fixed set of levels
# (a rating, a county's unemployment rate): they are drawn as they are, never smoothed
_DISCRETE_LEVELS = 32
_DISCRETE_ROWS = 10
_SHARED_SHARE = 0.5  # a number with this share of its rows on values held by several rows keeps those
_SPARSE_GRID = 0.5  # values, if they fill less than this share of the steps of its grid (see ColumnCodec.atoms)
_MAX_SCORED_CLASSES = 10  # a target with more classes is drawn from a plain tree
# rows (at least this many leaves' worth, and this many) the target's model needs; fewer: a plain tree.
# 30 rows in four folds still choose a blend weight: on nine tiny tables (33-97 training rows) a floor
# of 30 rather than 100 raised TSTR over 20 seeds on tips (x0.75 -> x0.87), Journals (x0.74 -> x0.79),
# Prestige, mpg and wine, left airquality and birthwt as they were, at the same detection (seeds 0-9
# and 10-19 disagree on several: tables this small are noisy); a linear relation on 60 rows is learned
# (R² 0.93-0.98 against 0.79-0.88 from a tree's leaves)
_SCORED_LEAVES = 4
_SCORED_MIN_ROWS = 30
# trees split on float32 and scikit-learn sums each column in it: numbers are clipped to this size
_TREE_LIMIT = 1e30
_GRID_TOLERANCE = 1e-12  # relative: a drawn number this close to its rounded value is already on the grid
_SPIKE_RATIO = 3.0  # a value held by this many times the rows of its neighbours is a spike
SPLIT_ALPHA = 1e-3  # a split whose sides differ at this significance is always followed (never backed off)
BACKOFF_GRID = (0.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)  # back-off strengths tried
# smoothing moves to the rank scale where it would misplace values (LeafPools._distorts, on at most
# _GAP_ROWS values): more than _GAP_SHARE of them in gaps, spaces between neighbouring values
# _GAP_RATIO times the median of the 2 * _GAP_WINDOW spaces around them (random spacings exceed 20
# times their median about once in a million)
_GAP_SHARE = 0.1
_GAP_RATIO = 20.0
_GAP_WINDOW = 10
_GAP_ROWS = 10_000


# ----- leaf pools -------------------------------------------------------------------------
@dataclass
class LeafPools:
    """Training values grouped by the tree leaf they end in, sorted within each leaf.

    Nodes are numbered in depth-first order, so with values grouped by leaf id every node's values
    (the union of its leaves) form one contiguous range: ``start[node]`` and ``size[node]``.

    *Back-off*: a row does not always draw from its own leaf. Walking down its path, it moves on to
    the child with probability ``n_child / (n_child + backoff)`` and otherwise draws from the node
    where it stopped; small leaves are so mixed with their parents, which keeps the sampled
    distribution from sticking to the few training rows of each leaf. The chance of reaching each
    node (the product of those probabilities down its path) is worked out when fitting, so a row
    needs one uniform number: it draws from the deepest node on its path that it reaches.

    *Smoothing* (numbers): a drawn value is moved by Gaussian noise whose width is Silverman's rule
    on the values of the leaf it came from, shrunk towards that leaf's mean so the leaf's variance
    is kept. The noise must be wide compared with the gaps between neighbouring training values: a
    draw that only lands between neighbours stays closer to training rows than a fresh real row
    would. Values shared by many rows (``atoms``: a spike at zero, the levels of a small integer
    scale) are never moved. Where that noise would misplace values (many in the gaps of the
    column, where no real row lies: dates written as 19800102, nothing between 19801231 and
    19810102; or a distribution of its own: a heavy tail under one kernel) it is added on the rank
    scale instead (see :class:`RankScale`, :meth:`_distorts`).
    """

    values: np.ndarray  # all pooled values, grouped by leaf, ascending within a leaf
    leaf: np.ndarray  # per pooled value: its leaf
    start: np.ndarray  # per node: offset of its pool in ``values``
    size: np.ndarray  # per node: pool size
    backoff: float = 0.0
    single: np.ndarray | None = None  # per node: all its values are equal (never backed off from)
    ancestors: np.ndarray | None = None  # [depth, node]: the node's ancestor at that depth (back-off)
    reach: np.ndarray | None = None  # [depth, node]: chance of reaching that ancestor (-1 below the node)
    atom: np.ndarray | None = None  # per pooled value: kept exactly
    mean: np.ndarray | None = None  # per leaf: mean of its non-atom values
    shrink: np.ndarray | None = None  # per leaf: factor keeping the variance after adding noise
    bandwidth: np.ndarray | None = None  # per leaf: standard deviation of the noise
    scale: RankScale | None = None  # noise on the rank scale (None: on the values)

    @classmethod
    def build(cls, leaves: np.ndarray, values: np.ndarray, tree=None, atoms: np.ndarray | None = None,
              smooth: float = 0.0, backoff: float = 0.0) -> LeafPools:
        n_nodes = 1 if tree is None else tree.tree_.node_count
        order = np.lexsort((values, leaves))
        count = np.bincount(leaves, minlength=n_nodes)
        cum = np.concatenate(([0], np.cumsum(count)))
        pools = cls(values[order].astype(np.float64), leaves[order], cum[:-1], np.zeros(n_nodes, dtype=np.int64))
        if tree is not None:
            t = tree.tree_
            pools.size = t.n_node_samples.astype(np.int64)  # the rows reaching each node: its leaves' pools
            # a node whose values are all equal is a rule of the data (e.g. grade A -> passed): keep it
            steps = np.concatenate(([0], np.cumsum(pools.values[1:] != pools.values[:-1])))
            end = np.maximum(pools.start + pools.size - 1, pools.start)
            single = steps[end] == steps[pools.start]
            pools.single = single | followed_nodes(tree, isinstance(tree, DecisionTreeClassifier))
            pools.backoff = float(backoff)
            if pools.backoff > 0:
                pools._paths(t.children_left, t.children_right)
        else:
            pools.size = count.astype(np.int64)
        if smooth > 0:
            pools._smoothing(n_nodes, atoms, smooth)
        return pools

    def _smoothing(self, n_nodes: int, atoms: np.ndarray | None, smooth: float) -> None:
        v = self.values
        self.atom = np.isin(v, atoms) if atoms is not None and len(atoms) else np.zeros(len(v), dtype=bool)
        self._kernel(v, n_nodes, smooth)
        if self._distorts():
            self.scale = RankScale.fit(v[~self.atom])
            self._kernel(self.scale.rank(v), n_nodes, smooth)

    def _kernel(self, v: np.ndarray, n_nodes: int, smooth: float) -> None:
        """Per leaf the mean, noise width and shrink factor of values ``v`` (atoms left out)."""
        leaves = self.leaf
        w = (~self.atom).astype(float)
        k = np.bincount(leaves, weights=w, minlength=n_nodes)
        safe = np.maximum(k, 1)
        mean = np.bincount(leaves, weights=w * v, minlength=n_nodes) / safe
        var = np.bincount(leaves, weights=w * (v - mean[leaves]) ** 2, minlength=n_nodes) / np.maximum(k - 1, 1)
        sd = np.sqrt(var)
        # interquartile range of the non-atom values: they are sorted within each leaf
        free = np.flatnonzero(~self.atom)
        first = np.concatenate(([0], np.cumsum(k)[:-1])).astype(np.int64)
        kk = k.astype(np.int64)
        iqr = np.zeros(n_nodes)
        has = kk >= 4
        if has.any():
            q1 = free[first[has] + ((kk[has] - 1) * 0.25).astype(np.int64)]
            q3 = free[first[has] + ((kk[has] - 1) * 0.75).astype(np.int64)]
            iqr[has] = v[q3] - v[q1]
        spread = np.where(iqr > 0, np.minimum(sd, iqr / 1.34), sd)
        h = smooth * 0.9 * spread * safe ** -0.2
        h[k < 2] = 0.0
        self.mean = mean
        self.bandwidth = h
        self.shrink = np.sqrt(np.clip(1.0 - (h / np.where(sd > 0, sd, 1.0)) ** 2, 0.0, 1.0))

    def _distorts(self) -> bool:
        """Whether noise on the values would misplace them, judged on one seeded smoothed draw per
        training value (at most :data:`_GAP_ROWS` of them): more than :data:`_GAP_SHARE` land in
        gaps of the column, spaces between neighbouring distinct values :data:`_GAP_RATIO` times
        wider than the spaces around them (a month's end in 19800131, 19800201; a year's end), or
        the drawn values' distribution differs from the training values' beyond chance (two-sample
        Kolmogorov-Smirnov at :data:`SPLIT_ALPHA`: a heavy tail under one kernel, counts of 10 to
        10^8 whose small values all moved by thousands). Then the noise goes on the rank scale."""
        free = np.flatnonzero(~self.atom)
        if len(free) > _GAP_ROWS:
            free = np.sort(np.random.default_rng(0).choice(free, _GAP_ROWS, replace=False))
        v = self.values[free]
        xs = np.unique(v)
        if len(xs) < 2 * _GAP_WINDOW:
            return False
        src = self.leaf[free]
        m = self.mean[src]
        drawn = m + self.shrink[src] * (v - m) + self.bandwidth[src] * np.random.default_rng(0).standard_normal(len(v))
        gaps = np.diff(xs)
        window = np.lib.stride_tricks.sliding_window_view(np.pad(gaps, _GAP_WINDOW, mode="edge"), 2 * _GAP_WINDOW + 1)
        wide = gaps > _GAP_RATIO * np.partition(window, _GAP_WINDOW, axis=1)[:, _GAP_WINDOW]  # the median
        i = np.searchsorted(xs, drawn)
        inside = (i > 0) & (i < len(xs))
        if wide[i[inside] - 1].sum() > _GAP_SHARE * len(v):
            return True
        real, moved = np.sort(v), np.sort(drawn)
        at = np.concatenate([real, moved])
        ks = np.abs(np.searchsorted(real, at, side="right") - np.searchsorted(moved, at, side="right")).max() / len(v)
        return bool(ks > np.sqrt(-np.log(SPLIT_ALPHA / 2) / 2) * np.sqrt(2.0 / len(v)))

    def _paths(self, left: np.ndarray, right: np.ndarray) -> None:
        """Every node's ancestors by depth, and the chance of backing off no earlier than each."""
        n_nodes = len(left)
        enter = np.where(self.single, 1.0, self.size / (self.size + self.backoff))  # from the parent
        levels = [np.zeros(1, dtype=np.int64)]  # the nodes at each depth
        while True:
            inner = levels[-1][left[levels[-1]] >= 0]
            if len(inner) == 0:
                break
            levels.append(np.concatenate([left[inner], right[inner]]))
        chance = np.ones(n_nodes)
        ancestors = np.zeros((len(levels), n_nodes), dtype=np.int64)
        reach = np.full((len(levels), n_nodes), -1.0)
        reach[0] = 1.0
        for d in range(1, len(levels)):
            inner = levels[d - 1][left[levels[d - 1]] >= 0]
            for children in (left[inner], right[inner]):
                chance[children] = chance[inner] * enter[children]
                ancestors[:d, children] = ancestors[:d, inner]
                reach[:d, children] = reach[:d, inner]
                ancestors[d, children] = children
                reach[d, children] = chance[children]
        self.ancestors, self.reach = ancestors, reach

    def nodes(self, leaves: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The node each row draws from: its leaf, or an ancestor when backing off."""
        if self.reach is None:
            return leaves
        u = rng.random(len(leaves))
        reached = np.zeros(len(leaves), dtype=np.int64)
        for level in self.reach:  # the chance of reaching a node only falls with depth
            reached += level.take(leaves) > u
        return self.ancestors[reached - 1, leaves]

    def draw(self, leaves: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One value per row from the pool of its leaf (or of an ancestor), smoothed if set up."""
        nodes = self.nodes(leaves, rng)
        k = self.size[nodes]
        pos = self.start[nodes] + np.minimum((rng.random(len(nodes)) * k).astype(np.int64), k - 1)
        out = self.values[pos]
        if self.bandwidth is None:
            return out
        noise = rng.standard_normal(len(nodes))
        move = ~self.atom[pos]
        src = self.leaf[pos]
        m = self.mean[src]
        x = out if self.scale is None else self.scale.rank(out)
        smoothed = m + self.shrink[src] * (x - m) + self.bandwidth[src] * noise
        if self.scale is not None:
            smoothed = self.scale.value(smoothed)
        return np.where(move, smoothed, out)


@dataclass
class RankScale:
    """A column's values as ranks (0..1, mid-rank for ties) and back, piecewise linear between
    neighbouring training values: noise added to ranks moves a value among its neighbours and never
    into an empty stretch wider than 1/n of the rows (only between the two values beside it)."""

    sorted_values: np.ndarray  # every (non-atom) training value, ascending
    distinct: np.ndarray  # its distinct values
    mid_rank: np.ndarray  # per distinct value: its mid-rank in 0..1

    @classmethod
    def fit(cls, values: np.ndarray) -> RankScale:
        """From the non-atom training values (:meth:`LeafPools._distorts` saw at least 20 distinct)."""
        ordered = np.sort(values)
        distinct, counts = np.unique(ordered, return_counts=True)
        return cls(ordered, distinct, (np.cumsum(counts) - counts / 2.0) / len(ordered))

    def rank(self, v: np.ndarray) -> np.ndarray:
        return np.interp(v, self.distinct, self.mid_rank)

    def value(self, u: np.ndarray) -> np.ndarray:
        n = len(self.sorted_values)
        lo, hi = 0.5 / n, 1.0 - 0.5 / n  # reflected at the ends, as numbers are at the real range
        u = np.where(u < lo, 2 * lo - u, u)
        u = np.where(u > hi, 2 * hi - u, u)
        return np.interp(u, (np.arange(n) + 0.5) / n, self.sorted_values)


# ----- leaf size --------------------------------------------------------------------------
LEAF_SCALE = 2 ** (2 / 3)  # leaf size found on half the rows -> on all rows (resolution grows as n^(1/3))
_TUNE_ROWS = 20_000  # leaves and back-off are tuned on at most this many rows (two seeded halves)


def tuning_halves(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Two seeded halves of the rows to grow and score a tuning tree on (each at most
    :data:`_TUNE_ROWS` / 2 rows: sizes and strengths found on 10,000 rows carry over, and a tree per
    column on half of a large fit sample was most of its fit time), and by how much the rows grow
    from one half to ``n`` // 2 (1 when nothing is left out)."""
    perm = np.random.default_rng(seed).permutation(n)
    half = min(n // 2, _TUNE_ROWS // 2)
    if half == n // 2:
        return perm[:half], perm[half:], 1.0
    return perm[:half], perm[half:2 * half], (n // 2) / half


def _node_class_probs(tree, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For scoring held-out rows ``y`` on a fitted classification tree: per node its class counts and
    class probabilities (shrunk towards the root's with one pseudo-row), and per row the column of
    its class and whether the tree knows that class."""
    t = tree.tree_
    size = t.n_node_samples.astype(float)
    counts = t.value[:, 0, :] / np.maximum(t.value[:, 0, :].sum(axis=1, keepdims=True), 1e-12) * size[:, None]
    prior = counts[0] / counts[0].sum()
    prob = (counts + prior) / (size[:, None] + 1.0)
    col = np.searchsorted(tree.classes_, y)
    known = (col < len(tree.classes_)) & (tree.classes_[np.minimum(col, len(tree.classes_) - 1)] == y)
    return counts, prob, np.minimum(col, len(tree.classes_) - 1), known


def tuned_leaf_size(x: np.ndarray, y: np.ndarray, classes: int | None, floor: int, max_depth: int | None,
                    seed: int, se_rule: float = 0.0) -> int:
    """The smallest leaf size whose splits still predict rows the tree has not seen.

    One tree is grown on half the rows with leaves of ``floor`` rows; for each candidate size
    (``floor`` doubling) the other half is scored with that tree cut back to the splits whose both
    sides hold at least that many rows (log loss for classes, squared error for numbers). Splits
    that do not pay off on unseen rows are what a generator would copy training rows with, so the
    best-scoring size (scaled up to the full row count) is the leaf size used.
    """
    n = len(y)
    if n < 8 * floor:
        return floor
    a, b, grow = tuning_halves(n, seed)
    model = DecisionTreeClassifier if classes is not None else DecisionTreeRegressor
    tree = model(min_samples_leaf=floor, max_depth=max_depth, random_state=seed).fit(x[a], y[a])
    t = tree.tree_
    if t.node_count == 1:
        return floor
    size, left, right = t.n_node_samples, t.children_left, t.children_right
    leaf_b = tree.apply(x[b])
    if classes is not None:
        _, prob, col, known = _node_class_probs(tree, y[b])

        def loss(node: np.ndarray) -> np.ndarray:
            return -np.log(np.where(known, prob[node, col], 1.0 / (n + 1)))
    else:
        mean = t.value[:, 0, 0]

        def loss(node: np.ndarray) -> np.ndarray:
            return (y[b] - mean[node]) ** 2

    smaller = np.minimum(size[left], size[right])  # (garbage at leaves: never read there)
    internal = left >= 0
    sizes, means, errors = [], [], []
    k = floor
    while k <= len(a) // 4:
        allowed = internal & (smaller >= k)
        node = np.zeros(len(b), dtype=np.int64)
        moving = allowed[node] & (node != leaf_b)
        while moving.any():
            cur = node[moving]
            node[moving] = np.where(leaf_b[moving] < right[cur], left[cur], right[cur])
            moving = allowed[node] & (node != leaf_b)
        per_row = loss(node)
        sizes.append(k)
        means.append(per_row.mean())
        errors.append(per_row.std() / np.sqrt(len(per_row)))
        k *= 2
    if not sizes:
        return floor
    i = int(np.argmin(means))
    # the largest leaves still within ``se_rule`` standard errors of the best (Breiman's 1-SE rule)
    ok = [j for j in range(len(sizes)) if means[j] <= means[i] + se_rule * errors[i]]
    best = sizes[max(ok)]
    return max(floor, round(best * LEAF_SCALE * grow ** (2 / 3))) if best > floor else floor


def followed_nodes(tree, classify: bool) -> np.ndarray:
    """Per node: True where back-off never leaves it for its parent — the root, and both children
    of a split whose sides differ beyond what chance explains (chi-square test of the two sides'
    classes, or Welch's t of their means, at :data:`SPLIT_ALPHA`). Back-off so mixes away splits
    that may only fit noise and keeps the ones that carry a relation (a region that sets a wage)."""
    from scipy import stats

    t = tree.tree_
    left, right = t.children_left, t.children_right
    internal = np.flatnonzero(left >= 0)
    out = np.zeros(t.node_count, dtype=bool)
    out[0] = True
    if len(internal) == 0:
        return out
    size = t.n_node_samples.astype(float)
    lft, rgt = left[internal], right[internal]
    if classify:
        frac = t.value[:, 0, :] / np.maximum(t.value[:, 0, :].sum(axis=1, keepdims=True), 1e-12)
        a, b = frac[lft] * size[lft, None], frac[rgt] * size[rgt, None]
        total = a + b
        n = (size[lft] + size[rgt])[:, None]
        ea, eb = total * size[lft, None] / n, total * size[rgt, None] / n
        with np.errstate(invalid="ignore", divide="ignore"):
            stat = np.nansum(np.where(total > 0, (a - ea) ** 2 / ea + (b - eb) ** 2 / eb, 0.0), axis=1)
        df = np.maximum((total > 0).sum(axis=1) - 1, 1)
        strong = stats.chi2.sf(stat, df) < SPLIT_ALPHA
    else:
        mean, var = t.value[:, 0, 0], t.impurity
        se = np.sqrt(np.maximum(var[lft] / size[lft] + var[rgt] / size[rgt], 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.abs(mean[lft] - mean[rgt]) / se
        strong = np.where(se > 0, 2 * stats.norm.sf(z) < SPLIT_ALPHA, mean[lft] != mean[rgt])
    out[lft[strong]] = True
    out[rgt[strong]] = True
    return out


def tuned_backoff(x: np.ndarray, y: np.ndarray, classes: int | None, leaf: int, max_depth: int | None,
                  seed: int, se_rule: float = 0.0) -> float:
    """The strongest back-off (see :class:`LeafPools`) that still predicts held-out rows about as
    well as the best one: a tree is grown on half the rows (leaves of ``leaf`` rows, scaled to the
    half), the other half is scored with every node's prediction mixed along the path as back-off
    mixes them (log loss for classes, squared error for numbers); of the values within ``se_rule``
    standard errors of the best, the largest is returned. Splits that only fit noise are so mixed
    away, splits that carry a relation (a grade that decides the outcome) are kept."""
    n = len(y)
    a, b, grow = tuning_halves(n, seed + 7)
    half_leaf = max(1, round(leaf / (LEAF_SCALE * grow ** (2 / 3))))
    if n < 4 * half_leaf or n < 20:
        return 0.0
    model = DecisionTreeClassifier if classes is not None else DecisionTreeRegressor
    tree = model(min_samples_leaf=half_leaf, max_depth=max_depth, random_state=seed).fit(x[a], y[a])
    t = tree.tree_
    if t.node_count == 1:
        return 0.0
    size = t.n_node_samples.astype(float)
    path = tree.decision_path(x[b]).tocsr()
    depth = np.diff(path.indptr)
    width = int(depth.max())
    nodes = np.zeros((len(b), width), dtype=np.int64)
    inside = np.arange(width)[None, :] < depth[:, None]
    nodes[inside] = path.indices  # row-wise, ascending node id = root to leaf
    if classes is not None:
        counts, prob, col, known = _node_class_probs(tree, y[b])
        per_node = np.where(known[:, None], prob[nodes, col[:, None]], 1.0 / (n + 1))
    else:
        per_node = t.value[:, 0, 0][nodes]
    # nodes whose training values are all equal, or behind a strong split, are always entered
    # (as LeafPools.nodes does)
    pure = (counts > 0).sum(axis=1) <= 1 if classes is not None else t.impurity <= 1e-12
    pure = pure | followed_nodes(tree, classes is not None)
    means, errors = [], []
    for m in BACKOFF_GRID:
        go = np.where(pure[nodes], 1.0, size[nodes] / (size[nodes] + m))
        go[:, 0] = 1.0
        go[~inside] = 0.0
        reach = np.cumprod(go, axis=1)
        nxt = np.concatenate([go[:, 1:], np.zeros((len(b), 1))], axis=1)
        stop = reach * (1.0 - nxt)
        pred = (stop * per_node).sum(axis=1)
        loss = -np.log(np.maximum(pred, 1e-12)) if classes is not None else (y[b] - pred) ** 2
        means.append(loss.mean())
        errors.append(loss.std() / np.sqrt(len(loss)))
    i = int(np.argmin(means))
    ok = [j for j in range(len(BACKOFF_GRID)) if means[j] <= means[i] + se_rule * errors[i]]
    return float(BACKOFF_GRID[max(ok)] * grow)  # in rows: nodes of the full tree hold ``grow`` times more


# ----- categorical predictors -------------------------------------------------------------
def category_ranks(codes: np.ndarray, n_codes: int, outcome: np.ndarray, outcome_classes: int | None) -> np.ndarray:
    """Order a categorical predictor's codes by how they relate to the outcome (per tree).

    Sorting categories by the mean outcome makes the best binary split on the sorted codes the best
    split on the categories (Fisher 1958) for numbers and two classes; with more classes the
    categories are sorted along the first principal axis of their class proportions. Returns a map
    code -> rank (a float array, indexable by code).
    """
    ok = ~np.isnan(outcome)
    codes, outcome = codes[ok].astype(np.int64), outcome[ok]
    counts = np.bincount(codes, minlength=n_codes).astype(float)
    if outcome_classes is None or outcome_classes <= 2:
        y = outcome if outcome_classes is None else (outcome > 0).astype(float)
        sums = np.bincount(codes, weights=y, minlength=n_codes)
        prior = y.mean() if len(y) else 0.0
        score = (sums + prior) / (counts + 1.0)
    else:
        table = np.zeros((n_codes, outcome_classes))
        np.add.at(table, (codes, outcome.astype(np.int64)), 1.0)
        marg = table.sum(axis=0) / max(table.sum(), 1.0)
        props = (table + marg) / (counts[:, None] + 1.0)
        centred = (props - marg) * np.sqrt(counts + 1.0)[:, None]
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        score = (props - marg) @ vt[0]
    ranks = np.empty(n_codes)
    ranks[np.argsort(score, kind="stable")] = np.arange(n_codes)
    return ranks


# ----- one column --------------------------------------------------------------------------
@dataclass
class ColumnCodec:
    """How one learned column maps to numbers and back.

    ``kind`` is "num" (numbers and datetimes, missing = NaN) or "cat" (categories and booleans as
    codes; missing is a code of its own; categories beyond the most frequent ones, or held by too
    few rows (see :meth:`fit`), share one "rare" code and are drawn from their marginal when decoded).
    """

    name: str
    kind: str  # "num" | "cat"
    source: str  # "numerical" | "datetime" | "boolean" | "categorical"
    # numbers
    decimals: int | None = None
    low: float = np.nan
    high: float = np.nan
    origin: int = 0  # datetimes: value = origin + x * unit (ns)
    unit: int = 1
    # categories
    classes: list = field(default_factory=list)  # decoded value per code (None = missing)
    rare_values: list = field(default_factory=list)
    rare_weights: np.ndarray | None = None
    rare_code: int | None = None

    @property
    def n_codes(self) -> int:
        return len(self.classes)

    # ----- encoding --------------------------------------------------------------------
    @classmethod
    def fit(cls, s: pd.Series, source: str, decimals: int | None, max_categories: int,
            min_count: int = 1, keep: frozenset = frozenset()) -> ColumnCodec:
        """Categories beyond the ``max_categories`` most frequent, or held by fewer than ``min_count``
        rows and not in ``keep``, share the rare code: no tree learns what goes with them, since a
        model of a category seen a handful of times can only repeat those rows."""
        if source in ("numerical", "datetime"):
            codec = cls(s.name, "num", source, decimals=decimals)
            if source == "datetime":
                ints = s.dropna().astype("int64").to_numpy()
                codec.origin = int(ints.min()) if len(ints) else 0
                codec.unit = _datetime_unit(ints)
            x = codec._numbers(s)
            if np.isfinite(x).any():
                codec.low, codec.high = float(np.nanmin(x)), float(np.nanmax(x))
            return codec
        codec = cls(s.name, "cat", source)
        keys = _category_keys(s, source)
        counts = keys.value_counts(dropna=False)
        missing = counts.index.isna()
        present = counts[~missing]
        modelled = (present >= min_count) | present.index.isin(list(keep))
        present = pd.concat([present[modelled], present[~modelled]])  # stable: by count within each
        kept = min(max_categories, int(modelled.sum()))
        top = list(present.index[:kept])
        rare = present.iloc[kept:]
        codec.classes = top
        if len(rare):
            codec.rare_code = len(codec.classes)
            codec.classes.append("<rare>")
            codec.rare_values = list(rare.index)
            codec.rare_weights = (rare.to_numpy(dtype=float) / rare.sum()).cumsum()
        if missing.any():
            codec.classes.append(None)
        return codec

    def _numbers(self, s: pd.Series) -> np.ndarray:
        if self.source == "datetime":
            ints = s.astype("int64").to_numpy().astype(np.float64)
            out = (ints - self.origin) / self.unit
            out[s.isna().to_numpy()] = np.nan
            return out
        return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64)

    def encode(self, s: pd.Series) -> np.ndarray:
        """Working-frame values -> numbers (codes as floats for categories)."""
        if self.kind == "num":
            return self._numbers(s)
        keys = _category_keys(s, self.source)
        known = [v for v in self.classes if v is not None and v != "<rare>"]
        codes = pd.Categorical(keys, categories=known).codes.astype(np.float64)
        missing = keys.isna().to_numpy()
        miss_code = self.n_codes - 1 if self.classes and self.classes[-1] is None else np.nan
        rare = self.rare_code if self.rare_code is not None else np.nan
        codes[(codes < 0) & ~missing] = rare
        codes[missing] = miss_code
        return codes

    # ----- decoding --------------------------------------------------------------------
    def finish(self, x: np.ndarray) -> np.ndarray:
        """Clip and round drawn numbers the way the real column is written."""
        if self.kind != "num":
            return x
        # reflect smoothed values at the real range (clipping would pile mass onto the bounds)
        x = np.where(x < self.low, 2 * self.low - x, x)
        x = np.where(x > self.high, 2 * self.high - x, x)
        x = np.clip(x, self.low, self.high)
        if self.source == "datetime":
            return np.round(x)
        if self.decimals is not None:
            rounded = np.round(x, self.decimals)
            # a value on the grid to float precision is kept bit for bit: real values computed in
            # floating point (3 knots in mph, 3.4523399999999995) would otherwise come out as numbers
            # no real row holds (3.45234), which a detector tells apart and a copy check misses
            x = np.where(np.abs(rounded - x) <= _GRID_TOLERANCE * np.abs(x), x, rounded)
        return x

    def decode(self, x: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Numbers -> a column in the working dtype."""
        if self.kind == "num":
            if self.source == "datetime":
                ints = np.where(np.isnan(x), 0, x * self.unit + self.origin).astype("int64")
                out = pd.Series(ints.astype("datetime64[ns]"))
                out[np.isnan(x)] = pd.NaT
                return out.rename(self.name)
            return pd.Series(x, name=self.name, dtype="float64")
        codes = x.astype(np.int64)
        values = np.array(self.classes, dtype=object)[codes]
        if self.rare_code is not None:
            is_rare = codes == self.rare_code
            if is_rare.any():
                pick = np.searchsorted(self.rare_weights, rng.random(int(is_rare.sum())), side="right")
                pick = np.minimum(pick, len(self.rare_values) - 1)
                values[is_rare] = np.array(self.rare_values, dtype=object)[pick]
        if self.source == "boolean":
            present = values != None  # noqa: E711 (element-wise on an object array)
            out = pd.array(np.where(present, values, False).astype(bool), dtype="boolean")
            out[~present] = pd.NA
            return pd.Series(out, name=self.name)
        return pd.Series(values, name=self.name, dtype=object)

    def rare_index(self, s: pd.Series) -> np.ndarray:
        """Each value's position among the rare values (NaN for any other value)."""
        codes = pd.Categorical(_category_keys(s, self.source), categories=self.rare_values).codes.astype(np.float64)
        return np.where(codes < 0, np.nan, codes)

    def with_rare(self, values: pd.Series, rows: np.ndarray, index: np.ndarray) -> pd.Series:
        """``values`` with the rows at ``rows`` set to the rare values at ``index``."""
        out = values.to_numpy(dtype=object, copy=True)
        out[rows] = np.array(self.rare_values, dtype=object)[index.astype(np.intp)]
        return pd.Series(out, name=self.name, dtype=object)

    def atoms(self, x: np.ndarray, min_count: int) -> np.ndarray:
        """Values kept exactly when drawn; every other value is smoothed (and snapped back to the
        column's grid). All values of a set of levels; where most rows hold a value shared with another
        row, those values; otherwise spikes: values held by at least ``min_count`` rows and by several
        times as many rows as the values next to them (a pile of zeros, a default amount)."""
        values, counts = np.unique(x[~np.isnan(x)], return_counts=True)
        if len(values) <= _DISCRETE_LEVELS or counts.mean() >= _DISCRETE_ROWS:
            return values  # a set of levels (a rating, a county's rate): drawn as they are
        if counts[counts > 1].sum() >= _SHARED_SHARE * counts.sum() and self._sparse(x, values):
            # price points (1,795, 1,999), salaries in thousands: values shared by several rows are
            # kept, the rest smoothed (smoothed, they would land between them, where no real row lies)
            return values[counts > 1]
        lower = np.concatenate(([0], counts[:-1]))
        upper = np.concatenate((counts[1:], [0]))
        spike = (counts >= min_count) & (counts >= _SPIKE_RATIO * np.maximum(lower, upper))
        return values[spike]

    def _sparse(self, x: np.ndarray, values: np.ndarray) -> bool:
        """Real values hold fewer than half the steps of the column's grid (its decimals) over the
        middle 90% of its rows, so smoothed values would mostly fall where no real row lies. A
        computed number (no fixed decimals) has no grid to fill: if most of its rows repeat another
        row's value to the last digit, those values are discrete points (a ratio of round amounts, a
        price per model) and nothing lies between them. Datetimes keep to a grid of their unit."""
        decimals = 0 if self.source == "datetime" else self.decimals
        if decimals is None:
            return True
        low, high = np.nanquantile(x, [0.05, 0.95])
        inner = np.count_nonzero((values >= low) & (values <= high))
        return inner < _SPARSE_GRID * ((high - low) * 10.0 ** decimals + 1)

    def absolute(self, x: np.ndarray) -> np.ndarray:
        """Numbers as real values (datetimes in nanoseconds), comparable across columns."""
        return x * self.unit + self.origin if self.source == "datetime" else x

    def same(self, x: np.ndarray, other: ColumnCodec, y: np.ndarray) -> np.ndarray:
        """Rows where this column's numbers ``x`` equal ``other``'s ``y`` (as real values)."""
        return self.absolute(x) == other.absolute(y)

    def from_other(self, other: ColumnCodec, y: np.ndarray) -> np.ndarray:
        """``other``'s numbers ``y`` in this column's scale (the same real values)."""
        return (other.absolute(y) - self.origin) / self.unit if self.source == "datetime" else y

    def keys(self, x: np.ndarray) -> np.ndarray:
        """Numbers that identify a value exactly (for spotting copies of training rows)."""
        return np.where(np.isnan(x), np.inf, x)


def _category_keys(s: pd.Series, source: str) -> pd.Series:
    if source == "boolean":
        return s.astype("boolean").astype(object).where(s.notna(), None)
    return s.astype(object).where(s.notna(), None)


def _datetime_unit(ints: np.ndarray) -> int:
    """The coarsest unit (day, hour, minute, second, ms, µs, ns) every timestamp is a whole number of."""
    if len(ints) == 0:
        return 1
    for unit in (86_400 * 10**9, 3_600 * 10**9, 60 * 10**9, 10**9, 10**6, 10**3):
        if np.all(ints % unit == 0):
            return unit
    return 1


# ----- steps -----------------------------------------------------------------------------------
@dataclass
class Step:
    """Draw one column (or whether a number is missing, or equal to column ``partner``) given the
    columns before it."""

    column: int  # position in the encoded matrix
    target: str  # "value" | "missing" | "same" (equals column ``partner``)
    predictors: list[int]
    smooth: float = 0.0
    atoms: np.ndarray | None = None
    backoff: float = 0.0
    tune: bool = False
    se_rule: float = 0.0
    tune_backoff: bool = False
    leaf_size: int = 0
    tree: DecisionTreeClassifier | DecisionTreeRegressor | None = None
    pools: LeafPools | None = None
    ranks: dict[int, np.ndarray] = field(default_factory=dict)  # categorical predictor -> code ranks
    clipped: set[int] = field(default_factory=set)  # numeric predictors whose real range passes _TREE_LIMIT
    partner: int = -1  # "same": the column this one is drawn equal to

    def design(self, z: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """The predictors of ``z`` as a column-major matrix, categories replaced by their ranks.
        Trees predict from float32 (scikit-learn casts to it): sampling builds that directly, and
        numbers beyond :data:`_TREE_LIMIT` (a physical constant of 10^50) are clipped to it."""
        x = np.empty((len(z), len(self.predictors)), dtype=dtype, order="F")
        for j, col in enumerate(self.predictors):
            ranks = self.ranks.get(col)
            if ranks is None:
                x[:, j] = np.clip(z[:, col], -_TREE_LIMIT, _TREE_LIMIT) if col in self.clipped else z[:, col]
            else:
                codes = z[:, col]
                x[:, j] = np.append(ranks, np.nan).take(np.where(np.isnan(codes), len(ranks), codes).astype(np.intp))
        return x

    def _read_predictors(self, z: np.ndarray, y: np.ndarray, codecs: list[ColumnCodec], classes: int | None) -> None:
        """How :meth:`design` reads each predictor: a category by its codes' ranks for this outcome,
        a number whose real range passes :data:`_TREE_LIMIT` clipped (drawn values keep to the real
        range, so no other column pays for the clip)."""
        for col in self.predictors:
            codec = codecs[col]
            if codec.kind == "cat":
                self.ranks[col] = category_ranks(z[:, col], codec.n_codes, y, classes)
            elif max(abs(codec.low), abs(codec.high)) > _TREE_LIMIT:
                self.clipped.add(col)

    def fit(self, z: np.ndarray, y: np.ndarray, codecs: list[ColumnCodec], classes: int | None,
            min_leaf: int, max_depth: int | None, seed: int) -> Step:
        """Fit the tree on rows where ``y`` is known and pool their values per leaf."""
        rows = ~np.isnan(y)
        z, y = z[rows], y[rows]
        self._read_predictors(z, y, codecs, classes)
        leaves = np.zeros(len(y), dtype=np.int64)
        if self.predictors and len(y) >= 2 * min_leaf and np.unique(y).size > 1:
            model = DecisionTreeClassifier if classes is not None else DecisionTreeRegressor
            x = self.design(z)
            if self.tune:
                min_leaf = tuned_leaf_size(x, y, classes, min_leaf, max_depth, seed, self.se_rule)
                if self.tune_backoff:
                    self.backoff = max(self.backoff, tuned_backoff(x, y, classes, min_leaf, max_depth, seed))
            self.leaf_size = min_leaf
            self.tree = model(min_samples_leaf=min_leaf, max_depth=max_depth, random_state=seed)
            self.tree.fit(x, y)
            if self.tree.tree_.node_count > 1:
                leaves = self.tree.apply(x)
            else:
                self.tree = None
        self.pools = LeafPools.build(leaves, y, self.tree, self.atoms, self.smooth, self.backoff)
        return self

    def draw(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        leaves = np.zeros(len(z), dtype=np.int64) if self.tree is None else self.tree.apply(self.design(z, np.float32))
        return self.pools.draw(leaves, rng)



@dataclass
class ScoredStep(Step):
    """The target column: drawn given a prediction from every other column.

    A single tree on the other columns is a coarse picture of how the target depends on them, and
    models trained on the synthetic rows would learn only that picture. Here gradient boosting, its
    number of rounds chosen on rows held out from it (cross-fitting; an overfitted model would hand
    its noise on), blended with a linear model where that predicts held-out rows better (see
    :mod:`._linear`), predicts the target:

    * a category is drawn from the predicted class probabilities (log-loss-fitted boosting with the
      rounds chosen on held-out log loss is close to calibrated), raked so that every level of every
      predictor holds its observed class shares (see :mod:`._raking`: the rounds that suit all rows
      stop short on a small group with a strong effect);
    * a number is drawn from the real target values of training rows whose held-out prediction is
      like the synthetic row's (a tree over the predictions, leaves sized on held-out rows), so the
      values are real ones (spikes, integer levels intact) and the spread around the prediction is
      the real one.
    """

    model: object | None = None
    classes: np.ndarray | None = None
    rounds: int = 0
    linear: LinearModel | None = None  # blended in with weight ``weight`` (0: boosting alone)
    weight: float = 0.0
    raking: Raking | None = None  # classes: the blend's probabilities raked to each level's shares

    def fit(self, z: np.ndarray, y: np.ndarray, codecs: list[ColumnCodec], classes: int | None,
            min_leaf: int, max_depth: int | None, seed: int) -> Step:
        rows = ~np.isnan(y)
        labels = np.unique(y[rows])
        if (not self.predictors or rows.sum() < max(_SCORED_LEAVES * min_leaf, _SCORED_MIN_ROWS) or labels.size < 2
                or (classes is not None and labels.size > _MAX_SCORED_CLASSES)):
            return super().fit(z, y, codecs, classes, min_leaf, max_depth, seed)
        zz, yy = z[rows], y[rows]
        self._read_predictors(zz, yy, codecs, classes)
        x = self.design(zz)
        self.classes = labels if classes is not None else None
        folds = boost_folds(len(yy), seed)  # one layout: the rounds and the blend weight are judged on it
        with _one_thread():
            self.rounds, held_out = cross_fitted_rounds(x, yy, self.classes, folds, seed, min_leaf)
            self.model = _boosting(self.classes is not None, self.rounds, seed, min_leaf).fit(x, yy)
        held_out = self._blend(zz, yy, codecs, held_out, folds)
        if self.classes is not None:
            # judged on held-out predictions: synthetic rows are new rows to the model, and its
            # shortfall there is what the offsets correct (not the noise of the training rows)
            # (the cross-fitting rows: the others, beyond a large table's subset, have none)
            sub = np.flatnonzero(np.isfinite(held_out).all(axis=1))
            self.raking = Raking.fit(zz[sub], held_out[sub], np.searchsorted(self.classes, yy[sub]),
                                     self.predictors, [codecs[c].kind for c in self.predictors], min_leaf)
            return self
        leaf = tuned_leaf_size(held_out, yy, None, min_leaf, max_depth, seed, self.se_rule) if self.tune else min_leaf
        self.leaf_size = leaf
        self.tree = DecisionTreeRegressor(min_samples_leaf=leaf, max_depth=max_depth, random_state=seed).fit(held_out, yy)
        self.pools = LeafPools.build(self.tree.apply(held_out), yy, self.tree, self.atoms, self.smooth, self.backoff)
        return self

    def _blend(self, z: np.ndarray, y: np.ndarray, codecs: list[ColumnCodec], held_out: np.ndarray,
               folds: tuple[np.ndarray, list]) -> np.ndarray:
        """Blend in a linear model (see :mod:`._linear`) with the weight that predicts held-out rows
        best, cross-fitted on the boosting's folds; returns the blended held-out predictions."""
        linear = LinearModel.encoder(z, self.predictors, [codecs[c].kind for c in self.predictors],
                                     [codecs[c].n_codes for c in self.predictors], self.classes)
        sub, parts = folds
        with _one_thread("blas"):
            lin = cross_fitted_linear(linear, z, y, parts)
        boosted = held_out if self.classes is not None else held_out[:, 0]
        self.weight = blend_weight(boosted, lin, y, self.classes)
        if self.weight == 0:
            return held_out
        with _one_thread("blas"):  # on the cross-fitting rows: at most _BOOST_ROWS, plenty for a linear model
            self.linear = linear.fit(z[sub], y[sub])
        if self.classes is not None:
            return (1 - self.weight) * held_out + self.weight * lin
        if len(sub) < len(y):  # rows outside the subset: the boosting's prediction there is from a subset model
            rest = np.setdiff1d(np.arange(len(y)), sub)
            lin[rest] = self.linear.predict(z[rest])
        return ((1 - self.weight) * boosted + self.weight * lin)[:, None]

    def predict(self, z: np.ndarray) -> np.ndarray:
        """The blended prediction (numbers) or class probabilities (categories) for rows ``z``."""
        x = self.design(z)
        # many rows: every core (rows are independent, so the numbers are the same on any count)
        with _one_thread() if len(z) < _PARALLEL_PREDICT_ROWS else contextlib.nullcontext():
            boosted = self.model.predict(x) if self.classes is None else _class_proba(self.model, x, self.classes)
        if self.linear is None:
            return boosted
        return (1 - self.weight) * boosted + self.weight * self.linear.predict(z)

    def draw(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.model is None:
            return super().draw(z, rng)
        if self.classes is None:
            return self.pools.draw(self.tree.apply(self.predict(z)[:, None]), rng)
        proba = self.predict(z)
        if self.raking is not None:  # None in a model fitted before raking (a saved workspace)
            proba = self.raking.adjust(proba, z)
        cum = np.cumsum(proba, axis=1)
        pick = (rng.random(len(z))[:, None] * cum[:, -1:] > cum).sum(axis=1)
        return self.classes[np.minimum(pick, len(self.classes) - 1)]


# rounds at which the held-out loss is looked at (about 1.4 times apart: the loss is flat near its
# minimum, so coarser steps at more rounds lose little); the search stops after _BOOST_PATIENCE looks
# without improvement. With a learning rate of 0.2 (_LEARNING_RATE) the rounds are half those at 0.1
# for models as good (held-out AUC and R² within 0.007 on Ecdat's Computers, ggplot2's txhousing,
# carData's Chile and two samples), and the search, most of a fit, takes half the time
_LEARNING_RATE = 0.2
_BOOST_LOOKS = (5, 10, 15, 22, 32, 45, 65, 90, 125)
# the search stops at the first look that does not improve on the best: waiting two looks (confirming
# 90 rounds at 175) gave the same figures on three samples and eight other real tables (4 seeds each),
# only slower
_BOOST_PATIENCE = 1
# rounds the fold models grow to in one fit call; the rule looks at most one look past a stage's last
# best, so the next stage always covers it (the first stage stops early: most targets choose 10-22
# rounds, and a 4-class target grows 4 trees a round). Every fit call replays the trees so far, so
# stages are few
_BOOST_STAGES = (22, 45, 90, 125)
# trees a fold model may grow while the rounds are searched: 125 rounds of one tree (numbers, two
# classes); with k classes a round is k trees, so 4 classes stop at 45 rounds and 10 at 15. A tree
# costs 0.2-0.3 ms however few the rows (scikit-learn grows it node by node in Python), so this is a
# time budget, and on small tables the search is most of a fit: gapminder (681 training rows) fitted
# and sampled in 0.30 s against GaussianCopula's 0.25, Ecdat's Fishing (4 classes) in 0.49 s against
# 0.43. With this budget, one look of patience and a cap of 125 rounds: 0.21 s and 0.41 s, five
# samples 10-20% faster with the same figures (lending_club's within 0.002); targets still improving
# at the cap lose little (txhousing TSTR x0.997 -> x0.996, Computers x0.959 -> x0.955, digits x0.995 ->
# x0.994; 4 seeds)
_BOOST_TREES = 200
# folds the rounds are chosen on: 3, or 4 below _SMALL_BOOST_ROWS rows, where each fold model needs
# every row it can get. On 343 real tables (bench/ab.py, 2 seeds each) this rule against 4 folds
# everywhere: every target met on 130 tables either way, misses of detection 35 -> 32, of
# train-on-synthetic 48 -> 45, of closer to train 169 -> 170; a quarter fewer trees: gapminder fitted
# and sampled in 0.26 -> 0.19 s, carData's Chile 0.28 -> 0.24 s. 3 folds below 200 rows lost
# train-on-synthetic (plotly's tips x0.976 -> x0.485, carData's Prestige x0.953 -> x0.878; 8 seeds)
_BOOST_FOLDS = 3
_SMALL_BOOST_FOLDS, _SMALL_BOOST_ROWS = 4, 200
_BOOST_ROWS = 10_000  # rows the number of rounds is chosen on (a seeded subset above that; 20,000 chose
# the same rounds (the cap) on a 50,000-row fit sample with the same held-out R² and took 1.6 s more, measured)
_PARALLEL_PREDICT_ROWS = 10_000  # predicting this many rows or more uses every core (2 cores: 1.5-2x faster)


def _boosting(classify: bool, rounds: int, seed: int, min_leaf: int):
    """Shallow boosting whose leaves may be as small as the generator's (sklearn's default of 20 rows
    cannot see a group of 15 rows with a strong effect: a denied mortgage insurance)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    model = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    return model(max_iter=max(rounds, 1), learning_rate=_LEARNING_RATE, max_depth=3, min_samples_leaf=max(min_leaf, 1),
                 early_stopping=False, random_state=seed)


def _class_proba(model, x: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return aligned(model.predict_proba(x), model.classes_, classes)


def boost_folds(n: int, seed: int) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """The rows models are cross-fitted on (a seeded subset above :data:`_BOOST_ROWS`) and their
    folds as (fit rows, held-out rows)."""
    rng = np.random.default_rng(seed)
    sub = np.sort(rng.choice(n, _BOOST_ROWS, replace=False)) if n > _BOOST_ROWS else np.arange(n)
    folds = _SMALL_BOOST_FOLDS if n < _SMALL_BOOST_ROWS else _BOOST_FOLDS
    fold = rng.permutation(len(sub)) % folds
    return sub, [(sub[fold != k], sub[fold == k]) for k in range(folds)]


def cross_fitted_rounds(x: np.ndarray, y: np.ndarray, classes: np.ndarray | None,
                        folds: tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]], seed: int,
                        min_leaf: int = 5) -> tuple[int, np.ndarray]:
    """Boosting rounds that predict held-out rows best, and every row's held-out prediction at that
    many rounds (numbers: a column of predictions for every row; classes: class probabilities, NaN
    for rows outside the subset).

    ``folds`` are :func:`boost_folds`' (rows, then fit and held-out rows per fold); a model fitted on
    the other folds scores its fold (log loss for classes, squared error for numbers) at each of
    :data:`_BOOST_LOOKS` rounds, until the total has not improved for :data:`_BOOST_PATIENCE` looks.
    The models grow (warm start) stage by stage (:data:`_BOOST_STAGES`) while the rule goes on, and
    the looks on the way are read from staged predictions: a fit call has a fixed cost (binning,
    replaying the trees so far) that a call per look made the largest part of the work. With k >= 3
    classes a round is k trees, and the search stops at :data:`_BOOST_TREES` trees per model. Above
    :data:`_BOOST_ROWS` rows the folds cover a seeded subset."""
    n = len(y)
    sub, parts = folds
    models = [_boosting(classes is not None, 1, seed, min_leaf).set_params(warm_start=True) for _ in parts]
    width = 1 if classes is None else len(classes)
    best, best_loss, waited, done = 0, np.inf, 0, 0
    best_pred: np.ndarray | None = None
    # a round grows one tree per class with three or more classes: the search stops at a budget of trees
    per_round = width if width > 2 else 1
    cap = max([r for r in _BOOST_LOOKS if r * per_round <= _BOOST_TREES] or [_BOOST_LOOKS[0]])
    for stage in [*(s for s in _BOOST_STAGES if s < cap), cap]:
        looks = [r for r in _BOOST_LOOKS if done < r <= stage]
        loss = np.zeros(len(looks))
        pred = np.full((len(looks), n, width), np.nan)
        for model, (fit_rows, test_rows) in zip(models, parts, strict=True):
            model.set_params(max_iter=stage).fit(x[fit_rows], y[fit_rows])
            for i, p in _staged(model, x[test_rows], classes, looks):
                pred[i, test_rows] = p
                if classes is None:
                    loss[i] += float(np.sum((y[test_rows] - p[:, 0]) ** 2))
                else:
                    col = np.searchsorted(classes, y[test_rows])
                    loss[i] -= float(np.sum(np.log(np.maximum(p[np.arange(len(test_rows)), col], 1e-12))))
        for i, rounds in enumerate(looks):
            if waited >= _BOOST_PATIENCE:
                break
            if best_pred is None or loss[i] < best_loss * (1 - 1e-9):
                best, best_loss, best_pred, waited = rounds, loss[i], pred[i], 0
            else:
                waited += 1
        done = stage
        if waited >= _BOOST_PATIENCE:
            break
    if classes is not None:
        return best, best_pred
    held_out = best_pred if best_pred is not None else np.full((n, 1), np.nan)
    if len(sub) < n:  # rows outside the subset: a model on the subset, at the chosen rounds
        rest = np.setdiff1d(np.arange(n), sub)
        held_out[rest, 0] = _boosting(False, best, seed, min_leaf).fit(x[sub], y[sub]).predict(x[rest])
    return best, held_out


def _staged(model, x: np.ndarray, classes: np.ndarray | None, looks: list[int]):
    """(index in ``looks``, predictions as a matrix) at each look's number of rounds."""
    at = {r: i for i, r in enumerate(looks)}
    stages = model.staged_predict(x) if classes is None else model.staged_predict_proba(x)
    for rounds, p in enumerate(stages, start=1):
        if rounds in at:
            yield at[rounds], p[:, None] if classes is None else aligned(p, model.classes_, classes)


def _one_thread(user_api: str = "openmp"):
    """Gradient boosting on one OpenMP thread (the linear fits: one BLAS thread): on small tables and
    shared cores, more threads mostly wait for each other (several times slower on a busy 2-core
    machine)."""
    return _thread_pools().limit(limits=1, user_api=user_api)


@functools.cache
def _thread_pools():
    """The process's native thread pools, found once: ``threadpool_limits`` scans every loaded library
    on each call (1.1 ms, paid by every predict of a sampling round and several times per fit: on
    Titanic a third of each round). It holds no data, only handles to the libraries, loaded first:
    scikit-learn's OpenMP runtime (with its boosting) and numpy's and scipy's BLAS."""
    import scipy.linalg  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
