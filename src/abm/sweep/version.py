"""Which code a sweep folder's rows come from, so that a resume never mixes two models.

A run's result is a pure function of (parameters, seed) *for one version of the code*.
Rows made by two versions in one folder would look like one experiment and be none, so the
folder records the package version, the git commit (when the package runs from a checkout)
and a hash of the model's parameter schema (names, kinds, ranges, choices, defaults): a
change of any of them is refused on resume unless the user allows it explicitly.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from abm import __version__
from abm.params import ParamSet


def git_commit() -> dict[str, Any]:
    """The commit (and whether the tree was dirty) of the source the package runs from."""
    src = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode:
            return {"commit": None, "dirty": None}
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def schema_hash(params: ParamSet) -> str:
    """SHA-256 of what a model accepts: each parameter's name, kind, range, choices, default."""
    rows = [
        [p.name, p.kind, p.low, p.high, list(p.choices), str(p.default)]
        for p in sorted(params, key=lambda p: p.name)
    ]
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def code_version(params: ParamSet) -> dict[str, Any]:
    git = git_commit()
    return {
        "abm_version": __version__,
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "param_schema_sha256": schema_hash(params),
    }


def differences(stored: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What changed, as 'field: old -> new'; a git commit unknown on either side is not
    compared (an installed wheel has none), the dirty flag never is (it says nothing of
    what changed)."""
    out = []
    for key in ("abm_version", "git_commit", "param_schema_sha256"):
        if key not in stored or key not in now:
            continue  # a folder from before this was recorded
        old, new = stored[key], now[key]
        if key == "git_commit" and (old is None or new is None):
            continue
        if old != new:
            out.append(f"{key}: {old} -> {new}")
    return out
