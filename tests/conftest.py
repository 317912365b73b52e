"""Shared test helpers."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
FIXED_TODAY = date(2026, 11, 26)


def server_command() -> list[str]:
    return [sys.executable, "-m", "gemini_lsp", "serve"]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"), env.get("PYTHONPATH")]))
    return env


def require_tool(name: str, reason: str) -> str:
    """The path of an external tool; skip (or fail when CI=true) when it is absent."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI: {reason}")
        pytest.skip(f"{name} not found: {reason}")
    return path
