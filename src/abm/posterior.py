"""The posterior as data: a folder of weighted particles that every face can read as an input.

A posterior folder (what ``abm calibrate`` writes) holds::

    posterior.parquet   one row per particle: one column per parameter the posterior sets
                        (estimated and nuisance), ``weight`` (sums to 1), and any other
                        columns the calibration keeps (``distance``, ``seed``)
    manifest.json       {"model", "params": [the parameter columns], "git_commit", ...}
                        (the full list of keys is in docs/ODD.md, "Estimation")

This module owns that format: ``write_posterior`` writes the two files atomically,
``load_posterior`` reads and checks them, and ``Posterior`` is the one way the rest of the
package uses a posterior:

* ``draw(seed)``: one parameter set, particle *i* chosen with probability ``w_i``, a pure
  function of the seed. The choice uses its own random stream,
  ``default_rng([seed, STREAM])``, so it is independent of the stream the run itself draws
  from ``seed``: a run's draw and its dynamics do not share random numbers.
* ``sample(n, seed)``: ``n`` parameter sets by *systematic* resampling (one uniform
  ``u ~ U[0, 1/n)``, pointers ``u + k/n`` on the cumulative weights), then shuffled. Each
  particle appears ``floor(n w_i)`` or ``ceil(n w_i)`` times - unbiased like multinomial
  resampling, with far less Monte Carlo noise (Douc, Cappé & Moulines 2005), which matters
  when a sweep takes about as many draws as there are particles. The shuffle (same stream)
  makes any prefix of the sample a fair sub-sample too.
* ``reweight(log_ratio)``: importance reweighting for prior sensitivity,
  ``w'_i ∝ w_i exp(log_ratio_i)`` with ``log_ratio_i = log p_new(θ_i) - log p_old(θ_i)``;
  ``ess`` = ``1 / Σ w_i²`` (Kish) says how many particles still carry the result.
* ``summary()`` / ``quantiles(q)``: weighted mean, sd and quantiles per parameter. A weighted
  quantile is the smallest particle value whose cumulative weight reaches ``q`` (the
  inverse of the weighted empirical CDF; no interpolation between particles).

Values handed to a model are plain Python values of the parameter's kind (an ``int`` for an
integer parameter, rounded to the nearest integer if the calibration stored it as a float),
read from the model's ``ParamSet`` through the catalogue; every particle is checked against
the parameter's declared range when the folder is loaded, so a draw is always a valid run.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm import catalog
from abm.errors import ParameterError
from abm.jsonout import dumps
from abm.schedule import is_dated, scale_schedule

PARTICLES = "posterior.parquet"
MANIFEST = "manifest.json"
WEIGHT = "weight"
#: Keys every posterior manifest must hold (the rest are the calibration's record).
REQUIRED_KEYS = ("model", "params")
#: The posterior's own random stream: ``default_rng([seed, STREAM])``. A fixed constant
#: ("POST" in ASCII), so a draw is a pure function of the seed and independent of the run's
#: own stream ``default_rng(seed)``.
STREAM = 0x504F5354
#: The summary table's quantiles.
SUMMARY_QUANTILES = (0.05, 0.5, 0.95)


# ------------------------------------------------------------------------------ weights
def normalised_weights(weights: Any, n: int, where: str = "weights") -> np.ndarray:
    """``weights`` as float64 summing to 1; ParameterError unless there are ``n`` finite,
    non-negative weights with a positive sum."""
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != n:
        raise ParameterError(where, f"{w.size} weights", f"one weight per particle ({n})")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise ParameterError(where, f"{w[i]!r} at particle {i}", "finite weights >= 0")
    total = w.sum()
    if not total > 0:
        raise ParameterError(where, "all zero", "at least one positive weight")
    return w / total


def ess(weights: np.ndarray) -> float:
    """Kish's effective sample size ``1 / Σ w_i²`` of normalised weights."""
    return float(1.0 / np.sum(np.square(weights)))


# ------------------------------------------------------------------------------ writing
def write_posterior(
    out: str | Path,
    particles: pd.DataFrame,
    weights: Any,
    manifest: Mapping[str, Any],
) -> Path:
    """Write ``out/posterior.parquet`` and ``out/manifest.json``; returns ``out``.

    ``particles`` holds one row per particle: every parameter named in
    ``manifest["params"]`` as a column, plus any other columns to keep (``distance``,
    ``seed``); it must not hold a ``weight`` column (the weights are passed apart and
    stored normalised). Each file is written under a temporary name in ``out`` and renamed
    into place (``os.replace``), the particles first, so a reader never sees half a file.
    Refuses (ParameterError) mismatched lengths, bad weights, a manifest without model or
    params, and params that are not columns.
    """
    out = Path(out)
    if not isinstance(particles, pd.DataFrame):
        raise ParameterError("particles", type(particles).__name__, "a pandas DataFrame")
    if WEIGHT in particles.columns:
        raise ParameterError(
            "particles", WEIGHT, "no 'weight' column (pass the weights as `weights`)"
        )
    if len(particles) == 0:
        raise ParameterError("particles", "0 rows", "at least one particle")
    w = normalised_weights(weights, len(particles))
    if not isinstance(manifest, Mapping):
        raise ParameterError("manifest", type(manifest).__name__, "a mapping")
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if missing:
        raise ParameterError("manifest", f"no {missing[0]!r}", "keys " + ", ".join(REQUIRED_KEYS))
    params = _param_list(manifest["params"], "manifest.params")
    absent = [p for p in params if p not in particles.columns]
    if absent:
        raise ParameterError(
            "manifest.params", absent[0], "names of particle columns: " + ", ".join(particles)
        )
    frame = particles.reset_index(drop=True).copy()
    frame[WEIGHT] = w
    text = dumps(dict(manifest), indent=2, default=_json_default) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    _atomic(out / PARTICLES, lambda tmp: frame.to_parquet(tmp, index=False))
    _atomic(out / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return out


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _param_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ParameterError(where, value, "a non-empty list of parameter names")
    if not all(isinstance(v, str) and v for v in value):
        raise ParameterError(where, value, "parameter names (strings)")
    if len(set(value)) != len(value):
        raise ParameterError(where, value, "distinct parameter names")
    return list(value)


# ------------------------------------------------------------------------------ loading
def load_posterior(folder: str | Path, field: str = "posterior") -> Posterior:
    """Read and check a posterior folder. ParameterError (``field``: the option or spec
    key that named the folder) names the folder and what is missing or wrong: the folder,
    a file, a manifest key, a parameter column, a model or parameter the catalogue does not
    know, a weight, or a particle value outside its parameter's range."""
    folder = Path(folder)
    where = str(folder)
    if not folder.is_dir():
        raise ParameterError(field, where, "an existing posterior folder (no such folder)")
    mpath, ppath = folder / MANIFEST, folder / PARTICLES
    for path in (mpath, ppath):
        if not path.is_file():
            raise ParameterError(
                field,
                where,
                f"a posterior folder holding {MANIFEST} and {PARTICLES} (missing: {path.name})",
            )
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(field, str(mpath), f"a readable JSON manifest ({exc})") from None
    if not isinstance(manifest, dict):
        raise ParameterError(field, str(mpath), "a JSON object")
    for key in REQUIRED_KEYS:
        if key not in manifest:
            raise ParameterError(field, str(mpath), f"a manifest with key {key!r} (missing)")
    params = _param_list(manifest["params"], f"{mpath}: params")
    try:
        frame = pd.read_parquet(ppath)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same refusal
        raise ParameterError(
            field, str(ppath), f"a readable Parquet file ({type(exc).__name__}: {exc})"
        ) from None
    for column in (*params, WEIGHT):
        if column not in frame.columns:
            raise ParameterError(
                field, str(ppath), f"a column {column!r} (missing; it has {', '.join(frame)})"
            )
    if len(frame) == 0:
        raise ParameterError(field, str(ppath), "at least one particle (it has none)")
    weights = normalised_weights(frame[WEIGHT].to_numpy(), len(frame), f"{ppath}: weight")
    post = Posterior(frame.reset_index(drop=True), weights, manifest, folder)
    post.check(field)
    return post


# ------------------------------------------------------------------------------ posterior
@dataclass
class Resolution:
    """A draw split by what a run does with each value (``Posterior.resolve``)."""

    applied: dict[str, Any] = field(default_factory=dict)
    kept_by_scenario: list[str] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)
    dated_only: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Posterior:
    """Weighted particles of one model's parameters (see the module's docstring).

    ``frame`` is the whole particle table (parameters, ``weight``, extra columns);
    ``weights`` the normalised weights used for every draw (after ``reweight``, the new
    ones); ``manifest`` the calibration's record; ``folder`` where it was read from.
    """

    frame: pd.DataFrame
    weights: np.ndarray
    manifest: dict[str, Any]
    folder: Path | None = None
    _kinds: dict[str, str] = field(default_factory=dict, repr=False)

    # -- identity ---------------------------------------------------------------------
    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def names(self) -> list[str]:
        """The parameters the posterior sets, in the manifest's order."""
        return list(self.manifest["params"])

    @property
    def params(self) -> pd.DataFrame:
        """The parameter columns only, one row per particle."""
        return self.frame[self.names]

    @property
    def ess(self) -> float:
        """Kish's effective sample size of the weights, ``1 / Σ w²``."""
        return ess(self.weights)

    def __len__(self) -> int:
        return len(self.frame)

    def describe(self) -> dict[str, Any]:
        """Which posterior this is, for a run's or a sweep's record."""
        return {
            "path": None if self.folder is None else str(self.folder),
            "model": self.model,
            "git_commit": self.manifest.get("git_commit"),
            "particles": len(self),
            "ess": round(self.ess, 3),
        }

    def check(self, field: str = "posterior") -> None:
        """Every parameter known to the model (through the catalogue) and every particle
        value valid for it; integer parameters hold integers (after rounding)."""
        where = str(self.folder) if self.folder is not None else "posterior"
        try:
            pset = catalog.get(self.model).params
        except ParameterError as exc:
            raise ParameterError(
                field, where, f"a posterior of a catalogued model ({exc})"
            ) from None
        for name in self.names:
            if name not in pset:
                raise ParameterError(
                    field, where, f"parameters of model {self.model!r} ({name!r} is not one)"
                )
            param = pset[name]
            self._kinds[name] = param.kind
            bad = _first_invalid(param, self.frame[name], self._value)
            if bad is not None:
                i, raw = bad
                raw = raw.item() if isinstance(raw, np.generic) else raw
                raise ParameterError(
                    field,
                    where,
                    f"valid values of {name!r} ({param.allowed()}); particle {i} has {raw!r}",
                )

    # -- in another scenario ----------------------------------------------------------
    @cached_property
    def dated(self) -> frozenset[str]:
        """Parameters the fitted scenario sets as dated schedules (the history's
        election-week legitimacy shock): their draws are the size of a dated event, which
        the calibration put in place of the schedule's largest level
        (``abm.schedule.scale_schedule``)."""
        name = self.manifest.get("scenario")
        if name is None:
            return frozenset()
        base = catalog.get(self.model).scenario(str(name)).params
        return frozenset(n for n in self.names if is_dated(base.get(n)))

    def resolve(
        self, draw: Mapping[str, Any], scenario: Mapping[str, Any], taken: Iterable[str] = ()
    ) -> Resolution:
        """What a run in a scenario with parameters ``scenario`` takes from ``draw`` when
        the caller sets ``taken`` itself (``--set``, a sweep's ``[fixed]``/``[vary]``).

        Lowest first: defaults < the draw < the scenario's own values < ``taken``. Except
        for a parameter fitted as a dated event (``dated``): where the scenario dates the
        same event, the draw scales it as in the calibration; where it does not, the draw
        is not used at all (a 2020 shock size applied as a constant from week 0 would count
        2020 twice in the late-2022 scenarios, whose legacy parameters already hold it)."""
        taken = set(taken)
        out = Resolution()
        for name, value in draw.items():
            base = scenario.get(name)
            if name in taken:
                out.overridden.append(name)
            elif name in self.dated and is_dated(base):
                out.applied[name] = scale_schedule(base, float(value))
            elif name in self.dated:
                out.dated_only.append(name)
            elif name in scenario:
                out.kept_by_scenario.append(name)
            else:
                out.applied[name] = value
        return out

    # -- values -----------------------------------------------------------------------
    def _value(self, name: str, raw: Any) -> Any:
        """A stored value as a plain Python value of the parameter's kind."""
        kind = self._kinds.get(name, "float")
        if isinstance(raw, np.generic):
            raw = raw.item()
        if kind in ("int", "int_or_inf"):
            if isinstance(raw, float) and math.isfinite(raw):
                return int(round(raw))
            return int(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
        if kind == "bool":
            return bool(raw)
        if kind == "float" and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if kind == "schedule" and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        return raw

    @cached_property
    def _rows(self) -> list[dict[str, Any]]:
        if not self._kinds:  # built directly, not by load_posterior: check it first
            self.check()
        names = self.names
        columns = [[self._value(n, v) for v in self.frame[n].tolist()] for n in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    def particle(self, i: int) -> dict[str, Any]:
        """Particle ``i``'s parameter set (plain Python values; a fresh dict)."""
        return dict(self._rows[int(i)])

    # -- drawing ----------------------------------------------------------------------
    def _cumulative(self) -> tuple[np.ndarray, int]:
        cum = np.cumsum(self.weights)
        last = int(np.flatnonzero(self.weights > 0)[-1])  # a pointer past the end lands here
        return cum, last

    def draw_index(self, seed: int) -> int:
        """The particle ``draw(seed)`` returns: index i with probability ``w_i``."""
        rng = np.random.default_rng([int(seed), STREAM])
        cum, last = self._cumulative()
        u = rng.random() * cum[-1]
        return min(int(np.searchsorted(cum, u, side="right")), last)

    def draw(self, seed: int) -> dict[str, Any]:
        """One parameter set chosen by weight; a pure function of ``seed``."""
        return self.particle(self.draw_index(seed))

    def sample_indices(self, n: int, seed: int) -> np.ndarray:
        """Particle indices of ``sample(n, seed)`` (systematic resampling, then shuffled)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ParameterError("n", n, "an integer >= 1")
        rng = np.random.default_rng([int(seed), STREAM])
        cum, last = self._cumulative()
        pointers = (rng.random() + np.arange(n)) / n * cum[-1]
        idx = np.minimum(np.searchsorted(cum, pointers, side="right"), last)
        return rng.permutation(idx)

    def sample(self, n: int, seed: int) -> list[dict[str, Any]]:
        """``n`` weighted parameter sets, deterministic in ``seed`` (systematic resampling:
        each particle ``floor(n w)`` or ``ceil(n w)`` times; see the module docstring)."""
        return [self.particle(i) for i in self.sample_indices(n, seed)]

    # -- reweighting and summaries ------------------------------------------------------
    def reweight(self, log_ratio: Any) -> Posterior:
        """The posterior under another prior: ``w' ∝ w · exp(log_ratio)``, where
        ``log_ratio_i = log p_new(θ_i) - log p_old(θ_i)`` (``-inf``: outside the new prior's
        support). The particles and manifest are shared; check ``.ess`` of the result."""
        lr = np.asarray(log_ratio, dtype=float).ravel()
        if lr.size != len(self):
            raise ParameterError(
                "log_ratio", f"{lr.size} values", f"one per particle ({len(self)})"
            )
        if np.any(np.isnan(lr) | (lr == np.inf)):
            raise ParameterError("log_ratio", "NaN or +inf", "finite values or -inf")
        if not np.any(np.isfinite(lr) & (self.weights > 0)):
            raise ParameterError("log_ratio", "-inf at every weighted particle", "some support")
        live = self.weights > 0  # a particle of weight 0 stays at 0 whatever its ratio
        top = np.max(lr[np.isfinite(lr) & live])
        w = np.zeros(len(self))
        w[live] = self.weights[live] * np.exp(lr[live] - top)  # shifted: no overflow
        return Posterior(
            self.frame,
            normalised_weights(w, len(self), "reweighted weights"),
            self.manifest,
            self.folder,
            dict(self._kinds),
        )

    def _numeric_names(self) -> list[str]:
        return [n for n in self.names if pd.api.types.is_numeric_dtype(self.frame[n])]

    def quantiles(self, q: float | Sequence[float]) -> pd.DataFrame:
        """Weighted quantiles: one row per ``q``, one column per numeric parameter."""
        qs = [float(x) for x in np.atleast_1d(q)]
        if any(not 0 <= x <= 1 for x in qs):
            raise ParameterError("q", q, "probabilities in [0, 1]")
        out = {
            n: _weighted_quantiles(_numeric(self.frame[n]), self.weights, qs)
            for n in self._numeric_names()
        }
        return pd.DataFrame(out, index=pd.Index(qs, name="q"))

    def summary(self) -> pd.DataFrame:
        """Per numeric parameter: weighted mean, sd, and the 5 / 50 / 95 % quantiles."""
        rows = {}
        for n in self._numeric_names():
            x = _numeric(self.frame[n])
            mean = float(np.sum(self.weights * x))
            sd = float(np.sqrt(np.sum(self.weights * (x - mean) ** 2)))
            q = _weighted_quantiles(x, self.weights, SUMMARY_QUANTILES)
            rows[n] = {"mean": mean, "sd": sd, "q05": q[0], "q50": q[1], "q95": q[2]}
        return pd.DataFrame.from_dict(rows, orient="index")


#: Kinds whose stored values are numbers checked against [low, high] in one pass.
NUMERIC_KINDS = ("float", "int", "int_or_inf", "schedule")


def _first_invalid(param, column: pd.Series, value) -> tuple[int, Any] | None:
    """(row, stored value) of the first particle whose value ``param`` refuses, or None.
    Numeric columns are checked in one pass (finite, integral after rounding for integer
    kinds, inside [low, high]); any other column value by value through ``param.coerce``."""
    if param.kind in NUMERIC_KINDS and pd.api.types.is_numeric_dtype(column):
        if pd.api.types.is_bool_dtype(column):
            return 0, column.iloc[0]
        x = column.to_numpy(dtype=float)
        if param.kind in ("int", "int_or_inf"):
            x = np.rint(x)
        bad = ~np.isfinite(x)
        if param.low is not None:
            bad |= x < param.low
        if param.high is not None:
            bad |= x > param.high
        hits = np.flatnonzero(bad)
        return None if not hits.size else (int(hits[0]), column.iloc[int(hits[0])])
    for i, raw in enumerate(column.tolist()):
        try:
            param.coerce(value(param.name, raw))
        except (ParameterError, TypeError, ValueError):
            return i, raw
    return None


def _numeric(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=float)


def _weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: Sequence[float]) -> list[float]:
    """The smallest x whose cumulative weight reaches q, for each q."""
    order = np.argsort(x, kind="stable")
    xs, cum = x[order], np.cumsum(w[order])
    keep = w[order] > 0
    xs, cum = xs[keep], cum[keep]
    idx = np.searchsorted(cum, np.asarray(qs) * cum[-1] * (1 - 1e-12), side="left")
    return [float(xs[min(i, len(xs) - 1)]) for i in idx]
