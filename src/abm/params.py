"""Typed, validated parameters: one declaration carries default, range, unit, meaning and source.

The same declarations validate user input (CLI ``--set``, scenario files, sweep specs),
give defaults to the models, and generate the ODD parameter table, so the documentation
cannot drift from the code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from abm.errors import ParameterError
from abm.schedule import Schedule

KINDS = ("float", "int", "bool", "choice", "schedule", "int_or_inf")


@dataclass(frozen=True)
class Param:
    """One model parameter.

    ``kind`` is one of float, int, bool, choice, schedule (a number or a time schedule) and
    int_or_inf (an integer or ``inf``, e.g. Epstein's unbounded jail term). ``low``/``high``
    bound numbers and every value a schedule takes.

    Every number is finite by construction: NaN and the infinities are refused here (except
    the one ``inf`` an int_or_inf means), because a NaN compares false with both bounds and
    would otherwise pass a range check and drive a run to a plausible, wrong result.
    """

    name: str
    default: Any
    kind: str
    meaning: str
    unit: str = "-"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    source: str = ""
    group: str = ""

    def grouped(self, group: str) -> Param:
        """The same parameter filed under ``group``: a model that hands a parameter on to
        the engine shares the engine's declaration and only files it in its own tables."""
        return replace(self, group=group)

    def allowed(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        base = {
            "float": "a finite number",
            "int": "an integer",
            "int_or_inf": "an integer or inf",
        }
        what = base.get(
            self.kind,
            "a finite number or a schedule (step:a,b,t / linear:a,b,t0,t1 / piecewise:v@t,...)",
        )
        return f"{what} in [{lo}, {hi}]"

    def coerce(self, value: Any) -> Any:
        """Return the typed value or raise ParameterError naming field, value and allowed."""
        try:
            out = self._convert(value)
        except (TypeError, ValueError, OverflowError) as exc:
            why = f" ({exc})" if self.kind == "schedule" and str(exc) else ""
            raise ParameterError(self.name, value, self.allowed() + why) from None
        self._check_range(value, out)
        return out

    def _convert(self, value: Any) -> Any:
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
            raise ValueError
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError
            return value
        if self.kind == "schedule":
            return Schedule.parse(value)
        if isinstance(value, bool):
            raise ValueError
        if self.kind == "int_or_inf":
            if isinstance(value, str) and value.strip().lower() in ("inf", "+inf", "infinity"):
                return math.inf
            if isinstance(value, float) and value == math.inf:
                return math.inf
        if self.kind in ("int", "int_or_inf"):
            return _integer(value)
        f = float(value)
        if not math.isfinite(f):
            raise ValueError
        return f

    def _check_range(self, raw: Any, value: Any) -> None:
        if self.kind in ("bool", "choice"):
            return
        lo, hi = value.bounds() if isinstance(value, Schedule) else (value, value)
        if self.kind == "int_or_inf" and value == math.inf:  # "for ever" is in any range
            lo = hi = self.low
        if (self.low is not None and lo < self.low) or (self.high is not None and hi > self.high):
            raise ParameterError(self.name, raw, self.allowed())


def _integer(value: Any) -> int:
    """An int from an int, an integral finite float or integer text ("12", "1e3"), exactly:
    text of digits is read as an int, not through a float that would round it."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    f = float(value)  # ValueError for junk; inf and nan are not integers
    if not f.is_integer():
        raise ValueError
    return int(f)


class ParamSet:
    """An ordered collection of Params with whole-dict validation."""

    def __init__(self, params: Iterable[Param]):
        self.params: dict[str, Param] = {}
        for p in params:
            if p.kind not in KINDS:
                raise ValueError(f"{p.name}: unknown kind {p.kind}")
            if p.name in self.params:
                raise ValueError(f"duplicate parameter {p.name}")
            self.params[p.name] = p

    def __iter__(self):
        return iter(self.params.values())

    def __contains__(self, name: str) -> bool:
        return name in self.params

    def __getitem__(self, name: str) -> Param:
        return self.params[name]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.coerce(p.default) for p in self}

    def resolve(self, *layers: Mapping[str, Any]) -> Values:
        """Defaults overridden by each layer in turn; every name and value is checked.

        The result is a read-only ``Values`` that remembers this set, so a model handed one
        need not validate it again (``is_resolved``)."""
        out = self.defaults()
        for layer in layers:
            for name, value in layer.items():
                if name not in self.params:
                    raise ParameterError(
                        name, value, "a known parameter: " + self._names_hint(name)
                    )
                out[name] = self.params[name].coerce(value)
        return Values(out, self)

    def is_resolved(self, params: object) -> bool:
        """True when ``params`` came out of this set's ``resolve`` (already valid)."""
        return isinstance(params, Values) and params.schema is self

    def _names_hint(self, name: str) -> str:
        import difflib

        close = difflib.get_close_matches(name, self.params, n=3)
        return ("did you mean " + ", ".join(close) + "?") if close else "see `abm params`"


class Values(Mapping[str, Any]):
    """Resolved parameters: read-only, complete, every value already of its declared kind.

    Reads as a mapping (``p["k"]``, ``dict(p)``, ``p.items()``) and as attributes
    (``p.lanchester_alpha``), so rule code names parameters the way the papers do instead
    of through string keys. Being read-only is what makes "validated once" safe: nothing
    downstream can slip an unchecked value in after ``ParamSet.resolve``.
    """

    __slots__ = ("_data", "schema")

    def __init__(self, data: Mapping[str, Any], schema: ParamSet):
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "schema", schema)

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"no parameter named {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("resolved parameters are read-only; resolve new ones instead")

    def __repr__(self) -> str:
        return f"Values({self._data!r})"


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Turn CLI ``NAME=VALUE`` strings into a dict (values stay text; ParamSet types them)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--set", item, "NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def markdown_table(params: ParamSet) -> str:
    """The ODD parameter table (name, meaning, unit, default, range, source)."""
    rows = ["| name | meaning | unit | default | range | source |", "|---|---|---|---|---|---|"]
    for p in params:
        if p.kind == "choice":
            rng = " / ".join(p.choices)
        elif p.kind == "bool":
            rng = "true / false"
        else:
            lo = "-∞" if p.low is None else f"{p.low:g}"
            hi = "∞" if p.high is None else f"{p.high:g}"
            rng = f"[{lo}, {hi}]"
        rows.append(f"| `{p.name}` | {p.meaning} | {p.unit} | {p.default} | {rng} | {p.source} |")
    return "\n".join(rows)
