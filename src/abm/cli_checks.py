"""Checks the command-line faces share, run before a model is built: seed, steps, output folder.

A run that fails only when it writes its results (``--out`` names a file, or a folder this
user cannot write) has wasted its whole run time; these checks turn such input into a
one-line refusal in the first second.
"""

from __future__ import annotations

from pathlib import Path

from abm.folders import check_out_folder
from abm.limits import check_seed, check_steps

__all__ = ["check_out_folder", "check_run_args"]


def check_run_args(seed: object, steps: object, out: Path, out_field: str = "--out") -> None:
    """Refuse a bad seed, step count or output folder before any work."""
    check_seed("--seed", seed)
    check_steps("--steps", steps)
    check_out_folder(out_field, out)
