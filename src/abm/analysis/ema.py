"""An EMA Workbench connector: a catalogued model as an EMA ``Model`` or ``ReplicatorModel``.

EMA Workbench users describe an experiment as uncertainties (parameters varied), levers
(choices an actor controls), constants and outcomes, then call ``perform_experiments`` or
``optimize``. This module builds that description from the model's declared parameters
(their ranges, kinds and units come from the model's ``ParamSet``) and runs each experiment
through ``abm.runner.run(model, params, seed, steps)``, the same entry point sweeps use, so
an EMA experiment and an ``abm sweep`` run of the same parameters and seed agree exactly.

Outcomes, per experiment:

- ``<outcome>`` for each ``week_<outcome>`` the runner reports: with a ``ReplicatorModel``
  the share of replications in which it happened (an estimate of its probability); with a
  single-replication ``Model``, 1.0 or 0.0.
- ``week_<outcome>``: mean first week over the replications where it happened (NaN if none).
- every other numeric summary value: mean over replications.

Replication r uses seed ``SeedSequence(root_seed, spawn_key=(r,))`` at every experiment
(common random numbers), so two experiments differ by their parameters, not their draws.

``catalogued_model(name)`` is a model's ready-made connector: a named scenario as the base,
and the uncertainties and levers its catalogue entry declares.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from abm import catalog
from abm.errors import ParameterError
from abm.params import Param, ParamSet

HAPPENED = "happened_"


def _ema():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
    return ema_workbench


def model_params(model: str) -> ParamSet:
    """The ParamSet a catalogued model declares."""
    return catalog.get(model).params


class RunnerFunction:
    """The callable EMA calls with one experiment: keyword parameters plus ``seed``.

    A class instance rather than a closure so EMA's multiprocessing evaluator can pickle it.
    Returns a flat dict of numbers: ``happened_<o>`` (0/1) and ``week_<o>`` (NaN if never)
    per outcome, and every other numeric summary value.
    """

    def __init__(self, model: str, steps: int | None):
        self.model = model
        self.steps = steps

    def __call__(self, seed: int = 0, **params: Any) -> dict[str, float]:
        from abm.runner import run

        result = run(self.model, params, int(seed), self.steps)
        return flatten_summary(result.summary)


def flatten_summary(summary: Mapping[str, Any]) -> dict[str, float]:
    """Numbers only: outcome weeks also as 0/1 indicators; strings (final class) dropped."""
    out: dict[str, float] = {}
    for key, value in summary.items():
        if key.startswith("week_"):
            out[HAPPENED + key[5:]] = 0.0 if value is None else 1.0
            out[key] = math.nan if value is None else float(value)
        elif value is None:
            out[key] = math.nan
        elif isinstance(value, bool | int | float | np.number):
            out[key] = float(value)
    return out


def ema_parameters(
    params: ParamSet, names: Iterable[str], ranges: Mapping[str, Sequence[Any]] | None = None
) -> list:
    """EMA parameters for the named model parameters, with their declared ranges.

    ``ranges`` narrows a numeric range (low, high) or a choice's categories; a value outside
    what the model allows is refused before anything runs.
    """
    ema = _ema()
    ranges = ranges or {}
    out = []
    for name in names:
        if name not in params:
            params.resolve({name: None})  # raises ParameterError naming close matches
        p = params[name]
        if p.kind in ("float", "schedule", "int"):
            low, high = ranges.get(name, (p.low, p.high))
            _check_range(p, low, high)
            if p.kind == "int":
                out.append(ema.IntegerParameter(name, int(low), int(high)))
            else:
                out.append(ema.RealParameter(name, float(low), float(high)))
        elif p.kind == "bool":
            out.append(ema.BooleanParameter(name))
        elif p.kind == "choice":
            cats = list(ranges.get(name, p.choices))
            for c in cats:
                p.coerce(c)
            out.append(ema.CategoricalParameter(name, cats))
        else:
            raise ParameterError(name, p.kind, "a float, int, bool, choice or schedule parameter")
    return out


def ema_model(
    model: str,
    uncertainties: Iterable[str],
    levers: Iterable[str] = (),
    *,
    ranges: Mapping[str, Sequence[Any]] | None = None,
    constants: Mapping[str, Any] | None = None,
    replications: int | None = 10,
    steps: int | None = None,
    root_seed: int = 0,
    name: str | None = None,
):
    """Build the EMA model of catalogued model ``model``.

    ``uncertainties`` and ``levers`` name model parameters (ranges from the model's
    declaration, narrowed by ``ranges``); ``constants`` fix others (e.g. ``scenario``).
    ``replications=None`` gives a single-run ``Model`` whose seed is ``root_seed``.
    Outcomes are discovered by one zero-step probe run with the defaults.
    """
    ema = _ema()
    params = model_params(model)
    constants = dict(constants or {})
    uncertainties, levers = list(uncertainties), list(levers)
    overlap = (set(uncertainties) & set(levers)) | (set(constants) & set(uncertainties + levers))
    if overlap:
        raise ParameterError("uncertainties/levers/constants", sorted(overlap), "each name once")
    fixed = {k: v for k, v in constants.items() if k != "scenario"}
    params.resolve(fixed)  # validate constants before any run
    function = RunnerFunction(model, steps)
    probe = _probe(model, constants)
    label = name or model
    if replications is None:
        m = ema.Model(label, function=function)
        seeds = [{"seed": root_seed}]
    else:
        if replications < 1:
            raise ParameterError("replications", replications, "an integer >= 1, or None")
        m = ema.ReplicatorModel(label, function=function)
        seeds = [{"seed": replication_seed(root_seed, r)} for r in range(replications)]
    m.uncertainties = ema_parameters(params, uncertainties, ranges)
    m.levers = ema_parameters(params, levers, ranges)
    const = [ema.Constant(k, v) for k, v in constants.items()]
    if replications is None:
        const.append(ema.Constant("seed", root_seed))
    else:
        m.replications = seeds
    m.constants = const
    m.outcomes = _outcomes(ema, probe, aggregate=replications is not None)
    return m


def catalogued_model(
    model: str,
    uncertainties: Iterable[str] | None = None,
    levers: Iterable[str] | None = None,
    *,
    scenario: str | None = None,
    ranges: Mapping[str, Sequence[Any]] | None = None,
    constants: Mapping[str, Any] | None = None,
    replications: int | None = 10,
    steps: int | None = None,
    root_seed: int = 0,
):
    """A catalogued model as an EMA ``ReplicatorModel`` (``replications=None``: ``Model``).

    ``uncertainties`` and ``levers`` default to those the model's catalogue entry declares;
    ``scenario`` (default: the model's default scenario) supplies every value not sampled,
    and each uncertainty or lever replaces the scenario's value by a constant. A numeric one
    without an explicit range in ``ranges`` spans half to double its scenario value (for a
    time schedule, its first value), within the parameter's declared bounds: wide enough to
    explore, narrow enough to stay near the calibration. Booleans and choices span all their
    values.
    """
    from abm.runner import prepare

    entry = catalog.get(model)
    uncertainties = list(entry.uncertainties if uncertainties is None else uncertainties)
    levers = list(entry.levers if levers is None else levers)
    scenario = entry.default_scenario if scenario is None else scenario
    start = {} if scenario is None else {"scenario": scenario}
    base = prepare(model, start, steps).params
    params = entry.params
    names = [*uncertainties, *levers]
    params.resolve(dict.fromkeys([n for n in names if n not in params], 0))  # name check
    chosen = dict(ranges or {})
    for name in names:
        if name not in chosen and params[name].kind in ("float", "int", "schedule"):
            chosen[name] = default_range(params[name], base[name])
    return ema_model(
        model,
        uncertainties,
        levers,
        ranges=chosen,
        constants={**start, **dict(constants or {})},
        replications=replications,
        steps=steps,
        root_seed=root_seed,
        name=model,
    )


def default_range(param: Param, value: Any) -> tuple[float, float]:
    """Half to double ``value`` (a schedule: its first value), within the declared bounds."""
    v = float(value.values[0]) if hasattr(value, "values") else float(value)
    low, high = v / 2.0, v * 2.0
    if v < 0:
        low, high = high, low
    if param.low is not None:
        low = max(low, param.low)
    if param.high is not None:
        high = min(high, param.high)
    if low >= high:  # a zero default: span the declared range
        low, high = param.low, param.high
    if param.kind == "int":
        return int(np.ceil(low)), int(np.floor(high))
    return low, high


def replication_seed(root_seed: int, replication: int) -> int:
    """Seed of replication r: the same at every experiment (common random numbers)."""
    seq = np.random.SeedSequence(root_seed, spawn_key=(replication,))
    return int(seq.generate_state(1, dtype=np.uint64)[0])


def _probe(model: str, constants: Mapping[str, Any]) -> dict[str, float]:
    """One zero-step run with the defaults: which summary keys (outcomes) the model reports."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Mesa warns about a zero-length run
        return RunnerFunction(model, 0)(seed=0, **constants)


def _outcomes(ema, probe: Mapping[str, float], aggregate: bool) -> list:
    outs = []
    for key in probe:
        if key.startswith(HAPPENED):
            name = key[len(HAPPENED) :]
            fn = np.mean if aggregate else _single
            outs.append(ema.ScalarOutcome(name, variable_name=key, function=fn))
        elif key.startswith("week_"):
            outs.append(
                ema.ScalarOutcome(
                    key, variable_name=key, function=_mean_observed if aggregate else _single
                )
            )
        else:
            outs.append(
                ema.ScalarOutcome(
                    key, variable_name=key, function=np.mean if aggregate else _single
                )
            )
    return outs


def _mean_observed(values) -> float:
    arr = np.asarray(values, dtype=float)
    return float(np.nanmean(arr)) if np.any(~np.isnan(arr)) else math.nan


def _single(value) -> float:
    return float(value)


def _check_range(p: Param, low: Any, high: Any) -> None:
    if low is None or high is None:
        raise ParameterError(p.name, (low, high), "a finite range: give ranges={name: (low, high)}")
    p.coerce(low)
    p.coerce(high)
    if float(low) >= float(high):
        raise ParameterError(p.name, (low, high), "low < high")
