"""TensorFlow: MirroredStrategy over 2 logical CPUs, and MultiWorkerMirroredStrategy over 2 processes.

TensorFlow fixes its devices when it starts, so each run is a fresh process
(``launch``): this test process's TensorFlow, if any, is left as it is.
"""

from __future__ import annotations

import dist_workers
import numpy as np
import pytest
from dist_support import INSTALLED, TOLERANCE, largest_difference

import unigrad as ug

pytestmark = [
    pytest.mark.skipif("tensorflow" not in INSTALLED, reason="needs tensorflow"),
    pytest.mark.timeout(240),
]


@pytest.fixture(scope="module")
def mirrored():
    return ug.distribute.launch(dist_workers.mirrored_process, nprocs=1, timeout=200)[0]


@pytest.fixture(scope="module")
def multi_worker():
    return ug.distribute.launch(dist_workers.multi_worker_replica, nprocs=2, timeout=200)


def test_split_cpu_gives_logical_devices_and_device_scopes_place_on_them(mirrored):
    assert mirrored["split"] == mirrored["devices"] == ["cpu:0", "cpu:1"]
    assert mirrored["scope"] == "cpu:1"
    assert mirrored["placed"] == ["cpu:1", "cpu:1"]  # a tensor and a layer's parameter made in the block


def test_split_cpu_after_tensorflow_started_says_so(mirrored):
    assert "already initialised with 2" in mirrored["late_split_error"]


def test_run_returns_each_replicas_output_or_their_mean(mirrored):
    assert [float(v) for v in mirrored["per_replica"]] == [6.0, 22.0]
    assert float(mirrored["averaged"]) == 14.0


def test_mirrored_matches_one_device_after_five_steps(mirrored):
    assert (mirrored["engine"], mirrored["replicas"]) == ("mirrored", 2)
    got, want = mirrored["steps"], mirrored["steps_reference"]
    assert largest_difference(got["weights"], want["weights"]) < TOLERANCE
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-5)


def test_fit_under_mirrored_matches_one_device(mirrored):
    got, want = mirrored["fit"], mirrored["fit_reference"]
    assert largest_difference(got["weights"], want["weights"]) < TOLERANCE
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-5)


def test_sync_batchnorm_under_mirrored_is_batchnorm_over_the_global_batch(mirrored):
    """SyncBatchNorm's statistics span both replicas (ReplicaContext.all_reduce): five steps end where
    BatchNorm1d ends on the whole batch on one device, running statistics included."""
    got, want = mirrored["syncbn"], mirrored["syncbn_reference"]
    assert largest_difference(got["weights"], want["weights"]) < TOLERANCE
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-5)


def test_multi_worker_matches_one_process_after_five_steps(multi_worker):
    reference = multi_worker[0]["reference"]
    for replica in multi_worker:
        assert (replica["engine"], replica["replicas"]) == ("multi_worker_mirrored", 2)
        assert largest_difference(replica["steps"]["weights"], reference["weights"]) < TOLERANCE
        np.testing.assert_allclose(replica["steps"]["losses"], reference["losses"], rtol=1e-5)


def test_fit_under_multi_worker_matches_one_process(multi_worker):
    reference = multi_worker[0]["fit_reference"]
    for replica in multi_worker:
        assert largest_difference(replica["fit"]["weights"], reference["weights"]) < TOLERANCE
    assert largest_difference(multi_worker[0]["fit"]["weights"], multi_worker[1]["fit"]["weights"]) == 0.0


def test_pipeline_stages_on_two_logical_cpus(mirrored):
    result = mirrored["pipeline"]
    assert result["loss"] == pytest.approx(result["reference_loss"], rel=1e-6)
    assert largest_difference(result["grads"], result["reference_grads"]) < 1e-6
    assert result["placed"] == [["cpu:0"], ["cpu:1"]]
