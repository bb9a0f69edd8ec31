"""The scorecard: every section, every figure next to its holdout ceiling, and a verdict per section.

Generators fit on *train* only; the *holdout* is real data they never saw. Every figure is computed
twice — synthetic vs train, and holdout vs train — so the holdout's figure is the ceiling: what a
fresh real sample achieves on the same test. Figures that depend on sample size compare equal-size
samples: the synthetic rows are subsampled (seeded) to the holdout's size for fidelity and detection
(or the holdout to the synthetic size when that is smaller), detection also takes as many train rows,
and utility trains on as many synthetic rows as real train rows. Per-row figures (privacy, validity,
bias) use every evaluated row.

Large tables: above a row cap (``max_rows``, default :data:`~synthlab.metrics.sampling.DEFAULT_MAX_ROWS`
or ``$SYNTHLAB_EVAL_MAX_ROWS``) each frame is first cut to a seeded stratified sample
(:mod:`synthlab.metrics.sampling`), recorded in :attr:`Scorecard.sampling`; every interval is computed
over the sampled rows, so it includes the sampling. Key uniqueness still reads every row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import Cancelled, DataError
from synthlab.metrics.base import Figure, clean
from synthlab.metrics.bias import bias_section
from synthlab.metrics.detection import detection_section
from synthlab.metrics.encoding import Codec, Encoded, prepare, seeded_sample, text_values
from synthlab.metrics.fidelity import fidelity_section
from synthlab.metrics.parallel import limited
from synthlab.metrics.privacy import exact_copy_figure, privacy_filter, privacy_section, row_hashes
from synthlab.metrics.sampling import EvaluationSample, max_rows_from_env, privacy_rows, sample_frames
from synthlab.metrics.utility import utility_section
from synthlab.metrics.validity import validity_section
from synthlab.metrics.verdicts import NOT_RATED, RATINGS, section_verdict
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Schema

__all__ = ["SECTIONS", "Scorecard", "evaluate", "privacy_filter"]

SECTIONS = ("fidelity", "detection", "utility", "privacy", "bias", "validity")
MIN_ROWS = 10
COPY_CHUNK_ROWS = 100_000  # train rows hashed at a time when exact copies are checked against every row


@dataclass
class Scorecard:
    """The result of :func:`evaluate`: nested sections of :class:`Figure` objects and verdicts.

    ``arrays`` keeps per-row results (distances, the export filter's keep mask) for plots; it is not
    part of the JSON (on a sampled scorecard they cover the evaluated rows only). ``sampling`` records
    which rows were evaluated (:class:`~synthlab.metrics.sampling.EvaluationSample`'s ``to_dict()``).
    """

    split: dict[str, Any]
    sections: dict[str, dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    sampling: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Nested, JSON-ready: ``{"split", "sampling", "fidelity": {"shape": {"value", "ceiling", "ratio",
        "ci", ...}, ..., "verdict": {"rating", "why"}}, ..., "summary", "seconds"}``."""
        out: dict[str, Any] = {"split": clean(self.split), "sampling": clean(self.sampling)}
        for name in SECTIONS:
            out[name] = _to_json(self.sections.get(name, {}))
        out["summary"] = self.summary()
        out["seconds"] = clean(self.seconds)
        out["cpu_seconds"] = clean(self.cpu_seconds)
        return out

    def figure(self, key: str) -> Any:
        """Flat access by dotted path into :meth:`to_dict`: ``figure("detection.auc")`` is that figure's
        dict, ``figure("detection.auc.value")`` its value; None when absent."""
        node: Any = self.to_dict()
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def value(self, key: str) -> float | None:
        """The value of the figure at ``key`` (e.g. ``"privacy.closer_to_train_share"``)."""
        fig = self.figure(key)
        return fig.get("value") if isinstance(fig, dict) else fig

    def verdicts(self) -> dict[str, dict]:
        return {name: dict(self.sections.get(name, {}).get("verdict") or {"rating": NOT_RATED, "why": ""})
                for name in SECTIONS}

    def summary(self) -> dict[str, Any]:
        """Each section's rating, and the overall rating (the worst rated section)."""
        ratings = {name: v.get("rating", NOT_RATED) for name, v in self.verdicts().items()}
        rated = [r for r in ratings.values() if r in RATINGS]
        overall = max(rated, key=RATINGS.index) if rated else NOT_RATED
        return {"ratings": ratings, "overall": overall}

    def text(self) -> str:
        """A short plain-text summary for the terminal."""
        lines = [f"Overall: {self.summary()['overall']}"]
        for name, v in self.verdicts().items():
            lines.append(f"  {name:<10} {v.get('rating', NOT_RATED):<10} {v.get('why', '')}")
        if self.sampling.get("note"):
            lines.append(self.sampling["note"])
        return "\n".join(lines)


def _to_json(node: Any) -> Any:
    if isinstance(node, Figure):
        return node.to_dict()
    if isinstance(node, dict):
        return {str(k): _to_json(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_to_json(v) for v in node]
    return clean(node)


@limited
def evaluate(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, schema: Schema,
             rules: list[str] | None = None, seed: int = 0, on_progress: ProgressCallback | None = None,
             split_info: Any = None, sections: tuple[str, ...] | None = None,
             max_rows: int | str | None = "auto") -> Scorecard:
    """The full holdout-calibrated scorecard of ``synthetic`` (raw or working frames of the same columns).

    ``rules`` are business-rule texts (checked with ``synthlab.generators.rules`` when available);
    ``split_info`` (a :class:`synthlab.split.SplitInfo`) is shown in the scorecard's ``split``;
    ``sections`` limits the work to some of :data:`SECTIONS` (default: all); ``max_rows`` caps the rows
    evaluated per frame with a seeded stratified sample (``"auto"``: ``$SYNTHLAB_EVAL_MAX_ROWS`` or
    :data:`~synthlab.metrics.sampling.DEFAULT_MAX_ROWS`; None: every row).
    Cancellation: ``on_progress`` may raise :class:`~synthlab.errors.Cancelled`.
    """
    wanted = SECTIONS if sections is None else tuple(sections)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValueError(f"Unknown scorecard section(s): {', '.join(unknown)}")
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    report(on_progress, 0.0, "Preparing the data")
    for df, what in ((train, "real training data"), (synthetic, "synthetic data"), (holdout, "holdout data")):
        prepare(df.head(0) if isinstance(df, pd.DataFrame) else df, schema, what=what)  # fail fast, before sampling
    cap = max_rows_from_env() if max_rows == "auto" else max_rows
    (train_s, synthetic_s, holdout_s), sample = sample_frames(train, synthetic, holdout, schema, cap, seed)
    if sample.sampled:
        report(on_progress, 0.02, "Sampling rows of large tables (seeded, stratified)")
    tr = prepare(train_s, schema, what="real training data")
    sy = prepare(synthetic_s, schema, what="synthetic data")
    ho = prepare(holdout_s, schema, what="holdout data")
    for df, what in ((tr, "real training data"), (sy, "synthetic data"), (ho, "holdout data")):
        if len(df) < MIN_ROWS:
            raise DataError(f"The {what} has {len(df)} rows; the scorecard needs at least {MIN_ROWS}.")
    if not schema.learned:
        raise DataError("There are no learned columns to compare (every column is an ID or personal data).")
    codec = Codec.fit([tr, sy, ho], schema)
    et, es, eh = codec.encode(tr), codec.encode(sy), codec.encode(ho)
    m = min(es.n, eh.n)
    idx_s, idx_h = seeded_sample(es.n, m, seed + 1), seeded_sample(eh.n, m, seed + 1)
    es_eq, eh_eq = es.take(idx_s), eh.take(idx_h)
    split = {
        "train_rows": len(train), "holdout_rows": len(holdout), "synthetic_rows": len(synthetic),
        "holdout_share": len(holdout) / (len(train) + len(holdout)),
        "equal_size_rows": m,
        "seed": None,  # the train/holdout split's seed, when the split is known
        "evaluation_seed": seed,
        "columns_compared": list(codec.columns),
    }
    if split_info is not None and hasattr(split_info, "to_dict"):
        split.update({k: v for k, v in split_info.to_dict().items() if k not in ("n_train", "n_holdout")})
        split["description"] = split_info.describe() if hasattr(split_info, "describe") else None
    seconds["prepare"] = time.perf_counter() - t0

    sections: dict[str, dict] = {}
    arrays: dict[str, np.ndarray] = {}
    steps = (
        ("fidelity", "Comparing columns and pairs", 0.15,
         lambda: fidelity_section(codec, et, es_eq, eh_eq, seed=seed)),
        ("detection", "Training the detection classifier", 0.45,
         lambda: detection_section(codec, et, es, eh, seed=seed)),
        ("utility", "Training models on synthetic and real rows", 0.7,
         lambda: utility_section(tr, sy, ho, schema, seed=seed)),
        ("privacy", "Measuring distances to real rows", 0.9,
         lambda: _privacy(codec, (et, es, eh), (tr, sy), sample, seed, train, schema)),
        ("bias", "Checking groups", 0.95, lambda: bias_section(tr, sy, ho, schema, seed=seed)),
        ("validity", "Checking values and rules", 1.0,
         # key uniqueness reads the full frames: a sample would hide most repeated keys
         lambda: validity_section(tr, sy, ho, schema, rules=rules, raw=(synthetic, holdout))),
    )
    done = 0.05
    steps = tuple(step for step in steps if step[0] in wanted)
    for name, message, until, run in steps:
        report(on_progress, done, message, section=name)
        t, c = time.perf_counter(), time.process_time()
        try:
            result = run()
        except Cancelled:
            raise
        except DataError as e:
            result = _failed(str(e))
        except (ValueError, ArithmeticError, MemoryError, np.linalg.LinAlgError) as e:
            # one section's failure (unusual data a model or test cannot take) must not lose the others
            result = _failed(f"this section could not be computed ({type(e).__name__}: {e})")
        if name == "privacy" and isinstance(result, tuple):
            result, arrays = result
        sections[name] = result
        seconds[name] = time.perf_counter() - t
        cpu[name] = time.process_time() - c
        done = until
    report(on_progress, 1.0, "Scorecard ready")
    seconds["total"] = time.perf_counter() - t0
    cpu["total"] = time.process_time() - c0
    return Scorecard(split, sections, seconds, cpu, arrays, sample.to_dict())


def _privacy(codec: Codec, encoded: tuple[Encoded, Encoded, Encoded], frames: tuple[pd.DataFrame, pd.DataFrame],
             sample: EvaluationSample, seed: int, train_full: pd.DataFrame, schema: Schema) -> tuple[dict, dict]:
    """The privacy section on at most :data:`~synthlab.metrics.sampling.PRIVACY_MAX_PAIRS` row pairs
    (a seeded subsample of each frame when more), closest rows named by their rows in the full frames.

    When the train rows privacy compares are a sample, the exact-copy check is redone against every
    train row (hashing is cheap): a copy of a train row left out of the sample would go unseen.
    """
    et, es, eh = encoded
    tr, sy = frames
    full = (et.n, es.n, eh.n)
    sizes = privacy_rows(*full)
    idx_t, idx_s, idx_h = (seeded_sample(n, k, seed + 3 + i) for i, (n, k) in enumerate(zip(full, sizes, strict=True)))
    if sizes != full:
        tr, sy = tr.iloc[idx_t].reset_index(drop=True), sy.iloc[idx_s].reset_index(drop=True)
    section, arrays = privacy_section(codec, et.take(idx_t), es.take(idx_s), eh.take(idx_h), frames=(tr, sy), seed=seed)
    section["rows_compared"] = {"train": sizes[0], "synthetic": sizes[1], "holdout": sizes[2]}
    syn_rows, train_rows = sample.frames["synthetic"].index[idx_s], sample.frames["train"].index[idx_t]
    for row in section.get("closest_rows", []):  # positions in the evaluated rows -> in the full frames
        row["synthetic_row"] = int(syn_rows[row["synthetic_row"]])
        row["train_row"] = int(train_rows[row["train_row"]])
    if sample.frames["train"].sampled or sizes != full:
        copies_s, copies_h = _copies_of_every_train_row(codec, es, eh, et, train_full, sample, schema)
        exact = exact_copy_figure(copies_s, copies_h)
        exact.extra["compared_with"] = "every training row"
        section["exact_copy_share"] = exact
        section["verdict"] = section_verdict([section["closer_to_train_share"], exact])
    return section, arrays


def _copies_of_every_train_row(codec: Codec, synthetic: Encoded, holdout: Encoded, train: Encoded,
                               train_full: pd.DataFrame, sample: EvaluationSample,
                               schema: Schema) -> tuple[np.ndarray, np.ndarray]:
    """Per evaluated synthetic and holdout row: does it equal some row of the full train? (Row hashes,
    the full train read in chunks so its working copy never sits in memory whole.)"""
    if sample.frames["train"].sampled:
        parts = []
        for start in range(0, len(train_full), COPY_CHUNK_ROWS):
            chunk = prepare(train_full.iloc[start:start + COPY_CHUNK_ROWS], schema, what="real training data")
            enc = codec.encode(chunk)
            for c in codec.columns:  # a value the evaluated rows never have gets a code none of them has
                if not codec.continuous[c]:
                    unknown = (enc[c] < 0) & text_values(chunk[c]).notna().to_numpy()
                    enc.arrays[c] = np.where(unknown, codec.n_levels(c), enc[c])
            parts.append(row_hashes(codec, enc))
        reference = np.concatenate(parts)
    else:
        reference = row_hashes(codec, train)
    return np.isin(row_hashes(codec, synthetic), reference), np.isin(row_hashes(codec, holdout), reference)


def _failed(reason: str) -> dict:
    return {"verdict": {"rating": NOT_RATED, "why": f"Not rated: {reason}", "decided_by": None}, "error": reason}
