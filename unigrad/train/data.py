"""The inputs of :func:`unigrad.fit`, ``evaluate`` and ``predict``, as batches of the model's backend.

Two kinds of input:

* **arrays** — NumPy arrays or tensors of either backend, for ``x`` a single
  array, or a tuple / list (the model is called ``model(*x)``) or a dict
  (``model(**x)``) of them; ``y`` likewise, passed to the loss as it is. They
  are converted to the model's backend and device once, before the first
  epoch; each batch is then gathered on the device with ``ug.take`` (the
  epoch's permutation, or ``arange`` unshuffled, is uploaded once per epoch).
  The whole array then lives on the device: for data larger than its
  memory, pass a loader.
* **loaders** — a ``torch.utils.data.DataLoader``, a ``tf.data.Dataset`` or
  any re-iterable object that yields ``(x, y)`` batches (or ``x`` alone, for
  ``predict``). Each batch is converted as it comes (``ug.convert``, DLPack
  where it can); batching and shuffling are the loader's.

Floating-point inputs are cast to the dtype of the model's parameters (as
Keras does), so float64 NumPy data trains a float32 model; integer labels are
left alone.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import tree
from ..config import builtin_classes
from ..dtypes import DType, as_dtype, numpy_dtype
from ..errors import ShapeError
from ..ops.conversion import backend_of, convert, device_of, to_device
from ..ops.creation import asarray, astype
from ..ops.manipulation import take
from .errors import FitArgumentError, FitTypeError

__all__ = ["Batch", "ArrayData", "LoaderData", "as_data", "is_loader", "split"]

Batch = tuple[Any, Any, int]
"""``(x, y, number of samples)``; ``y`` is None where there is no target."""


def is_loader(value: Any) -> bool:
    """Whether ``value`` yields batches (a DataLoader, a ``tf.data.Dataset``, ...) rather than holds them."""
    if value is None or isinstance(value, (list, tuple, dict, str, bytes, np.ndarray)):
        return False
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # a tensor is iterable too
        return False
    return hasattr(value, "__iter__")


class _Converter:
    """Leaves as tensors of the model's backend, on its device, floats in its float dtype."""

    def __init__(self, backend: str, device: str | None, float_dtype: DType | None) -> None:
        self.backend, self.device, self.float_dtype = backend, device, float_dtype

    def __call__(self, leaf: Any) -> Any:
        if leaf is None:
            return None
        if not (hasattr(leaf, "shape") and hasattr(leaf, "dtype")) or isinstance(leaf, np.ndarray):
            array = np.asarray(leaf)
            if self.float_dtype is not None and array.dtype.kind == "f":
                array = array.astype(numpy_dtype(self.float_dtype), copy=False)
            return asarray(array, device=self.device)
        tensor = convert(leaf, self.backend)
        if self.device is not None and device_of(tensor) != self.device:
            tensor = to_device(tensor, self.device)
        dtype = as_dtype(tensor.dtype)
        if self.float_dtype is not None and dtype.kind == "float" and dtype != self.float_dtype:
            tensor = astype(tensor, self.float_dtype)
        return tensor

    def structure(self, value: Any) -> Any:
        return tree.map_leaves(self, value)


def _rows(value: Any) -> int:
    leaves = [leaf for leaf in tree.flatten(value)[0] if leaf is not None]
    if not leaves:
        raise FitArgumentError("the inputs hold no arrays")
    sizes = {int(leaf.shape[0]) if len(leaf.shape) else -1 for leaf in leaves}
    if len(sizes) != 1 or -1 in sizes:
        raise ShapeError(
            f"every input and target array needs the same number of samples along axis 0, got sizes "
            f"{[tuple(leaf.shape) for leaf in leaves]}"
        )
    return sizes.pop()


class _Rows:
    """Gathers the rows ``index`` of a leaf (None stays None)."""

    def __init__(self, index: Any) -> None:
        self.index = index

    def __call__(self, leaf: Any) -> Any:
        return None if leaf is None else take(leaf, self.index, axis=0)


def _split_rows(a: Any, sizes: list[int]) -> list[Any]:
    """``a`` cut along its first axis into pieces of ``sizes`` (views where the framework has them)."""
    if isinstance(a, np.ndarray):
        bounds = np.cumsum([0, *sizes])
        return [a[start:stop] for start, stop in itertools.pairwise(bounds)]
    return list(backend_of(a).split_rows(a, sizes))


class ArrayData:
    """Arrays held on the device, batched by gathering rows."""

    shuffles = True

    def __init__(self, x: Any, y: Any) -> None:
        self.x, self.y = x, y
        self.num_samples = _rows((x, y))
        self._pieces: tuple[Any, list[Any]] | None = None

    def steps(self, batch_size: int) -> int:
        return math.ceil(self.num_samples / batch_size)

    def split(self, fraction: float) -> tuple[ArrayData, ArrayData]:
        """The first ``floor(n * (1 - fraction))`` samples and the rest, unshuffled (Keras' rule)."""
        cut = math.floor(self.num_samples * (1.0 - fraction))
        if not 0 < cut < self.num_samples:
            raise FitArgumentError(
                f"validation_split={fraction} of {self.num_samples} samples leaves "
                f"{cut} for training and {self.num_samples - cut} for validation; both need at least one"
            )
        head = ArrayData(*tree.map_leaves(lambda a: None if a is None else a[:cut], (self.x, self.y)))
        tail = ArrayData(*tree.map_leaves(lambda a: None if a is None else a[cut:], (self.x, self.y)))
        return head, tail

    def batches(
        self,
        batch_size: int,
        order: np.ndarray[Any, Any] | None = None,
        pad: bool = False,
        fresh: bool = False,
    ) -> Iterator[Batch]:
        """Batches in ``order`` (a permutation of the samples), or in sequence without one.

        The data are put in order once per epoch (one gather) and the batches
        are slices of that. With ``fresh`` every batch is gathered on its own
        instead: a slice is a view at a new offset each batch, which
        ``torch.compile`` guards on and recompiles for. With ``pad``, a short
        last batch after full ones is filled up with copies of its last sample
        (the count says how many are real).
        """
        n = self.num_samples
        short = -n % batch_size
        padded = pad and n > batch_size and short
        if order is None and not padded and not fresh:
            data = (self.x, self.y)  # in sequence: plain slices, no copy at all
        else:
            order = np.arange(n) if order is None else order
            if padded:
                order = np.concatenate([order, np.full(short, order[-1])])
            leaves = tree.flatten((self.x, self.y))[0]
            device = next((device_of(a) for a in leaves if a is not None), None)
            permutation = asarray(order.astype(np.int64, copy=False), device=device)  # one upload per epoch
            if fresh:
                for start in range(0, n, batch_size):
                    index = permutation[start : start + batch_size]
                    x, y = tree.map_leaves(_Rows(index), (self.x, self.y))
                    yield x, y, min(start + batch_size, n) - start
                return
            data = tree.map_leaves(_Rows(permutation), (self.x, self.y))
        total = n + (short if padded else 0)
        sizes = [min(batch_size, total - start) for start in range(0, total, batch_size)]
        # one split op per tensor per epoch: slicing eager TensorFlow tensors one by one
        # costs ~150 µs each through tf.Tensor.__getitem__
        leaves, spec = tree.flatten(data)
        sequential = data is not None and order is None
        key = (tuple(sizes), padded)
        if sequential and self._pieces is not None and self._pieces[0] == key:
            pieces = self._pieces[1]  # the same cut as last epoch (TensorFlow's split copies)
        else:
            pieces = [None if a is None else _split_rows(a, sizes) for a in leaves]
            if sequential:
                self._pieces = (key, pieces)
        for index, start in enumerate(range(0, total, batch_size)):
            x, y = tree.unflatten(spec, [None if p is None else p[index] for p in pieces])
            yield x, y, min(start + batch_size, n) - start


class LoaderData:
    """Batches from a loader, converted one at a time."""

    shuffles = False

    def __init__(self, loader: Any, convert_batch: _Converter) -> None:
        if isinstance(loader, Iterator):  # not iter(loader): a DataLoader would start its workers
            raise FitTypeError(
                f"a {type(loader).__name__} is a one-shot iterator, and training reads the data once per "
                "epoch; pass a re-iterable object (a DataLoader, a tf.data.Dataset, a list of batches)"
            )
        self.loader, self._convert = loader, convert_batch
        self.num_samples: int | None = None

    def steps(self, batch_size: int) -> int | None:
        # a framework's own loader (a tf.data.Dataset knows its length without __len__'s rules)
        for backend in builtin_classes():
            count = backend.loader_length(self.loader)
            if count is not NotImplemented:
                return count
        try:
            return len(self.loader)
        except TypeError:
            return None

    def batches(
        self,
        batch_size: int,
        order: np.ndarray[Any, Any] | None = None,
        pad: bool = False,
        fresh: bool = False,
    ) -> Iterator[Batch]:
        for item in self.loader:
            if isinstance(item, (tuple, list)) and len(item) == 2:
                x, y = item
            elif isinstance(item, (tuple, list)) and len(item) == 1:
                x, y = item[0], None
            else:
                x, y = item, None
            x, y = self._convert.structure(x), self._convert.structure(y)
            yield x, y, _rows(x)


def model_placement(model: Any) -> tuple[str | None, DType | None]:
    """The device and floating-point dtype of the model's first parameter (None, None without any)."""
    parameters = model.parameters()
    if not parameters:
        return None, None
    first = parameters[0]
    dtype = backend_of(first).dtype_of(first)
    return device_of(first), (dtype if dtype.kind == "float" else None)


def as_data(x: Any, y: Any, backend: str, model: Any, *, where: str) -> ArrayData | LoaderData:
    """``x`` and ``y`` as :class:`ArrayData` or, for a loader ``x``, :class:`LoaderData`."""
    device, float_dtype = model_placement(model)
    converter = _Converter(backend, device, float_dtype)
    if x is None:
        raise FitTypeError(f"{where} needs x: arrays, tensors, a DataLoader or a tf.data.Dataset")
    if is_loader(x):
        if y is not None:
            raise FitArgumentError(
                f"{where}: y must be None when x is a {type(x).__name__}; it yields (x, y) batches"
            )
        return LoaderData(x, converter)
    return ArrayData(converter.structure(x), converter.structure(y))


def split(
    x: Any, y: Any, validation_data: Any, validation_split: float, backend: str, model: Any
) -> tuple[ArrayData | LoaderData, ArrayData | LoaderData | None]:
    """The training data and the validation data (None without), as ``fit`` takes them."""
    train = as_data(x, y, backend, model, where="fit")
    if validation_split:
        if validation_data is not None:
            raise FitArgumentError("give validation_data or validation_split, not both")
        if not isinstance(train, ArrayData):
            raise FitArgumentError(
                f"validation_split needs arrays, and x is a {type(x).__name__}, which cannot be cut; "
                "pass the validation samples instead: validation_data=(x_val, y_val) or a loader of "
                "(x, y) batches"
            )
        return train.split(validation_split)
    if validation_data is None:
        return train, None
    if is_loader(validation_data):
        return train, as_data(validation_data, None, backend, model, where="fit's validation_data")
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise FitArgumentError(
            "validation_data must be (x_val, y_val) or a loader yielding (x, y) batches, "
            f"got a {type(validation_data).__name__}"
        )
    x_val, y_val = validation_data
    return train, as_data(x_val, y_val, backend, model, where="fit's validation_data")
