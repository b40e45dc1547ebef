"""The Belarus model on the dashboard: its scenarios, the controls the issue asks for (each a
real parameter of ``BELARUS_PARAMS``), and its views; its title, parameters and scenarios
come from the model's catalogue entry.

Controls -> parameters (see docs/dashboard.md for the reasoning):

- Kremlin desperation: ``war_trajectory`` (how badly the war goes for Russia, the level
  desperation moves toward) and ``desperation_rate`` (how fast it gets there);
- Ukrainian strength: ``ukraine_strength``;
- sanctions / dependence: ``sanctions`` and ``sanctions_dependence``;
- penetration of the services: ``penetration_initial`` and ``penetration_effort``;
- NATO excuse on/off: ``mech_nato_excuse``;
- repression: ``mech_repression`` and ``repression_surge``;
- scale: ``n_citizens`` (people per agent = population / n_citizens);
- and ``forced_intervention_week``, the forced-intervention scenario's knob.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from abm.belarus.actors.citizens import PRO_RUSSIAN
from abm.belarus.actors.security import CAPITAL
from abm.belarus.model import BelarusModel
from abm.belarus.outcomes import DECLARED
from abm.belarus.params import SUPPORT_LEVELS
from abm.dashboard.figures import Line, LiveGrid, grid_codes
from abm.dashboard.spec import Control, ModelSpec
from abm.dashboard.views import live_view, series_view
from abm.plots.style import COLORS


def _week(model: BelarusModel) -> int:
    return int(round(model.time))


# ---------------------------------------------------------------------------------- grid
def grid_state(model: BelarusModel) -> tuple[np.ndarray, str]:
    """(category codes, title) of the citizen grid this week."""
    w = model.world
    pro_russian = model.citizens.orientation == PRO_RUSSIAN
    codes = grid_codes(w.grid, w.active, w.n_cit, w.height, w.width, pro_russian=pro_russian)
    police = int(w.cops_on_duty().sum())
    title = (
        f"week {_week(model)}: {model.active:,} active ({model.active_pw:,} pro-W, "
        f"{model.active_pr:,} pro-R), {model.jailed:,} jailed, {police:,} police\n"
        f"one agent = {model.people_per_agent:,.0f} people"
    )
    return codes, title


def build_grid(model: BelarusModel) -> LiveGrid:
    codes, title = grid_state(model)
    two_regions = model.n_regions > 1
    return LiveGrid(
        codes,
        title,
        orientation=True,
        cell_region=model.cell_region.reshape(model.height, model.width) if two_regions else None,
        capital_region=CAPITAL if two_regions else None,
        capital_name="Minsk",
    )


# ---------------------------------------------------------------------------- time plots
def people_frame(model: BelarusModel) -> pd.DataFrame:
    """Actives, jailed and the uprising threshold in people (agents x people per agent)."""
    df = model.series()
    k = model.people_per_agent
    return pd.DataFrame(
        {
            "step": df["step"],
            "active_pw": df["active_pw"] * k,
            "active_pr": df["active_pr"] * k,
            "jailed": df["jailed"] * k,
            "uprising": df["uprising_threshold"] * model.population,
        }
    )


def army_frame(model: BelarusModel) -> pd.DataFrame:
    df = model.series()
    return df.assign(
        deployed_share=df["deployed_strength"] / max(1, model.army_initial),
        mass_mutiny=model.p["mass_mutiny_share"],
    )


def _series(model: BelarusModel) -> pd.DataFrame:
    return model.series()


SUPPORT = series_view(
    "support",
    _series,
    lines=[
        Line("support_level", "Lukashenko's support level", "#222222", drawstyle="steps-post"),
        Line("demanded_support", "Kremlin's demand", "#C44E52", "--"),
    ],
    title="Support for the war: given vs demanded",
    ylabel="support level",
    ylim=(-0.2, len(SUPPORT_LEVELS) - 0.8),
    yticks=[(i, f"{i} {name}") for i, name in enumerate(SUPPORT_LEVELS)],
)
KREMLIN = series_view(
    "kremlin",
    _series,
    lines=[
        Line("exasperation", "exasperation", "#C44E52", width=2.2),
        Line("desperation", "desperation", "#8172B2"),
        Line("penetration", "penetration of services", "#55A868"),
        Line("dependence", "Belarus's dependence", "#937860", ":"),
    ],
    title="The Kremlin: exasperation with Minsk",
    ylabel="index (0-1)",
    ylim=(0, 1.02),
)
PROTEST = series_view(
    "protest",
    people_frame,
    lines=[
        Line("active_pw", "active, pro-Western", COLORS["pro_western"]),
        Line("active_pr", "active, pro-Russian", COLORS["pro_russian"]),
        Line("jailed", "jailed", COLORS["jailed"]),
        Line("uprising", "uprising threshold", COLORS["active"], "--", width=1.0),
    ],
    title="Protest: actives and jailed",
    ylabel="people",
    yformat="{x:,.0f}",
)
ARMY = series_view(
    "army",
    army_frame,
    lines=[
        Line("army_morale", "army morale", "#4C72B0", width=2.0),
        Line("mutinied_share", "mutinied share of strength", "#C44E52", width=2.0),
        Line("deployed_share", "share fighting in Ukraine", "#937860", ":"),
        Line("mass_mutiny", "mass-mutiny threshold", "#C44E52", "--", width=1.0),
    ],
    title="The army: morale and mutinies",
    ylabel="share / index (0-1)",
    ylim=(0, 1.02),
)


# ------------------------------------------------------------------- outcome and events
#: Each outcome's declared colour (the same as in every figure).
OUTCOME_COLOURS = {o.name: o.colour for o in DECLARED}


def ink_on(background: str) -> str:
    """Black or white text, whichever reads better on ``background`` (#RRGGBB)."""
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "white"


def _label(outcome: str) -> str:
    return outcome.replace("_", " ")


@solara.component
def OutcomeBanner(model: BelarusModel):
    """The current outcome, large: the highest-ranked event so far (status quo if none)."""
    update_counter.get()
    outcome = model.final_class()
    week, horizon = _week(model), model.dashboard_horizon
    ruler = {"lukashenko": "Lukashenko", "loyalist": "a Moscow-installed loyalist"}.get(
        model.regime, model.regime
    )
    style = {
        "background": OUTCOME_COLOURS[outcome],
        "color": ink_on(OUTCOME_COLOURS[outcome]),
        "padding": "10px 16px",
        "border-radius": "6px",
        "width": "100%",
    }
    with solara.Column(classes=["abm-outcome"], style=style, gap="2px") as col:
        solara.HTML(
            "div",
            f"Outcome so far: <b>{_label(outcome).upper()}</b>",
            style={"font-size": "1.6em"},
        )
        solara.HTML(
            "div",
            f"week {week} of {horizon} &middot; support level {model.support_level} "
            f"({SUPPORT_LEVELS[model.support_level]}), Kremlin demand "
            f"{model.kremlin.demand:.1f} &middot; in power: {ruler}",
            style={"font-size": "0.95em"},
        )
    return col


@solara.component
def EventLog(model: BelarusModel):
    """Every event with its week and cause, newest first."""
    update_counter.get()
    events = list(model.events)
    with solara.Column(classes=["abm-view-events"], style={"width": "100%"}) as col:
        solara.HTML("div", f"Event log ({len(events)} events)", style={"font-weight": "bold"})
        if not events:
            solara.Text(f"No events by week {_week(model)}: graded complicity holds.")
        rows = "".join(
            f"<tr><td>{step}</td><td style='color:{OUTCOME_COLOURS.get(name, '#333')}'>"
            f"<b>{_label(name)}</b></td><td>{cause}</td></tr>"
            for step, name, cause in reversed(events)
        )
        if rows:
            solara.HTML(
                "div",
                "<table style='font-size:0.8em;border-collapse:separate;border-spacing:6px 2px'>"
                "<tr><th align=left>week</th><th align=left>event</th>"
                f"<th align=left>cause</th></tr>{rows}</table>",
                style={"max-height": "320px", "overflow-y": "auto"},
            )
    return col


def _events_view(model):
    return EventLog(model)


_events_view.__name__ = "events_view"


SPEC = ModelSpec(
    key="belarus",
    default_scenario="baseline",
    controls=(
        Control("war_trajectory", "War going badly for Russia (drives desperation)", 0, 1, 0.05),
        Control("desperation_rate", "Desperation growth rate (/week)", 0, 0.5, 0.01),
        Control("ukraine_strength", "Ukrainian strength (troops)", 0, 200_000, 5_000),
        Control("sanctions", "Western sanctions", 0, 1, 0.05),
        Control("sanctions_dependence", "Dependence added by sanctions", 0, 1, 0.05),
        Control("penetration_initial", "Penetration of services at start", 0, 1, 0.05),
        Control("penetration_effort", "Penetration effort (/week)", 0, 0.03, 0.001),
        Control("mech_nato_excuse", "NATO-threat excuse available"),
        Control("mech_repression", "Repression (2020 crackdown capacity and orders)"),
        Control("repression_surge", "Repression surge (extra police)", 0, 2, 0.05),
        Control("n_citizens", "Scale: citizen agents", 1_000, 100_000, 1_000),
        Control("forced_intervention_week", "Forced intervention at week (-1 never)", -1, 104, 1),
    ),
    model_class=BelarusModel,
    views=(
        live_view("grid", build_grid, lambda live, m: live.update(*grid_state(m))),
        _events_view,
        SUPPORT,
        KREMLIN,
        PROTEST,
        ARMY,
    ),
    header=OutcomeBanner,
)
