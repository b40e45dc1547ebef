"""The documentation users read must say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from abm.belarus.params import BELARUS_PARAMS
from abm.odd import ODD_PATH, render

ROOT = Path(__file__).resolve().parents[1]


def test_odd_parameter_tables_are_generated_from_the_code():
    text = ODD_PATH.read_text()
    assert render(text) == text, "docs/ODD.md is stale: run `python -m abm.odd`"


def test_odd_documents_every_parameter_and_every_switch():
    text = ODD_PATH.read_text()
    for p in BELARUS_PARAMS:
        assert f"| `{p.name}` |" in text, p.name
    for n in range(1, 9):
        assert re.search(rf"^#### {n}\. .*`mech_\w+`", text, re.M), f"mechanism {n}"


def test_odd_has_no_unfilled_template_fields():
    text = ODD_PATH.read_text()
    assert not re.findall(r"^\{[a-z_]+\}$", text, re.M)


def test_readme_quick_start_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make results" in readme
    assert re.search(r"^make test$", ci, re.M)


def test_every_results_folder_names_its_command():
    for folder in (ROOT / "results").iterdir():
        if folder.is_dir():
            readme = folder / "README.md"
            assert readme.exists(), f"{folder.name} has no README naming its command"
            assert re.search(r"`[^`]*(\babm |python )[^`]*`", readme.read_text()), folder.name
