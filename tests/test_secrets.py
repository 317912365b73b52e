"""An API key pasted into a request file never leaves it: not in a log line (stderr or window/logMessage), a
diagnostic, a hover, a code action title or the CLI's output in any format; and the server opens no network
connection at all (checked with an audit hook in the server process)."""

from __future__ import annotations

import asyncio
import json
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from conftest import ROOT, server_env
from gemini_lsp.positions import LineIndex

KEY_ALPHABET = string.ascii_letters + string.digits + "_-"


def fake_key(seed: int) -> str:
    """A key of the real shape ("AIza" + 35 characters), made up at run time so no key sits in the repository."""
    rng = random.Random(seed)
    return "AIza" + "".join(rng.choice(KEY_ALPHABET) for _ in range(35))


def documents(key: str) -> dict[str, str]:
    """The key in every place a user might paste it."""
    return {
        "text.gemini.json": json.dumps({"contents": [{"role": "user", "parts": [{"text": f"my key is {key} ok"}]}]},
                                       indent=2),
        "url.gemini.json": json.dumps({"contents": [{"parts": [{"fileData": {
            "mimeType": "application/pdf",
            "fileUri": f"https://generativelanguage.googleapis.com/v1beta/files/abc?key={key}"}}]}]}, indent=2),
        "as-key.gemini.json": '{\n  "contents": [{"parts": [{"text": "hi"}]}],\n  "' + key + '": true\n}\n',
        "in-unknown-field.gemini.json": json.dumps({"contents": [{"parts": [{"text": "hi"}]}], "apiKey": key}),
        "model.gemini.json": json.dumps({"model": key, "contents": [{"parts": [{"text": "hi"}]}]}),
        "enum.gemini.json": json.dumps({"contents": [{"role": key, "parts": [{"text": "hi"}]}],
                                        "safetySettings": [{"category": key, "threshold": key}]}),
        "number.gemini.json": '{"generationConfig": {"temperature": "' + key + '"}, "contents": []}',
        "comment.gemini.json": '{\n  // key: ' + key + '\n  "contents": [{"parts": [{"text": "hi"}]}]\n}\n',
        "broken.gemini.json": '{"contents": [{"parts": [{"text": "' + key + '\n}',
        "bytes.gemini.json": json.dumps({"contents": [{"parts": [{"inlineData": {
            "mimeType": "image/png", "data": key + "!"}}]}]}),
        "system.gemini.json": json.dumps({"systemInstruction": {"parts": [{"text": key}]},
                                          "contents": [{"parts": [{"text": "hi"}]}]}),
        "schema.gemini.json": json.dumps({"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {
            "responseMimeType": "application/json", "responseSchema": {"type": key, "enum": [key]}}}),
    }


def _strings(obj: object) -> list[str]:
    out: list[str] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "__attrs_attrs__"):
            stack.extend(getattr(item, a.name) for a in item.__attrs_attrs__)  # type: ignore[attr-defined]
    return out


def assert_no_key(key: str, *outputs: object) -> None:
    for output in outputs:
        for text in _strings(output):
            assert key not in text, f"the key leaked: {text[:200]!r}"


# -- CLI ------------------------------------------------------------------------------------------------------------




@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_cli_output_never_contains_the_key(tmp_path: Path, fmt: str) -> None:
    key = fake_key(1)
    for name, text in documents(key).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", str(tmp_path), "--format", fmt],
        capture_output=True, text=True, env=server_env(), cwd=ROOT, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "GL201" in result.stdout  # the key is found...
    assert key not in result.stdout and key not in result.stderr  # ...and never printed


# -- the server -----------------------------------------------------------------------------------------------------

AUDIT_WRAPPER = r'''
import sys
events_file = sys.argv[1]
NETWORK = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
           "socket.sendmsg", "socket.bind", "urllib.Request", "http.client.connect", "ftplib.connect",
           "smtplib.connect", "webbrowser.open")

def hook(event, args):
    if event in NETWORK:
        with open(events_file, "a", encoding="utf-8") as f:
            f.write(f"{event} {args!r}\n")

sys.addaudithook(hook)
from gemini_lsp.cli import main
sys.exit(main(["serve"]))
'''


def test_the_audit_wrapper_sees_a_connection(tmp_path: Path) -> None:
    """The hook works: a connect attempt in the same kind of process is recorded."""
    events = tmp_path / "events.txt"
    probe = AUDIT_WRAPPER.replace('from gemini_lsp.cli import main\nsys.exit(main(["serve"]))',
                                  'import socket\ntry:\n    socket.create_connection(("127.0.0.1", 9), timeout=1)\n'
                                  'except OSError:\n    pass\n')
    script = tmp_path / "probe.py"
    script.write_text(probe, encoding="utf-8")
    subprocess.run([sys.executable, str(script), str(events)], env=server_env(), timeout=60, check=True)
    assert "socket.connect" in events.read_text(encoding="utf-8")


async def test_server_session_leaks_no_key_and_opens_no_connection(tmp_path: Path) -> None:
    key = fake_key(2)
    events = tmp_path / "network-events.txt"
    wrapper = tmp_path / "serve_audited.py"
    wrapper.write_text(AUDIT_WRAPPER, encoding="utf-8")
    client = LanguageClient("secrets-test", "1")
    log_messages: list[str] = []
    published: list[object] = []

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        log_messages.append(params.message)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_show(params: types.ShowMessageParams) -> None:
        log_messages.append(params.message)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params: types.ConfigurationParams) -> list[object]:
        return [{"debounceMs": 0} for _ in params.items]

    env = server_env()
    env["PYTHONUNBUFFERED"] = "1"
    await client.start_io(sys.executable, str(wrapper), str(events), env=env, cwd=str(tmp_path))
    proc = client._server  # noqa: SLF001
    assert proc is not None and proc.stderr is not None
    stderr_chunks: list[bytes] = []

    async def drain() -> None:
        while chunk := await proc.stderr.read(65536):  # type: ignore[union-attr]
            stderr_chunks.append(chunk)

    drainer = asyncio.create_task(drain())
    caps = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(snippet_support=True)),
            code_action=types.CodeActionClientCapabilities(code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.QuickFix,
                                                                              types.CodeActionKind.Source]))),
        ),
        workspace=types.WorkspaceClientCapabilities(configuration=True),
    )
    outputs: list[object] = []
    try:
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(capabilities=caps)), 60)
        client.initialized(types.InitializedParams())
        for n, (name, text) in enumerate(documents(key).items()):
            uri = f"file:///secrets/{name}"
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)))
            index = LineIndex(text)
            at = text.find(key) if key in text else len(text) // 2
            line, character = index.position(at + 3)
            position = types.Position(line=line, character=character)
            end = types.Position(line=line, character=character + 1)
            # a keystroke next to the key, then everything an editor asks for
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=end, end=end), text="")]))
            ident = types.TextDocumentIdentifier(uri=uri)
            for _ in range(100):
                if any(getattr(p, "uri", None) == uri for p in published):
                    break
                await asyncio.sleep(0.05)
            diagnostics = [d for p in published if p.uri == uri for d in p.diagnostics]  # type: ignore[attr-defined]
            outputs.append(diagnostics)
            outputs.append(await client.text_document_hover_async(types.HoverParams(text_document=ident,
                                                                                   position=position)))
            outputs.append(await client.text_document_completion_async(types.CompletionParams(text_document=ident,
                                                                                             position=position)))
            outputs.append(await client.text_document_code_action_async(types.CodeActionParams(
                text_document=ident, range=types.Range(start=types.Position(line=0, character=0), end=position),
                context=types.CodeActionContext(diagnostics=diagnostics))))
            outputs.append(await client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=ident)))
            if n == 0:
                assert any(d.code == "GL201" for d in diagnostics), "the key must be reported"
        await asyncio.wait_for(client.shutdown_async(None), 30)
        client.exit(None)
    finally:
        try:
            await asyncio.wait_for(client.stop(), 30)
        except (OSError, RuntimeError, asyncio.TimeoutError):  # the server may already be gone: kill what is left
            if proc.returncode is None:
                proc.kill()
        await asyncio.wait_for(drainer, 30)
    stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
    diagnostic_messages = [d.message for p in published for d in p.diagnostics]  # type: ignore[attr-defined]
    assert_no_key(key, log_messages, stderr, diagnostic_messages)
    # hovers, completions and code actions answer about the document, never by quoting the key (hover shows docs)
    assert_no_key(key, [o for o in outputs if not isinstance(o, list) or not o or
                        not isinstance(o[0], (types.DocumentSymbol, types.SymbolInformation))])
    network = events.read_text(encoding="utf-8") if events.exists() else ""
    assert network == "", f"the server tried to use the network:\n{network}"
