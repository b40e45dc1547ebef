"""Parameters of the civil-violence engine as Epstein (2002) states them, with the variants
other implementations chose (NetLogo Rebellion, Mesa 3.5's bundled example)."""

from __future__ import annotations

from abm.engine.neighbourhood import SHAPES
from abm.params import Param, ParamSet

EPSTEIN = "Epstein 2002, PNAS 99(s3), Table 2"

#: Shared with every model that builds on the engine (the Belarus model files it under its
#: "engine" group): one declaration of what the kernel's neighbourhoods support.
VISION_SHAPE = Param(
    "vision_shape",
    "von_neumann",
    "choice",
    "cells a vision v spans",
    choices=SHAPES,
    source="Mesa example (von Neumann); NetLogo (euclidean); Sugarscape (cross)",
)

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
            "jail term in whole steps missed: U{0..J_max}; NetLogo's max(U{0..J_max-1} - 1, 0);"
            " or J_max",
            choices=("uniform", "netlogo", "fixed"),
            source="Epstein 2002 (uniform); Wilensky 2004 NetLogo Rebellion (netlogo)",
        ),
        Param(
            "arrest_rule",
            "literal",
            "choice",
            "f in P = 1 - exp(-k f(C/A)): as printed, NetLogo's floor, Mesa's round",
            choices=("literal", "floor", "round"),
            source="Epstein 2002; Wilensky 2004 NetLogo Rebellion; Mesa 3.5 example",
        ),
        VISION_SHAPE,
        Param(
            "movement",
            True,
            "bool",
            "rule M for citizens: move to a random empty cell in vision (run 1: none)",
            source=EPSTEIN + "; NetLogo's movement? switch, police always move",
        ),
        Param(
            "cop_movement",
            True,
            "bool",
            "rule M for police",
            source=EPSTEIN,
        ),
        Param(
            "order",
            "move_then_act",
            "choice",
            "within an agent's turn: move then act (paper) or act then move (Mesa example)",
            choices=("move_then_act", "act_then_move"),
            source="Epstein 2002; Mesa 3.5 example",
        ),
        Param(
            "cop_moves_to_arrest",
            False,
            "bool",
            "the arresting officer steps onto the arrestee's cell",
            source="Wilensky 2004 NetLogo Rebellion (the paper is silent)",
        ),
        Param(
            "jail_location",
            "off_grid",
            "choice",
            "the jailed leave the grid (paper, NetLogo) or keep blocking their cell (Mesa)",
            choices=("off_grid", "in_place"),
            source="Epstein 2002; Mesa 3.5 example",
        ),
        Param(
            "count_self_twice",
            False,
            "bool",
            "an active citizen counts herself twice in A (NetLogo's vision holds her patch)",
            source="Wilensky 2004 NetLogo Rebellion",
        ),
        Param(
            "activation",
            "random_sequential",
            "choice",
            "update: each agent once per step in a fresh random order (paper); synchronous is"
            " a different model",
            choices=("random_sequential",),
            source=EPSTEIN,
        ),
    ]
)


def check_consistent(p: dict) -> None:
    """Cross-field checks that a single parameter's range cannot express.

    Raises ParameterError naming the field, the value and what is allowed, before any
    model is built.
    """
    from abm.engine.neighbourhood import vision_radius
    from abm.errors import ParameterError
    from abm.limits import check_cells

    check_cells(p["width"], p["height"])
    peak_cops = p["cop_density"].bounds()[1]
    if p["citizen_density"] + peak_cops > 1.0:
        raise ParameterError(
            "cop_density",
            str(p["cop_density"]),
            f"at most 1 - citizen_density = {1.0 - p['citizen_density']:g} at every step",
        )
    side = min(p["width"], p["height"])
    for name in ("vision", "cop_vision"):
        if 2 * vision_radius(p[name]) >= side:
            raise ParameterError(
                name,
                p[name],
                f"a vision whose whole-cell radius is below half the grid side"
                f" ({side}): < {(side + 1) // 2}",
            )
    if p["jail_location"] == "in_place" and p["cop_moves_to_arrest"]:
        raise ParameterError(
            "cop_moves_to_arrest", True, "false when jail_location = in_place (the cell is taken)"
        )
