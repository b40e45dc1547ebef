"""The Kremlin: a decision maker weighing what Belarus's help is worth against what pressing
for it, or replacing the man who gives it, may cost.

Article claims implemented here, each as a term of Moscow's trade-off (units: the value to
Moscow of Belarus's full military support; ``docs/ODD.md`` section 8.2 has the sources):

- "Putin expected Belarus's full assistance in the war against Ukraine" -> the value of
  Belarusian support rises with desperation (``troop_value``); "the Kremlin can now assert
  that Ukraine's counter-offensive ... constitutes an attack on the Russia-Belarus Union
  State" -> its doctrine term once annexed land is attacked (mechanism 3).
- "another popular uprising in Belarus may not be containable ... could endanger the
  survival of the Union State" -> pressing costs more the more unstable Belarus looks
  (``perceived_instability``), and Lukashenko's warnings (mechanism 7) raise that perceived
  risk in proportion to the unrest behind them, weighed by Moscow's credence in them, which
  warnings nothing bears out wear (``warning_credence_step``, cry-wolf; off by default). The
  demand is the level that maximises value minus the cost of pressing (``demanded_support``).
- "Putin could replace Lukashenko with a more dependable loyalist if he becomes sufficiently
  exasperated" / "he is indispensable" / "as desperation mounts in Moscow, the Kremlin may be
  more willing to take greater risks" -> the gamble (``substitution_margin``): keep him (the
  stability he brings against a pro-Western street) or attempt (success odds x what a
  loyalist brings, minus a failure's cost), with a hidden resolve and desperation as the
  risk appetite; a logit choice when the chance arises (``substitution_hazard``).
  Mechanism 4. Whose unrest matters: a pro-Western street makes Moscow back him (2020); a
  pro-Russian street or a mutinous army makes him replaceable.
- "Russia's direct intervention" -> troops police Minsk for a ruler facing an uprising and
  leave when it ends (possibly more than once), and the week he falls to a revolt Moscow
  occupies Belarus or lets it go, from the same trade-off (``rescue_margin``; mechanism 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL
from abm.belarus.mechanisms.economy import dependence_step, economic_pressure, leverage

if TYPE_CHECKING:
    from abm.belarus.world_params import Inputs
    from abm.params import Values


def logistic(x: float) -> float:
    """Numerically safe 1 / (1 + exp(-x))."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# ---------------------------------------------------------------------------- resolve
def resolve_grid(p: Values) -> np.ndarray:
    """Moscow's possible resolve types: ``resolve_types`` evenly spaced on [0, 1] (one type:
    0.5). The ruler's belief grid is his own parameter; this is the truth's support."""
    n = int(p.resolve_types)
    return np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)


def draw_resolve(p: Values, rng: np.random.Generator) -> float:
    """Moscow's hidden type for the run, from a uniform prior over ``resolve_grid``."""
    grid = resolve_grid(p)
    return float(grid[rng.integers(grid.size)])


def risk_appetite(p: Values, resolve: float, desperation: float) -> float:
    """Share of a risk's cost Moscow discounts: appetite_resolve R + appetite_desperation D,
    capped to [0, 1] ("more willing to take greater risks")."""
    rho = p.appetite_resolve * resolve + p.appetite_desperation * desperation
    return min(1.0, max(0.0, rho))


# ----------------------------------------------------------------------------- demand
def troop_value(p: Values, desperation: float, counteroffensive: float, annexed: bool) -> float:
    """What Belarusian support is worth to Moscow, as the level it would demand at no risk:
    demand_base + demand_desperation D + doctrine_demand x counteroffensive (the doctrine term
    only once annexed land exists and mechanism 3 is on)."""
    doctrine = p.doctrine_demand * counteroffensive if (annexed and p.mech_union_doctrine) else 0
    return p.demand_base + p.demand_desperation * desperation + doctrine


def perceived_instability(p: Values, unrest: float, warned: bool, credence: float = 1.0) -> float:
    """Moscow's perceived risk of instability in Belarus, in [0, 1]: the unrest it sees
    (turnout over what the loyal forces can contain, capped at 1), raised by
    (1 + warning_risk x credence) when Lukashenko warned (mechanism 7), ``credence`` in
    [0, 1] Moscow's belief in his warnings (``warning_credence_step``). A warning is worth
    what the unrest behind it is worth: in a quiet week it moves little."""
    risk = min(1.0, max(0.0, unrest))
    if warned and p.mech_warning:
        risk = min(1.0, risk * (1.0 + p.warning_risk * credence))
    return risk


def warning_credence_step(p: Values, credence: float, warned: bool, borne_out: bool) -> float:
    """Moscow's credence in Lukashenko's warnings after a week (mechanism 7, cry-wolf): a
    warning no uprising bears out (``warned`` and not ``borne_out``) cuts it by the factor
    (1 - warning_wear); any other week (he was silent, or an uprising is on) it recovers
    toward 1 by warning_recovery x (1 - credence). With warning_wear = 0 it stays at 1."""
    if warned and not borne_out:
        return credence * (1.0 - p.warning_wear)
    return credence + p.warning_recovery * (1.0 - credence)


def demanded_support(
    p: Values, desperation: float, counteroffensive: float, annexed: bool, instability: float
) -> float:
    """The support level Moscow demands this week, in [0, 5]: the d maximising
    v d - (1 + instability_cost r) d^2 / 2 (value of the support obtained, linear; the cost
    of pressing, convex and dearer the more unstable Belarus looks), i.e.
    d* = v / (1 + instability_cost r), v = ``troop_value``, r = ``perceived_instability``."""
    v = troop_value(p, desperation, counteroffensive, annexed)
    d = v / (1.0 + p.instability_cost * instability)
    return min(5.0, max(0.0, d))


def unmet_demand(demand: float, level: int, excuse_relief: float) -> float:
    """Levels of demand left unmet at ``level``; the NATO excuse forgives up to
    ``excuse_relief`` levels, but only while troops stay home (below intervention)."""
    relief = excuse_relief if level < INTERVENTION_LEVEL else 0.0
    return max(0.0, demand - level - relief)


def exasperation_step(p: Values, exasperation: float, gap_levels: float, purged: bool) -> float:
    """E' = (1 - decay) E + gain * gap / 5 (+ purge_exasperation after a purge). With gain =
    decay (the defaults) E is Moscow's memory of the share of full support left unmet."""
    e = (1.0 - p.exasperation_decay) * exasperation + p.exasperation_gain * gap_levels / 5.0
    if purged:
        e += p.purge_exasperation
    return max(0.0, e)


def projected_exasperation(p: Values, exasperation: float, gap_levels: float, weeks: int) -> float:
    """Exasperation after holding a constant gap for ``weeks`` (closed form of
    ``exasperation_step``): E_ss + (E - E_ss)(1 - decay)^weeks, E_ss = gain gap / (5 decay)."""
    decay = p.exasperation_decay
    if decay <= 0:
        return exasperation + weeks * p.exasperation_gain * gap_levels / 5.0
    e_ss = p.exasperation_gain * gap_levels / (5.0 * decay)
    return e_ss + (exasperation - e_ss) * (1.0 - decay) ** weeks


# ------------------------------------------------------------------------- the gamble
@dataclass(frozen=True)
class Unrest:
    """Whose unrest Moscow sees: the pro-Western part of its perceived instability risk,
    pro-Russian unrest (turnout over threshold, their share of it) and the army's mutinied
    share over ``mass_mutiny_share``; each in [0, 1]."""

    pro_western: float = 0.0
    pro_russian: float = 0.0
    mutiny: float = 0.0


CALM = Unrest()


def indispensability(p: Values, polarisation: float) -> float:
    """The stability Lukashenko brings, as Moscow sees it in a calm week:
    indispensability_base + indispensability_polarisation x polarisation, polarisation the
    gap between pro-Russian and pro-Western legitimacy (the wider, the more Moscow fears
    "the floodgates to Western penetration" without him)."""
    return p.indispensability_base + p.indispensability_polarisation * polarisation


def keep_value(p: Values, indispensability_: float, unrest: Unrest) -> float:
    """What Moscow loses by removing him: his stability, worth (1 + back_pw x pro-Western
    risk) times more against a pro-Western street (2020: Moscow backed him)."""
    return indispensability_ * (1.0 + p.back_pw * unrest.pro_western)


def replace_value(p: Values, value: float, exasperation: float, unrest: Unrest) -> float:
    """What a loyalist brings: the support Lukashenko withholds (Moscow's memory of the unmet
    share, ``exasperation``, at the value of full support ``value`` / 5), plus the order
    he can no longer keep among a pro-Russian public (``replace_pr``) or in the army
    (``replace_mutiny``)."""
    return (
        value / 5.0 * exasperation
        + p.replace_pr * unrest.pro_russian
        + p.replace_mutiny * unrest.mutiny
    )


def substitution_margin(
    p: Values,
    exasperation: float,
    desperation: float,
    odds: float,
    indispensability_: float,
    *,
    resolve: float,
    value: float,
    unrest: Unrest = CALM,
) -> float:
    """Expected value of attempting minus keeping him:
    odds x (replace - (1 - rho) keep) - (1 - odds)(1 - rho) failure_cost, rho the risk
    appetite (resolve, desperation), which discounts both risks a move runs: the stability
    lost with him and a failure's cost."""
    rho = risk_appetite(p, resolve, desperation)
    gain = replace_value(p, value, exasperation, unrest) - (1.0 - rho) * keep_value(
        p, indispensability_, unrest
    )
    return odds * gain - (1.0 - odds) * (1.0 - rho) * p.failure_cost


def substitution_hazard(
    p: Values,
    exasperation: float,
    desperation: float,
    odds: float,
    indispensability_: float,
    *,
    resolve: float | None = None,
    value: float | None = None,
    unrest: Unrest = CALM,
) -> float:
    """Weekly probability that Moscow attempts a substitution (mechanism 4):
    sub_opportunity x logistic(choice_scale x margin) - the chance to weigh it, then a logit
    choice between attempting and keeping him (``substitution_margin``). Without ``resolve``
    the prior mean type; without ``value`` the war's value with no doctrine trigger; without
    ``unrest`` a calm week. Zero when the mechanism is off."""
    if not p.mech_substitution:
        return 0.0
    if resolve is None:
        resolve = float(resolve_grid(p).mean())
    if value is None:
        value = troop_value(p, desperation, 0.0, False)
    margin = substitution_margin(
        p,
        exasperation,
        desperation,
        odds,
        indispensability_,
        resolve=resolve,
        value=value,
        unrest=unrest,
    )
    return p.sub_opportunity * logistic(p.choice_scale * margin)


def rescue_margin(p: Values, pro_western_share: float, appetite: float, cost: float) -> float:
    """Sending troops into Belarus (to police Minsk for its ruler, or to occupy it after he
    has fallen): union_value x the pro-Western share of the unrest (the chance a successor
    turns West) - (1 - appetite) x the move's cost. A pro-Russian street is not one Moscow
    fights."""
    return p.union_value * pro_western_share - (1.0 - appetite) * cost


def choice_probability(p: Values, margin: float) -> float:
    """Moscow's logit choice for a move with this value margin over not moving."""
    return logistic(p.choice_scale * margin)


class Kremlin(mesa.Agent):
    """Moscow (one agent). Each week it reassesses (``reassess``: the war's value, whose unrest
    it sees, the demand), acts on what it sees (``act``: police Minsk for a ruler facing an
    uprising, withdraw when it ends, or weigh a substitution) and, once Minsk has chosen,
    reacts to the unmet demand (``react``: exasperation and economic pressure). Its resolve,
    a hidden type drawn once at construction, sets its appetite for risk."""

    def __init__(self, model: mesa.Model, p: Values, x: Inputs):
        super().__init__(model)
        self.p = p
        self.resolve = draw_resolve(p, model.actor_rng)  # hidden from the ruler
        self.desperation = x.war_trajectory
        self.appetite = risk_appetite(p, self.resolve, self.desperation)
        self.value = 0.0  # troop_value this week (levels Moscow would demand at no risk)
        self.demand = 0.0
        self.instability = 0.0  # perceived instability risk (warning-amplified)
        self.warning_credence = 1.0  # belief in his warnings (worn by unconfirmed ones)
        self.unrest = CALM
        self.exasperation = p.exasperation_initial
        self.dependence = p.dependence_base
        self.leverage = 0.0
        self.pressure = 0.0
        self.backing = 0.0  # share of its pressure withheld to back him against the street
        self.indispensability = p.indispensability_base
        self.odds = 0.0
        self.margin = 0.0  # value of attempting minus keeping him
        self.hazard = 0.0
        self.gap = 0.0  # levels of this week's demand left unmet (net of the excuse)
        self.attempts = 0
        self.interventions = 0  # entries of Russian troops into Belarus
        self.intervened = False  # Russian troops are inside Belarus now
        self.russian_people = 0.0  # Russian troops inside Belarus, policing the capital

    def start(self, x: Inputs) -> None:
        """Week 0: dependence and leverage at the initial sanctions, and the demand for the
        record (step 0 of the series) only: it draws no random numbers and every week
        recomputes it before anything reads it."""
        p = self.p
        self.dependence = p.dependence_base + (
            p.sanctions_dependence * x.sanctions if p.mech_sanctions_dependence else 0.0
        )
        self.dependence = min(1.0, self.dependence)
        self.leverage = leverage(self.dependence, p.pressure_willingness)
        self.update_demand(x.counteroffensive, x.annexed, x.war_active)

    def update_desperation(self, war_trajectory: float) -> None:
        """Desperation follows the war's course with inertia ('as desperation mounts'); the
        risk appetite follows it."""
        self.desperation += self.p.desperation_rate * (war_trajectory - self.desperation)
        self.appetite = risk_appetite(self.p, self.resolve, self.desperation)

    def update_demand(self, counteroffensive: float, annexed: bool, war_active: float) -> None:
        """Set this week's demand from the war's value and the perceived instability. With no
        war under way (before 24 Feb 2022) Moscow demands no military support."""
        self.value = troop_value(self.p, self.desperation, counteroffensive, annexed)
        self.demand = demanded_support(
            self.p, self.desperation, counteroffensive, annexed, self.instability
        )
        if war_active <= 0:
            self.demand = 0.0

    def read_unrest(self) -> None:
        """Whose unrest Moscow sees (last week's state): the perceived instability risk (with
        last week's warning at the credence his past warnings earned, mechanism 7), its
        pro-Western and pro-Russian parts (by the orientation of the active), and the army's
        mutinied share. Then the credence is updated: the warning is borne out if an
        uprising is on."""
        p, m = self.p, self.model
        unrest = m.turnout / max(1e-9, m.uprising_threshold)
        warned = m.ruler.warning
        self.instability = perceived_instability(p, unrest, warned, self.warning_credence)
        self.warning_credence = warning_credence_step(
            p, self.warning_credence, warned, m.uprising_on
        )
        pw = self.pro_western_share()
        self.unrest = Unrest(
            pro_western=self.instability * pw,
            pro_russian=min(1.0, unrest) * (1.0 - pw),
            mutiny=min(1.0, m.army.mutinied_share / max(1e-9, p.mass_mutiny_share)),
        )

    def pro_western_share(self) -> float:
        """Pro-Western share of the active citizens (the population's share when none is)."""
        m = self.model
        return m.active_pw / m.active if m.active > 0 else float(self.p.pro_western_share)

    def penetration_effort(self) -> float:
        """Weekly share of each unit's remaining alignment gap Moscow closes (mechanism 4)."""
        if not self.p.mech_substitution:
            return 0.0
        return self.p.penetration_effort * (1.0 + self.p.penetration_desperation * self.desperation)

    # ------------------------------------------------------------------ the weekly acts
    def reassess(self, x: Inputs) -> None:
        """Desperation follows the war; sanctions deepen dependence (mechanism 1), which
        scales leverage; whose unrest it sees; the demand (doctrine, mechanism 3; last
        week's warning through the perceived risk, mechanism 7); indispensability;
        penetration of the services (mechanism 4)."""
        p, m = self.p, self.model
        self.update_desperation(x.war_trajectory)
        self.dependence = dependence_step(
            self.dependence,
            x.sanctions,
            p.dependence_base,
            p.sanctions_dependence,
            p.dependence_rate,
            p.mech_sanctions_dependence,
        )
        self.leverage = leverage(self.dependence, p.pressure_willingness)
        self.read_unrest()
        self.update_demand(x.counteroffensive, x.annexed, x.war_active)
        legit_pw, legit_pr = m.citizens.legit_pw, m.citizens.legit_pr
        self.indispensability = indispensability(p, max(0.0, legit_pr - legit_pw))
        effort = self.penetration_effort()
        if effort > 0 and m.regime == "lukashenko":
            m.security.penetrate(effort)

    def act(self, t: int) -> None:
        """On last week's state: troops leave once an uprising they policed has ended; a
        ruler facing an uprising the services no longer contain may be rescued (mechanism
        5); else Moscow weighs a substitution (mechanism 4) and maybe attempts it."""
        p, m = self.p, self.model
        self.odds = self.substitution_odds(m.security.alignment())
        self.hazard = self.margin = 0.0
        if m.regime != "lukashenko":
            return
        if self.intervened and not m.uprising_on:
            self.withdraw(t)
        if self.coup_running():  # Moscow does not rescue the ruler it is trying to depose
            return
        if p.mech_revolt and not self.intervened and self.threatened():
            self.consider_rescue(t)
            if self.intervened:
                return
        if not p.mech_substitution:
            return
        self.margin = substitution_margin(
            p,
            self.exasperation,
            self.desperation,
            self.odds,
            self.indispensability,
            resolve=self.resolve,
            value=self.value,
            unrest=self.unrest,
        )
        self.hazard = p.sub_opportunity * choice_probability(p, self.margin)
        if m.actor_rng.random() < self.hazard:
            self.attempt_substitution(t)

    def coup_running(self) -> bool:
        """An attempt already under way (the contested coup's rounds, if any)."""
        m = self.model
        return getattr(m, "coup", None) is not None or (
            getattr(m.security, "coup", None) is not None
        )

    def react(self) -> None:
        """Exasperation grows with the demand left unmet (net of the NATO excuse) and after
        a purge; economic pressure follows the gap, less the share Moscow withholds to back
        him against a pro-Western street (2020: loans, not squeeze)."""
        p, m, r = self.p, self.model, self.model.ruler
        relief = p.excuse_relief * r.nato_credibility if r.excuse_used else 0.0
        self.gap = unmet_demand(self.demand, m.support_level, relief)
        if m.regime != "lukashenko":
            self.gap = 0.0
        self.exasperation = exasperation_step(p, self.exasperation, self.gap, r.purged)
        self.backing = min(1.0, self.unrest.pro_western)
        self.pressure = economic_pressure(self.leverage, self.gap) * (1.0 - self.backing)

    # ------------------------------------------------------------------- substitution
    def russian_seed(self) -> float:
        """Russian troops on Belarusian soil as a share of security capacity (Moscow's side)."""
        m = self.model
        if m.support_level < 1 or m.regime != "lukashenko":
            return 0.0
        return self.p.russian_troops / max(1.0, m.security.capacity().sum())

    def substitution_seed(self) -> float:
        """Moscow's side before any unit moves: its troops and pro-Russian support."""
        return self.russian_seed() + self.p.pr_support_weight * (self.model.citizens.legit_pr - 0.5)

    def substitution_odds(self, alignment: np.ndarray) -> float:
        """Estimated success odds at this alignment (Moscow's true one, or his estimate)."""
        return self.model.security.odds(alignment, self.substitution_seed())

    def attempt_substitution(self, t: int) -> None:
        """Moscow moves: its penetrated personnel and outside force (Russian troops hosted
        in Belarus, pro-Russian support) commit, and the services and the capital's garrison
        choose sides over the following weeks (``mechanisms.coup``, one round a week from
        this one). One attempt at a time."""
        m = self.model
        if m.security.coup is not None:
            return
        self.attempts += 1
        outside = max(0.0, self.substitution_seed()) * float(m.security.capacity().sum())
        coup = m.security.launch_coup(t, outside)
        why = (
            f"exasperation {self.exasperation:.2f}, desperation {self.desperation:.2f}, "
            f"estimated odds {self.odds:.2f}, indispensability {self.indispensability:.2f}"
        )
        m.log.record(
            t,
            "substitution_attempt",
            f"Moscow moves ({why}) with {outside:,.0f} people beside its penetrated "
            f"personnel; at the outset Moscow holds {coup.moscow_share:.0%} of the committed "
            "capital-weighted capacity",
        )

    # ------------------------------------------------------ Russian troops inside Belarus
    def threatened(self) -> bool:
        """An uprising is on and fewer than ``russian_intervention_backing`` of the security
        capacity still defends the ruler."""
        m = self.model
        return m.uprising_on and m.security.backing < self.p.russian_intervention_backing

    def consider_rescue(self, t: int) -> None:
        """Police Minsk for a threatened ruler or not: a logit choice on
        ``rescue_margin`` with the cost of a limited intervention (``rescue_cost``)."""
        p, m = self.p, self.model
        pw = self.pro_western_share()
        margin = rescue_margin(p, pw, self.appetite, p.rescue_cost)
        if m.actor_rng.random() < choice_probability(p, margin):
            self.enter(
                t,
                f"an uprising ({pw:.0%} pro-Western) that only {m.security.backing:.0%} of "
                "security capacity still contains threatens the Union State; they police "
                "the capital while it lasts",
            )

    def enter(self, t: int, why: str) -> None:
        """Russian troops enter Belarus (mechanism 5): they police the capital and the
        services fall back in line behind the Moscow-backed order."""
        p, m = self.p, self.model
        self.intervened = True
        self.interventions += 1
        m.occupied = True
        self.russian_people = float(p.russian_intervention_force)
        m.log.record(
            t,
            "russian_intervention",
            f"{p.russian_intervention_force:,} Russian troops enter Belarus: {why}",
        )
        m.security.fall_in()

    def withdraw(self, t: int) -> None:
        """The uprising is over: the troops go home (logged for the record)."""
        m = self.model
        self.intervened = False
        m.occupied = False
        self.russian_people = 0.0
        m.log.record(t, "russian_withdrawal", "the uprising is over; Russian troops leave")

    def respond_to_fall(self, t: int) -> None:
        """The week Lukashenko falls to a revolt: occupy Belarus (a loyalist order under
        Russian troops) or let it go, a logit choice on ``rescue_margin`` with the cost of an
        occupation. Either way the run's politics end there (the model freezes)."""
        p, m = self.p, self.model
        if not p.mech_revolt:
            return
        pw = self.pro_western_share()
        margin = rescue_margin(p, pw, self.appetite, p.occupation_cost)
        prob = choice_probability(p, margin)
        if m.actor_rng.random() < prob:
            m.regime = "occupied"
            self.enter(
                t,
                f"Lukashenko has fallen to a revolt ({pw:.0%} pro-Western); Moscow occupies "
                f"Belarus (chance of that choice {prob:.0%})",
            )
        else:
            m.log.record(
                t,
                "no_occupation",
                f"Lukashenko has fallen to a revolt ({pw:.0%} pro-Western); Moscow does not "
                f"occupy Belarus (chance it would {prob:.0%})",
            )
