"""Helpers for the real-editor end-to-end tests (VS Code through code-server, Neovim).

Rule for missing tools: the test is skipped with the reason printed, except when CI=true, where a missing tool
is a failure (CI must have run client-vscode/scripts/install-test-deps.sh).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "client-vscode"
E2E_CACHE = Path(os.environ.get("GEMINI_LSP_E2E_CACHE", Path.home() / ".cache" / "gemini-lsp-e2e"))
CODE_SERVER_VERSION = "4.100.3"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def missing(what: str, how: str) -> NoReturn:
    """Skip the test (print why), or fail it when CI=true."""
    message = f"{what} is not available: {how}"
    print(message, file=sys.stderr)
    if in_ci():
        pytest.fail(f"{message} (required because CI=true)")
    pytest.skip(message)


INSTALL_HINT = "run client-vscode/scripts/install-test-deps.sh"


def find_executable(name: str, *candidates: str | Path | None) -> str | None:
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def chromium_path() -> str | None:
    return find_executable("chromium", os.environ.get("CHROMIUM_BIN"), "/usr/bin/chromium")


def code_server_path() -> str | None:
    default = E2E_CACHE / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / ".bin" / "code-server"
    env = os.environ.get("CODE_SERVER_BIN")
    if env:
        return env if Path(env).is_file() else None
    return str(default) if default.is_file() else None


def node_path() -> str | None:
    return shutil.which("node")


def nvim_path() -> str | None:
    return find_executable("nvim", os.environ.get("NVIM_BIN"))


def run(cmd: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True, check=False)
