"""Protocol abuse (issue 11): the real server over stdio, driven by a raw JSON-RPC writer (tests/raw_lsp.py).

Every request gets an answer (a result or a JSON-RPC error), a malformed frame is answered or skipped and the server
keeps serving, `exit` follows the specification, a client's mistake is logged as a warning (never as an internal
error), diagnostics describe the text that is open whatever version numbers the client sends, and memory returns to
where it was once documents are closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from raw_lsp import RawServer, frame

URI = "file:///abuse/request.gemini.json"
VALID = '{"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}'
UNKNOWN_FIELD = '{"contentz": [{"role": "user", "parts": [{"text": "hello"}]}]}'
HOVER = {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 3}}


@pytest.fixture
def server() -> Iterator[RawServer]:
    raw = RawServer()
    raw.initialize()
    yield raw
    raw.kill()


def assert_no_internal_error(server: RawServer) -> None:
    text = server.stderr.decode(errors="replace")
    assert "internal error" not in text and " ERROR " not in text, text[-3000:]
    for n in server.notifications:
        if n.get("method") == "window/logMessage":
            assert n["params"]["type"] != 1 and "internal error" not in n["params"]["message"], n


# -- 4. malformed frames -----------------------------------------------------------------------------------------


def _hover_message(msg_id: int) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": HOVER}


BAD_FRAMES = {
    "length not a number": lambda i: b"Content-Length: twelve\r\n\r\n" + json.dumps(_hover_message(i)).encode(),
    "negative length": lambda i: b"Content-Length: -5\r\n\r\n" + json.dumps(_hover_message(i)).encode(),
    "missing length": lambda i: b"Content-Type: application/vscode-jsonrpc\r\n\r\n"
    + json.dumps(_hover_message(i)).encode(),
    "lower-case header": lambda i: frame(_hover_message(i), header="content-length"),
    "length 3 too large": lambda i: frame(_hover_message(i), length_delta=3),
    "length 3 too small": lambda i: frame(_hover_message(i), length_delta=-3),
    "LF-only line ends": lambda i: frame(_hover_message(i), sep="\n"),
    "length 100000000000": lambda i: b"Content-Length: 100000000000\r\n\r\n" + json.dumps(_hover_message(i)).encode(),
    "garbage before the header": lambda i: b"hello there\r\n" + frame(_hover_message(i)),
}


@pytest.mark.parametrize("name", list(BAD_FRAMES))
def test_a_malformed_frame_is_answered_and_the_server_keeps_serving(server: RawServer, name: str) -> None:
    server.open(URI, VALID)
    msg_id = server.new_id()
    server.send_raw(BAD_FRAMES[name](msg_id))
    answer = server.response(msg_id)  # the message inside the bad frame is still understood
    assert "result" in answer or "error" in answer
    server.alive()
    # a well-formed message right after the bad one is read too (the stream is back in step)
    msg_id = server.new_id()
    server.send_raw(BAD_FRAMES[name](msg_id) + frame(_hover_message(msg_id + 1)))
    server.response(msg_id)
    server.last_id += 1
    assert "result" in server.response(msg_id + 1)
    assert server.stop() == 0
    assert_no_internal_error(server)


def test_invalid_json_gets_a_parse_error_and_the_server_keeps_serving(server: RawServer) -> None:
    body = b'{"jsonrpc": "2.0", "id": 5, "method": '
    server.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    answer = server.wait_for(lambda m: "error" in m and m.get("id") is None)
    assert answer["error"]["code"] == -32700
    server.alive()
    assert_no_internal_error(server)


def test_bytes_that_are_not_utf8_get_a_parse_error(server: RawServer) -> None:
    body = b'{"jsonrpc": "2.0", "id": 5, "method": "\xff\xfe"}'
    server.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert server.wait_for(lambda m: "error" in m and m.get("id") is None)["error"]["code"] == -32700
    server.alive()


# -- 5. every request gets an answer -------------------------------------------------------------------------------


BAD_PARAMS = {
    "negative line": {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}},
    "negative character": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": -4}},
    "line 2**31": {"textDocument": {"uri": URI}, "position": {"line": 2**31, "character": 0}},
    "character 2**31": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 2**31}},
    "null position": {"textDocument": {"uri": URI}, "position": None},
    "missing position": {"textDocument": {"uri": URI}},
    "params []": [],
    "params a string": "hover",
}


@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/completion"])
@pytest.mark.parametrize("name", list(BAD_PARAMS))
def test_bad_params_get_an_error_answer(server: RawServer, method: str, name: str) -> None:
    server.open(URI, VALID)
    answer = server.request(method, BAD_PARAMS[name])
    assert answer.get("error", {}).get("code") == -32602, answer
    server.alive()
    assert_no_internal_error(server)


@pytest.mark.parametrize("position", [{"line": 2**31 - 1, "character": 2**31 - 1}, {"line": 0, "character": 10**6}])
@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/completion", "textDocument/codeAction"])
def test_the_largest_valid_positions_get_a_result(server: RawServer, method: str, position: dict) -> None:
    server.open(URI, VALID)
    params: dict = {"textDocument": {"uri": URI}, "position": position}
    if method == "textDocument/codeAction":
        params = {"textDocument": {"uri": URI}, "range": {"start": position, "end": position},
                  "context": {"diagnostics": []}}
    assert "result" in server.request(method, params)
    assert_no_internal_error(server)


ENVELOPES = {
    "no jsonrpc": ({"id": 77, "method": "textDocument/hover", "params": HOVER}, 77, -32600),
    "jsonrpc 1.0": ({"jsonrpc": "1.0", "id": 77, "method": "textDocument/hover", "params": HOVER}, 77, -32600),
    "object as id": ({"jsonrpc": "2.0", "id": {"n": 1}, "method": "textDocument/hover", "params": HOVER}, None, -32600),
    "array as id": ({"jsonrpc": "2.0", "id": [1], "method": "textDocument/hover", "params": HOVER}, None, -32600),
    "method a number": ({"jsonrpc": "2.0", "id": 77, "method": 5}, 77, -32600),
    "a batch": ([{"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover", "params": HOVER}], 77, -32600),
    "a number": (5, None, -32600),
    "unknown method": ({"jsonrpc": "2.0", "id": 77, "method": "gemini/noSuchThing"}, 77, -32601),
}


@pytest.mark.parametrize("name", list(ENVELOPES))
def test_malformed_envelopes_get_an_error_answer(server: RawServer, name: str) -> None:
    message, answer_id, code = ENVELOPES[name]
    server.send(message)
    answer = server.wait_for(lambda m: "error" in m and m.get("id") == answer_id)
    assert answer["error"]["code"] == code
    server.alive()
    assert_no_internal_error(server)


def test_requests_after_shutdown_get_an_invalid_request_error() -> None:
    server = RawServer()
    try:
        server.initialize()
        assert server.request("shutdown") == {"jsonrpc": "2.0", "id": server.last_id, "result": None}
        for method, params in (("textDocument/hover", HOVER), ("shutdown", None), ("initialize", {"capabilities": {}})):
            answer = server.request(method, params)
            assert answer["error"]["code"] == -32600, answer
        server.notify("exit", None)
        assert server.proc.wait(timeout=30) == 0
    finally:
        server.kill()


def test_exit_without_shutdown_ends_with_status_1() -> None:
    server = RawServer()
    try:
        server.initialize()
        server.notify("exit", None)
        assert server.proc.wait(timeout=30) == 1
    finally:
        server.kill()


def test_a_request_before_initialize_gets_an_error() -> None:
    server = RawServer()
    try:
        answer = server.request("textDocument/hover", HOVER)
        assert answer["error"]["code"] == -32002
        server.initialize()
        server.alive()
        assert server.stop() == 0
    finally:
        server.kill()


# -- 6. version games ----------------------------------------------------------------------------------------------


def _codes(report: dict) -> list[str]:
    return sorted(d["code"] for d in report.get("items", []))


def test_repeated_and_decreasing_versions_still_describe_the_open_text(server: RawServer) -> None:
    server.open(URI, VALID, version=10)
    assert _codes(server.pull(URI)) == []
    server.change(URI, 11, VALID.replace("hello", "hello!"))
    assert _codes(server.pull(URI)) == []
    server.change(URI, 5, VALID.replace("hello", "hi"))
    assert _codes(server.pull(URI)) == []
    server.change(URI, 5, UNKNOWN_FIELD)  # the same version number again, another text
    assert "GL101" in _codes(server.pull(URI))


def test_a_reopened_document_never_gets_unchanged_for_an_old_result_id(server: RawServer) -> None:
    server.open(URI, UNKNOWN_FIELD, version=1)
    first = server.pull(URI)
    assert "GL101" in _codes(first)
    assert server.pull(URI, previous=first["resultId"])["kind"] == "unchanged"
    server.close(URI)
    server.open(URI, VALID, version=1)
    again = server.pull(URI, previous=first["resultId"])
    assert again["kind"] == "full" and _codes(again) == []
    server.close(URI)
    server.open(URI, UNKNOWN_FIELD, version=1)  # the first text again, at the same version: still analysed anew
    assert server.pull(URI, previous=first["resultId"])["kind"] == "full"


def test_result_ids_of_another_server_process_are_not_unchanged(server: RawServer) -> None:
    server.open(URI, UNKNOWN_FIELD, version=1)
    old_id = server.pull(URI)["resultId"]
    other = RawServer()
    try:
        other.initialize()
        other.open(URI, VALID, version=1)
        assert other.pull(URI, previous=old_id)["kind"] == "full"
    finally:
        other.kill()


# -- 3. long sessions: memory ----------------------------------------------------------------------------------------


def _settle(server: RawServer) -> int:
    server.alive(timeout=900)  # a liveness limit: 100,000 notifications take a minute on a busy 2-core machine
    return server.rss_kb()


def test_many_changes_do_not_grow_memory(server: RawServer) -> None:
    # pygls 2.1.1 kept a future per notification handled by a generator: 100,000 changes cost ~200 MB
    text = '{"contents": [{"parts": [{"text": "x"}]}]}'
    server.open(URI, text)
    for version in range(2, 2002):  # warm up caches, allocator arenas
        server.change(URI, version, text)
    start = _settle(server)
    for version in range(2002, 102002):
        server.change(URI, version, text if version % 2 else text.replace("x", "y"))
    grown = _settle(server) - start
    server.close(URI)
    assert grown < 10 * 1024, f"memory grew by {grown:,} KB over 100,000 changes"
    assert_no_internal_error(server)


def test_opening_and_closing_documents_returns_memory(server: RawServer) -> None:
    texts = [VALID.replace("hello", "hello " * 2000 + str(i)) for i in range(300)]  # ~12 KB each

    def cycle() -> None:
        for i, text in enumerate(texts):
            server.open(f"file:///abuse/{i}.gemini.json", text)
        server.pull("file:///abuse/0.gemini.json")
        for i in range(len(texts)):
            server.close(f"file:///abuse/{i}.gemini.json")

    cycle()  # the first round loads schemas and warms caches
    start = _settle(server)
    for _ in range(5):
        cycle()
    grown = _settle(server) - start
    assert grown < 10 * 1024, f"memory grew by {grown:,} KB after closing 300 documents five times"
