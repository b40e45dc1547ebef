"""A sweep as data: what to vary, how to sample it, how many replicates, for how long.

The same spec is written as a TOML file under ``experiments/`` or built in Python; both go
through ``SweepSpec.from_dict`` / ``SweepSpec.validated``, which check every field, every
parameter name and every value against the model's ``ParamSet`` before anything runs, and
raise ``ParameterError(field, value, allowed)`` naming what is wrong and what is allowed.

``to_dict()`` gives the canonical form stored in the sweep's manifest; a rerun into the same
folder compares it with the stored one and refuses a different spec.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from abm import limits
from abm.errors import ParameterError
from abm.params import Param
from abm.schedule import Schedule, is_dated, scale_schedule

DESIGN_KINDS = ("grid", "lhs", "sobol", "morris", "posterior")
#: Parameter kinds a numeric range can span (choice and bool need a value list).
RANGE_KINDS = ("float", "int", "schedule", "int_or_inf")

TOP_KEYS = (
    "name",
    "description",
    "model",
    "scenario",
    "steps",
    "replicates",
    "seed",
    "common_random_numbers",
    "keep_series",
    "imports",
    "fixed",
    "vary",
    "design",
)
DESIGN_KEYS = ("kind", "n", "second_order", "levels", "seed", "posterior", "cross")
#: How a range is spaced or sampled: evenly in the value, or evenly in its log10.
SCALES = ("linear", "log")


@dataclass(frozen=True)
class Vary:
    """How one parameter varies: a list of ``values``, or a numeric ``range`` [low, high].

    In a grid a range is cut into ``num`` evenly spaced levels; in the sampled designs
    (lhs, sobol, morris) a range is sampled continuously (rounded for integer parameters)
    and a value list is sampled as a categorical factor. ``scale = "log"`` spaces a range's
    levels, or samples it, evenly in log10: the right reading of a hazard or a capacity
    whose sources agree only on its order of magnitude.
    """

    values: tuple[Any, ...] | None = None
    range: tuple[float, float] | None = None
    num: int | None = None
    scale: str = "linear"

    def to_dict(self) -> dict[str, Any]:
        if self.values is not None:
            return {"values": list(self.values)}
        out: dict[str, Any] = {"range": list(self.range or ())}
        if self.num is not None:
            out["num"] = self.num
        if self.scale != "linear":
            out["scale"] = self.scale
        return out


@dataclass(frozen=True)
class Design:
    """The sampler. ``n``: LHS sample size, Sobol base sample N (a power of 2, giving
    N(2D+2) points with second-order indices, N(D+2) without) or number of Morris
    trajectories (N(D+1) points). ``seed`` seeds the sampler (default: the sweep's seed).

    ``kind = "posterior"``: the points are ``n`` parameter sets drawn by weight from the
    posterior folder ``posterior`` (``abm.posterior``, systematic resampling,
    deterministic in ``seed``); a relative path is read from the working directory. Each
    point sets every parameter the posterior does, except those the scenario, ``[fixed]``
    or ``[vary]`` set (those win, as in ``abm run --posterior``). ``[vary]`` is optional
    and is crossed with the draws as a grid (values lists, or ranges with ``num``): point
    ``i * G + g`` is draw ``i`` at grid combination ``g`` (G combinations), so a lever can
    be compared at the same posterior draws. ``cross = false`` deals the draws out
    instead: point ``i`` is draw ``i`` at combination ``i % G`` (``n`` a multiple of G), so
    every run has a draw of its own, which scenario discovery and given-data sensitivity
    need (a parameter crossed with a grid takes only ``n`` distinct values)."""

    kind: str = "grid"
    n: int | None = None
    second_order: bool = True
    levels: int = 4
    seed: int | None = None
    posterior: str | None = None
    cross: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "posterior":
            out["posterior"] = self.posterior
            if not self.cross:  # only when set, so crossed designs keep their stored form
                out["cross"] = False
        if self.kind in ("lhs", "sobol", "morris", "posterior"):
            out["n"] = self.n
            out["seed"] = self.seed
        if self.kind == "sobol":
            out["second_order"] = self.second_order
        if self.kind == "morris":
            out["levels"] = self.levels
        return out


@dataclass(frozen=True)
class SweepSpec:
    """A declarative experiment (see docs/sweeps.md for the TOML form).

    ``model`` names a catalogued model and is required: the sweep machinery names no model
    of its own, and a folder's stored spec must say which model made it. ``steps`` None
    uses the model's or scenario's own horizon. ``keep_series`` names the
    per-step series columns to store ("all" for every column, empty for none). ``imports``
    names modules to import before running (in the driver and in every worker), so models
    registered outside the package can be swept.
    """

    model: str | None = None
    name: str = "sweep"
    description: str = ""
    scenario: str | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)
    vary: Mapping[str, Vary | Mapping[str, Any]] = field(default_factory=dict)
    design: Design | Mapping[str, Any] = field(default_factory=Design)
    replicates: int = 1
    steps: int | None = None
    keep_series: Sequence[str] | str = ()
    seed: int = 0
    common_random_numbers: bool = False
    imports: Sequence[str] = ()

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepSpec:
        """Build and validate a spec from plain data (a parsed TOML file, a manifest)."""
        if not isinstance(data, Mapping):
            raise ParameterError("spec", data, "a table of fields")
        unknown = [k for k in data if k not in TOP_KEYS]
        if unknown:
            raise ParameterError(
                unknown[0], data[unknown[0]], "a spec field: " + ", ".join(TOP_KEYS)
            )
        return cls(**dict(data)).validated()

    def validated(self) -> SweepSpec:
        """A normalised copy; raises ParameterError on the first bad field or value."""
        from abm.sweep.models import model_info

        _import_modules(self.imports)
        model = _model(self.model)
        info = model_info(model)
        scenario = None if self.scenario is None else _text("scenario", self.scenario)
        if scenario is not None and info.scenarios is not None and scenario not in info.scenarios:
            raise ParameterError("scenario", scenario, "one of " + ", ".join(info.scenarios))
        fixed = _check_fixed(self.fixed, info.params)
        design = _check_design(self.design, self.seed)
        vary = _check_vary(self.vary, info.params, fixed, design.kind)
        if design.kind == "posterior":
            posterior_names(model, scenario, fixed, vary, design)  # loads and checks it
            grid = design_size(Design("grid"), vary)
            if not design.cross and design.n % grid:
                raise ParameterError(
                    "design.n",
                    design.n,
                    f"a multiple of the grid's {grid} combinations when cross = false "
                    "(each combination gets the same number of draws)",
                )
        elif design.kind != "grid" and not vary:
            raise ParameterError(
                "vary", {}, f"at least one varied parameter for a {design.kind} design"
            )
        replicates = limits.check_replicates("replicates", self.replicates)
        limits.check_runs(design_size(design, vary), replicates)  # before any point is built
        return replace(
            self,
            model=model,
            name=_text("name", self.name),
            description=str(self.description),
            scenario=scenario,
            fixed=fixed,
            vary=vary,
            design=design,
            replicates=replicates,
            steps=None if self.steps is None else limits.check_steps("steps", self.steps),
            keep_series=_check_keep(self.keep_series),
            seed=limits.check_seed("seed", self.seed),
            common_random_numbers=_bool("common_random_numbers", self.common_random_numbers),
            imports=tuple(_text("imports", m) for m in self.imports),
        )

    # -- canonical form -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The canonical, JSON-ready form of a validated spec (stored in manifest.json)."""
        design = self.design if isinstance(self.design, Design) else Design(**self.design)
        keep = self.keep_series if isinstance(self.keep_series, str) else list(self.keep_series)
        return {
            "name": self.name,
            "description": self.description,
            "model": self.model,
            "scenario": self.scenario,
            "steps": self.steps,
            "replicates": self.replicates,
            "seed": self.seed,
            "common_random_numbers": self.common_random_numbers,
            "keep_series": keep,
            "imports": list(self.imports),
            "fixed": dict(self.fixed),
            "vary": {k: v.to_dict() for k, v in self.vary.items()},
            "design": design.to_dict(),
        }

    def run_params(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """What ``abm.runner.run`` gets for one design point: scenario, fixed, varied. A
        posterior draw of a parameter the scenario dates (the history's election-week
        shock) scales that schedule, as in the calibration (``Posterior.resolve``)."""
        out: dict[str, Any] = {}
        if self.scenario is not None:
            out["scenario"] = self.scenario
        out.update(self.fixed)
        posterior = getattr(self.design, "kind", None) == "posterior"
        dated = _scenario_dated(self.model, self.scenario) if posterior else {}
        for name, value in point.items():
            out[name] = scale_schedule(dated[name], value) if name in dated else value
        return out


@functools.cache
def _scenario_dated(model: str, scenario: str | None) -> dict[str, Any]:
    """The scenario's dated schedules (name -> its value), looked up once per process."""
    from abm import catalog

    entry = catalog.get(model)
    name = scenario if scenario is not None else entry.default_scenario
    if name is None:
        return {}
    return {k: v for k, v in entry.scenario(name).params.items() if is_dated(v)}


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a TOML spec file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("SPEC", str(p), "an existing TOML file") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(
            "SPEC", str(p), f"a UTF-8 text file (byte {exc.start} is {exc.object[exc.start]:#04x})"
        ) from None
    except OSError as exc:
        raise ParameterError("SPEC", str(p), f"a readable TOML file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("SPEC", str(p), f"valid TOML ({exc})") from None
    return SweepSpec.from_dict(data)


# -- field checks ---------------------------------------------------------------------------


def _import_modules(names: Sequence[str]) -> None:
    import importlib

    if isinstance(names, str) or not isinstance(names, Sequence):
        raise ParameterError("imports", names, "a list of module names")
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ParameterError("imports", name, f"an importable module ({exc})") from None


def _model(value: Any) -> str:
    """The spec's model name: required, since sweeps know no model of their own."""
    from abm import catalog

    if value is None:
        raise ParameterError(
            "model", None, "a catalogued model: one of " + ", ".join(catalog.names())
        )
    return _text("model", value)


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, "a non-empty string")
    return value.strip()


def _int(name: str, value: Any, low: int, high: int) -> int:
    return limits.check_int(name, value, low, high)


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(name, value, "true or false")
    return value


def _check_keep(keep: Any) -> tuple[str, ...] | str:
    if isinstance(keep, str):
        if keep != "all":
            raise ParameterError("keep_series", keep, '"all" or a list of series column names')
        return "all"
    if not isinstance(keep, Sequence) or not all(isinstance(k, str) and k for k in keep):
        raise ParameterError("keep_series", keep, '"all" or a list of series column names')
    return tuple(dict.fromkeys(k for k in keep if k != "step"))


def _check_fixed(fixed: Any, params) -> dict[str, Any]:
    if not isinstance(fixed, Mapping):
        raise ParameterError("fixed", fixed, "a table NAME = VALUE")
    params.resolve(fixed)  # names and values, with did-you-mean hints
    return {name: normalise(params[name], value) for name, value in fixed.items()}


def _check_design(design: Any, root_seed: Any) -> Design:
    if isinstance(design, Mapping):
        unknown = [k for k in design if k not in DESIGN_KEYS]
        if unknown:
            raise ParameterError(
                f"design.{unknown[0]}", design[unknown[0]], "one of " + ", ".join(DESIGN_KEYS)
            )
        design = Design(**design)
    if not isinstance(design, Design):
        raise ParameterError("design", design, "a table with kind = " + " / ".join(DESIGN_KINDS))
    if design.kind not in DESIGN_KINDS:
        raise ParameterError("design.kind", design.kind, "one of " + ", ".join(DESIGN_KINDS))
    if design.kind == "posterior":
        return _check_posterior_design(design, root_seed)
    if design.posterior is not None:
        raise ParameterError(
            "design.posterior", design.posterior, 'a posterior only with kind = "posterior"'
        )
    if design.cross is not True:
        raise ParameterError("design.cross", design.cross, 'cross only with kind = "posterior"')
    if design.kind == "grid":
        if design.n is not None:
            raise ParameterError("design.n", design.n, "no n for a grid (its size is the product)")
        return Design("grid")
    n = _int("design.n", design.n, 1, limits.MAX_POINTS) if design.n is not None else None
    if n is None:
        raise ParameterError("design.n", None, f"the sample size of the {design.kind} design")
    if design.kind == "sobol" and n & (n - 1):
        raise ParameterError("design.n", n, "a power of 2 (Sobol' balance), e.g. 64 or 128")
    if design.kind == "morris" and n < 2:
        raise ParameterError("design.n", n, "at least 2 Morris trajectories")
    levels = _int("design.levels", design.levels, 2, limits.MAX_LEVELS)
    if design.kind == "morris" and levels % 2:
        raise ParameterError("design.levels", levels, "an even number of levels (SALib)")
    seed = design.seed if design.seed is not None else root_seed
    return Design(
        design.kind,
        n,
        _bool("design.second_order", design.second_order),
        levels,
        limits.check_seed("design.seed", seed),
    )


def _check_vary(vary: Any, params, fixed: Mapping[str, Any], kind: str) -> dict[str, Vary]:
    if not isinstance(vary, Mapping):
        raise ParameterError(
            "vary", vary, "a table NAME = { values = [...] } or { range = [lo, hi] }"
        )
    out: dict[str, Vary] = {}
    for name, entry in vary.items():
        field_ = f"vary.{name}"
        if name not in params:
            params.resolve({name: entry})  # raises the unknown-name error, with hints
        if name in fixed:
            raise ParameterError(field_, entry, "a parameter that is not also in [fixed]")
        out[name] = _check_one(field_, params[name], entry, kind)
    return out


def _check_one(field_: str, param: Param, entry: Any, kind: str) -> Vary:
    if isinstance(entry, Mapping):
        bad = [k for k in entry if k not in ("values", "range", "num", "scale")]
        if bad:
            raise ParameterError(f"{field_}.{bad[0]}", entry[bad[0]], "values, range, num or scale")
        entry = Vary(
            tuple(entry["values"])
            if isinstance(entry.get("values"), list)
            else entry.get("values"),
            entry.get("range"),
            entry.get("num"),
            entry.get("scale", "linear"),
        )
    if not isinstance(entry, Vary):
        raise ParameterError(field_, entry, "{ values = [...] } or { range = [low, high] }")
    if (entry.values is None) == (entry.range is None):
        raise ParameterError(field_, entry.to_dict(), "exactly one of values or range")
    if entry.scale not in SCALES:
        raise ParameterError(f"{field_}.scale", entry.scale, "one of " + ", ".join(SCALES))
    if entry.values is not None:
        if entry.num is not None:
            raise ParameterError(f"{field_}.num", entry.num, "num only with a range")
        if entry.scale != "linear":
            raise ParameterError(f"{field_}.scale", entry.scale, "a scale only with a range")
        vals = entry.values
        if isinstance(vals, str) or not isinstance(vals, Sequence) or not vals:
            raise ParameterError(f"{field_}.values", vals, "a non-empty list")
        if len(vals) > limits.MAX_LEVELS:
            raise ParameterError(
                f"{field_}.values", f"{len(vals):,} values", f"at most {limits.MAX_LEVELS:,}"
            )
        norm = tuple(normalise(param, v) for v in vals)
        if len(set(map(repr, norm))) != len(norm):
            raise ParameterError(f"{field_}.values", list(vals), "distinct values")
        return Vary(values=norm)
    return _check_range(field_, param, entry, kind)


def _check_range(field_: str, param: Param, entry: Vary, kind: str) -> Vary:
    rng = entry.range
    if param.kind not in RANGE_KINDS:
        raise ParameterError(f"{field_}.range", rng, f"a value list for a {param.kind} parameter")
    if isinstance(rng, str) or not isinstance(rng, Sequence) or len(rng) != 2:
        raise ParameterError(f"{field_}.range", rng, "[low, high]")
    lo, hi = (normalise(param, v) for v in rng)
    if isinstance(lo, str) or isinstance(hi, str) or not lo < hi:
        raise ParameterError(f"{field_}.range", list(rng), "two finite numbers, low < high")
    if math.isinf(hi):
        raise ParameterError(f"{field_}.range", list(rng), "finite bounds")
    if entry.scale == "log" and lo <= 0:
        raise ParameterError(f"{field_}.range", list(rng), "low > 0 on a log scale")
    num = entry.num
    if kind in ("grid", "posterior"):  # a posterior design crosses its draws with a grid
        if num is None:
            raise ParameterError(f"{field_}.num", None, "the number of grid levels (>= 2)")
        num = _int(f"{field_}.num", num, 2, limits.MAX_LEVELS)
        if param.kind in ("int", "int_or_inf") and num > hi - lo + 1:
            raise ParameterError(f"{field_}.num", num, f"at most {hi - lo + 1} integer levels")
    elif num is not None:
        raise ParameterError(f"{field_}.num", num, f"no num in a {kind} design (it samples)")
    return Vary(range=(lo, hi), num=num, scale=entry.scale)


def design_size(design: Design, vary: Mapping[str, Vary]) -> int:
    """The number of design points, known from the spec alone (before any is built)."""
    d = len(vary)
    if design.kind in ("grid", "posterior"):  # a posterior design crosses n draws with a grid
        grid = math.prod(len(v.values) if v.values is not None else v.num for v in vary.values())
        if design.kind == "grid":
            return grid
        return design.n * grid if design.cross else design.n
    n = design.n
    if design.kind == "sobol":
        return n * (2 * d + 2 if design.second_order else d + 2)
    if design.kind == "morris":
        return n * (d + 1)
    return n


def _check_posterior_design(design: Design, root_seed: Any) -> Design:
    """kind = "posterior": a folder path, the number of draws n >= 1, the draws' seed."""
    if not isinstance(design.posterior, str) or not design.posterior.strip():
        raise ParameterError(
            "design.posterior", design.posterior, "the path of a posterior folder (a string)"
        )
    if design.n is None:
        raise ParameterError("design.n", None, "the number of posterior draws (>= 1)")
    n = _int("design.n", design.n, 1, limits.MAX_POINTS)
    seed = design.seed if design.seed is not None else root_seed
    return Design(
        "posterior",
        n,
        seed=limits.check_seed("design.seed", seed),
        posterior=design.posterior,
        cross=_bool("design.cross", design.cross),
    )


def posterior_names(
    model: str,
    scenario: str | None,
    fixed: Mapping[str, Any],
    vary: Mapping[str, Any],
    design: Design,
):
    """(the design's posterior, the parameters its points set): the posterior's parameters
    less those the scenario, ``fixed`` or ``vary`` set. Refuses (ParameterError on
    ``design.posterior``) a missing or malformed folder, a posterior of another model, and
    one that would set nothing."""
    from abm import catalog
    from abm.posterior import load_posterior

    post = load_posterior(design.posterior, "design.posterior")
    if post.model != model:
        raise ParameterError(
            "design.posterior",
            design.posterior,
            f"a posterior of the sweep's model {model!r} (this one is of {post.model!r})",
        )
    entry = catalog.get(model)
    name = scenario if scenario is not None else entry.default_scenario
    base = entry.scenario(name).params if name is not None else {}
    split = post.resolve(dict.fromkeys(post.names, 0.0), base, set(fixed) | set(vary))
    names = [n for n in post.names if n in split.applied]
    if not names:
        raise ParameterError(
            "design.posterior",
            design.posterior,
            "a posterior setting a parameter that the scenario, [fixed] and [vary] leave open",
        )
    return post, names


def normalise(param: Param, value: Any) -> Any:
    """Check ``value`` against ``param`` and return it in a storable form: a bool, int,
    float or string (a schedule that is not constant stays in its text form)."""
    typed = param.coerce(value)
    if param.kind == "schedule":
        assert isinstance(typed, Schedule)
        return typed.values[0] if typed.kind == "constant" else str(typed)
    if param.kind == "int_or_inf" and math.isinf(typed):
        return "inf"
    return typed
