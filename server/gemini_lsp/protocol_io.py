"""The server's stdio transport: a forgiving frame reader and a JSON-RPC front door that answers every request.

pygls 2.1.1 reads stdin with a strict loop (`pygls.io_.run_async`): a `Content-Length` header that is not
`Content-Length: <digits>\\r\\n` exactly (lower case, LF line ends, a sign, a missing header) leaves it waiting for a
header that never comes, so the server never answers again; a huge length is passed to `read()` (MemoryError);
invalid JSON, invalid params, a batch, an object as id or a message without `"jsonrpc"` are logged as errors and never
answered; requests after `shutdown` are dropped without an answer; and `exit` always ends with status 0.

Here instead:

- `FrameReader` (pure: bytes in, frames out) accepts header names in any case and LF-only line ends, and when the
  declared length cannot be right (not a number, negative, absurdly large, missing, or a few bytes off) it finds the
  end of the JSON value itself; bytes that belong to no frame are skipped up to the next `Content-Length` header.
  It never allocates by a declared length: it only holds what has arrived.
- `MessageHandler` answers what pygls would not: a ParseError (-32700) for a body that is not JSON, InvalidRequest
  (-32600) for a malformed envelope, a batch, or any request after `shutdown`, ServerNotInitialized (-32002) before
  `initialize`, InvalidParams (-32602) for params that do not fit the method, each logged as a warning (the
  client's mistake), not as an internal error. Valid messages go to pygls unchanged. `exit` ends the process with
  status 0 after `shutdown` and 1 without, as the LSP specification says.
- Notifications never leave a future behind in pygls' table of in-flight requests (pygls 2.1.1 keeps one for every
  notification whose handler is a coroutine or a generator; see docs/upstream/pygls-notification-leak.md).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, BinaryIO

from lsprotocol.types import ResponseErrorMessage
from pygls.io_ import StdoutWriter
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

__all__ = ["Frame", "FrameReader", "MessageHandler", "serve_stdio"]

log = logging.getLogger("gemini_lsp.protocol")

#: The largest body accepted with its declared length (a 16 MB document escaped as JSON fits many times over).
MAX_BODY = 256 * 1024 * 1024
#: A header block longer than this is not a header block.
MAX_HEADER = 8 * 1024
#: Seconds without new bytes after which an incomplete frame is examined for a length that was declared wrong.
IDLE_SECONDS = 0.2
#: Malformed messages reported to the client's log; later ones go to stderr only.
MAX_CLIENT_WARNINGS = 50

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002

_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n")
_BLANK_LINE = re.compile(rb"\r?\n")
_WS = b" \t\r\n"
_HEADER_WORD = b"content-length:"
# a header line's start, or a prefix of one cut off by the end of the data
_HEADER_START = re.compile(rb"[A-Za-z][A-Za-z0-9-]*(?:[ \t]*:|$)")
_decoder = json.JSONDecoder(strict=False)


@dataclass(frozen=True)
class Frame:
    """One message body as read from the stream; `note` says how its framing was repaired (None: it was fine).
    A frame with `body` None reports bytes that were skipped (`note` says what they were)."""

    body: bytes | None
    note: str | None = None


def _json_end(data: bytes | bytearray, start: int = 0) -> int:
    """The end offset of the JSON value at `data[start:]` (after leading whitespace), or -1 when there is none.

    The bytes are read as Latin-1, one character per byte, so the offset is a byte offset and non-ASCII UTF-8 in
    strings does not matter (only the structure is read here)."""
    text = data.decode("latin-1")
    i = start
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text) or text[i] not in "{[":
        return -1
    try:
        _, end = _decoder.raw_decode(text, i)
    except ValueError:
        return -1
    return end


def _last_byte(data: bytearray) -> int:
    """The last byte that is not whitespace (0 when there is none), without copying the buffer."""
    i = len(data) - 1
    while i >= 0 and data[i] in _WS:
        i -= 1
    return data[i] if i >= 0 else 0


def _is_header_prefix(data: bytes | bytearray) -> bool:
    """Whether `data` (whitespace stripped) is empty or could be the start of the next frame's header block."""
    rest = bytes(data[:64]).lstrip(_WS)
    return not rest or bool(_HEADER_START.match(rest))


class FrameReader:
    """Splits a byte stream into message bodies, tolerating the framing mistakes clients and people make."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.eof = False

    def feed(self, data: bytes) -> None:
        if data:
            self.buffer += data
        else:
            self.eof = True

    @property
    def pending(self) -> bool:
        """Whether bytes are held that do not form a whole frame yet (`next` strips blank lines first)."""
        return bool(self.buffer)

    def next(self, idle: bool = False) -> Frame | None:
        """The next frame, or None when more bytes are needed. `idle`: no more bytes arrived for a while, so an
        incomplete frame may be one whose declared length is wrong."""
        buf = self.buffer
        idle = idle or self.eof
        # blank lines between frames are harmless
        start = 0
        while start < len(buf) and buf[start] in _WS:
            start += 1
        if start:
            del buf[:start]
        if not buf:
            return None
        if buf[:1] in (b"{", b"["):
            return self._unframed(0, "a message without a Content-Length header", idle)
        if not _HEADER_LINE.match(buf):
            if b"\n" not in buf[:MAX_HEADER] and len(buf) < MAX_HEADER and _HEADER_START.match(buf[:64]):
                return None  # a header line still arriving
            return self._skip_to_header(idle)
        # the header block: header lines up to a blank line (CRLF or LF)
        pos = 0
        length_field: bytes | None = None
        while True:
            m = _HEADER_LINE.match(buf, pos)
            if m is None:
                break
            line = bytes(m.group())
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and length_field is None:
                length_field = value.strip()
            pos = m.end()
            if pos > MAX_HEADER:
                return self._skip_to_header(idle, after=1)
        blank = _BLANK_LINE.match(buf, pos)
        if blank is None:
            if pos >= len(buf) and not idle:
                return None  # the header block is still arriving
            if buf[pos : pos + 1] in (b"{", b"["):
                body_start = pos  # no blank line before the body
            elif pos >= len(buf):
                return None
            else:
                return self._skip_to_header(idle, after=1)
        else:
            body_start = blank.end()
        if length_field is None:
            return self._unframed(body_start, "a message without a Content-Length header", idle)
        if not length_field.isdigit():
            shown = length_field[:20].decode("latin-1")
            return self._unframed(body_start, f"a Content-Length that is not a number ({shown!r})", idle)
        length = int(length_field)
        if length > MAX_BODY:
            return self._unframed(body_start, f"a Content-Length of {length:,} bytes (over {MAX_BODY:,})", idle)
        return self._sized(body_start, length, idle)

    # -- frames ------------------------------------------------------------------------------------------------

    def _take(self, body_start: int, body_end: int, consumed: int, note: str | None) -> Frame:
        body = bytes(self.buffer[body_start:body_end])
        del self.buffer[:consumed]
        return Frame(body, note)

    def _sized(self, body_start: int, length: int, idle: bool) -> Frame | None:
        buf = self.buffer
        end = body_start + length
        if len(buf) < end:
            # fewer bytes than declared: wait, unless the sender has stopped and what came is a whole message
            if not idle:
                return None
            found = _json_end(buf, body_start)
            if found >= 0 and _is_header_prefix(buf[found:]):
                return self._take(body_start, found, found,
                                  f"Content-Length was {length:,} but the message ended after {found - body_start:,} bytes")
            return None
        body = buf[body_start:end]
        if body.rstrip(_WS)[-1:] in (b"}", b"]") and (end == len(buf) or _is_header_prefix(buf[end : end + 16])):
            return self._take(body_start, end, end, None)
        # the declared length looks wrong: the value may end earlier (length too large) or later (too small)
        found = _json_end(buf, body_start)
        if found >= 0 and found <= end and _is_header_prefix(buf[found:end]):
            return self._take(body_start, found, found,
                              f"Content-Length was {length:,} but the message has {found - body_start:,} bytes")
        if found > end:
            nxt = _CONTENT_LENGTH.search(buf, found)
            if _is_header_prefix(buf[found : nxt.start() if nxt else len(buf)]):
                return self._take(body_start, found, found,
                                  f"Content-Length was {length:,} but the message has {found - body_start:,} bytes")
        if found < 0 and not idle and end == len(buf):
            return None  # maybe the rest of a value whose length was declared too small is still coming
        return self._take(body_start, end, end, None)  # answered with a ParseError if it is not JSON

    def _unframed(self, body_start: int, why: str, idle: bool) -> Frame | None:
        """A body whose length is unknown: the JSON value that starts there, or up to the next header."""
        buf = self.buffer
        # the whole value, even when a string in it mentions "Content-Length:" (tried only when the bytes so far
        # could end a value, so that a long message arriving in pieces is not decoded again for every piece)
        if idle or _last_byte(buf) in b"}]":
            found = _json_end(buf, body_start)
            if found >= 0 and _is_header_prefix(buf[found:]):
                return self._take(body_start, found, found, why)
        nxt = _CONTENT_LENGTH.search(buf, body_start)
        limit = nxt.start() if nxt else len(buf)
        tail = buf[body_start:limit].rstrip(_WS)
        if nxt is None and not idle and tail[-1:] not in (b"}", b"]"):
            if len(buf) - body_start > MAX_BODY:
                del buf[:]
                return Frame(None, f"{why}, and no end in {MAX_BODY:,} bytes")
            return None
        found = _json_end(bytes(buf[:limit]), body_start)
        if found >= 0 and not bytes(buf[found:limit]).strip(_WS):
            return self._take(body_start, found, found, why)
        if nxt is None and not idle:
            return None
        return self._take(body_start, limit, limit, why)  # not JSON: answered with a ParseError

    def _skip_to_header(self, idle: bool, after: int = 0) -> Frame | None:
        buf = self.buffer
        nxt = _CONTENT_LENGTH.search(buf, max(after, 1))  # the buffer does not start with a usable header block
        if nxt is None:
            if not idle and len(buf) < MAX_HEADER:
                return None  # maybe a header line still arriving
            keep = len(_HEADER_WORD) if not self.eof else 0
            skipped = max(0, len(buf) - keep)
            del buf[:skipped]
            return Frame(None, f"skipped {skipped:,} bytes that are not a message") if skipped else None
        skipped = nxt.start()
        del buf[:skipped]
        return Frame(None, f"skipped {skipped:,} bytes that are not a message")


# -- the JSON-RPC front door ---------------------------------------------------------------------------------------


def _valid_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


class MessageHandler:
    """Checks each message before pygls sees it and answers what pygls would leave unanswered."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.protocol = server.protocol
        self.initialized = False
        self.shutdown = False
        self.exit_code: int | None = None
        self.warnings = 0

    # -- replies and logging ----------------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """A client's malformed message: a warning on stderr and (the first few) in the client's log."""
        log.warning("%s", message)
        self.warnings += 1
        if self.warnings <= MAX_CLIENT_WARNINGS:
            note = "" if self.warnings < MAX_CLIENT_WARNINGS else " (further ones are logged on stderr only)"
            self.send({"jsonrpc": "2.0", "method": "window/logMessage",
                       "params": {"type": 2, "message": f"gemini-lsp: {message}{note}"}})

    def send(self, data: dict[str, Any]) -> None:
        self.protocol._send_data(data)  # noqa: SLF001 - pygls' writer, with its framing

    def error(self, msg_id: Any, code: int, message: str) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id if _valid_id(msg_id) else None,
                   "error": {"code": code, "message": message}})

    # -- messages ----------------------------------------------------------------------------------------------

    def handle_frame(self, frame: Frame) -> None:
        if frame.note:
            self.warn(f"malformed message frame: {frame.note}")
        if frame.body is not None:
            self.handle_body(frame.body)

    def handle_body(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            self.warn(f"a message that is not JSON ({reason}; {len(body):,} bytes)")
            self.error(None, PARSE_ERROR, f"Parse error: {reason}")
            return
        if isinstance(data, list):
            self.warn(f"a batch of {len(data)} messages (LSP has no batches)")
            ids = [m.get("id") for m in data if isinstance(m, dict) and "method" in m and "id" in m]
            for msg_id in ids or [None]:
                self.error(msg_id, INVALID_REQUEST, "Invalid request: batch messages are not supported")
            return
        if not isinstance(data, dict):
            self.warn(f"a message that is a JSON {type(data).__name__}, not an object")
            self.error(None, INVALID_REQUEST, "Invalid request: a message must be a JSON object")
            return
        self.handle_object(data)

    def handle_object(self, data: dict[str, Any]) -> None:
        has_id = "id" in data
        msg_id = data.get("id")
        method = data.get("method")
        is_request = has_id and "method" in data
        if has_id and not (_valid_id(msg_id) or (msg_id is None and "method" not in data)):
            self.warn(f"a message whose id is a JSON {type(msg_id).__name__} (must be an integer or a string)")
            if "method" in data:
                self.error(None, INVALID_REQUEST, "Invalid request: id must be an integer or a string")
            return
        if data.get("jsonrpc") != "2.0":
            self.warn(f"a message without \"jsonrpc\": \"2.0\" ({_describe(method, msg_id)})")
            if is_request:
                self.error(msg_id, INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"')
            return
        if "method" in data and not isinstance(method, str):
            self.warn("a message whose method is not a string")
            if is_request:
                self.error(msg_id, INVALID_REQUEST, "Invalid request: method must be a string")
            return
        if method is None:
            self.dispatch(data, is_request=False)  # a response to one of the server's requests
            return
        if method == "exit":
            self.exit_code = 0 if self.shutdown else 1
            return
        if self.shutdown:
            if is_request:
                self.warn(f"a {method!r} request after shutdown")
                self.error(msg_id, INVALID_REQUEST, f"Invalid request: the server is shut down ({method})")
            else:
                log.info("ignoring a %r notification after shutdown", method)
            return
        if not self.initialized and method != "initialize":
            if is_request:
                self.warn(f"a {method!r} request before initialize")
                self.error(msg_id, SERVER_NOT_INITIALIZED, f"The server is not initialized yet ({method})")
            else:
                log.info("ignoring a %r notification before initialize", method)
            return
        if "params" in data and data["params"] is not None and not isinstance(data["params"], (dict, list)):
            self.warn(f"a {method!r} message whose params are a JSON {type(data['params']).__name__}")
            if is_request:
                self.error(msg_id, INVALID_PARAMS, f"Invalid params for {method}: params must be an object")
            return
        if self.dispatch(data, is_request=is_request) and is_request:
            if method == "initialize":
                self.initialized = True
            elif method == "shutdown":
                self.shutdown = True

    def dispatch(self, data: dict[str, Any], is_request: bool) -> bool:
        """Structure the message with lsprotocol's types and hand it to pygls; False when it did not fit."""
        method = data.get("method")
        try:
            message = self.structure(data)
        except Exception as exc:  # noqa: BLE001 - cattrs' validation errors (the params do not fit): warned, answered
            cause = _validation_summary(exc)
            self.warn(f"invalid params in a {method!r} {'request' if is_request else 'notification'}: {cause}")
            if is_request:
                self.error(data.get("id"), INVALID_PARAMS, f"Invalid params for {method}: {cause}")
            return False
        protocol = self.protocol
        futures = protocol._request_futures  # noqa: SLF001
        before = set(futures) if not is_request else None
        # what pygls' handle_message does once the envelope is known to be valid, without its isinstance checks
        # against runtime-checkable Protocols (a third of the cost of a keystroke notification)
        ctx = contextvars.copy_context()
        try:
            if is_request:
                ctx.run(protocol._handle_request, message.id, message.method, message.params)  # noqa: SLF001
            elif method is not None:
                ctx.run(protocol._handle_notification, message.method, message.params)  # noqa: SLF001
            elif "error" in data:
                ctx.run(protocol._handle_response, message.id, None, message.error)  # noqa: SLF001
            else:
                ctx.run(protocol._handle_response, message.id, message.result)  # noqa: SLF001
        finally:
            if before is not None:
                # a notification has no id a client could cancel; pygls 2.1.1 never removes these entries
                for key in [k for k in futures if k not in before]:
                    del futures[key]
        return True

    def structure(self, data: dict[str, Any]) -> Any:
        """pygls' `structure_message` without its error-level logging (a client's mistake is not our error)."""
        protocol = self.protocol
        converter = protocol._converter  # noqa: SLF001
        if "id" in data:
            if "error" in data:
                return converter.structure(data, ResponseErrorMessage)
            if "method" in data:
                request_type = protocol.get_message_type(data["method"])
                if request_type is None:  # an unknown method: pygls answers MethodNotFound
                    return converter.structure({"params": None, **data}, JsonRPCRequestMessage)
                return converter.structure(data, request_type)
            result_type = protocol._result_types.pop(data["id"], None)  # noqa: SLF001
            return converter.structure(data, result_type or JsonRPCResponseMessage)
        notification_type = protocol.get_message_type(data.get("method", ""))
        if notification_type is None:
            return converter.structure({"params": None, **data}, JsonRPCNotification)
        return converter.structure(data, notification_type)


def _describe(method: Any, msg_id: Any) -> str:
    if isinstance(method, str):
        return f"method {method!r}" + (f", id {msg_id!r}" if _valid_id(msg_id) else "")
    return "no method"


def _validation_summary(exc: BaseException) -> str:
    """A short, text-free account of a cattrs validation error: what failed where (never the values)."""
    try:
        from cattrs import transform_error

        parts = [p.replace("$.", "") for p in transform_error(exc)]  # type: ignore[arg-type]
    except Exception:  # logged; the warning still names the error's type
        log.warning("could not summarise a validation error", exc_info=True)
        parts = [type(exc).__name__]
    return "; ".join(parts[:4]) + (" …" if len(parts) > 4 else "")


# -- the loop ------------------------------------------------------------------------------------------------------


def _read_stream(stream: BinaryIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes],
                 credit: threading.Semaphore) -> None:
    """The reading thread: whatever bytes are available, as they come; b"" at the end of the stream.

    It reads ahead at most a few chunks (`credit`): a client that writes faster than the server reads waits on the
    pipe, instead of the server holding its backlog in memory (which the allocator then keeps)."""
    read: Callable[[int], bytes]
    try:
        fd = stream.fileno()
        # os.read on the descriptor, not the buffered stream: a daemon thread blocked inside BufferedReader holds
        # its lock, which aborts the interpreter at exit ("could not acquire lock ... at interpreter shutdown")
        read = functools.partial(os.read, fd)
    except (AttributeError, OSError, ValueError):
        read = getattr(stream, "read1", stream.read)
    while True:
        credit.acquire()
        try:
            data = read(65536)
        except (OSError, ValueError):
            data = b""
        loop.call_soon_threadsafe(queue.put_nowait, data)
        if not data:
            return


async def _serve(server: Any, stdin: BinaryIO) -> int:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    credit = threading.Semaphore(4)
    threading.Thread(target=_read_stream, args=(stdin, loop, queue, credit), name="gemini-lsp-stdin",
                     daemon=True).start()
    reader = FrameReader()
    handler = MessageHandler(server)
    getter: asyncio.Task[bytes] | None = None
    while handler.exit_code is None:
        idle = False
        if getter is None:
            getter = asyncio.ensure_future(queue.get())
        done, _ = await asyncio.wait({getter}, timeout=IDLE_SECONDS if reader.pending else None)
        if done:
            reader.feed(getter.result())
            credit.release()
            getter = None
        else:
            idle = True
        while handler.exit_code is None:
            frame = reader.next(idle=idle)
            if frame is None:
                break
            handler.handle_frame(frame)
            await asyncio.sleep(0)  # let timers and handlers run between messages
        if reader.eof and handler.exit_code is None:
            log.info("stdin closed without an exit notification")
            return 0  # the client left (LSP defines the status only for `exit`)
    if getter is not None:
        getter.cancel()
    return handler.exit_code


def serve_stdio(server: Any, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve `server` (a pygls LanguageServer) on stdin/stdout until `exit` or the end of stdin; the exit status."""
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    try:
        return asyncio.run(_serve(server, stdin or sys.stdin.buffer))
    except BrokenPipeError:
        log.warning("the client closed the connection")
        return 1
    finally:
        server.shutdown()
