"""Golden master: every named scenario, Epstein preset and a small sweep of each model give
the recorded outputs bit for bit (series as per-column digests, summaries and events in
full). See ``tests/golden/record.py``; regenerate only when behaviour is meant to change."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_record", GOLDEN / "record.py")
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)


@pytest.mark.parametrize("name", sorted(record.CASES))
def test_outputs_match_the_golden_master(name):
    expected = json.loads(record.path(name).read_text())
    got = json.loads(json.dumps(record.CASES[name](), sort_keys=True))
    assert sorted(got) == sorted(expected), f"{name}: the set of golden cases changed"
    for case in sorted(expected):
        for part in sorted(expected[case]):
            assert got[case][part] == expected[case][part], f"{name} {case}: {part} differs"
