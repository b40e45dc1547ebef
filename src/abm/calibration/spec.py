"""A calibration as data: which model, which patterns, which parameters, which tolerances.

A spec is a TOML file (``experiments/calibration.toml``) or a dict; ``read_spec`` and
``CalibrationSpec.from_dict`` check every field against the model's catalogue entry (its
``ParamSet``, its priors, its scenarios, its targets) before any work, and raise
``ParameterError(field, value, allowed)`` naming the first bad one::

    name = "belarus_fit_2022"
    model = "belarus"
    scenario = "history"
    period = "fit"                      # the Target's period: fit, holdout or all
    estimate = ["legitimacy_shock", ...]  # 1..8 parameters, each with a prior
    bounds = { threshold = [0.05, 0.2] }  # optional narrowing inside the prior
    nuisance = "prior"                  # the other priored parameters: "prior" or "default"
    fixed = { n_citizens = 10000 }      # optional overrides (never estimated, never drawn)
    hard = [...]                        # optional: the Target's hard constraints
    exclude = [...]                     # optional: patterns left out of the Target
    seed = 2022
    [abc]
    population = 200                    # accepted particles per generation
    generations = 8                     # at most this many generations
    max_simulations = 10000             # ... and at most this many model runs
    min_epsilon = 0.0                   # stop once epsilon is at or below this
    p = 2                               # the distance's p-norm over the discrepancies
    quantile = 0.5                      # epsilon(t) = this quantile of t-1's distances
    workers = 2                         # local processes (1: one process, reproducible)

One seed per particle: ``seed_for(theta)`` hashes the particle's values (their float bits)
with the spec's seed, and ``params_for(theta, seed)`` gives the run's parameters - scenario,
fixed values, the nuisance draws (from the priors, with a generator seeded by the
particle's seed) and theta - so every simulation is a pure function of theta.

A parameter whose scenario value is a dated schedule (the history's ``legitimacy_shock``:
0 before the election, 0.25 from its week) keeps its dates when drawn or estimated: the
value sets the schedule's largest level and the other levels scale with it. A constant or
a parameter the scenario does not set is replaced by the value.
"""

from __future__ import annotations

import hashlib
import math
import struct
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from abm import limits
from abm.errors import ParameterError
from abm.schedule import scale_schedule

#: The most parameters an ABC-SMC of this size can estimate (issue 13: at most ~8).
MAX_ESTIMATED = 8
#: How the parameters with a prior that are neither estimated nor fixed are set.
NUISANCE = ("prior", "default")
TOP_KEYS = (
    "name",
    "description",
    "model",
    "scenario",
    "period",
    "estimate",
    "bounds",
    "nuisance",
    "fixed",
    "hard",
    "exclude",
    "seed",
    "imports",
    "abc",
)
ABC_DEFAULTS: dict[str, Any] = {
    "population": 200,
    "generations": 8,
    "max_simulations": 10_000,
    "min_epsilon": 0.0,
    "p": 2.0,
    "quantile": 0.5,
    "workers": 2,
}
#: The nuisance draws' stream: ``default_rng([particle seed, NUISANCE_STREAM])``, apart
#: from the run's own streams (which the model derives from the seed alone).
NUISANCE_STREAM = 0x6E75_6973  # "nuis"


@dataclass(frozen=True)
class AbcSettings:
    """The ABC-SMC tolerances and size (the spec's ``[abc]`` table)."""

    population: int = 200
    generations: int = 8
    max_simulations: int = 10_000
    min_epsilon: float = 0.0
    p: float = 2.0
    quantile: float = 0.5
    workers: int = 2

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ABC_DEFAULTS}


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration spec (module docstring). Build with ``from_dict``."""

    model: str
    estimate: tuple[str, ...]
    name: str = "calibration"
    description: str = ""
    scenario: str | None = None
    period: str = "fit"
    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    nuisance: str = "prior"
    fixed: Mapping[str, Any] = field(default_factory=dict)
    hard: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    seed: int = 0
    imports: tuple[str, ...] = ()
    abc: AbcSettings = field(default_factory=AbcSettings)
    #: the catalogue's priors and scenario values, looked up once per spec object
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalibrationSpec:
        """Build and validate a spec from plain data (a parsed TOML file, a manifest)."""
        if not isinstance(data, Mapping):
            raise ParameterError("spec", data, "a table of fields")
        unknown = [k for k in data if k not in TOP_KEYS]
        if unknown:
            raise ParameterError(
                unknown[0], data[unknown[0]], "a spec field: " + ", ".join(TOP_KEYS)
            )
        if "model" not in data:
            from abm import catalog

            raise ParameterError("model", None, "a catalogued model: " + ", ".join(catalog.names()))
        if "estimate" not in data:
            raise ParameterError("estimate", None, "a list of 1 to 8 parameter names")
        d = dict(data)
        d["abc"] = _check_abc(d.get("abc", {}))
        return _validated(d)

    # -- canonical form -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The canonical, JSON- and TOML-ready form (stored in the manifest)."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "model": self.model,
            "scenario": self.scenario,
            "period": self.period,
            "estimate": list(self.estimate),
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "nuisance": self.nuisance,
            "fixed": dict(self.fixed),
            "seed": self.seed,
            "imports": list(self.imports),
            "abc": self.abc.to_dict(),
        }
        if self.hard is not None:
            out["hard"] = list(self.hard)
        if self.exclude is not None:
            out["exclude"] = list(self.exclude)
        if self.scenario is None:
            del out["scenario"]
        return out

    # -- the model, through the catalogue -------------------------------------------------

    def entry(self):
        from abm import catalog

        return catalog.get(self.model)

    def target(self):
        """The model's Target for this spec's period, hard constraints and exclusions."""
        options: dict[str, Any] = {"period": self.period}
        if self.hard is not None:
            options["hard"] = self.hard
        if self.exclude is not None:
            options["exclude"] = self.exclude
        return self.entry().targets(**options)

    def _table(self):
        if "priors" not in self._cache:
            self._cache["priors"] = self.entry().priors()
        return self._cache["priors"]

    def _base(self) -> Mapping[str, Any]:
        if "base" not in self._cache:
            sc = self.scenario
            self._cache["base"] = self.entry().scenario(sc).params if sc is not None else {}
        return self._cache["base"]

    def priors(self):
        """The estimated parameters' priors, narrowed to ``bounds``, in ``estimate`` order."""
        table = self._table()
        out = []
        for name in self.estimate:
            p = table[name]
            if name in self.bounds:
                low, high = self.bounds[name]
                p = replace(p, low=low, high=high)
            out.append(p)
        return tuple(out)

    def nuisance_priors(self):
        """The priors of the parameters drawn per particle (none with ``nuisance="default"``):
        every priored parameter neither estimated nor fixed, in the prior file's order."""
        if self.nuisance != "prior":
            return ()
        skip = set(self.estimate) | set(self.fixed)
        return tuple(p for p in self._table() if p.name not in skip)

    # -- one seed and one parameter set per particle --------------------------------------

    def seed_for(self, theta: Mapping[str, float]) -> int:
        """The particle's seed: blake2b of the spec's seed and theta's values (float64 bits,
        in ``estimate`` order), as a 63-bit integer. A pure function of theta."""
        h = hashlib.blake2b(digest_size=8)
        h.update(struct.pack("<q", self.seed))
        for name in self.estimate:
            h.update(name.encode())
            h.update(struct.pack("<d", float(theta[name])))
        return int.from_bytes(h.digest(), "little") >> 1

    def nuisance_for(self, seed: int) -> dict[str, float | int]:
        """The nuisance draws of the particle with ``seed`` (each from its prior)."""
        priors = self.nuisance_priors()
        if not priors:
            return {}
        u = np.random.default_rng([seed, NUISANCE_STREAM]).random(len(priors))
        return {p.name: _value(p, p.from_unit(u[j])) for j, p in enumerate(priors)}

    def params_for(self, theta: Mapping[str, float], seed: int) -> dict[str, Any]:
        """What ``abm.runner.run`` gets for the particle ``theta`` run with ``seed``:
        scenario, fixed values, nuisance draws, theta (integer parameters rounded)."""
        table = self._table()
        values: dict[str, Any] = dict(self.nuisance_for(seed))
        for name in self.estimate:
            values[name] = _value(table[name], theta[name])
        return self.run_params(values)

    def run_params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """What ``abm.runner.run`` gets for a full set of drawn ``values`` (a particle's, or a
        posterior draw's): scenario, fixed values, then the values; a value the scenario
        holds as a dated schedule scales that schedule (``scale_schedule``); ``fixed`` wins
        over a value for the same parameter."""
        base = self._base()
        out: dict[str, Any] = {}
        if self.scenario is not None:
            out["scenario"] = self.scenario
        out.update(self.fixed)
        for name, value in values.items():
            if name not in self.fixed:
                out[name] = scale_schedule(base.get(name), value)
        return out


def _value(prior, x: Any) -> float | int:
    """``x`` as the value a run gets: inside the prior (10**log10(high) can overshoot high
    by an ulp) and rounded for an integer parameter."""
    x = float(np.asarray(x))
    if prior.integer:
        return int(np.clip(np.rint(x), math.ceil(prior.low), math.floor(prior.high)))
    return float(min(max(x, prior.low), prior.high))


def read_spec(path: str | Path) -> CalibrationSpec:
    """Read and validate a TOML calibration spec."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("SPEC", str(p), "an existing TOML file") from None
    except UnicodeDecodeError as exc:
        raise ParameterError("SPEC", str(p), f"a UTF-8 text file ({exc.reason})") from None
    except OSError as exc:
        raise ParameterError("SPEC", str(p), f"a readable TOML file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("SPEC", str(p), f"valid TOML ({exc})") from None
    return CalibrationSpec.from_dict(data)


# -- checks ---------------------------------------------------------------------------------


def _validated(d: dict[str, Any]) -> CalibrationSpec:
    from abm import catalog
    from abm.sweep.spec import _import_modules, normalise

    imports = d.get("imports", ())
    _import_modules(imports)
    model = _text("model", d["model"])
    entry = catalog.get(model)  # ParameterError naming the known models
    params = entry.params
    priors = entry.priors()
    if priors is None:
        raise ParameterError("model", model, "a model with priors (its catalogue priors_ref)")
    scenario = d.get("scenario")
    if scenario is not None:
        scenario = _text("scenario", scenario)
        entry.scenario(scenario)  # ParameterError naming the known scenarios

    est = d["estimate"]
    if isinstance(est, str) or not isinstance(est, Sequence) or not est:
        raise ParameterError("estimate", est, f"a list of 1 to {MAX_ESTIMATED} parameter names")
    if len(est) > MAX_ESTIMATED:
        raise ParameterError("estimate", list(est), f"at most {MAX_ESTIMATED} parameters")
    if len(set(est)) != len(est):
        raise ParameterError("estimate", list(est), "distinct names")
    for name in est:
        if not isinstance(name, str) or name not in params:
            raise ParameterError(
                "estimate", name, f"a parameter of {model} ({_hint(params, name)})"
            )
        if name not in priors.names:
            raise ParameterError(
                "estimate", name, f"a parameter with a prior ({priors.origin or 'the priors'})"
            )

    fixed = d.get("fixed", {})
    if not isinstance(fixed, Mapping):
        raise ParameterError("fixed", fixed, "a table NAME = VALUE")
    norm_fixed = {}
    for name, value in fixed.items():
        if name not in params:
            raise ParameterError(
                f"fixed.{name}", value, f"a parameter of {model} ({_hint(params, name)})"
            )
        if name in est:
            raise ParameterError(f"fixed.{name}", value, "a parameter that is not also estimated")
        try:
            norm_fixed[name] = normalise(params[name], value)
        except ParameterError as exc:
            raise ParameterError(f"fixed.{name}", value, exc.allowed) from None

    bounds = d.get("bounds", {})
    if not isinstance(bounds, Mapping):
        raise ParameterError("bounds", bounds, "a table NAME = [low, high]")
    norm_bounds: dict[str, tuple[float, float]] = {}
    for name, b in bounds.items():
        f = f"bounds.{name}"
        if name not in est:
            raise ParameterError(f, b, "bounds only for an estimated parameter: " + ", ".join(est))
        if (
            isinstance(b, str)
            or not isinstance(b, Sequence)
            or len(b) != 2
            or not all(_is_number(x) for x in b)
        ):
            raise ParameterError(f, b, "[low, high], two finite numbers")
        low, high = float(b[0]), float(b[1])
        p = priors[name]
        if not p.low <= low < high <= p.high:
            raise ParameterError(f, list(b), f"low < high inside the prior [{p.low:g}, {p.high:g}]")
        norm_bounds[name] = (low, high)

    nuisance = d.get("nuisance", "prior")
    if nuisance not in NUISANCE:
        raise ParameterError("nuisance", nuisance, "one of " + ", ".join(NUISANCE))
    hard = _names("hard", d["hard"]) if "hard" in d else None
    exclude = _names("exclude", d["exclude"]) if "exclude" in d else None
    period = _text("period", d.get("period", "fit"))
    seed = limits.check_seed("seed", d.get("seed", 0))

    spec = CalibrationSpec(
        model=model,
        estimate=tuple(est),
        name=_text("name", d.get("name", "calibration")),
        description=str(d.get("description", "")),
        scenario=scenario,
        period=period,
        bounds=norm_bounds,
        nuisance=nuisance,
        fixed=norm_fixed,
        hard=hard,
        exclude=exclude,
        seed=seed,
        imports=tuple(imports),
        abc=d["abc"],
    )
    _check_target(spec)
    # every value a particle can take must pass the ParamSet: the scenario + fixed values and
    # the priors' corners (checked once here, so a run never fails on a refused value)
    for u in (0.0, 1.0):
        theta = {p.name: p.from_unit(u) for p in spec.priors()}
        try:
            params_to_check = spec.params_for(theta, 0)
            from abm.runner import prepare

            prepare(model, params_to_check)
        except ParameterError as exc:
            field_ = f"fixed.{exc.field}" if exc.field in norm_fixed else exc.field
            raise ParameterError(field_, exc.value, exc.allowed) from None
    return spec


def _check_target(spec: CalibrationSpec) -> None:
    try:
        target = spec.target()
    except ParameterError:
        raise
    except (ValueError, KeyError) as exc:
        if spec.hard and "hard" in str(exc):
            raise ParameterError("hard", list(spec.hard), f"0/1 facts only ({exc})") from None
        raise ParameterError(
            "period", spec.period, f"a period of {spec.model}'s targets ({exc})"
        ) from None
    if target is None:
        raise ParameterError("model", spec.model, "a model with observed patterns (targets_ref)")
    if not len(tuple(target.keys)):
        raise ParameterError(
            "period", spec.period, "a period with at least one statistic (no patterns observed)"
        )
    # a pattern named in hard or exclude must exist (a typo would silently do nothing)
    if (spec.hard or spec.exclude) and hasattr(target, "rows"):
        whole = replace(spec, exclude=(), _cache={}).target() if spec.exclude else target
        known = {r.get("pattern") for r in whole.rows()} - {None}
        for key, names in (("hard", spec.hard or ()), ("exclude", spec.exclude or ())):
            for name in names:
                if known and name not in known:
                    raise ParameterError(
                        key,
                        name,
                        f"a pattern of the {spec.period} period: " + ", ".join(sorted(known)),
                    )


def _check_abc(table: Any) -> AbcSettings:
    if not isinstance(table, Mapping):
        raise ParameterError("abc", table, "a table of " + ", ".join(ABC_DEFAULTS))
    bad = [k for k in table if k not in ABC_DEFAULTS]
    if bad:
        raise ParameterError(f"abc.{bad[0]}", table[bad[0]], "one of " + ", ".join(ABC_DEFAULTS))
    t = {**ABC_DEFAULTS, **table}
    population = limits.check_int("abc.population", t["population"], 1, 1_000_000)
    generations = limits.check_int("abc.generations", t["generations"], 1, 1_000)
    max_sims = limits.check_int("abc.max_simulations", t["max_simulations"], 1, limits.MAX_RUNS)
    workers = limits.check_int("abc.workers", t["workers"], 1, limits.MAX_WORKERS)
    min_eps = t["min_epsilon"]
    if not _is_number(min_eps) or min_eps < 0:
        raise ParameterError("abc.min_epsilon", min_eps, "a finite number >= 0")
    p = t["p"]
    if not (_is_number(p) or p == math.inf) or p <= 0:
        raise ParameterError("abc.p", p, "a number > 0 (2: Euclidean; inf: the largest)")
    q = t["quantile"]
    if not _is_number(q) or not 0 < q < 1:
        raise ParameterError("abc.quantile", q, "a number strictly between 0 and 1")
    return AbcSettings(
        population, generations, max_sims, float(min_eps), float(p), float(q), workers
    )


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, int | float) and math.isfinite(x)


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, "a non-empty string")
    return value.strip()


def _names(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ParameterError(name, value, "a list of pattern names")
    for v in value:
        if not isinstance(v, str) or not v:
            raise ParameterError(name, v, "a pattern name")
    return tuple(value)


def _hint(params, name: Any) -> str:
    import difflib

    close = difflib.get_close_matches(str(name), [p.name for p in params], n=3)
    return ("did you mean " + ", ".join(close) + "?") if close else "see `abm params`"
