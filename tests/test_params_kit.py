"""The parameter kit's resolved values: read-only, attribute access, validated once."""

from __future__ import annotations

import pytest

from abm.params import Param, ParamSet, Values

KIT = ParamSet(
    [
        Param("alpha", 0.5, "float", "a rate", low=0.0, high=1.0),
        Param("n", 3, "int", "a count", low=1, high=10),
    ]
)


def test_resolved_values_read_as_mapping_and_attributes():
    p = KIT.resolve({"alpha": "0.25"})
    assert isinstance(p, Values)
    assert p.alpha == p["alpha"] == 0.25
    assert dict(p) == {"alpha": 0.25, "n": 3}
    with pytest.raises(AttributeError, match="no parameter named 'beta'"):
        _ = p.beta


def test_resolved_values_cannot_be_changed_after_validation():
    p = KIT.resolve()
    with pytest.raises(AttributeError, match="read-only"):
        p.alpha = 2.0
    with pytest.raises(TypeError):
        p["alpha"] = 2.0  # type: ignore[index]


def test_is_resolved_recognises_only_its_own_values():
    other = ParamSet([Param("alpha", 0.5, "float", "a rate", low=0.0, high=1.0)])
    assert KIT.is_resolved(KIT.resolve())
    assert not KIT.is_resolved(other.resolve())
    assert not KIT.is_resolved({"alpha": 0.5, "n": 3})
