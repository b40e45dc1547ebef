"""The Kremlin: demands Belarus's help, applies leverage, penetrates, may replace Lukashenko.

Article claims implemented here:

- "Putin expected Belarus's full assistance in the war against Ukraine" -> a demanded support
  level that rises with desperation (``demanded_support``).
- "the Kremlin can now assert that Ukraine's counter-offensive ... constitutes an attack on the
  Russia-Belarus Union State" -> the doctrine term of the demand (mechanism 3).
- "Putin could replace Lukashenko with a more dependable loyalist if he becomes sufficiently
  exasperated with Belarus's limited role" -> exasperation accumulates with the unmet demand
  (``exasperation_step``); "Moscow has penetrated the country's security services" ->
  penetration effort; "he is indispensable ... without him polarization ... would open the
  floodgates to Western penetration" -> indispensability (``indispensability``); "as
  desperation mounts in Moscow, the Kremlin may be more willing to take greater risks" ->
  the desperation term of the attempt hazard (``substitution_hazard``). Mechanism 4.
- "another popular uprising in Belarus may not be containable ... could endanger the survival
  of the Union State" -> Moscow weighs Lukashenko's warnings (mechanism 7) and intervenes in
  Belarus when an uprising threatens the Union State (mechanism 5).
"""

from __future__ import annotations

import math
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


def demanded_support(
    p: Values, desperation: float, counteroffensive: float, annexed: bool, relief: float
) -> float:
    """The support level Moscow demands this week, in [0, 5].

    demand = demand_base + demand_desperation * D + doctrine_demand * counteroffensive
    (the doctrine term only once annexed land exists and mechanism 3 is on) - relief
    (what Lukashenko's warnings talk Moscow down, mechanism 7).
    """
    doctrine = p.doctrine_demand * counteroffensive if (annexed and p.mech_union_doctrine) else 0
    d = p.demand_base + p.demand_desperation * desperation + doctrine - relief
    return min(5.0, max(0.0, d))


def unmet_demand(demand: float, level: int, excuse_relief: float) -> float:
    """Levels of demand left unmet at ``level``; the NATO excuse forgives up to
    ``excuse_relief`` levels, but only while troops stay home (below intervention)."""
    relief = excuse_relief if level < INTERVENTION_LEVEL else 0.0
    return max(0.0, demand - level - relief)


def exasperation_step(p: Values, exasperation: float, gap_levels: float, purged: bool) -> float:
    """E' = (1 - decay) E + gain * gap / 5 (+ purge_exasperation after a purge)."""
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


def indispensability(p: Values, polarisation: float, warning: float) -> float:
    """How indispensable Lukashenko looks to Moscow.

    indispensability_base + indispensability_polarisation * polarisation, plus
    warning_indispensability * warning when he warns (mechanism 7). Polarisation is the gap
    between pro-Russian and pro-Western legitimacy: the wider it is, the more Moscow fears
    the floodgates opening without him.
    """
    extra = p.warning_indispensability * warning if p.mech_warning else 0.0
    return p.indispensability_base + p.indispensability_polarisation * polarisation + extra


def substitution_hazard(
    p: Values, exasperation: float, desperation: float, odds: float, indispensability_: float
) -> float:
    """Weekly probability that Moscow attempts a substitution (mechanism 4).

    logistic(sub_bias + w_E E + w_D D + w_odds odds - w_I I): desired (exasperation), risk
    taking (desperation), feasible (estimated success odds, from penetration), restrained
    (indispensability). Zero when the mechanism is off.
    """
    if not p.mech_substitution:
        return 0.0
    x = (
        p.sub_bias
        + p.sub_w_exasperation * exasperation
        + p.sub_w_desperation * desperation
        + p.sub_w_odds * odds
        - p.sub_w_indispensability * indispensability_
    )
    return logistic(x)


class Kremlin(mesa.Agent):
    """Moscow (one agent). Each week it reassesses (``reassess``), acts on what it sees
    (``act``: intervene or attempt a substitution) and, once Minsk has chosen, reacts to the
    unmet demand (``react``: exasperation and economic pressure)."""

    def __init__(self, model: mesa.Model, p: Values, x: Inputs):
        super().__init__(model)
        self.p = p
        self.desperation = x.war_trajectory
        self.demand = 0.0
        self.exasperation = p.exasperation_initial
        self.dependence = p.dependence_base
        self.leverage = 0.0
        self.pressure = 0.0
        self.indispensability = p.indispensability_base
        self.odds = 0.0
        self.hazard = 0.0
        self.gap = 0.0  # levels of this week's demand left unmet (net of the excuse)
        self.warning_weight = 0.0
        self.attempts = 0
        self.intervened = False
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
        self.update_demand(x.counteroffensive, x.annexed, 0.0, x.war_active)

    def update_desperation(self, war_trajectory: float) -> None:
        """Desperation follows the war's course with inertia ('as desperation mounts')."""
        self.desperation += self.p.desperation_rate * (war_trajectory - self.desperation)

    def update_demand(
        self, counteroffensive: float, annexed: bool, warning: float, war_active: float = 1.0
    ) -> None:
        """Set this week's demand; a warning talks it down by warning_relief * its weight.
        With no war under way (before 24 Feb 2022) Moscow demands no military support."""
        self.warning_weight = warning if self.p.mech_warning else 0.0
        relief = self.p.warning_relief * self.warning_weight
        self.demand = demanded_support(self.p, self.desperation, counteroffensive, annexed, relief)
        if war_active <= 0:
            self.demand = 0.0

    def penetration_effort(self) -> float:
        """Weekly share of each unit's remaining alignment gap Moscow closes (mechanism 4)."""
        if not self.p.mech_substitution:
            return 0.0
        return self.p.penetration_effort * (1.0 + self.p.penetration_desperation * self.desperation)

    # ------------------------------------------------------------------ the weekly acts
    def reassess(self, x: Inputs) -> None:
        """Desperation follows the war; sanctions deepen dependence (mechanism 1), which
        scales leverage; the demand (doctrine, mechanism 3; last week's warning, mechanism
        7); indispensability; penetration of the services (mechanism 4)."""
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
        legit_pw, legit_pr = m.citizens.legit_pw, m.citizens.legit_pr
        warning = (1.0 - legit_pw) if m.ruler.warning else 0.0
        self.update_demand(x.counteroffensive, x.annexed, warning, x.war_active)
        self.indispensability = indispensability(
            p, max(0.0, legit_pr - legit_pw), self.warning_weight
        )
        effort = self.penetration_effort()
        if effort > 0 and m.regime == "lukashenko":
            m.security.penetrate(effort)

    def act(self, t: int) -> None:
        """On last week's state: intervene inside Belarus if an uprising threatens the Union
        State (mechanism 5); else weigh a substitution (mechanism 4) and maybe attempt it."""
        p, m = self.p, self.model
        threatened = m.uprising_on and (
            m.regime == "transitional" or m.security.backing < p.russian_intervention_backing
        )
        if p.mech_revolt and not self.intervened and threatened:
            self.intervene(t)
            return
        self.odds = self.substitution_odds(m.security.alignment())
        if m.regime != "lukashenko" or not p.mech_substitution:
            self.hazard = 0.0
            return
        self.hazard = substitution_hazard(
            p, self.exasperation, self.desperation, self.odds, self.indispensability
        )
        if m.actor_rng.random() < self.hazard:
            self.attempt_substitution(t)

    def react(self) -> None:
        """Exasperation grows with the demand left unmet (net of the NATO excuse) and after
        a purge; economic pressure follows the gap."""
        p, m, r = self.p, self.model, self.model.ruler
        relief = p.excuse_relief * r.nato_credibility if r.excuse_used else 0.0
        self.gap = unmet_demand(self.demand, m.support_level, relief)
        if m.regime != "lukashenko":
            self.gap = 0.0
        self.exasperation = exasperation_step(p, self.exasperation, self.gap, r.purged)
        self.pressure = economic_pressure(self.leverage, self.gap)

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

    def intervene(self, t: int) -> None:
        """Russian troops enter Belarus to save the Union State (mechanism 5): they police
        the capital, a fallen regime is replaced by a loyalist, the services fall in."""
        p, m = self.p, self.model
        self.intervened = True
        m.occupied = True
        self.russian_people = float(p.russian_intervention_force)
        why = (
            "Lukashenko has fallen"
            if m.regime == "transitional"
            else f"only {m.security.backing:.0%} of security capacity still backs the regime"
        )
        m.log.record(
            t,
            "russian_intervention",
            f"uprising threatens the Union State ({why}); "
            f"{p.russian_intervention_force:,} Russian troops enter Belarus",
        )
        if m.regime == "transitional":
            m.regime = "loyalist"
        m.security.fall_in()
