"""The ``unigrad`` command."""

from __future__ import annotations

import subprocess
import sys

import unigrad as ug


def test_info_reports_versions_backends_and_devices():
    result = subprocess.run(
        [sys.executable, "-m", "unigrad.cli", "info"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"unigrad {ug.__version__}" in out
    assert "Python 3." in out
    for name in ug.available_backends():
        assert f"  {name:<12}devices: cpu:0" in out
    assert "(active: " in out


def test_unknown_command_fails():
    result = subprocess.run(
        [sys.executable, "-m", "unigrad.cli", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_demo_trains_on_every_backend_with_the_same_curve(tmp_path):
    plot = tmp_path / "curves.png"
    result = subprocess.run(
        [sys.executable, "-m", "unigrad.cli", "demo", "--steps", "30", "--every", "10", "--plot", str(plot)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    installed = ug.available_backends()
    header = next(line for line in lines if line.startswith("step"))
    assert header.split()[1:] == installed
    rows = [line.split() for line in lines if line[:4].strip().isdigit()]
    assert [int(r[0]) for r in rows] == [0, 10, 20, 29]
    first, last = [float(v) for v in rows[0][1:]], [float(v) for v in rows[-1][1:]]
    assert all(v == first[0] for v in first)  # same seed: the same initial loss everywhere
    assert all(lst < f / 2 for lst, f in zip(last, first, strict=True))  # it trains
    if len(installed) > 1:
        difference = float(next(line for line in lines if line.startswith("largest relative")).split()[-1])
        assert difference < 1e-4
    for name in installed:
        assert any(line.startswith(name) and line.endswith("ms per step") for line in lines)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "(install matplotlib for a plot of the curves)" in lines
    else:
        assert plot.stat().st_size > 1000 and f"plot written to {plot}" in lines
