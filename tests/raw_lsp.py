"""A raw JSON-RPC client for `gemini-lsp serve`: writes any bytes (well-formed or not) and reads what comes back.

pytest-lsp cannot send a malformed frame or an invalid envelope, so the protocol-abuse tests use this instead. It
runs the real console entry point over stdio, reads frames in a thread, and exposes the server's pid for
`/proc/<pid>/status` memory readings.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any

from conftest import server_command, server_env

#: How long to wait for an answer before calling the server deaf (a liveness limit, not a speed requirement).
ANSWER_TIMEOUT = 60.0


def frame(message: Any, header: str = "Content-Length", sep: str = "\r\n", length_delta: int = 0) -> bytes:
    body = json.dumps(message).encode()
    return f"{header}: {len(body) + length_delta}{sep}{sep}".encode() + body


class RawServer:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=server_env())
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.stderr = b""
        self.last_id = 1000
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- transport ---------------------------------------------------------------------------------------------

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = -1
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = out.read(length)
            self.messages.put(json.loads(body))

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in iter(err.readline, b""):
            self.stderr += line

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_raw(frame(message))

    # -- messages ----------------------------------------------------------------------------------------------

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def wait_for(self, predicate, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching message within {timeout} s; stderr: {self.stderr[-2000:]!r}")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if "method" in message and "id" not in message:
                self.notifications.append(message)
            if predicate(message):
                return message

    def response(self, msg_id: Any, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any]:
        return self.wait_for(lambda m: "method" not in m and m.get("id") == msg_id, timeout)

    def request(self, method: str, params: Any = None) -> dict[str, Any]:
        msg_id = self.new_id()
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(msg_id)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, pull: bool = True) -> dict[str, Any]:
        caps: dict[str, Any] = {"textDocument": {"diagnostic": {}}} if pull else {}
        result = self.request("initialize", {"processId": None, "rootUri": None, "capabilities": caps})
        self.notify("initialized", {})
        return result

    def alive(self, timeout: float = ANSWER_TIMEOUT) -> None:
        """The server still answers a request (it is neither dead nor deaf)."""
        msg_id = self.new_id()
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover",
                   "params": {"textDocument": {"uri": "file:///nothing.gemini.json"},
                              "position": {"line": 0, "character": 0}}})
        answer = self.response(msg_id, timeout)
        assert "result" in answer or "error" in answer

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "gemini-json",
                                                             "version": version, "text": text}})

    def change(self, uri: str, version: int, text: str) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def pull(self, uri: str, previous: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"textDocument": {"uri": uri}}
        if previous is not None:
            params["previousResultId"] = previous
        answer = self.request("textDocument/diagnostic", params)
        assert "result" in answer, answer
        return answer["result"]

    def rss_kb(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stop(self) -> int:
        """shutdown + exit; the exit status."""
        if self.proc.poll() is None:
            try:
                self.request("shutdown")
                self.notify("exit", None)
            except (AssertionError, BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
