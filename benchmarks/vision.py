"""Training steps of vision and generative models: unigrad against the same model written natively.

* ResNet-18 (torchvision's BasicBlock layout), 64x64 images, batch 8, SGD with momentum;
* a U-Net (3 levels, 16 channels at the top, transposed-convolution upsampling, skip
  concatenations), 64x64 images, batch 4, per-pixel cross entropy over 3 classes, Adam;
* a DCGAN (transposed-convolution generator with BatchNorm and ReLU, strided-convolution
  discriminator with LeakyReLU), 32x32 images, batch 16: one discriminator and one generator step
  with Adam, as the PyTorch DCGAN example.

The model code is written once against an ``nn`` namespace: ``torch.nn`` gives the native model,
``ug.nn`` unigrad's (``ug.nn`` is ``torch.nn``). On PyTorch, native and unigrad steps run eagerly.
On TensorFlow the native side is the same maths in raw TensorFlow (``tf.Variable``s, ``tf.nn``
ops, NHWC, one ``tf.function`` step), and unigrad's model runs channels-last under ``ug.function``.
Each backend in its own process; blocks alternate (``_timing.interleaved``), medians reported.

Run:  python benchmarks/vision.py [--backends torch tensorflow] [--rounds 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
from _timing import add_heap_option, header, interleaved, row, worker_env

Step = Callable[[], Any]
RESNET_BATCH, UNET_BATCH, GAN_BATCH, NOISE = 8, 4, 16, 32


def _images(batch: int, size: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((batch, channels, size, size)).astype(np.float32)


# -- the models, written once over an nn namespace --------------------------------------------------


def resnet18(nn: Any, fmt: dict[str, str]) -> Any:
    class BasicBlock(nn.Module):
        def __init__(self, inplanes: int, planes: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False, **fmt)
            self.bn1 = nn.BatchNorm2d(planes, **fmt)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False, **fmt)
            self.bn2 = nn.BatchNorm2d(planes, **fmt)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride, bias=False, **fmt), nn.BatchNorm2d(planes, **fmt)
                )

        def forward(self, x: Any) -> Any:
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + identity)

    layers: list[Any] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False, **fmt),
        nn.BatchNorm2d(64, **fmt),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2, 1, **fmt),
    ]
    inplanes = 64
    for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)]
        inplanes = planes
    layers += [nn.AdaptiveAvgPool2d(1, **fmt), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def unet(nn: Any, fmt: dict[str, str], cat: Callable[[list[Any]], Any]) -> Any:
    def double(cin: int, cout: int) -> Any:
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, **fmt),
            nn.BatchNorm2d(cout, **fmt),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, **fmt),
            nn.BatchNorm2d(cout, **fmt),
            nn.ReLU(inplace=True),
        )

    class UNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.down1, self.down2, self.bottom = double(3, 16), double(16, 32), double(32, 64)
            self.pool = nn.MaxPool2d(2, **fmt)
            self.up2, self.dec2 = nn.ConvTranspose2d(64, 32, 2, 2, **fmt), double(64, 32)
            self.up1, self.dec1 = nn.ConvTranspose2d(32, 16, 2, 2, **fmt), double(32, 16)
            self.head = nn.Conv2d(16, 3, 1, **fmt)

        def forward(self, x: Any) -> Any:
            d1 = self.down1(x)
            d2 = self.down2(self.pool(d1))
            b = self.bottom(self.pool(d2))
            u2 = self.dec2(cat([self.up2(b), d2]))
            return self.head(self.dec1(cat([self.up1(u2), d1])))

    return UNet()


def dcgan(nn: Any, fmt: dict[str, str]) -> tuple[Any, Any]:
    generator = nn.Sequential(
        nn.ConvTranspose2d(NOISE, 128, 4, 1, 0, bias=False, **fmt),
        nn.BatchNorm2d(128, **fmt),
        nn.ReLU(True),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False, **fmt),
        nn.BatchNorm2d(64, **fmt),
        nn.ReLU(True),
        nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False, **fmt),
        nn.BatchNorm2d(32, **fmt),
        nn.ReLU(True),
        nn.ConvTranspose2d(32, 3, 4, 2, 1, bias=False, **fmt),
        nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(3, 32, 4, 2, 1, bias=False, **fmt),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(32, 64, 4, 2, 1, bias=False, **fmt),
        nn.BatchNorm2d(64, **fmt),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False, **fmt),
        nn.BatchNorm2d(128, **fmt),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(128, 1, 4, 1, 0, bias=False, **fmt),
        nn.Flatten(),
    )
    return generator, discriminator


# -- unigrad ---------------------------------------------------------------------------------------


def ug_steps(compiled: bool) -> dict[str, Step]:
    import unigrad as ug

    F = ug.nn.functional  # noqa: N806 (torch's habit)
    last = ug.get_backend() == "tensorflow"  # channels-last on TensorFlow, as a TensorFlow user writes
    fmt = {"data_format": "channels_last"} if last else {}

    def layout(x: np.ndarray) -> Any:
        return ug.asarray(x.transpose(0, 2, 3, 1).copy() if last else x)

    wrap = ug.function if compiled else (lambda f: f)
    ug.random.seed(0)
    steps: dict[str, Step] = {}

    net = resnet18(ug.nn, fmt)
    net_params = net.parameters()
    opt = ug.optim.SGD(net_params, lr=0.01, momentum=0.9)
    x, y = layout(_images(RESNET_BATCH, 64)), ug.asarray(np.arange(RESNET_BATCH) % 10)

    @wrap
    def resnet_step(x: Any, y: Any) -> Any:
        with ug.GradientTape() as tape:
            loss = F.cross_entropy(net(x), y)
        opt.step(tape.gradient(loss, net_params))
        return loss

    steps["ResNet-18"] = lambda: ug.to_numpy(resnet_step(x, y))

    model = unet(ug.nn, fmt, lambda parts: ug.concat(parts, axis=-1 if last else 1))
    model_params = model.parameters()
    adam = ug.optim.Adam(model_params, lr=1e-3)
    image = layout(_images(UNET_BATCH, 64))
    labels = np.random.default_rng(1).integers(0, 3, (UNET_BATCH, 64, 64))
    target = ug.asarray(labels)

    @wrap
    def unet_step(x: Any, t: Any) -> Any:
        with ug.GradientTape() as tape:
            logits = model(x)
            if last:
                logits = ug.permute_dims(logits, (0, 3, 1, 2))
            loss = F.cross_entropy(logits, t)
        adam.step(tape.gradient(loss, model_params))
        return loss

    steps["U-Net"] = lambda: ug.to_numpy(unet_step(image, target))

    generator, discriminator = dcgan(ug.nn, fmt)
    g_params, d_params = generator.parameters(), discriminator.parameters()
    opt_g = ug.optim.Adam(g_params, lr=2e-4, betas=(0.5, 0.999))
    opt_d = ug.optim.Adam(d_params, lr=2e-4, betas=(0.5, 0.999))
    real = layout(_images(GAN_BATCH, 32))
    noise = layout(_images(GAN_BATCH, 1, NOISE, seed=2))
    ones, zeros = ug.ones((GAN_BATCH, 1)), ug.zeros((GAN_BATCH, 1))
    bce = F.binary_cross_entropy_with_logits

    @wrap
    def gan_step(real: Any, noise: Any) -> Any:
        # as the PyTorch DCGAN example: one generator forward, its graph kept for the generator's step
        with ug.GradientTape() as g_tape:
            fake = generator(noise)
            with ug.GradientTape() as d_tape:
                d_loss = bce(discriminator(real), ones) + bce(discriminator(ug.stop_gradient(fake)), zeros)
            opt_d.step(d_tape.gradient(d_loss, d_params))
            g_loss = bce(discriminator(fake), ones)
        opt_g.step(g_tape.gradient(g_loss, g_params))
        return d_loss + g_loss

    steps["DCGAN"] = lambda: ug.to_numpy(gan_step(real, noise))
    return steps


# -- native PyTorch --------------------------------------------------------------------------------


def torch_steps() -> dict[str, Step]:
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    nn = torch.nn
    steps: dict[str, Step] = {}

    net = resnet18(nn, {})
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.from_numpy(_images(RESNET_BATCH, 64)), torch.arange(RESNET_BATCH) % 10

    def resnet_step() -> Any:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    steps["ResNet-18"] = resnet_step

    model = unet(nn, {}, lambda parts: torch.cat(parts, 1))
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    image = torch.from_numpy(_images(UNET_BATCH, 64))
    target = torch.from_numpy(np.random.default_rng(1).integers(0, 3, (UNET_BATCH, 64, 64)))

    def unet_step() -> Any:
        adam.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(image), target)
        loss.backward()
        adam.step()
        return loss.item()

    steps["U-Net"] = unet_step

    generator, discriminator = dcgan(nn, {})
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.from_numpy(_images(GAN_BATCH, 32))
    noise = torch.from_numpy(_images(GAN_BATCH, 1, NOISE, seed=2))
    ones, zeros = torch.ones(GAN_BATCH, 1), torch.zeros(GAN_BATCH, 1)
    bce = F.binary_cross_entropy_with_logits

    def gan_step() -> Any:
        opt_d.zero_grad(set_to_none=True)
        fake = generator(noise)
        d_loss = bce(discriminator(real), ones) + bce(discriminator(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        g_loss = bce(discriminator(fake), ones)
        g_loss.backward()
        opt_g.step()
        return (d_loss + g_loss).item()

    steps["DCGAN"] = gan_step
    return steps


# -- native TensorFlow: the same models over tf.Variables, NHWC ------------------------------------


class _TFLayers:
    """Just enough of torch.nn, in raw TensorFlow (NHWC), to build the three models above."""

    def __init__(self, tf: Any) -> None:
        self.tf, self.rng = tf, np.random.default_rng(0)

    def _variable(self, *shape: int, scale: float = 0.05, value: float | None = None) -> Any:
        data = np.full(shape, value) if value is not None else self.rng.normal(0.0, scale, shape)
        return self.tf.Variable(data.astype(np.float32))

    def namespace(self) -> Any:
        tf, layers = self.tf, self

        class Module:
            def __call__(self, x: Any) -> Any:
                return self.forward(x)

            def variables(self) -> list[Any]:
                found: list[Any] = []
                for value in vars(self).values():
                    for item in value if isinstance(value, (list, tuple)) else [value]:
                        if isinstance(item, tf.Variable):
                            found.append(item)
                        elif isinstance(item, Module):
                            found.extend(item.variables())
                return found

        class Sequential(Module):
            def __init__(self, *parts: Any) -> None:
                self.parts = parts

            def forward(self, x: Any) -> Any:
                for part in self.parts:
                    x = part(x)
                return x

        class Conv2d(Module):
            def __init__(
                self, cin: int, cout: int, k: int, stride: int = 1, padding: int = 0, **kw: Any
            ) -> None:
                self.w, self.stride = layers._variable(k, k, cin, cout), stride
                self.pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
                self.b = layers._variable(cout, value=0.0) if kw.get("bias", True) else None

            def forward(self, x: Any) -> Any:
                y = tf.nn.conv2d(x, self.w, self.stride, self.pads)
                return y if self.b is None else y + self.b

        class ConvTranspose2d(Module):
            def __init__(self, cin: int, cout: int, k: int, stride: int = 1, padding: int = 0, **kw: Any):
                self.w, self.k, self.stride, self.padding = (
                    layers._variable(k, k, cout, cin),
                    k,
                    stride,
                    padding,
                )
                self.cout = cout
                self.b = layers._variable(cout, value=0.0) if kw.get("bias", True) else None

            def forward(self, x: Any) -> Any:
                n, h, w = x.shape[0], x.shape[1], x.shape[2]
                full = [(h - 1) * self.stride + self.k, (w - 1) * self.stride + self.k]
                y = tf.nn.conv2d_transpose(x, self.w, [n, *full, self.cout], self.stride, "VALID")
                if self.padding:
                    p = self.padding
                    y = y[:, p : full[0] - p, p : full[1] - p, :]
                return y if self.b is None else y + self.b

        class BatchNorm2d(Module):
            def __init__(self, c: int, **_: Any) -> None:
                self.scale, self.offset = layers._variable(c, value=1.0), layers._variable(c, value=0.0)

            def forward(self, x: Any) -> Any:
                y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, self.scale, self.offset, is_training=True)
                return y

        def activation(f: Callable[[Any], Any]) -> Any:
            return type(
                "Activation", (Module,), {"__init__": lambda self, *a, **k: None, "forward": staticmethod(f)}
            )

        class MaxPool2d(Module):
            def __init__(self, k: int, stride: int | None = None, padding: int = 0, **_: Any) -> None:
                self.k, self.stride, self.padding = k, stride or k, padding

            def forward(self, x: Any) -> Any:
                if self.padding:
                    p = self.padding
                    x = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], constant_values=-np.inf)
                return tf.nn.max_pool2d(x, self.k, self.stride, "VALID")

        class Linear(Module):
            def __init__(self, cin: int, cout: int) -> None:
                self.w, self.b = layers._variable(cin, cout), layers._variable(cout, value=0.0)

            def forward(self, x: Any) -> Any:
                return tf.matmul(x, self.w) + self.b

        return SimpleNamespace(
            Module=Module,
            Sequential=Sequential,
            Conv2d=Conv2d,
            ConvTranspose2d=ConvTranspose2d,
            BatchNorm2d=BatchNorm2d,
            MaxPool2d=MaxPool2d,
            Linear=Linear,
            ReLU=activation(tf.nn.relu),
            Tanh=activation(tf.tanh),
            LeakyReLU=activation(lambda x: tf.nn.leaky_relu(x, 0.2)),
            AdaptiveAvgPool2d=activation(lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True)),
            Flatten=activation(lambda x: tf.reshape(x, (x.shape[0], -1))),
        )


def tf_steps() -> dict[str, Step]:
    import tensorflow as tf

    def nhwc(x: np.ndarray) -> Any:
        return tf.constant(x.transpose(0, 2, 3, 1))

    def sgd(variables: list[Any], lr: float, momentum: float) -> Callable[[list[Any]], None]:
        velocity = [tf.Variable(tf.zeros_like(v)) for v in variables]

        def apply(grads: list[Any]) -> None:
            for v, b, g in zip(variables, velocity, grads, strict=True):
                b.assign(momentum * b + g)
                v.assign_sub(lr * b)

        return apply

    def adam(variables: list[Any], lr: float, beta1: float = 0.9) -> Callable[[list[Any]], None]:
        m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        s = [tf.Variable(tf.zeros_like(v)) for v in variables]
        t = tf.Variable(0.0)

        def apply(grads: list[Any]) -> None:
            t.assign_add(1.0)
            for v, m_, s_, g in zip(variables, m, s, grads, strict=True):
                m_.assign(beta1 * m_ + (1 - beta1) * g)
                s_.assign(0.999 * s_ + 0.001 * g * g)
                v.assign_sub(lr * (m_ / (1 - beta1**t)) / (tf.sqrt(s_ / (1 - 0.999**t)) + 1e-8))

        return apply

    steps: dict[str, Step] = {}
    kit = _TFLayers(tf)
    net = resnet18(kit.namespace(), {})
    x, y = nhwc(_images(RESNET_BATCH, 64)), tf.constant(np.arange(RESNET_BATCH) % 10)
    variables = net.variables()
    update = sgd(variables, 0.01, 0.9)

    @tf.function
    def resnet_step(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, net(x)))
        update(tape.gradient(loss, variables))
        return loss

    steps["ResNet-18"] = lambda: resnet_step(x, y).numpy()

    kit = _TFLayers(tf)
    model = unet(kit.namespace(), {}, lambda parts: tf.concat(parts, -1))
    image = nhwc(_images(UNET_BATCH, 64))
    target = tf.constant(np.random.default_rng(1).integers(0, 3, (UNET_BATCH, 64, 64)))
    unet_variables = model.variables()
    unet_update = adam(unet_variables, 1e-3)

    @tf.function
    def unet_step(x: Any, t: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(t, model(x)))
        unet_update(tape.gradient(loss, unet_variables))
        return loss

    steps["U-Net"] = lambda: unet_step(image, target).numpy()

    generator, discriminator = dcgan(_TFLayers(tf).namespace(), {})
    real, noise = nhwc(_images(GAN_BATCH, 32)), nhwc(_images(GAN_BATCH, 1, NOISE, seed=2))
    g_vars, d_vars = generator.variables(), discriminator.variables()
    update_g, update_d = adam(g_vars, 2e-4, 0.5), adam(d_vars, 2e-4, 0.5)
    ones, zeros = tf.ones((GAN_BATCH, 1)), tf.zeros((GAN_BATCH, 1))

    def bce(logits: Any, labels: Any) -> Any:
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels, logits))

    @tf.function
    def gan_step(real: Any, noise: Any) -> Any:
        with tf.GradientTape() as tape:
            fake = generator(noise)
            d_loss = bce(discriminator(real), ones) + bce(discriminator(tf.stop_gradient(fake)), zeros)
        update_d(tape.gradient(d_loss, d_vars))
        with tf.GradientTape() as tape:
            g_loss = bce(discriminator(generator(noise)), ones)
        update_g(tape.gradient(g_loss, g_vars))
        return d_loss + g_loss

    steps["DCGAN"] = lambda: gan_step(real, noise).numpy()
    return steps


# -- driver ----------------------------------------------------------------------------------------


def worker(backend: str, rounds: int) -> None:
    import unigrad as ug

    ug.set_backend(backend)
    name = ug.get_backend()
    if name == "torch":
        native, ours, how = torch_steps(), ug_steps(compiled=False), "eager"
    else:
        native, ours, how = tf_steps(), ug_steps(compiled=True), "tf.function / ug.function, NHWC"
    for case in native:
        native_s, ours_s = interleaved(native[case], ours[case], rounds=rounds, target_seconds=0.5)
        print(row(name, f"{case} step ({how})", native_s, ours_s), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["torch", "tensorflow"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_heap_option(parser)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.rounds)
        return
    print(header("Vision and generative model training steps"))
    for backend in args.backends:
        command = [sys.executable, __file__, "--worker", backend, "--rounds", str(args.rounds)]
        subprocess.run(command, check=True, env=worker_env(args.default_malloc))


if __name__ == "__main__":
    main()
