"""End to end over stdio: the real server with the VS Code (pull) and Neovim (push) capability profiles."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_command, server_env

URI = "file:///work/story.gemini.json"
BAD = '{"content": [{"parts": [{"text": "hi"}]}]}'
GOOD = '{"contents": [{"parts": [{"text": "hi"}]}]}'

CONFIG = ClientServerConfig(server_command=server_command(), server_env=server_env())


def _open(client: LanguageClient, text: str, uri: str = URI, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="gemini-json", version=version, text=text)
        )
    )


def _change(client: LanguageClient, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


async def _pull(client: LanguageClient, uri: str = URI) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert report.kind == "full"
    return list(report.items)


async def _next_push(client: LanguageClient, uri: str = URI, version: int | None = None) -> list[types.Diagnostic]:
    for _ in range(50):
        params = await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
        if params.uri == uri and (version is None or params.version == version):
            return list(params.diagnostics)
    raise AssertionError("no diagnostics published")


# -- VS Code profile: pull diagnostics, settings pulled with workspace/configuration ----------------------------------


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: LanguageClient):
    lsp_client.set_configuration({}, section="geminiLsp")
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    yield
    await lsp_client.shutdown_session()


async def test_vscode_pulls_diagnostics_and_never_gets_pushes(vscode: LanguageClient):
    _open(vscode, BAD)
    items = await _pull(vscode)
    assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in items] == [
        ("GL101", 0, 1, 10)
    ]
    diagnostic = items[0]
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.source == "gemini-lsp"
    assert 'Unknown name "content"' in diagnostic.message and "contents" in diagnostic.message
    assert diagnostic.code_description is not None and diagnostic.code_description.href.endswith("#gl101-unknown-field")
    assert diagnostic.data["pointer"] == "/content"
    with pytest.raises(asyncio.TimeoutError):  # nothing is pushed to a pull client (VS Code would show it twice)
        await asyncio.wait_for(vscode.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 0.6)


async def test_vscode_edit_then_pull_sees_the_fix(vscode: LanguageClient):
    _open(vscode, BAD)
    assert len(await _pull(vscode)) == 1
    _change(vscode, 2, (0, 9), (0, 9), "s")  # "content" -> "contents"
    assert await _pull(vscode) == []


async def test_settings_change_applies_live(vscode: LanguageClient):
    text = '{"contents": [{"parts": [{"text": "hi"}]}], "systemInstruction": {"parts": [{"text": "be brief"}]}}'
    _open(vscode, text)
    assert await _pull(vscode) == []
    vscode.set_configuration({"apiVersion": "v1"}, section="geminiLsp")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(50):
        items = await _pull(vscode)
        if items:
            break
        await asyncio.sleep(0.1)
    assert [(d.code, d.data["pointer"]) for d in items] == [("GL101", "/systemInstruction")]


async def test_severity_override_setting(vscode: LanguageClient):
    vscode.set_configuration({"severity": {"unknown-field": "warning"}}, section="geminiLsp")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    _open(vscode, BAD)
    items = await _pull(vscode)
    assert [(d.code, d.severity) for d in items] == [("GL101", types.DiagnosticSeverity.Warning)]


async def test_utf16_columns_after_emoji(vscode: LanguageClient):
    text = '{"contents": [{"parts": [{"text": "😀😀 é"}]}], "tempo": 1}'
    _open(vscode, text)
    [diagnostic] = await _pull(vscode)
    # "tempo" starts at str offset 45; the two emoji before it take 2 UTF-16 units each
    assert diagnostic.range.start.character == text.index('"tempo"') + 2
    assert diagnostic.range.end.character == text.index('"tempo"') + 2 + len('"tempo"')


async def test_document_context_request(vscode: LanguageClient):
    _open(vscode, '{"model": "models/gemini-3.8-flash", "contents": []}', uri="file:///w/a.countTokens.gemini.json")
    result = await vscode.protocol.send_request_async(
        "geminiLsp/documentContext", {"uri": "file:///w/a.countTokens.gemini.json"}
    )
    result = result if isinstance(result, dict) else result._asdict()
    assert result["api"] == "gemini" and result["apiVersion"] == "v1beta"
    assert result["method"] == "countTokens"
    assert result["model"] == "gemini-3.8-flash" and result["modelSource"] == "body"


async def test_broken_document_keeps_answering(vscode: LanguageClient):
    _open(vscode, '{"contents": [{"parts": [{"text": "hi}]}], "generationConfig": {')
    items = await _pull(vscode)
    assert items and all(d.code.startswith("GL0") for d in items)
    _open(vscode, "\x00\x01binary\xff", uri="file:///w/bin.gemini.json")
    assert await _pull(vscode, "file:///w/bin.gemini.json")


# -- Neovim 0.9 profile (no pull diagnostics before 0.10): push diagnostics with versions -----------------------------


@pytest_lsp.fixture(config=CONFIG)
async def neovim(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("neovim@v0.9.1"))
    )
    yield
    await lsp_client.shutdown_session()


async def test_neovim_gets_pushed_diagnostics_with_version(neovim: LanguageClient):
    _open(neovim, BAD)
    items = await _next_push(neovim, version=1)
    assert [(d.code, d.data["pointer"]) for d in items] == [("GL101", "/content")]
    _change(neovim, 2, (0, 9), (0, 9), "s")
    assert await _next_push(neovim, version=2) == []


async def test_neovim_close_clears_diagnostics(neovim: LanguageClient):
    _open(neovim, BAD)
    await _next_push(neovim, version=1)
    neovim.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert await _next_push(neovim) == []


@pytest_lsp.fixture(config=CONFIG)
async def neovim_011(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim")))
    yield
    await lsp_client.shutdown_session()


async def test_neovim_011_pulls(neovim_011: LanguageClient):
    _open(neovim_011, BAD)
    assert [d.code for d in await _pull(neovim_011)] == ["GL101"]
