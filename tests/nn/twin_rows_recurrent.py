"""Twin rows: the recurrent layers (RNN, GRU, LSTM) and their cells.

A layer's outputs are ``output`` and its final states (a tuple, compared leaf
by leaf); rows with given initial states draw them as inputs, so that their
gradients are compared too. Packing, dropout in training and errors are tested
in test_recurrent_layers.py.
"""

from __future__ import annotations

from typing import Any

from twin_support import Row, several, twin

INPUT, HIDDEN, STEPS, BATCH = 3, 4, 5, 2

# (id, constructor options, input shape, modes): modes both only where the layer takes
# `training` into account (dropout between layers, off in evaluation)
CONFIGS: list[tuple[str, dict[str, Any], tuple[int, ...], tuple[str, ...]]] = [
    ("default", {}, (STEPS, BATCH, INPUT), ("train",)),
    ("2-layers", {"num_layers": 2}, (STEPS, BATCH, INPUT), ("train",)),
    ("bidirectional", {"bidirectional": True}, (STEPS, BATCH, INPUT), ("train",)),
    ("2-layers-bidirectional", {"num_layers": 2, "bidirectional": True}, (STEPS, BATCH, INPUT), ("train",)),
    ("batch-first", {"batch_first": True, "num_layers": 2}, (BATCH, STEPS, INPUT), ("train",)),
    ("no-bias", {"bias": False, "bidirectional": True}, (STEPS, BATCH, INPUT), ("train",)),
    ("unbatched", {"num_layers": 2, "bidirectional": True}, (STEPS, INPUT), ("train",)),
    ("dropout", {"num_layers": 2, "dropout": 0.5}, (STEPS, BATCH, INPUT), ("eval",)),
]

LAYERS: list[tuple[str, str, dict[str, Any]]] = [
    ("RNN", "RNN", {}),
    ("RNN-relu", "RNN", {"nonlinearity": "relu"}),
    ("GRU", "GRU", {}),
    ("LSTM", "LSTM", {}),
]


def given_h(layer: Any, inputs: Any, targets: Any) -> Any:
    return layer(inputs[0], inputs[1])


def given_hc(layer: Any, inputs: Any, targets: Any) -> Any:
    return layer(inputs[0], (inputs[1], inputs[2]))


def layer_row(prefix: str, name: str, config: str, options: dict[str, Any], **fields: Any) -> Row:
    return twin(name, INPUT, id=f"{prefix}-{config}", layer_dtype=True, **options, **fields)


def with_states(
    prefix: str, name: str, options: dict[str, Any], unbatched: bool, sizes: tuple[int, ...]
) -> Row:
    """A row whose initial states are given (and differentiated): 2 layers, both directions."""
    batch = () if unbatched else (BATCH,)
    states = [(4, *batch, size) for size in sizes]
    return layer_row(
        prefix,
        name,
        "h0-unbatched" if unbatched else "h0",
        {"num_layers": 2, "bidirectional": True, **options},
        data=several((STEPS, *batch, INPUT), *states),
        call=given_hc if len(sizes) == 2 else given_h,
        modes=("train",),
    )


ROWS = [
    layer_row(prefix, name, config, {"hidden_size": HIDDEN, **kind, **options}, shapes=(shape,), modes=modes)
    for prefix, name, kind in LAYERS
    for config, options, shape, modes in CONFIGS
]
ROWS += [
    with_states(
        prefix, name, {"hidden_size": HIDDEN, **kind}, unbatched, (HIDDEN,) * (2 if name == "LSTM" else 1)
    )
    for prefix, name, kind in LAYERS
    for unbatched in (False, True)
]

# LSTM with projections: h (and output) of proj_size features, c of hidden_size
PROJECTED = {"hidden_size": 5, "proj_size": 3}
ROWS += [
    layer_row("LSTM", "LSTM", "proj", PROJECTED, shapes=((STEPS, BATCH, INPUT),), modes=("train",)),
    layer_row(
        "LSTM",
        "LSTM",
        "proj-2-layers-bidirectional-batch-first",
        {**PROJECTED, "num_layers": 2, "bidirectional": True, "batch_first": True, "bias": False},
        shapes=((BATCH, STEPS, INPUT),),
        modes=("train",),
    ),
    layer_row(
        "LSTM",
        "LSTM",
        "proj-unbatched",
        {**PROJECTED, "num_layers": 2},
        shapes=((STEPS, INPUT),),
        modes=("train",),
    ),
    with_states("LSTM-proj", "LSTM", PROJECTED, False, (3, 5)),
    with_states("LSTM-proj", "LSTM", PROJECTED, True, (3, 5)),
]

CELLS: list[tuple[str, str, dict[str, Any]]] = [
    ("RNNCell", "RNNCell", {}),
    ("RNNCell-relu", "RNNCell", {"nonlinearity": "relu"}),
    ("GRUCell", "GRUCell", {}),
    ("LSTMCell", "LSTMCell", {}),
]


def cell_rows(prefix: str, name: str, options: dict[str, Any]) -> list[Row]:
    states = 2 if name == "LSTMCell" else 1
    call = given_hc if states == 2 else given_h

    def row(config: str, **fields: Any) -> Row:
        return twin(
            name,
            INPUT,
            HIDDEN,
            id=f"{prefix}-{config}",
            layer_dtype=True,
            modes=("train",),
            **options,
            **fields,
        )

    return [
        row("default", shapes=((BATCH, INPUT),)),
        row("hx", data=several((BATCH, INPUT), *[(BATCH, HIDDEN)] * states), call=call),
        row("unbatched", shapes=((INPUT,),)),
        row("unbatched-hx", data=several((INPUT,), *[(HIDDEN,)] * states), call=call),
        twin(
            name,
            INPUT,
            HIDDEN,
            False,
            id=f"{prefix}-no-bias",
            layer_dtype=True,
            modes=("train",),
            shapes=((BATCH, INPUT),),
            **options,
        ),
    ]


ROWS += [row for prefix, name, options in CELLS for row in cell_rows(prefix, name, options)]
