"""BelarusModel: Lukashenko's balancing act as a Mesa model; one step is one week.

Step order (each week t = 1, 2, ...; week 0 is the initial state):

1. Exogenous inputs at t: Ukraine's strength, NATO posture, sanctions, the war's course,
   the counter-offensive on annexed land (schedules).
2. Economy and Kremlin: desperation follows the war; sanctions deepen dependence
   (mechanism 1), which scales leverage; Moscow sets its demand (doctrine, mechanism 3;
   last week's warning, mechanism 7) and deepens penetration (mechanism 4).
3. Kremlin acts on last week's state: intervenes inside Belarus if an uprising threatens the
   Union State (mechanism 5), else may attempt a substitution (mechanism 4), resolved by
   threshold coordination among the security units.
4. The ruler: Lukashenko (while in power) estimates both fears with noise and picks a
   support level (mechanism 2), uses the NATO excuse (6), warns (7), orders repression (8)
   and may purge a penetrated service; a Moscow-installed loyalist complies; a forced
   intervention overrides the choice from ``forced_intervention_week`` on.
5. Moscow's exasperation grows with the unmet demand (net of the excuse) and purges; its
   economic pressure follows the gap.
6. Army: deployment per support level (the first deployment is logged as the
   intervention, before combat), Lanchester attrition in Ukraine, morale, mutinies
   (contagion over the unit network), orders against protesters and refusals, clashes.
7. Security: clash damage; in an uprising each unit defects when it expects enough others to
   (coordination); ejection by revolt; police presence per region onto the grid.
8. Citizens: hardship, legitimacy per orientation, grievance and thresholds; one sweep of
   the civil-violence engine (Epstein's rule).
9. Outcomes detected from the state and logged; the DataCollector records the week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd

from abm.belarus.actors.army import (
    BORDER,
    GARRISON,
    UKRAINE,
    ArmyUnit,
    morale_step,
    mutiny_mode,
    refusal_probability,
    unit_network,
)
from abm.belarus.actors.citizens import (
    BelarusCitizen,
    CitizenPopulation,
    Conditions,
    legitimacies,
)
from abm.belarus.actors.kremlin import Kremlin, exasperation_step, indispensability
from abm.belarus.actors.kremlin import substitution_hazard as kremlin_hazard
from abm.belarus.actors.lukashenko import (
    Lukashenko,
    Outlook,
    nato_credibility_step,
    purge_target,
    repression_step,
    unmet_demand,
)
from abm.belarus.actors.security import (
    CAPITAL,
    ORDER_OF_BATTLE,
    SecurityUnit,
    substitution_backing,
    success_odds,
)
from abm.belarus.mechanisms.combat import expected_loss_share, lanchester_week
from abm.belarus.mechanisms.coordination import cascade, thresholds
from abm.belarus.mechanisms.economy import (
    dependence_step,
    economic_pressure,
    hardship_index,
    leverage,
)
from abm.belarus.outcomes import (
    OutcomeLog,
    uprising_status,
    uprising_threshold,
)
from abm.belarus.params import (
    BELARUS_PARAMS,
    INTERVENTION_LEVEL,
    MOBILISATION_LEVEL,
    SUPPORT_LEVELS,
)
from abm.belarus.scenarios import get_scenario
from abm.engine.agents import Cop
from abm.engine.model import FACE_LIMIT
from abm.engine.world import CivilViolenceWorld, rule_options

#: Imagined shock draws behind every success-odds estimate (common random numbers).
ODDS_DRAWS = 64

#: Model reporters of the DataCollector: series name -> attribute path on the model.
SERIES = (
    "support_level",
    "demanded_support",
    "desperation",
    "exasperation",
    "penetration",
    "dependence",
    "leverage",
    "pressure",
    "hardship",
    "nato_credibility",
    "indispensability",
    "odds",
    "hazard",
    "risk_substitution_est",
    "risk_revolt_est",
    "repression",
    "legitimacy_pw",
    "legitimacy_pr",
    "quiet",
    "active",
    "jailed",
    "active_pw",
    "active_pr",
    "active_capital",
    "active_share",
    "turnout",
    "uprising_threshold",
    "arrests",
    "police_on_duty",
    "army_strength",
    "deployed_strength",
    "casualties",
    "army_morale",
    "mutinied_share",
    "security_loyalty",
    "security_backing",
    "weakness",
    "in_power",
    "purges",
)


def resolve_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate parameters; a ``scenario`` entry names the base the others override."""
    params = dict(params or {})
    base: dict[str, Any] = {}
    if "scenario" in params:
        base = get_scenario(str(params.pop("scenario"))).params
    return BELARUS_PARAMS.resolve(base, params)


class BelarusModel(mesa.Model):
    """Kremlin, Lukashenko, army units, security units and citizens; one step = one week.

    ``params`` are validated before anything is built (a ``scenario`` key names a base
    scenario). ``faces`` builds a Mesa agent per citizen and police officer (default: when
    there are at most ``abm.engine.model.FACE_LIMIT``); the dynamics are the same either way.

    Randomness: the citizen engine draws from ``self.rng``; the actors from ``actor_rng``,
    a child spawned from ``self.rng``'s seed sequence (spawning does not advance
    ``self.rng``). Both are fixed by the seed, and keeping the engine's stream apart means
    that with every mechanism and extension off the citizens reproduce Epstein's model
    draw for draw.
    """

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        faces: bool | None = None,
    ):
        p = resolve_params(params)
        super().__init__(rng=rng)
        self.p = p
        self.actor_rng = self._spawn_actor_rng()
        self.population = float(p["population"])
        self.people_per_agent = self.population / p["n_citizens"]
        self._build_world()
        self.citizens = CitizenPopulation(p, self.world.hardship, self.actor_rng)
        self.grievance = self.citizens.grievance  # read by the citizen faces
        self._build_security()
        self._build_army()
        x = self._inputs(0)
        self.kremlin = Kremlin(self, p, desperation=x["war_trajectory"])
        self.ruler = Lukashenko(self, p, x["nato_posture"])
        self.odds_shocks = self.actor_rng.standard_normal((ODDS_DRAWS, len(self.security)))
        self.log = OutcomeLog()
        self._init_state()
        self._refresh_legitimacy()
        self._set_police()
        self._read_world()
        if faces is None:
            faces = self.n_cit + int(self.cop_capacity.sum()) <= FACE_LIMIT
        if faces:
            for i in range(self.n_cit):
                BelarusCitizen(self, self.world, i)
            for j in range(int(self.cop_capacity.sum())):
                Cop(self, self.world, self.n_cit + j)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in SERIES}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------------ building
    def _spawn_actor_rng(self) -> np.random.Generator:
        try:
            return self.rng.spawn(1)[0]
        except (TypeError, ValueError):  # a Generator without a seed sequence
            return np.random.default_rng(int(self.rng.integers(2**63)))

    def _build_world(self) -> None:
        p = self.p
        self.n_cit = int(p["n_citizens"])
        side = max(3, math.ceil(math.sqrt(self.n_cit / p["citizen_density"])))
        self.width = self.height = side
        self.n_cells = side * side
        capital_cols = round(p["capital_share"] * side)
        cols = np.arange(side)
        if 0 < capital_cols < side:
            col_region = np.where(cols < capital_cols, 0, 1)
            self.n_regions = 2
        else:
            col_region = np.zeros(side, dtype=np.int64)
            self.n_regions = 1
        self.cell_region = np.tile(col_region, side).astype(np.int64)
        self._police_factor_max = 1.0
        self.cop_capacity = self._cop_capacity()
        self.world = CivilViolenceWorld(
            width=side,
            height=side,
            n_citizens=self.n_cit,
            cop_capacity=self.cop_capacity,
            rng=self.rng,
            citizen_vision=p["vision"],
            cop_vision=p["cop_vision"],
            **rule_options(p),
            cell_region=self.cell_region,
            cops_locked=self.n_regions > 1,
        )

    def _region_of(self, region: int) -> int:
        return 0 if self.n_regions == 1 else region

    def _base_people_by_region(self) -> tuple[np.ndarray, float]:
        p = self.p
        people = np.zeros(self.n_regions)
        for spec in ORDER_OF_BATTLE:
            size = p["kgb_size"] * spec.size if spec.kgb else spec.size * p["security_scale"]
            people[self._region_of(spec.region)] += size
        return people, float(people.sum())

    def _police_per_person(self, surge: float) -> float:
        """Police agents on the grid per security person on duty (scale-free)."""
        p = self.p
        boost = 1.0 + (p["crackdown_police_boost"] if p["mech_repression"] else 0.0)
        return p["police_density"] * self.n_cells * boost * (1.0 + surge) / self.base_people

    def _cop_capacity(self) -> np.ndarray:
        """Police agents each region could ever need: baseline capacity at full repression
        surge plus the army and Russian forces that may be added to the capital."""
        p = self.p
        people, self.base_people = self._base_people_by_region()
        if p["mech_repression"]:
            people[self._region_of(CAPITAL)] += (
                p["army_internal_share"] * p["army_strength"] * p["army_police_factor"]
            )
        if p["mech_revolt"]:
            people[self._region_of(CAPITAL)] += p["russian_intervention_force"]
        surge = p["repression_surge"] if p["mech_repression"] else 0.0
        cap = np.rint(people * self._police_per_person(surge)).astype(np.int64)
        room = self.n_cells - self.n_cit
        if cap.sum() > room:
            cap = np.floor(cap * room / cap.sum()).astype(np.int64)
        return cap

    def _build_security(self) -> None:
        self.security = [SecurityUnit(self, spec, self.p) for spec in ORDER_OF_BATTLE]
        self.sec_region = np.array([self._region_of(u.region) for u in self.security])
        self.defect_shock = self.actor_rng.normal(
            0.0, self.p["coordination_noise"], len(self.security)
        )

    def _build_army(self) -> None:
        p, rng = self.p, self.actor_rng
        n = p["n_army_units"]
        strengths = np.full(n, p["army_strength"] // n)
        strengths[: p["army_strength"] - strengths.sum()] += 1
        pw_mean = p["army_pw_share"]
        border = (
            np.arange(n) < round(p["border_share"] * n)
            if p["mech_nato_excuse"]
            else np.zeros(n, bool)
        )
        self.army = []
        for i in range(n):
            morale = float(np.clip(p["morale_initial"] + rng.normal(0, 0.05), 0, 1))
            loyalty = float(np.clip(p["loyalty_army"] + rng.normal(0, 0.1), 0, 1))
            pw = float(np.clip(rng.beta(4, 4) * 2 * pw_mean, 0, 1))
            threshold = p["mutiny_threshold"] + rng.uniform(-0.1, 0.1)
            unit = ArmyUnit(
                self, i, int(strengths[i]), morale, loyalty, pw, threshold, bool(border[i])
            )
            self.army.append(unit)
        self.army_network = unit_network(n)
        self.army_neighbours = [list(self.army_network.neighbors(i)) for i in range(n)]
        self.army_initial = int(strengths.sum())

    def _init_state(self) -> None:
        p = self.p
        self.regime = "lukashenko"
        self.support_level = p["initial_support_level"]
        self.ruler.level = self.support_level
        self.kremlin.exasperation = p["exasperation_initial"]
        self.casualty_memory = 0.0
        self.repression_memory = 0.0
        self.hardship = 0.0
        self.pressure = 0.0
        self.gap = 0.0
        self.occupied = False
        self.uprising_on = False
        self.uprising_threshold = p["uprising_share"]
        self.active_share = 0.0
        self.turnout = 0.0
        self.arrests = 0
        self.casualties_week = 0
        self.enemy_losses = 0.0
        self.weakness = 0.0
        self.internal_people = 0.0
        self.russian_people = 0.0
        self._purged = False
        self.purges = 0  # cumulative count of purges (coup-proofing rotations), for the record
        self._mutinied_seen: set[int] = set()
        self._deployed_logged = False
        x = self._inputs(0)
        self._x = x
        self.kremlin.dependence = p["dependence_base"] + (
            p["sanctions_dependence"] * x["sanctions"] if p["mech_sanctions_dependence"] else 0.0
        )
        self.kremlin.dependence = min(1.0, self.kremlin.dependence)
        self.kremlin.leverage = leverage(self.kremlin.dependence, p["pressure_willingness"])
        # Moscow's demand at week 0, for the record (step 0 of the series) only: it draws no
        # random numbers and every week recomputes it before anything reads it.
        self.kremlin.update_demand(x["counteroffensive"], p["annexed"], 0.0)

    # --------------------------------------------------------------------------- inputs
    def _inputs(self, t: float) -> dict[str, Any]:
        p = self.p
        names = (
            "ukraine_strength",
            "nato_posture",
            "sanctions",
            "war_trajectory",
            "counteroffensive",
        )
        return {n: p[n].at(t) for n in names}

    # ----------------------------------------------------------------------------- step
    def step(self) -> None:
        t = int(round(self.time))
        self._x = x = self._inputs(t)
        self._economy_and_kremlin(x)
        self._kremlin_acts(t)
        self._ruler_decides(t, x)
        self._exasperation_and_pressure()
        self._army_week(t, x)
        self._security_week(t)
        self._citizens_week(x)
        self._detect(t)
        self.datacollector.collect(self)

    # 2. economy and Kremlin ------------------------------------------------------------
    def _economy_and_kremlin(self, x: Mapping[str, float]) -> None:
        p, k = self.p, self.kremlin
        k.update_desperation(x["war_trajectory"])
        k.dependence = dependence_step(
            k.dependence,
            x["sanctions"],
            p["dependence_base"],
            p["sanctions_dependence"],
            p["dependence_rate"],
            p["mech_sanctions_dependence"],
        )
        k.leverage = leverage(k.dependence, p["pressure_willingness"])
        warning = (1.0 - self.legit_pw) if self.ruler.warning else 0.0
        k.update_demand(x["counteroffensive"], p["annexed"], warning)
        k.indispensability = indispensability(
            p, max(0.0, self.legit_pr - self.legit_pw), k.warning_weight
        )
        effort = k.penetration_effort()
        if effort > 0 and self.regime == "lukashenko":
            for u in self.security:
                u.penetrate(effort)

    # 3. Kremlin acts -------------------------------------------------------------------
    def _russian_seed(self) -> float:
        """Russian troops on Belarusian soil as a share of security capacity (Moscow's side)."""
        if self.support_level < 1 or self.regime != "lukashenko":
            return 0.0
        return self.p["russian_troops"] / max(1.0, self._capacity().sum())

    def _capacity(self) -> np.ndarray:
        return np.array([u.capacity for u in self.security])

    def _substitution_seed(self) -> float:
        return self._russian_seed() + self.p["pr_support_weight"] * (self.legit_pr - 0.5)

    def _odds(self, alignment: np.ndarray) -> float:
        p = self.p
        loyalty = np.array([u.loyalty for u in self.security])
        return success_odds(
            self._capacity(),
            loyalty,
            alignment,
            self._substitution_seed(),
            p["coordination_slope"],
            p["coordination_noise"] * self.odds_shocks,
            p["substitution_success_share"],
        )

    def _kremlin_acts(self, t: int) -> None:
        p, k = self.p, self.kremlin
        threatened = self.uprising_on and (
            self.regime == "transitional" or self.backing < p["russian_intervention_backing"]
        )
        if p["mech_revolt"] and not k.intervened and threatened:
            self._russian_intervention(t)
            return
        k.odds = self._odds(np.array([u.alignment for u in self.security]))
        if self.regime != "lukashenko" or not p["mech_substitution"]:
            k.hazard = 0.0
            return
        k.hazard = kremlin_hazard(p, k.exasperation, k.desperation, k.odds, k.indispensability)
        if self.actor_rng.random() < k.hazard:
            self._substitution_attempt(t)

    def _substitution_attempt(self, t: int) -> None:
        p, k = self.p, self.kremlin
        k.attempts += 1
        shocks = self.actor_rng.normal(0.0, p["coordination_noise"], len(self.security))
        loyalty = np.array([u.loyalty for u in self.security])
        alignment = np.array([u.alignment for u in self.security])
        backing = float(
            substitution_backing(
                self._capacity(),
                loyalty,
                alignment,
                max(0.0, self._substitution_seed()),
                p["coordination_slope"],
                shocks,
            )[0]
        )
        why = (
            f"exasperation {k.exasperation:.2f}, desperation {k.desperation:.2f}, "
            f"estimated odds {k.odds:.2f}, indispensability {k.indispensability:.2f}"
        )
        self.log.record(
            t,
            "substitution_attempt",
            f"Moscow moves ({why}); {backing:.0%} of security capacity backs it",
        )
        if backing >= p["substitution_success_share"]:
            self.log.record(
                t,
                "substitution",
                f"{backing:.0%} of security capacity backed "
                "Moscow's candidate; a loyalist is installed",
            )
            self._eject(t, "replaced by Moscow's loyalist (substitution)", "loyalist")
        else:
            k.exasperation *= 1.0 - p["failed_attempt_relief"]
            for u in self.security:  # he rotates the chiefs of the services Moscow counted on
                if u.alignment >= 0.5 * max(x.alignment for x in self.security):
                    u.rotate_chiefs(p["purge_effect"])
            self.ruler.weeks_since_purge = 0

    def _eject(self, t: int, cause: str, successor: str) -> None:
        self.ruler.in_power = False
        self.regime = successor
        self.log.record(t, "ejection", f"Lukashenko loses power: {cause}")

    def _russian_intervention(self, t: int) -> None:
        p, k = self.p, self.kremlin
        k.intervened = True
        self.occupied = True
        self.russian_people = float(p["russian_intervention_force"])
        why = (
            "Lukashenko has fallen"
            if self.regime == "transitional"
            else f"only {self.backing:.0%} of security capacity still backs the regime"
        )
        self.log.record(
            t,
            "russian_intervention",
            f"uprising threatens the Union State ({why}); "
            f"{p['russian_intervention_force']:,} Russian troops enter Belarus",
        )
        if self.regime == "transitional":
            self.regime = "loyalist"
        for u in self.security:  # the services fall in behind the Moscow-backed order
            u.defected = False

    # 4. the ruler decides ---------------------------------------------------------------
    def _ruler_decides(self, t: int, x: Mapping[str, float]) -> None:
        p, k, r = self.p, self.kremlin, self.ruler
        forced = 0 <= p["forced_intervention_week"] <= t
        r.weeks_since_purge += 1
        self._purged = False
        if self.regime == "lukashenko":
            outlook = self._outlook(x)
            level = r.decide(outlook, forced)
            r.repression = repression_step(p, r.repression, self.turnout)
            self._maybe_purge(t)
        else:
            r.warning = False
            r.excuse_used = False
            if self.regime == "loyalist":
                level = min(INTERVENTION_LEVEL, int(round(k.demand)))
                r.repression = repression_step(p, r.repression, self.turnout)
            else:
                level = 0
                r.repression = 0.0
            if forced:
                level = INTERVENTION_LEVEL
        self.support_level = level
        r.nato_credibility = nato_credibility_step(
            p, r.nato_credibility, r.excuse_used, x["nato_posture"]
        )

    def _outlook(self, x: Mapping[str, float]) -> Outlook:
        p, k, r, rng = self.p, self.kremlin, self.ruler, self.actor_rng
        r.exasperation_est = max(0.0, k.exasperation + rng.normal(0.0, p["noise_exasperation"]))
        alignment = np.array([u.alignment for u in self.security])
        self.alignment_est = np.clip(
            alignment + rng.normal(0.0, p["noise_penetration"], alignment.size), 0.0, 1.0
        )
        r.odds_est = self._odds(self.alignment_est) if p["mech_substitution"] else 0.0
        relief = p["excuse_relief"] * r.nato_credibility if p["mech_nato_excuse"] else 0.0
        illegit, defeat = [], []
        w = p["pro_western_share"]
        deployable = p["deploy_share"] * sum(u.strength for u in self.army if not u.mutinied)
        for level in range(INTERVENTION_LEVEL + 1):
            gap = unmet_demand(k.demand, level, relief)
            h = self._hardship_at(x, economic_pressure(k.leverage, gap), level)
            lpw, lpr = legitimacies(p, self._conditions(level, h))
            illegit.append(w * (1.0 - lpw) + (1.0 - w) * (1.0 - lpr))
            loss = 0.0
            if level == INTERVENTION_LEVEL:
                loss = expected_loss_share(
                    x["ukraine_strength"], deployable, p["lanchester_alpha"], p["planning_horizon"]
                )
            defeat.append(loss)
        return Outlook(
            demand=k.demand,
            exasperation=r.exasperation_est,
            desperation=k.desperation,
            odds=r.odds_est,
            indispensability=k.indispensability,
            excuse_relief=relief,
            unrest=self.turnout / max(1e-9, self.uprising_threshold),
            illegitimacy=illegit,
            defeat=defeat,
            leverage=k.leverage,
            current=self.support_level,
        )

    def _maybe_purge(self, t: int) -> None:
        p, r = self.p, self.ruler
        target = purge_target(p, self.alignment_est, r.odds_est, r.weeks_since_purge)
        if target is not None:
            unit = self.security[target]
            before = unit.alignment
            unit.rotate_chiefs(p["purge_effect"])
            r.weeks_since_purge = 0
            self._purged = True
            self.purges += 1
            self.log.record(
                t,
                "purge",
                f"Lukashenko rotates the chiefs of {unit.name} (estimated alignment with Moscow "
                f"{self.alignment_est[target]:.2f}, actual {before:.2f} -> "
                f"{unit.alignment:.2f}; his estimated substitution odds {r.odds_est:.2f})",
            )

    # 5. Moscow's exasperation and pressure ----------------------------------------------
    def _exasperation_and_pressure(self) -> None:
        p, k, r = self.p, self.kremlin, self.ruler
        relief = p["excuse_relief"] * r.nato_credibility if r.excuse_used else 0.0
        self.gap = unmet_demand(k.demand, self.support_level, relief)
        if self.regime != "lukashenko":
            self.gap = 0.0
        k.exasperation = exasperation_step(p, k.exasperation, self.gap, self._purged)
        k.pressure = economic_pressure(k.leverage, self.gap)

    # 6. army --------------------------------------------------------------------------
    def _army_week(self, t: int, x: Mapping[str, float]) -> None:
        p = self.p
        self._deploy()
        self._record_intervention(t)
        deployed = [u for u in self.army if u.location == UKRAINE and not u.mutinied]
        for u in self.army:
            u.week_losses = 0
        self.casualties_week = 0
        if deployed:
            losses, self.enemy_losses = lanchester_week(
                np.array([u.strength for u in deployed]),
                x["ukraine_strength"],
                p["lanchester_alpha"],
                p["lanchester_beta"],
                self.actor_rng,
            )
            for u, loss in zip(deployed, losses, strict=True):
                u.week_losses = int(loss)
                u.strength -= int(loss)
                u.losses += int(loss)
            self.casualties_week = int(losses.sum())
        self._morale_and_mutiny(t)
        self._orders_against_protesters(t)

    def _record_intervention(self, t: int) -> None:
        """Log the intervention the first week Belarusian units are in Ukraine, right after
        deployment and before they fight: units that deploy, fight and mutiny in the same
        week have withdrawn by the week's end, so detecting it then would miss it."""
        if self._deployed_logged or self.deployed_strength == 0:
            return
        self._deployed_logged = True
        forced = 0 <= self.p["forced_intervention_week"] <= t
        why = "forced by Moscow" if forced else "chosen as the safest course"
        self.log.record(
            t,
            "intervention",
            f"{self.deployed_strength:,} Belarusian soldiers sent to fight inside Ukraine "
            f"({why}; demand {self.kremlin.demand:.1f}, "
            f"exasperation {self.kremlin.exasperation:.2f})",
        )

    def _deploy(self) -> None:
        """At direct intervention, send the most loyal garrison units until ``deploy_share``
        of the army's strength is in Ukraine; below it, bring loyal units home."""
        p = self.p
        in_power = self.regime in ("lukashenko", "loyalist")
        if self.support_level >= INTERVENTION_LEVEL and in_power:
            total = sum(u.strength for u in self.army if not u.mutinied)
            there = sum(u.strength for u in self.army if u.location == UKRAINE and not u.mutinied)
            candidates = sorted(
                (
                    u
                    for u in self.army
                    if u.location == GARRISON and not u.mutinied and not u.ordered_internal
                ),
                key=lambda u: -u.loyalty,
            )
            for u in candidates:
                if there >= p["deploy_share"] * total:
                    break
                u.location = UKRAINE
                there += u.strength
        else:
            for u in self.army:
                if u.location == UKRAINE and not u.mutinied:
                    u.location = u.home

    def _morale_and_mutiny(self, t: int) -> None:
        p = self.p
        mutinied = np.array([u.mutinied for u in self.army])
        uprising = min(1.0, self.turnout / max(1e-9, p["uprising_share"]))
        for u in self.army:
            if u.mutinied:
                continue
            nb = self.army_neighbours[u.index]
            nb_share = float(mutinied[nb].mean()) if nb else 0.0
            share_lost = u.week_losses / max(1, u.strength + u.week_losses)
            u.morale = morale_step(
                p, u.morale, u.morale0, share_lost, nb_share, uprising, u.pw_share, self.weakness
            )
            if p["mech_revolt"] and u.morale < u.threshold:
                mode = mutiny_mode(u.location, self.uprising_on, u.pw_share, u.loyalty)
                where = {UKRAINE: "in Ukraine", BORDER: "on the western border"}.get(
                    u.location, "in garrison"
                )
                causes = []
                if u.week_losses:
                    causes.append(f"lost {share_lost:.0%} of its soldiers this week")
                if nb_share > 0:
                    causes.append(f"{nb_share:.0%} of neighbouring units mutinied")
                if self.uprising_on:
                    causes.append("uprising at home")
                if self.weakness > 0.3:
                    causes.append(f"regime looks weak ({self.weakness:.2f})")
                cause = (
                    f"{u.name} {where}: morale {u.morale:.2f} below its threshold "
                    f"{u.threshold:.2f} ({'; '.join(causes) or 'slow erosion'}); {mode}"
                )
                u.mutiny(mode, cause)

    def _orders_against_protesters(self, t: int) -> None:
        """In an uprising the regime orders garrison units against protesters; each may refuse
        (Paine 2022). Obeying units add police-equivalents in the capital."""
        p = self.p
        if not (self.uprising_on and p["mech_repression"] and self.regime != "transitional"):
            for u in self.army:
                u.ordered_internal = False
            self.internal_people = 0.0
            return
        total = sum(u.strength for u in self.army if not u.mutinied)
        ordered = sum(u.strength for u in self.army if u.ordered_internal)
        for u in sorted(self.army, key=lambda u: -u.loyalty):
            if ordered >= p["army_internal_share"] * total:
                break
            if u.mutinied or u.ordered_internal or u.location != GARRISON:
                continue
            refuse = refusal_probability(p, u.pw_share, u.loyalty, u.morale)
            if p["mech_revolt"] and self.actor_rng.random() < refuse:
                mode = "side_with_protesters" if u.pw_share >= 0.4 else "refuse"
                u.mutiny(
                    mode,
                    f"{u.name} ordered against protesters refuses (P = {refuse:.2f}: "
                    f"pro-Western share {u.pw_share:.2f}, loyalty {u.loyalty:.2f}, "
                    f"morale {u.morale:.2f}); {mode}",
                )
            else:
                u.ordered_internal = True
                ordered += u.strength
        self.internal_people = p["army_police_factor"] * sum(
            u.strength for u in self.army if u.ordered_internal
        )

    # 7. security ----------------------------------------------------------------------
    def _security_week(self, t: int) -> None:
        p = self.p
        clashing = sum(u.strength for u in self.army if u.mutinied and u.mutiny_mode == "clash")
        if clashing:
            damage = p["clash_damage"] * clashing
            cap = self._capacity()
            for u, c in zip(self.security, cap, strict=True):
                u.capacity = max(0.0, u.capacity - damage * c / max(1.0, cap.sum()))
        if p["mech_revolt"] and self.uprising_on and self.regime != "transitional":
            self._defections(t)
        self._set_police()

    def _defections(self, t: int) -> None:
        """Each unit stops defending the regime once it expects enough capacity to have done
        so: threshold 0.5 + slope (loyalty + alignment) - weakness discount + its private
        disposition. Loyalty to Lukashenko and alignment with Moscow both bind a unit to the
        regime against pro-Western protesters (2020: no unit defected). Protesters beyond
        what can be contained and soldiers siding with them seed the cascade."""
        p = self.p
        cap = self._capacity()
        loyalty = np.array([u.loyalty for u in self.security])
        alignment = np.array([u.alignment for u in self.security])
        theta = thresholds(
            loyalty + alignment,
            p["coordination_slope"],
            self.weakness,
            p["weakness_discount"],
            self.defect_shock,
        )
        siding = sum(
            u.strength for u in self.army if u.mutinied and u.mutiny_mode == "side_with_protesters"
        )
        overload = max(0.0, self.turnout / max(1e-9, self.uprising_threshold) - 1.0)
        seed = p["protest_pressure"] * overload + siding / max(1.0, self.base_people)
        already = np.array([u.defected for u in self.security])
        joined, share = cascade(cap, np.where(already, -np.inf, theta), seed)
        for u, j in zip(self.security, joined, strict=True):
            u.defected = bool(j)
        if self.regime in ("lukashenko", "loyalist") and self.backing < p["ejection_backing"]:
            ruler = "Lukashenko" if self.regime == "lukashenko" else "the loyalist"
            cause = (
                f"revolt: only {self.backing:.0%} of security capacity still backs {ruler} "
                f"({self.turnout:.1%} of the population protesting)"
            )
            if self.regime == "lukashenko":
                self._eject(t, cause, "transitional")
            else:  # logged for the record; not an outcome (Lukashenko's ejection was)
                self.regime = "transitional"
                self.log.record(t, "loyalist_ejection", f"Moscow's loyalist loses power: {cause}")

    @property
    def backing(self) -> float:
        """Share of (current) security capacity still defending the regime."""
        cap = self._capacity()
        on = np.array([u.on_duty() for u in self.security])
        return float(on.sum() / cap.sum()) if cap.sum() > 0 else 0.0

    def _loyal_people(self) -> float:
        return sum(u.on_duty() for u in self.security) + self.internal_people + self.russian_people

    def _set_police(self) -> None:
        people = np.zeros(self.n_regions)
        np.add.at(people, self.sec_region, [u.on_duty() for u in self.security])
        people[self._region_of(CAPITAL)] += self.internal_people + self.russian_people
        surge = self.p["repression_surge"] * self.ruler.repression
        counts = np.minimum(np.rint(people * self._police_per_person(surge)), self.cop_capacity)
        self.world.set_cops_on_duty(counts.astype(np.int64))

    # 8. citizens ----------------------------------------------------------------------
    def _hardship_at(self, x: Mapping[str, float], pressure: float, level: int) -> float:
        p = self.p
        if not p["ext_hardship"]:
            return 0.0
        mobilised = bool(p["ext_mobilisation"] and level >= MOBILISATION_LEVEL)
        return hardship_index(
            x["sanctions"],
            pressure,
            mobilised,
            p["sanctions_hardship"],
            p["pressure_hardship"],
            p["mobilisation_hardship"],
        )

    def _conditions(self, level: int, hardship: float) -> Conditions:
        return Conditions(
            level=level,
            casualty_memory=self.casualty_memory,
            repression_memory=self.repression_memory,
            hardship=hardship,
            occupied=self.occupied,
        )

    def _refresh_legitimacy(self) -> None:
        self.hardship = self._hardship_at(self._x, self.kremlin.pressure, self.support_level)
        self.legit_pw, self.legit_pr = legitimacies(
            self.p, self._conditions(self.support_level, self.hardship)
        )

    def _citizens_week(self, x: Mapping[str, float]) -> None:
        p = self.p
        army0 = max(1, self.army_initial)
        self.casualty_memory = self.casualty_memory * (1 - p["casualty_memory"]) + (
            self.casualties_week / army0
        )
        self._refresh_legitimacy()
        grievance, threshold = self.citizens.inputs(
            self.legit_pw, self.legit_pr, self.hardship, self.turnout
        )
        k = p["k"] * (1.0 + p["repression_k_boost"] * self.ruler.repression)
        self.world.step(grievance, threshold, k)
        self.arrests = int(self.world.arrests_last_step)
        self.repression_memory = self.repression_memory * (1 - p["repression_memory"]) + (
            self.arrests / self.n_cit
        )
        self._read_world()

    def _read_world(self) -> None:
        w = self.world
        self.quiet, self.active, self.jailed = w.counts()
        # (counts_by's np.add.at is slow at millions of citizens; a masked count is not)
        self.active_pw = int(np.count_nonzero(w.active[self.citizens.is_pw]))
        self.active_pr = self.active - self.active_pw
        self.active_capital = int(w.actives_by_region()[0]) if self.n_regions > 1 else self.active
        self.active_share = self.active / self.n_cit
        # A week's turnout counts everyone who protested that week: those still out at its
        # end and those detained during it (2020: ~7,000 detained among 100-200,000 out).
        self.turnout = (self.active + self.arrests) / self.n_cit
        self.uprising_threshold = uprising_threshold(self.p, self._loyal_people(), self.population)
        self._update_weakness()

    def _update_weakness(self) -> None:
        """How close the regime looks to its breaking points, in [0, 1]: the mean of turnout
        over the uprising threshold, mutinied share over the mass-mutiny share and defected
        share over (1 - ejection backing), each capped at 1. Uses only documented
        thresholds; 2020 (turnout at the threshold, no mutiny, no defection) gives 1/3."""
        p = self.p
        ratios = (
            self.turnout / max(1e-9, self.uprising_threshold),
            self.mutinied_share / max(1e-9, p["mass_mutiny_share"]),
            (1.0 - self.backing) / max(1e-9, 1.0 - p["ejection_backing"]),
        )
        self.weakness = sum(min(1.0, r) for r in ratios) / len(ratios)

    # 9. outcomes -------------------------------------------------------------------------
    def _detect(self, t: int) -> None:
        p = self.p
        for u in self.army:
            if u.mutinied and u.index not in self._mutinied_seen:
                self._mutinied_seen.add(u.index)
                self.log.record(t, "mutiny", u.mutiny_cause)
        if self.mutinied_share >= p["mass_mutiny_share"]:
            self.log.record_once(
                t,
                "mass_mutiny",
                f"mutinied units hold {self.mutinied_share:.0%} of the army's strength "
                f"(threshold {p['mass_mutiny_share']:.0%})",
            )
        was_on = self.uprising_on
        self.uprising_on = uprising_status(self.turnout, self.uprising_threshold, was_on)
        if self.uprising_on and not was_on:
            self.log.record(
                t,
                "uprising",
                f"{self.turnout:.1%} of the population protests this week "
                f"(~{self.turnout * self.population:,.0f} people) >= threshold "
                f"{self.uprising_threshold:.1%}; legitimacy pro-Western {self.legit_pw:.2f}, "
                f"pro-Russian {self.legit_pr:.2f}",
            )

    # ------------------------------------------------------------------- series & results
    @property
    def mutinied_share(self) -> float:
        return sum(u.strength + u.losses for u in self.army if u.mutinied) / max(
            1, self.army_initial
        )

    @property
    def deployed_strength(self) -> int:
        return sum(u.strength for u in self.army if u.location == UKRAINE and not u.mutinied)

    @property
    def events(self) -> list[tuple[int, str, str]]:
        """(step, event, cause) in the order they happened."""
        return self.log.events

    def final_class(self) -> str:
        """The run's classification (see ``abm.belarus.outcomes``)."""
        return self.log.final_class()

    def series(self) -> pd.DataFrame:
        """One row per step (step 0 = initial state), ``step`` first."""
        return self.datacollector.get_model_vars_dataframe().reset_index(names="step")

    def support_level_name(self) -> str:
        return SUPPORT_LEVELS[self.support_level]


def _reporter(name: str):
    """DataCollector reporter for a series name."""
    getters = {
        "demanded_support": lambda m: m.kremlin.demand,
        "desperation": lambda m: m.kremlin.desperation,
        "exasperation": lambda m: m.kremlin.exasperation,
        "penetration": _penetration,
        "dependence": lambda m: m.kremlin.dependence,
        "leverage": lambda m: m.kremlin.leverage,
        "pressure": lambda m: m.kremlin.pressure,
        "nato_credibility": lambda m: m.ruler.nato_credibility,
        "indispensability": lambda m: m.kremlin.indispensability,
        "odds": lambda m: m.kremlin.odds,
        "hazard": lambda m: m.kremlin.hazard,
        "risk_substitution_est": lambda m: m.ruler.p_substitution if m.ruler.in_power else 0.0,
        "risk_revolt_est": lambda m: m.ruler.p_revolt if m.ruler.in_power else 0.0,
        "repression": lambda m: m.ruler.repression,
        "legitimacy_pw": lambda m: m.legit_pw,
        "legitimacy_pr": lambda m: m.legit_pr,
        "police_on_duty": lambda m: int(m.world.cops_on_duty().sum()),
        "army_strength": lambda m: sum(u.strength for u in m.army),
        "casualties": lambda m: sum(u.losses for u in m.army),
        "army_morale": _army_morale,
        "security_loyalty": _security_loyalty,
        "security_backing": lambda m: m.backing,
        "in_power": lambda m: int(m.ruler.in_power),
    }
    return getters.get(name, lambda m: getattr(m, name))


def _penetration(m: BelarusModel) -> float:
    cap = m._capacity()
    al = np.array([u.alignment for u in m.security])
    return float((cap * al).sum() / cap.sum()) if cap.sum() > 0 else 0.0


def _army_morale(m: BelarusModel) -> float:
    s = np.array([u.strength for u in m.army], dtype=float)
    mo = np.array([u.morale for u in m.army])
    return float((s * mo).sum() / s.sum()) if s.sum() > 0 else 0.0


def _security_loyalty(m: BelarusModel) -> float:
    cap = m._capacity()
    loy = np.array([0.0 if u.defected else u.loyalty for u in m.security])
    return float((cap * loy).sum() / cap.sum()) if cap.sum() > 0 else 0.0
