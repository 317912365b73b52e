"""Limits users can see: above geminiLsp.maxFileSize the server still reports syntax errors and pasted credentials,
and says in an information diagnostic (GL901) which checks it skipped."""

from __future__ import annotations

import asyncio
import random
import string

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_command, server_env

CONFIG = ClientServerConfig(server_command=server_command(), server_env=server_env())
URI = "file:///limits/big.gemini.json"


def _key() -> str:
    rng = random.Random(7)
    return "AIza" + "".join(rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(35))


def _text() -> str:
    # an unknown field (a schema finding), a pasted key (secrets) and a missing comma (syntax), in ~600 characters
    filler = " ".join(["words"] * 80)
    return (
        '{\n  "contents": [{"role": "user", "parts": [{"text": "' + filler + ' ' + _key() + '"}]}],\n'
        '  "generationConfg": {"temperature": 0.5}\n'
        '  "safetySettings": []\n}\n'
    )


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.set_configuration({"maxFileSize": 200}, section="geminiLsp")
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def _pull(client: LanguageClient) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    return list(report.items)


async def test_above_max_file_size_only_syntax_and_secrets_and_a_notice(client: LanguageClient) -> None:
    text = _text()
    assert len(text) > 200
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="json", version=1, text=text)))
    for _ in range(50):  # the settings are pulled with workspace/configuration right after `initialized`
        items = await _pull(client)
        if "GL901" in {d.code for d in items}:
            break
        await asyncio.sleep(0.1)
    codes = {d.code for d in items}
    assert "GL003" in codes  # the missing comma: syntax is still checked
    assert "GL201" in codes  # the pasted key: secrets are still checked
    assert "GL101" not in codes  # the misspelt generationConfig: schema checks are skipped...
    [notice] = [d for d in items if d.code == "GL901"]  # ...and the user is told so
    assert notice.severity == types.DiagnosticSeverity.Information
    assert "the setting `geminiLsp.maxFileSize`" in notice.message and "200" in notice.message
    assert "syntax" in notice.message and "credentials" in notice.message
    assert _key() not in " ".join(d.message for d in items)

    # a keystroke keeps it that way (the incremental path must honour the limit too)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=1, character=60), end=types.Position(line=1, character=60)),
            text="x")]))
    assert {d.code for d in await _pull(client)} == codes

    # raising the limit turns the schema checks on, and the notice goes away
    client.set_configuration({"maxFileSize": 1_000_000}, section="geminiLsp")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(50):
        items = await _pull(client)
        if "GL901" not in {d.code for d in items}:
            break
        await asyncio.sleep(0.1)
    codes = {d.code for d in items}
    assert "GL901" not in codes and {"GL101", "GL003", "GL201"} <= codes
