"""Thresholds that turn the state into outcomes: uprising, mass mutiny, ejection, substitution
(``outcomes.py``).
"""

from __future__ import annotations

from abm.belarus.declare import CF, TUNED, real
from abm.params import Param

OUTCOME_PARAMS: list[Param] = [
    real(
        "uprising_share",
        0.035,
        "Chenoweth's participation mark, reported beside the uprising (whose test is failed "
        "containment) and the army's yardstick of a protest's size; 2020 reached 2-4 % and "
        "was contained; floor 0.1 % (~9,000 people)",
        "share",
        0.001,
        1.0,
        source="Chenoweth & Stephan 2011: 3.5 % rule; CF: 2020 peak 2-4 %",
        group="outcomes",
    ),
    real(
        "containment_ratio",
        4.0,
        "protesters one loyal coercive person can contain (the uprising test): 2020's "
        "~90,000 contained peaks of 2-4 % of the population, so >= 4; 4 x 90,500 / 9.26 M = "
        "3.9 %; >= 0.1: at 0 nothing could be contained and every week would be an uprising "
        "(0.1 = ten officers per protester, far below any observed policing)",
        "people/officer",
        0.1,
        100.0,
        source=CF + ": 2020 peak 100-200,000 in Minsk, contained; " + TUNED,
        group="outcomes",
    ),
    real(
        "mass_mutiny_share",
        0.25,
        "mutinied share of army strength that counts as a mass mutiny",
        "share",
        source="assumption (a quarter of the army: no longer one unit's affair)",
        group="outcomes",
    ),
    real(
        "ejection_backing",
        0.5,
        "share of security capacity backing the ruler below which he is ejected",
        "share",
        source="Singh 2014: a coup or revolt wins once most armed actors join it",
        group="outcomes",
    ),
    real(
        "substitution_success_share",
        0.5,
        "share of security capacity that must back Moscow for a substitution to succeed",
        "share",
        source="Singh 2014; Powell & Thyne 2011",
        group="outcomes",
    ),
]
