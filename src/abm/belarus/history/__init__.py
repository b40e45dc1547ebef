"""Belarus, August 2020 - 2025, as data for the history replay (issue 11); see README.md."""

from abm.belarus.history.data import (
    CONFIDENCE,
    ERROR_MODELS,
    FIT_END,
    HISTORY_END,
    PERIODS,
    WEEK_ZERO,
    HistoryDataError,
    InputChange,
    Observation,
    load_inputs,
    load_observed,
    period_of,
    week_of,
    week_start,
)

__all__ = [
    "CONFIDENCE",
    "ERROR_MODELS",
    "FIT_END",
    "HISTORY_END",
    "PERIODS",
    "WEEK_ZERO",
    "HistoryDataError",
    "InputChange",
    "Observation",
    "load_inputs",
    "load_observed",
    "period_of",
    "week_of",
    "week_start",
]
