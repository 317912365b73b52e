"""Sending one prepared request with httpx (async, so the language server can cancel it in its event loop),
retrying only what `retry.decide` allows, reading a stream with our own SSE reader.

Redirects are refused, plain http goes only to loopback (`endpoint.validate_base_url`), timeouts are per phase
(connect 10 s, write 60 s, read as long as a thinking model may need), every wait goes through an injectable,
cancellable `sleep` and is reported through `on_event`. Nothing here prints or logs a header value.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .. import __version__
from .credentials import Credentials
from .errors import ApiError, error_from_json, parse_error_answer
from .retry import Policy, Retry, decide

__all__ = ["Prepared", "Outcome", "send", "DEFAULT_READ_TIMEOUT_S", "MAX_RESPONSE_BYTES"]

DEFAULT_READ_TIMEOUT_S = 600.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

EventHandler = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Prepared:
    url: str
    body: bytes
    method: str      # the API method (retry rules differ for cachedContents)
    stream: bool


@dataclass
class Outcome:
    """What came back. `status` None: no answer at all (`failure` says why). `incomplete`: a stream that broke."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: list[Any] = field(default_factory=list)
    text: str = ""
    error: ApiError | None = None
    incomplete: bool = False
    attempts: int = 0
    elapsed_s: float = 0.0
    failure: str | None = None
    stop_reason: str | None = None
    hint: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None and not self.incomplete


def _timeout(read_s: float) -> httpx.Timeout:
    return httpx.Timeout(connect=10.0, write=60.0, read=read_s, pool=10.0)


def _stream_text(event: Any) -> str:
    out = []
    if isinstance(event, dict):
        for candidate in event.get("candidates") or ():
            content = candidate.get("content") if isinstance(candidate, dict) else None
            for part in (content or {}).get("parts") or () if isinstance(content, dict) else ():
                if isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought"):
                    out.append(part["text"])
    return "".join(out)


async def send(
    prepared: Prepared,
    credentials: Credentials,
    *,
    policy: Policy,
    rng: random.Random | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_event: EventHandler | None = None,
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Send with retries. Cancelling the task that awaits this stops the request (or the wait) at once."""
    rng = rng or random.Random()
    emit = on_event or (lambda kind, data: None)
    outcome = Outcome()
    started = clock()
    refreshed = False
    refresh_next = False
    async with httpx.AsyncClient(transport=transport, follow_redirects=False, timeout=_timeout(read_timeout_s),
                                 trust_env=False) as client:
        attempt = 0
        while True:
            attempt += 1
            outcome.attempts = attempt
            headers = {"Content-Type": "application/json", "User-Agent": f"gemini-lsp/{__version__}"}
            headers.update(await credentials.headers(refresh=refresh_next))
            refresh_next = False
            emit("attempt", {"attempt": attempt})
            t0 = clock()
            result = await _one_try(client, prepared, headers, emit)
            outcome.status, outcome.headers, outcome.body = result.status, result.headers, result.body
            outcome.events, outcome.text, outcome.error = result.events, result.text, result.error
            outcome.incomplete, outcome.failure = result.incomplete, result.failure
            took = clock() - t0
            outcome.log.append(f"try {attempt}: {result.status or result.failure} in {took:.2f} s")
            decision = decide(prepared.method, result.status if result.failure is None else None, result.body,
                              result.headers, attempt, clock() - started, policy=policy, rng=rng,
                              failure=result.failure_kind, sent=result.sent, delivered_output=result.delivered,
                              oauth=credentials.kind == "oauth", refreshed=refreshed)
            if isinstance(decision, Retry):
                if decision.refresh_token:
                    refreshed = True
                    refresh_next = True
                emit("wait", {"seconds": decision.wait_s, "reason": decision.reason, "attempt": attempt})
                outcome.log.append(f"waiting {decision.wait_s:.1f} s: {decision.reason}")
                if decision.wait_s > 0:
                    await sleep(decision.wait_s)
                continue
            outcome.stop_reason = None if decision.reason == "done" else decision.reason
            outcome.hint = decision.hint
            break
    outcome.elapsed_s = clock() - started
    return outcome


@dataclass
class _Try:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: list[Any] = field(default_factory=list)
    text: str = ""
    error: ApiError | None = None
    incomplete: bool = False
    failure: str | None = None        # text for people
    failure_kind: str | None = None   # connect | timeout | reset | protocol
    sent: bool = False
    delivered: bool = False


async def _one_try(client: httpx.AsyncClient, prepared: Prepared, headers: dict[str, str],
                   emit: EventHandler) -> _Try:
    out = _Try()
    request = client.build_request("POST", prepared.url, content=prepared.body, headers=headers)
    try:
        response = await client.send(request, stream=True)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        out.failure, out.failure_kind = f"could not connect ({type(error).__name__})", "connect"
        return out
    except (httpx.WriteTimeout, httpx.WriteError) as error:
        out.failure, out.failure_kind, out.sent = f"sending failed ({type(error).__name__})", "timeout", True
        return out
    except httpx.ReadTimeout:
        out.failure, out.failure_kind, out.sent = "no answer within the read timeout", "timeout", True
        return out
    except (httpx.RemoteProtocolError, httpx.ReadError) as error:
        out.failure, out.failure_kind, out.sent = f"the connection broke ({type(error).__name__})", "reset", True
        return out
    out.sent = True
    try:
        out.status = response.status_code
        out.headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        emit("status", {"status": out.status})
        if prepared.stream and out.status == 200:
            await _read_stream(response, out, emit)
        else:
            out.body = await _read_limited(response)
            if out.status >= 400:
                out.error = parse_error_answer(out.body.decode("utf-8", errors="replace")) or \
                    ApiError(message=f"HTTP {out.status} with no error body", code=out.status)
    except httpx.ReadTimeout:
        out.failure, out.failure_kind = "the answer stopped arriving (read timeout)", "timeout"
        out.incomplete = prepared.stream
    except (httpx.RemoteProtocolError, httpx.ReadError) as error:
        out.failure, out.failure_kind = f"the connection broke ({type(error).__name__})", "reset"
        out.incomplete = prepared.stream
    finally:
        await response.aclose()
    return out


async def _read_limited(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise httpx.ReadError(f"the answer is larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_stream(response: httpx.Response, out: _Try, emit: EventHandler) -> None:
    from .sse import SSEReader

    reader = SSEReader()
    raw: list[bytes] = []
    size = 0

    def handle(data: str) -> None:
        try:
            event = json.loads(data)
        except ValueError:
            event = {"unparsed": data}
        out.events.append(event)
        error = error_from_json(event, "sse") if isinstance(event, (dict, list)) else None
        if error is not None:
            out.error = error
            out.incomplete = True
            emit("error", {"message": error.message})
            return
        text = _stream_text(event)
        if text:
            out.text += text
            out.delivered = True
            emit("chunk", {"text": text})

    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise httpx.ReadError(f"the answer is larger than {MAX_RESPONSE_BYTES} bytes")
            raw.append(chunk)
            for data in reader.feed(chunk):
                handle(data)
        for data in reader.close():
            handle(data)
    finally:
        out.body = b"".join(raw)
        if out.events == [] and out.error is None and out.failure is None:
            pass
    if out.error is None and not out.events:
        out.incomplete = True  # 200 with nothing in it
    if out.error is None and out.events and isinstance(out.events[-1], dict) and "usageMetadata" not in out.events[-1]:
        # the last frame of a finished stream carries usageMetadata; without it the stream may have been cut
        out.incomplete = True
