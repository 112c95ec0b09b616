"""A report that crossed a process or a cluster (the pool's JSON wire) can still be rescored with a
critic's score here, exactly as a report made in this process; the project's cluster address is
validated; a default evaluation says where it ran."""
from __future__ import annotations

import json
import socket

import pytest

from ludeme.core.kit import build_game_html
from ludeme.core.settings import ClusterSettings, EvaluationSettings, Settings
from ludeme.evaluation.evaluator import rescore
from ludeme.evolution.pool import evaluate_default, report_from_wire, report_to_wire, use_cluster, where_ran


def test_a_wire_report_rescores_like_a_local_one(qapp):
    html = build_game_html("sky_hopper")
    where_ran(reset=True)
    local = evaluate_default({"index.html": html.encode()}, EvaluationSettings(seconds=1.5, idle_seconds=1),
                             parent_html=html.replace("Sky Hopper", "Sky Hopping"))
    assert where_ran() == {f"this machine ({socket.gethostname()})": 1}
    wired = report_from_wire(json.loads(json.dumps(report_to_wire(local))))
    assert wired.reward_inputs is not None and wired.reward == local.reward
    rescore(local, creativity=8)
    rescore(wired, creativity=8)
    assert wired.breakdown["creativity"]["value"] == pytest.approx((8 - 3) / 7)
    assert (wired.reward, wired.quality, wired.progress) == (local.reward, local.quality, local.progress)


@pytest.mark.parametrize("address", ["", "auto", "127.0.0.1:6379", "ray://head.lan:10001", " auto "])
def test_cluster_addresses_that_are_accepted(address):
    assert ClusterSettings(address=address).address == address.strip()
    assert Settings.from_dict({"cluster": {"address": address}}).cluster.address == address.strip()


@pytest.mark.parametrize("address", ["http://head:6379", "head", "a b:1", "ray://", ":6379"])
def test_cluster_addresses_that_are_refused(address):
    with pytest.raises(ValueError, match="not a cluster address"):
        ClusterSettings(address=address)


def test_a_cluster_without_ray_or_unreachable_is_one_clear_line(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_ray(name, *a, **kw):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ValueError, match=r"Ray is not installed: pip install 'ludeme\[cluster\]'"):
        use_cluster("127.0.0.1:6379")
    use_cluster(None)   # back to this machine, no error


def test_an_address_with_nothing_there_fails_at_once():
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    with pytest.raises(ValueError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}: nothing is listening"):
        use_cluster(f"127.0.0.1:{port}")         # Ray's own connect would wait for minutes
    assert time.perf_counter() - started < 5


def test_worker_refuses_a_malformed_ray_address_in_one_line(tmp_path, capsys):
    from ludeme.cli import main
    from ludeme.store import create_project

    create_project(tmp_path / "p.ludeme").close()
    assert main(["worker", "--project", str(tmp_path / "p.ludeme"), "--once", "--ray", "http://head:6379"]) == 2
    err = capsys.readouterr().err
    assert "'http://head:6379' is not a cluster address: use auto, HOST:PORT or ray://HOST:PORT" in err
    assert len(err.strip().splitlines()) == 1
