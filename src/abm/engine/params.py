"""Parameters of the civil-violence engine as Epstein (2002) states them, with the variants
other implementations chose (NetLogo Rebellion, Mesa 3.5's bundled example)."""

from __future__ import annotations

from abm.params import Param, ParamSet

EPSTEIN = "Epstein 2002, PNAS 99(s3), Table 2"

EPSTEIN_PARAMS = ParamSet(
    [
        Param("width", 40, "int", "grid columns (torus)", "cells", 3, 20_000, source=EPSTEIN),
        Param("height", 40, "int", "grid rows (torus)", "cells", 3, 20_000, source=EPSTEIN),
        Param(
            "citizen_density",
            0.7,
            "float",
            "share of cells holding a citizen",
            "share",
            0.0,
            1.0,
            source=EPSTEIN,
        ),
        Param(
            "cop_density",
            0.04,
            "schedule",
            "share of cells holding police on duty",
            "share",
            0.0,
            1.0,
            source=EPSTEIN + "; run 5 walks it down",
        ),
        Param(
            "legitimacy",
            0.82,
            "schedule",
            "regime legitimacy L in G = H(1-L)",
            "[0,1]",
            0.0,
            1.0,
            source=EPSTEIN + "; runs 3-4 drop it",
        ),
        Param("vision", 7.0, "float", "citizen vision v", "cells", 0.0, 100.0, source=EPSTEIN),
        Param("cop_vision", 7.0, "float", "police vision v*", "cells", 0.0, 100.0, source=EPSTEIN),
        Param(
            "k",
            2.3,
            "float",
            "arrest constant in P = 1 - exp(-k C/A)",
            "-",
            0.0,
            100.0,
            source=EPSTEIN,
        ),
        Param(
            "threshold",
            0.1,
            "float",
            "activation threshold T in G - R P > T",
            "-",
            0.0,
            1.0,
            source=EPSTEIN,
        ),
        Param(
            "max_jail_term",
            30,
            "int_or_inf",
            "maximum jail term J_max (inf = for ever)",
            "steps",
            0,
            10**9,
            source=EPSTEIN,
        ),
        Param(
            "jail_draw",
            "uniform",
            "choice",
            "how a term is drawn: U{0..J_max} or J_max",
            choices=("uniform", "fixed"),
            source=EPSTEIN + " (uniform)",
        ),
        Param(
            "arrest_rule",
            "literal",
            "choice",
            "f in P = 1 - exp(-k f(C/A)): as printed, NetLogo's floor, Mesa's round",
            choices=("literal", "floor", "round"),
            source="Epstein 2002; Wilensky 2004 NetLogo Rebellion; Mesa 3.5 example",
        ),
        Param(
            "vision_shape",
            "von_neumann",
            "choice",
            "cells a vision v spans",
            choices=("von_neumann", "moore", "euclidean", "cross"),
            source="Mesa example (von Neumann); NetLogo (euclidean); Sugarscape (cross)",
        ),
        Param(
            "movement",
            True,
            "bool",
            "rule M: move to a random empty cell in vision",
            source=EPSTEIN,
        ),
        Param(
            "activation",
            "random_sequential",
            "choice",
            "update order: each agent once per step in a fresh random order",
            choices=("random_sequential",),
            source=EPSTEIN,
        ),
    ]
)
