"""The server's log (its standard error, which VS Code shows as `[error]` lines) holds only real problems: ordinary
LSP traffic such as cancelling a request that was already answered logs nothing."""

from __future__ import annotations

import json
import subprocess

from conftest import server_command, server_env


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _session(*messages: dict) -> subprocess.CompletedProcess[bytes]:
    """A whole client session over stdio: initialize, the given messages, shutdown and exit."""
    script = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                                        "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        *messages,
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    return subprocess.run(server_command(), input=b"".join(_frame(m) for m in script), capture_output=True,
                          env=server_env(), timeout=120)


def _responses(stdout: bytes) -> list[dict]:
    out = []
    while stdout:
        header, _, rest = stdout.partition(b"\r\n\r\n")
        fields = dict(line.split(b":", 1) for line in header.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        out.append(json.loads(rest[:length]))
        stdout = rest[length:]
    return out


def test_completion_then_a_late_cancel_logs_nothing():
    uri = "file:///tmp/story.gemini.json"
    result = _session(
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "gemini-json", "version": 1, "text": '{"contents": [], ""}'}}},
        {"jsonrpc": "2.0", "id": 7, "method": "textDocument/completion", "params": {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 18}}},
        # the client cancels what it no longer needs; by now the server may have answered it, or never heard of it
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 12345}},
    )
    assert result.returncode == 0, result.stderr.decode()
    answered = {r.get("id") for r in _responses(result.stdout)}
    assert {1, 2} <= answered
    assert result.stderr.decode() == ""
