"""``with ug.device(...)``, unknown devices, and DataParallel in a lone process (one replica)."""

from __future__ import annotations

import numpy as np
import pytest

import unigrad as ug


def test_creation_and_layers_follow_the_scope(ug_backend):
    with ug.device("cpu:0") as where:
        made = [ug.ones(3), ug.zeros((2, 2)), ug.asarray([1.0]), ug.arange(3), ug.random.normal((2,))]
        layer = ug.nn.Linear(2, 2)
    assert where == "cpu:0"
    assert {ug.device_of(x) for x in [*made, *layer.parameters()]} == {"cpu:0"}


def test_an_unknown_device_lists_the_devices_there_are(ug_backend):
    message = "no device 'gpu:7' here; the devices are: cpu:0"
    with pytest.raises(ug.DeviceError, match=message) as info, ug.device("gpu:7"):
        pass
    assert isinstance(info.value, ValueError)
    with pytest.raises(ug.DeviceError, match="cannot read the device name"), ug.device("not a device!"):
        pass


def test_module_to_and_to_device(ug_backend):
    model = ug.nn.Linear(2, 1).to("cpu:0")
    assert {ug.device_of(p) for p in model.parameters()} == {"cpu:0"}
    assert ug.device_of(ug.to_device(ug.ones(2), "cpu:0")) == "cpu:0"


def test_data_parallel_in_a_lone_process_runs_the_step_as_it_is(ug_backend, monkeypatch):
    # (under ug.use_backend: MirroredStrategy's replica threads must see the backend too)
    for name in ("WORLD_SIZE", "TF_CONFIG", "RANK"):
        monkeypatch.delenv(name, raising=False)
    dp = ug.distribute.DataParallel()
    engine = "ddp" if ug_backend == "torch" else "mirrored"
    assert (dp.engine, dp.num_replicas, dp.rank, dp.is_main) == (engine, 1, 0, True)
    model = dp.prepare(ug.nn.Linear(3, 1))
    opt = ug.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y)
        opt.step(tape.gradient(loss, model.parameters()))
        return loss

    x, y = np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
    first = float(ug.to_numpy(dp.run(step, x, y)))
    assert float(ug.to_numpy(dp.run(step, x, y, compile=False))) < first
    assert len(dp.run(step, x, y, reduce=None)) == 1
    with pytest.raises(ValueError, match="reduce"):
        dp.run(step, x, y, reduce="sum")
    with pytest.raises(ug.ShapeError, match="different first dimensions"):
        dp.run(step, x, y[:2])
    with pytest.raises(ValueError, match="needs a model prepared by it"):
        ug.fit(ug.nn.Linear(3, 1), x, y, loss="mse", optimizer="sgd", strategy=dp, verbose=False)
