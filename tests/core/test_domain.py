"""The core objects: ids usable as hostnames, frozen objects, read-only JSON maps."""
from __future__ import annotations

import dataclasses
import re

import pytest

from ludeme.core.domain import (
    Edge, FrozenMap, Job, JobStatus, Lineage, Mechanic, Operator, Version, VersionStatus, Vote,
    VoteOutcome, frozen_map, is_valid_id, new_id,
)


def test_ids_are_hostname_labels():
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for i in ids:
        assert re.fullmatch(r"[0-9a-f]{16}", i)
        assert not i.isdigit()  # an all-digit host would be read as an IPv4 address
        assert is_valid_id(i)
    assert not is_valid_id("1234567890123456")
    assert not is_valid_id("ABCDEF0123456789")
    assert not is_valid_id("abc")


def test_version_is_frozen_and_converts_plain_values():
    v = Version(id=new_id(), lineage_id=new_id(), status="evaluated", operator="mutate",
                parents=["a"], plan={"intent": "floatier jump"}, breakdown={"fun": 0.5})
    assert v.status is VersionStatus.EVALUATED and v.operator is Operator.MUTATE
    assert v.parents == ("a",) and not v.is_root and not v.deleted
    assert isinstance(v.plan, FrozenMap) and v.plan["intent"] == "floatier jump"
    assert v.breakdown == {"fun": 0.5}
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.note = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        v.plan["intent"] = "x"  # type: ignore[index]
    assert hash(v) == hash(dataclasses.replace(v))
    with pytest.raises(ValueError):
        Version(id="x", lineage_id="y", status="finished", operator="seed")


def test_frozen_map_is_lazy_and_compares_like_a_dict():
    lazy = FrozenMap.lazy('{"a": [1, 2], "b": {"c": 3}}')
    assert lazy == {"a": [1, 2], "b": {"c": 3}}
    assert {"a": [1, 2], "b": {"c": 3}} == lazy
    assert dict(lazy) == lazy.to_dict()
    assert len(lazy) == 2 and "a" in lazy and list(lazy) == ["a", "b"]
    assert hash(lazy) == hash(FrozenMap({"b": {"c": 3}, "a": [1, 2]}))
    assert frozen_map(None) == {} and frozen_map(lazy) is lazy


def test_other_objects_coerce_enums():
    assert Job(id=1, kind="evaluate", status="running").status is JobStatus.RUNNING
    vote = Vote(id=1, left="a", right="b", outcome="both_bad")
    assert vote.outcome is VoteOutcome.BOTH_BAD
    assert Mechanic(id="dash", name="Dash", kit_module="dash").executable
    assert Lineage(id="l", title="t").tags == ()
    assert Edge("p", "c", "crossover") == ("p", "c", "crossover")
    assert JobStatus.CANCELLED.finished and not VersionStatus.QUEUED.finished
