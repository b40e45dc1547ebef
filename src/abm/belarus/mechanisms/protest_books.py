"""The week's protest in people: who protested, who was detained, who was charged later.

Epstein's rule decides, agent by agent, who protests; these books turn the week's agents into
people (``people_per_agent`` each) and keep the two channels of repression counted in them:
street detention (``detention.py``: binomial thinning of the broken-up crowds, capped by
capacity) and prosecution after the fact (``prosecution.py``: an exposure pool charged week
by week into the political-prisoner stock). Every draw comes from the actors' stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.belarus.mechanisms.detention import broken_up_people, detain
from abm.belarus.mechanisms.prosecution import Prosecution, perceived_risk, prosecution_hazard

if TYPE_CHECKING:
    from abm.belarus.actors.citizens import CitizenPopulation
    from abm.engine.world import CivilViolenceWorld
    from abm.params import Values


class ProtestBooks:
    """This week's protesters, detentions and charges, and the prisoner stock, in people."""

    def __init__(self, p: Values, people_per_agent: float, cell_region: np.ndarray, regions: int):
        self.p = p
        self.people_per_agent = people_per_agent
        self.cell_region = cell_region
        self.regions = regions
        self.prosecution = Prosecution(p.political_prisoners_initial)
        self.protesters = 0  # people protesting this week (active at its end or broken up)
        self.protesters_capital = 0
        self.street_detentions = 0
        self.prosecutions = 0
        self.detentions = 0

    @property
    def political_prisoners(self) -> int:
        """People serving political criminal sentences (a stock)."""
        return self.prosecution.prisoners

    def hazard(self, repression: float) -> float:
        """This week's charge hazard per exposure (0 with ``ext_prosecution`` off)."""
        p = self.p
        if not p.ext_prosecution:
            return 0.0
        return prosecution_hazard(p.prosecution_hazard, p.prosecution_repression_boost, repression)

    def risk(self, repression: float) -> float:
        """P_pros, the perceived chance of being charged later for protesting now (exactly 0
        with ``ext_prosecution`` off, so the engine runs Epstein's rule bit for bit)."""
        return perceived_risk(self.hazard(repression), self.p.evidence_fade)

    def count(
        self,
        world: CivilViolenceWorld,
        citizens: CitizenPopulation,
        broken_up: int,
        repression: float,
        rng: np.random.Generator,
    ) -> None:
        """The week in people: everyone in a protest still out at the week's end or broken up
        during it protested (the broken-up counted where the police broke them up); the
        broken-up are thinned into detainees; every protester joins the prosecution pool."""
        p, m = self.p, self.people_per_agent
        active = int(np.count_nonzero(world.active))
        self.protesters = int(round((active + broken_up) * m))
        if self.regions > 1:
            cells = world.arrest_cell[citizens.broken_up]
            broken_cap = int(np.count_nonzero(self.cell_region[cells] == 0))
            active_cap = int(world.actives_by_region()[0])
            self.protesters_capital = int(round((active_cap + broken_cap) * m))
        else:
            self.protesters_capital = self.protesters
        people = broken_up_people(broken_up, m)
        self.street_detentions = detain(people, p.detention_share, p.detention_capacity, rng)
        self.prosecutions = self.prosecution.week(
            self.protesters, self.hazard(repression), p.evidence_fade, 1.0 / p.sentence_weeks, rng
        )
        self.detentions = self.street_detentions + self.prosecutions
