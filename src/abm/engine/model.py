"""Epstein's (2002) civil-violence model (Model I) as a Mesa model over the compiled engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd

from abm.engine.agents import Citizen, Cop
from abm.engine.params import EPSTEIN_PARAMS, check_consistent
from abm.engine.world import CivilViolenceWorld, rule_options

#: Above this many agents faces are not built by default (9 M Python objects cost GBs).
FACE_LIMIT = 250_000


class EpsteinModel(mesa.Model):
    """Citizens and police on a torus; one ``step()`` activates every agent once.

    Parameters are validated against ``EPSTEIN_PARAMS`` before anything is built, unless
    they already are ``Values`` that ``EPSTEIN_PARAMS.resolve`` made (``abm.runner.prepare``
    and the dashboard hand those over); ``check_consistent`` (the cross-field checks no
    single parameter's range can express) runs either way. ``faces`` builds a Mesa agent
    per citizen and officer (default: when there are at most ``FACE_LIMIT`` agents); the
    dynamics are the same either way.

    Time: row t of ``series()`` is the state after step t (row 0 the initial state), and
    step t runs with the schedules evaluated at t (``model.time`` during the step), so
    ``legitimacy = "step:0.9,0.7,50"`` makes step 50 the first one at L = 0.7.
    """

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        faces: bool | None = None,
    ):
        p = params if EPSTEIN_PARAMS.is_resolved(params) else EPSTEIN_PARAMS.resolve(params or {})
        check_consistent(p)
        super().__init__(rng=rng)
        self.p = p
        n_cells = p["width"] * p["height"]
        n_cit = round(p["citizen_density"] * n_cells)
        cop_cap = round(p["cop_density"].bounds()[1] * n_cells)
        self.world = CivilViolenceWorld(
            width=p["width"],
            height=p["height"],
            n_citizens=n_cit,
            cop_capacity=np.array([cop_cap]),
            rng=self.rng,
            citizen_vision=p["vision"],
            cop_vision=p["cop_vision"],
            **rule_options(p),
        )
        self.threshold = np.full(n_cit, p["threshold"])
        self.legitimacy = float("nan")
        self._cops_target = -1
        self._sync_inputs(0)
        if faces is None:
            faces = n_cit + cop_cap <= FACE_LIMIT
        if faces:
            for i in range(n_cit):
                Citizen(self, self.world, i)
            for j in range(cop_cap):
                Cop(self, self.world, n_cit + j)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "quiet": lambda m: m.counts[0],
                "active": lambda m: m.counts[1],
                "jailed": lambda m: m.counts[2],
                "legitimacy": "legitimacy",
                "cops": "cops",
                "arrests": lambda m: m.world.arrests_last_step,
            }
        )
        self.counts = self.world.counts()
        self.datacollector.collect(self)

    def _sync_inputs(self, t: float) -> None:
        """Apply the schedules for time t: legitimacy (hence grievance) and police on duty.

        Work is done only when a scheduled value changes, so a constant schedule costs
        nothing per step.
        """
        p = self.p
        legitimacy = p["legitimacy"].at(t)
        if legitimacy != self.legitimacy:
            self.legitimacy = legitimacy
            # Epstein: G = H (1 - L), H fixed per citizen, L common to all.
            self.grievance = self.world.hardship * (1.0 - legitimacy)
        cops = round(p["cop_density"].at(t) * p["width"] * p["height"])
        if cops != self._cops_target:
            self._cops_target = cops
            self.world.set_cops_on_duty(np.array([cops]))
            self.cops = int(self.world.cops_on_duty().sum())

    def step(self) -> None:
        self._sync_inputs(self.time)
        self.world.step(self.grievance, self.threshold)
        self.counts = self.world.counts()
        self.datacollector.collect(self)

    def series(self) -> pd.DataFrame:
        """The per-step table: step, quiet, active, jailed (plus legitimacy, cops, arrests).

        ``attrs`` carries the grid size, so that police counts can be read as densities.
        """
        df = self.datacollector.get_model_vars_dataframe().reset_index(names="step")
        df.attrs.update(width=self.p["width"], height=self.p["height"], n_citizens=self.world.n_cit)
        return df
