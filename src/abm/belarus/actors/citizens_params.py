"""The citizens' parameters: orientation, legitimacy per group and what moves it, hardship,
memories and cascades (``actors/citizens.py``, ``mechanisms/economy.py``).
"""

from __future__ import annotations

from abm.belarus.declare import ART, CF, TUNED, real
from abm.params import Param

CITIZEN_PARAMS: list[Param] = [
    real(
        "pro_western_share",
        0.5,
        "share of citizens oriented to the West (the rest pro-Russian); Chatham House Sept "
        "2020: Russia only 27 %, EU only 9 %, both 41 %, neither 23 % - splitting 'both' "
        "and 'neither' evenly gives ~0.5; low confidence, sweep it",
        "share",
        source=CF + ": Chatham House 2020",
        group="citizens",
    ),
    real(
        "legitimacy_pw",
        0.87,
        "regime legitimacy for pro-Western citizens before the crackdown's legacy (at level 3 "
        "with the legacy ~0.71: quiet - turnout ~0.3-0.5 % - but aggrieved against 0.92 for "
        "pro-Russian citizens)",
        "[0,1]",
        source="Chatham House 2022: 3-6 % back joining the war; " + TUNED,
        group="citizens",
    ),
    real(
        "legitimacy_pr",
        0.9,
        "regime legitimacy for pro-Russian citizens",
        "[0,1]",
        source="Chatham House 2022: 23-32 % back Russia's war; " + TUNED,
        group="citizens",
    ),
    real(
        "crackdown_legitimacy_pw",
        0.06,
        "legitimacy the 2020 crackdown cost pro-Western citizens ('quiet but aggrieved')",
        "[0,1]",
        source="brief mechanism 8; " + TUNED,
        group="citizens",
    ),
    real(
        "complicity_legitimacy_pw",
        0.10,
        "legitimacy lost by pro-Western citizens per support level 0..4 at full (4)",
        "[0,1]",
        source=ART + ": complicity; " + TUNED,
        group="citizens",
    ),
    real(
        "alignment_legitimacy_pr",
        0.04,
        "legitimacy gained by pro-Russian citizens from support short of war, at level 4",
        "[0,1]",
        source="Chatham House 2022: 23-32 % back Russia's war",
        group="citizens",
    ),
    real(
        "intervention_legitimacy_pw",
        0.05,
        "legitimacy lost by pro-Western citizens when the army fights in Ukraine (the "
        "announcement alone lifts turnout toward, not past, the 2020 level; casualties do the "
        "rest)",
        "[0,1]",
        source=CF + ": Sept 2022 phone poll, 85 % against direct participation; " + TUNED,
        group="citizens",
    ),
    real(
        "intervention_legitimacy_pr",
        0.03,
        "legitimacy lost by pro-Russian citizens when the army fights in Ukraine",
        "[0,1]",
        source=CF + ": Sept 2022 phone poll, 85 % against (only 11 % for); " + TUNED,
        group="citizens",
    ),
    real(
        "casualty_legitimacy_pw",
        2.0,
        "legitimacy lost by pro-Western citizens per unit of remembered casualty share "
        "(casualties / initial army)",
        "1/share",
        0.0,
        20.0,
        source="brief: casualties; " + TUNED,
        group="citizens",
    ),
    real(
        "casualty_legitimacy_pr",
        1.5,
        "legitimacy lost by pro-Russian citizens per unit of remembered casualty share",
        "1/share",
        0.0,
        20.0,
        source="brief: casualties; " + TUNED,
        group="citizens",
    ),
    real(
        "casualty_memory",
        0.04,
        "weekly decay of the remembered casualty share (half-life ~17 weeks)",
        "1/week",
        0.0,
        1.0,
        source="assumption",
        group="citizens",
    ),
    real(
        "mobilisation_legitimacy_pw",
        0.03,
        "legitimacy lost by pro-Western citizens while mobilisation (level 4+) runs",
        "[0,1]",
        source="brief: mobilisation",
        group="citizens",
    ),
    real(
        "mobilisation_legitimacy_pr",
        0.02,
        "legitimacy lost by pro-Russian citizens while mobilisation runs",
        "[0,1]",
        source="brief: mobilisation",
        group="citizens",
    ),
    real(
        "repression_legitimacy_pw",
        0.5,
        "legitimacy lost by pro-Western citizens per unit of remembered crackdown share (the "
        "weekly share of citizen agents whose protest the police broke up, decaying at "
        "repression_memory; kept small: the crackdown's lasting cost is "
        "crackdown_legitimacy_pw)",
        "1/share",
        0.0,
        100.0,
        source="brief: repression moves legitimacy; " + TUNED,
        group="citizens",
    ),
    real(
        "repression_legitimacy_pr",
        0.3,
        "legitimacy lost by pro-Russian citizens per unit of remembered arrest share",
        "1/share",
        0.0,
        100.0,
        source="brief: repression moves legitimacy",
        group="citizens",
    ),
    real(
        "repression_memory",
        0.2,
        "weekly decay of the remembered crackdown share (protests broken up over citizens)",
        "1/week",
        source="assumption",
        group="citizens",
    ),
    real(
        "hardship_legitimacy_pw",
        0.10,
        "legitimacy lost by pro-Western citizens per unit of economic hardship index",
        "1/index",
        source="brief: hardship moves legitimacy",
        group="citizens",
    ),
    real(
        "hardship_legitimacy_pr",
        0.03,
        "legitimacy lost by pro-Russian citizens per unit of hardship (they blame sanctions)",
        "1/index",
        source="brief: hardship moves legitimacy",
        group="citizens",
    ),
    real(
        "sanctions_hardship",
        0.10,
        "hardship index per unit of sanctions: H_eff = 1 - (1 - H)(1 - h)",
        "1/index",
        source="brief: hardship from sanctions",
        group="citizens",
    ),
    real(
        "pressure_hardship",
        0.15,
        "hardship index per unit of Kremlin economic pressure",
        "1/index",
        source="brief: Kremlin economic pressure",
        group="citizens",
    ),
    real(
        "mobilisation_hardship",
        0.08,
        "hardship index while mobilisation (level 4+) runs",
        "index",
        source="brief: mobilisation",
        group="citizens",
    ),
    real(
        "falsification_premium",
        0.10,
        "extra threshold of a citizen who still falsifies her preference (Kuran): she acts "
        "only once last week's national turnout (people protesting over the population) "
        "reaches her personal threshold",
        "-",
        source="Kuran 1991; Granovetter 1978; " + TUNED,
        group="citizens",
    ),
    real(
        "cascade_threshold_max",
        0.1,
        "personal revelation thresholds are U(0, this), in last week's national turnout",
        "share",
        0.0,
        1.0,
        source="Granovetter 1978; 2020 peak ~2-4 % (CF)",
        group="citizens",
    ),
    real(
        "fatigue_build",
        0.08,
        "weekly rise of a protesting agent's fatigue toward 1: f <- f + this (1 - f) in a "
        "week it protested (active at the week's end or broken up during it)",
        "1/week",
        0.0,
        1.0,
        source=CF + ": weekly marches from 16 Aug faded over the winter of 2020-21 (~15-20 "
        "weeks); assumption: fatigue near 0.75 after ~17 weeks of protest; range 0.02-0.3",
        group="citizens",
    ),
    real(
        "fatigue_recovery",
        0.02,
        "weekly decay of fatigue while quiet: f <- f (1 - this) (half-life ~35 weeks)",
        "1/week",
        0.0,
        1.0,
        source=CF + ": marches did not return after 2020-21; assumption: half-life 7 weeks "
        "to 3 years (0.005-0.1)",
        group="citizens",
    ),
    real(
        "fatigue_weight",
        0.15,
        "threshold added at full fatigue: T_eff = T + this f (grievance G = H (1 - L) is at "
        "most 1 - L, ~0.3-0.5 in a crisis, so 0.15 silences most of a tired crowd)",
        "-",
        0.0,
        1.0,
        source="assumption: range 0-0.5",
        group="citizens",
    ),
]
