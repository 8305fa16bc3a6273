"""ug.models against torchvision: every architecture loads torchvision's state dict unchanged
and gives torchvision's eval-mode outputs, on every backend.

torchvision builds each reference with random weights (``weights=None``: nothing is
downloaded); its norm statistics and zero-initialised parameters are randomised so that a wrong pairing shows;
the state dict is handed to ``ug.models.<name>(weights=...)`` as it is. torchvision
is imported with :func:`unigrad.testing.import_torchvision` (its registry wheel is
built for CUDA torch). A new architecture is a new row in a ``zoo_rows_*.py`` file.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import zoo_rows_classic
import zoo_rows_mobile
import zoo_rows_transformer
from support import BACKENDS
from torch_reference import randomize_batchnorm
from zoo_support import THOROUGH

import unigrad as ug
from unigrad.testing import import_torchvision

ROWS = zoo_rows_classic.ROWS + zoo_rows_mobile.ROWS + zoo_rows_transformer.ROWS


def _randomize(model: torch.nn.Module) -> torch.nn.Module:
    """Random norm statistics and affine terms, and no all-zero parameter (torchvision starts a ViT's
    head, class token and attention biases at zero): a wrong pairing of any of them shows."""
    randomize_batchnorm(model)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.LayerNorm | torch.nn.GroupNorm) and module.weight is not None:
                module.weight.copy_(1 + 0.1 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
        for parameter in model.parameters():
            if not parameter.any():
                parameter.copy_(0.05 * torch.randn(parameter.shape, generator=generator))
    return model


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            row,
            id=row.id,
            marks=[
                pytest.mark.skipif(row.thorough and not THOROUGH, reason="large: HYPOTHESIS_PROFILE=thorough")
            ],
        )
        for row in ROWS
    ],
)
def test_architecture_loads_torchvision_weights_and_gives_its_outputs(row):
    tv = import_torchvision()
    torch.manual_seed(0)
    reference = _randomize(getattr(tv.models, row.name)(weights=None, **row.kwargs)).eval()
    state = {key: value.detach().clone() for key, value in reference.state_dict().items()}
    x = np.random.default_rng(0).standard_normal(row.input_shape).astype(np.float32)
    with torch.no_grad():
        want = reference(torch.from_numpy(x)).numpy()
    assert np.abs(want).max() > 1e-3  # a real signal, not zeros
    for backend in BACKENDS:
        with ug.use_backend(backend):
            model = getattr(ug.models, row.name)(weights=state, **row.kwargs).eval()
            assert list(model.state_dict()) == list(state), backend
            got = ug.to_numpy(model(ug.asarray(x)))
        np.testing.assert_allclose(
            got, want, rtol=row.rtol, atol=row.atol, err_msg=f"{row.name} on {backend}"
        )
