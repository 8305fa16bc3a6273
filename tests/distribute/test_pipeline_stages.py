"""ModelParallel: a 2-stage, 2-micro-batch pipeline gives the unsplit model's loss and gradients.

(TensorFlow's stages on two logical CPUs are checked in test_tf_strategies, whose
fresh process has them.)
"""

from __future__ import annotations

import dist_workers
import numpy as np
import pytest
from dist_support import INSTALLED, largest_difference

import unigrad as ug

pytestmark = pytest.mark.timeout(180)


def check(result: dict) -> None:
    assert result["loss"] == pytest.approx(result["reference_loss"], rel=1e-6)
    assert largest_difference(result["grads"], result["reference_grads"]) < 1e-6


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_torch_pipelining_over_two_processes():
    stages = ug.distribute.launch(dist_workers.torch_pipeline_replica, nprocs=2, timeout=150)
    assert [s["rank"] for s in stages] == [0, 1]
    for stage in stages:
        check(stage)
    # each process holds (and differentiates) only its own stage's parameters
    assert sorted(stages[0]["grads"]) == ["0.bias", "0.weight"]
    assert sorted(stages[1]["grads"]) == ["2.bias", "2.weight", "4.bias", "4.weight"]


def test_stages_in_one_process(ug_backend):
    check(dist_workers.pipeline_gradients(["cpu:0", "cpu:0"]))


def test_split_by_parameter_count_and_by_hand():
    with ug.use_backend(INSTALLED[0]):
        model = dist_workers.make_deep_model()
        assert [len(s) for s in ug.distribute.ModelParallel(model, devices=["cpu:0"] * 2).stages] == [2, 3]
        pipe = ug.distribute.ModelParallel(model, devices=["cpu:0"] * 3, split=[2, 4])
        assert [[name for name, _ in s.named_parameters()] for s in pipe.stages] == [
            ["0.weight", "0.bias"],
            ["2.weight", "2.bias"],
            ["4.weight", "4.bias"],
        ]
        named = ug.distribute.ModelParallel({"encoder": model[:2], "head": model[2:]}, devices=["cpu:0"] * 2)
        assert named.names == ["encoder", "head"]
        with pytest.raises(ValueError, match="non-empty stages"):
            ug.distribute.ModelParallel(model, devices=["cpu:0"] * 2, split=[5])
        with pytest.raises(ValueError, match="equal micro-batches"):
            ug.distribute.ModelParallel(model, devices=["cpu:0"] * 2, microbatches=3)(ug.ones((4, 6)))
        x = ug.asarray(np.ones((4, 6), np.float32))
        np.testing.assert_allclose(
            ug.to_numpy(ug.distribute.ModelParallel(model, devices=["cpu:0"] * 2, microbatches=2)(x)),
            ug.to_numpy(model(x)),
            atol=1e-6,  # (micro-batches of 2 rows take another matmul kernel than 4)
        )
