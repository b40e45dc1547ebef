"""Prior ranges: for each parameter an estimation may move, the range its sources allow.

A parameter's declaration (``abm.params.Param``) bounds what a run accepts; its *prior* says
what the evidence supports, which is narrower and is what a prior predictive check, a
screening design or an ABC calibration samples. Priors live in a TOML file beside the model
(one table per parameter), so a user can swap in another file to test how much a result
owes to them:

```toml
[detention_share]
low = 0.002
high = 0.3
scale = "log"          # "linear" (uniform) or "log" (uniform in log10)
basis = "source"       # "source": the range is read from a cited figure; "assumption"
source = "CALIBRATION_FACTS: Viasna, 9-12 Aug and 20 Sep 2020"
```

Every parameter not listed keeps its declared default: the prior file is also the list of
what an estimation is allowed to move. A file is checked whole against the model's
``ParamSet`` before anything runs; an error names the file, the parameter, the field, the
value and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from abm.errors import ParameterError
from abm.params import ParamSet

SCALES = ("linear", "log")
BASES = ("source", "assumption")
FIELDS = ("low", "high", "scale", "basis", "source")


@dataclass(frozen=True)
class Prior:
    """A uniform prior on [low, high], in the parameter's units or in log10 of them."""

    name: str
    low: float
    high: float
    scale: str
    basis: str
    source: str
    integer: bool = False

    def to_unit(self, value: float | np.ndarray) -> float | np.ndarray:
        """Position in [0, 1] of ``value`` under this prior (its CDF)."""
        if self.scale == "log":
            lo, hi = math.log10(self.low), math.log10(self.high)
            return (np.log10(value) - lo) / (hi - lo)
        return (np.asarray(value) - self.low) / (self.high - self.low)

    def from_unit(self, u: float | np.ndarray) -> float | np.ndarray:
        """The value at quantile ``u`` in [0, 1] (rounded for an integer parameter)."""
        u = np.asarray(u, dtype=float)
        if self.scale == "log":
            lo, hi = math.log10(self.low), math.log10(self.high)
            # clipped: 10 ** log10(high) may land an ulp above high, which a run refuses
            x = np.clip(10.0 ** (lo + u * (hi - lo)), self.low, self.high)
        else:
            x = self.low + u * (self.high - self.low)
        if self.integer:
            x = np.clip(np.rint(x), math.ceil(self.low), math.floor(self.high))
        return x


@dataclass(frozen=True)
class Priors:
    """An ordered set of priors for one model, read from ``origin``."""

    priors: tuple[Prior, ...]
    origin: str = ""

    def __iter__(self):
        return iter(self.priors)

    def __len__(self) -> int:
        return len(self.priors)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.priors)

    def __getitem__(self, name: str) -> Prior:
        for p in self.priors:
            if p.name == name:
                return p
        raise KeyError(name)

    def draw(self, u: np.ndarray) -> list[dict[str, float | int]]:
        """Parameter dicts from a (n, len(self)) matrix of quantiles in [0, 1] (a Latin
        hypercube, a Sobol' sequence, plain uniforms): one dict per row."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        if u.shape[1] != len(self.priors):
            raise ValueError(f"{u.shape[1]} columns for {len(self.priors)} priors")
        cols = [p.from_unit(u[:, j]) for j, p in enumerate(self.priors)]
        return [
            {
                p.name: (int(cols[j][i]) if p.integer else float(cols[j][i]))
                for j, p in enumerate(self.priors)
            }
            for i in range(u.shape[0])
        ]


def read_priors(path: str | Path, params: ParamSet) -> Priors:
    """Read and check a priors TOML file against a model's parameters."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("PRIORS", str(p), "an existing TOML file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError("PRIORS", str(p), f"a readable UTF-8 TOML file ({exc})") from None
    return parse_priors(data, params, origin=str(p))


def parse_priors(data: Mapping[str, Any], params: ParamSet, origin: str = "") -> Priors:
    """Check a parsed priors table against ``params``; see the module docstring."""
    where = f"{origin}: " if origin else ""
    out: list[Prior] = []
    for name, table in data.items():
        if name not in params:
            raise ParameterError(f"{where}[{name}]", name, "a parameter of the model")
        decl = params[name]
        if decl.kind not in ("float", "int", "schedule"):
            raise ParameterError(
                f"{where}[{name}]",
                decl.kind,
                "a float, int or schedule parameter (a prior is a range; a schedule's draw "
                "holds for the whole run)",
            )
        if not isinstance(table, Mapping):
            raise ParameterError(f"{where}[{name}]", table, "a table of " + ", ".join(FIELDS))
        for key in table:
            if key not in FIELDS:
                raise ParameterError(f"{where}{name}.{key}", table[key], ", ".join(FIELDS))
        for key in FIELDS:
            if key not in table:
                raise ParameterError(f"{where}{name}.{key}", None, "a value (required)")
        low, high = (_number(f"{where}{name}.{k}", table[k]) for k in ("low", "high"))
        dlo = -math.inf if decl.low is None else decl.low
        dhi = math.inf if decl.high is None else decl.high
        if not dlo <= low < high <= dhi:
            raise ParameterError(
                f"{where}{name}.low/high",
                [low, high],
                f"low < high inside the parameter's declared range [{dlo:g}, {dhi:g}]",
            )
        scale = _choice(f"{where}{name}.scale", table["scale"], SCALES)
        if scale == "log" and low <= 0:
            raise ParameterError(f"{where}{name}.low", low, "> 0 on a log scale")
        basis = _choice(f"{where}{name}.basis", table["basis"], BASES)
        source = table["source"]
        if not isinstance(source, str) or not source.strip():
            raise ParameterError(f"{where}{name}.source", source, "a non-empty citation")
        out.append(Prior(name, low, high, scale, basis, source.strip(), decl.kind == "int"))
    if not out:
        raise ParameterError(f"{where}priors", {}, "at least one parameter table")
    return Priors(tuple(out), origin)


def defaults_outside(priors: Iterable[Prior], params: ParamSet) -> list[str]:
    """Parameters whose declared default lies outside their prior (worth a look: the
    default run then stands for a value the sources rule out). A schedule's default counts
    by every value it takes."""
    out = []
    for p in priors:
        d = params[p.name]
        lo, hi = d.coerce(d.default).bounds() if d.kind == "schedule" else (d.default,) * 2
        if not (p.low <= lo and hi <= p.high):
            out.append(p.name)
    return out


def prior_table(priors: Priors, params: ParamSet) -> str:
    """A Markdown table of the priors (for the ODD): name, unit, default, range, scale,
    basis, source."""
    rows = [
        "| name | unit | default | prior range | scale | basis | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in priors:
        d = params[p.name]
        rows.append(
            f"| `{p.name}` | {d.unit} | {d.default} | {p.low:g} - {p.high:g} | {p.scale} "
            f"| {p.basis} | {p.source} |"
        )
    return "\n".join(rows)


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(field, value, "a finite number")
    return float(value)


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(field, value, "one of " + ", ".join(allowed))
    return value
