"""Neovim's built-in LSP client (headless, Debian's 0.7.x: push diagnostics only) against the installed server.

tests/e2e_support/nvim_lsp.lua starts the server with `vim.lsp.start_client`, records every
textDocument/publishDiagnostics (the raw LSP diagnostics and what `vim.diagnostic.get()` holds) and writes them as
JSON. Skipped without nvim, failed when CI=true (client-vscode/scripts/install-test-deps.sh installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import CLIENT, INSTALL_HINT, missing, nvim_path

HERE = Path(__file__).resolve().parent
LUA = HERE / "e2e_support" / "nvim_lsp.lua"
FIXTURES = CLIENT / "test" / "e2e" / "fixtures" / "workspace"


def server_command() -> list[str]:
    """The installed console script next to this Python when there is one, else `python -m gemini_lsp`."""
    script = Path(sys.executable).parent / ("gemini-lsp.exe" if os.name == "nt" else "gemini-lsp")
    if script.is_file():
        return [str(script), "serve", "--stdio"]
    return [sys.executable, "-m", "gemini_lsp", "serve", "--stdio"]


@pytest.fixture(scope="module")
def nvim() -> str:
    path = nvim_path()
    if path is None:
        missing("nvim (Neovim 0.7 or newer)", INSTALL_HINT)
    check = subprocess.run([sys.executable, "-c", "import gemini_lsp.server, gemini_lsp.schemas"],
                           capture_output=True, text=True, timeout=60, check=False)
    if check.returncode != 0:
        pytest.fail(f"gemini_lsp is not importable by {sys.executable} (pip install -e .):\n{check.stderr}")
    return path


def run_nvim(nvim: str, tmp_path: Path, fixture: str, *, settings: dict | None = None,
             edit: tuple[str, str] | None = None, timeout_ms: int = 20000) -> dict:
    work = tmp_path / "ws"
    work.mkdir()
    shutil.copy(FIXTURES / fixture, work / fixture)
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "GEMINI_LSP_CMD": json.dumps(server_command()),
        "GEMINI_LSP_OUT": str(out),
        "GEMINI_LSP_SETTINGS": json.dumps(settings or {}),
        "GEMINI_LSP_TIMEOUT_MS": str(timeout_ms),
        # keep Neovim's state and lsp.log inside the test's directory
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    if edit is not None:
        env.update(GEMINI_LSP_EDIT="1", GEMINI_LSP_EDIT_FROM=edit[0], GEMINI_LSP_EDIT_TO=edit[1])
    proc = subprocess.run([nvim, "--headless", "--clean", "-u", str(LUA), fixture], cwd=work, env=env,
                          capture_output=True, text=True, timeout=timeout_ms / 1000 + 30, check=False)
    log = next((tmp_path / "cache").rglob("lsp.log"), None)
    log_text = log.read_text(errors="replace") if log else "(no lsp.log)"
    log_tail = log_text[-3000:]
    assert out.is_file(), f"nvim wrote no result (exit {proc.returncode}): {proc.stderr[-2000:]}\n{log_tail}"
    result = json.loads(out.read_text())
    assert proc.returncode == 0 and not result.get("error"), f"{result.get('error')} (exit {proc.returncode})\n{log_tail}"
    result["_log"] = log_text
    return result


def lsp_code(d: dict) -> str | None:
    return d.get("code") or (d.get("user_data") or {}).get("lsp", {}).get("code")


def test_neovim_receives_unknown_field(nvim: str, tmp_path: Path) -> None:
    result = run_nvim(nvim, tmp_path, "bad.gemini.json")
    report = result["reports"][-1]
    [raw] = [d for d in report["lsp"] if d.get("code") == "GL101"]
    assert raw["source"] == "gemini-lsp"
    assert raw["severity"] == 1
    assert raw["message"].startswith('Invalid JSON payload received. Unknown name "content"')
    # the key `"content"` on line 2 (0-based 1), quotes included: columns 2..11
    assert raw["range"] == {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 11}}
    # and Neovim's own diagnostic list holds it at the same place
    [mine] = [d for d in report["nvim"] if lsp_code(d) == "GL101"]
    assert (mine["lnum"], mine["col"], mine["end_lnum"], mine["end_col"]) == (1, 2, 1, 11)
    assert mine["severity"] == 1 and mine["source"] == "gemini-lsp"
    assert result["uri"].endswith("/bad.gemini.json")


def test_neovim_edit_clears_the_diagnostic(nvim: str, tmp_path: Path) -> None:
    result = run_nvim(nvim, tmp_path, "bad.gemini.json", edit=('"content"', '"contents"'))
    assert result["edited"]
    assert any(d.get("code") == "GL101" for d in result["reports"][0]["lsp"])
    assert result["reports"][-1]["lsp"] == [] and result["reports"][-1]["nvim"] == []
    # the edit travelled as an incremental change (a ranged contentChanges entry)
    changes = [line for line in result["_log"].splitlines() if "textDocument/didChange" in line]
    assert changes and all("range =" in line for line in changes), changes


def test_neovim_settings_model(nvim: str, tmp_path: Path) -> None:
    """workspace/configuration answered from the client's settings: the model makes thinkingBudget 0 an error."""
    # a model that is not shut down (gemini-2.5-pro is served by gemini-3.8-flash since 2026-12-01, issue 12)
    result = run_nvim(nvim, tmp_path, "thinking.gemini.json", settings={"geminiLsp": {"model": "gemini-3.1-pro-preview"}})
    errors = [d for d in result["reports"][-1]["lsp"] if d.get("severity") == 1]
    assert errors, result["reports"]
    assert any(d["range"]["start"]["line"] == 5 for d in errors), errors
