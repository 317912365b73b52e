"""What may be shown or logged about a request: no credential, no `?key=`, no long base64 (SENDING.md §5).

`mask_headers` shows header names with secret values masked; `safe_url` drops a `key=` query parameter;
`shorten_base64` replaces base64 strings over 256 characters with `<base64 N bytes sha256:…>`; `scrub` applies
the project's credential detector (`checks/secrets.py`) and removes the given secrets as a last pass.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.parse
from collections.abc import Iterable, Mapping

from ..checks.secrets import redact

__all__ = ["mask_headers", "safe_url", "shorten_base64", "scrub", "SECRET_HEADERS"]

SECRET_HEADERS = ("x-goog-api-key", "authorization", "proxy-authorization", "cookie", "x-goog-user-project-key")
_LONG_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{256,}={0,2}")


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "authorization":
            scheme = value.split(" ", 1)[0] if " " in value else ""
            out[name] = f"{scheme} ***".strip()
        elif lowered in SECRET_HEADERS:
            out[name] = "***"
        else:
            out[name] = value
    return out


def safe_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, "***" if k.lower() in ("key", "access_token", "api_key") else v)
             for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(pairs, safe="*")))


def _describe(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_" if ("-" in text or "_" in text) else None)
    except (binascii.Error, ValueError):
        raw = text.encode()
    return f"<base64 {len(raw)} bytes sha256:{hashlib.sha256(raw).hexdigest()[:12]}>"


def shorten_base64(text: str) -> str:
    return _LONG_BASE64.sub(_describe, text)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove every given secret and everything the credential detector recognises."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return redact(text)
