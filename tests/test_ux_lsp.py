"""What a careful user notices in the editor, through the real server and a real LSP client (VS Code's and Neovim's
recorded capabilities): the order and labels of model completions, the code actions offered for the kinds the client
asks for, and hovers worded in the file's own spelling."""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_env  # type: ignore[import-not-found]

URI = "file:///tmp/gemini-lsp-ux/request.gemini.json"
UNDOCUMENTED = ("gemini-4-argon", "gemini-4-carbon", "gemini-4-hydrogen", "gemini-4-neon")


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "gemini_lsp", "serve"], server_env=server_env()),
    params=["visual-studio-code", "neovim"],
)
async def client(request, lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities(request.param)))
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, text: str) -> str:
    """Open `text` with the cursor mark `|` removed; return the text."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=URI, language_id="gemini-json", version=1, text=text.replace("|", ""))))
    return text.replace("|", "")


def at(text: str, offset: int) -> types.Position:
    before = text[:offset]
    return types.Position(line=before.count("\n"), character=len(before) - (before.rfind("\n") + 1))


def cursor(text: str) -> types.Position:
    return at(text, text.index("|"))


async def complete(client: LanguageClient, marked: str) -> list[types.CompletionItem]:
    open_doc(client, marked)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=cursor(marked)))
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return sorted(items, key=lambda i: i.sort_text or i.label)


async def hover_text(client: LanguageClient, text: str, needle: str) -> str:
    open_doc(client, text)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=at(text, text.index(needle) + 1)))
    assert hover is not None
    contents = hover.contents
    assert isinstance(contents, types.MarkupContent)
    return contents.value


# -- 6. model completion: documented GA models first, undocumented names last and labelled ------------------------


async def test_model_completion_ranks_documented_models_first(client: LanguageClient):
    items = await complete(client, '{"model": "|", "contents": []}')
    labels = [i.label for i in items]
    assert labels[0] == "gemini-3.8-flash"
    for name in UNDOCUMENTED:
        assert name in labels
    first_undocumented = min(labels.index(n) for n in UNDOCUMENTED)
    for documented in ("gemini-3.8-flash", "gemini-3.7-flash", "gemini-3.5-flash", "gemini-3.1-pro-preview",
                       "gemini-flash-latest"):
        assert labels.index(documented) < first_undocumented, documented
    # generally available before previews before aliases
    assert labels.index("gemini-3.1-flash-lite") < labels.index("gemini-3.1-pro-preview")
    assert labels.index("gemini-3.1-pro-preview") < labels.index("gemini-flash-latest")
    # newest generally available first
    assert labels.index("gemini-3.8-flash") < labels.index("gemini-3.7-flash") < labels.index("gemini-3.5-flash")


async def test_undocumented_model_names_are_never_called_current(client: LanguageClient):
    items = await complete(client, '{"model": "|", "contents": []}')
    by_label = {i.label: i for i in items}
    for name in UNDOCUMENTED:
        item = by_label[name]
        words = " ".join(filter(None, [item.detail, item.label_details.description if item.label_details else None]))
        assert "undocumented" in words and "current" not in words, (name, words)
    flash = by_label["gemini-3.8-flash"]
    assert "current" in (flash.detail or "")


async def test_hover_on_an_undocumented_model_does_not_call_it_current(client: LanguageClient):
    value = await hover_text(client, '{"model": "models/gemini-4-argon", "contents": []}', "gemini-4-argon")
    assert "undocumented" in value
    assert "current" not in value
    documented = await hover_text(client, '{"model": "models/gemini-3.8-flash", "contents": []}', "gemini-3.8-flash")
    assert "current" in documented


# -- 7. the light bulb offers key-case rewrites only where they help -------------------------------------------------


async def code_action_titles(client: LanguageClient, text: str, only: list[str] | None = None,
                             with_diagnostics: bool = True) -> list[str]:
    open_doc(client, text)
    diagnostics: list[types.Diagnostic] = []
    if with_diagnostics:
        # the quick fixes come with the file's diagnostics, as the light bulb asks for them (pulled from the server)
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=URI)))
        diagnostics = list(getattr(report, "items", []))
    end = at(text, len(text))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        range=types.Range(start=types.Position(line=0, character=0), end=end),
        context=types.CodeActionContext(diagnostics=diagnostics, only=only,
                                        trigger_kind=types.CodeActionTriggerKind.Automatic)))
    return [a.title for a in actions or [] if isinstance(a, types.CodeAction)]


CAMEL_FILE = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}], "generationConfig": {"maxOutputTokens": 5}}'
SNAKE_FILE = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}], "generation_config": {"max_output_tokens": 5}}'
MIXED_FILE = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}], "generationConfig": {"max_output_tokens": 5}}'


async def test_light_bulb_on_a_camel_case_file_has_no_case_rewrite(client: LanguageClient):
    titles = await code_action_titles(client, CAMEL_FILE)
    assert any("model" in t for t in titles)  # the quick fix for role "assistant" is there...
    assert not [t for t in titles if t.startswith("Convert all keys")]  # ...and no key-case noise


async def test_light_bulb_on_a_snake_case_file_has_no_case_rewrite(client: LanguageClient):
    titles = await code_action_titles(client, SNAKE_FILE)
    assert not [t for t in titles if t.startswith("Convert all keys")]


async def test_light_bulb_on_a_mixed_file_offers_both_spellings(client: LanguageClient):
    titles = await code_action_titles(client, MIXED_FILE)
    assert "Convert all keys to camelCase" in titles and "Convert all keys to snake_case" in titles


async def test_quick_fix_request_never_gets_refactorings(client: LanguageClient):
    titles = await code_action_titles(client, MIXED_FILE, only=[types.CodeActionKind.QuickFix])
    assert titles and not [t for t in titles if t.startswith("Convert")]


async def test_refactor_menu_offers_the_rewrite_that_changes_something(client: LanguageClient):
    titles = await code_action_titles(client, CAMEL_FILE, only=[types.CodeActionKind.Refactor], with_diagnostics=False)
    assert titles == ["Convert all keys to snake_case"]


# -- 8. hovers in the file's spelling and in plain words --------------------------------------------------------------

COUNT_URI = "file:///tmp/gemini-lsp-ux/request.countTokens.gemini.json"


async def hover_at(client: LanguageClient, uri: str, text: str, needle: str) -> str:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="gemini-json", version=1, text=text)))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, text.index(needle) + 1)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def test_count_tokens_hover_speaks_camel_case_in_a_camel_case_file(client: LanguageClient):
    text = '{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"maxOutputTokens": 5}}'
    value = await hover_at(client, COUNT_URI, text, '"contents"')
    assert "generateContentRequest" in value
    assert "generate_content_request" not in value
    assert "One of" not in value and "group" not in value
    assert "either `contents` or `generateContentRequest`, not both" in value.replace("**", "")


async def test_count_tokens_hover_speaks_snake_case_in_a_snake_case_file(client: LanguageClient):
    text = '{"generate_content_request": {"contents": [], "generation_config": {"max_output_tokens": 5}}}'
    value = await hover_at(client, COUNT_URI, text, '"generate_content_request"')
    assert "generate_content_request" in value
    assert "generateContentRequest" not in value.split("Accepted spellings")[0]
    assert "either `contents` or `generate_content_request`, not both" in value.replace("**", "")


async def test_field_hover_description_uses_the_files_spelling(client: LanguageClient):
    camel = '{"contents": [], "generationConfig": {"responseMimeType": "application/json", "responseSchema": {}}}'
    value = await hover_at(client, URI, camel, '"responseSchema"')
    assert "response_mime_type" not in value and "responseMimeType" in value
    snake = '{"contents": [], "generation_config": {"response_mime_type": "application/json", "response_schema": {}}}'
    value = await hover_at(client, URI, snake, '"response_schema"')
    assert "responseMimeType" not in value.split("Accepted spellings")[0] and "response_mime_type" in value


# -- 5. a cut-off file: one finding at its end, one fix that closes everything ----------------------------------------

CUT = '{\n  "contents": [\n    {"role": "user", "parts": [{"text": "hi'


async def pulled(client: LanguageClient) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=URI)))
    return list(getattr(report, "items", []))


def apply(text: str, edit: types.WorkspaceEdit) -> str:
    edits = []
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        edits.extend(change.edits)
    for e in (edit.changes or {}).get(URI, []):
        edits.append(e)
    lines = text.split("\n")

    def off(p: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    for e in sorted(edits, key=lambda e: off(e.range.start), reverse=True):
        text = text[: off(e.range.start)] + e.new_text + text[off(e.range.end):]
    return text


async def test_a_cut_off_file_gets_one_error_at_its_end_and_one_fix(client: LanguageClient):
    open_doc(client, CUT)
    diagnostics = await pulled(client)
    errors = [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert [d.code for d in errors] == ["GL004"]
    [error] = errors
    assert error.range.end == at(CUT, len(CUT))
    assert "left open" in error.message and "a string" in error.message
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=error.range,
        context=types.CodeActionContext(diagnostics=[error], only=[types.CodeActionKind.QuickFix])))
    [close] = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Close")]
    assert close.edit is not None
    fixed = apply(CUT, close.edit)
    assert fixed == CUT + '"}]}]}'


async def test_cutting_a_file_while_editing_reports_the_same_as_opening_it(client: LanguageClient):
    whole = CUT + '"}]}]}'
    open_doc(client, whole)
    assert [d.code for d in await pulled(client) if d.severity == types.DiagnosticSeverity.Error] == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=at(whole, len(CUT)), end=at(whole, len(whole))), text="")]))
    after_edit = await pulled(client)
    assert [d.code for d in after_edit if d.severity == types.DiagnosticSeverity.Error] == ["GL004"]
    [error] = [d for d in after_edit if d.code == "GL004"]
    assert error.range.end == at(CUT, len(CUT))
