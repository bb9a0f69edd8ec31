"""Reproducibility bundles: a zip that turns back into the same synthetic rows.

A bundle holds

* ``recipe.json``: generator, parameters (fit seed included), sampling seed and row count, the
  schema, the train/holdout split, conditions and rules, the library versions it was made with,
  and ``data_sha256``, a fingerprint of the training rows;
* ``scorecard.json``: the run's scorecard, when there is one;
* ``train.parquet``: the real training rows the generator was fitted on. **This is the user's real
  data.** With ``include_data=False`` it is left out; replaying then needs the original data file
  (``--data``), from which the recorded split rebuilds the training rows, checked against the
  fingerprint;
* ``README.txt``: the above, in words, for whoever receives the bundle.

Bundles are data, never code: JSON and Parquet only, validated on load. Zip members are limited in
number and size (no zip bombs) and names with absolute paths or ``..`` are refused; nothing is
ever extracted to disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, GeneratorError, SchemaError, SynthLabError
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.runs import Run
from synthlab.schema import Schema
from synthlab.workspace import dumps_json, parquet_ready

FORMAT_VERSION = 1
RECIPE_NAME = "recipe.json"
SCORECARD_NAME = "scorecard.json"
TRAIN_NAME = "train.parquet"
README_NAME = "README.txt"

# Limits that keep a hostile bundle from exhausting memory or disk.
MAX_BUNDLE_BYTES = 1 << 30  # the zip file itself
MAX_MEMBERS = 16
MAX_TOTAL_BYTES = 1 << 30  # all members, uncompressed
MAX_MEMBER_BYTES = MappingProxyType(
    {RECIPE_NAME: 8 << 20, SCORECARD_NAME: 64 << 20, TRAIN_NAME: 768 << 20, README_NAME: 1 << 20})
MAX_ROWS = 10_000_000

# Library -> distribution name (None: SynthLab itself).
_LIBRARIES = MappingProxyType({
    "synthlab": None, "sdv": "sdv", "rdt": "rdt", "sdmetrics": "sdmetrics", "ctgan": "ctgan", "torch": "torch",
    "scikit-learn": "scikit-learn", "pandas": "pandas", "numpy": "numpy", "faker": "Faker", "pyarrow": "pyarrow"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same run always gives the same bytes


class VersionWarning(UserWarning):
    """The bundle was made with other library versions; replayed rows may differ."""


@dataclass
class Recipe:
    """A validated ``recipe.json`` plus what came with it in the bundle."""

    generator: str
    params: dict[str, Any]
    seed: int
    n_rows: int
    schema: Schema
    split: dict[str, Any] | None = None
    conditions: dict[str, Any] | None = None
    rules: list[str] = field(default_factory=list)
    library_versions: dict[str, str | None] = field(default_factory=dict)
    data_sha256: str | None = None
    run: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    train: pd.DataFrame | None = None  # the training rows, when the bundle includes them
    scorecard: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``recipe.json`` document."""
        return {
            "format_version": self.format_version,
            "generator": self.generator,
            "params": self.params,
            "seed": self.seed,
            "n_rows": self.n_rows,
            "schema": self.schema.to_dict(),
            "split": self.split,
            "conditions": self.conditions,
            "rules": list(self.rules),
            "library_versions": self.library_versions,
            "data_sha256": self.data_sha256,
            "run": self.run,
        }

    @classmethod
    def from_dict(cls, d: Any) -> Recipe:
        """Validate a ``recipe.json`` document; every problem is a SynthLabError saying what is wrong."""
        return _validate(d)


# ----- versions and fingerprints -----------------------------------------------------------------
def library_versions() -> dict[str, str | None]:
    """Versions of Python and of every library that shapes the generated rows (None: not installed)."""
    import synthlab

    out: dict[str, str | None] = {"python": platform.python_version()}
    for key, dist in _LIBRARIES.items():
        if dist is None:
            out[key] = synthlab.__version__
            continue
        try:
            out[key] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[key] = None
    return out


def version_differences(recipe: Recipe) -> list[str]:
    """One sentence per library whose installed version differs from the bundle's."""
    now = library_versions()
    notes = []
    for key, then in sorted(recipe.library_versions.items()):
        if key in now and then != now[key]:
            notes.append(f"the bundle was made with {key} {then or 'absent'}, this machine has "
                         f"{now[key] or 'none'}: the rows may differ.")
    return notes


def frame_sha256(df: pd.DataFrame, schema: Schema) -> str:
    """A fingerprint of a table's values in its working form, independent of file format and of
    how missing values are spelled; used to check that replay fits on exactly the same rows."""
    frame = schema.coerce(df).reset_index(drop=True)
    h = hashlib.sha256(f"synthlab-frame-v1\nrows={len(frame)}\n".encode())
    for spec in schema.columns:
        s = frame[spec.name]
        h.update(f"\x1e{len(spec.name)}:{spec.name}\x1f{spec.kind.value}\x1f".encode())
        h.update(_column_bytes(s))
    return h.hexdigest()


def _column_bytes(s: pd.Series) -> bytes:
    if pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy(dtype="<f8", copy=True)
        arr[np.isnan(arr)] = np.nan  # one bit pattern for every NaN
        return arr.tobytes()
    if str(s.dtype) == "boolean":
        return s.astype("Int8").fillna(2).to_numpy(dtype="<i1").tobytes()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.to_numpy(dtype="datetime64[ns]").view("<i8").tobytes()
    return "\n".join("null" if _missing(v) else json.dumps(str(v)) for v in s).encode()


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# ----- building -----------------------------------------------------------------------------------
def build_bundle(run: Run, schema: Schema, split: dict | None, scorecard: dict | None, train: pd.DataFrame,
                 include_data: bool = True) -> bytes:
    """The bundle of a finished run, as zip bytes.

    ``train`` are the real rows the generator was fitted on (raw or working frame). With
    ``include_data=True`` they go into the bundle as ``train.parquet``: the user's real data, so
    only share such a bundle where the data may go. With ``include_data=False`` only their
    fingerprint is kept, and replaying needs the original file plus ``split``.
    """
    if run.status != "done":
        raise SynthLabError(f"Only finished runs can be exported; '{run.name}' is {run.status}.")
    schema.validate(train)
    working = schema.coerce(train).reset_index(drop=True)
    recipe = Recipe(
        generator=run.generator, params=dict(run.params), seed=int(run.seed), n_rows=int(run.n_rows),
        schema=schema, split=None if split is None else dict(split), conditions=run.conditions,
        rules=list(run.rules), library_versions=library_versions(),
        data_sha256=frame_sha256(working, schema),
        run={"id": run.id, "name": run.name, "created_at": run.created_at, "n_train_rows": len(working),
             "includes_data": bool(include_data)},
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add(zf, RECIPE_NAME, dumps_json(recipe.to_dict(), indent=2).encode())
        if scorecard is not None:
            _add(zf, SCORECARD_NAME, dumps_json(scorecard, indent=2).encode())
        if include_data:
            pq = io.BytesIO()
            parquet_ready(working).to_parquet(pq, index=False)
            _add(zf, TRAIN_NAME, pq.getvalue())
        _add(zf, README_NAME, _readme(recipe, include_data).encode())
    return buf.getvalue()


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _readme(recipe: Recipe, include_data: bool) -> str:
    data_line = (
        f"{TRAIN_NAME} holds the REAL training rows the generator was fitted on. Share this bundle "
        "only where that data may go.\n"
        if include_data else
        "The real data is not included. Replay needs the original data file:\n"
        "    python -m synthlab replay BUNDLE.zip --data ORIGINAL.csv --out synthetic.csv\n"
    )
    return (
        "SynthLab reproducibility bundle\n\n"
        f"Generator: {recipe.generator}\nRows: {recipe.n_rows}\nSampling seed: {recipe.seed}\n\n"
        f"{RECIPE_NAME} holds the generator, its parameters, the seeds, the schema, the split and the library\n"
        f"versions. {SCORECARD_NAME} (if present) holds the run's scorecard.\n"
        f"{data_line}\n"
        "To regenerate the same synthetic rows:\n"
        "    python -m synthlab replay BUNDLE.zip --out synthetic.csv\n"
    )


# ----- loading and validation ---------------------------------------------------------------------
def load_bundle(source: bytes | bytearray | str | Path) -> Recipe:
    """Read and validate a bundle (path or bytes); raise a SynthLabError naming any problem."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"No such bundle file: {path}")
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise DataError(f"{path.name} is larger than {MAX_BUNDLE_BYTES >> 20} MB; it is not a SynthLab bundle.")
        data = path.read_bytes()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > MAX_BUNDLE_BYTES:
            raise DataError(f"The bundle is larger than {MAX_BUNDLE_BYTES >> 20} MB.")
    else:
        raise TypeError("load_bundle takes a path or bytes")
    members = _read_members(data)
    if RECIPE_NAME not in members:
        raise DataError(f"The bundle has no {RECIPE_NAME}; it was not exported by SynthLab.")
    recipe = Recipe.from_dict(_parse_json(members[RECIPE_NAME], RECIPE_NAME))
    if SCORECARD_NAME in members:
        card = _parse_json(members[SCORECARD_NAME], SCORECARD_NAME)
        if not isinstance(card, dict):
            raise DataError(f"{SCORECARD_NAME} in the bundle must hold a JSON object.")
        recipe.scorecard = card
    if TRAIN_NAME in members:
        recipe.train = _read_train(members[TRAIN_NAME], recipe)
    return recipe


def _read_members(data: bytes) -> dict[str, bytes]:
    """The bundle's known members, after checking every member's name and size."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DataError("This file is not a SynthLab bundle (it is not a zip archive).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DataError(f"The bundle has {len(infos)} files; a SynthLab bundle has at most {MAX_MEMBERS}.")
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise DataError("The bundle lists the same file twice; it has been tampered with.")
            total = 0
            for info in infos:
                _check_member_name(info.filename)
                if info.flag_bits & 0x1:
                    raise DataError("The bundle is encrypted; SynthLab bundles never are.")
                total += info.file_size
                limit = MAX_MEMBER_BYTES.get(info.filename)
                if limit is not None and info.file_size > limit:
                    raise DataError(f"{info.filename} in the bundle is {info.file_size:,} bytes, more than the "
                                    f"{limit:,} allowed.")
            if total > MAX_TOTAL_BYTES:
                raise DataError(f"The bundle unpacks to {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} allowed.")
            out = {}
            for info in infos:
                limit = MAX_MEMBER_BYTES.get(info.filename)
                if limit is None:
                    continue  # a file this version does not know: ignored, never extracted
                with zf.open(info) as fh:
                    content = fh.read(limit + 1)
                if len(content) > limit:
                    raise DataError(f"{info.filename} in the bundle unpacks to more than the {limit:,} bytes allowed.")
                out[info.filename] = content
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as e:
        raise DataError(f"The bundle is damaged and cannot be read ({e}).") from None


def _check_member_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if (not name or "\x00" in name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name)
            or ".." in parts):
        raise DataError(f"The bundle contains an unsafe file name ({name!r}); it is refused.")


def _parse_json(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataError(f"{name} in the bundle is not UTF-8 text.") from None
    except json.JSONDecodeError as e:
        raise DataError(f"{name} in the bundle is not valid JSON ({e.msg}, line {e.lineno}).") from None


def _read_train(raw: bytes, recipe: Recipe) -> pd.DataFrame:
    """The training rows, in working form, checked against the recipe's schema and fingerprint."""
    import pyarrow as pa
    import pyarrow.parquet as papq

    try:
        table = papq.read_table(io.BytesIO(raw))
        # The file's pandas metadata is ignored: the schema says what each column is.
        df = table.to_pandas(ignore_metadata=True, types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    except (pa.ArrowException, OSError, ValueError) as e:
        raise DataError(f"{TRAIN_NAME} in the bundle cannot be read ({e}).") from None
    if [str(c) for c in df.columns] != recipe.schema.names:
        raise DataError(f"{TRAIN_NAME} in the bundle does not have the columns its recipe describes.")
    train = recipe.schema.coerce(df)
    if recipe.data_sha256 is not None and frame_sha256(train, recipe.schema) != recipe.data_sha256:
        raise DataError(f"{TRAIN_NAME} in the bundle does not match the recipe's fingerprint; it was changed.")
    return train


def _validate(d: Any) -> Recipe:
    from synthlab.generators import get_generator

    if not isinstance(d, dict):
        raise DataError(f"{RECIPE_NAME} must hold a JSON object.")
    version = d.get("format_version")
    if not _is_int(version) or version < 1:
        raise DataError(f"{RECIPE_NAME} has no valid format_version.")
    if version > FORMAT_VERSION:
        raise DataError(f"This bundle was made by a newer SynthLab (format {version}); update SynthLab to replay it.")
    generator = d.get("generator")
    if not isinstance(generator, str) or not generator:
        raise DataError(f"{RECIPE_NAME} does not name a generator.")
    try:
        get_generator(generator)
    except GeneratorError as e:
        raise GeneratorError(f"The bundle asks for a generator this SynthLab does not have. {e}") from None
    params = d.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise DataError(f"'params' in {RECIPE_NAME} must be an object of parameter names to values.")
    try:
        get_generator(generator)(**params)
    except GeneratorError as e:
        raise GeneratorError(f"The bundle's parameters for {generator} are not valid: {e}") from None
    seed, n_rows = d.get("seed"), d.get("n_rows")
    if not _is_int(seed) or not 0 <= seed < 2**32:
        raise DataError(f"'seed' in {RECIPE_NAME} must be a whole number from 0 to 2^32-1.")
    if not _is_int(n_rows) or not 1 <= n_rows <= MAX_ROWS:
        raise DataError(f"'n_rows' in {RECIPE_NAME} must be a whole number from 1 to {MAX_ROWS:,}.")
    if not isinstance(d.get("schema"), dict):
        raise DataError(f"{RECIPE_NAME} has no schema.")
    try:
        schema = Schema.from_dict(d["schema"])
    except SchemaError as e:
        raise SchemaError(f"The bundle's schema is not valid: {e}") from None
    split = d.get("split")
    if split is not None:
        if not isinstance(split, dict):
            raise DataError(f"'split' in {RECIPE_NAME} must be an object or null.")
        share, split_seed = split.get("holdout_share"), split.get("seed", 0)
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1 or not _is_int(split_seed):
            raise DataError(f"'split' in {RECIPE_NAME} needs a holdout_share between 0 and 1 and a whole-number seed.")
    conditions = d.get("conditions") or None
    _check_conditions(conditions, schema)
    rules = d.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise DataError(f"'rules' in {RECIPE_NAME} must be a list of texts.")
    if rules:
        try:
            from synthlab.generators.rules import parse_rules
        except ImportError:
            raise GeneratorError("This bundle uses business rules, which this version of SynthLab cannot replay.") from None
        try:
            parse_rules(rules, schema)
        except SynthLabError as e:
            raise GeneratorError(f"A business rule in the bundle is not valid: {e}") from None
    versions = d.get("library_versions") or {}
    if not isinstance(versions, dict) or not all(v is None or isinstance(v, str) for v in versions.values()):
        raise DataError(f"'library_versions' in {RECIPE_NAME} must map library names to version texts.")
    sha = d.get("data_sha256")
    if sha is not None and (not isinstance(sha, str) or not _SHA256.fullmatch(sha)):
        raise DataError(f"'data_sha256' in {RECIPE_NAME} must be 64 hexadecimal digits.")
    run = d.get("run") or {}
    if not isinstance(run, dict):
        raise DataError(f"'run' in {RECIPE_NAME} must be an object.")
    return Recipe(generator=generator, params=params, seed=seed, n_rows=n_rows, schema=schema, split=split,
                  conditions=conditions, rules=list(rules), library_versions=dict(versions), data_sha256=sha,
                  run=run, format_version=version)


def _check_conditions(conditions: Any, schema: Schema) -> None:
    """Conditions as :class:`synthlab.runner.RunRequest` takes them: ``{"fixed": {column: value}}``
    or ``{"rebalance": {"column": c, "value": v, "share": s}}``; anything else would replay wrongly."""
    if conditions is None:
        return
    bad = DataError(f"'conditions' in {RECIPE_NAME} must be null, {{\"fixed\": {{column: value}}}} or "
                    "{\"rebalance\": {\"column\": ..., \"value\": ..., \"share\": ...}}.")
    if not isinstance(conditions, dict) or not set(conditions) <= {"fixed", "rebalance"}:
        raise bad
    fixed, rebalance = conditions.get("fixed"), conditions.get("rebalance")
    if fixed is not None:
        if not isinstance(fixed, dict):
            raise bad
        columns = list(fixed)
    else:
        columns = []
    if rebalance is not None:
        if not isinstance(rebalance, dict) or not {"column", "value", "share"} <= set(rebalance):
            raise bad
        columns.append(rebalance["column"])
    unknown = [c for c in columns if c not in schema.names]
    if unknown:
        raise DataError(f"The bundle's conditions name columns that are not in its schema: {unknown}.")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# ----- replay ----------------------------------------------------------------------------------------
def training_rows(recipe: Recipe, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows the generator is refitted on: the bundle's own, or rebuilt from the original
    ``data`` with the recorded split and checked against the fingerprint."""
    if recipe.train is not None:
        return recipe.train
    if data is None:
        raise DataError("This bundle does not include the training data; give the original data file "
                        "(--data) to replay it.")
    schema = recipe.schema
    if [str(c) for c in data.columns] != schema.names:
        raise DataError("The data given does not have the columns this bundle's schema describes.")
    frame = schema.coerce(data.set_axis(schema.names, axis=1)).reset_index(drop=True)
    if recipe.split is not None:
        from synthlab.split import train_holdout_split

        frame, _, _ = train_holdout_split(frame, schema, holdout_share=float(recipe.split["holdout_share"]),
                                          seed=int(recipe.split.get("seed", 0)))
    if recipe.data_sha256 is not None and frame_sha256(frame, schema) != recipe.data_sha256:
        raise DataError("The data given is not the data this run was fitted on (its fingerprint differs); "
                        "use the original file, unchanged.")
    return frame


def replay(recipe: Recipe, data: pd.DataFrame | None = None, warn: bool = True,
           on_progress: ProgressCallback | None = None) -> pd.DataFrame:
    """Refit the recipe's generator on its training rows and sample its rows with its seed,
    through :mod:`synthlab.runner` (conditions and rules included), exactly as the run did.

    Same library versions give identical rows; other versions are warned about (``VersionWarning``,
    shown on stderr) unless ``warn`` is False.
    """
    if warn:
        for note in version_differences(recipe):
            warnings.warn(note[0].upper() + note[1:], VersionWarning, stacklevel=2)
    from synthlab.runner import RunRequest, fitted_generator, sample_valid

    train = training_rows(recipe, data)
    request = RunRequest(generator=recipe.generator, params=dict(recipe.params), n_rows=recipe.n_rows,
                         seed=recipe.seed, conditions=recipe.conditions, rules=list(recipe.rules))
    try:
        generator = fitted_generator(request, train, recipe.schema, scaled(on_progress, 0.0, 0.9))
        report(on_progress, 0.9, f"Sampling {recipe.n_rows:,} rows")
        rows = sample_valid(generator, request, recipe.schema)
    except ImportError:
        what = "conditions" if recipe.conditions else "business rules"
        raise GeneratorError(f"This bundle uses {what}, which this version of SynthLab cannot replay.") from None
    report(on_progress, 1.0, "Done")
    return rows
