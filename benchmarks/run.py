"""End-to-end benchmark over stdio: gemini-lsp against VS Code's JSON language server, one client, one run.

    python benchmarks/run.py                 # every document, both servers, prints the tables
    python benchmarks/run.py --quick         # development: the 3 KB and 100 KB documents only, fewer rounds
    python benchmarks/run.py --only large-turns --reps 5 --markdown

Start-up: spawn → `initialize` answer for gemini-lsp, for the incumbent and for the floor (benchmarks/floor_server.py:
a process that only imports pygls and lsprotocol and answers `initialize`), interleaved, in the same run.

Documents (benchmarks/gen_docs.py): 3 KB, 100 KB / 200 turns, 2 MB / 5,000 turns, one 8 MiB base64 blob, each also
broken three ways (unclosed object, trailing comma, unterminated string), the break placed early (first turn) and
late (last turn). For each document and server a fresh server process is started and driven by the same pygls
`LanguageClient`:
- open → first diagnostics: `didOpen`, then a `textDocument/diagnostic` pull, timed to its answer;
- every kind of place (`places`: the first character, inside the first turn's text, inside a long string, inside a
  key, whitespace and commas between the members of one turn, of generationConfig and of the root object), each
  round: the edit + a pull, its undo + a pull (both keystroke → diagnostics), the edit + completion (just after
  `"generationConfig": {`), its undo + hover (on `"temperature"`); each timed from the `didChange` to the answer;
- typing (`typings`): 20 characters typed one by one, each followed by a pull, then deleted one by one the same way
  (inside a text, a new turn at the end of contents, a new root member at the end of the root object);
- peak memory: VmHWM of the server process (/proc/PID/status) at the end of the session (one state per process);
- the diagnostics count on open and after every edit was undone (they must be equal).
The servers alternate which goes first from one document to the next. The incumbent gets our generated
GenerateContentRequest schema through `workspace/didChangeConfiguration` (`json.schemas`, `json.validate.enable`);
ours runs with default settings. Before measuring, both are shown a known-bad document and must report a schema
diagnostic on it, so we know the incumbent really validates against the schema.

Results: tables on stdout (median and p95 in ms, ratio ours / incumbent of the medians, ✗ where a target of issue 13
is missed, and the list of misses) and benchmarks/out/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

log = logging.getLogger("benchmarks")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
SCHEMA = ROOT / "schemas" / "generated" / "gemini-v1beta" / "GenerateContentRequest.schema.json"
INCUMBENT_BIN = HERE / "node_modules" / "vscode-langservers-extracted" / "bin" / "vscode-json-language-server"

sys.path.insert(0, str(HERE))
import gen_docs  # noqa: E402

sys.path.insert(0, str(ROOT / "server"))
from gemini_lsp.positions import LineIndex  # noqa: E402

TIMEOUT = 300.0
KNOWN_BAD = '{\n  "contents": [{"role": "user", "parts": [{"text": "hi"}]}],\n  "generationConfig": {"temperatur": 1}\n}\n'


class Server:
    name = ""

    def command(self) -> list[str]:
        raise NotImplementedError

    def configure(self, client: LanguageClient) -> None:
        pass


class Ours(Server):
    name = "gemini-lsp"

    def __init__(self, root: Path = ROOT, name: str = "gemini-lsp") -> None:
        self.root = root
        self.name = name

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gemini_lsp", "serve"]


class Incumbent(Server):
    name = "vscode-json"

    def command(self) -> list[str]:
        return ["node", str(INCUMBENT_BIN), "--stdio"]

    def configure(self, client: LanguageClient) -> None:
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        settings = {
            "json": {
                "validate": {"enable": True},
                "schemas": [{"fileMatch": ["*.gemini.json"], "url": SCHEMA.as_uri(), "schema": schema}],
            }
        }
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))


def capabilities() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=False),
            diagnostic=types.DiagnosticClientCapabilities(related_document_support=False),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=True, documentation_format=[types.MarkupKind.Markdown]
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
        workspace=types.WorkspaceClientCapabilities(configuration=False, did_change_configuration=None),
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    )


async def start(server: Server, configure: bool = True) -> tuple[LanguageClient, list[bytes]]:
    client = LanguageClient("gemini-lsp-bench", "1")
    stderr: list[bytes] = []

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def _configuration(params: types.ConfigurationParams) -> list[Any]:
        return [None for _ in params.items]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: Any) -> None:
        return None

    @client.feature(types.WORKSPACE_DIAGNOSTIC_REFRESH)
    def _refresh(params: Any) -> None:
        return None

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def _log(params: Any) -> None:
        return None

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: Any) -> None:
        return None

    cmd = server.command()
    env = dict(os.environ)
    root = getattr(server, "root", ROOT)  # another checkout's server (--baseline) runs from its own sources
    env["PYTHONPATH"] = str(root / "server") + os.pathsep + env.get("PYTHONPATH", "")
    await client.start_io(cmd[0], *cmd[1:], cwd=str(ROOT), env=env)
    proc = client._server  # noqa: SLF001
    assert proc is not None and proc.stderr is not None

    async def drain() -> None:
        while True:
            chunk = await proc.stderr.read(65536)  # type: ignore[union-attr]
            if not chunk:
                return
            stderr.append(chunk)

    _DRAINERS[id(client)] = asyncio.create_task(drain())
    await asyncio.wait_for(
        client.initialize_async(
            types.InitializeParams(
                capabilities=capabilities(),
                process_id=os.getpid(),
                root_uri=OUT.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=OUT.as_uri(), name="out")],
            )
        ),
        TIMEOUT,
    )
    client.initialized(types.InitializedParams())
    if configure:
        server.configure(client)
    return client, stderr


_DRAINERS: dict[int, asyncio.Task] = {}  # the task reading each client's server stderr (kept alive here)


async def stop(client: LanguageClient) -> None:
    try:
        await asyncio.wait_for(client.shutdown_async(None), 30)
        client.exit(None)
    except Exception:  # a server that does not shut down cleanly is killed below
        log.warning("the server did not shut down cleanly", exc_info=True)
    proc = client._server  # noqa: SLF001
    try:
        await asyncio.wait_for(client.stop(), 30)
    except Exception:
        log.warning("stopping the server failed; killing it", exc_info=True)
        if proc is not None and proc.returncode is None:
            proc.kill()
    _DRAINERS.pop(id(client), None)


def peak_kib(client: LanguageClient) -> int:
    proc = client._server  # noqa: SLF001
    if proc is None:
        return 0
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def pull(client: LanguageClient, uri: str) -> Any:
    return await asyncio.wait_for(
        client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
        TIMEOUT,
    )


def _items(report: Any) -> list[Any]:
    return list(getattr(report, "items", None) or [])


@dataclass(frozen=True)
class Place:
    """One kind of place in a document and the edit made there: `old` at `offset` becomes `new` and back."""

    kind: str
    what: str
    offset: int
    old: str
    new: str


@dataclass(frozen=True)
class Typing:
    """A run of characters typed one by one at `offset`, then deleted one by one (backspace)."""

    kind: str
    what: str
    offset: int
    chars: str


def _middle_turn(text: str) -> int:
    """Offset of the `{` of the middle element of "contents" (json.dumps indent 2 layout; works on broken variants)."""
    marker = '\n    {\n      "role"'
    contents = text.index('"contents": [')
    end = text.index('\n  "safetySettings"')
    count = text.count(marker, contents, end)
    pos = contents
    for _ in range(count // 2 + 1):
        pos = text.index(marker, pos + 1)
    return pos + 5


def places(text: str) -> list[Place]:
    """The kinds of place measured in every document, found by their text (the same on every broken variant)."""
    contents = text.index('"contents": [')
    first_text = text.index('"text": "', contents) + len('"text": "')
    turn = _middle_turn(text)
    if '"data": "' in text:  # large-blob: the long string is the 8 MiB base64 data
        data = text.index('"data": "') + len('"data": "')
        long_string = data + (text.index('"', data) - data) // 2
        long_what = "inside the 8 MiB base64 string, in its middle"
    else:
        long_string = text.index('"text": "', turn) + len('"text": "') + 5
        long_what = "inside the middle turn's text"
    role_comma = text.index('",', text.index('"role": ', turn)) + 1
    temperature_comma = text.index(",", text.index('"temperature": '))
    root_close = len(text.rstrip()) - 1
    root_comma = text.rfind(",", 0, text.index('\n  "safetySettings"'))
    assert text[root_close] == "}" and text[role_comma] == "," and text[root_comma] == ","
    return [
        Place("first-char", "a space typed before the first character", 0, "", " "),
        Place("text-first", "inside the first turn's text", first_text + 3, "", "x"),
        Place("string-long", long_what, long_string, "", "x"),
        Place("key", "inside the key \"role\" of the middle turn", text.index('"role"', turn) + 3, "", "x"),
        Place("ws-turn", "a space between the members of the middle turn", role_comma + 1, "", " "),
        Place("comma-turn", "the comma between the members of the middle turn deleted / retyped", role_comma, ",", ""),
        Place("ws-config", "a space between the members of generationConfig", temperature_comma + 1, "", " "),
        Place("comma-config", "the comma after temperature deleted / retyped", temperature_comma, ",", ""),
        Place("ws-root", "a space before the root's closing }", root_close, "", " "),
        Place("comma-root", "the comma between contents and safetySettings deleted / retyped", root_comma, ",", ""),
    ]


def typings(text: str) -> list[Typing]:
    turn = _middle_turn(text)
    contents_close = text.index('\n  ],\n  "safetySettings"')
    root_close = len(text.rstrip()) - 1
    return [
        Typing("type-text", "20 characters typed inside the middle turn's text, then deleted",
               text.index('"text": "', turn) + len('"text": "') + 5, "hello world, typing."),
        Typing("type-new-turn", "a new turn typed after the last element of contents, then deleted",
               contents_close, ', {"role": "model" }'),
        Typing("type-new-key", "a new root member typed after generationConfig, then deleted",
               root_close - 1, ', "cachedContent": 1'),
    ]


@dataclass
class PlaceResult:
    diag_ms: list[float] = field(default_factory=list)
    completion_ms: list[float] = field(default_factory=list)
    hover_ms: list[float] = field(default_factory=list)


class OpenDocument:
    """The client's copy of a document. Every measured edit is undone right after, so the text stays the base text."""

    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client = client
        self.uri = uri
        self.text = text
        self.version = 1
        self.index = LineIndex(text)

    def position(self, offset: int) -> types.Position:
        line, character = self.index.position(offset)
        return types.Position(line=line, character=character)

    def open(self) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri, language_id="json", version=1, text=self.text)
            )
        )

    def change(self, start: types.Position, length: int, new_text: str) -> None:
        """Replace `length` ASCII characters at `start` (on one line) with `new_text`."""
        end = types.Position(line=start.line, character=start.character + length)
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=new_text)
                ],
            )
        )

    def close(self) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=self.uri))
        )


async def sanity(server: Server) -> str:
    """Open a known-bad document (a misspelt generationConfig field) and return the first diagnostic's message."""
    client, _ = await start(server)
    try:
        uri = (OUT / "sanity.gemini.json").as_uri()
        doc = OpenDocument(client, uri, KNOWN_BAD)
        doc.open()
        items = _items(await pull(client, uri))
        messages = [d.message for d in items]
        return "; ".join(m.splitlines()[0][:90] for m in messages) or "(no diagnostics)"
    finally:
        await stop(client)


@dataclass
class Session:
    server: str
    doc: str
    open_ms: float = 0.0
    first_completion_ms: float = 0.0
    first_hover_ms: float = 0.0
    places: dict[str, PlaceResult] = field(default_factory=dict)
    peak_kib: int = 0
    diagnostics_after_open: int = 0
    diagnostics_at_end: int = 0
    completion_items: int = 0
    hover_chars: int = 0
    error: str | None = None


async def session(server: Server, name: str, path: Path, reps: int) -> Session:
    """One fresh server process for one document: open, then every kind of place, then every typing run."""
    result = Session(server.name, name)
    client, stderr = await start(server)
    try:
        text = path.read_text(encoding="utf-8")
        uri = path.resolve().as_uri()
        doc = OpenDocument(client, uri, text)
        ident = types.TextDocumentIdentifier(uri=uri)
        t0 = time.perf_counter()
        doc.open()
        report = await pull(client, uri)
        result.open_ms = (time.perf_counter() - t0) * 1000
        result.diagnostics_after_open = len(_items(report))
        completion_at = text.index('"generationConfig": {') + len('"generationConfig": {')
        hover_at = text.index('"temperature"') + 3

        async def complete(position: types.Position) -> None:
            answer = await asyncio.wait_for(
                client.text_document_completion_async(types.CompletionParams(text_document=ident, position=position)),
                TIMEOUT,
            )
            result.completion_items = len(getattr(answer, "items", answer) or [])

        async def hover(position: types.Position) -> None:
            answer = await asyncio.wait_for(
                client.text_document_hover_async(types.HoverParams(text_document=ident, position=position)), TIMEOUT
            )
            contents = getattr(answer, "contents", None)
            result.hover_chars = len(str(getattr(contents, "value", contents) or ""))

        # the first completion and hover after open are reported on their own (they may load what the features
        # need); the places below are measured after them
        t = time.perf_counter()
        await complete(doc.position(completion_at))
        result.first_completion_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        await hover(doc.position(hover_at))
        result.first_hover_ms = (time.perf_counter() - t) * 1000
        for place in places(text):
            measured = result.places.setdefault(place.kind, PlaceResult())
            at = doc.position(place.offset)
            delta = len(place.new) - len(place.old)
            # the completion site in the edited text (the edit is on one line, ASCII only)
            c_line, c_char = doc.index.position(completion_at)
            if c_line == at.line and place.offset < completion_at:
                c_char += delta
            completion_position = types.Position(line=c_line, character=c_char)
            hover_position = doc.position(hover_at)
            for _ in range(reps):
                for op in ("diag-do", "diag-undo", "completion", "hover"):
                    undo = op in ("diag-undo", "hover")
                    t = time.perf_counter()
                    if undo:
                        doc.change(at, len(place.new), place.old)
                    else:
                        doc.change(at, len(place.old), place.new)
                    if op.startswith("diag"):
                        await pull(client, uri)
                        measured.diag_ms.append((time.perf_counter() - t) * 1000)
                    elif op == "completion":
                        await complete(completion_position)
                        measured.completion_ms.append((time.perf_counter() - t) * 1000)
                    else:
                        await hover(hover_position)
                        measured.hover_ms.append((time.perf_counter() - t) * 1000)
        for typing in typings(text):
            measured = result.places.setdefault(typing.kind, PlaceResult())
            at = doc.position(typing.offset)
            for i, char in enumerate(typing.chars):
                t = time.perf_counter()
                doc.change(types.Position(line=at.line, character=at.character + i), 0, char)
                await pull(client, uri)
                measured.diag_ms.append((time.perf_counter() - t) * 1000)
            for i in reversed(range(len(typing.chars))):
                t = time.perf_counter()
                doc.change(types.Position(line=at.line, character=at.character + i), 1, "")
                await pull(client, uri)
                measured.diag_ms.append((time.perf_counter() - t) * 1000)
        # every edit was undone: the server must be back at the diagnostics it gave on open
        result.diagnostics_at_end = len(_items(await pull(client, uri)))
        result.peak_kib = peak_kib(client)
        doc.close()
    except Exception as error:  # report and go on with the next document
        log.warning("measuring %s failed", name, exc_info=True)
        result.error = f"{type(error).__name__}: {error}"
        result.peak_kib = peak_kib(client)
    finally:
        await stop(client)
    if result.error and stderr:
        result.error += " | stderr: " + b"".join(stderr)[-400:].decode("utf-8", "replace")
    return result


class Floor(Server):
    name = "floor"

    def command(self) -> list[str]:
        return [sys.executable, str(HERE / "floor_server.py")]


async def startup_ms(server: Server) -> float:
    """Spawn → `initialize` answer, in ms (the process is then shut down)."""
    t = time.perf_counter()
    client, _ = await start(server, configure=False)
    elapsed = (time.perf_counter() - t) * 1000
    await stop(client)
    return elapsed


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def ratio_target(name: str) -> float | None:
    """The issue's keystroke → diagnostics target as a ratio to the incumbent (none for the 3 KB documents)."""
    if name.startswith(("large-turns", "large-blob")):
        return 0.25
    if name.startswith("medium"):
        return 0.5
    return None


MIB = 1024 * 1024


def memory_limit_bytes(size: int) -> int:
    return 4 * size + 100 * 1000 * 1000


def render(headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |",
                 "|" + "|".join("---:" if i else "---" for i in range(len(headers))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("" if ok else " ✗")


def place_table(results: dict[str, dict[str, Session]], markdown: bool) -> tuple[str, list[str]]:
    """One row per document and kind of place; ✗ marks a figure that misses its target. Returns the misses too."""
    headers = ["document", "place", "keystroke→diag ours med/p95", "incumbent med/p95", "ratio",
               "completion ours med/p95", "inc med", "hover ours med/p95", "inc med"]
    rows, misses = [], []
    by_metric: dict[tuple[str, str], list[Any]] = {}
    for name, by_server in results.items():
        ours, inc = by_server.get("gemini-lsp"), by_server.get("vscode-json")
        if ours is None or inc is None:
            continue
        for kind, o in ours.places.items():
            i = inc.places.get(kind, PlaceResult())
            r = ratio(median(o.diag_ms), median(i.diag_ms))
            target = ratio_target(name)
            ok_ratio = None if target is None or r is None else r <= target
            cm, cp, hm, hp = median(o.completion_ms), p95(o.completion_ms), median(o.hover_ms), p95(o.hover_ms)
            ok_c = None if cm is None else (cm < 5 and (cp or 0) < 15)
            ok_h = None if hm is None else (hm < 5 and (hp or 0) < 15)
            for ok, metric, what in ((ok_ratio, "keystroke→diag ratio", f"{fmt_ratio(r)} > {target}"),
                                     (ok_c, "completion med/p95", f"{fmt(cm, 2)} / {fmt(cp, 2)} ms"),
                                     (ok_h, "hover med/p95", f"{fmt(hm, 2)} / {fmt(hp, 2)} ms")):
                if ok is not None:
                    tally = by_metric.setdefault((name, metric), [0, 0, []])
                    tally[1] += 1
                    if not ok:
                        tally[0] += 1
                        tally[2].append(f"{kind} {what}")
            rows.append([
                name, kind,
                f"{fmt(median(o.diag_ms), 2)} / {fmt(p95(o.diag_ms), 2)}",
                f"{fmt(median(i.diag_ms), 2)} / {fmt(p95(i.diag_ms), 2)}",
                fmt_ratio(r) + mark(ok_ratio),
                f"{fmt(cm, 2)} / {fmt(cp, 2)}" + mark(ok_c) if cm is not None else "–",
                fmt(median(i.completion_ms), 2),
                f"{fmt(hm, 2)} / {fmt(hp, 2)}" + mark(ok_h) if hm is not None else "–",
                fmt(median(i.hover_ms), 2),
            ])
    for (name, metric), (missed, total, which) in by_metric.items():
        if missed:
            misses.append(f"{name}: {metric} missed at {missed} of {total} places: " + "; ".join(which))
    return render(headers, rows, markdown), misses


def document_table(results: dict[str, dict[str, Session]], sizes: dict[str, int], markdown: bool
                   ) -> tuple[str, list[str]]:
    headers = ["document", "KB", "open→diag ours / inc ms", "first completion / hover ours", "inc", "peak MiB ours / inc", "limit MiB",
               "diagnostics after open / at end, ours", "inc"]
    rows, misses = [], []
    for name, by_server in results.items():
        ours, inc = by_server.get("gemini-lsp"), by_server.get("vscode-json")
        if ours is None or inc is None:
            continue
        limit = memory_limit_bytes(sizes[name])
        ok = ours.peak_kib * 1024 < limit
        if not ok:
            misses.append(f"{name}: peak memory {ours.peak_kib / 1024:.0f} MiB ≥ {limit / MIB:.0f} MiB")
        for s in (ours, inc):
            if s.error:
                misses.append(f"{name} {s.server}: ERROR {s.error}")
            elif s.diagnostics_after_open != s.diagnostics_at_end:
                misses.append(f"{name} {s.server}: {s.diagnostics_after_open} diagnostics on open, "
                              f"{s.diagnostics_at_end} after every edit was undone")
        rows.append([
            name + (" (!)" if ours.error or inc.error else ""),
            f"{sizes[name] / 1024:,.0f}",
            f"{fmt(ours.open_ms)} / {fmt(inc.open_ms)}",
            f"{fmt(ours.first_completion_ms)} / {fmt(ours.first_hover_ms)}",
            f"{fmt(inc.first_completion_ms)} / {fmt(inc.first_hover_ms)}",
            f"{ours.peak_kib / 1024:.0f}{mark(ok)} / {inc.peak_kib / 1024:.0f}",
            f"{limit / MIB:.0f}",
            f"{ours.diagnostics_after_open} / {ours.diagnostics_at_end}",
            f"{inc.diagnostics_after_open} / {inc.diagnostics_at_end}",
        ])
    return render(headers, rows, markdown), misses


def startup_table(startups: dict[str, list[float]], markdown: bool) -> tuple[str, list[str]]:
    floor = median(startups.get("floor", []))
    rows, misses = [], []
    for name, values in startups.items():
        m = median(values)
        over = None if m is None or floor is None else m - floor
        rows.append([name, str(len(values)), fmt(m), fmt(min(values) if values else None),
                     fmt(max(values) if values else None), fmt(over)])
        if name == "gemini-lsp" and over is not None and over > 100:
            misses.append(f"start-up: gemini-lsp {fmt(m)} ms, floor {fmt(floor)} ms: {fmt(over)} ms above (target ≤ 100)")
    headers = ["server", "runs", "spawn→initialize med ms", "min", "max", "above the floor"]
    return render(headers, rows, markdown), misses


def versions() -> dict[str, str]:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    from importlib.metadata import version

    info = {
        "python": platform.python_version(),
        "node": run(["node", "--version"]),
        "pygls": version("pygls"),
        "lsprotocol": version("lsprotocol"),
    }
    try:
        info["vscode-langservers-extracted"] = json.loads(
            (HERE / "node_modules" / "vscode-langservers-extracted" / "package.json").read_text())["version"]
        info["vscode-json-languageservice"] = json.loads(
            (HERE / "node_modules" / "vscode-json-languageservice" / "package.json").read_text())["version"]
    except OSError:
        pass
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["cpu"] = cpu
    info["nproc"] = str(os.cpu_count())
    try:
        info["loadavg_at_start"] = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        pass
    return info


async def main_async(args: argparse.Namespace) -> int:
    if not INCUMBENT_BIN.exists():  # one command on a fresh machine: install the pinned incumbent first
        print(f"installing the incumbent (npm ci in {HERE}) ...", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=False)
    if not INCUMBENT_BIN.exists():
        print(f"the incumbent is not installed: run `npm ci` in {HERE}", file=sys.stderr)
        return 2
    manifest = gen_docs.generate(OUT)
    everything = args.only is None and args.docs is None  # `--docs` with no names: start-up only
    names = [n for n in manifest if everything or any(n.startswith(o) for o in args.only or ()) or n in (args.docs or ())]
    if args.quick:
        names = [n for n in names if n.startswith(("small", "medium"))]
    reps = args.reps or (2 if args.quick else 3)
    starts = args.startups if args.startups is not None else (3 if args.quick else 7)
    servers: list[Server] = [Ours(), Incumbent()]
    info = versions()
    print("machine and versions:", json.dumps(info), flush=True)
    for server in servers:
        print(f"sanity ({server.name}, known-bad document):", await sanity(server), flush=True)
    startups: dict[str, list[float]] = {}
    for n in range(starts):  # interleaved so that a burst of load hits all three alike
        contenders: list[Server] = [Floor(), Ours(), Incumbent()]
        if args.baseline:
            contenders.append(Ours(Path(args.baseline).resolve(), "gemini-lsp (baseline)"))
        for server in contenders:
            startups.setdefault(server.name, []).append(await startup_ms(server))
    if starts:
        print("start-up medians: " + ", ".join(f"{k} {fmt(median(v))} ms" for k, v in startups.items()), flush=True)
    results: dict[str, dict[str, Session]] = {}
    for n, name in enumerate(names):
        path = Path(manifest[name]["path"])
        order = servers if n % 2 == 0 else list(reversed(servers))
        for server in order:
            s = await session(server, name, path, reps)
            results.setdefault(name, {})[server.name] = s
            save(info, reps, {}, startups, results, [])  # so that an interrupted run keeps what it measured
            status = f" ERROR {s.error}" if s.error else ""
            worst = max(((median(p.diag_ms) or 0.0, k) for k, p in s.places.items()), default=(0.0, "–"))
            print(f"  {name:38} {server.name:12} open {s.open_ms:8.1f} ms  slowest place {worst[1]:14} "
                  f"{fmt(worst[0], 2):>7} ms  peak {s.peak_kib / 1024:4.0f} MiB  diagnostics "
                  f"{s.diagnostics_after_open}/{s.diagnostics_at_end}{status}", flush=True)
    sizes = {name: manifest[name]["bytes"] for name in names}
    load_end = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    info["loadavg_at_end"] = load_end
    places_text, place_misses = place_table(results, args.markdown)
    docs_text, doc_misses = document_table(results, sizes, args.markdown)
    start_text, start_misses = startup_table(startups, args.markdown)
    print(f"\nload average at start {info.get('loadavg_at_start')}, at end {load_end}; reps per place {reps}")
    print("\nStart-up\n")
    print(start_text)
    print("\nDocuments\n")
    print(docs_text)
    print("\nKinds of place (ms; ✗ = misses its target)\n")
    print(places_text)
    misses = start_misses + doc_misses + place_misses
    print(f"\nTargets missed: {len(misses)}")
    for miss in misses:
        print("  - " + miss)
    save(info, reps, sizes, startups, results, misses)
    return 0


def save(info: dict[str, str], reps: int, sizes: dict[str, int], startups: dict[str, list[float]],
         results: dict[str, dict[str, Session]], misses: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({
        "info": info,
        "reps": reps,
        "sizes": sizes,
        "startups": startups,
        "sessions": {name: {s: asdict(r) for s, r in by.items()} for name, by in results.items()},
        "misses": misses,
    }, indent=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="document name prefixes (e.g. large-turns medium.unclosed)")
    parser.add_argument("--docs", nargs="*", help="exact document names (e.g. large-turns large-blob.unclosed-late)")
    parser.add_argument("--baseline", help="another checkout (e.g. of main): its server joins the start-up measurement")
    parser.add_argument("--reps", type=int, default=0,
                        help="rounds per kind of place (each: edit+pull, undo+pull, edit+completion, undo+hover); "
                             "default 3, 2 with --quick")
    parser.add_argument("--startups", type=int, default=None, help="start-up measurements per server (default 7)")
    parser.add_argument("--quick", action="store_true", help="small and medium documents only, fewer rounds")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
