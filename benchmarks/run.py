"""End-to-end benchmark over stdio: gemini-lsp against VS Code's JSON language server, one client, one run.

    python benchmarks/run.py                 # every document, both servers, prints the table
    python benchmarks/run.py --quick         # a smoke run: fewer edits, small and medium documents only
    python benchmarks/run.py --only large-blob --edits 40 --markdown

For each document (benchmarks/gen_docs.py: 3 KB, 100 KB / 200 turns, 2 MB / 5,000 turns, one 8 MiB base64 blob, each
also broken three ways) and each server, a fresh server process is started and driven by the same pygls
`LanguageClient`:
- open → first diagnostics: `didOpen`, then a `textDocument/diagnostic` pull, timed to its answer;
- keystroke → diagnostics: a one-character incremental `didChange` (an `x` typed inside a text string, at a different
  place each time), then a pull sent right after it, timed from the change to the answer;
- completion / hover right after an edit: a keystroke, then the request, timed from the change to the answer
  (completion just after `"generationConfig": {`, hover on the `"temperature"` key);
- peak memory: VmHWM of the server process (/proc/PID/status) at the end of the session.
The servers alternate which goes first from one document to the next. The incumbent gets our generated
GenerateContentRequest schema through `workspace/didChangeConfiguration` (`json.schemas`, `json.validate.enable`);
ours runs with default settings. Before measuring, both are shown a known-bad document and must report a schema
diagnostic on it, so we know the incumbent really validates against the schema.

Results: a table on stdout (median and p95 in ms, ratio ours / incumbent) and benchmarks/out/results.json.
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
from dataclasses import dataclass, field
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


@dataclass
class Session:
    server: str
    doc: str
    open_ms: float = 0.0
    keystroke_ms: list[float] = field(default_factory=list)
    completion_ms: list[float] = field(default_factory=list)
    hover_ms: list[float] = field(default_factory=list)
    peak_kib: int = 0
    diagnostics_after_open: int = 0
    completion_items: int = 0
    hover_chars: int = 0
    error: str | None = None


class Server:
    name = ""

    def command(self) -> list[str]:
        raise NotImplementedError

    def configure(self, client: LanguageClient) -> None:
        pass


class Ours(Server):
    name = "gemini-lsp"

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


async def start(server: Server) -> tuple[LanguageClient, list[bytes]]:
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
    env["PYTHONPATH"] = str(ROOT / "server") + os.pathsep + env.get("PYTHONPATH", "")
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


class OpenDocument:
    """The client's copy of a document: text, version, positions."""

    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client = client
        self.uri = uri
        self.text = text
        self.version = 1
        self._index: LineIndex | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def position(self, offset: int) -> types.Position:
        line, character = self.index.position(offset)
        return types.Position(line=line, character=character)

    def open(self) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri, language_id="json", version=1, text=self.text)
            )
        )

    def insert(self, offset: int, new_text: str) -> None:
        """Send the change; the client's own copy is updated by `commit` (after the timed part)."""
        pos = self.position(offset)
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text=new_text)
                ],
            )
        )
        self._pending = (offset, new_text)

    def commit(self) -> None:
        offset, new_text = self._pending
        self.text = self.text[:offset] + new_text + self.text[offset:]
        self._index = None

    def close(self) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=self.uri))
        )


def edit_offsets(text: str, count: int) -> list[int]:
    """`count` places inside text strings, spread over the document (ascending, in the original text)."""
    strings = []
    pos = 0
    key = '"text": "'
    while True:
        i = text.find(key, pos)
        if i < 0:
            break
        body = i + len(key)
        end = text.find('"', body)
        strings.append((body, end if end > body else body + 1))
        pos = body
    if not strings:
        return []
    out = []
    for k in range(count):
        body, end = strings[(k * len(strings)) // count]
        span = max(1, end - body - 2)
        out.append(body + 1 + (k * 7) % span)
    return sorted(out)


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


async def session(server: Server, name: str, path: Path, edits: int, probes: int) -> Session:
    result = Session(server.name, name)
    client, stderr = await start(server)
    try:
        text = path.read_text(encoding="utf-8")
        uri = path.resolve().as_uri()
        doc = OpenDocument(client, uri, text)
        t0 = time.perf_counter()
        doc.open()
        report = await pull(client, uri)
        result.open_ms = (time.perf_counter() - t0) * 1000
        result.diagnostics_after_open = len(_items(report))
        offsets = edit_offsets(text, edits + 2 * probes)
        shift = 0
        plan = ["diag"] * edits + ["completion", "hover"] * probes
        # interleave the probes among the keystrokes so that they also land all over the document
        order = sorted(range(len(plan)), key=lambda i: (i * 7919) % len(plan))
        kinds = [plan[i] for i in order]
        for offset, kind in zip(offsets, kinds):
            site = offset + shift
            doc.index  # the client's own bookkeeping is done before the clock starts
            if kind == "diag":
                t = time.perf_counter()
                doc.insert(site, "x")
                await pull(client, uri)
                result.keystroke_ms.append((time.perf_counter() - t) * 1000)
            else:
                anchor = '"generationConfig": {' if kind == "completion" else '"temperature"'
                target = doc.text.index(anchor) + (len(anchor) if kind == "completion" else 3)
                position = doc.position(target)
                site_position = doc.position(site)
                if site_position.line == position.line and site < target:
                    position = types.Position(line=position.line, character=position.character + 1)
                ident = types.TextDocumentIdentifier(uri=uri)
                t = time.perf_counter()
                doc.insert(site, "x")
                if kind == "completion":
                    answer = await asyncio.wait_for(
                        client.text_document_completion_async(
                            types.CompletionParams(text_document=ident, position=position)
                        ),
                        TIMEOUT,
                    )
                    elapsed = (time.perf_counter() - t) * 1000
                    result.completion_ms.append(elapsed)
                    items = getattr(answer, "items", answer) or []
                    result.completion_items = len(items)
                else:
                    answer = await asyncio.wait_for(
                        client.text_document_hover_async(types.HoverParams(text_document=ident, position=position)),
                        TIMEOUT,
                    )
                    elapsed = (time.perf_counter() - t) * 1000
                    result.hover_ms.append(elapsed)
                    contents = getattr(answer, "contents", None)
                    value = getattr(contents, "value", contents)
                    result.hover_chars = len(str(value or ""))
            doc.commit()
            shift += 1
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


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def table(results: dict[str, dict[str, Session]], sizes: dict[str, int], markdown: bool) -> str:
    headers = [
        "document", "KB",
        "keystroke→diag ours med/p95", "incumbent med/p95", "ratio",
        "completion ours/inc", "ratio",
        "hover ours/inc", "ratio",
        "open→diag ours/inc", "peak MiB ours/inc",
    ]
    rows = []
    for name, by_server in results.items():
        ours, inc = by_server.get("gemini-lsp"), by_server.get("vscode-json")
        if ours is None or inc is None:
            continue

        def pair(a: Session, b: Session, attr: str) -> tuple[str, float | None, float | None]:
            x, y = median(getattr(a, attr)), median(getattr(b, attr))
            return f"{fmt(x, 2)} / {fmt(y, 2)}", x, y

        ks_o, ks_i = median(ours.keystroke_ms), median(inc.keystroke_ms)
        comp, co, ci = pair(ours, inc, "completion_ms")
        hov, ho, hi = pair(ours, inc, "hover_ms")
        rows.append([
            name + (" (!)" if ours.error or inc.error else ""),
            f"{sizes[name] / 1024:,.0f}",
            f"{fmt(ks_o, 2)} / {fmt(p95(ours.keystroke_ms), 2)}",
            f"{fmt(ks_i, 2)} / {fmt(p95(inc.keystroke_ms), 2)}",
            ratio(ks_o, ks_i),
            comp, ratio(co, ci),
            hov, ratio(ho, hi),
            f"{fmt(ours.open_ms)} / {fmt(inc.open_ms)}",
            f"{ours.peak_kib / 1024:.0f} / {inc.peak_kib / 1024:.0f}",
        ])
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(headers))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


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
    names = [n for n in manifest if not args.only or any(n.startswith(o) for o in args.only)]
    if args.quick:
        names = [n for n in names if n.startswith(("small", "medium"))]
    servers: list[Server] = [Ours(), Incumbent()]
    info = versions()
    print("machine and versions:", json.dumps(info))
    for server in servers:
        print(f"sanity ({server.name}, known-bad document):", await sanity(server))
    results: dict[str, dict[str, Session]] = {}
    for n, name in enumerate(names):
        path = Path(manifest[name]["path"])
        edits = args.edits
        if name.startswith("large-blob") and args.blob_edits:
            edits = args.blob_edits
        order = servers if n % 2 == 0 else list(reversed(servers))
        for server in order:
            session_result = await session(server, name, path, edits, args.probes)
            results.setdefault(name, {})[server.name] = session_result
            status = f" ERROR {session_result.error}" if session_result.error else ""
            print(f"  {name:32} {server.name:12} open {session_result.open_ms:8.1f} ms  "
                  f"keystroke med {fmt(median(session_result.keystroke_ms), 2):>7} ms  "
                  f"diagnostics {session_result.diagnostics_after_open}{status}", flush=True)
    sizes = {name: manifest[name]["bytes"] for name in names}
    print()
    print(table(results, sizes, args.markdown))
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({
        "info": info,
        "sizes": sizes,
        "sessions": {name: {s: vars(r) for s, r in by.items()} for name, by in results.items()},
    }, indent=1))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="document name prefixes (e.g. large-turns medium.unclosed)")
    parser.add_argument("--edits", type=int, default=30, help="keystrokes timed per document (default 30)")
    parser.add_argument("--blob-edits", type=int, default=0, help="keystrokes on the 8 MiB documents (default: --edits)")
    parser.add_argument("--probes", type=int, default=10, help="completions and hovers per document (default 10 each)")
    parser.add_argument("--quick", action="store_true", help="small and medium documents only")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
