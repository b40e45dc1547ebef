"""Lukashenko's revolt hazard, learned from the model itself: a small logistic emulator.

Issue 12: his fear of revolt at each support level must come from the model's own dynamics,
not from a hand-set curve. ``experiments/fit_revolt_emulator.py`` fits a logistic regression
to the full model's forced runs (the level held fixed from a week on) and writes
``revolt_emulator.json`` next to this module; ``load_emulator`` reads it. The file's meaning
(the contract between the two): P(Lukashenko ejected by revolt within ``horizon_weeks`` | the
support level is held at ``level`` from now, with this week's unrest = turnout / uprising
threshold, illegitimacy = population-weighted 1 - legitimacy, expected_loss_share = share of
an expedition lost over the horizon (0 below level 5), mutinied_share = army share mutinied)
= logistic(intercept + coef . x).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The emulator's features, in the order of ``coef``.
FEATURES = ("level", "unrest", "illegitimacy", "expected_loss_share", "mutinied_share")
#: Where the fit script writes the emulator and ``load_emulator`` reads it by default.
EMULATOR_PATH = Path(__file__).with_name("revolt_emulator.json")


class EmulatorError(ValueError):
    """The emulator file is missing or does not follow the contract."""


@dataclass(frozen=True)
class RevoltEmulator:
    """P(ejected by revolt within ``horizon_weeks``) = logistic(intercept + coef . x)."""

    intercept: float
    coef: tuple[float, ...]
    horizon_weeks: int
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if len(self.coef) != len(FEATURES):
            raise EmulatorError(
                f"coef has {len(self.coef)} values; the features are {list(FEATURES)}"
            )
        if not all(math.isfinite(c) for c in (self.intercept, *self.coef)):
            raise EmulatorError(
                f"intercept and coef must be finite, got {self.intercept}, {list(self.coef)}"
            )
        if self.horizon_weeks < 1:
            raise EmulatorError(f"horizon_weeks must be >= 1, got {self.horizon_weeks}")

    def probability(
        self,
        level: float,
        unrest: float,
        illegitimacy: float,
        expected_loss_share: float,
        mutinied_share: float,
    ) -> float:
        """P(revolt ejects him within the horizon) at these readings (see the module doc)."""
        c = self.coef
        z = (
            self.intercept
            + c[0] * level
            + c[1] * unrest
            + c[2] * illegitimacy
            + c[3] * expected_loss_share
            + c[4] * mutinied_share
        )
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


def from_mapping(data: Any, where: str = "emulator") -> RevoltEmulator:
    """Validate the contract's fields and build the emulator; errors name the field."""
    if not isinstance(data, dict):
        raise EmulatorError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if data.get("model") != "logistic":
        raise EmulatorError(f"{where}: 'model' must be 'logistic', got {data.get('model')!r}")
    if list(data.get("features", [])) != list(FEATURES):
        raise EmulatorError(
            f"{where}: 'features' must be {list(FEATURES)}, got {data.get('features')!r}"
        )
    for key in ("intercept", "coef", "horizon_weeks"):
        if key not in data:
            raise EmulatorError(f"{where}: missing field {key!r}")
    coef = data["coef"]
    if not isinstance(coef, list) or not all(isinstance(v, (int, float)) for v in coef):
        raise EmulatorError(f"{where}: 'coef' must be a list of {len(FEATURES)} numbers")
    intercept, horizon = data["intercept"], data["horizon_weeks"]
    if not isinstance(intercept, (int, float)) or isinstance(intercept, bool):
        raise EmulatorError(f"{where}: 'intercept' must be a number, got {intercept!r}")
    if not isinstance(horizon, int) or isinstance(horizon, bool):
        raise EmulatorError(f"{where}: 'horizon_weeks' must be an integer, got {horizon!r}")
    provenance = data.get("provenance", {})
    if not isinstance(provenance, dict):
        raise EmulatorError(f"{where}: 'provenance' must be an object")
    return RevoltEmulator(float(intercept), tuple(float(v) for v in coef), horizon, provenance)


@lru_cache(maxsize=8)
def load_emulator(path: Path | str = EMULATOR_PATH) -> RevoltEmulator:
    """Read the fitted emulator (cached: every model of a sweep shares one immutable copy)."""
    path = Path(path)
    if not path.exists():
        raise EmulatorError(
            f"revolt emulator not found at {path}: regenerate it with "
            "`python experiments/fit_revolt_emulator.py` (or switch mech_revolt off)"
        )
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise EmulatorError(f"{path}: not valid JSON ({e})") from e
    return from_mapping(data, str(path))
