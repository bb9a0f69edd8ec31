"""A linear model of the target, blended with gradient boosting (see :class:`~._trees.ScoredStep`).

Shallow boosting approximates a smooth, additive relation (years of schooling rising with a test
score and parents' education) with many small steps and, with its rounds chosen on held-out rows,
stops before it has all of it. A regularised linear model gets such a relation in a few
coefficients, while boosting gets thresholds and interactions. The target step blends the two, with
the weight that predicts held-out rows best (a two-model stack), so the synthetic target carries as
much of the real relation as either model finds.

Predictors: one-hot categories (every code, the ridge penalty keeps them symmetric), numbers clipped
to their 1st-99th percentiles and standardised, a missing number as 0 plus an indicator. Sampling
predicts by per-column lookups, never building the one-hot matrix (a partition of a million rows
would need gigabytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BLEND_GRID = np.linspace(0.0, 1.0, 11)  # weights of the linear model tried


def _estimator(classify: bool):
    from sklearn.linear_model import LogisticRegression, Ridge

    return LogisticRegression(C=1.0, max_iter=500) if classify else Ridge(alpha=1.0)


@dataclass
class LinearTerm:
    """How one predictor enters: a category's code indexes ``table``; a number is clipped,
    standardised and multiplied by ``coef`` (a missing one adds ``missing`` instead)."""

    column: int
    n_codes: int = 0  # categories: codes 0..n_codes-1; 0 = a number
    low: float = 0.0
    high: float = 0.0
    mean: float = 0.0
    sd: float = 1.0
    has_missing: bool = False
    table: np.ndarray | None = None  # categories: (n_codes, outputs)
    coef: np.ndarray | None = None  # numbers: (outputs,)
    missing: np.ndarray | None = None  # numbers: (outputs,)

    @property
    def width(self) -> int:
        return self.n_codes if self.n_codes else 1 + int(self.has_missing)

    def _codes(self, v: np.ndarray) -> np.ndarray:
        return np.clip(np.nan_to_num(v), 0, self.n_codes - 1).astype(np.int64)

    def _scaled(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clipped, standardised numbers (0 where missing) and the missing mask."""
        miss = np.isnan(v)
        return np.where(miss, 0.0, (np.clip(v, self.low, self.high) - self.mean) / self.sd), miss

    def columns(self, v: np.ndarray) -> np.ndarray:
        if self.n_codes:
            out = np.zeros((len(v), self.n_codes))
            out[np.arange(len(v)), self._codes(v)] = 1.0
            return out
        scaled, miss = self._scaled(v)
        return np.column_stack([scaled, miss]) if self.has_missing else scaled[:, None]

    def contribution(self, v: np.ndarray) -> np.ndarray:
        if self.n_codes:
            return self.table[self._codes(v)]
        scaled, miss = self._scaled(v)
        out = scaled[:, None] * self.coef[None, :]
        if self.missing is not None:
            out[miss] = self.missing
        return out


@dataclass
class LinearModel:
    """Ridge regression (numbers) or logistic regression (classes) on the encoded predictors."""

    terms: list[LinearTerm]
    classes: np.ndarray | None  # the target's classes (codes); None = a number
    intercept: np.ndarray = field(default_factory=lambda: np.zeros(1))
    fitted_classes: np.ndarray | None = None  # classes present when fitted (logistic regression's)

    @classmethod
    def encoder(cls, z: np.ndarray, predictors: list[int], kinds: list[str], n_codes: list[int],
                classes: np.ndarray | None) -> LinearModel:
        """The predictors' encoding, learned from the rows ``z`` (no coefficients yet)."""
        terms = []
        for col, kind, k in zip(predictors, kinds, n_codes, strict=True):
            if kind == "cat":
                terms.append(LinearTerm(col, n_codes=max(k, 1)))
                continue
            v = z[:, col]
            present = v[~np.isnan(v)]
            term = LinearTerm(col, has_missing=bool(np.isnan(v).any()))
            if present.size:
                term.low, term.high = (float(q) for q in np.quantile(present, [0.01, 0.99]))
                clipped = np.clip(present, term.low, term.high)
                term.mean, term.sd = float(clipped.mean()), float(clipped.std()) or 1.0
            terms.append(term)
        return cls(terms, classes)

    def matrix(self, z: np.ndarray) -> np.ndarray:
        """The one-hot / standardised design matrix (fitting only: small)."""
        if not self.terms:
            return np.zeros((len(z), 0))
        return np.column_stack([t.columns(z[:, t.column]) for t in self.terms])

    def estimator(self):
        return _estimator(self.classes is not None)

    def fit(self, z: np.ndarray, y: np.ndarray) -> LinearModel:
        """Fit on all rows and keep the coefficients as per-column lookups."""
        est = self.estimator().fit(self.matrix(z), y)
        coef = np.atleast_2d(est.coef_).T  # (features, outputs)
        self.intercept = np.atleast_1d(est.intercept_).astype(float)
        if self.classes is not None:
            self.fitted_classes = np.asarray(est.classes_)
        start = 0
        for t in self.terms:
            block = coef[start:start + t.width]
            start += t.width
            if t.n_codes:
                t.table = block.copy()
            else:
                t.coef = block[0].copy()
                t.missing = block[1].copy() if t.has_missing else None
        return self

    def predict(self, z: np.ndarray) -> np.ndarray:
        """Numbers: the prediction per row; classes: probabilities in the order of ``classes``."""
        score = np.tile(self.intercept, (len(z), 1))
        for t in self.terms:
            score += t.contribution(z[:, t.column])
        if self.classes is None:
            return score[:, 0]
        return _probabilities(score, self.fitted_classes, self.classes)


def _probabilities(score: np.ndarray, fitted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    if score.shape[1] == 1:  # two classes: one logit for the second
        p1 = 1.0 / (1.0 + np.exp(-score[:, 0]))
        fitted_proba = np.column_stack([1.0 - p1, p1])
    else:
        e = np.exp(score - score.max(axis=1, keepdims=True))
        fitted_proba = e / e.sum(axis=1, keepdims=True)
    return aligned(fitted_proba, fitted, classes)


def aligned(proba: np.ndarray, fitted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """A model's class probabilities as columns of ``classes``. A cross-fitting fold may miss a class
    of one or two rows; with a single class left, the probabilities are 1 for it (sklearn's boosting
    still returns two columns then)."""
    out = np.zeros((len(proba), len(classes)))
    if len(fitted) == 1:
        out[:, np.searchsorted(classes, fitted[0])] = 1.0
    else:
        out[:, np.searchsorted(classes, fitted)] = proba
    return out


def cross_fitted_linear(model: LinearModel, z: np.ndarray, y: np.ndarray, parts: list) -> np.ndarray:
    """Held-out predictions of the linear model on the given folds (rows outside the folds: NaN).
    Design matrices are built per fold, for the folds' rows only (a capped subset of a large table).
    Numbers: ``y`` may hold several targets as columns (one fit per fold predicts them all)."""
    classify = model.classes is not None
    out = np.full((len(y), len(model.classes)) if classify else y.shape, np.nan)
    for fit_rows, test_rows in parts:
        present = np.unique(y[fit_rows]) if classify else None
        if classify and present.size < 2:  # a fold without the one or two rows of a class
            out[test_rows] = aligned(np.ones((len(test_rows), 1)), present, model.classes)
            continue
        est = model.estimator().fit(model.matrix(z[fit_rows]), y[fit_rows])
        x_test = model.matrix(z[test_rows])
        if classify:
            out[test_rows] = aligned(est.predict_proba(x_test), est.classes_, model.classes)
        else:
            out[test_rows] = est.predict(x_test)
    return out


def blend_weight(boosted: np.ndarray, linear: np.ndarray, y: np.ndarray, classes: np.ndarray | None) -> float:
    """The weight w of the linear model in (1 - w) * boosted + w * linear that predicts the held-out
    rows best (squared error for numbers, log loss for classes); rows without both predictions are
    skipped."""
    rows = ~(np.isnan(boosted).reshape(len(y), -1).any(axis=1) | np.isnan(linear).reshape(len(y), -1).any(axis=1))
    b, lin, yy = boosted[rows], linear[rows], y[rows]
    if len(yy) == 0:
        return 0.0
    if classes is None:
        losses = [float(np.mean(((1 - w) * b + w * lin - yy) ** 2)) for w in BLEND_GRID]
    else:
        col = np.searchsorted(classes, yy)
        at = np.arange(len(yy))
        losses = [float(-np.mean(np.log(np.maximum((1 - w) * b[at, col] + w * lin[at, col], 1e-12))))
                  for w in BLEND_GRID]
    return float(BLEND_GRID[int(np.argmin(losses))])
