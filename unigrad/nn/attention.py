"""``MultiheadAttention``."""

from __future__ import annotations

from typing import Any

from ..errors import ArgumentError, ShapeError
from ..ops import manipulation
from . import init
from .functional._arguments import static_shape
from .functional.attention import check_masks, multi_head_attention
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention, as ``torch.nn.MultiheadAttention``.

    Inputs are ``(L, N, E)``, ``(N, L, E)`` with ``batch_first=True``, or
    ``(L, E)`` unbatched. ``forward`` returns ``(attn_output, attn_weights)``;
    the weights are averaged over heads (``(N, L, S)``) unless
    ``average_attn_weights=False`` (``(N, num_heads, L, S)``), and ``None``
    with ``need_weights=False``. Masks as PyTorch: ``key_padding_mask`` ``(N, S)``
    and ``attn_mask`` ``(L, S)`` or ``(N * num_heads, L, S)``, boolean (True may
    not attend) or float (added to the scores); ``is_causal=True`` is a hint that
    ``attn_mask`` is the causal mask.

    Parameters carry PyTorch's names and layouts: ``in_proj_weight`` ``(3E, E)``
    (or ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` when ``kdim`` or
    ``vdim`` differ from E), ``in_proj_bias`` ``(3E,)``, ``bias_k`` and ``bias_v``
    ``(1, 1, E)`` with ``add_bias_kv``, ``out_proj`` a :class:`Linear`;
    Xavier-uniform projections, Xavier-normal ``bias_k``/``bias_v`` and zero
    biases, as PyTorch. ``add_zero_attn`` appends a zero key and value.
    Attention dropout draws its masks from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> attention = ug.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
        >>> x = ug.ones((3, 5, 8))
        >>> output, weights = attention(x, x, x)
        >>> tuple(output.shape), tuple(weights.shape)
        ((3, 5, 8), (3, 5, 5))
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ArgumentError(
                f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads}"
            )
        if embed_dim % num_heads:
            raise ArgumentError(
                f"MultiheadAttention: embed_dim ({embed_dim}) must divide by num_heads ({num_heads})"
            )
        if not 0.0 <= dropout <= 1.0:
            raise ArgumentError(f"MultiheadAttention: dropout must be in [0, 1], got {dropout}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        # parameters drawn in torch's order (_reset_parameters): projections, then bias_k and bias_v
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(init.xavier_uniform((3 * embed_dim, embed_dim), dtype=dtype))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = Parameter(init.xavier_uniform((embed_dim, embed_dim), dtype=dtype))
            self.k_proj_weight = Parameter(init.xavier_uniform((embed_dim, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(init.xavier_uniform((embed_dim, self.vdim), dtype=dtype))
            self.in_proj_weight = None
        self.in_proj_bias = Parameter(init.zeros((3 * embed_dim,), dtype)) if bias else None
        if add_bias_kv:
            std = (2.0 / (2 * embed_dim)) ** 0.5  # xavier_normal_ of (1, 1, E): fan_in = fan_out = E
            self.bias_k = Parameter(init.normal((1, 1, embed_dim), 0.0, std, dtype))
            self.bias_v = Parameter(init.normal((1, 1, embed_dim), 0.0, std, dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if bias:
            self.out_proj.bias = Parameter(init.zeros((embed_dim,), dtype))

    def _check(self, query: Any, key: Any, value: Any) -> tuple[tuple[int, ...], ...]:
        shapes = tuple(static_shape(t, "MultiheadAttention") or () for t in (query, key, value))
        ranks = {len(s) for s in shapes}
        layout = "(N, L, {})" if self.batch_first else "(L, N, {})"
        expected = ", ".join(layout.format(d) for d in (self.embed_dim, self.kdim, self.vdim))
        sizes = [s[-1] if s else None for s in shapes]
        if len(ranks) != 1 or ranks.pop() not in (2, 3) or sizes != [self.embed_dim, self.kdim, self.vdim]:
            raise ShapeError(
                f"MultiheadAttention expects query, key, value of shapes {expected} (or 2-D "
                f"without the batch axis), got {', '.join(map(str, shapes))}"
            )
        batch_axis = 0 if self.batch_first else 1
        if shapes[1][:-1] != shapes[2][:-1] or (
            len(shapes[0]) == 3 and shapes[0][batch_axis] != shapes[1][batch_axis]
        ):
            raise ShapeError(
                f"MultiheadAttention: key and value must have the same batch and length, and the "
                f"query the same batch; got shapes {', '.join(map(str, shapes))}"
            )
        return shapes

    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Any, Any]:
        shapes = self._check(query, key, value)
        batched = len(shapes[0]) == 3
        if is_causal and attn_mask is None:
            raise ArgumentError(
                "MultiheadAttention: is_causal=True is a hint that needs the causal attn_mask; give it"
            )
        seq_first = [s[:-1] for s in shapes[:2]]  # (L, N), or (L,) unbatched
        if batched and self.batch_first:
            seq_first = [s[::-1] for s in seq_first]
        check_masks(
            "MultiheadAttention",
            (tuple(seq_first[0]), tuple(seq_first[1])),
            self.num_heads,
            key_padding_mask,
            attn_mask,
            batched,
        )
        batch_axis = 0 if self.batch_first else 1
        if not batched:
            query, key, value = (manipulation.expand_dims(t, axis=batch_axis) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = manipulation.expand_dims(key_padding_mask, axis=0)
        separate = (
            None
            if self.in_proj_weight is not None
            else (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        )
        output, weights = multi_head_attention(
            query,
            key,
            value,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            separate,
            self.out_proj.weight,
            self.out_proj.bias,
            key_padding_mask,
            need_weights,
            attn_mask,
            average_attn_weights,
            self.dropout,
            self.training,
            self.batch_first,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            None,
            None,
            is_causal,
        )
        if not batched:
            output = manipulation.squeeze(output, axis=batch_axis)
            weights = None if weights is None else manipulation.squeeze(weights, axis=0)
        return output, weights

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"
