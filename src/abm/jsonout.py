"""Standard JSON for every file the package writes (summary.json, a sweep's manifest).

Python's ``json`` writes NaN and Infinity by default, which most JSON readers refuse. Here
the one legitimate infinity (an unbounded jail term, ``max_jail_term = inf``) is written as
the string ``"inf"``, the form the parameter kit reads back, and a NaN is an error naming
where it sits: inputs are finite by construction, so a NaN in an output is a bug to fix, not
a value to store.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` with infinities as ``"inf"``/``"-inf"`` and NaN refused (ValueError)."""
    return json.dumps(finite(obj), allow_nan=False, **kwargs)


def finite(obj: Any, where: str = "$") -> Any:
    """A copy of ``obj`` (dicts, lists, tuples, scalars) ready for standard JSON."""
    if isinstance(obj, float):
        if math.isnan(obj):
            raise ValueError(f"NaN at {where} cannot be written as standard JSON")
        if math.isinf(obj):
            return "inf" if obj > 0 else "-inf"
        return obj
    if isinstance(obj, Mapping):
        return {k: finite(v, f"{where}.{k}") for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    return obj
