"""Run exported artifacts in fresh Python processes that cannot import unigrad.

``run_artifacts(jobs, folder)`` groups the jobs by the framework that loads them
(torch, onnxruntime, tensorflow), runs each group in one child process, all
children at once, and returns each job's output as a NumPy array. The child
refuses any import of unigrad through a ``sys.meta_path`` finder and checks at
the end that no unigrad module was loaded, so an artifact that pickles a
unigrad class, or needs unigrad's code to run, fails there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHILD_TIMEOUT_S = 120

# what every child runs first: no import of unigrad can succeed after it
REFUSE_UNIGRAD = r"""
import sys

class RefuseUnigrad:
    def find_spec(self, name, path=None, target=None):
        if name == "unigrad" or name.startswith("unigrad."):
            raise ImportError(f"the artifact tried to import {name}")
        return None

sys.meta_path.insert(0, RefuseUnigrad())
"""

CHILD = (
    REFUSE_UNIGRAD
    + r"""
import json
import numpy as np

def run(job, xs):
    kind, artifact = job["format"], job["artifact"]
    if kind in ("torch.export", "torchscript"):
        import torch
        model = torch.export.load(artifact).module() if kind == "torch.export" else torch.jit.load(artifact)
        with torch.no_grad():
            return model(*[torch.from_numpy(x) for x in xs]).numpy()
    if kind == "onnx":
        import onnxruntime
        session = onnxruntime.InferenceSession(artifact, providers=["CPUExecutionProvider"])
        return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), xs)})[0]
    import tensorflow as tf
    model = tf.saved_model.load(artifact)
    if job.get("signature"):
        outputs = model.signatures["serving_default"](**{f"input_{i}": tf.constant(x) for i, x in enumerate(xs)})
        return outputs["output_0"].numpy()
    return model(*[tf.constant(x) for x in xs]).numpy()

for job in json.load(open(sys.argv[1])):
    np.save(job["output"], run(job, [np.load(p) for p in job["inputs"]]))
loaded = sorted(name for name in sys.modules if name == "unigrad" or name.startswith("unigrad."))
assert not loaded, f"unigrad was imported: {loaded}"
print("child ok")
"""
)

LOADER = {"torch.export": "torch", "torchscript": "torch", "onnx": "onnx", "saved_model": "tensorflow"}


@dataclass
class Job:
    """One artifact run on one input; ``signature`` calls SavedModel's serving signature."""

    name: str
    format: str
    artifact: str
    inputs: list[np.ndarray]
    signature: bool = False


def run_artifacts(jobs: list[Job], folder: Path) -> dict[str, np.ndarray]:
    """Each job's output, by job name, computed in child processes without unigrad."""
    groups: dict[str, list[dict[str, object]]] = {}
    for index, job in enumerate(jobs):
        paths = []
        for position, array in enumerate(job.inputs):
            paths.append(str(folder / f"job{index}_in{position}.npy"))
            np.save(paths[-1], array)
        groups.setdefault(LOADER[job.format], []).append(
            {
                "format": job.format,
                "artifact": job.artifact,
                "inputs": paths,
                "output": str(folder / f"job{index}_out.npy"),
                "signature": job.signature,
            }
        )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    children = []
    for loader, specs in groups.items():
        spec_file = folder / f"{loader}_jobs.json"
        spec_file.write_text(json.dumps(specs))
        command = [sys.executable, "-c", CHILD, str(spec_file)]
        children.append(
            (loader, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
        )
    for loader, child in children:
        try:
            out, err = child.communicate(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise AssertionError(f"the {loader} child ran past {CHILD_TIMEOUT_S} s") from None
        assert child.returncode == 0 and b"child ok" in out, (
            f"the {loader} child failed:\n{err.decode()[-3000:]}"
        )
    return {job.name: np.load(folder / f"job{index}_out.npy") for index, job in enumerate(jobs)}
