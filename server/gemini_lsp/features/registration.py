"""Registers the editing features (completion, hover, code actions, symbols, folding, selection) on the server.

Thin glue: each handler reads the document state, converts the LSP position to a str offset, calls the pure
feature function and returns its result. A handler never raises to the client: an error is logged and an empty
result returned. Completion and hover use only the parse tree (`state.doc`), never the validation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types

from ..lazy_import import lazy
from .capabilities import CODE_ACTION_KINDS, TRIGGER_CHARACTERS

if TYPE_CHECKING:
    from ..server import DocumentState, GeminiLanguageServer
    from .code_actions import CodeActionSupport, code_actions
    from .completion import CompletionSupport, complete
    from .hover import HoverSupport, hover
    from .symbols import document_symbols, folding_ranges, selection_ranges
else:  # imported on first use, after `initialize` has been answered (issue 13)
    CodeActionSupport = lazy("gemini_lsp.features.code_actions", "CodeActionSupport")
    code_actions = lazy("gemini_lsp.features.code_actions", "code_actions")
    CompletionSupport = lazy("gemini_lsp.features.completion", "CompletionSupport")
    complete = lazy("gemini_lsp.features.completion", "complete")
    HoverSupport = lazy("gemini_lsp.features.hover", "HoverSupport")
    hover = lazy("gemini_lsp.features.hover", "hover")
    document_symbols = lazy("gemini_lsp.features.symbols", "document_symbols")
    folding_ranges = lazy("gemini_lsp.features.symbols", "folding_ranges")
    selection_ranges = lazy("gemini_lsp.features.symbols", "selection_ranges")

__all__ = ["APPLY_EDIT_COMMAND", "register"]

log = logging.getLogger("gemini_lsp")
T = TypeVar("T")

#: For clients without CodeAction literal support: a command that applies an action's edit.
APPLY_EDIT_COMMAND = "geminiLsp.applyEdit"


def _caps(ls: GeminiLanguageServer) -> types.ClientCapabilities | None:
    try:
        return ls.client_capabilities
    except AttributeError:  # pygls sets it at initialize
        return None


def completion_support(ls: GeminiLanguageServer) -> CompletionSupport:
    caps = _caps(ls)
    item = None
    if caps is not None and caps.text_document is not None and caps.text_document.completion is not None:
        item = caps.text_document.completion.completion_item
    markdown = bool(item and item.documentation_format and types.MarkupKind.Markdown in item.documentation_format)
    tags = bool(item and item.tag_support and types.CompletionItemTag.Deprecated in item.tag_support.value_set)
    return CompletionSupport(snippets=ls.client.snippets, markdown=markdown, deprecated_tag=tags)


def code_action_support(ls: GeminiLanguageServer) -> CodeActionSupport:
    caps = _caps(ls)
    kinds: tuple[str, ...] | None = None
    document_changes = False
    if caps is not None:
        action = caps.text_document.code_action if caps.text_document else None
        literal = action.code_action_literal_support if action else None
        if literal is not None and literal.code_action_kind is not None:
            kinds = tuple(str(k.value if hasattr(k, "value") else k) for k in literal.code_action_kind.value_set)
        ws = caps.workspace
        document_changes = bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)
    return CodeActionSupport(literals=ls.client.code_action_literals, kinds=kinds, document_changes=document_changes)


def _guard(ls: GeminiLanguageServer, what: str, default: Callable[[], T], fn: Callable[[], T]) -> T:
    try:
        return fn()
    except Exception as error:  # never an error response or a pop-up for a feature request
        log.exception("%s failed", what)
        ls.log(f"{what} failed: {type(error).__name__}: {error}", types.MessageType.Error)
        return default()


def _offset(state: DocumentState, position: types.Position) -> int:
    return state.index.offset(position.line, position.character)


def _analysis(ls: GeminiLanguageServer, state: DocumentState) -> Callable[[], Any]:
    def get() -> Any:
        try:
            return state.analysis
        except Exception as error:
            log.exception("checking %s failed", state.uri)
            ls.log(f"checking failed: {type(error).__name__}: {error}", types.MessageType.Error)
            return None

    return get


def register(server: GeminiLanguageServer) -> None:
    """Register completion, hover, code actions, document symbols, folding and selection ranges."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False),
    )
    def on_completion(ls: GeminiLanguageServer, params: types.CompletionParams) -> types.CompletionList:
        def run() -> types.CompletionList:
            state = ls.state(params.text_document.uri)
            if state is None:
                return types.CompletionList(is_incomplete=False, items=[])
            return complete(
                state.doc,
                _offset(state, params.position),
                schema=state.schema,
                catalog=state.catalog,
                index=state.index,
                method=state.context.method,
                support=completion_support(ls),
            )

        return _guard(ls, "completion", lambda: types.CompletionList(is_incomplete=False, items=[]), run)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: GeminiLanguageServer, params: types.HoverParams) -> types.Hover | None:
        def run() -> types.Hover | None:
            state = ls.state(params.text_document.uri)
            if state is None:
                return None
            return hover(
                state.doc,
                _offset(state, params.position),
                schema=state.schema,
                catalog=state.catalog,
                index=state.index,
                support=HoverSupport(markdown=ls.client.markdown),
            )

        return _guard(ls, "hover", lambda: None, run)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(CODE_ACTION_KINDS), resolve_provider=False),
    )
    def on_code_action(
        ls: GeminiLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction | types.Command] | None:
        def run() -> list[types.CodeAction | types.Command] | None:
            state = ls.state(params.text_document.uri)
            if state is None:
                return None
            support = code_action_support(ls)
            actions = code_actions(
                uri=state.uri,
                version=state.version,
                doc=state.doc,
                index=state.index,
                schema=state.schema,
                context=params.context,
                analysis=_analysis(ls, state),
                support=support,
            )
            from ..send_lsp import save_actions

            actions = [*actions, *save_actions(ls, params)]
            if support.literals:
                return list(actions)
            # an old client: each action becomes a command the server carries out with workspace/applyEdit
            return [
                types.Command(title=a.title, command=APPLY_EDIT_COMMAND, arguments=[a.edit])
                for a in actions
                if a.edit is not None
            ]

        return _guard(ls, "code actions", lambda: None, run)

    @server.command(APPLY_EDIT_COMMAND)
    def apply_edit(ls, edit: types.WorkspaceEdit) -> None:  # type: ignore[no-untyped-def]
        # (no annotation on `ls`: pygls evaluates a command's annotations at run time to convert its arguments)
        def run() -> None:
            ls.workspace_apply_edit(types.ApplyWorkspaceEditParams(edit=edit, label="gemini-lsp"))

        _guard(ls, "apply edit", lambda: None, run)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_document_symbol(
        ls: GeminiLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        def run() -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
            state = ls.state(params.text_document.uri)
            if state is None:
                return None
            return document_symbols(state.doc, state.index, hierarchical=ls.client.hierarchical_symbols,
                                    uri=state.uri)

        return _guard(ls, "document symbols", lambda: None, run)

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def on_folding_range(ls: GeminiLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
        def run() -> list[types.FoldingRange] | None:
            state = ls.state(params.text_document.uri)
            if state is None:
                return None
            caps = _caps(ls)
            folding = caps.text_document.folding_range if caps is not None and caps.text_document else None
            limit = folding.range_limit if folding is not None else None
            return folding_ranges(state.doc, state.index, range_limit=limit)

        return _guard(ls, "folding ranges", lambda: None, run)

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def on_selection_range(
        ls: GeminiLanguageServer, params: types.SelectionRangeParams
    ) -> list[types.SelectionRange] | None:
        def run() -> list[types.SelectionRange] | None:
            state = ls.state(params.text_document.uri)
            if state is None:
                return None
            offsets = [_offset(state, p) for p in params.positions]
            return selection_ranges(state.doc, state.index, offsets)

        return _guard(ls, "selection ranges", lambda: None, run)
