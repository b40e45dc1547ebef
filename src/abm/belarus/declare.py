"""Shorthands for declaring Belarus parameters, and the source keys the declarations cite.

Every parameter is declared once (``abm.params.Param``) in the module of the actor or
mechanism it governs (``actors/*_params.py``, ``mechanisms/switches.py``,
``world_params.py``, ``outcome_params.py``); ``abm.belarus.params`` assembles them into
``BELARUS_PARAMS``, which validates user input and generates the ODD tables.

Source keys:

- ``article``: Bugajski (late 2022), the seed text; quoted where a parameter carries a claim.
- ``CF``: ``CALIBRATION_FACTS.md`` (Belstat, IISS, Viasna, Chatham House polls, press).
- Epstein 2002 (civil violence), Granovetter 1978 (thresholds), Kuran 1991 (preference
  falsification), Lanchester 1916 (attrition), Powell & Thyne 2011 (coup base rate),
  De Bruin 2018 (counterbalancing), Paine 2022 (two kinds of military disloyalty),
  Svolik 2012 (insider exits), Chenoweth & Stephan 2011 (3.5 % participation),
  Singh 2014 (coups as coordination games).
- ``tuned``: set by the calibration (``experiments/calibration.py``) so that the baseline
  reproduces the article's late-2022 picture; the justification is in the meaning or source.
"""

from __future__ import annotations

from abm.params import Param

ART = "article"
CF = "CALIBRATION_FACTS"
EP = "Epstein 2002, PNAS 99(s3)"
TUNED = "tuned (experiments/calibration.py)"


def real(name, default, meaning, unit="-", low=0.0, high=1.0, source="", group="") -> Param:
    """A real number in [low, high] (default: a share in [0, 1])."""
    return Param(name, default, "float", meaning, unit, low, high, source=source, group=group)


def integer(name, default, meaning, unit="-", low=0, high=10**9, source="", group="") -> Param:
    """A whole number in [low, high]."""
    return Param(name, default, "int", meaning, unit, low, high, source=source, group=group)


def schedule(name, default, meaning, unit="-", low=0.0, high=1.0, source="", group="") -> Param:
    """A number or a time schedule whose every value lies in [low, high]."""
    return Param(name, default, "schedule", meaning, unit, low, high, source=source, group=group)


def flag(name, default, meaning, source="", group="") -> Param:
    """True or false."""
    return Param(name, default, "bool", meaning, source=source, group=group)
