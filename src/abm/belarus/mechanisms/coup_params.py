"""The parameters of a contested coup (``mechanisms/coup.py``): who plays, how much each
weighs in the capital, what a player sees and what it fears, and what fighting costs.

Every range is sourced or marked an assumption; the sourced ranges an estimation may move are
in ``priors.toml`` under "# coup (issue 12)".
"""

from __future__ import annotations

from abm.belarus.declare import integer, real
from abm.params import Param

SINGH = "Singh 2014 (Seizing Power: coups as coordination games, decided in the capital)"

COUP_PARAMS: list[Param] = [
    integer(
        "coup_max_rounds",
        3,
        "weeks a substitution attempt can last: one round of commitments per week; an attempt "
        "that has no majority by its last round fails",
        "weeks",
        1,
        8,
        source=SINGH + "; Powell & Thyne 2011: attempts are decided within days (1991 Moscow: "
        "3 days; 2016 Turkey: one night) - a week-long round is the model's coarsest grain",
        group="coup",
    ),
    real(
        "capital_garrison_share",
        0.15,
        "share of the army's units garrisoned near the capital that take part in a coup (the "
        "first garrison units by index); the rest are too far to matter within the attempt",
        "share",
        source="IISS Military Balance 2022: 120th mechanised brigade (Minsk), 19th mechanised "
        "brigade (Zaslawye), 5th special forces brigade (Maryina Horka) - about 3 of ~18 "
        "manoeuvre brigades and regiments; range 0.05-0.3",
        group="coup",
    ),
    real(
        "coup_capital_weight",
        3.0,
        "weight of one person of a unit based in the capital relative to one based elsewhere "
        "(who must first reach the capital's key sites)",
        "-",
        1.0,
        20.0,
        source=SINGH + ": the palace, the broadcaster and the ministries are in the capital; "
        "assumption: 1 (no edge) to 10",
        group="coup",
    ),
    real(
        "coup_army_weight",
        1.0,
        "fighting weight of one soldier relative to one security person in a coup",
        "-",
        0.1,
        10.0,
        source="assumption: soldiers carry heavier arms but police and internal troops hold "
        "the streets; 0.5-3",
        group="coup",
    ),
    real(
        "coup_army_affinity",
        0.5,
        "army units' alignment with Moscow as a multiple of the security services' "
        "capacity-weighted mean alignment (officers trained in Russian academies, joint "
        "command; less targeted than the KGB)",
        "-",
        0.0,
        2.0,
        source="CALIBRATION_FACTS: joint regional grouping; assumption 0.25-1",
        group="coup",
    ),
    real(
        "coup_loyal_core",
        0.7,
        "share of each unit's personally loyal personnel (loyalty x the unpenetrated share) "
        "that commits to the ruler in the first round, before the unit as a whole decides",
        "share",
        source="De Bruin 2018 (counterbalancing: guard units answer a coup at once); Paine "
        "2022 (defending the ruler vs joining a coup); 1 = as Moscow's penetrated personnel do "
        "(symmetry); assumption 0.5-1; 0.7 gives the baseline's initial success odds (~0.3) "
        "near the one-shot cascade's (~0.4)",
        group="coup",
    ),
    real(
        "coup_signal_noise",
        0.1,
        "s.d. of a player's private signal of the committed margin (Moscow's minus the "
        "ruler's share of capital-weighted capacity); also its uncertainty about who wins",
        "share",
        source="Morris & Shin 2003 (global games); assumption 0.02-0.3 (0 = a deterministic "
        "coordination outcome)",
        group="coup",
    ),
    real(
        "coup_losing_cost",
        1.0,
        "a player's cost of ending on the losing side, in units of full loyalty (or alignment)",
        "-",
        0.0,
        10.0,
        source="Svolik 2012 and Sudduth 2017: failed plotters are purged, jailed or killed; "
        "loyalists of a fallen ruler purged; assumption 0.5-3",
        group="coup",
    ),
    real(
        "coup_clash_rate",
        0.05,
        "share of the smaller committed side's capacity that each side loses per round of "
        "clashes (capacity for security units, soldiers for army units)",
        "share",
        source="Powell & Thyne 2011: most coup attempts are nearly bloodless; Turkey 2016: "
        "~250 dead of ~8,000 plotters (~3 %); range 0-0.15",
        group="coup",
    ),
]
