"""The language server: pygls glue only (documents, settings, debounce, push or pull diagnostics, features).

All the work is done by the pure layers; this module decides when, and converts at the edges.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from . import __version__, log_levels
from .lazy_import import lazy
from .positions import LineIndex
from .settings import Settings, parse_settings
from .text_store import TextEdit, TextStore

if TYPE_CHECKING:
    from .analysis import Analysis, RequestContext, analyze, request_context
    from .catalog import Catalog, default_refresh_cache_path, load_catalog
    from .catalog import today as catalog_today
    from .checks.secrets import redact, redact_value
    from .document import ParsedDocument, parse
    from .engine import internal_error_finding
    from .features.diagnostics import to_diagnostics
    from .incremental import AnalysisCache, update_tree
    from .schema import RequestSchema, load_request_schema
else:  # imported on first use or by `warm_up` after `initialized`: `initialize` is answered first (issue 13)
    analyze, request_context = lazy("gemini_lsp.analysis", "analyze"), lazy("gemini_lsp.analysis", "request_context")
    default_refresh_cache_path = lazy("gemini_lsp.catalog", "default_refresh_cache_path")
    load_catalog = lazy("gemini_lsp.catalog", "load_catalog")
    redact, redact_value = lazy("gemini_lsp.checks.secrets", "redact"), lazy("gemini_lsp.checks.secrets", "redact_value")
    parse = lazy("gemini_lsp.document", "parse")
    to_diagnostics = lazy("gemini_lsp.features.diagnostics", "to_diagnostics")
    AnalysisCache = lazy("gemini_lsp.incremental", "AnalysisCache")
    catalog_today = lazy("gemini_lsp.catalog", "today")
    internal_error_finding = lazy("gemini_lsp.engine", "internal_error_finding")
    update_tree = lazy("gemini_lsp.incremental", "update_tree")
    load_request_schema = lazy("gemini_lsp.schema", "load_request_schema")

#: What `warm_up` imports after `initialized`, so that the first document is not slowed down by imports.
WARM_UP_MODULES = ("gemini_lsp.analysis", "gemini_lsp.incremental", "gemini_lsp.features.diagnostics",
                   "gemini_lsp.features.completion", "gemini_lsp.features.hover", "gemini_lsp.features.code_actions",
                   "gemini_lsp.features.symbols")

log = logging.getLogger("gemini_lsp")
DOCUMENT_CONTEXT = "geminiLsp/documentContext"
MODELS = "geminiLsp/models"


@dataclass
class DocumentState:
    """One open document at one version, parsed once and checked at most once.

    With `previous` (the state of an earlier version, already parsed) and the `edits` since, the tree is patched
    instead of parsed again, and `cache` lets the analysis reuse what the edits cannot have changed
    (`gemini_lsp.incremental`).
    """

    uri: str
    version: int | None
    text: str
    settings: Settings
    catalog: Catalog
    _doc: ParsedDocument | None = None
    _index: LineIndex | None = None
    _analysis: Analysis | None = None
    _context: RequestContext | None = None
    previous: DocumentState | None = None
    edits: list[TextEdit] | None = None
    cache: AnalysisCache | None = None

    @property
    def doc(self) -> ParsedDocument:
        if self._doc is None:
            self._doc = self._patched() or parse(self.text)
            if self.cache is not None and self._spliced is None:
                self.cache.on_full_parse()
            self.previous = None
            self.edits = None
        return self._doc

    _spliced: list | None = None

    def _patched(self) -> ParsedDocument | None:
        previous, edits = self.previous, self.edits
        if previous is None or not edits or not previous.parsed:
            return None
        old_doc = previous.hand_over_tree()
        try:
            result = update_tree(old_doc, edits, self.text)
        except Exception:  # a bug in the patch costs a full parse, never a failure (tests/test_fuzz.py fails on it)
            log.exception("patching the parse tree failed")
            result = None
        if result is None:
            return None
        doc, splices = result
        if self.cache is not None:
            for splice in splices:
                self.cache.on_splice(splice)
        self._spliced = splices
        return doc

    @property
    def parsed(self) -> bool:
        """Whether this version's tree exists (and may be patched into the next version's)."""
        return self._doc is not None

    def hand_over_tree(self) -> ParsedDocument:
        """This version's tree, for the next version to patch in place: this state must not read it again."""
        doc = self._doc
        assert doc is not None
        self._doc = None
        self._analysis = None
        return doc

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    @property
    def path(self) -> str:
        return self.uri

    @property
    def context(self) -> RequestContext:
        if self._context is None:
            self._context = (
                self._analysis.context if self._analysis else request_context(self.doc, self.uri, self.settings)
            )
        return self._context

    @property
    def schema(self) -> RequestSchema | None:
        context = self.context
        return load_request_schema(context.api, context.api_version, context.method)

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            doc = self.doc
            self._analysis = analyze(self.text, self.uri, self.settings, catalog=self.catalog, doc=doc, cache=self.cache)
            self._context = self._analysis.context
        return self._analysis


@dataclass
class ClientFeatures:
    """What the connected client can do, read once from its capabilities."""

    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    configuration: bool = False
    snippets: bool = False
    markdown: bool = False
    hierarchical_symbols: bool = False
    code_action_literals: bool = False
    completion_resolve_properties: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_capabilities(cls, caps: types.ClientCapabilities | None) -> ClientFeatures:
        if caps is None:
            return cls()
        text = caps.text_document
        workspace = caps.workspace
        completion_item = text.completion.completion_item if text and text.completion else None
        hover = text.hover if text else None
        symbols = text.document_symbol if text else None
        return cls(
            pull_diagnostics=bool(text and text.diagnostic),
            diagnostic_refresh=bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support),
            configuration=bool(workspace and workspace.configuration),
            snippets=bool(completion_item and completion_item.snippet_support),
            markdown=bool(hover and hover.content_format and types.MarkupKind.Markdown in hover.content_format),
            hierarchical_symbols=bool(symbols and symbols.hierarchical_document_symbol_support),
            code_action_literals=bool(text and text.code_action and text.code_action.code_action_literal_support),
        )


class GeminiProtocol(LanguageServerProtocol):
    """pygls' protocol, pinned to UTF-16 positions (all conversions use LineIndex) and reading the client once.

    Open documents live in the server's own `TextStore`, not in pygls' workspace: pygls rebuilds a document's
    whole text on every incremental change (O(size) per keystroke), the store applies the change in place.
    """

    @property
    def gemini(self) -> GeminiLanguageServer:
        """The server this protocol serves (pygls types it as its base class)."""
        return cast("GeminiLanguageServer", self._server)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):  # type: ignore[no-untyped-def]
        document = params.text_document
        self.gemini.store.open(document.uri, document.text, document.version, document.language_id)
        self.gemini.states.pop(document.uri, None)  # a re-open (even at the same version) starts afresh
        self.gemini.caches.pop(document.uri, None)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):  # type: ignore[no-untyped-def]
        document = params.text_document
        self.gemini.store.change(document.uri, document.version, params.content_changes)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):  # type: ignore[no-untyped-def]
        self.gemini.store.close(params.text_document.uri)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):  # type: ignore[no-untyped-def]
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None
        server = self.gemini
        server.client = ClientFeatures.from_capabilities(params.capabilities)
        server.connected = True
        server.initialization_options = params.initialization_options
        from .send_lsp import send_config, sending

        sending(server).config = send_config(params.initialization_options)
        return (yield from super().lsp_initialize(params))


class GeminiLanguageServer(LanguageServer):
    """State of one server: settings, open documents, pending validations."""

    def __init__(self) -> None:
        super().__init__("gemini-lsp", __version__, protocol_cls=GeminiProtocol)
        self.initialization_options: Any = None
        self.settings = Settings()
        self._catalog: Catalog | None = None  # loaded on first use (`catalog`), after `initialize`
        self.catalog_refresh_key: tuple[str, float, int] | None = None  # the cache file applied: path, mtime, size
        self.states: dict[str, DocumentState] = {}
        self.store = TextStore()
        self.caches: dict[str, AnalysisCache] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.client = ClientFeatures()
        self.connected = False  # set by `initialize`
        self.settings_generation = 0
        self.reported_setting_problems: set[str] = set()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    @catalog.setter
    def catalog(self, value: Catalog) -> None:
        self._catalog = value

    def warm_up(self) -> None:
        """Import the checks and features and load the catalogue and the default schema (after `initialized`)."""
        try:
            for module in WARM_UP_MODULES:
                importlib.import_module(module)
            _ = self.catalog  # loads it
            load_request_schema(self.settings.api, self.settings.api_version, "generateContent")
        except Exception as error:  # noqa: BLE001 - reported and logged; the server goes on (the first request meets it again)
            self.report_server_error(error, self.warm_up)

    def report_server_error(self, error: Exception, source: Any) -> None:  # never a pop-up
        log.exception("internal error (%s)", getattr(source, "__name__", source), exc_info=error)
        self.log(f"internal error: {type(error).__name__}: {error}", types.MessageType.Error)

    def log(self, message: str, level: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=level, message=message))
        except Exception:  # pragma: no cover - no client connected
            log.warning("could not send a log message to the client: %s", message, exc_info=True)

    # -- documents --------------------------------------------------------------------------------------------
    def state(self, uri: str) -> DocumentState | None:
        document = self.store.get(uri)
        if document is None:
            self.states.pop(uri, None)
            self.caches.pop(uri, None)
            return None
        state = self.states.get(uri)
        if state is None or state.version != document.version or state.settings is not self.settings:
            previous = state if state is not None and state.settings is self.settings else None
            edits = document.take_edits(previous.version if previous is not None else None)
            if previous is not None and not previous.parsed:
                # never parsed: patch from the version before it, with both edit lists
                older = previous.previous
                if older is not None and previous.edits is not None and edits is not None:
                    edits = previous.edits + edits
                previous = older
            if previous is None or edits is None:
                previous, edits = None, None
            cache = self.caches.setdefault(uri, AnalysisCache())
            state = DocumentState(uri, document.version, document.text, self.settings, self.catalog,
                                  _index=document.index, previous=previous, edits=edits, cache=cache)
            self.states[uri] = state
        return state

    def forget(self, uri: str) -> None:
        self.states.pop(uri, None)
        self.caches.pop(uri, None)
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    # -- diagnostics ------------------------------------------------------------------------------------------
    def diagnostics_for(self, state: DocumentState) -> list[types.Diagnostic]:
        try:
            findings = state.analysis.findings
        except Exception as error:  # a bug outside the rules (each rule is isolated by the engine): shown, not hidden
            log.exception("checking %s failed", state.uri)
            self.log(f"checking failed: {type(error).__name__}: {error}", types.MessageType.Error)
            findings = [internal_error_finding(f"the analysis ({type(error).__name__}); no rule could run", ())]
        diagnostics = to_diagnostics(findings, state.index, state.version, self.settings.documentation_url)
        from .send_lsp import api_diagnostics_for  # the API's own answer, kept apart until published

        return redact_diagnostics(diagnostics) + api_diagnostics_for(self, state)

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if self.client.pull_diagnostics:
            return
        state = self.state(uri)
        if state is None:
            return
        diagnostics = self.diagnostics_for(state)
        current = self.store.get(uri)
        if current is None or current.version != state.version:
            return  # stale: a newer version will be published
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=state.version, diagnostics=diagnostics)
        )

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        if self.client.pull_diagnostics:
            return
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        delay = (self.settings.debounce_ms if delay_ms is None else delay_ms) / 1000
        loop = asyncio.get_event_loop()
        self.pending[uri] = loop.call_later(delay, self.publish, uri)

    def revalidate_all(self) -> None:
        self.states.clear()
        if self.client.pull_diagnostics:
            if self.client.diagnostic_refresh:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.store):
            self.schedule(uri, 0)

    # -- settings ----------------------------------------------------------------------------------------------
    def apply_settings(self, raw: Any) -> None:
        settings, problems = parse_settings(raw)
        for problem in problems:
            if problem not in self.reported_setting_problems:
                self.reported_setting_problems.add(problem)
                self.log(problem, types.MessageType.Warning)
        catalog_changed = self.update_catalog(settings)
        if settings != self.settings or catalog_changed:
            self.settings = settings
            self.settings_generation += 1
            self.revalidate_all()

    def update_catalog(self, settings: Settings) -> bool:
        """Apply the refreshed model list (written by `gemini-lsp models refresh`) only while
        `geminiLsp.models.allowRefresh` is true; re-load when the setting or the cache file changes. The server
        never fetches anything itself. Returns whether the catalogue changed."""
        if not settings.allow_model_refresh:
            if self.catalog_refresh_key is None:
                return False
            self.catalog, self.catalog_refresh_key = load_catalog(), None
            return True
        path = default_refresh_cache_path()
        try:
            stat = path.stat()
            key = (str(path), stat.st_mtime, stat.st_size)
        except OSError:
            key = (str(path), -1.0, -1)
        if key == self.catalog_refresh_key:
            return False
        self.catalog, self.catalog_refresh_key = load_catalog(refreshed=path), key
        return True

    async def pull_settings(self) -> None:
        if not self.client.configuration:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="geminiLsp")])
            )
        except Exception as error:  # the client may not answer workspace/configuration: keep the settings we have
            log.warning("could not read settings", exc_info=True)
            self.log(f"could not read settings: {error}", types.MessageType.Warning)
            return
        self.apply_settings(result[0] if result else None)


def redact_diagnostics(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    """Diagnostics as sent to the client: no credential from the document in a message or in `data` (fix edits
    keep their text: they replace the key with a placeholder and never insert one)."""
    for d in diagnostics:
        d.message = redact(d.message)
        if isinstance(d.data, dict):
            for key in ("facts", "pointer"):
                if key in d.data:
                    d.data[key] = redact_value(d.data[key])
    return diagnostics


def _settings_from_options(options: Any) -> Any:
    if isinstance(options, dict):
        return options.get("geminiLsp", options)
    return None


def create_server() -> GeminiLanguageServer:
    """A fresh server with every handler registered (no module-level singleton)."""
    server = GeminiLanguageServer()

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: GeminiLanguageServer, params: types.InitializedParams) -> None:
        if ls.initialization_options:
            ls.apply_settings(_settings_from_options(ls.initialization_options))
        await ls.pull_settings()
        asyncio.get_running_loop().call_soon(ls.warm_up)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GeminiLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GeminiLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GeminiLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        if not ls.client.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: GeminiLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        if ls.client.configuration:
            await ls.pull_settings()
        else:
            ls.apply_settings(_settings_from_options(params.settings))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="gemini-lsp", inter_file_dependencies=False, workspace_diagnostics=False),
    )
    def diagnostic(ls: GeminiLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        state = ls.state(params.text_document.uri)
        if state is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        from .send_lsp import sending

        result_id = f"{state.version}:{ls.settings_generation}:{sending(ls).generation}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_for(state), result_id=result_id)

    @server.feature(DOCUMENT_CONTEXT)
    def document_context(ls: GeminiLanguageServer, params: Any) -> dict[str, Any] | None:
        uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
        state = ls.state(uri) if uri else None
        if state is None:
            return None
        refreshed = ls.catalog_refresh_key is not None
        from .features import status as status_feature

        return status_feature.document_context(state.context, state.catalog, catalog_today(), refreshed)

    @server.feature(MODELS)
    def models(ls: GeminiLanguageServer, params: Any) -> dict[str, Any]:
        refreshed = ls.catalog_refresh_key is not None
        from .features import status as status_feature

        return {"models": status_feature.model_choices(ls.catalog, catalog_today()),
                "catalog": status_feature.catalog_json(ls.catalog, refreshed)}

    _register_editing_features(server)
    from . import send_lsp

    send_lsp.register(server)
    return server


def _register_editing_features(server: GeminiLanguageServer) -> None:
    """Completion, hover, code actions and symbols (features/)."""
    from .features import registration

    registration.register(server)


def serve() -> bool:
    """Run the server on stdin/stdout until the client leaves; whether a client connected (sent `initialize`)."""
    logging.basicConfig(level=logging.WARNING, format="gemini-lsp %(levelname)s %(message)s")
    log_levels.install()
    server = create_server()
    server.start_io()
    return server.connected
