"""Shut-down models (issue 12, section 1): what the API does with them (routed or 404), with the severity the evidence
allows, and every other finding still reported, for the model that the message names."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import date

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import ROOT, server_env  # type: ignore[import-not-found]
from gemini_lsp.analysis import analyze
from gemini_lsp.catalog import Catalog, load_catalog
from gemini_lsp.findings import Edit
from gemini_lsp.settings import Settings

AFTER_2_5_SHUTDOWN = date(2026, 12, 2)
BEFORE_2_5_SHUTDOWN = date(2026, 11, 26)
USER = {"role": "user", "parts": [{"text": "Hello"}]}
# MINIMAL is rejected by gemini-3.8-flash (official), penalties are refused by it (a direct reproduction)
BODY = {
    "contents": [USER],
    "generationConfig": {"thinkingConfig": {"thinkingLevel": "MINIMAL"}, "presencePenalty": 0.5},
}


def run(model: str, today: date, body: dict | None = None, catalog: Catalog | None = None):
    text = json.dumps({"model": model, **(body or BODY)}, indent=2)
    return text, analyze(text, "request.gemini.json", Settings(), today=today, catalog=catalog or load_catalog())


def by_code(analysis, code):
    return [f for f in analysis.findings if f.code == code]


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.new_text + text[e.end:]
    return text


def test_routed_model_is_a_warning_naming_the_serving_model():
    text, a = run("models/gemini-2.5-pro", AFTER_2_5_SHUTDOWN)
    (retired,) = by_code(a, "GL302")
    assert (retired.pointer, retired.severity) == ("/model", "warning")
    assert "routed to `gemini-3.8-flash`" in retired.message
    assert "third-party" in retired.message  # the evidence's tier is said, not hidden
    assert "404 NOT_FOUND" in retired.message  # the disagreeing reports are named too
    assert retired.data["servedBy"] == "gemini-3.8-flash"
    assert '"model": "models/gemini-3.8-flash"' in apply(text, retired.fixes[0].edits)
    assert not [f for f in a.findings if f.severity == "error" and f.code in ("GL302", "GL303")]


def test_routed_model_on_vertex_says_the_reading_is_for_the_gemini_api():
    text = json.dumps({"contents": [USER]})
    a = analyze(text, "request.gemini.json", Settings(api="vertex", api_version="v1", model="gemini-2.5-pro"),
                today=AFTER_2_5_SHUTDOWN, catalog=load_catalog())
    (retired,) = by_code(a, "GL302")
    assert retired.severity == "warning" and "Vertex AI has its own schedule" in retired.message


def test_routed_model_body_is_checked_against_the_serving_model():
    _, a = run("models/gemini-2.5-pro", AFTER_2_5_SHUTDOWN)
    (level,) = by_code(a, "GL313")
    assert (level.pointer, level.severity) == ("/generationConfig/thinkingConfig/thinkingLevel", "error")
    assert "gemini-3.8-flash" in level.message and "serves the shut-down `gemini-2.5-pro`" in level.message
    assert level.data["checkedModel"] == "gemini-3.8-flash"
    (penalty,) = by_code(a, "GL321")
    assert penalty.pointer == "/generationConfig/presencePenalty"
    assert "models/gemini-3.8-flash" in penalty.message
    # the 2.5 Pro rule (thinkingLevel before Gemini 3) no longer applies: 2.5 Pro does not answer any more
    assert by_code(a, "GL312") == []


def test_the_same_body_before_the_shutdown_is_checked_against_the_named_model():
    _, a = run("models/gemini-2.5-pro", BEFORE_2_5_SHUTDOWN)
    assert [f.severity for f in by_code(a, "GL303")] == ["warning"]
    (level,) = by_code(a, "GL312")
    assert "models/gemini-2.5-pro" in level.message and "Checked against" not in level.message
    assert by_code(a, "GL302") == [] and by_code(a, "GL313") == []


def test_gemini_2_5_flash_is_routed_to_flash_lite():
    body = {"contents": [USER], "generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}}
    _, a = run("gemini-2.5-flash", AFTER_2_5_SHUTDOWN, body)
    (retired,) = by_code(a, "GL302")
    assert retired.severity == "warning" and "`gemini-3.5-flash-lite`" in retired.message
    # thinkingLevel is an error on gemini-2.5-flash, but gemini-3.5-flash-lite takes it
    assert by_code(a, "GL312") == []
    assert [f for f in a.findings if f.severity == "error"] == []


def test_model_that_answers_404_is_an_error_and_the_rest_is_checked_against_the_replacement():
    text, a = run("models/gemini-1.5-flash", AFTER_2_5_SHUTDOWN)
    (retired,) = by_code(a, "GL302")
    assert (retired.pointer, retired.severity) == ("/model", "error")
    assert "404 NOT_FOUND" in retired.message and "is no longer available" in retired.message
    assert "checked against `gemini-3.8-flash`" in retired.message
    assert '"model": "models/gemini-3.8-flash"' in apply(text, retired.fixes[0].edits)
    (level,) = by_code(a, "GL313")
    assert "the replacement of the shut-down `gemini-1.5-flash`" in level.message
    assert by_code(a, "GL321")[0].pointer == "/generationConfig/presencePenalty"


def test_a_retired_model_without_a_replacement_leaves_model_rules_silent():
    catalog = Catalog.from_data({
        "sources": {"test:official": {"tier": "official"}},
        "models": [{"id": "old-model", "status": "retired", "shutdown_date": "2026-01-01",
                    "thinking": {"supported": False},
                    "sources": {"status": ["test:official"], "shutdown_date": ["test:official"],
                                "thinking.supported": ["test:official"]}}],
    })
    body = {"contents": [USER], "generationConfig": {"thinkingConfig": {"thinkingBudget": 10}}}
    _, a = run("old-model", AFTER_2_5_SHUTDOWN, body, catalog)
    assert [f.severity for f in by_code(a, "GL302")] == ["error"]
    assert by_code(a, "GL310") == []  # a 404 model's facts are moot, and nothing replaces it


def test_routed_target_that_is_itself_shut_down_falls_back_to_the_replacement():
    catalog = Catalog.from_data({
        "sources": {"test:3p": {"tier": "3p"}},
        "models": [
            {"id": "a-model", "status": "deprecated", "shutdown_date": "2026-01-01", "replacement": "c-model",
             "replacement_source": "google", "after_shutdown": {"behavior": "routed", "routed_to": "b-model"},
             "sources": {"status": ["test:3p"], "shutdown_date": ["test:3p"], "replacement": ["test:3p"],
                         "after_shutdown": ["test:3p"]}},
            {"id": "b-model", "status": "retired", "replacement": "c-model", "replacement_source": "google",
             "sources": {"status": ["test:3p"], "replacement": ["test:3p"]}},
            {"id": "c-model", "status": "current", "sources": {"status": ["test:3p"]}},
        ],
    })
    info = catalog.get("a-model")
    assert info is not None
    served, why = catalog.serving_model(info, AFTER_2_5_SHUTDOWN)
    assert (served.id if served else None, why) == ("c-model", "replacement")
    _, a = run("a-model", AFTER_2_5_SHUTDOWN, {"contents": [USER]}, catalog)
    assert [f.severity for f in by_code(a, "GL302")] == ["error"]


def test_cli_shows_every_problem_of_a_file_with_a_shut_down_model(tmp_path):
    # gemini-1.5-flash shut down in 2025, so this holds on any date the suite runs
    path = tmp_path / "old.gemini.json"
    path.write_text(json.dumps({"model": "models/gemini-1.5-flash", **BODY}, indent=2), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "gemini_lsp", "check", "--format", "json", str(path)],
                            capture_output=True, text=True, env=server_env(), cwd=ROOT)
    report = json.loads(result.stdout)
    found = {(d["code"], d["pointer"], d["severity"]) for d in report["files"][0]["diagnostics"]}
    assert ("GL302", "/model", "error") in found
    assert ("GL313", "/generationConfig/thinkingConfig/thinkingLevel", "error") in found
    assert ("GL321", "/generationConfig/presencePenalty", "error") in found
    messages = [d["message"] for d in report["files"][0]["diagnostics"] if d["code"] == "GL313"]
    assert "Checked against `gemini-3.8-flash`" in messages[0]
    assert result.returncode == 1


# -- the same over the language server protocol, with a real client ------------------------------------------------

LSP_URI = "file:///tmp/gemini-lsp-retired/old.gemini.json"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=server_env()),
)
async def vscode(lsp_client: LanguageClient):
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                                    client_info=types.ClientInfo(name="visual-studio-code"))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_editor_shows_every_problem_of_a_file_with_a_shut_down_model(vscode: LanguageClient):
    text = json.dumps({"model": "models/gemini-1.5-flash", **BODY}, indent=2)
    vscode.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=LSP_URI, language_id="gemini-json", version=1, text=text)))
    await asyncio.wait_for(vscode.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
    diagnostics = vscode.diagnostics[LSP_URI]
    by = {d.code: d for d in diagnostics}
    assert by["GL302"].severity == types.DiagnosticSeverity.Error and by["GL302"].range.start.line == 1
    assert "404 NOT_FOUND" in by["GL302"].message
    assert by["GL313"].severity == types.DiagnosticSeverity.Error
    assert "Checked against `gemini-3.8-flash`" in by["GL313"].message
    assert "GL321" in by
