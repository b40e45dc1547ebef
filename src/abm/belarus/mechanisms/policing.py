"""From people on duty to police agents on the citizen grid, per region.

The engine's police are Epstein's cops; here their number follows the regime's coercive
manpower. Each security person on duty puts ``police_density * cells / base people`` police
agents on the grid (so the baseline services give Epstein's density at any scale), scaled up
by the 2020 crackdown's boost (mechanism 8) and this week's repression surge. Soldiers
obeying orders against protesters and Russian troops inside Belarus police the capital.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from abm.belarus.actors.security import CAPITAL, ORDER_OF_BATTLE

if TYPE_CHECKING:
    from abm.params import Values


class Policing:
    """The grid's police capacity per region and how many are on duty each week."""

    def __init__(self, p: Values, n_cells: int, n_cit: int, n_regions: int):
        self.p, self.n_cells, self.n_regions = p, n_cells, n_regions
        people = np.zeros(n_regions)
        for spec in ORDER_OF_BATTLE:
            people[self.region_of(spec.region)] += spec.people(p)
        self.base_people = float(people.sum())
        self.unit_region = np.array([self.region_of(spec.region) for spec in ORDER_OF_BATTLE])
        self.capacity = self._capacity(people, n_cit)

    def region_of(self, region: int) -> int:
        """The grid region of a home region (everything is one region on a one-region grid)."""
        return 0 if self.n_regions == 1 else region

    def per_person(self, surge: float) -> float:
        """Police agents on the grid per security person on duty (scale-free)."""
        p = self.p
        boost = 1.0 + (p.crackdown_police_boost if p.mech_repression else 0.0)
        return p.police_density * self.n_cells * boost * (1.0 + surge) / self.base_people

    def _capacity(self, people: np.ndarray, n_cit: int) -> np.ndarray:
        """Police agents each region could ever need: baseline capacity at full repression
        surge plus the army and Russian forces that may be added to the capital."""
        p = self.p
        if p.mech_repression:
            people[self.region_of(CAPITAL)] += (
                p.army_internal_share * p.army_strength * p.army_police_factor
            )
        if p.mech_revolt:
            people[self.region_of(CAPITAL)] += p.russian_intervention_force
        surge = p.repression_surge if p.mech_repression else 0.0
        cap = np.rint(people * self.per_person(surge)).astype(np.int64)
        room = self.n_cells - n_cit
        if cap.sum() > room:
            cap = np.floor(cap * room / cap.sum()).astype(np.int64)
        return cap

    def cops_on_duty(
        self, unit_people: Sequence[float], capital_extra: float, repression: float
    ) -> np.ndarray:
        """Police agents on duty per region: the units' people on duty in their regions plus
        ``capital_extra`` in the capital, at this week's ``repression`` surge, within capacity."""
        people = np.zeros(self.n_regions)
        np.add.at(people, self.unit_region, unit_people)
        people[self.region_of(CAPITAL)] += capital_extra
        surge = self.p.repression_surge * repression
        counts = np.minimum(np.rint(people * self.per_person(surge)), self.capacity)
        return counts.astype(np.int64)
