"""Training steps of real model shapes: unigrad against the same model written natively.

* GPT: examples/gpt.py's nanoGPT model (4 layers, 4 heads, 128 wide, 64 tokens,
  batch 16; AdamW, gradient clipping). Native torch: nanoGPT's own ``model.py``
  layout (``torch.nn``, ``F.scaled_dot_product_attention``, ``torch.optim.AdamW``).
  Native TensorFlow: the same maths over ``tf.Variable``s in one ``tf.function``
  step; unigrad's step under ``ug.function`` (a tf.function too).
* GRU language model: embedding, 2-layer GRU (256 wide), linear head,
  sequences of 32 tokens, batch 32, Adam. Native torch: ``torch.nn.GRU``. On
  TensorFlow, unigrad eager is compared with unigrad on torch (no native
  TensorFlow GRU without Keras).

Each backend runs in its own process; native and unigrad steps alternate in
blocks (``_timing.interleaved``) and the median is reported.

Run:  python benchmarks/models.py [--backends torch tensorflow] [--rounds 10]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import add_heap_option, header, interleaved, row, worker_env

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
LAYERS, HEADS, WIDTH, TOKENS, BATCH, VOCAB = 4, 4, 128, 64, 16, 65
GRU_VOCAB, GRU_WIDTH, GRU_LAYERS, GRU_TOKENS, GRU_BATCH = 100, 256, 2, 32, 32
Step = Callable[[], Any]


def _tokens(batch: int, tokens: int, vocab: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, vocab, size=(batch, tokens + 1), dtype=np.int64)
    return np.ascontiguousarray(data[:, :-1]), np.ascontiguousarray(data[:, 1:])


# -- GPT -------------------------------------------------------------------------------------------


def ug_gpt_step(compiled: bool) -> Step:
    import unigrad as ug

    sys.path.insert(0, EXAMPLES)
    import gpt

    ug.random.seed(0)
    model = gpt.GPT(gpt.GPTConfig(TOKENS, VOCAB, LAYERS, HEADS, WIDTH))
    optimizer = model.configure_optimizer(weight_decay=0.1, learning_rate=1e-3, betas=(0.9, 0.99))
    parameters = [p for group in optimizer.param_groups for p in group["params"]]
    x, y = (ug.asarray(a) for a in _tokens(BATCH, TOKENS, VOCAB))

    def step(x: Any, y: Any) -> Any:
        with ug.GradientTape() as tape:
            _, loss = model(x, y)
        grads, _ = ug.optim.clip_grad_norm(tape.gradient(loss, parameters), max_norm=1.0)
        optimizer.step(grads)
        return loss

    run = ug.function(step) if compiled else step
    return lambda: ug.to_numpy(run(x, y))


def torch_gpt_step() -> Step:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class CausalSelfAttention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c_attn = nn.Linear(WIDTH, 3 * WIDTH)
            self.c_proj = nn.Linear(WIDTH, WIDTH)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            B, T, C = x.size()  # noqa: N806
            q, k, v = self.c_attn(x).split(WIDTH, dim=2)
            q, k, v = (t.view(B, T, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(WIDTH), CausalSelfAttention(), nn.LayerNorm(WIDTH)
            self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(), nn.Linear(4 * WIDTH, WIDTH))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte, self.wpe = nn.Embedding(VOCAB, WIDTH), nn.Embedding(TOKENS, WIDTH)
            self.h = nn.ModuleList([Block() for _ in range(LAYERS)])
            self.ln_f = nn.LayerNorm(WIDTH)
            self.lm_head = nn.Linear(WIDTH, VOCAB, bias=False)
            self.wte.weight = self.lm_head.weight

        def forward(self, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            x = self.wte(idx) + self.wpe(torch.arange(idx.size(1)))
            for block in self.h:
                x = block(x)
            logits = self.lm_head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    torch.manual_seed(0)
    model = GPT()
    params = list(model.parameters())
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99))
    x, y = (torch.from_numpy(a) for a in _tokens(BATCH, TOKENS, VOCAB))

    def step() -> Any:
        opt.zero_grad(set_to_none=True)
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.item()

    return step


def tf_gpt_step() -> Step:
    import tensorflow as tf

    rng = np.random.default_rng(0)

    def variable(*shape: int, std: float = 0.02) -> tf.Variable:
        return tf.Variable(rng.normal(0.0, std, size=shape).astype(np.float32))

    def zeros(*shape: int) -> tf.Variable:
        return tf.Variable(tf.zeros(shape))

    wte, wpe = variable(VOCAB, WIDTH), variable(TOKENS, WIDTH)
    blocks = [
        {
            "ln_1": (tf.Variable(tf.ones(WIDTH)), zeros(WIDTH)),
            "c_attn": (variable(3 * WIDTH, WIDTH), zeros(3 * WIDTH)),
            "c_proj": (variable(WIDTH, WIDTH), zeros(WIDTH)),
            "ln_2": (tf.Variable(tf.ones(WIDTH)), zeros(WIDTH)),
            "c_fc": (variable(4 * WIDTH, WIDTH), zeros(4 * WIDTH)),
            "mlp_proj": (variable(WIDTH, 4 * WIDTH), zeros(WIDTH)),
        }
        for _ in range(LAYERS)
    ]
    ln_f = (tf.Variable(tf.ones(WIDTH)), zeros(WIDTH))
    variables = [wte, wpe, *[v for b in blocks for pair in b.values() for v in pair], *ln_f]
    decays = [len(v.shape) >= 2 for v in variables]
    m = [tf.Variable(tf.zeros_like(v)) for v in variables]
    s = [tf.Variable(tf.zeros_like(v)) for v in variables]
    t = tf.Variable(0.0)
    causal = tf.linalg.band_part(tf.ones((TOKENS, TOKENS), tf.bool), -1, 0)

    def layer_norm(x: Any, ln: Any) -> Any:
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) * tf.math.rsqrt(var + 1e-5) * ln[0] + ln[1]

    def linear(x: Any, wb: Any) -> Any:
        return tf.matmul(x, wb[0], transpose_b=True) + wb[1]

    def forward(idx: Any, targets: Any) -> Any:
        x = tf.gather(wte, idx) + wpe
        for b in blocks:
            q, k, v = tf.split(linear(layer_norm(x, b["ln_1"]), b["c_attn"]), 3, axis=-1)
            q, k, v = (
                tf.transpose(tf.reshape(a, (BATCH, TOKENS, HEADS, -1)), (0, 2, 1, 3)) for a in (q, k, v)
            )
            scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(WIDTH // HEADS)
            attn = tf.nn.softmax(tf.where(causal, scores, -math.inf), axis=-1)
            y = tf.reshape(tf.transpose(tf.matmul(attn, v), (0, 2, 1, 3)), (BATCH, TOKENS, WIDTH))
            x = x + linear(y, b["c_proj"])
            h = tf.nn.gelu(linear(layer_norm(x, b["ln_2"]), b["c_fc"]), approximate=False)
            x = x + linear(h, b["mlp_proj"])
        logits = tf.matmul(layer_norm(x, ln_f), wte, transpose_b=True)
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(targets, logits)
        return tf.reduce_mean(losses)

    @tf.function
    def step(idx: Any, targets: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = forward(idx, targets)
        grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables), 1.0)
        t.assign_add(1.0)
        lr, b1, b2 = 1e-3, 0.9, 0.99
        for var, g, m_, s_, decay in zip(variables, grads, m, s, decays, strict=True):
            if decay:
                var.assign(var * (1.0 - lr * 0.1))
            m_.assign(b1 * m_ + (1 - b1) * g)
            s_.assign(b2 * s_ + (1 - b2) * g * g)
            m_hat = m_ / (1 - b1**t)
            s_hat = s_ / (1 - b2**t)
            var.assign_sub(lr * m_hat / (tf.sqrt(s_hat) + 1e-8))
        return loss

    x, y = (tf.constant(a) for a in _tokens(BATCH, TOKENS, VOCAB))
    return lambda: step(x, y).numpy()


# -- GRU language model ----------------------------------------------------------------------------


def ug_gru_step(backend: str) -> Step:
    import unigrad as ug

    nn, F = ug.nn, ug.nn.functional  # noqa: N806 (torch.nn habits)

    class GRULM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(GRU_VOCAB, GRU_WIDTH)
            self.gru = nn.GRU(GRU_WIDTH, GRU_WIDTH, num_layers=GRU_LAYERS, batch_first=True)
            self.head = nn.Linear(GRU_WIDTH, GRU_VOCAB)

        def forward(self, idx: Any) -> Any:
            out, _ = self.gru(self.embed(idx))
            return self.head(out)

    with ug.use_backend(backend):
        ug.random.seed(0)
        model = GRULM()
        parameters = model.parameters()
        opt = ug.optim.Adam(parameters, lr=1e-3)
        x, y = (ug.asarray(a) for a in _tokens(GRU_BATCH, GRU_TOKENS, GRU_VOCAB))

    def step() -> Any:
        with ug.use_backend(backend), ug.GradientTape() as tape:
            loss = F.cross_entropy(ug.reshape(model(x), (-1, GRU_VOCAB)), ug.reshape(y, (-1,)))
        with ug.use_backend(backend):
            opt.step(tape.gradient(loss, parameters))
            return ug.to_numpy(loss)

    return step


def torch_gru_step() -> Step:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class GRULM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(GRU_VOCAB, GRU_WIDTH)
            self.gru = nn.GRU(GRU_WIDTH, GRU_WIDTH, num_layers=GRU_LAYERS, batch_first=True)
            self.head = nn.Linear(GRU_WIDTH, GRU_VOCAB)

        def forward(self, idx: torch.Tensor) -> torch.Tensor:
            out, _ = self.gru(self.embed(idx))
            return self.head(out)

    torch.manual_seed(0)
    model = GRULM()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = (torch.from_numpy(a) for a in _tokens(GRU_BATCH, GRU_TOKENS, GRU_VOCAB))

    def step() -> Any:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x).reshape(-1, GRU_VOCAB), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss.item()

    return step


# -- driver ----------------------------------------------------------------------------------------


def worker(backend: str, rounds: int) -> None:
    import unigrad as ug

    ug.set_backend(backend)
    name = ug.get_backend()

    def report(case: str, native: Step, ours: Step) -> None:
        native_s, ours_s = interleaved(native, ours, rounds=rounds, target_seconds=0.3)
        print(row(name, case, native_s, ours_s), flush=True)

    if name == "torch":
        report("GPT step (nanoGPT, eager)", torch_gpt_step(), ug_gpt_step(compiled=False))
        report("GRU LM step", torch_gru_step(), ug_gru_step(name))
    else:
        report("GPT step (tf.function / ug.function)", tf_gpt_step(), ug_gpt_step(compiled=True))
        report("GRU LM step (eager; 'native' = unigrad on torch)", ug_gru_step("torch"), ug_gru_step(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["torch", "tensorflow"])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_heap_option(parser)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.rounds)
        return
    print(header("Model training steps"))
    for backend in args.backends:
        command = [sys.executable, __file__, "--worker", backend, "--rounds", str(args.rounds)]
        subprocess.run(command, check=True, env=worker_env(args.default_malloc))


if __name__ == "__main__":
    main()
