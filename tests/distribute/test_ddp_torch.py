"""PyTorch DistributedDataParallel (gloo, 2 processes) against one process on the concatenated batch."""

from __future__ import annotations

import os

import dist_workers
import numpy as np
import pytest
from dist_support import INSTALLED, TOLERANCE, largest_difference

import unigrad as ug

pytestmark = [
    pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch"),
    pytest.mark.timeout(180),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddp")
    replicas = ug.distribute.launch(dist_workers.ddp_replica, nprocs=2, args=(str(folder),), timeout=150)
    with ug.use_backend("torch"):
        reference = {
            "steps": dist_workers.train_steps(None),
            "fit": dist_workers.train_fit(None),
            "syncbn": dist_workers.sync_batchnorm_steps(None),
        }
    return replicas, reference, folder


def test_two_replicas_match_one_process_after_five_steps(runs):
    replicas, reference, _ = runs
    assert [r["engine"] for r in replicas] == ["ddp", "ddp"]
    assert [r["replicas"] for r in replicas] == [2, 2]
    for replica in replicas:
        assert largest_difference(replica["steps"]["weights"], reference["steps"]["weights"]) < TOLERANCE
        np.testing.assert_allclose(replica["steps"]["losses"], reference["steps"]["losses"], rtol=1e-5)


def test_replicas_end_each_run_identical(runs):
    first, second = runs[0]
    assert largest_difference(first["steps"]["weights"], second["steps"]["weights"]) == 0.0
    assert largest_difference(first["fit"]["weights"], second["fit"]["weights"]) == 0.0


def test_fit_on_a_prepared_model_matches_one_process(runs):
    replicas, reference, _ = runs
    for replica in replicas:
        assert largest_difference(replica["fit"]["weights"], reference["fit"]["weights"]) < TOLERANCE
        # the history holds the global batch's mean loss, averaged over the replicas
        np.testing.assert_allclose(replica["fit"]["losses"], reference["fit"]["losses"], rtol=1e-5)


def test_sync_batchnorm_over_two_replicas_is_batchnorm_over_the_global_batch(runs):
    """SyncBatchNorm's statistics span both processes (gloo all_reduce, differentiated through): five
    steps end where BatchNorm1d ends on the whole batch in one process, running statistics included."""
    replicas, reference, _ = runs
    for replica in replicas:
        got, want = replica["syncbn"], reference["syncbn"]
        assert largest_difference(got["weights"], want["weights"]) < TOLERANCE
        np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-5)
    assert int(replicas[0]["syncbn"]["weights"]["1.num_batches_tracked"]) == 5


def test_an_uneven_global_batch_is_refused(runs):
    for replica in runs[0]:
        assert "a global batch of 7 samples does not split evenly over 2 replicas" in replica["uneven_error"]


def test_only_rank_zero_writes_checkpoints(runs):
    replicas, _, folder = runs
    assert sorted(os.listdir(folder)) == ["rank0-epoch1.safetensors", "rank0-epoch2.safetensors"]
    saved = {
        name: np.asarray(value)
        for name, value in ug.load(os.path.join(folder, "rank0-epoch2.safetensors")).items()
    }
    assert largest_difference(saved, replicas[0]["fit"]["weights"]) == 0.0


def test_a_native_handover_trains_under_torchs_own_ddp():
    """``model.to_native()`` wrapped by torch's DistributedDataParallel (2 processes, gloo on loopback)
    and stepped by torch.optim: each replica ends where one process ends on the whole batch."""
    replicas = ug.distribute.launch(dist_workers.native_ddp_replica, nprocs=2, timeout=150)
    with ug.use_backend("torch"):
        reference = dist_workers.native_ddp_train(None)
        initial = dist_workers.weights(dist_workers.make_model())
    assert [r["rank"] for r in replicas] == [0, 1]
    first, second = replicas
    assert largest_difference(first["weights"], second["weights"]) == 0.0
    assert largest_difference(first["weights"], reference["weights"]) < TOLERANCE
    assert largest_difference(reference["weights"], initial) > 0.01  # it trained
