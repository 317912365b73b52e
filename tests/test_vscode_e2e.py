"""The VS Code extension, packaged as a .vsix, in a real VS Code workbench (code-server 4.100.3) driven by headless
Chromium through playwright-core (client-vscode/test/e2e/run.mjs).

The driver checks through the UI: the error squiggle and Problems entry of a bad request, the quick fix from the
Ctrl+. menu, completion of a model name inside the "model" string, hover documentation, a model change through
the status bar quick pick and through settings.json (diagnostics change without a restart), a refactoring
command, "Gemini: Restart Server", and the single error with actions for an unusable Python.

Needs: node, chromium, code-server in the e2e cache and client-vscode/node_modules
(client-vscode/scripts/install-test-deps.sh installs all of them). Skipped without them, failed when CI=true.
Screenshots go to client-vscode/test-results/ (their paths are printed).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from e2e_support import (
    CLIENT,
    INSTALL_HINT,
    ROOT,
    chromium_path,
    code_server_path,
    missing,
    node_path,
    run,
)

VSIX = CLIENT / "gemini-lsp.vsix"
SEND_KEY = "AIza" + "e2e-stand-in-key-" + "0" * 18  # made up: only the loopback stand-in accepts it
RESULTS = CLIENT / "test-results"
STEPS = [
    "diagnostic",
    "quick_fix",
    "completion_model",
    "hover",
    "settings_model",
    "refactor_strict_json",
    "restart_command",
    "readme_screenshot",
    "send_answer",
    "bundled_deps_python",
    "no_python",
    "server_crash",
]
# Everything that goes into the .vsix: a .vsix older than any of these is rebuilt.
VSIX_INPUTS = [
    CLIENT / "src",
    CLIENT / "package.json",
    CLIENT / "package-lock.json",
    CLIENT / "language-configuration.json",
    CLIENT / "syntaxes",
    CLIENT / "images",
    CLIENT / "scripts" / "build.mjs",
    CLIENT / "scripts" / "bundle-server.mjs",
    CLIENT / "README.md",
    CLIENT / ".vscodeignore",
    ROOT / "server" / "gemini_lsp",
    ROOT / "schemas",
    ROOT / "docs" / "rules.md",
]


def _newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for p in paths:
        if p.is_file():
            newest = max(newest, p.stat().st_mtime)
        elif p.is_dir():
            for f in p.rglob("*"):
                if f.is_file() and "__pycache__" not in f.parts:
                    newest = max(newest, f.stat().st_mtime)
    return newest


_config: pytest.Config | None = None


def _bare_python() -> str | None:
    """A Python >= 3.10 without pygls (the system's, typically): the bundled server must run on it."""
    probe = "import sys, importlib.util as u; sys.exit(not (sys.version_info >= (3, 10) and u.find_spec('pygls') is None))"
    for candidate in ("/usr/bin/python3", shutil.which("python3"), shutil.which("python")):
        if candidate and Path(candidate).is_file() and run([candidate, "-c", probe], cwd=ROOT, timeout=30).returncode == 0:
            return candidate
    return None


def _log(message: str) -> None:
    # to the terminal past pytest's capture, so that CI logs show the screenshots and timings
    line = f"[vscode-e2e] {message}"
    capman = _config.pluginmanager.getplugin("capturemanager") if _config is not None else None
    if capman is not None:
        with capman.global_and_fixture_disabled():
            print(line, file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def _build_vsix() -> Path:
    explicit = os.environ.get("GEMINI_LSP_VSIX")
    if explicit:
        return Path(explicit)
    if VSIX.is_file() and VSIX.stat().st_mtime >= _newest_mtime(VSIX_INPUTS):
        _log(f"using the up-to-date {VSIX}")
        return VSIX
    # PYTHON: the pip that fetches the bundled pure-Python dependencies
    env = {**os.environ, "PYTHON": sys.executable}
    proc = run(["npm", "run", "package"], cwd=CLIENT, timeout=300, env=env)
    if proc.returncode != 0 or not VSIX.is_file():
        pytest.fail(f"npm run package failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    _log(f"built {VSIX} ({VSIX.stat().st_size // 1024} KiB)")
    return VSIX


@pytest.fixture(scope="module")
def vscode_run(pytestconfig: pytest.Config) -> dict:
    global _config
    _config = pytestconfig
    node = node_path()
    if node is None:
        missing("node", "install Node.js 20")
    chromium = chromium_path()
    if chromium is None:
        missing("chromium", INSTALL_HINT)
    code_server = code_server_path()
    if code_server is None:
        missing("code-server 4.100.3", INSTALL_HINT)
    if not (CLIENT / "node_modules" / "playwright-core").is_dir():
        missing("client-vscode/node_modules (playwright-core, esbuild, vsce)", INSTALL_HINT)

    vsix = _build_vsix()
    result_file = RESULTS / "result.json"
    RESULTS.mkdir(exist_ok=True)
    result_file.unlink(missing_ok=True)
    cmd = [
        node, str(CLIENT / "test" / "e2e" / "run.mjs"),
        "--vsix", str(vsix),
        "--python", sys.executable,  # has the server's dependencies
        "--code-server", str(code_server),
        "--chromium", str(chromium),
        "--out", str(RESULTS),
        "--result", str(result_file),
    ]
    # Send: a stand-in API on loopback answers the fixture's 400 (a real answer from tests/data/api_errors.json)
    from standin_api import StandIn

    standin = StandIn(SEND_KEY)
    standin.thread.start()
    pytestconfig.add_cleanup(lambda: standin.__exit__(None, None, None))
    # (the base URL, a user setting, picks the stand-in's replay of llm-gemini#49's answer)
    cmd += ["--send-base-url", f"{standin.base_url}/case/invalid-value-map-then-list", "--send-key", SEND_KEY,
            "--send-fixture", str(CLIENT / "test" / "e2e" / "fixtures" / "send.gemini.json")]
    bare = _bare_python()
    if bare is not None:
        cmd += ["--bare-python", bare]
    else:
        _log("no Python >= 3.10 without pygls found: the bundled_deps_python step is skipped")
    proc = run(cmd, cwd=CLIENT, timeout=300)
    if not result_file.is_file():
        pytest.fail(f"the e2e driver wrote no result (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-4000:]}")
    result = json.loads(result_file.read_text())
    result["_stderr"] = proc.stderr
    for shot in result.get("screenshots", []):
        _log(f"screenshot {shot}")
    _log(f"timings (ms since start): {json.dumps(result.get('timings_ms', {}))}")
    if result.get("fatal") or result.get("setup_error"):
        pytest.fail(
            f"the e2e run broke off: {result.get('fatal') or result.get('setup_error')}\n{proc.stderr[-4000:]}\n"
            f"code-server log: {result.get('code_server_log')}"
        )
    return result


def _step(result: dict, name: str) -> dict:
    for step in result["steps"]:
        if step["name"] == name:
            return step
    if name == "bundled_deps_python":
        pytest.skip("no Python >= 3.10 without pygls on this machine")
    pytest.fail(f"step {name} did not run; steps: {[s['name'] for s in result['steps']]}")


@pytest.mark.parametrize("name", STEPS)
def test_vscode_step(vscode_run: dict, name: str) -> None:
    step = _step(vscode_run, name)
    assert step["ok"], f"{name} failed: {step.get('error')}\nscreenshot: {step.get('screenshot')}"


def test_vscode_details(vscode_run: dict) -> None:
    """What the UI showed, beyond pass/fail of each step."""
    ok = {s["name"]: s["detail"] for s in vscode_run["steps"] if s["ok"]}
    assert SEND_KEY not in json.dumps(vscode_run)
    if "send_answer" in ok:
        d = ok["send_answer"]
        assert "Send" in d["lenses"] and "Stream" in d["lenses"] and "Count tokens" in d["lenses"]
        assert "HTTP 400" in d["answer"] and "1 try" in d["answer"]
        # the squiggle is on the "null" of anyOf[1].type, where `"null"` starts
        fixture = (CLIENT / "test" / "e2e" / "fixtures" / "send.gemini.json").read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(fixture) if '"null"' in text)
        col = fixture[line].index('"null"') + 1
        assert f"[Ln {line + 1}, Col {col}]" in d["problem"], d["problem"]
        assert "any_of[1].type" in d["hover"]
        assert "Hello from the stand-in." in d["stream"] and d["streamGrew"], d
    if "diagnostic" in ok:
        d = ok["diagnostic"]
        assert d["languageMode"] == "Gemini Request"
        assert 'Unknown name "content"' in d["problem"] and "GL101" in d["problem"]
        assert "[Ln 2, Col 3]" in d["problem"]
    if "quick_fix" in ok:
        assert "Rename to 'contents'" in ok["quick_fix"]["menu"]
    if "completion_model" in ok:
        labels = " ".join(ok["completion_model"]["labels"])
        assert "gemini-" in labels
        # suggestions pop up inside strings by themselves (configurationDefaults for [gemini-json])
        assert ok["completion_model"]["autoPopup"] is True
    if "settings_model" in ok:
        s = ok["settings_model"]
        assert "gemini-3.1-pro-preview" in s["statusAfter"] and "gemini-3.1-pro-preview" not in s["statusBefore"]
        assert "[Ln 6," in s["problem"]
    if "no_python" in ok:
        assert "Open Settings" in ok["no_python"]["message"]
    assert vscode_run["ok"], [s["name"] for s in vscode_run["steps"] if not s["ok"]]
