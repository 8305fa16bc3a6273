"""``Embedding`` and ``EmbeddingBag``: lookup tables, as torch.nn's."""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..ops import binary, creation, manipulation, searching
from . import functional as F
from . import init
from .functional.sparse import _padding_index, sparse_gradient_error
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding", "EmbeddingBag"]


def _table(
    where: str,
    num_embeddings: int,
    embedding_dim: int,
    padding_idx: int | None,
    weight: Any,
    freeze: bool,
    dtype: Any,
) -> tuple[int | None, Any]:
    """The padding row (normalised) and the weight: given, or N(0, 1) with the padding row zeroed."""
    padding_idx = _padding_index(padding_idx, num_embeddings, where)
    if weight is None:
        values = init.normal((num_embeddings, embedding_dim), dtype=dtype)
        if padding_idx is not None:
            padding = binary.equal(creation.arange(num_embeddings), padding_idx)
            values = searching.where(manipulation.reshape(padding, (-1, 1)), 0.0, values)
        return padding_idx, Parameter(values, trainable=not freeze)
    if tuple(int(d) for d in weight.shape) != (num_embeddings, embedding_dim):
        raise ShapeError(
            f"{where}: _weight of shape {tuple(weight.shape)} does not match num_embeddings and "
            f"embedding_dim ({num_embeddings}, {embedding_dim})"
        )
    # (a copy: torch's Parameter shares the given tensor's storage)
    return padding_idx, Parameter(weight, trainable=not freeze)


def _pretrained(embeddings: Any, where: str) -> tuple[int, int]:
    if len(embeddings.shape) != 2:
        raise ShapeError(
            f"{where}: embeddings are expected to be 2-dimensional, got shape {tuple(embeddings.shape)}"
        )
    rows, cols = (int(d) for d in embeddings.shape)
    return rows, cols


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``, as ``torch.nn.Embedding``.

    The weight is initialised N(0, 1) from ``ug.random`` (the ``padding_idx`` row
    zeroed); ``padding_idx``, ``max_norm``, ``norm_type`` and
    ``scale_grad_by_freq`` act as in :func:`ug.nn.functional.embedding`.
    ``sparse=True`` raises: unigrad's gradients are dense. ``_weight`` gives
    the initial table (copied) and ``_freeze`` makes it untrainable.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> table = ug.nn.Embedding(10, 3, padding_idx=0)
        >>> tuple(table(ug.asarray([[1, 0, 2]])).shape), ug.to_numpy(table.weight[0]).tolist()
        ((1, 3, 3), [0.0, 0.0, 0.0])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if sparse:
            raise sparse_gradient_error("Embedding")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.padding_idx, self.weight = _table(
            "Embedding", num_embeddings, embedding_dim, padding_idx, _weight, _freeze, dtype
        )
        if device is not None:
            self.to(device)

    def forward(self, input: Any) -> Any:
        return F.embedding(
            input, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding over the 2-d table ``embeddings`` (copied), frozen unless ``freeze=False``."""
        rows, cols = _pretrained(embeddings, "Embedding.from_pretrained")
        return cls(
            rows,
            cols,
            _weight=embeddings,
            _freeze=freeze,
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
        )


class EmbeddingBag(Module):
    """Sums, means or maxima of bags of embeddings, as ``torch.nn.EmbeddingBag``.

    ``forward(input, offsets=None, per_sample_weights=None)``: see
    :func:`ug.nn.functional.embedding_bag`. The weight is initialised N(0, 1)
    (the ``padding_idx`` row zeroed), as torch's.

    Examples:
        >>> import unigrad as ug
        >>> bag = ug.nn.EmbeddingBag(10, 3, mode="sum")
        >>> tuple(bag(ug.asarray([1, 2, 4, 5, 4]), ug.asarray([0, 2])).shape)
        (2, 3)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if sparse:
            raise sparse_gradient_error("EmbeddingBag")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.mode, self.sparse = scale_grad_by_freq, mode, sparse
        self.include_last_offset = include_last_offset
        self.padding_idx, self.weight = _table(
            "EmbeddingBag", num_embeddings, embedding_dim, padding_idx, _weight, False, dtype
        )
        if device is not None:
            self.to(device)

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Any = None) -> Any:
        return F.embedding_bag(
            input,
            self.weight,
            offsets,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.mode,
            False,
            per_sample_weights,
            self.include_last_offset,
            self.padding_idx,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag over the 2-d table ``embeddings`` (copied), frozen unless ``freeze=False``."""
        rows, cols = _pretrained(embeddings, "EmbeddingBag.from_pretrained")
        bag = cls(
            rows,
            cols,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            mode=mode,
            sparse=sparse,
            include_last_offset=include_last_offset,
            padding_idx=padding_idx,
            _weight=embeddings,
        )
        if freeze:
            bag.requires_grad_(False)
        return bag
