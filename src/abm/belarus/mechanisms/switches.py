"""One switch per mechanism of the brief (1-8) and per citizen extension.

With every switch off the citizen module is Epstein's Model 1 (``epstein_equivalent`` in
``abm.belarus.params``; tested draw for draw).
"""

from __future__ import annotations

from abm.belarus.declare import flag
from abm.params import Param

#: The brief's mechanisms 1-8, one switch each (name -> short description).
MECHANISMS = {
    "mech_sanctions_dependence": "1 sanctions deepen dependence on Moscow, scaling its leverage",
    "mech_graded_complicity": "2 graded complicity: support levels between none and intervention",
    "mech_union_doctrine": "3 Union State doctrine raises the demand once annexed land is attacked",
    "mech_substitution": "4 fear one: Moscow's penetration and an engineered substitution",
    "mech_revolt": "5 fear two: defeat, mutiny, security splits, revolt, ejection, Russian entry",
    "mech_nato_excuse": "6 NATO-threat rhetoric excuses keeping troops home (wears with use)",
    "mech_warning": "7 warnings that an uprising may be uncontainable, weighed by Moscow",
    "mech_repression": "8 the 2020 crackdown's coercive capacity and repression orders",
}

#: Citizen extensions to Epstein's rule; all off (with mechanisms off) = Epstein's Model 1.
EXTENSIONS = {
    "ext_orientations": "pro-Western and pro-Russian citizens with their own legitimacy",
    "ext_casualties": "casualties lower legitimacy",
    "ext_mobilisation": "mobilisation (level 4+) adds hardship and lowers legitimacy",
    "ext_hardship": "economic hardship from sanctions and Kremlin pressure",
    "ext_cascades": "Granovetter/Kuran cascades: falsified preferences revealed as others act",
    "ext_fatigue": "protest fatigue: builds while protesting, recovers while quiet, raises T",
    "ext_prosecution": "prosecution after the fact feeds the prisoner stock and deters protest",
}

SWITCH_PARAMS: list[Param] = [
    flag(name, True, f"switch: mechanism {text}", source="brief, mechanisms 1-8", group="switches")
    for name, text in MECHANISMS.items()
] + [
    flag(name, True, f"switch: citizen extension - {text}", source="brief", group="switches")
    for name, text in EXTENSIONS.items()
]
