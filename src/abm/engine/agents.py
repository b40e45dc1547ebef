"""Citizens and police as Mesa agents: readable faces over the engine's arrays.

Each face is a registered ``mesa.Agent`` (so ``model.agents``, ``agents_by_type``,
``AgentSet.select``/``groupby``/``agg`` work as usual), but its state lives in the
engine's numpy arrays, where the compiled kernel updates it. Attribute reads go to the
arrays, so a face never goes stale. Faces do not have a ``step``: the kernel activates
every agent in one random-sequential sweep (reading, not stepping, is the face's job).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.engine.world import ACTIVE, JAILED, QUIET

if TYPE_CHECKING:
    from abm.engine.world import CivilViolenceWorld

STATE_NAMES = {QUIET: "quiet", ACTIVE: "active", JAILED: "jailed"}


class _GridFace(mesa.Agent):
    """Common part of citizen and police faces: an index into the world's arrays."""

    def __init__(self, model: mesa.Model, world: CivilViolenceWorld, index: int):
        super().__init__(model)
        self._world = world
        self.index = index

    @property
    def cell(self) -> tuple[int, int] | None:
        """(row, column) on the torus, or None while off the grid."""
        c = int(self._world.pos[self.index])
        return None if c < 0 else divmod(c, self._world.width)


class Citizen(_GridFace):
    """Epstein's citizen: fixed hardship H and risk aversion R, each U(0, 1)."""

    @property
    def hardship(self) -> float:
        return float(self._world.hardship[self.index])

    @property
    def risk_aversion(self) -> float:
        return float(self._world.risk_aversion[self.index])

    @property
    def grievance(self) -> float:
        """G as the model last computed it (H (1 - L) in the pure Epstein model)."""
        return float(self.model.grievance[self.index])

    @property
    def state(self) -> str:
        """'quiet', 'active' or 'jailed'."""
        w = self._world
        if w.jail_left[self.index] >= 0:
            return STATE_NAMES[JAILED]
        return STATE_NAMES[int(w.active[self.index])]

    @property
    def jail_sentence(self) -> int:
        """Further steps to serve (0 when free)."""
        return max(0, int(self._world.jail_left[self.index]))


class Cop(_GridFace):
    """A police officer; ``on_duty`` is False while the model keeps them off the grid."""

    @property
    def on_duty(self) -> bool:
        return bool(self._world.pos[self.index] >= 0)

    @property
    def region(self) -> int:
        return int(self._world.cop_region[self.index - self._world.n_cit])
