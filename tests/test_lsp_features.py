"""End to end: completion, hover, code actions, symbols, folding and selection against the real server process, with
the recorded capability profiles of VS Code and Neovim."""

from __future__ import annotations

import asyncio
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_env  # type: ignore[import-not-found]

URI = "file:///tmp/gemini-lsp-e2e/request.gemini.json"
CLIENTS = ["visual-studio-code", "neovim"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=server_env()),
    params=CLIENTS,
)
async def client(request, lsp_client: LanguageClient):
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        client_info=types.ClientInfo(name=request.param),
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.server_capabilities_for_test = result.capabilities  # type: ignore[attr-defined]
    lsp_client.capabilities_for_test = params.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, text: str, version: int = 1, uri: str = URI) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="gemini-json", version=version, text=text)
        )
    )


def position(text: str, offset: int) -> types.Position:
    before = text[:offset]
    line = before.count("\n")
    return types.Position(line=line, character=len(before) - (before.rfind("\n") + 1))


def apply_text_edits(text: str, edits) -> str:
    def off(p: types.Position) -> int:
        lines = text.split("\n")
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    spans = sorted(((off(e.range.start), off(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit) -> list[types.TextEdit]:
    if edit.document_changes:
        out = []
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == URI
            out.extend(change.edits)
        return out
    assert edit.changes is not None
    return list(edit.changes[URI])


async def current_diagnostics(client: LanguageClient) -> list[types.Diagnostic]:
    """Pulled when the client supports pull diagnostics (Neovim 0.11), else the pushed ones (VS Code 1.65)."""
    caps = client.capabilities_for_test  # type: ignore[attr-defined]
    if caps.text_document is not None and caps.text_document.diagnostic is not None:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
    return list(client.diagnostics[URI])


async def test_capabilities(client: LanguageClient):
    caps = client.server_capabilities_for_test  # type: ignore[attr-defined]
    assert caps.completion_provider is not None
    assert set(caps.completion_provider.trigger_characters) >= {'"', ":"}
    assert caps.hover_provider
    assert caps.document_symbol_provider
    assert caps.folding_range_provider
    assert caps.selection_range_provider
    kinds = caps.code_action_provider.code_action_kinds
    assert {"quickfix", "source.fixAll.gemini", "refactor.rewrite.gemini.camelCase",
            "refactor.rewrite.gemini.snakeCase", "refactor.rewrite.gemini.strictJson"} <= set(kinds)


async def test_completion_of_keys_and_models(client: LanguageClient):
    text = '{\n  "model": "",\n  \n}'
    open_doc(client, text)
    key_pos = position(text, text.index("\n  \n") + 3)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=key_pos)
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    contents = next(i for i in items if i.label == "contents")
    assert contents.insert_text_format == types.InsertTextFormat.Snippet
    assert apply_text_edits(text, [contents.text_edit]) == (
        '{\n  "model": "",\n  "contents": [{"role": "${1|user,model|}", "parts": [{"text": "$2"}]}]\n}'
    )
    assert "model" not in [i.label for i in items]

    model_pos = position(text, text.index('""') + 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=model_pos,
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
                                            trigger_character='"'),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    flash = next(i for i in items if i.label == "gemini-3.8-flash")
    assert apply_text_edits(text, [flash.text_edit]).startswith('{\n  "model": "models/gemini-3.8-flash",')
    assert "1,048,576" in (flash.detail or "")


async def test_hover_on_key_enum_and_model(client: LanguageClient):
    text = (
        '{"model": "models/gemini-3.8-flash", "contents": [{"role": "user", "parts": [{"text": "hi"}]}],\n'
        ' "generationConfig": {"temperature": 0.5, "thinkingConfig": {"thinkingLevel": "HIGH"}}}'
    )
    open_doc(client, text)

    async def hover_text(needle: str) -> str:
        h = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI),
                              position=position(text, text.index(needle) + 2))
        )
        assert h is not None
        assert isinstance(h.contents, types.MarkupContent)
        assert h.contents.kind == types.MarkupKind.Markdown
        return h.contents.value

    assert "Controls the randomness of the output." in await hover_text('"temperature"')
    assert "High thinking level." in await hover_text('"HIGH"')
    assert "Gemini 3.8 Flash" in await hover_text("gemini-3.8-flash")


async def test_quick_fix_from_published_diagnostics(client: LanguageClient):
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    open_doc(client, text, version=3)
    diagnostics = await current_diagnostics(client)
    role = next(d for d in diagnostics if d.code == "GL112")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=role.range,
            context=types.CodeActionContext(diagnostics=[role]),
        )
    )
    assert actions
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix)
    assert fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == "GL112"
    assert apply_text_edits(text, edits_of(fix.edit)) == '{"contents": [{"role": "model", "parts": [{"text": "hi"}]}]}'


async def test_fix_all_and_refactorings(client: LanguageClient):
    text = "{'contents': [{\"role\": \"assistant\", \"parts\": [{\"text\": \"hi\"}]}], \"generation_config\": {},}"
    open_doc(client, text, version=5)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    by_kind = {a.kind: a for a in actions if isinstance(a, types.CodeAction)}
    assert set(by_kind) >= {"source.fixAll.gemini", "refactor.rewrite.gemini.strictJson"}
    refactors = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["refactor"]),
        )
    )
    by_kind.update({a.kind: a for a in refactors if isinstance(a, types.CodeAction)})
    fixed = apply_text_edits(text, edits_of(by_kind["source.fixAll.gemini"].edit))
    assert '"role": "model"' in fixed
    strict = apply_text_edits(text, edits_of(by_kind["refactor.rewrite.gemini.strictJson"].edit))
    assert strict == '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}], "generation_config": {}}'
    camel = apply_text_edits(text, edits_of(by_kind["refactor.rewrite.gemini.camelCase"].edit))
    assert '"generationConfig": {}' in camel

    only = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in only] == ["source.fixAll.gemini"]


async def test_symbols_folding_and_selection(client: LanguageClient):
    text = (
        "{\n"
        '  "contents": [\n'
        '    {"role": "user", "parts": [{"text": "Summarise the news"}]}\n'
        "  ],\n"
        '  "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "Weather"}]}]\n'
        "}"
    )
    open_doc(client, text)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert result and isinstance(result[0], types.DocumentSymbol)
    names = [s.name for s in result]
    assert names == ["contents", "tools"]
    assert result[0].children[0].name == 'contents[0] · user · "Summarise the news"'
    assert result[1].children[0].children[0].name == "get_weather"

    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert [(f.start_line, f.end_line) for f in folds] == [(0, 4), (1, 2)]

    ranges = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=types.TextDocumentIdentifier(uri=URI),
                                   positions=[position(text, text.index("get_weather") + 1)])
    )
    assert ranges and ranges[0].parent is not None


async def test_handlers_never_fail_on_garbage(client: LanguageClient):
    text = '\x00{"a": [}}} "\ud83d\ude00 {{{'
    open_doc(client, text)
    pos = types.Position(line=0, character=5)
    doc = types.TextDocumentIdentifier(uri=URI)
    await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=pos))
    await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos))
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc))
    await client.text_document_code_action_async(
        types.CodeActionParams(text_document=doc, range=types.Range(start=pos, end=pos),
                               context=types.CodeActionContext(diagnostics=[]))
    )
    errors = [m for m in client.log_messages if m.type == types.MessageType.Error]
    assert errors == []


@pytest.mark.parametrize("unknown", ["file:///tmp/not-open.gemini.json"])
async def test_requests_for_unopened_documents_return_nothing(client: LanguageClient, unknown: str):
    doc = types.TextDocumentIdentifier(uri=unknown)
    pos = types.Position(line=0, character=0)
    result = await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=pos))
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    assert list(items) == []
    assert await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos)) is None


# --- a client that supports nothing optional: plain text, flat symbols, commands instead of code action literals ---


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=server_env()),
)
async def bare_client(lsp_client: LanguageClient):
    lsp_client.applied_edits = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        lsp_client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def test_bare_client_gets_plain_text_flat_symbols_and_commands(bare_client: LanguageClient):
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}], }'
    open_doc(bare_client, text, version=2)
    doc = types.TextDocumentIdentifier(uri=URI)

    result = await bare_client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=position(text, len(text) - 1))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    config = next(i for i in items if i.label == "generationConfig")
    assert config.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(config.documentation, (str, type(None)))
    assert apply_text_edits(text, [config.text_edit]).endswith(', "generationConfig": {}}')

    h = await bare_client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=position(text, text.index('"role"') + 2))
    )
    assert h is not None and h.contents.kind == types.MarkupKind.PlainText

    symbols = await bare_client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    assert symbols and all(isinstance(s, types.SymbolInformation) for s in symbols)

    actions = await bare_client.text_document_code_action_async(
        types.CodeActionParams(text_document=doc, range=types.Range(start=position(text, 0), end=position(text, 0)),
                               context=types.CodeActionContext(diagnostics=[]))
    )
    assert actions and all(isinstance(a, types.Command) for a in actions)
    fix_all = next(a for a in actions if a.title == "Fix all safe problems in this file")
    assert fix_all.command == "geminiLsp.applyEdit"
    await bare_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=fix_all.command, arguments=fix_all.arguments)
    )
    (edit,) = bare_client.applied_edits  # type: ignore[attr-defined]
    assert apply_text_edits(text, edits_of(edit)) == '{"contents": [{"role": "model", "parts": [{"text": "hi"}]}] }'
