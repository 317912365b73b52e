"""Failures inside gemini-lsp are loud and contained: a crashing rule, a rule module that cannot be imported and a
failing parser each become one information finding (GL900) naming what failed, every other finding still appears,
`gemini-lsp check` exits with status 3 and prints the traceback, and the editor shows the same through the server.
The faults are injected at start-up by tests/fault_injection/sitecustomize.py into the real console script and the
real server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import ROOT, server_command, server_env

FAULTS = Path(__file__).parent / "fault_injection"
# a typo (GL101) and a thinkingConfig with both budget and level (GL314, reported by the thinking check)
TEXT = (
    '{"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "generationConfig": {"temperatur": 1, '
    '"thinkingConfig": {"thinkingBudget": 1024, "thinkingLevel": "LOW"}}}'
)


def _env(fault: str) -> dict[str, str]:
    env = server_env()
    env["PYTHONPATH"] = os.pathsep.join([str(FAULTS), env["PYTHONPATH"]])
    env["GEMINI_LSP_TEST_FAULT"] = fault
    return env


def _console_script() -> str:
    script = Path(sys.executable).parent / "gemini-lsp"
    if script.exists():
        return str(script)
    found = shutil.which("gemini-lsp")
    if found is None:
        pytest.fail("the gemini-lsp console script is not installed (pip install -e .)")
    return found


def _check(tmp_path: Path, fault: str) -> tuple[int, dict, str]:
    path = tmp_path / "req.gemini.json"
    path.write_text(TEXT, encoding="utf-8")
    result = subprocess.run(
        [_console_script(), "check", "--format", "json", str(path)],
        capture_output=True, text=True, env=_env(fault), cwd=ROOT, timeout=120,
    )
    return result.returncode, json.loads(result.stdout), result.stderr


def _codes(report: dict) -> list[str]:
    return [d["code"] for d in report["files"][0]["diagnostics"]]


def test_without_a_fault_nothing_is_reported_as_internal(tmp_path):
    status, report, stderr = _check(tmp_path, "")
    assert status == 1, stderr
    assert "GL900" not in _codes(report)
    assert {"GL101", "GL314"} <= set(_codes(report))


def test_a_crashing_rule_is_reported_and_the_others_still_run(tmp_path):
    status, report, stderr = _check(tmp_path, "crash")
    assert status == 3, stderr
    codes = _codes(report)
    assert "GL101" in codes  # the schema walk still ran
    assert "GL314" not in codes  # the crashed check's findings are missing ...
    [internal] = [d for d in report["files"][0]["diagnostics"] if d["code"] == "GL900"]
    assert internal["severity"] == "information"
    assert "Internal error in rule GL310" in internal["message"] and "Please report it" in internal["message"]
    assert "RuntimeError: injected fault for a test" in stderr  # ... the traceback is on stderr
    assert "internal error in rule GL310" in stderr


def test_a_rule_module_that_fails_to_import_is_reported(tmp_path):
    status, report, stderr = _check(tmp_path, "import")
    assert status == 3, stderr
    codes = _codes(report)
    assert "GL101" in codes and "GL314" not in codes
    [internal] = [d for d in report["files"][0]["diagnostics"] if d["code"] == "GL900"]
    assert "gemini_lsp.checks.thinking" in internal["message"]
    assert "ImportError: injected import failure for a test" in stderr


def test_a_parser_failure_is_not_the_users_syntax_error(tmp_path):
    status, report, stderr = _check(tmp_path, "parser")
    assert status == 3, stderr
    codes = _codes(report)
    assert "GL001" not in codes
    assert "GL900" in codes
    assert "the parser" in report["files"][0]["diagnostics"][codes.index("GL900")]["message"]
    assert "injected fault for a test" in stderr


# -- the same through a real LSP client --------------------------------------------------------------------------

URI = "file:///work/faulty.gemini.json"


async def _diagnostics(client: LanguageClient) -> list[types.Diagnostic]:
    await client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="gemini-json", version=1, text=TEXT)))
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return report.items


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command(), server_env=_env("crash")))
async def crashing(lsp_client: LanguageClient):
    lsp_client.set_configuration({}, section="geminiLsp")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command(), server_env=_env("import")))
async def broken_import(lsp_client: LanguageClient):
    lsp_client.set_configuration({}, section="geminiLsp")
    yield
    await lsp_client.shutdown_session()


async def test_the_editor_shows_a_crashing_rule(crashing: LanguageClient):
    items = await _diagnostics(crashing)
    codes = [d.code for d in items]
    assert "GL101" in codes and "GL314" not in codes
    [internal] = [d for d in items if d.code == "GL900"]
    assert internal.severity == types.DiagnosticSeverity.Information
    assert "Internal error in rule GL310" in internal.message


async def test_the_editor_shows_a_broken_rule_module(broken_import: LanguageClient):
    items = await _diagnostics(broken_import)
    codes = [d.code for d in items]
    assert "GL101" in codes and "GL314" not in codes
    [internal] = [d for d in items if d.code == "GL900"]
    assert "gemini_lsp.checks.thinking" in internal.message
