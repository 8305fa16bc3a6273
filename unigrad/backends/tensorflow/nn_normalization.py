"""Normalization kernels of the TensorFlow backend: none fused, by choice.

TensorFlow has no raw group-, instance- or RMS-normalization op (Keras builds
its layers from the same moments and arithmetic), so ``nn_group_norm``,
``nn_instance_norm``, ``nn_rms_norm`` and ``nn_local_response_norm`` are the
reference definitions of ``unigrad.nn.reference.normalization``, which the
backend installs by default. (``tf.nn.local_response_normalization`` sums
over a window of its own shape, without PyTorch's padding and mean, so it is
not used.) The file keeps the backends' module lists side by side.
"""

from __future__ import annotations

__all__: list[str] = []
