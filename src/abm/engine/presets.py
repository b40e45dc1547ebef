"""Named presets of the civil-violence engine, stored as data in ``presets/epstein.toml``.

A preset's parameter values go through ``EPSTEIN_PARAMS.resolve`` like any other input (so
a NaN or out-of-range value in the file is refused by name); its ``steps`` through the
documented step limit."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from abm.errors import ParameterError
from abm.limits import check_steps


@cache
def _load() -> dict[str, dict[str, Any]]:
    text = resources.files("abm.engine").joinpath("presets/epstein.toml").read_text()
    return tomllib.loads(text)


def preset_names() -> list[str]:
    return list(_load())


def preset(name: str) -> tuple[dict[str, Any], int, str]:
    """Return (parameter overrides, default number of steps, description) of a preset."""
    table = _load()
    if name not in table:
        raise ParameterError("preset", name, "one of " + ", ".join(table))
    entry = dict(table[name])
    steps = check_steps(f"preset {name}: steps", entry.pop("steps", 200))
    description = str(entry.pop("description", ""))
    return entry, steps, description
