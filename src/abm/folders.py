"""The output-folder check every writer shares (``abm run``, ``abm epstein``, sweeps).

A run that fails only when it writes its results (``--out`` names a file, or a folder this
user cannot write) has wasted its whole run time; checking first turns such input into a
one-line refusal before any work.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from abm.errors import ParameterError


def check_out_folder(field: str, out: Path) -> None:
    """Refuse ``out`` unless it is (or can be made) a folder this process can write into.

    The check writes and removes a probe file, since permission bits say nothing for root
    nor for read-only or full file systems; folders it had to create are removed again, so
    a run refused later for another reason leaves nothing behind."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ParameterError(field, str(out), "a folder (this path is a file)")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise ParameterError(field, str(out), f"a folder path ({parent} is a file)")
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".abm-write-check-"):
            pass
    except OSError as exc:
        raise ParameterError(
            field, str(out), f"a folder this user can write ({exc.strerror or exc})"
        ) from None
    finally:
        for path in created:  # deepest first
            try:
                os.rmdir(path)
            except OSError:
                break
