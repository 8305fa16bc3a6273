"""``ug.distribute.launch``: environment, results by rank, a failing replica, a run past its timeout."""

from __future__ import annotations

import json
import time

import dist_workers
import pytest
from dist_support import INSTALLED

import unigrad as ug

pytestmark = pytest.mark.timeout(120)


def test_replicas_get_the_launchers_environment_and_results_come_back_by_rank():
    found = ug.distribute.launch(dist_workers.whoami, nprocs=2, timeout=60)
    assert [(r["rank"], r["world_size"], r["is_main"]) for r in found] == [(0, 2, True), (1, 2, False)]
    assert [r["RANK"] for r in found] == ["0", "1"] and {r["WORLD_SIZE"] for r in found} == {"2"}
    assert found[0]["MASTER_PORT"] == found[1]["MASTER_PORT"] and found[0]["MASTER_ADDR"] == "127.0.0.1"
    configs = [json.loads(r["TF_CONFIG"]) for r in found]
    assert configs[0]["cluster"] == configs[1]["cluster"] and len(configs[0]["cluster"]["worker"]) == 2
    assert [c["task"] for c in configs] == [{"type": "worker", "index": 0}, {"type": "worker", "index": 1}]
    assert found[0]["UNIGRAD_BACKEND"] == ug.get_backend()


def test_a_failing_replica_ends_the_run_promptly_with_its_traceback():
    start = time.monotonic()
    with pytest.raises(ug.distribute.ReplicaError, match="replica 1 of 2 failed") as info:
        ug.distribute.launch(dist_workers.failing_replica, nprocs=2, args=(600.0,), timeout=90)
    assert time.monotonic() - start < 30  # rank 0 would have slept for ten minutes
    assert info.value.rank == 1
    assert "ValueError: replica one is broken" in info.value.remote_traceback
    assert "failing_replica" in str(info.value)


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_a_replica_blocked_in_a_collective_is_stopped_when_another_fails():
    start = time.monotonic()
    with pytest.raises(ug.distribute.ReplicaError, match="broken before the all-reduce") as info:
        ug.distribute.launch(dist_workers.failing_collective_replica, nprocs=2, timeout=90)
    assert info.value.rank == 1
    assert time.monotonic() - start < 45  # not the collective's 120 s timeout


def test_a_run_past_its_timeout_is_stopped():
    start = time.monotonic()
    with pytest.raises(ug.distribute.LaunchTimeoutError, match="timeout of 3"):
        ug.distribute.launch(dist_workers.sleeping_replica, nprocs=2, args=(600.0,), timeout=3)
    assert time.monotonic() - start < 20


def test_launch_checks_its_arguments():
    with pytest.raises(ValueError, match="nprocs"):
        ug.distribute.launch(dist_workers.whoami, nprocs=0)


def test_a_lone_process_is_rank_zero_of_one(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "TF_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    assert (ug.distribute.rank(), ug.distribute.world_size(), ug.distribute.local_rank()) == (0, 1, 0)
    assert ug.distribute.is_main()
    monkeypatch.setenv(
        "TF_CONFIG",
        json.dumps(
            {"cluster": {"chief": ["a:1"], "worker": ["b:1", "c:1"]}, "task": {"type": "worker", "index": 1}}
        ),
    )
    assert (ug.distribute.rank(), ug.distribute.world_size()) == (2, 3)
