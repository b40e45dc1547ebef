"""The security services' parameters: size, loyalty, and the coordination thresholds behind
defections and substitution backing (``actors/security.py``, ``mechanisms/coordination.py``).
"""

from __future__ import annotations

from abm.belarus.declare import CF, integer, real
from abm.params import Param

SECURITY_PARAMS: list[Param] = [
    real(
        "security_scale",
        1.0,
        "multiplier on the security units' table capacities (~99,000 people)",
        "-",
        0.1,
        5.0,
        source=CF + ": ~87,000 police + 11,000 internal troops",
        group="security",
    ),
    integer(
        "kgb_size",
        8_000,
        "KGB staff",
        "people",
        0,
        100_000,
        source=CF + ": not public; sweep it",
        group="security",
    ),
    real(
        "loyalty_security",
        0.5,
        "mean loyalty of security units to Lukashenko (elite units higher)",
        "[0,1]",
        source=CF + ": > 700 officials quit in 2020, no unit defected",
        group="security",
    ),
    real(
        "coordination_slope",
        0.5,
        "how much a unit's own leaning (loyalty minus alignment) moves the share of others "
        "it needs to see on a side before joining it (threshold 0.5 + slope x leaning)",
        "-",
        0.0,
        5.0,
        source="Granovetter 1978; Singh 2014 (coups as coordination games)",
        group="security",
    ),
    real(
        "coordination_noise",
        0.15,
        "s.d. of a unit's private threshold shock when it decides whether to defect in an "
        "uprising (a coup's signals have their own noise, coup_signal_noise)",
        "share",
        0.0,
        1.0,
        source="Granovetter 1978 (heterogeneous thresholds); assumption 0.05-0.3",
        group="security",
    ),
    real(
        "weakness_discount",
        0.3,
        "threshold reduction at full regime weakness",
        "share",
        source="brief: 'defect when the regime looks doomed'",
        group="security",
    ),
    real(
        "protest_pressure",
        0.5,
        "defection seed per unit of active share above the containable share",
        "share",
        0.0,
        5.0,
        source="assumption",
        group="security",
    ),
    real(
        "security_quit_rate",
        1e-3,
        "weekly quit hazard of a security person per unit of protest load (protesters over "
        "what the loyal forces can contain): h = 1 - exp(-this x load). 2020: > 700 quit of "
        "~110,000 over ~20 weeks at loads of ~0.1-0.5 -> ~1e-3",
        "1/week",
        0.0,
        0.05,
        source=CF + ": > 700 security officials quit by late 2020; assumption for the load; "
        "range 2e-4 - 5e-3",
        group="security",
    ),
]
