"""Reading an error answer in every wrapper it arrives in (SENDING.md §1).

`parse_error_answer` takes text as the API, an SDK exception or a proxy printed it: the plain google.rpc.Status
envelope, a one-element array, SSE `data:` frames, the whole Google body as a string inside a proxy's
`error.message`, a Python SDK exception (`ClientError: 400 INVALID_ARGUMENT. {'error': {...}}`), or just the
message text. It returns an `ApiError` with the details the editor uses (field violations, ErrorInfo reason, Help
links, RetryInfo, QuotaFailure ids). `located_lines` splits it into (path, text) pairs for the mapping.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiError", "Violation", "parse_error_answer", "error_from_json", "located_lines", "parse_duration"]

_TYPE_PREFIX = "type.googleapis.com/google.rpc."
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Violation:
    """One `BadRequest.fieldViolations` entry; `field` is None when the API named no field."""

    field: str | None
    description: str


@dataclass(frozen=True)
class ApiError:
    """An error answer, its envelope peeled. `code` is the HTTP-like code in the body (or the HTTP status)."""

    message: str
    code: int | None = None
    status: str | None = None
    reason: str | None = None
    domain: str | None = None
    localized: str | None = None
    help_links: tuple[tuple[str, str], ...] = ()
    violations: tuple[Violation, ...] = ()
    retry_delay: float | None = None
    quota_ids: tuple[str, ...] = ()
    debug: str | None = None
    wrapper: str = "envelope"   # envelope | array | sse | proxy | sdk | text
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def diagnostic_code(self) -> str | None:
        """ErrorInfo.reason when given, else the status name (INVALID_ARGUMENT), else the numeric code."""
        if self.reason:
            return self.reason
        if self.status:
            return self.status
        return str(self.code) if self.code is not None else None

    @property
    def help_url(self) -> str | None:
        return self.help_links[0][1] if self.help_links else None

    @property
    def text(self) -> str:
        """The text to show: LocalizedMessage when given, else the message."""
        return self.localized or self.message


def parse_duration(value: Any) -> float | None:
    """A google.protobuf.Duration in JSON (`"57s"`, `"36.429760048s"`), or a {seconds, nanos} object."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d{1,9})?)s\s*", value)
        return float(m.group(1)) if m else None
    if isinstance(value, dict):
        try:
            return float(value.get("seconds", 0) or 0) + float(value.get("nanos", 0) or 0) / 1e9
        except (TypeError, ValueError):
            return None
    return None


def error_from_json(data: Any, wrapper: str = "envelope", depth: int = 0) -> ApiError | None:
    """An ApiError from decoded JSON, peeling a one-element array and a proxy's stringified Google body."""
    if isinstance(data, list):
        errors = [error_from_json(item, "array", depth + 1) for item in data if isinstance(item, dict)]
        errors = [e for e in errors if e is not None]
        return errors[0] if errors else None
    if not isinstance(data, dict):
        return None
    body = data.get("error")
    if isinstance(body, str):  # {"error": "text"} (some proxies)
        return _from_string(body, wrapper, depth)
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    message = message if isinstance(message, str) else ""
    if depth < _MAX_DEPTH and message.lstrip().startswith(("{", "[")):
        inner = _json_or_none(message)
        nested = error_from_json(inner, "proxy", depth + 1) if inner is not None else None
        if nested is not None:
            return nested
    code = body.get("code")
    status = body.get("status")
    if not isinstance(status, str) and isinstance(body.get("errors"), list):  # legacy `errors: [{reason}]`
        status = None
    reason = domain = localized = debug = None
    retry_delay: float | None = None
    links: list[tuple[str, str]] = []
    violations: list[Violation] = []
    quota_ids: list[str] = []
    metadata: dict[str, str] = {}
    for detail in body.get("details") or ():
        if not isinstance(detail, dict):
            continue
        kind = str(detail.get("@type", "")).removeprefix(_TYPE_PREFIX)
        if kind == "BadRequest":
            for v in detail.get("fieldViolations") or ():
                if isinstance(v, dict):
                    fld = v.get("field")
                    desc = v.get("description")
                    if not desc and isinstance(v.get("localizedMessage"), dict):
                        desc = v["localizedMessage"].get("message")
                    violations.append(Violation(fld if isinstance(fld, str) and fld else None, str(desc or "")))
        elif kind == "ErrorInfo":
            reason = detail.get("reason") if isinstance(detail.get("reason"), str) else None
            domain = detail.get("domain") if isinstance(detail.get("domain"), str) else None
            if isinstance(detail.get("metadata"), dict):
                metadata = {str(k): str(v) for k, v in detail["metadata"].items()}
        elif kind == "LocalizedMessage":
            localized = detail.get("message") if isinstance(detail.get("message"), str) else None
        elif kind == "Help":
            for link in detail.get("links") or ():
                if isinstance(link, dict) and isinstance(link.get("url"), str):
                    links.append((str(link.get("description") or ""), link["url"]))
        elif kind == "RetryInfo":
            retry_delay = parse_duration(detail.get("retryDelay"))
        elif kind == "QuotaFailure":
            for v in detail.get("violations") or ():
                if isinstance(v, dict) and isinstance(v.get("quotaId"), str):
                    quota_ids.append(v["quotaId"])
        elif kind == "DebugInfo":
            debug = detail.get("detail") if isinstance(detail.get("detail"), str) else None
    if reason is None and isinstance(body.get("errors"), list):
        for legacy in body["errors"]:
            if isinstance(legacy, dict) and isinstance(legacy.get("reason"), str) and not status:
                reason = legacy["reason"]
                break
    return ApiError(
        message=message, code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        status=status if isinstance(status, str) else None, reason=reason, domain=domain, localized=localized,
        help_links=tuple(links), violations=tuple(violations), retry_delay=retry_delay, quota_ids=tuple(quota_ids),
        debug=debug, wrapper=wrapper, metadata=metadata,
    )


def parse_error_answer(text: str) -> ApiError | None:
    """An ApiError from an answer as printed anywhere; None for empty text or a successful answer."""
    return _from_string(text, "envelope", 0)


def _from_string(text: str, wrapper: str, depth: int) -> ApiError | None:
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        return None
    data = _json_or_none(stripped)
    if data is not None:
        error = error_from_json(data, wrapper, depth)
        if error is not None or isinstance(data, (dict, list)):
            return error
    if re.search(r"^\s*data:", stripped, re.MULTILINE):
        for line in re.split(r"\r?\n", stripped):
            if line.startswith("data:"):
                frame = _json_or_none(line[5:].strip())
                error = error_from_json(frame, "sse", depth) if frame is not None else None
                if error is not None:
                    return error
    embedded = _embedded_object(stripped)
    if embedded is not None:
        error = error_from_json(embedded, "sdk", depth)
        if error is not None:
            return _with_sdk_code(error, stripped)
    return _bare_text(stripped)


def _with_sdk_code(error: ApiError, text: str) -> ApiError:
    if error.code is not None:
        return error
    m = re.search(r"\b([45]\d\d)\b", text)
    if not m:
        return error
    from dataclasses import replace

    return replace(error, code=int(m.group(1)))


def _bare_text(text: str) -> ApiError:
    """Just a message (perhaps after `400 Bad Request:` or an exception name)."""
    code = None
    status = None
    m = re.match(r"^(?:[\w.]+(?:Error|Exception):\s*)?(?:(?:HTTP|status)\s*)?([45]\d\d)\b[ :.-]*(?:([A-Z_]{4,})\b[.:]?)?\s*",
                 text)
    if m:
        code = int(m.group(1))
        status = m.group(2)
        text = text[m.end():] or text
    return ApiError(message=text.strip(), code=code, status=status, wrapper="text")


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _embedded_object(text: str) -> Any:
    """The first `{...}` in a longer text that parses as JSON or as a Python literal (an SDK's repr)."""
    start = text.find("{")
    while start != -1:
        depth = 0
        in_str: str | None = None
        escaped = False
        for i in range(start, len(text)):
            ch = text[i]
            if in_str:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == in_str:
                    in_str = None
            elif ch in "\"'":
                in_str = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    candidate = text[start:i + 1]
                    data = _json_or_none(candidate)
                    if data is None:
                        try:
                            data = ast.literal_eval(candidate)
                        except (ValueError, SyntaxError, MemoryError, RecursionError):
                            data = None
                    if isinstance(data, dict) and "error" in data:
                        return data
                    break
        start = text.find("{", start + 1)
    return None


@dataclass(frozen=True)
class Located:
    """One thing the API said, with the path it names (None: no path) and where it was read from."""

    path: str | None
    text: str
    from_violation: bool


def located_lines(error: ApiError) -> list[Located]:
    """(path, text) pairs: each field violation, then each line of the message (split on newlines, `* ` dropped),
    de-duplicated: a message line that repeats a violation's description is dropped."""
    out: list[Located] = []
    seen: set[str] = set()
    for v in error.violations:
        out.append(Located(v.field, v.description or error.message, True))
        seen.add(_norm(v.description))
    for line in error.message.split("\n"):
        line = line.strip()
        if line.startswith("* "):
            line = line[2:].strip()
        if not line or _norm(line) in seen:
            continue
        if line.rstrip(":") == "Invalid JSON payload received" or (
                line.startswith("Invalid JSON payload received.") and not line[len("Invalid JSON payload received."):].strip()):
            continue
        seen.add(_norm(line))
        if any(_norm(line).endswith(s) for s in seen if s and len(s) > 20 and s != _norm(line)):
            continue
        out.append(Located(None, line, False))
    if not out:
        out.append(Located(None, error.message, False))
    return out


def _norm(text: str) -> str:
    return " ".join(text.split()).removeprefix("Invalid JSON payload received. ")
