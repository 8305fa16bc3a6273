"""A character-level GPT (nanoGPT's model, written with ``ug.nn`` as with ``torch.nn``), on either backend.

The model is nanoGPT's: pre-LayerNorm blocks, one fused ``c_attn`` projection
split into query, key and value, causal ``scaled_dot_product_attention``, a
GELU MLP, learned positions and an ``lm_head`` tied to the token embedding.
Training is nanoGPT's too: AdamW with weight decay on the matrices only (two
parameter groups), a linear warmup then cosine decay of the learning rate,
and gradients clipped to norm 1. The text is the Zen of Python, which ships
with Python (module ``this``): nothing is downloaded.

The same seed gives the same initial weights, batches and samples on every
backend, so the loss curves agree to float32 rounding.

Run:  python examples/gpt.py [--backend torch|tf] [--steps 300] [--n_layer 4] [--n_embd 64]
"""

from __future__ import annotations

import codecs
import contextlib
import io
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from _cli import arguments

import unigrad as ug
import unigrad.nn.functional as F

nn = ug.nn


def zen_of_python() -> str:
    """The text of ``import this``, without printing it."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return codecs.decode(this.s, "rot13")


@dataclass
class GPTConfig:
    block_size: int = 64
    vocab_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.0
    bias: bool = True


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)  # q, k, v at once
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout

    def forward(self, x: Any) -> Any:
        B, T, C = x.shape  # noqa: N806 (nanoGPT's names)
        q, k, v = ug.split(self.c_attn(x), self.n_embd, axis=2)
        q, k, v = (
            ug.permute_dims(ug.reshape(t, (B, T, self.n_head, C // self.n_head)), (0, 2, 1, 3))
            for t in (q, k, v)
        )
        dropout = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=True)
        y = ug.reshape(ug.permute_dims(y, (0, 2, 1, 3)), (B, T, C))
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: Any) -> Any:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: Any) -> Any:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(
            {
                "wte": nn.Embedding(config.vocab_size, config.n_embd),
                "wpe": nn.Embedding(config.block_size, config.n_embd),
                "drop": nn.Dropout(config.dropout),
                "h": nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                "ln_f": nn.LayerNorm(config.n_embd, bias=config.bias),
            }
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying: one parameter
        self.apply(self._init_weights)
        for name, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx: Any, targets: Any = None) -> tuple[Any, Any]:
        _, t = idx.shape
        if t > self.config.block_size:
            raise ValueError(
                f"GPT: a sequence of {t} tokens is longer than block_size {self.config.block_size}"
            )
        pos = ug.arange(t, dtype=ug.int64)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        if targets is None:  # inference: only the last position's logits
            return self.lm_head(x[:, -1:, :]), None
        logits = self.lm_head(x)
        loss = F.cross_entropy(ug.reshape(logits, (-1, logits.shape[-1])), ug.reshape(targets, (-1,)))
        return logits, loss

    def configure_optimizer(
        self, weight_decay: float, learning_rate: float, betas: tuple[float, float]
    ) -> Any:
        """AdamW with weight decay on the matrices (weights, embeddings) and none on biases and norms."""
        params = self.parameters()
        decay = [p for p in params if len(p.shape) >= 2]
        no_decay = [p for p in params if len(p.shape) < 2]
        groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        return ug.optim.AdamW(groups, lr=learning_rate, betas=betas)

    def generate(
        self, idx: Any, max_new_tokens: int, temperature: float = 1.0, top_k: int | None = None
    ) -> Any:
        """Extend ``idx`` (B, T) by sampling ``max_new_tokens`` tokens, each from the model's distribution."""
        with ug.no_grad():
            for _ in range(max_new_tokens):
                context = idx if idx.shape[1] <= self.config.block_size else idx[:, -self.config.block_size :]
                logits, _ = self(context)
                logits = logits[:, -1, :] / temperature
                if top_k is not None:
                    kth = ug.topk(logits, min(top_k, logits.shape[-1]), axis=-1)[0][:, -1:]
                    logits = ug.where(logits < kth, -math.inf, logits)
                idx_next = ug.random.categorical(logits, num_samples=1)
                idx = ug.concat([idx, ug.astype(idx_next, idx.dtype)], axis=1)
        return idx


def learning_rate(step: int, *, max_lr: float, min_lr: float, warmup: int, decay_steps: int) -> float:
    """nanoGPT's schedule: linear warmup, cosine decay to ``min_lr``, then ``min_lr``."""
    if step < warmup:
        return max_lr * (step + 1) / (warmup + 1)
    if step > decay_steps:
        return min_lr
    ratio = (step - warmup) / max(decay_steps - warmup, 1)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (max_lr - min_lr)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = arguments(
        __doc__.splitlines()[0], argv, steps=300, n_layer=4, n_head=4, n_embd=64, block_size=64, batch_size=16
    )
    text = zen_of_python()
    chars = sorted(set(text))
    encode = {c: i for i, c in enumerate(chars)}
    data = np.array([encode[c] for c in text], dtype=np.int64)
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]
    block = min(args.block_size, len(val_data) - 1)
    rng = np.random.default_rng(1337)  # the batches: the same on every backend

    def batch(source: np.ndarray) -> tuple[Any, Any]:
        starts = rng.integers(0, len(source) - block, size=args.batch_size)
        x = np.stack([source[i : i + block] for i in starts])
        y = np.stack([source[i + 1 : i + 1 + block] for i in starts])
        return ug.asarray(x), ug.asarray(y)

    ug.random.seed(1337)
    config = GPTConfig(block, len(chars), args.n_layer, args.n_head, args.n_embd)
    model = GPT(config)
    max_lr = 1e-3
    optimizer = model.configure_optimizer(weight_decay=0.1, learning_rate=max_lr, betas=(0.9, 0.99))
    schedule = ug.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: learning_rate(step, max_lr=1.0, min_lr=0.1, warmup=10, decay_steps=args.steps),
    )
    parameters = [p for group in optimizer.param_groups for p in group["params"]]  # the step's order

    def step(x: Any, y: Any) -> Any:
        with ug.GradientTape() as tape:
            _, loss = model(x, y)
        grads, _ = ug.optim.clip_grad_norm(tape.gradient(loss, parameters), max_norm=1.0)
        optimizer.step(grads)
        return loss

    losses = []
    start = time.perf_counter()
    for i in range(args.steps):
        losses.append(float(ug.to_numpy(step(*batch(train_data)))))
        schedule.step()
        if i % 100 == 0 or i == args.steps - 1:
            print(f"{args.backend}: step {i:4d}  loss {losses[-1]:.4f}  lr {schedule.get_last_lr()[0]:.2e}")
    seconds = (time.perf_counter() - start) / max(args.steps, 1)
    model.eval()
    with ug.no_grad():
        _, val_loss = model(*batch(val_data))
    ug.random.seed(0)
    prompt = ug.asarray(data[None, :1])
    sample = "".join(chars[i] for i in ug.to_numpy(model.generate(prompt, 80, top_k=10))[0])
    count = sum(int(np.prod(p.shape)) for p in parameters)
    print(f"{args.backend}: {count} parameters, {seconds * 1e3:.1f} ms per step")
    print(f"{args.backend}: validation loss {float(ug.to_numpy(val_loss)):.4f}; sample: {sample!r}")
    return {
        "loss": losses[-1],
        "first_loss": losses[0],
        "val_loss": float(ug.to_numpy(val_loss)),
        "sample": sample,
    }


if __name__ == "__main__":
    main()
