"""The FFT extension of the Array API (``ug.fft``) over tensorflow."""

from __future__ import annotations

__all__: list[str] = []
