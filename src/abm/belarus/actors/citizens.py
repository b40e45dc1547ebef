"""Citizens: Epstein's protest rule with orientation-specific legitimacy and hardship.

The engine (``abm.engine``) applies Epstein's (2002) rule to every citizen: active iff
G - R P > T with G = H (1 - L). This module computes the two inputs the engine takes from the
model - each citizen's grievance and threshold - from the Belarusian state:

- orientation (brief: pro-Western and pro-Russian citizens): each group has its own
  legitimacy, which "intervention alongside Russia, casualties, repression and hardship move
  differently" (``group_legitimacy``);
- hardship (brief: "hardship from sanctions, Kremlin economic pressure and mobilisation"):
  H_eff = 1 - (1 - H)(1 - h);
- cascades (Granovetter 1978; Kuran 1991's preference falsification): a citizen who has not
  yet seen her personal share of the population acting keeps an extra threshold;
- fatigue (``ext_fatigue``; 2020's marches faded over the winter without being arrested
  away): each agent's fatigue f in [0, 1] rises by ``fatigue_build`` (1 - f) in a week it
  protested (active at the week's end, or broken up during it) and falls by
  ``fatigue_recovery`` f in a quiet week; it adds ``fatigue_weight`` f to the threshold;
- prosecution after the fact (``ext_prosecution``): the model passes the perceived risk of
  being charged later, which the engine combines with the street estimate
  (P = 1 - (1 - P_street)(1 - P_pros); ``mechanisms/prosecution.py``).

With every extension and mechanism off, grievance is H (1 - L) with constant L and the
threshold is T: Epstein's Model 1 exactly (tested).

``CitizenPopulation.week`` is the citizens' weekly phase: memories of casualties and arrests,
hardship and legitimacy per group, the engine's inputs, one sweep of Epstein's rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL, MOBILISATION_LEVEL
from abm.belarus.mechanisms.economy import hardship_index
from abm.engine.agents import Citizen

if TYPE_CHECKING:
    from abm.engine.world import CivilViolenceWorld
    from abm.params import Values

PRO_WESTERN, PRO_RUSSIAN = 0, 1
ORIENTATION_NAMES = {PRO_WESTERN: "pro_western", PRO_RUSSIAN: "pro_russian"}


@dataclass(frozen=True)
class Conditions:
    """What moves legitimacy this week."""

    level: int
    casualty_memory: float = 0.0
    repression_memory: float = 0.0
    hardship: float = 0.0
    occupied: bool = False
    legitimacy_shock: float = 0.0  # the stolen election's cost to pro-Western legitimacy


def group_legitimacy(p: Values, group: int, c: Conditions, orientations: bool) -> float:
    """Legitimacy of the regime for one orientation group, in [0, 1].

    base (pro-Western: minus the 2020 crackdown's legacy, mechanism 8)
    - complicity (pro-Western lose, pro-Russian gain per level up to 4; ext_orientations)
    - direct intervention (both lose; 85 % were against it; ext_orientations)
    - casualties (ext_casualties) - repression (mechanism 8) - hardship (ext_hardship)
    - mobilisation at level 4+ (ext_mobilisation) - a Russian intervention inside Belarus
    (pro-Western; part of mechanism 5).
    With ``orientations`` False the orientation-specific terms (complicity, intervention)
    are left out, so both groups' values can be averaged into one legitimacy.
    """
    pw = group == PRO_WESTERN
    if pw:
        legit = p.legitimacy_pw - (p.crackdown_legitimacy_pw if p.mech_repression else 0)
        legit -= c.legitimacy_shock
    else:
        legit = p.legitimacy_pr
    if orientations:
        grade = min(c.level, MOBILISATION_LEVEL) / MOBILISATION_LEVEL
        legit += -p.complicity_legitimacy_pw * grade if pw else p.alignment_legitimacy_pr * grade
        if c.level >= INTERVENTION_LEVEL:
            legit -= p.intervention_legitimacy_pw if pw else p.intervention_legitimacy_pr
    if p.ext_casualties:
        legit -= (p.casualty_legitimacy_pw if pw else p.casualty_legitimacy_pr) * c.casualty_memory
    if p.mech_repression:
        legit -= (
            p.repression_legitimacy_pw if pw else p.repression_legitimacy_pr
        ) * c.repression_memory
    if p.ext_hardship:
        legit -= (p.hardship_legitimacy_pw if pw else p.hardship_legitimacy_pr) * c.hardship
    if p.ext_mobilisation and c.level >= MOBILISATION_LEVEL:
        legit -= p.mobilisation_legitimacy_pw if pw else p.mobilisation_legitimacy_pr
    if pw and c.occupied and p.mech_revolt:
        legit -= p.occupation_legitimacy_pw
    return min(1.0, max(0.0, legit))


def legitimacies(p: Values, c: Conditions) -> tuple[float, float]:
    """(pro-Western, pro-Russian) legitimacy; one shared value when orientations are off."""
    on = bool(p.ext_orientations)
    pw = group_legitimacy(p, PRO_WESTERN, c, on)
    pr = group_legitimacy(p, PRO_RUSSIAN, c, on)
    if not on and pw != pr:
        w = p.pro_western_share
        pw = pr = w * pw + (1.0 - w) * pr
    return pw, pr


class CitizenPopulation:
    """Orientation and revelation threshold per citizen, the memories and legitimacy they
    share, and the engine's two inputs."""

    def __init__(self, p: Values, hardship: np.ndarray, rng: np.random.Generator):
        n = hardship.size
        self.p = p
        self.base_hardship = hardship  # the engine's Epstein H ~ U(0, 1), not copied
        self.orientation = np.where(
            rng.random(n) < p.pro_western_share, PRO_WESTERN, PRO_RUSSIAN
        ).astype(np.int64)
        self.is_pw = self.orientation == PRO_WESTERN
        self.revelation = rng.random(n) * p.cascade_threshold_max
        self.grievance = np.empty(n)
        self.threshold = np.full(n, p.threshold)
        self.fatigue = np.zeros(n)
        #: agents whose protest the police broke up this week, and where they stood before
        self.broken_up = np.zeros(n, dtype=bool)
        self.casualty_memory = 0.0  # decaying sum of weekly losses over the army's size
        self.repression_memory = 0.0  # decaying sum of weekly arrests over the citizens
        self.hardship = 0.0  # this week's extra hardship h
        self.legitimacy_shock = 0.0  # this week's input (set by the model from its schedule)
        self.legit_pw = self.legit_pr = 0.0  # set by ``refresh_legitimacy``

    def hardship_at(self, sanctions: float, pressure: float, level: int) -> float:
        """Extra hardship h at these sanctions, Kremlin pressure and support level
        (mobilisation from level 4; ext_hardship, ext_mobilisation)."""
        p = self.p
        if not p.ext_hardship:
            return 0.0
        mobilised = bool(p.ext_mobilisation and level >= MOBILISATION_LEVEL)
        return hardship_index(
            sanctions,
            pressure,
            mobilised,
            p.sanctions_hardship,
            p.pressure_hardship,
            p.mobilisation_hardship,
        )

    def conditions(self, level: int, hardship: float, occupied: bool) -> Conditions:
        """What moves legitimacy at ``level`` and ``hardship`` given the memories so far."""
        return Conditions(
            level=level,
            casualty_memory=self.casualty_memory,
            repression_memory=self.repression_memory,
            hardship=hardship,
            occupied=occupied,
            legitimacy_shock=self.legitimacy_shock,
        )

    def refresh_legitimacy(
        self, sanctions: float, pressure: float, level: int, occupied: bool
    ) -> None:
        self.hardship = self.hardship_at(sanctions, pressure, level)
        self.legit_pw, self.legit_pr = legitimacies(
            self.p, self.conditions(level, self.hardship, occupied)
        )

    def week(
        self,
        world: CivilViolenceWorld,
        *,
        casualty_share: float,
        sanctions: float,
        pressure: float,
        level: int,
        occupied: bool,
        observed_share: float,
        repression: float,
        extra_risk: float = 0.0,
    ) -> int:
        """Memories, legitimacy, the engine's inputs, then one sweep of Epstein's rule with
        the arrest constant raised by repression and ``extra_risk`` (the perceived risk of
        prosecution) added to the street estimate; returns the week's arrests - protests
        broken up, in agents - and marks who they were (``broken_up``)."""
        p = self.p
        self.casualty_memory = self.casualty_memory * (1 - p.casualty_memory) + casualty_share
        self.refresh_legitimacy(sanctions, pressure, level, occupied)
        grievance, threshold = self.inputs(
            self.legit_pw, self.legit_pr, self.hardship, observed_share
        )
        k = p.k * (1.0 + p.repression_k_boost * repression)
        jail_before = world.jail_left.copy()
        world.step(grievance, threshold, k, extra_risk)
        arrests = int(world.arrests_last_step)
        # Newly sitting out: free (-1) or due out (0) before the step, serving after it.
        np.logical_and(jail_before <= 0, world.jail_left >= 0, out=self.broken_up)
        if p.ext_fatigue:
            self.fatigue = fatigue_step(
                self.fatigue,
                (world.active == 1) | self.broken_up,
                p.fatigue_build,
                p.fatigue_recovery,
            )
        self.repression_memory = self.repression_memory * (1 - p.repression_memory) + (
            arrests / self.base_hardship.size
        )
        return arrests

    def inputs(
        self, legit_pw: float, legit_pr: float, hardship: float, observed_share: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Grievance G = H_eff (1 - L_group) and threshold T (+ falsification premium)."""
        p = self.p
        h = self.base_hardship
        if p.ext_hardship and hardship > 0:
            h = 1.0 - (1.0 - h) * (1.0 - hardship)
        illegit = np.where(self.is_pw, 1.0 - legit_pw, 1.0 - legit_pr)
        np.multiply(h, illegit, out=self.grievance)
        if p.ext_cascades:
            falsifying = self.revelation > observed_share
            self.threshold = p.threshold + p.falsification_premium * falsifying
        if p.ext_fatigue:
            base = self.threshold if p.ext_cascades else p.threshold
            self.threshold = base + p.fatigue_weight * self.fatigue
        return self.grievance, self.threshold


def fatigue_step(
    fatigue: np.ndarray, protested: np.ndarray, build: float, recovery: float
) -> np.ndarray:
    """Next week's fatigue: f + build (1 - f) where the agent protested, f (1 - recovery)
    where she stayed quiet (or sat out)."""
    return np.where(protested, fatigue + build * (1.0 - fatigue), fatigue * (1.0 - recovery))


class BelarusCitizen(Citizen):
    """The engine's citizen face plus an orientation ('pro_western' or 'pro_russian')."""

    @property
    def orientation(self) -> str:
        return ORIENTATION_NAMES[int(self.model.citizens.orientation[self.index])]
