"""When to try again: one pure decision over (method, status, body, headers, attempt, elapsed).

Never a 400, 401 (except one token refresh on Vertex), 403, 404, 409, 413, other 4xx or 501; 429 only when the
server's delay is short and the quota is not per day; 500 at most twice; 408/502/503/504 and connection failures
with full-jitter exponential backoff from 1 s, capped, within a total time budget; never a cached-content create
after it was sent, nor a stream that already delivered output. The random source is a parameter.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Union

from .errors import ApiError, parse_error_answer

__all__ = ["Policy", "Retry", "Stop", "Decision", "decide", "EDITOR_POLICY", "CLI_POLICY", "server_delay"]

MAX_SERVER_DELAY_S = 60.0


@dataclass(frozen=True)
class Policy:
    """`retries`: tries after the first; `cap_s`: longest backoff wait; `budget_s`: total time for all tries."""

    retries: int
    cap_s: float
    budget_s: float


EDITOR_POLICY = Policy(retries=2, cap_s=30.0, budget_s=90.0)
CLI_POLICY = Policy(retries=4, cap_s=60.0, budget_s=300.0)


@dataclass(frozen=True)
class Retry:
    wait_s: float
    reason: str
    refresh_token: bool = False


@dataclass(frozen=True)
class Stop:
    reason: str
    hint: str | None = None


Decision = Union[Retry, Stop]


def backoff(attempt: int, cap_s: float, rng: random.Random) -> float:
    """Full jitter: `max(1 s, U(0, min(cap, 2^(attempt+1) s)))` for the wait after try number `attempt` (1-based)."""
    return max(1.0, rng.uniform(0.0, min(cap_s, 2.0 ** (attempt + 1))))


def server_delay(headers: Mapping[str, str], error: ApiError | None) -> float | None:
    """The delay the server asked for: Retry-After (seconds or an HTTP date), else RetryInfo, else `retry in Xs`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after")
    if value:
        value = value.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", value):
            return float(value)
        try:
            from datetime import datetime, timezone

            when = parsedate_to_datetime(value)
            return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            pass
    if error is not None and error.retry_delay is not None:
        return error.retry_delay
    if error is not None:
        m = re.search(r"[Pp]lease retry in (\d+(?:\.\d+)?)\s*(ms|s)\b", error.message)
        if m:
            return float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    return None


def decide(
    method: str,
    status: int | None,
    body: bytes | str | None,
    headers: Mapping[str, str],
    attempt: int,
    elapsed_s: float,
    *,
    policy: Policy,
    rng: random.Random,
    failure: str | None = None,
    sent: bool = False,
    delivered_output: bool = False,
    oauth: bool = False,
    refreshed: bool = False,
) -> Decision:
    """What to do after try number `attempt` (1-based) ended with HTTP `status` (None: no answer, see `failure`:
    "connect" before anything was sent, "timeout"/"reset" with `sent` telling whether the body went out).
    `delivered_output`: a stream that already gave the user output. `oauth`: a Vertex bearer token was used;
    `refreshed`: it was already refreshed once."""
    if status is not None and 200 <= status < 300 and failure is None:
        return Stop("done")
    if delivered_output:
        return Stop("the stream broke after it delivered output; not retried (the answer is incomplete)")
    error: ApiError | None = None
    if body:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        error = parse_error_answer(text)
    if status == 401:
        if oauth and not refreshed:
            return Retry(0.0, "401 with an access token: refreshing the token once", refresh_token=True)
        return Stop("401 UNAUTHENTICATED is not retried", "check the API key or the credentials")
    if status is not None and 300 <= status < 400:
        return Stop(f"refused a redirect ({status})")
    if status == 501:
        return Stop("501 NOT_IMPLEMENTED is not retried (the feature is not supported here)")
    if status == 429:
        return _rate_limited(headers, error, attempt, elapsed_s, policy, rng)
    if status is not None and 400 <= status < 500 and status != 408:
        return Stop(f"{status} is not retried: the request itself must change")
    if attempt > policy.retries:
        return Stop(f"gave up after {attempt} tries", _hint(status))
    if status == 500 and attempt > 2:
        return Stop("500 INTERNAL is retried at most twice", _hint(500))
    if status is None:
        if failure == "connect" or not sent:
            return _wait(attempt, elapsed_s, policy, rng, "could not connect", None)
        if method == "cachedContents":
            return Stop("no answer after the request was sent; a cached-content create is never repeated "
                        "(it may have been created)")
        if attempt > 1:
            return Stop("no answer after the request was sent; repeated once already", _hint(504))
        return _wait(attempt, elapsed_s, policy, rng, f"no answer ({failure or 'timeout'}) after the request was sent",
                     None)
    if status in (408, 500, 502, 503, 504) or status >= 500:
        return _wait(attempt, elapsed_s, policy, rng, f"{status} is transient", None, _hint(status))
    return Stop(f"{status} is not retried")


def _hint(status: int | None) -> str | None:
    if status == 504:
        return "the model may need more time: try a longer --timeout"
    if status == 500:
        return "input too long? try a smaller request or another model"
    return None


def _rate_limited(headers: Mapping[str, str], error: ApiError | None, attempt: int, elapsed_s: float, policy: Policy,
                  rng: random.Random) -> Decision:
    delay = server_delay(headers, error)
    per_day = error is not None and any("PerDay" in q for q in error.quota_ids)
    if per_day or (error is not None and re.search(r"\blimit: 0\b", error.message)):
        return Stop("429: a per-day quota (or a quota of 0) is used up; retrying now cannot help",
                    f"retry later{f' (the API says in {delay:.0f} s)' if delay else ''}")
    if delay is not None and delay > MAX_SERVER_DELAY_S:
        return Stop(f"429: the API asks to wait {delay:.0f} s, longer than {MAX_SERVER_DELAY_S:.0f} s",
                    f"retry in {delay:.0f} s")
    if attempt > policy.retries:
        return Stop(f"gave up after {attempt} tries (rate limited)")
    return _wait(attempt, elapsed_s, policy, rng, "429 RESOURCE_EXHAUSTED", delay)


def _wait(attempt: int, elapsed_s: float, policy: Policy, rng: random.Random, reason: str, delay: float | None,
          hint: str | None = None) -> Decision:
    if attempt > policy.retries:
        return Stop(f"gave up after {attempt} tries ({reason})", hint)
    wait = backoff(attempt, policy.cap_s, rng)
    if delay is not None:
        wait = max(delay, wait) + rng.uniform(0.0, 1.0)
    if elapsed_s + wait > policy.budget_s:
        return Stop(f"{reason}; a further try would exceed the {policy.budget_s:.0f} s budget", hint)
    return Retry(wait, reason)
