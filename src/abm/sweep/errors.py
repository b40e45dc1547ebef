"""Errors of the sweep store that are not bad input: the folder or the machine failed.

``ParameterError`` (abm.errors) means the user asked for something not allowed and nothing
was done; these mean work was under way. Each message says what was kept and how to go on,
so the CLI prints it as it is (no traceback) and exits with the code for its kind.
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """The sweep folder cannot be read or written as it is (damaged parts, a corrupt
    manifest, a full disk, a code change); the message names the files and the remedy."""


class SweepInterrupted(RuntimeError):
    """Stopped by a signal before the first run was scheduled."""


class ExecutorLost(RuntimeError):
    """The executor can no longer run tasks (a Dask client lost its scheduler, no worker
    left); finished runs are saved, a rerun resumes."""
