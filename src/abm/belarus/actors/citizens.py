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
  yet seen her personal share of the population acting keeps an extra threshold.

With every extension and mechanism off, grievance is H (1 - L) with constant L and the
threshold is T: Epstein's Model 1 exactly (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL, MOBILISATION_LEVEL
from abm.engine.agents import Citizen

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


def group_legitimacy(p: Mapping, group: int, c: Conditions, orientations: bool) -> float:
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
        legit = p["legitimacy_pw"] - (p["crackdown_legitimacy_pw"] if p["mech_repression"] else 0)
    else:
        legit = p["legitimacy_pr"]
    if orientations:
        grade = min(c.level, MOBILISATION_LEVEL) / MOBILISATION_LEVEL
        legit += (
            -p["complicity_legitimacy_pw"] * grade if pw else p["alignment_legitimacy_pr"] * grade
        )
        if c.level >= INTERVENTION_LEVEL:
            legit -= p["intervention_legitimacy_pw" if pw else "intervention_legitimacy_pr"]
    suffix = "pw" if pw else "pr"
    if p["ext_casualties"]:
        legit -= p[f"casualty_legitimacy_{suffix}"] * c.casualty_memory
    if p["mech_repression"]:
        legit -= p[f"repression_legitimacy_{suffix}"] * c.repression_memory
    if p["ext_hardship"]:
        legit -= p[f"hardship_legitimacy_{suffix}"] * c.hardship
    if p["ext_mobilisation"] and c.level >= MOBILISATION_LEVEL:
        legit -= p[f"mobilisation_legitimacy_{suffix}"]
    if pw and c.occupied and p["mech_revolt"]:
        legit -= p["occupation_legitimacy_pw"]
    return min(1.0, max(0.0, legit))


def legitimacies(p: Mapping, c: Conditions) -> tuple[float, float]:
    """(pro-Western, pro-Russian) legitimacy; one shared value when orientations are off."""
    on = bool(p["ext_orientations"])
    pw = group_legitimacy(p, PRO_WESTERN, c, on)
    pr = group_legitimacy(p, PRO_RUSSIAN, c, on)
    if not on and pw != pr:
        w = p["pro_western_share"]
        pw = pr = w * pw + (1.0 - w) * pr
    return pw, pr


class CitizenPopulation:
    """Orientation and revelation threshold per citizen, and the engine's two inputs."""

    def __init__(self, p: Mapping, hardship: np.ndarray, rng: np.random.Generator):
        n = hardship.size
        self.p = p
        self.base_hardship = hardship  # the engine's Epstein H ~ U(0, 1), not copied
        self.orientation = np.where(
            rng.random(n) < p["pro_western_share"], PRO_WESTERN, PRO_RUSSIAN
        ).astype(np.int64)
        self.is_pw = self.orientation == PRO_WESTERN
        self.revelation = rng.random(n) * p["cascade_threshold_max"]
        self.grievance = np.empty(n)
        self.threshold = np.full(n, p["threshold"])

    def inputs(
        self, legit_pw: float, legit_pr: float, hardship: float, observed_share: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Grievance G = H_eff (1 - L_group) and threshold T (+ falsification premium)."""
        p = self.p
        h = self.base_hardship
        if p["ext_hardship"] and hardship > 0:
            h = 1.0 - (1.0 - h) * (1.0 - hardship)
        illegit = np.where(self.is_pw, 1.0 - legit_pw, 1.0 - legit_pr)
        np.multiply(h, illegit, out=self.grievance)
        if p["ext_cascades"]:
            falsifying = self.revelation > observed_share
            self.threshold = p["threshold"] + p["falsification_premium"] * falsifying
        return self.grievance, self.threshold


class BelarusCitizen(Citizen):
    """The engine's citizen face plus an orientation ('pro_western' or 'pro_russian')."""

    @property
    def orientation(self) -> str:
        return ORIENTATION_NAMES[int(self.model.citizens.orientation[self.index])]
