"""The army's parameters: size, morale and mutiny thresholds, deployment, Lanchester combat,
orders against protesters and clashes, and the war front (``actors/army.py``,
``mechanisms/front.py``).
"""

from __future__ import annotations

from abm.belarus.declare import ART, CF, TUNED, integer, real
from abm.params import Param

ARMY_PARAMS: list[Param] = [
    integer(
        "army_strength",
        46_500,
        "active armed forces",
        "soldiers",
        1_000,
        1_000_000,
        source=CF + ": IISS Military Balance 2022 / CIA 2022, 45,000-48,000",
        group="army",
    ),
    integer(
        "n_army_units",
        36,
        "army units (battalion to brigade scale); three per brigade network cluster",
        "units",
        3,
        500,
        source="brief: dozens",
        group="army",
    ),
    real(
        "army_pw_share",
        0.3,
        "mean share of pro-Western soldiers in a unit (conscripts mirror the population, "
        "contract soldiers and officers lean loyal)",
        "share",
        source="assumption from " + CF + " opinion polls",
        group="army",
    ),
    real("morale_initial", 0.75, "mean initial morale", "[0,1]", source="assumption", group="army"),
    real(
        "loyalty_army",
        0.75,
        "mean loyalty of army units to Lukashenko",
        "[0,1]",
        source=CF + ": no army unit defected in 2020",
        group="army",
    ),
    real(
        "mutiny_threshold",
        0.35,
        "mean morale below which a unit mutinies (unit thresholds U(+-0.1))",
        "[0,1]",
        source="Granovetter 1978 thresholds; assumption",
        group="army",
    ),
    real(
        "morale_recovery",
        0.1,
        "weekly recovery of morale toward its initial level",
        "1/week",
        source="assumption",
        group="army",
    ),
    real(
        "morale_w_losses",
        2.5,
        "morale lost per unit of the week's loss share",
        "1/share",
        0.0,
        100.0,
        source=ART + ": 'its defeat could culminate in mutinies'; " + TUNED,
        group="army",
    ),
    real(
        "morale_w_contagion",
        0.06,
        "weekly morale lost per unit of mutinied share among network neighbours (one of four "
        "neighbours mutinied lowers a unit's settled morale by 0.15)",
        "1/week",
        0.0,
        5.0,
        source="brief: comrades' mutinies; " + TUNED,
        group="army",
    ),
    real(
        "morale_w_protest",
        0.02,
        "weekly morale lost at a nationwide uprising, scaled by the unit's pro-Western share "
        "x 2 (2020-level protest leaves units above their thresholds: no unit defected)",
        "1/week",
        0.0,
        5.0,
        source="brief: protests at home; CF: no army unit defected in 2020; " + TUNED,
        group="army",
    ),
    real(
        "morale_w_weakness",
        0.03,
        "weekly morale lost per unit of regime weakness",
        "1/week",
        0.0,
        5.0,
        source="brief: regime's apparent weakness",
        group="army",
    ),
    real(
        "deploy_share",
        0.4,
        "share of the army's strength sent into Ukraine at direct intervention",
        "share",
        source="assumption: an expeditionary corps of ~20,000 (18,600 of 46,500); the "
        "expedition's sourced size range 10,000-20,000 is 0.2-0.45 of the army",
        group="army",
    ),
    real(
        "lanchester_alpha",
        0.02,
        "Belarusian soldiers lost per week per Ukrainian soldier on the sector, before the "
        "posture multiplier (x front_attack_ratio when assaulting a defended front or routed) "
        "and Russian rotation; 0.02 puts a stalled assault at ~5 %/week at parity, an "
        "unopposed breakthrough under 1 %/week",
        "1/week",
        0.0,
        1.0,
        source="Lanchester 1916; Dupuy 1990: engaged WWII divisions lost 1-3 %/day in attack "
        "(a week of fighting in a month's campaign); Kyiv axis 2022: ~25 % of the force in "
        "4-5 weeks (Cancian, CSIS, 29 Mar 2022); range 0.01-0.04",
        group="army",
    ),
    real(
        "lanchester_beta",
        0.02,
        "Ukrainian soldiers lost per week per effective Belarusian soldier (Russian fire "
        "support included); equal to alpha: Dupuy's 'numerical losses of attacker and "
        "defender are often similar'",
        "1/week",
        0.0,
        1.0,
        source="Lanchester 1916; Dupuy 1987 attrition verities (attacker and defender "
        "losses similar in number); range 0.01-0.04",
        group="army",
    ),
    real(
        "front_attack_ratio",
        3.0,
        "force ratio (effective strength) a side needs to advance; below it an assault meets "
        "a defended front and the defender's advantage multiplies the attacker's losses",
        "ratio",
        1.0,
        10.0,
        source="Mearsheimer 1989 (Int. Security 13(4)) the 3:1 rule; Dupuy: the average "
        "successful attack ran at ~2:1; range 2-4",
        group="army",
    ),
    real(
        "front_kappa",
        1.0,
        "Ukraine's target sector force per expedition soldier (it shifts forces to match "
        "the threat, capped by ukraine_strength)",
        "troops/troop",
        0.0,
        10.0,
        source="assumption: a defender matching the threat soldier for soldier (1:1), within "
        "the 3:1 rule's 1/3 (enough to hold) to 2 (to counter-attack); range 0.5-2",
        group="army",
    ),
    real(
        "front_delta",
        0.3,
        "weekly share of the gap to its target that Ukraine closes by moving forces",
        "1/week",
        0.0,
        1.0,
        source="Kyiv 2022: Ukrainian reserves reached the capital's approaches within 2-3 "
        "weeks of 24 Feb (ISW campaign assessments); time constant 2-10 weeks: 0.1-0.5",
        group="army",
    ),
    real(
        "front_fire_support",
        0.5,
        "Russian artillery and air support as extra combat power of the expedition "
        "(B_eff = (1 + f) B)",
        "share",
        0.0,
        5.0,
        source="assumption: Russian fires support a Belarusian corps without replacing it; "
        "UK MoD 30 Mar 2022: Russia compensates with mass artillery; range 0-1",
        group="army",
    ),
    real(
        "front_rotation",
        0.2,
        "share of the fire aimed at the expedition that Russian units rotating through its "
        "line take instead",
        "share",
        0.0,
        0.9,
        source="assumption: Russian relief in place on a joint sector; range 0-0.4",
        group="army",
    ),
    real(
        "front_withdraw_loss",
        0.35,
        "share of the soldiers a unit brought to the front whose loss makes it "
        "combat-ineffective: it withdraws home and is not sent again",
        "share",
        0.05,
        1.0,
        source="Soviet and US doctrine: a unit at 60-70 % strength is combat-ineffective and "
        "pulled out for reconstitution (30-40 % losses); Dupuy 1990 on breakpoints; UK MoD "
        "May 2022: > 1/4 of Russia's BTGs combat-ineffective; range 0.3-0.4",
        group="army",
    ),
    real(
        "front_culmination_loss",
        0.2,
        "share of the soldiers it brought that an expedition which has not broken through "
        "may lose before its offensive is called off and the whole expedition withdraws",
        "share",
        0.01,
        1.0,
        source="Clausewitz's culminating point of the attack; Kyiv 2022: Moscow pulled back "
        "(29 Mar) at ~15-32 % of the invasion force lost (Cancian, CSIS); range 0.15-0.35",
        group="army",
    ),
    real(
        "front_exposure_shape",
        4.0,
        "gamma shape of a unit's weekly exposure to fire (mean 1; coefficient of variation "
        "1/sqrt(shape)): some units sit where the fire falls",
        "-",
        0.1,
        1000.0,
        source="Dupuy 1990: casualties concentrate at the point of contact; assumption, "
        "cv 0.2-1 (shape 1-25)",
        group="army",
    ),
    real(
        "morale_w_defeat",
        0.15,
        "morale every unit loses in a week the expedition is routed or a share of it "
        "withdraws combat-ineffective (x that share; a rout counts as 1)",
        "1/week",
        0.0,
        5.0,
        source=ART + ": 'its defeat could culminate in mutinies'; assumption, range 0-0.3",
        group="army",
    ),
    real(
        "army_internal_share",
        0.25,
        "share of army strength ordered against protesters in an uprising",
        "share",
        source="Paine 2022",
        group="army",
    ),
    real(
        "refusal_mid",
        1.0,
        "refusal index (pro-Western share + disloyalty + demoralisation) at which an ordered "
        "unit refuses with probability one half",
        "-",
        0.0,
        3.0,
        source="Paine 2022: not defending the ruler; assumption",
        group="army",
    ),
    real(
        "army_police_factor",
        0.5,
        "police-equivalents per soldier ordered against protesters",
        "-",
        0.0,
        5.0,
        source="assumption",
        group="army",
    ),
    real(
        "clash_damage",
        0.2,
        "security capacity lost per week per clashing soldier",
        "-",
        0.0,
        5.0,
        source=ART + ": 'conflicts between military and internal security forces'",
        group="army",
    ),
    real(
        "clash_army_loss",
        0.05,
        "weekly probability that a soldier of a unit clashing with internal security is "
        "killed, wounded or captured (the army's side of the clash)",
        "1/week",
        0.0,
        1.0,
        source=ART + ": 'conflicts between military and internal security forces'; "
        "assumption, range 0.01-0.2",
        group="army",
    ),
]
