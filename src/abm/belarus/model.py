"""BelarusModel: Lukashenko's balancing act as a Mesa model; one step is one week.

Step order (each week t = 1, 2, ...; week 0 is the initial state), one call per phase on the
actor whose rules it is:

1. Exogenous inputs at t: Ukraine's strength, NATO posture, sanctions, the war's course,
   the counter-offensive on annexed land (schedules; ``world_params.Inputs``).
2. Kremlin reassesses: desperation follows the war; sanctions deepen dependence
   (mechanism 1), which scales leverage; Moscow reads whose unrest it sees and sets the
   demand that maximises its value net of the cost of pressing (doctrine, mechanism 3;
   last week's warning raises its perceived risk, mechanism 7); it deepens penetration
   (mechanism 4).
3. Kremlin acts on last week's state: its troops leave once an uprising they policed is
   over; it may send troops to police Minsk for a ruler facing an uprising (mechanism 5);
   else it weighs a substitution against keeping him (mechanism 4) and may attempt it:
   a contested coup among the security units and the capital's garrison, one round a
   week (``mechanisms/coup.py``); this week's round is played right after.
4. The ruler governs: Lukashenko (while in power) estimates both fears with noise and picks
   a support level (mechanism 2), uses the NATO excuse (6), warns (7), orders repression (8)
   and may purge a penetrated service; a Moscow-installed loyalist complies; a forced
   intervention overrides the choice from ``forced_intervention_week`` on.
5. Kremlin reacts: exasperation grows with the unmet demand (net of the excuse) and purges;
   its economic pressure follows the gap.
6. Army: deployment per support level (the first deployment is logged as the
   intervention, before combat), Lanchester attrition in Ukraine, morale, mutinies
   (contagion over the unit network), orders against protesters and refusals.
7. Security: clash damage; in an uprising each unit defects when it expects enough others to
   (coordination); ejection by revolt; police presence per region onto the grid.
   Security people quit at a hazard rising with last week's protest load.
8. Citizens: hardship, legitimacy per orientation, grievance, thresholds (with fatigue) and
   the perceived risk of prosecution; one sweep of the civil-violence engine (Epstein's
   rule). Then the week in people: protesters, street detentions (binomial thinning of the
   broken-up protests, capped by capacity), prosecutions after the fact and the
   political-prisoner stock (``mechanisms/detention.py``, ``mechanisms/prosecution.py``).
9. Outcomes detected from the state and logged (an uprising when the protesters exceed what
   the loyal coercive forces can contain); the DataCollector records the week.

A collapse is absorbing: once Lukashenko is ejected (by a revolt or a successful
substitution; the week he falls to a revolt Moscow first decides whether to occupy Belarus)
the week's remaining phases are skipped and every later step only advances time and
re-records the frozen state (series ``absorbed``; ``absorbed_week``). The model has no
mechanism for the politics after a collapse and does not pretend to simulate them.

The rules live with the actors (``belarus/actors/``) and the mechanisms between them
(``belarus/mechanisms/``); this module wires them together and keeps the regime's books.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd

from abm.belarus.actors.army import Army
from abm.belarus.actors.citizens import BelarusCitizen, CitizenPopulation
from abm.belarus.actors.kremlin import Kremlin
from abm.belarus.actors.lukashenko import Lukashenko
from abm.belarus.actors.security import SecurityServices
from abm.belarus.history.data import week_start
from abm.belarus.mechanisms.policing import Policing
from abm.belarus.mechanisms.protest_books import ProtestBooks
from abm.belarus.outcomes import OutcomeLog, uprising_status, uprising_threshold
from abm.belarus.params import BELARUS_PARAMS
from abm.belarus.scenarios import get_scenario
from abm.belarus.world_params import Inputs
from abm.engine.agents import Cop
from abm.engine.model import FACE_LIMIT
from abm.engine.world import CivilViolenceWorld, rule_options
from abm.params import Values

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
    "excuse_used",  # 1 in a week Lukashenko used the NATO excuse (mechanism 6)
    "warning",  # 1 in a week Lukashenko warned Moscow (mechanism 7)
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
    # Protest in people (true counts; per week unless a stock):
    "protesters",  # people protesting this week (active at its end or broken up during it)
    "protesters_capital",  # of them in the capital (the broken-up by where they stood before)
    "turnout",  # protesters / population
    "uprising_threshold",  # turnout the loyal coercive forces can contain
    "arrests",  # protests broken up this week, in agents (the engine's arrests)
    "street_detentions",  # people detained at protests (thinned, capped by capacity)
    "prosecutions",  # people newly charged after the fact
    "detentions",  # street_detentions + prosecutions
    "political_prisoners",  # stock of people serving political criminal sentences
    "security_quits",  # security people who quit this week
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
    "instability",  # Moscow's perceived risk of instability in Belarus
    "warning_credence",  # Moscow's credence in his warnings (1 unless warning_wear > 0)
    "absorbed",  # 1 from the week the run's politics ended (a collapse), else 0
    "coup_round",  # week of the substitution attempt under way (0: none)
    "coup_moscow_share",  # Moscow's share of the committed capital-weighted capacity
)


def resolve_params(params: Mapping[str, Any] | None) -> Values:
    """Validate parameters; a ``scenario`` entry names the base the others override."""
    params = dict(params or {})
    base: dict[str, Any] = {}
    if "scenario" in params:
        base = get_scenario(str(params.pop("scenario"))).params
    return BELARUS_PARAMS.resolve(base, params)


class BelarusModel(mesa.Model):
    """Kremlin, Lukashenko, army units, security units and citizens; one step = one week.

    ``params`` are validated before anything is built (a ``scenario`` key names a base
    scenario); already resolved ``Values`` of ``BELARUS_PARAMS`` are taken as they are.
    ``faces`` builds a Mesa agent per citizen and police officer (default: when there are at
    most ``abm.engine.model.FACE_LIMIT``); the dynamics are the same either way.

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
        p = params if BELARUS_PARAMS.is_resolved(params) else resolve_params(params)
        super().__init__(rng=rng)
        self.p = p
        self.actor_rng = self._spawn_actor_rng()
        self.population = float(p.population)
        self.people_per_agent = self.population / p.n_citizens
        self._build_world()
        self.citizens = CitizenPopulation(p, self.world.hardship, self.actor_rng)
        self.grievance = self.citizens.grievance  # read by the citizen faces
        self.security = SecurityServices(self, p, self.actor_rng)
        self.army = Army(self, p, self.actor_rng)
        self.army_initial = self.army.initial
        x = self.inputs = Inputs.at(p, 0)
        self.kremlin = Kremlin(self, p, x)
        self.ruler = Lukashenko(self, p, x.nato_posture)
        self.security.imagine(self.actor_rng)
        self.log = OutcomeLog()
        self.books = ProtestBooks(p, self.people_per_agent, self.cell_region, self.n_regions)
        self._init_state()
        self.kremlin.start(x)
        self.citizens.legitimacy_shock = x.legitimacy_shock
        self.citizens.refresh_legitimacy(
            x.sanctions, self.kremlin.pressure, self.support_level, self.occupied
        )
        self.security.patrol()
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
        """The citizens' torus: one region, or the capital's columns and the rest."""
        p = self.p
        self.n_cit = int(p.n_citizens)
        side = max(3, math.ceil(math.sqrt(self.n_cit / p.citizen_density)))
        self.width = self.height = side
        self.n_cells = side * side
        capital_cols = round(p.capital_share * side)
        cols = np.arange(side)
        if 0 < capital_cols < side:
            col_region = np.where(cols < capital_cols, 0, 1)
            self.n_regions = 2
        else:
            col_region = np.zeros(side, dtype=np.int64)
            self.n_regions = 1
        self.cell_region = np.tile(col_region, side).astype(np.int64)
        self.policing = Policing(p, self.n_cells, self.n_cit, self.n_regions)
        self.cop_capacity = self.policing.capacity
        self.world = CivilViolenceWorld(
            width=side,
            height=side,
            n_citizens=self.n_cit,
            cop_capacity=self.cop_capacity,
            rng=self.rng,
            citizen_vision=p.vision,
            cop_vision=p.cop_vision,
            **rule_options(p),
            cell_region=self.cell_region,
            cops_locked=self.n_regions > 1,
        )

    def _init_state(self) -> None:
        """The regime's books at week 0."""
        self.regime = "lukashenko"  # then "loyalist" or "transitional"
        self.support_level = self.p.initial_support_level
        self.occupied = False  # Russian troops have entered to save the Union State
        self.uprising_on = False
        self.uprising_threshold = uprising_threshold(
            self.p, self.loyal_coercive_people(), self.population
        )
        self.active_share = 0.0
        self.turnout = 0.0
        self.arrests = 0  # protests broken up this week, in agents
        self.security_quits = 0
        self.weakness = 0.0
        self.absorbed = False  # the run's politics have ended (see ``absorb``)
        self.absorbed_week: int | None = None

    # ----------------------------------------------------------------------------- step
    def step(self) -> None:
        if self.absorbed:  # frozen: time advances, the state is recorded as it stands
            self.datacollector.collect(self)
            return
        t = int(round(self.time))
        x = self.inputs = Inputs.at(self.p, t)
        self.citizens.legitimacy_shock = x.legitimacy_shock
        self.army.new_week()
        phases = (
            lambda: self.kremlin.reassess(x),
            lambda: self.kremlin.act(t),
            lambda: self.security.coup_week(t),
            lambda: self.ruler.govern(t, x),
            self.kremlin.react,
            lambda: self.army.week(t, x),
            lambda: self.security.week(t),
            lambda: self._citizens_week(x),
        )
        for phase in phases:
            phase()
            if self.absorbed:  # a collapse ends the week's politics too
                break
        self._read_world()
        self._detect(t)
        self.datacollector.collect(self)

    def _citizens_week(self, x: Inputs) -> None:
        """The citizens' sweep, then the week in people (the protest books)."""
        self.arrests = self.citizens.week(
            self.world,
            casualty_share=self.army.casualties_week / max(1, self.army.initial),
            sanctions=x.sanctions,
            pressure=self.kremlin.pressure,
            level=self.support_level,
            occupied=self.occupied,
            observed_share=self.turnout,
            repression=self.ruler.repression,
            extra_risk=self.books.risk(self.ruler.repression),
        )
        self.books.count(
            self.world, self.citizens, self.arrests, self.ruler.repression, self.actor_rng
        )

    def eject(self, t: int, cause: str, successor: str) -> None:
        """Lukashenko loses power (by substitution or revolt); ``successor`` rules. Falling to
        a revolt, Moscow first decides whether to occupy Belarus; then the run is absorbed."""
        self.ruler.in_power = False
        self.regime = successor
        self.log.record(t, "ejection", f"Lukashenko loses power: {cause}")
        if successor == "transitional":
            self.kremlin.respond_to_fall(t)
        self.absorb(t)

    def absorb(self, t: int) -> None:
        """End the run's politics (an absorbing collapse): from now on a step only advances
        time and re-records the state as it stands (no citizen sweep, no draws)."""
        if self.absorbed:
            return
        self.absorbed = True
        self.absorbed_week = t
        self.log.record(
            t,
            "absorbed",
            f"the run's politics end here (regime: {self.regime}); later weeks repeat this "
            "state, since the model has no mechanism for what follows a collapse",
        )

    @property
    def protesters(self) -> int:
        """People protesting this week (``ProtestBooks``)."""
        return self.books.protesters

    # ------------------------------------------------------------------------ the books
    def _read_world(self) -> None:
        w = self.world
        self.quiet, self.active, self.jailed = w.counts()
        # (counts_by's np.add.at is slow at millions of citizens; a masked count is not)
        self.active_pw = int(np.count_nonzero(w.active[self.citizens.is_pw]))
        self.active_pr = self.active - self.active_pw
        self.active_capital = int(w.actives_by_region()[0]) if self.n_regions > 1 else self.active
        self.active_share = self.active / self.n_cit
        self.turnout = self.protesters / self.population
        self.uprising_threshold = uprising_threshold(
            self.p, self.loyal_coercive_people(), self.population
        )
        self._update_weakness()

    def loyal_coercive_people(self) -> float:
        """People an uprising must outnumber: security staff on duty, army units obeying at
        home, Russian troops policing the capital, and Moscow's declared police reserve
        while it stands (``russian_police_reserve``; never deployed, so it adds to what can
        be contained, not to the police on the grid)."""
        reserve = self.p.russian_reserve_people * self.inputs.russian_police_reserve
        return (
            self.security.on_duty()
            + self.army.internal_people
            + self.kremlin.russian_people
            + reserve
        )

    def _update_weakness(self) -> None:
        """How close the regime looks to its breaking points, in [0, 1]: the mean of turnout
        over the uprising threshold, mutinied share over the mass-mutiny share and defected
        share over (1 - ejection backing), each capped at 1. Uses only documented
        thresholds; 2020 (turnout at the threshold, no mutiny, no defection) gives 1/3."""
        p = self.p
        ratios = (
            self.turnout / max(1e-9, self.uprising_threshold),
            self.army.mutinied_share / max(1e-9, p.mass_mutiny_share),
            (1.0 - self.security.backing) / max(1e-9, 1.0 - p.ejection_backing),
        )
        self.weakness = sum(min(1.0, r) for r in ratios) / len(ratios)

    def _detect(self, t: int) -> None:
        """Log this week's outcomes: new mutinies, a mass mutiny (once), an uprising's onset."""
        p = self.p
        for cause in self.army.new_mutinies():
            self.log.record(t, "mutiny", cause)
        share = self.army.mutinied_share
        if share >= p.mass_mutiny_share:
            self.log.record_once(
                t,
                "mass_mutiny",
                f"mutinied units hold {share:.0%} of the army's strength "
                f"(threshold {p.mass_mutiny_share:.0%})",
            )
        was_on = self.uprising_on
        self.uprising_on = uprising_status(self.turnout, self.uprising_threshold, was_on)
        if self.uprising_on and not was_on:
            c = self.citizens
            self.log.record(
                t,
                "uprising",
                f"~{self.protesters:,} people protest this week ({self.turnout:.1%} of the "
                f"population; Chenoweth's mark {p.uprising_share:.1%}), more than the loyal "
                f"forces can contain (~{self.uprising_threshold * self.population:,.0f} = "
                f"{p.containment_ratio:g} x {self.loyal_coercive_people():,.0f} loyal "
                f"coercive people); legitimacy pro-Western {c.legit_pw:.2f}, "
                f"pro-Russian {c.legit_pr:.2f}",
            )

    # ------------------------------------------------------------------- series & results
    @property
    def events(self) -> list[tuple[int, str, str]]:
        """(step, event, cause) in the order they happened."""
        return self.log.events

    def final_class(self) -> str:
        """The run's classification (see ``abm.belarus.outcomes``)."""
        return self.log.final_class()

    def series(self) -> pd.DataFrame:
        """One row per step (step 0 = initial state): ``step``, then ``date`` (the ISO date
        of the Sunday opening the history week ``start_week + step``), then the series."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(names="step")
        start = int(self.p.start_week)
        df.insert(1, "date", [week_start(start + int(s)).isoformat() for s in df["step"]])
        return df


#: Series the protest books keep (``mechanisms/protest_books.py``).
BOOKS_SERIES = (
    "protesters_capital",
    "street_detentions",
    "prosecutions",
    "detentions",
    "political_prisoners",
)


def _reporter(name: str):
    """DataCollector reporter for a series name (default: the model attribute ``name``)."""
    getters = {
        "demanded_support": lambda m: m.kremlin.demand,
        "desperation": lambda m: m.kremlin.desperation,
        "exasperation": lambda m: m.kremlin.exasperation,
        "penetration": lambda m: m.security.penetration,
        "dependence": lambda m: m.kremlin.dependence,
        "leverage": lambda m: m.kremlin.leverage,
        "pressure": lambda m: m.kremlin.pressure,
        "hardship": lambda m: m.citizens.hardship,
        "nato_credibility": lambda m: m.ruler.nato_credibility,
        "excuse_used": lambda m: int(m.ruler.excuse_used),
        "warning": lambda m: int(m.ruler.warning),
        "indispensability": lambda m: m.kremlin.indispensability,
        "odds": lambda m: m.kremlin.odds,
        "hazard": lambda m: m.kremlin.hazard,
        "risk_substitution_est": lambda m: m.ruler.p_substitution if m.ruler.in_power else 0.0,
        "risk_revolt_est": lambda m: m.ruler.p_revolt if m.ruler.in_power else 0.0,
        "repression": lambda m: m.ruler.repression,
        "legitimacy_pw": lambda m: m.citizens.legit_pw,
        "legitimacy_pr": lambda m: m.citizens.legit_pr,
        "police_on_duty": lambda m: int(m.world.cops_on_duty().sum()),
        "army_strength": lambda m: m.army.strength,
        "deployed_strength": lambda m: m.army.deployed_strength,
        "casualties": lambda m: m.army.casualties,
        "army_morale": lambda m: m.army.morale,
        "mutinied_share": lambda m: m.army.mutinied_share,
        "security_loyalty": lambda m: m.security.loyalty_share,
        "security_backing": lambda m: m.security.backing,
        "in_power": lambda m: int(m.ruler.in_power),
        "purges": lambda m: m.ruler.purges,
        "instability": lambda m: m.kremlin.instability,
        "warning_credence": lambda m: m.kremlin.warning_credence,
        "absorbed": lambda m: int(m.absorbed),
        "coup_round": lambda m: m.security.coup_round,
        "coup_moscow_share": lambda m: m.security.coup_moscow_share,
        **{name: (lambda m, name=name: getattr(m.books, name)) for name in BOOKS_SERIES},
    }
    return getters.get(name, lambda m: getattr(m, name))
