"""docs/tutorial.ipynb (run -> sweep -> report -> branch) executes from top to bottom, in a
temporary working folder, and is committed with its outputs cleared."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


def _git_status() -> str | None:
    """The work tree's `git status --porcelain` (None outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def test_the_tutorial_is_committed_with_cleared_outputs_and_the_python3_kernel():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the tutorial has no code"
    for i, cell in enumerate(code):
        assert not cell.outputs, f"code cell {i} was committed with outputs (clear them)"
        assert cell.execution_count is None, f"code cell {i} has an execution count"


@pytest.mark.slow
def test_the_tutorial_runs_from_top_to_bottom_and_writes_nothing_into_the_repository(tmp_path):
    before = _git_status()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,  # per cell; the whole notebook takes about a minute
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working folder
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on error

    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "identical before week 30 : True" in text  # the branch equals its trunk before t
    assert "20 runs done, 0 failed, status complete" in text  # the sweep finished
    images = sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert images == 3, f"expected the three figures inline, got {images}"
    # the notebook writes into tempfile.mkdtemp() only (a test running alongside that broke
    # the rule "tests write only to tmp_path" would show up here too)
    assert _git_status() == before, "the work tree changed while the notebook ran"
