"""Inference with ug.models against the frameworks' own model code, batch 8.

* PyTorch: ``ug.models.resnet50`` / ``vit_b_16`` against torchvision's (eager, ``no_grad``), and
  ``ug.nn.convert(torchvision's resnet50)`` against the hand-written ``ug.models.resnet50``;
* TensorFlow: ``ug.models.resnet50``, ``mobilenet_v2`` and ``efficientnet_b0`` with
  ``data_format="channels_last"`` and ``convnext_tiny`` (NCHW) under ``ug.function`` against Keras 3's
  ``keras.applications`` twins (``KERAS_BACKEND=tensorflow``, NHWC) under ``tf.function``. Keras'
  ResNet50 is ResNet v1 (the stride in each stage's first 1x1 convolution), torchvision's v1.5 (in the
  3x3): 4.1 against 3.9 GMACs an image. ``ug.models.vit_b_16`` has no Keras twin: it is timed against
  unigrad on torch.

Every network gets random weights (nothing is downloaded); inputs are 224x224 (``--size`` to
shrink them on a slow machine). Each backend runs in its own process; blocks alternate
(``_timing.interleaved``), medians reported.

Run:  python benchmarks/zoo.py [--backends torch tensorflow] [--rounds 3] [--size 224]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import add_heap_option, header, interleaved, row, worker_env

BATCH = 8
Call = Callable[[], Any]
# Keras 3's applications with a ug.models twin, and the layout unigrad runs it in
KERAS_TWINS = (
    ("ResNet50", "resnet50", "NHWC"),
    ("MobileNetV2", "mobilenet_v2", "NHWC"),
    ("EfficientNetB0", "efficientnet_b0", "NHWC"),
    ("ConvNeXtTiny", "convnext_tiny", "NCHW"),
)


def _images(size: int, channels_last: bool = False) -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((BATCH, 3, size, size)).astype(np.float32)
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if channels_last else x


def torch_cases(size: int) -> dict[str, tuple[Call, Call]]:
    import torch

    import unigrad as ug
    from unigrad.testing import import_torchvision

    tv = import_torchvision()
    torch.set_grad_enabled(False)
    x_np = _images(size)
    x = torch.from_numpy(x_np)
    cases: dict[str, tuple[Call, Call]] = {}
    for name, options in (("resnet50", {}), ("vit_b_16", {"image_size": size})):
        torch.manual_seed(0)
        native = getattr(tv.models, name)(weights=None, **options).eval()
        ours = getattr(ug.models, name)(weights=native.state_dict(), **options).eval()
        cases[f"{name} (torchvision / ug.models)"] = (lambda n=native: n(x), lambda o=ours: o(x))
    native = tv.models.resnet50(weights=None).eval()
    written = ug.models.resnet50(weights=native.state_dict()).eval()
    converted = ug.nn.convert(native, x).eval()
    cases["resnet50 (ug.models / ug.nn.convert)"] = (lambda: written(x), lambda: converted(x))
    return cases


def tf_cases(size: int) -> dict[str, tuple[Call, Call]]:
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import keras
    import tensorflow as tf

    import unigrad as ug

    x = tf.constant(_images(size, channels_last=True))
    x_nchw = tf.constant(_images(size))
    cases: dict[str, tuple[Call, Call]] = {}
    for keras_name, name, layout in KERAS_TWINS:
        keras_model = getattr(keras.applications, keras_name)(weights=None, input_shape=(size, size, 3))
        keras_call = tf.function(lambda images, m=keras_model: m(images, training=False), jit_compile=False)
        options = {"data_format": "channels_last"} if layout == "NHWC" else {}
        ug_call = ug.function(getattr(ug.models, name)(**options).eval().__call__)
        images = x if layout == "NHWC" else x_nchw
        cases[f"{name} (keras.applications / ug.models, {layout})"] = (
            lambda c=keras_call: c(x),
            lambda c=ug_call, i=images: c(i),
        )

    vit = ug.models.vit_b_16(image_size=size).eval()
    vit_call = ug.function(vit.__call__)
    with ug.use_backend("torch"):
        import torch

        torch.set_grad_enabled(False)
        vit_torch = ug.models.vit_b_16(image_size=size).eval()
        x_torch = ug.asarray(_images(size))
    cases["vit_b_16 (ug on torch / ug on TensorFlow)"] = (
        lambda: vit_torch(x_torch),
        lambda: vit_call(x_nchw),
    )
    return cases


def worker(backend: str, rounds: int, size: int) -> None:
    import unigrad as ug

    ug.set_backend(backend)
    name = ug.get_backend()
    cases = torch_cases(size) if name == "torch" else tf_cases(size)
    for case, (native, ours) in cases.items():
        native_s, ours_s = interleaved(native, ours, rounds=rounds, target_seconds=1.0)
        print(row(name, case, native_s, ours_s), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["torch", "tensorflow"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_heap_option(parser)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.rounds, args.size)
        return
    print(header(f"Inference, batch {BATCH}, {args.size}x{args.size} images"))
    for backend in args.backends:
        command = [
            sys.executable,
            __file__,
            "--worker",
            backend,
            "--rounds",
            str(args.rounds),
            "--size",
            str(args.size),
        ]
        subprocess.run(command, check=True, env=worker_env(args.default_malloc))


if __name__ == "__main__":
    main()
