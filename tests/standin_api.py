"""A stand-in for the Gemini API on 127.0.0.1, for tests (and for trying `gemini-lsp send` by hand).

Routes (after an optional `/case/<id>`-style prefix that picks a scenario):

* `/case/<id>/...`: replays the answer of case <id> from tests/data/api_errors.json (real answers from public
  reports) with its HTTP status (an SSE case as a stream); streamGenerateContent under a non-stream case gets the
  slow stream below;
* `/flaky/<name>/...`: 503 twice for each <name>, then the ordinary answer;
* `/quota/<name>/...`: 429 with RetryInfo 1 s once, then the ordinary answer;
* `/hang/...`: answers after 60 s (for cancelling);
* `/slowstream/...`: three SSE frames 0.3 s apart;
* the same scenarios by model name: `models/case-<id>`, `models/flaky-x`, `models/quota-x`, `models/hang-x`,
  `models/slowstream-x` (one base URL serves a whole editor session);
* anything else: the ordinary answer. It checks `x-goog-api-key` (400 API_KEY_INVALID like the real API) and
  unknown top-level fields of generateContent / countTokens bodies (a grammar-A 400 with a field violation); else
  200 with a canned GenerateContentResponse, a countTokens total or an SSE stream ending with usageMetadata.

Every request is recorded (path, query, whether the key header matched, the header names) in `StandIn.requests`.
Run `python tests/standin_api.py KEY` to serve on a free port (printed on the first line).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

CASES = {c["id"]: c for c in json.loads((Path(__file__).parent / "data" / "api_errors.json").read_text("utf-8"))["cases"]}
GENERATE_FIELDS = {"model", "contents", "tools", "toolConfig", "tool_config", "safetySettings", "safety_settings",
                   "systemInstruction", "system_instruction", "generationConfig", "generation_config", "cachedContent",
                   "cached_content", "labels", "serviceTier", "service_tier", "store"}
COUNT_FIELDS = {"model", "contents", "generateContentRequest", "generate_content_request"}


def _reply_text(text: str) -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP",
                            "index": 0}],
            "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "totalTokenCount": 8},
            "modelVersion": "stand-in"}


class StandInHandler(BaseHTTPRequestHandler):
    key: ClassVar[str] = ""
    requests: ClassVar[list[dict[str, Any]]] = []
    counters: ClassVar[dict[str, int]] = {}
    lock: ClassVar[threading.Lock] = threading.Lock()
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {"path": parts.path, "query": parts.query, "key_ok": self.headers.get("x-goog-api-key") == self.key,
                  "headers": sorted(h.lower() for h in self.headers.keys()), "body": body.decode("utf-8", "replace")}
        with self.lock:
            type(self).requests.append(record)
        segments = parts.path.strip("/").split("/")
        scenario = segments[0] if segments else ""
        model = parts.path.rsplit("/", 1)[-1].split(":", 1)[0]
        if model.startswith("case-"):  # the model name picks a case too (one base URL for an editor session)
            segments, scenario = ["case", model[5:]], "case"
        elif model.startswith(("hang-", "flaky-", "quota-", "slowstream-")):
            scenario = model.split("-", 1)[0]
            segments = [scenario, model]
        method = parts.path.rsplit(":", 1)[-1] if ":" in parts.path else ""
        case = CASES.get(segments[1]) if scenario == "case" and len(segments) > 1 else None
        if case is not None and case["status"] != 200 and method == "streamGenerateContent":
            case, scenario = None, "slowstream"  # a case replays its (non-streamed) answer; a stream gets streamed text
        if case is not None:
            if case["status"] == 200:
                self._stream_raw([case["answer"].encode()], 0)
            else:
                self._send(case["status"], case["answer"].encode())
            return
        if scenario in ("flaky", "quota") and len(segments) > 1:
            name = f"{scenario}/{segments[1]}"
            with self.lock:
                count = self.counters.get(name, 0) + 1
                self.counters[name] = count
            if scenario == "flaky" and count <= 2:
                self._json(503, {"error": {"code": 503, "status": "UNAVAILABLE",
                                           "message": "The model is overloaded. Please try again later."}})
                return
            if scenario == "quota" and count <= 1:
                self._json(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Resource exhausted.",
                                           "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                                        "retryDelay": "1s"}]}})
                return
        if scenario == "hang":
            time.sleep(60)
        if not record["key_ok"]:
            self._json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                       "message": "API key not valid. Please pass a valid API key.",
                                       "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                    "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}})
            return
        try:
            data = json.loads(body or b"null")
        except ValueError:
            self._json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                       "message": "Invalid JSON payload received. Unexpected token."}})
            return
        allowed = COUNT_FIELDS if method == "countTokens" else GENERATE_FIELDS
        if isinstance(data, dict):
            unknown = [k for k in data if k not in allowed]
            if unknown:
                lines = [f'Invalid JSON payload received. Unknown name "{k}": Cannot find field.' for k in unknown]
                self._json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "\n".join(lines),
                                           "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                                        "fieldViolations": [{"description": x} for x in lines]}]}})
                return
        if method == "countTokens":
            self._json(200, {"totalTokens": max(1, len(body) // 4)})
        elif method == "streamGenerateContent":
            delay = 0.3 if scenario == "slowstream" else 0
            frames = [{"candidates": [{"content": {"role": "model", "parts": [{"text": t}]}}]} for t in ("Hello", " from", " the")]
            frames.append(_reply_text(" stand-in."))
            self._stream_raw([f"data: {json.dumps(f)}\r\n\r\n".encode() for f in frames], delay)
        else:
            self._json(200, _reply_text("Hello from the stand-in."))

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream_raw(self, chunks: list[bytes], delay: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.flush()
            if delay:
                time.sleep(delay)
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StandIn:
    """`with StandIn(key) as api:` serves on 127.0.0.1; `api.base_url`, `api.requests`."""

    def __init__(self, key: str) -> None:
        handler = type("Handler", (StandInHandler,), {"key": key, "requests": [], "counters": {}})
        self.handler = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.handler.requests

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    api = StandIn(sys.argv[1] if len(sys.argv) > 1 else "")
    with api:
        print(api.base_url, flush=True)
        try:
            api.thread.join()
        except KeyboardInterrupt:
            pass
