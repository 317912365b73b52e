"""Pure parts of sending: envelopes, the retry table, the SSE reader, sanitizing, URLs; and the transport against
httpx.MockTransport (no network)."""

from __future__ import annotations

import asyncio
import json
import random

import httpx
import pytest

from gemini_lsp.sending.credentials import CredentialError, Credentials, api_key_from_env
from gemini_lsp.sending.endpoint import EndpointError, Target, build_url
from gemini_lsp.sending.errors import parse_error_answer
from gemini_lsp.sending.retry import CLI_POLICY, EDITOR_POLICY, Policy, Retry, Stop, backoff, decide
from gemini_lsp.sending.sanitize import mask_headers, safe_url, scrub, shorten_base64
from gemini_lsp.sending.sse import SSEReader
from gemini_lsp.sending.transport import Prepared, send
from test_secrets import fake_key

KEY = fake_key(77)


def _err(code: int, status: str, message: str = "x", details: list | None = None) -> bytes:
    return json.dumps({"error": {"code": code, "status": status, "message": message, "details": details or []}}).encode()


# -- envelopes ------------------------------------------------------------------------------------------------------

def test_envelope_details() -> None:
    body = _err(429, "RESOURCE_EXHAUSTED", "slow down", [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "36.429760048s"},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "d", "url": "https://ai.google.dev/x"}]},
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com"}])
    error = parse_error_answer(body.decode())
    assert error is not None
    assert error.retry_delay == pytest.approx(36.429760048)
    assert error.help_url == "https://ai.google.dev/x" and error.diagnostic_code == "RATE_LIMIT_EXCEEDED"


def test_bare_text_and_nothing() -> None:
    assert parse_error_answer("") is None
    error = parse_error_answer("400 Bad Request: Request contains an invalid argument.")
    assert error is not None and error.code == 400 and error.message.endswith("invalid argument.")


# -- retry table ----------------------------------------------------------------------------------------------------

RNG = random.Random(3)


def _decide(status: int | None, body: bytes = b"", attempt: int = 1, **kw) -> Retry | Stop:  # type: ignore[no-untyped-def]
    headers = kw.pop("headers", {})
    return decide(kw.pop("method", "generateContent"), status, body, headers, attempt, kw.pop("elapsed", 0.0),
                  policy=kw.pop("policy", CLI_POLICY), rng=random.Random(1), **kw)


@pytest.mark.parametrize("status", [400, 403, 404, 409, 413, 501])
def test_never_retried(status: int) -> None:
    assert isinstance(_decide(status, _err(status, "X")), Stop)


def test_401_only_one_token_refresh() -> None:
    assert isinstance(_decide(401), Stop)
    first = _decide(401, oauth=True)
    assert isinstance(first, Retry) and first.refresh_token
    assert isinstance(_decide(401, oauth=True, refreshed=True), Stop)


@pytest.mark.parametrize("status", [408, 502, 503, 504])
def test_transient_with_backoff(status: int) -> None:
    decision = _decide(status)
    assert isinstance(decision, Retry) and 1.0 <= decision.wait_s <= 4.0


def test_500_at_most_twice() -> None:
    assert isinstance(_decide(500, attempt=1), Retry)
    assert isinstance(_decide(500, attempt=2), Retry)
    stop = _decide(500, attempt=3)
    assert isinstance(stop, Stop) and stop.hint and "too long" in stop.hint


def test_429_rules() -> None:
    short = _decide(429, _err(429, "RESOURCE_EXHAUSTED", "Please retry in 2.5s."))
    assert isinstance(short, Retry) and 2.5 <= short.wait_s <= 2.5 + 4.0 + 1.0
    long = _decide(429, _err(429, "RESOURCE_EXHAUSTED", "q", [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57s"}]), headers={"Retry-After": "120"})
    assert isinstance(long, Stop) and "120" in long.reason
    per_day = _decide(429, _err(429, "RESOURCE_EXHAUSTED", "q", [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3s"}]))
    assert isinstance(per_day, Stop) and "per-day" in per_day.reason
    assert isinstance(_decide(429, _err(429, "RESOURCE_EXHAUSTED", "metric x, limit: 0, model: m")), Stop)


def test_no_repeat_after_send_for_cached_content_and_delivered_stream() -> None:
    assert isinstance(_decide(None, failure="timeout", sent=True, method="cachedContents"), Stop)
    assert isinstance(_decide(None, failure="timeout", sent=True), Retry)
    assert isinstance(_decide(None, failure="timeout", sent=True, attempt=2), Stop)
    assert isinstance(_decide(None, failure="connect", method="cachedContents"), Retry)
    assert isinstance(_decide(None, failure="reset", sent=True, delivered_output=True, method="streamGenerateContent"), Stop)


def test_budget_and_count() -> None:
    assert isinstance(_decide(503, attempt=CLI_POLICY.retries + 1), Stop)
    assert isinstance(_decide(503, elapsed=EDITOR_POLICY.budget_s - 0.5, policy=EDITOR_POLICY), Stop)


def test_backoff_is_full_jitter_capped() -> None:
    rng = random.Random(5)
    waits = [backoff(n, 30.0, rng) for n in range(1, 12) for _ in range(20)]
    assert min(waits) >= 1.0 and max(waits) <= 30.0


# -- SSE ------------------------------------------------------------------------------------------------------------

def test_sse_crlf_split_chunks_and_u2028() -> None:
    reader = SSEReader()
    payload = 'data: {"t": "a\u2028b"}\r\n\r\ndata: {"t": 2}\n\n: comment\ndata: {"t": 3}'.encode()
    events: list[str] = []
    for i in range(0, len(payload), 3):  # every split, also inside a UTF-8 character
        events += reader.feed(payload[i:i + 3])
    events += reader.close()
    assert [json.loads(e)["t"] for e in events] == ["a\u2028b", 2, 3]


# -- sanitizing ------------------------------------------------------------------------------------------------------

def test_sanitize() -> None:
    assert mask_headers({"x-goog-api-key": KEY, "Authorization": "Bearer ya29.x", "Accept": "a"}) == {
        "x-goog-api-key": "***", "Authorization": "Bearer ***", "Accept": "a"}
    assert KEY not in safe_url(f"https://h/v1beta/models/m:generateContent?key={KEY}&alt=sse")
    long = "A" * 400
    assert shorten_base64(f'{{"data": "{long}"}}').startswith('{"data": "<base64 300 bytes sha256:')
    assert KEY not in scrub(f"oops {KEY} here") and "ya29" not in scrub("Bearer ya29.abc", ["ya29.abc"])


def test_endpoints() -> None:
    assert build_url(Target("gemini", "v1beta", "generateContent", "models/gemini-2.5-flash")) == \
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
    assert build_url(Target("gemini", "v1beta", "streamGenerateContent", "gemini-2.5-flash")).endswith(
        "models/gemini-2.5-flash:streamGenerateContent?alt=sse")
    assert build_url(Target("vertex", "v1", "countTokens", "gemini-2.5-pro", project="p", location="us-central1")) == \
        "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:countTokens"
    assert build_url(Target("vertex", "v1", "generateContent", "gemini-2.5-pro", project="p", location="eu")).startswith(
        "https://aiplatform.eu.rep.googleapis.com/v1/projects/p/locations/eu/")
    assert build_url(Target("vertex", "v1", "generateContent", "gemini-2.5-pro", express=True)) == \
        "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-pro:generateContent"
    assert build_url(Target("gemini", "v1beta", "cachedContents", None)).endswith("/v1beta/cachedContents")
    with pytest.raises(EndpointError):
        build_url(Target("gemini", "v1beta", "generateContent", None))
    with pytest.raises(EndpointError):
        build_url(Target("gemini", "v1beta", "generateContent", "m", base_url="http://example.com"))
    with pytest.raises(EndpointError):
        build_url(Target("vertex", "v1", "generateContent", "m"))


def test_key_from_env() -> None:
    assert api_key_from_env({"GOOGLE_API_KEY": "b", "GEMINI_API_KEY": "a"}) == ("a", "GEMINI_API_KEY")
    assert api_key_from_env({"GOOGLE_API_KEY": "b"}) == ("b", "GOOGLE_API_KEY")
    with pytest.raises(CredentialError):
        Credentials.for_target("gemini", False, {})


# -- transport (httpx.MockTransport) ---------------------------------------------------------------------------------

def _run(handler, prepared: Prepared | None = None, policy: Policy = CLI_POLICY, creds: Credentials | None = None):  # type: ignore[no-untyped-def]
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    prepared = prepared or Prepared("https://generativelanguage.googleapis.com/v1beta/models/m:generateContent",
                                    b'{"contents": []}', "generateContent", False)
    creds = creds or Credentials.for_target("gemini", False, {"GEMINI_API_KEY": KEY})
    outcome = asyncio.run(send(prepared, creds, policy=policy, rng=random.Random(2), sleep=fake_sleep,
                               transport=httpx.MockTransport(handler)))
    return outcome, waits


def test_503_503_200() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) < 3:
            return httpx.Response(503, content=_err(503, "UNAVAILABLE", "The model is overloaded."))
        return httpx.Response(200, json={"candidates": []})

    outcome, waits = _run(handler)
    assert outcome.ok and outcome.attempts == 3 and len(waits) == 2
    assert all(r.headers["x-goog-api-key"] == KEY and "key=" not in str(r.url) for r in seen)
    assert KEY not in "\n".join(outcome.log)


@pytest.mark.parametrize("status", [400, 501])
def test_one_request_only(status: int) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, content=_err(status, "INVALID_ARGUMENT"))

    outcome, waits = _run(handler)
    assert len(calls) == 1 and waits == [] and outcome.error is not None and not outcome.ok


def test_429_long_delay_and_per_day_once() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(429, content=_err(429, "RESOURCE_EXHAUSTED", "q", [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57s"}]), headers={"Retry-After": "90"})

    outcome, _ = _run(handler)
    assert len(calls) == 1 and outcome.hint and "90" in outcome.hint


def test_connect_error_retried_and_redirect_refused() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(302, headers={"Location": "https://evil.example/"})

    outcome, waits = _run(handler)
    assert len(calls) == 2 and outcome.status == 302 and outcome.stop_reason and "redirect" in outcome.stop_reason


def test_vertex_401_refreshes_token_once(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gcloud = tmp_path / "gcloud"
    counter = tmp_path / "n"
    gcloud.write_text(f'#!/bin/sh\necho x >> {counter}\necho "ya29.token-$(wc -l < {counter} | tr -d \' \')"\n')
    gcloud.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    tokens = []

    def handler(request: httpx.Request) -> httpx.Response:
        tokens.append(request.headers["authorization"])
        if len(tokens) == 1:
            return httpx.Response(401, content=_err(401, "UNAUTHENTICATED"))
        return httpx.Response(200, json={"totalTokens": 3})

    creds = Credentials.for_target("vertex", False, {})
    outcome, _ = _run(handler, creds=creds)
    assert outcome.ok and tokens == ["Bearer ya29.token-1", "Bearer ya29.token-2"]


def test_cached_content_timeout_not_repeated() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("slow")

    prepared = Prepared("https://generativelanguage.googleapis.com/v1beta/cachedContents", b"{}", "cachedContents", False)
    outcome, _ = _run(handler, prepared)
    assert len(calls) == 1 and outcome.status is None and outcome.failure


def test_stream_mid_error_is_incomplete_and_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        body = ('data: {"candidates": [{"content": {"parts": [{"text": "Once"}]}}]}\r\n\r\n'
                'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}\r\n\r\n')
        return httpx.Response(200, content=body.encode(), headers={"Content-Type": "text/event-stream"})

    prepared = Prepared("https://h.example/v1beta/models/m:streamGenerateContent?alt=sse", b"{}", "streamGenerateContent", True)
    outcome, _ = _run(handler, prepared)
    assert len(calls) == 1 and outcome.text == "Once" and outcome.incomplete and outcome.error is not None


def test_count_tokens_wraps_the_body_as_written() -> None:
    from gemini_lsp.analysis import analyze
    from gemini_lsp.sending.prepare import SendOptions, prepare
    from gemini_lsp.settings import Settings

    text = "{\n  'contents': [{'parts': [{'text': 'hi'}]}],  // lenient, as the API accepts\n}"
    analysis = analyze(text, "a.gemini.json", Settings())
    prepared, target = prepare(text.encode(), analysis, SendOptions(method="countTokens", model="gemini-3.8-flash"),
                               {"GEMINI_API_KEY": KEY})
    assert prepared.url.endswith("/v1beta/models/gemini-3.8-flash:countTokens") and not prepared.stream
    body = prepared.body.decode()
    assert body.startswith('{"generateContentRequest": {"model": "models/gemini-3.8-flash",') and text[1:] in body
    plain, _ = prepare(text.encode(), analysis, SendOptions(model="gemini-3.8-flash"), {"GEMINI_API_KEY": KEY})
    assert plain.body == text.encode()  # sent as it is
