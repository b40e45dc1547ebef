"""Named scenarios: one TOML file each under ``belarus/scenarios/``.

A scenario file holds a ``description``, the default number of ``steps`` (weeks), the
``sources`` its values rest on, and a ``[params]`` table of overrides of the defaults in
``belarus/params.py`` (the defaults themselves are the late-2022 baseline). Any value can be
overridden again from the CLI (``abm run --scenario NAME --set PARAM=VALUE``).

A file with ``history_inputs = true`` (``history.toml``) takes its exogenous inputs from the
dated history, ``belarus/history/inputs.csv``, built by
``abm.belarus.history.scenario.history_params`` at the file's ``start_week``; its own
``[params]`` override those.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from abm.belarus.history.scenario import history_params
from abm.contract import Scenario
from abm.errors import ParameterError

DEFAULT_STEPS = 104


@cache
def _load() -> dict[str, Scenario]:
    folder = resources.files("abm.belarus").joinpath("scenarios")
    out: dict[str, Scenario] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text())
        name = entry.name.removesuffix(".toml")
        params = dict(data.get("params", {}))
        if data.get("history_inputs", False):
            params = history_params(start_week=int(params.get("start_week", -1))) | params
        out[name] = Scenario(
            name=name,
            description=str(data.get("description", "")),
            steps=int(data.get("steps", DEFAULT_STEPS)),
            params=params,
            sources=tuple(data.get("sources", ())),
        )
    return out


def scenario_names() -> list[str]:
    """Names of the scenarios, baseline first."""
    names = sorted(_load())
    return sorted(names, key=lambda n: n != "baseline")


def get_scenario(name: str) -> Scenario:
    """The named scenario; ParameterError naming the known ones otherwise."""
    table = _load()
    if name not in table:
        raise ParameterError("scenario", name, "one of " + ", ".join(scenario_names()))
    return table[name]


def scenario_table() -> dict[str, Scenario]:
    """Every scenario by name, baseline first (the model's catalogue entry reads this)."""
    table = _load()
    return {name: table[name] for name in scenario_names()}
