"""Sending from the editor, through the language server (so every LSP client gets it).

* Code lenses **Send**, **Stream**, **Count tokens** over each request file (`textDocument/codeLens`), running the
  command `geminiLsp.send` (`workspace/executeCommand`, arguments `{"uri", "mode"}`).
* While a request runs: work-done progress (cancellable; cancelling really stops the HTTP request or the wait),
  streamed text as `geminiLsp/answerProgress` notifications. The command's result is the answer (status, time,
  tries, sanitized JSON), for clients that show it themselves; a 400 becomes diagnostics with source `gemini-api`.
* API diagnostics are kept apart from the checker's (merged only when published) and dropped as soon as the text
  under them changes. Quick fix "Save as test case" (`geminiLsp.saveTestCase`) writes request and answer to a folder.
* Credentials come only from this process's environment; nothing secret travels in an LSP message. The base URL and
  the trust flag come only from `initializationOptions.send` (the client passes user-level settings and the
  workspace-trust state there), never from workspace configuration. Untrusted workspace: sending is disabled.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from lsprotocol import types

if TYPE_CHECKING:
    from .server import DocumentState, GeminiLanguageServer

log = logging.getLogger("gemini_lsp")

SEND_COMMAND = "geminiLsp.send"
SAVE_CASE_COMMAND = "geminiLsp.saveTestCase"
ANSWER_NOTIFICATION = "geminiLsp/answerProgress"
SOURCE = "gemini-api"
MODES = ("send", "stream", "countTokens")
GENERATE = ("generateContent", "streamGenerateContent")


@dataclass(frozen=True)
class SendConfig:
    """From `initializationOptions.send` only (user-level values chosen by the client)."""

    trusted: bool = True
    base_url: str | None = None
    project: str | None = None
    location: str | None = None
    test_case_folder: str | None = None


def send_config(options: Any) -> SendConfig:
    raw = options.get("send") if isinstance(options, dict) else None
    if not isinstance(raw, dict):
        return SendConfig()

    def text(name: str) -> str | None:
        value = raw.get(name)
        return value.strip() or None if isinstance(value, str) else None

    return SendConfig(trusted=raw.get("trusted", True) is not False, base_url=text("baseUrl"),
                      project=text("vertexProject"), location=text("vertexLocation"),
                      test_case_folder=text("testCaseFolder"))


@dataclass
class StoredDiagnostic:
    """One API diagnostic and the text it covered, to drop it when that text changes."""

    pointer: str | None
    anchor: str          # "key" (a member's key), "value", "open" (a container's bracket), "file"
    covered: str
    diagnostic: types.Diagnostic


@dataclass
class SendingState:
    config: SendConfig = field(default_factory=SendConfig)
    diagnostics: dict[str, list[StoredDiagnostic]] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)   # uri -> last request/answer (sanitized)
    generation: int = 0


_STATES: weakref.WeakKeyDictionary[Any, SendingState] = weakref.WeakKeyDictionary()


def sending(ls: GeminiLanguageServer) -> SendingState:
    """The sending state of one server (kept beside it, not inside it)."""
    state = _STATES.get(ls)
    if state is None:
        state = _STATES[ls] = SendingState()
    return state


# -- API diagnostics ------------------------------------------------------------------------------------------------

def _anchor_range(doc: Any, pointer: str | None, anchor: str) -> tuple[int, int] | None:
    if pointer is None or anchor == "file":
        root = doc.root
        return (root.start, min(root.start + 1, root.end)) if root is not None else (0, 0)
    node = doc.node_at_pointer(pointer)
    if node is None:
        return None
    if anchor == "key":
        return (node.member.key.start, node.member.key.end) if node.member is not None else None
    if anchor == "open":
        return node.start, min(node.start + 1, node.end)
    return node.start, node.end


def api_diagnostics_for(ls: GeminiLanguageServer, state: DocumentState) -> list[types.Diagnostic]:
    """The stored API diagnostics still valid for this version (re-anchored); the others are dropped for good."""
    store = sending(ls).diagnostics
    stored = store.get(state.uri)
    if not stored:
        return []
    kept: list[StoredDiagnostic] = []
    out: list[types.Diagnostic] = []
    doc, text = state.doc, state.text
    for item in stored:
        span = _anchor_range(doc, item.pointer, item.anchor)
        if span is None or text[span[0]:span[1]] != item.covered:
            continue
        if item.anchor == "file" and isinstance(item.diagnostic.data, dict) and \
                item.diagnostic.data.get("version") != state.version:
            continue  # a diagnostic about the whole file goes with any change
        (sl, sc), (el, ec) = state.index.range(*span)
        item.diagnostic.range = types.Range(types.Position(sl, sc), types.Position(el, ec))
        kept.append(item)
        out.append(item.diagnostic)
    if len(kept) != len(stored):
        store[state.uri] = kept
    return out


def _store_diagnostics(ls: GeminiLanguageServer, state: DocumentState, explained: list[Any]) -> int:
    from .checks.secrets import redact

    items: list[StoredDiagnostic] = []
    doc, text = state.doc, state.text
    for d in explained:
        p = d.placement
        anchor = "file"
        if p.pointer is not None:
            node = doc.node_at_pointer(p.pointer)
            if node is not None and node.member is not None and (node.member.key.start, node.member.key.end) == (
                    p.start, p.end):
                anchor = "key"
            elif node is not None and (node.start, node.end) == (p.start, p.end):
                anchor = "value"
            elif node is not None and node.start == p.start:
                anchor = "open"
            else:
                anchor = "file"
        (sl, sc), (el, ec) = state.index.range(p.start, p.end)
        href = d.error.help_url
        diagnostic = types.Diagnostic(
            range=types.Range(types.Position(sl, sc), types.Position(el, ec)),
            message=redact(d.message), severity=types.DiagnosticSeverity.Error, source=SOURCE, code=d.code,
            code_description=types.CodeDescription(href=href) if href else None,
            data={"apiPath": p.path, "pointer": p.pointer, "exact": p.exact, "version": state.version,
                  "missedByChecker": d.missed_by_checker, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        )
        items.append(StoredDiagnostic(p.pointer, anchor, text[p.start:p.end], diagnostic))
    store = sending(ls)
    store.diagnostics[state.uri] = items
    store.generation += 1
    return len(items)


def _republish(ls: GeminiLanguageServer, uri: str) -> None:
    if ls.client.pull_diagnostics:
        if ls.client.diagnostic_refresh:
            ls.workspace_diagnostic_refresh(None)
        return
    ls.publish(uri)


# -- code lenses ----------------------------------------------------------------------------------------------------

def code_lenses(ls: GeminiLanguageServer, uri: str) -> list[types.CodeLens]:
    state = ls.state(uri)
    if state is None or not sending(ls).config.trusted:
        return []
    root = state.doc.root
    start = root.start if root is not None else 0
    line = state.index.line_of(start)
    where = types.Range(types.Position(line, 0), types.Position(line, 0))
    method = state.context.method
    lenses = [("Send", "send")]
    if method in GENERATE:
        lenses += [("Stream", "stream"), ("Count tokens", "countTokens")]
    return [types.CodeLens(range=where, command=types.Command(title=f"$(play) {title}" if mode == "send" else title,
                                                               command=SEND_COMMAND,
                                                               arguments=[{"uri": uri, "mode": mode}]))
            for title, mode in lenses]


# -- the send command -----------------------------------------------------------------------------------------------

def _fail(message: str) -> dict[str, Any]:
    return {"ok": False, "error": message}


async def run_send(ls: GeminiLanguageServer, args: Any) -> dict[str, Any]:
    from .sending.credentials import CredentialError, Credentials
    from .sending.endpoint import EndpointError
    from .sending.explain import explain
    from .sending.prepare import SendOptions, prepare
    from .sending.retry import EDITOR_POLICY
    from .sending.sanitize import safe_url, scrub, shorten_base64
    from .sending.transport import send

    params = args[0] if isinstance(args, (list, tuple)) and args else args
    if not isinstance(params, dict) or not isinstance(params.get("uri"), str):
        return _fail("geminiLsp.send needs {uri, mode}")
    uri, mode = params["uri"], params.get("mode", "send")
    if mode not in MODES:
        return _fail(f"mode must be one of {', '.join(MODES)}")
    config = sending(ls).config
    if not config.trusted:
        return _fail("sending is disabled in an untrusted workspace")
    state = ls.state(uri)
    if state is None:
        return _fail("the document is not open")
    settings = state.settings
    analysis = state.analysis
    options = SendOptions(settings.api, settings.api_version, "countTokens" if mode == "countTokens" else None,
                          mode == "stream", settings.model, config.project, config.location, config.base_url)
    env = os.environ
    try:
        prepared, target = prepare(state.text.encode("utf-8", errors="surrogateescape"), analysis, options, env)
        credentials = Credentials.for_target(target.api, target.express, env)
    except (EndpointError, CredentialError) as error:
        ls.log(f"send: {error}", types.MessageType.Warning)
        return _fail(str(error))
    secrets = credentials.secrets()
    given = params.get("requestId")
    request_id: str = given if isinstance(given, str) else str(uuid.uuid4())
    token: str | None = str(uuid.uuid4()) if _progress_supported(ls) else None
    task = asyncio.ensure_future(send(prepared, credentials, policy=EDITOR_POLICY,
                                      on_event=lambda kind, data: _on_event(ls, token, uri, request_id, kind, data,
                                                                            secrets)))
    if token is not None:
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title=f"Gemini: {'Count tokens' if mode == 'countTokens' else mode.capitalize()}", cancellable=True,
                message=safe_url(prepared.url)))
            ls.work_done_progress.tokens[token].add_done_callback(lambda f: task.cancel() if f.cancelled() else None)
        except Exception as error:  # noqa: BLE001 - a client that refuses progress still gets the answer (logged)
            log.warning("work-done progress unavailable: %s", type(error).__name__)
            token = None
    try:
        outcome = await task
    except CredentialError as error:  # e.g. no gcloud for a Vertex token: the user's setup, not our bug
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="no credentials"))
        ls.log(f"send: {error}", types.MessageType.Warning)
        return _fail(str(error))
    except asyncio.CancelledError:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
        ls.log("send: cancelled")
        return {"ok": False, "cancelled": True, "requestId": request_id, "uri": uri}
    finally:
        if token is not None:
            ls.work_done_progress.tokens.pop(token, None)
    if token is not None:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"HTTP {outcome.status}"))
    count = 0
    current = ls.state(uri)
    about_file = outcome.status == 400 and outcome.error is not None and not (outcome.error.reason or "").startswith(
        ("API_KEY", "CREDENTIALS", "ACCESS_TOKEN"))
    if about_file and outcome.error is not None and current is not None and current.version == state.version:
        # a 400 about the request goes into the file; a bad key, quota or outage only into the answer
        count = _store_diagnostics(ls, current, explain(outcome.error, analysis))
    elif current is not None and sending(ls).diagnostics.pop(uri, None) is not None:
        sending(ls).generation += 1  # pull clients must see that the API's diagnostics are gone
    _republish(ls, uri)
    from .send_cli import answer_json

    answer = json.loads(scrub(shorten_base64(json.dumps(answer_json(outcome), ensure_ascii=False)), secrets))
    result = {
        "ok": outcome.ok, "requestId": request_id, "uri": uri, "mode": mode, "url": safe_url(prepared.url),
        "status": outcome.status, "elapsedMs": round(outcome.elapsed_s * 1000), "attempts": outcome.attempts,
        "incomplete": outcome.incomplete, "failure": outcome.failure, "stopReason": outcome.stop_reason,
        "hint": outcome.hint, "text": scrub(outcome.text, secrets) if outcome.text else None, "response": answer,
        "diagnostics": count,
    }
    sending(ls).answers[uri] = {"request": scrub(state.text, secrets), "answer": result}
    ls.log(f"send: {result['url']} -> {outcome.status or outcome.failure} in {outcome.elapsed_s:.2f} s, "
           f"{outcome.attempts} tries")
    return result


def _progress_supported(ls: GeminiLanguageServer) -> bool:
    try:
        window = ls.client_capabilities.window
    except Exception:  # noqa: BLE001 - before initialize
        return False
    return bool(window and window.work_done_progress)


def _on_event(ls: GeminiLanguageServer, token: str | None, uri: str, request_id: str, kind: str, data: dict[str, Any],
              secrets: list[str]) -> None:
    from .sending.sanitize import scrub

    message = None
    if kind == "wait":
        message = f"{data['reason']}: trying again in {data['seconds']:.0f} s"
    elif kind == "attempt" and data["attempt"] > 1:
        message = f"try {data['attempt']}"
    elif kind == "chunk":
        ls.protocol.notify(ANSWER_NOTIFICATION, {"requestId": request_id, "uri": uri,
                                                 "text": scrub(data["text"], secrets)})
    if message and token is not None and token in ls.work_done_progress.tokens:
        ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message))


# -- save as test case ----------------------------------------------------------------------------------------------

def save_actions(ls: GeminiLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    mine = [d for d in params.context.diagnostics if d.source == SOURCE]
    uri = params.text_document.uri
    if not mine or uri not in sending(ls).answers:
        return []
    return [types.CodeAction(title="Save as test case (request and the API's answer)",
                             kind=types.CodeActionKind.QuickFix, diagnostics=mine,
                             command=types.Command(title="Save as test case", command=SAVE_CASE_COMMAND,
                                                   arguments=[{"uri": uri}]))]


def save_test_case(ls: GeminiLanguageServer, args: Any) -> dict[str, Any]:
    params = args[0] if isinstance(args, (list, tuple)) and args else args
    if not isinstance(params, dict) or not isinstance(params.get("uri"), str):
        return _fail("geminiLsp.saveTestCase needs {uri, folder?}")
    uri = params["uri"]
    saved = sending(ls).answers.get(uri)
    if saved is None:
        return _fail("no answer to save: send the request first")
    folder = params.get("folder") or sending(ls).config.test_case_folder
    parts = urlsplit(uri)
    source = Path(unquote(parts.path)) if parts.scheme == "file" else None
    if not folder:
        if source is None:
            return _fail("choose a folder for the test case")
        folder = str(source.parent / "api-answers")
    target = Path(folder).expanduser()
    stem = (source.name.removesuffix(".json").removesuffix(".gemini") if source else "request") + \
        time.strftime("-%Y%m%d-%H%M%S")
    try:
        target.mkdir(parents=True, exist_ok=True)
        request_path = target / f"{stem}.gemini.json"
        answer_path = target / f"{stem}.answer.json"
        request_path.write_text(saved["request"], encoding="utf-8")
        answer_path.write_text(json.dumps(saved["answer"], indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        return _fail(f"cannot write the test case: {error.strerror or error}")
    ls.log(f"saved the test case {request_path.name} and {answer_path.name} in {target}")
    return {"ok": True, "request": str(request_path), "answer": str(answer_path)}


# -- registration ---------------------------------------------------------------------------------------------------

def register(server: GeminiLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(ls: GeminiLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        try:
            return code_lenses(ls, params.text_document.uri)
        except Exception as error:  # noqa: BLE001 - reported and logged by report_server_error
            ls.report_server_error(error, on_code_lens)
            return []

    @server.command(SEND_COMMAND)
    async def on_send(ls, *args):  # type: ignore[no-untyped-def]
        # (no annotations: pygls evaluates a command's annotations at run time to convert its arguments)
        try:
            return await run_send(ls, args[0] if len(args) == 1 and isinstance(args[0], list) else list(args))
        except Exception as error:  # noqa: BLE001 - reported and logged by report_server_error
            ls.report_server_error(error, on_send)
            return _fail(f"internal error: {type(error).__name__}")

    @server.command(SAVE_CASE_COMMAND)
    def on_save(ls, *args):  # type: ignore[no-untyped-def]
        try:
            return save_test_case(ls, args[0] if len(args) == 1 and isinstance(args[0], list) else list(args))
        except Exception as error:  # noqa: BLE001 - reported and logged by report_server_error
            ls.report_server_error(error, on_save)
            return _fail(f"internal error: {type(error).__name__}")
