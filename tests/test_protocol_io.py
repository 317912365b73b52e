"""The frame reader on its own (pure: bytes in, frames out); the stdio server itself is tested in
test_protocol_abuse.py."""

from __future__ import annotations

import json

import pytest

from gemini_lsp.protocol_io import FrameReader

MESSAGE = {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"text": "é 😀 Content-Length: 3"}}
BODY = json.dumps(MESSAGE, ensure_ascii=False).encode()


def frames(data: bytes, chunk: int | None = None, idle: bool = True) -> list[tuple[bytes | None, str | None]]:
    reader = FrameReader()
    out = []
    pieces = [data] if chunk is None else [data[i : i + chunk] for i in range(0, len(data), chunk)]
    for piece in pieces:
        reader.feed(piece)
        while (frame := reader.next()) is not None:
            out.append((frame.body, frame.note))
    while idle and (frame := reader.next(idle=True)) is not None:
        out.append((frame.body, frame.note))
    return out


def header(length: int | str, name: str = "Content-Length", sep: bytes = b"\r\n") -> bytes:
    return f"{name}: {length}".encode() + sep + sep


@pytest.mark.parametrize("chunk", [None, 1, 7, 64])
def test_well_formed_frames_in_any_chunking(chunk: int | None) -> None:
    data = (header(len(BODY)) + BODY) * 3
    assert frames(data, chunk, idle=False) == [(BODY, None)] * 3


def test_content_type_header_and_any_case() -> None:
    data = b"content-type: application/vscode-jsonrpc; charset=utf-8\r\n" + header(len(BODY), "CONTENT-LENGTH") + BODY
    assert frames(data, idle=False) == [(BODY, None)]


@pytest.mark.parametrize(
    "bad",
    [header("abc"), header(-5), header(10**11), header(len(BODY) + 3), header(len(BODY) - 3),
     header(len(BODY), sep=b"\n"), b"Content-Type: x\r\n\r\n", b""],
)
def test_a_bad_frame_still_yields_its_message_and_the_next_one(bad: bytes) -> None:
    data = bad + BODY + header(len(BODY)) + BODY
    got = frames(data)
    assert [body for body, _ in got if body is not None] == [BODY, BODY], got


def test_garbage_is_skipped_with_a_note() -> None:
    got = frames(b"hello\r\nworld\r\n" + header(len(BODY)) + BODY)
    assert got[-1] == (BODY, None)
    assert any(body is None and note and "skipped" in note for body, note in got)


def test_a_declared_length_is_never_allocated() -> None:
    reader = FrameReader()
    reader.feed(header(10**11) + b'{"jsonrpc": "2.0"')
    assert reader.next() is None and len(reader.buffer) < 100


def test_a_slow_large_body_is_waited_for() -> None:
    body = json.dumps({"jsonrpc": "2.0", "method": "x", "params": {"t": "a" * 100_000}}).encode()
    reader = FrameReader()
    reader.feed(header(len(body)) + body[:50_000])
    assert reader.next(idle=True) is None  # incomplete JSON: keep waiting even when idle
    reader.feed(body[50_000:])
    frame = reader.next()
    assert frame is not None and frame.body == body and frame.note is None
