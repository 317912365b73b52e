"""Sending from the editor through the language server, with a real LSP client (pytest-lsp) against the stand-in
API on 127.0.0.1: code lenses, the send command with work-done progress and cancel, a 400 becoming `gemini-api`
diagnostics at the right ranges (dropped when the text under them changes), streaming notifications, "Save as test
case", and an untrusted workspace. The key is only in the server process's environment and appears nowhere."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_env
from standin_api import CASES, StandIn
from test_secrets import assert_no_key, fake_key

KEY = fake_key(1414)
URI = "file:///tmp/gemini-lsp-send/request.gemini.json"
STANDIN = StandIn(KEY)
STANDIN.thread.start()


def _env() -> dict[str, str]:
    env = server_env()
    env.pop("GOOGLE_API_KEY", None)
    env["GEMINI_API_KEY"] = KEY
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


class Seen:
    """Everything the server sent, to search for the key."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.chunks: list[str] = []


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=_env()),
    params=["visual-studio-code", "neovim"],
)
async def client(request, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    seen = Seen()
    lsp_client.seen = seen  # type: ignore[attr-defined]

    @lsp_client.feature("geminiLsp/answerProgress")
    def on_answer(params: Any) -> None:
        seen.items.append(params)
        seen.chunks.append(params.text if hasattr(params, "text") else params["text"])

    trusted = not getattr(request, "param", "").endswith("untrusted")
    caps = client_capabilities(request.param)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, client_info=types.ClientInfo(name=request.param),
        initialization_options={"send": {"baseUrl": STANDIN.base_url, "trusted": trusted}}))
    lsp_client.capabilities_for_test = caps  # type: ignore[attr-defined]
    yield
    seen.items.extend(lsp_client.log_messages)
    seen.items.extend(lsp_client.diagnostics.values())
    seen.items.extend(lsp_client.progress_reports.values())
    assert_no_key(KEY, *seen.items)
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="gemini-json", version=version, text=text)))


async def api_diagnostics(client: LanguageClient, count: int | None = None) -> list[types.Diagnostic]:
    caps = client.capabilities_for_test  # type: ignore[attr-defined]
    for _ in range(100):
        if caps.text_document is not None and caps.text_document.diagnostic is not None:
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI)))
            items = list(report.items) if isinstance(report, types.RelatedFullDocumentDiagnosticReport) else []
        else:
            items = list(client.diagnostics.get(URI, []))
        mine = [d for d in items if d.source == "gemini-api"]
        if count is None or len(mine) == count:
            return mine
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {count} gemini-api diagnostics, have {len(mine)}")


async def execute(client: LanguageClient, command: str, arg: dict[str, Any]) -> Any:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[arg]))
    client.seen.items.append(result)  # type: ignore[attr-defined]
    return result


def _text(case_id: str) -> str:
    body = json.loads(CASES[case_id]["request"])
    return json.dumps({"model": f"case-{case_id}", **body}, indent=2)


def _get(result: Any, name: str) -> Any:
    return result[name] if isinstance(result, dict) else getattr(result, name)


async def test_lenses_send_and_diagnostics_at_the_mapped_fields(client: LanguageClient, tmp_path: Path) -> None:
    text = _text("map-entries-by-position")
    open_doc(client, text)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert [lens.command.title for lens in lenses] == ["$(play) Send", "Stream", "Count tokens"]
    assert lenses[0].command.command == "geminiLsp.send"
    result = await execute(client, "geminiLsp.send", lenses[0].command.arguments[0])
    assert _get(result, "status") == 400 and _get(result, "diagnostics") == 5 and _get(result, "attempts") == 1
    diagnostics = await api_diagnostics(client, 5)
    lines = text.splitlines()
    for d, name in zip(sorted(diagnostics, key=lambda d: d.range.start.line),
                       ("deal_type", "discount", "valid_until", "coupon", "notes")):
        line = lines[d.range.start.line]
        assert line[d.range.start.character:d.range.end.character] == '"type"'
        assert f'"{name}"' in lines[d.range.start.line - 1]
        assert d.code == "INVALID_ARGUMENT" and "Proto field is not repeating" in d.message

    # editing the key under one of them drops that one only; an edit elsewhere keeps (and moves) the others
    first = sorted(diagnostics, key=lambda d: d.range.start.line)[0]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(range=types.Range(
            start=types.Position(first.range.start.line, first.range.start.character + 1),
            end=types.Position(first.range.start.line, first.range.start.character + 5)), text="kind"),
            types.TextDocumentContentChangePartial(range=types.Range(
                start=types.Position(0, 0), end=types.Position(0, 0)), text="\n")]))
    remaining = await api_diagnostics(client, 4)
    assert all(d.range.start.line >= first.range.start.line + 1 for d in remaining)

    # the quick fix saves request and answer
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=remaining[0].range,
        context=types.CodeActionContext(diagnostics=remaining)))
    save = next(a for a in actions if a.title.startswith("Save as test case"))
    if isinstance(save, types.Command) and save.command.startswith("{"):
        # pygls' client reads Command | CodeAction as a Command and stringifies the nested command (the wire
        # carries a proper CodeAction): read it back
        command = ast.literal_eval(save.command)
    else:
        nested = save.command
        command = {"command": nested.command, "arguments": nested.arguments}
    assert command["command"] == "geminiLsp.saveTestCase", save
    saved = await execute(client, command["command"], {**command["arguments"][0], "folder": str(tmp_path)})
    answer = json.loads(Path(_get(saved, "answer")).read_text(encoding="utf-8"))
    assert answer["status"] == 400 and Path(_get(saved, "request")).read_text(encoding="utf-8") == text
    assert_no_key(KEY, [p.read_text(encoding="utf-8") for p in tmp_path.iterdir()])


async def test_stream_notifications_and_success_clears(client: LanguageClient) -> None:
    open_doc(client, json.dumps({"model": "slowstream-a", "contents": [{"role": "user", "parts": [{"text": "hi"}]}]}))
    result = await execute(client, "geminiLsp.send", {"uri": URI, "mode": "stream"})
    assert _get(result, "ok") and _get(result, "text") == "Hello from the stand-in."
    assert "".join(client.seen.chunks) == "Hello from the stand-in."  # type: ignore[attr-defined]
    assert await api_diagnostics(client) == []
    count = await execute(client, "geminiLsp.send", {"uri": URI, "mode": "countTokens"})
    assert _get(count, "status") == 200 and _get(count, "url").endswith(":countTokens")


async def test_a_bad_key_is_not_a_problem_in_the_file(client: LanguageClient) -> None:
    open_doc(client, _text("api-key-invalid-no-place"))
    result = await execute(client, "geminiLsp.send", {"uri": URI, "mode": "send"})
    assert _get(result, "status") == 400 and _get(result, "diagnostics") == 0
    assert "API key not valid" in json.dumps(_get(result, "response"))
    assert await api_diagnostics(client) == []


async def test_a_later_success_clears_the_api_diagnostics(client: LanguageClient) -> None:
    text = _text("semantic-map-by-key-missing")
    open_doc(client, text)
    result = await execute(client, "geminiLsp.send", {"uri": URI, "mode": "send"})
    assert _get(result, "diagnostics") == 1
    [d] = await api_diagnostics(client, 1)
    assert text.splitlines()[d.range.start.line][d.range.start.character:d.range.end.character] == '"time_ranges"'
    # another model (the stand-in then answers 200): an edit elsewhere keeps the API's diagnostic...
    line = next(i for i, t in enumerate(text.splitlines()) if '"model"' in t)
    old = text.splitlines()[line]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(range=types.Range(
            start=types.Position(line, 0), end=types.Position(line, len(old))), text='  "model": "gemini-3.8-flash",')]))
    await asyncio.sleep(0.5)
    assert len(await api_diagnostics(client, 1)) == 1
    # ...and a successful answer clears it
    counted = await execute(client, "geminiLsp.send", {"uri": URI, "mode": "countTokens"})
    assert _get(counted, "status") == 200
    assert await api_diagnostics(client, 0) == []


async def test_cancel_stops_the_request(client: LanguageClient) -> None:
    open_doc(client, json.dumps({"model": "hang-a", "contents": [{"role": "user", "parts": [{"text": "hi"}]}]}))
    caps = client.capabilities_for_test  # type: ignore[attr-defined]
    pending = asyncio.ensure_future(execute(client, "geminiLsp.send", {"uri": URI, "mode": "send"}))
    if caps.window is not None and caps.window.work_done_progress:
        for _ in range(100):
            if client.progress_reports:
                break
            await asyncio.sleep(0.05)
        [token] = list(client.progress_reports)
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(pending, 10)
        assert _get(result, "cancelled") is True
    else:  # a client without progress cancels the request itself
        await asyncio.sleep(0.5)
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=_env()),
    params=["visual-studio-code@untrusted"],
)
async def untrusted(request, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"send": {"baseUrl": STANDIN.base_url, "trusted": False}}))
    yield
    await lsp_client.shutdown_session()


async def test_untrusted_workspace_sends_nothing(untrusted: LanguageClient) -> None:
    before = len(STANDIN.requests)
    open_doc(untrusted, json.dumps({"model": "gemini-3.5-flash", "contents": []}))
    lenses = await untrusted.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert not lenses
    result = await untrusted.workspace_execute_command_async(
        types.ExecuteCommandParams(command="geminiLsp.send", arguments=[{"uri": URI, "mode": "send"}]))
    assert "untrusted" in _get(result, "error") and len(STANDIN.requests) == before


def test_no_key_in_any_request_url() -> None:
    for request in STANDIN.requests:
        assert "key=" not in request["query"]
