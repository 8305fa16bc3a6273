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
