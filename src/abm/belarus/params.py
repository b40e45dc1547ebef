"""Every parameter of the Belarus model, assembled from the declarations beside its rules.

Each parameter is declared once (meaning, unit, default, range, source, group) in the module
of the actor or mechanism it governs; this module only puts them in their documented order.
``BELARUS_PARAMS`` validates user input (CLI ``--set``, scenario files, sweep specs), gives
the model its defaults and generates the ODD tables (``python -m abm.odd``). Source keys are
explained in ``abm.belarus.declare``.

Switches ``mech_*`` turn each of the brief's mechanisms 1-8 on or off; ``ext_*`` turn the
citizen extensions on or off. With every switch off the citizen module is Epstein's Model 1.
"""

from __future__ import annotations

import tomllib

from abm.belarus.actors.army_params import ARMY_PARAMS
from abm.belarus.actors.citizens_params import CITIZEN_PARAMS
from abm.belarus.actors.kremlin_params import KREMLIN_PARAMS
from abm.belarus.actors.lukashenko_params import (
    INTERVENTION_LEVEL,
    LUKASHENKO_PARAMS,
    MOBILISATION_LEVEL,
    SUPPORT_LEVELS,
)
from abm.belarus.actors.security_params import SECURITY_PARAMS
from abm.belarus.mechanisms.coup_params import COUP_PARAMS
from abm.belarus.mechanisms.detention_params import DETENTION_PARAMS
from abm.belarus.mechanisms.prosecution_params import PROSECUTION_PARAMS
from abm.belarus.mechanisms.switches import EXTENSIONS, MECHANISMS, SWITCH_PARAMS
from abm.belarus.outcome_params import OUTCOME_PARAMS
from abm.belarus.world_params import (
    ENGINE_PARAMS,
    EXOGENOUS_PARAMS,
    POPULATION_2022,
    SCALE_PARAMS,
)
from abm.params import ParamSet

__all__ = [
    "BELARUS_PARAMS",
    "EXTENSIONS",
    "INTERVENTION_LEVEL",
    "MECHANISMS",
    "MOBILISATION_LEVEL",
    "POPULATION_2022",
    "SUPPORT_LEVELS",
    "epstein_equivalent",
]

BELARUS_PARAMS = ParamSet(
    SWITCH_PARAMS
    + SCALE_PARAMS
    + ENGINE_PARAMS
    + EXOGENOUS_PARAMS
    + CITIZEN_PARAMS
    + DETENTION_PARAMS
    + PROSECUTION_PARAMS
    + KREMLIN_PARAMS
    + LUKASHENKO_PARAMS
    + ARMY_PARAMS
    + SECURITY_PARAMS
    + COUP_PARAMS
    + OUTCOME_PARAMS
)


def priors():
    """The prior ranges of ``priors.toml`` beside this module, checked against
    ``BELARUS_PARAMS`` (``abm.priors``)."""
    from importlib import resources

    from abm.priors import parse_priors

    text = resources.files("abm.belarus").joinpath("priors.toml").read_text(encoding="utf-8")
    return parse_priors(tomllib.loads(text), BELARUS_PARAMS, origin="abm/belarus/priors.toml")


def epstein_equivalent(**overrides) -> dict:
    """Overrides that switch off every mechanism and extension (the Epstein reduction).

    With these, the citizen module is Epstein's Model 1: constant legitimacy L (give both
    ``legitimacy_pw`` and ``legitimacy_pr`` the same value), grievance H (1 - L), threshold
    T, police at ``police_density`` per cell, arrests with constant k.
    """
    out: dict = {name: False for name in (*MECHANISMS, *EXTENSIONS)}
    out.update(overrides)
    return out
