"""Credentials pasted into a request file: the one error on a body the API would accept.

Messages never repeat the secret. Values of bytes fields (base64 media, thought signatures) are not scanned, since
key-shaped runs occur there by chance.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..findings import Edit, Finding, Fix, make_finding

if TYPE_CHECKING:
    from . import CheckContext

# (regex, what it is, placeholder); group "secret" is the part to hide when present.
_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(?P<secret>AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])"), "A Google API key", "YOUR_API_KEY"),
    (re.compile(r"(?P<secret>ya29\.[0-9A-Za-z_\-.]{20,})"), "A Google OAuth access token", "YOUR_ACCESS_TOKEN"),
    (
        re.compile(r"[?&](?:key|api_key|apikey|access_token)=(?P<secret>[0-9A-Za-z_\-.]{16,})"),
        "A credential in a URL query (`key=`)",
        "YOUR_API_KEY",
    ),
    (
        re.compile(r"[Bb]earer\s+(?P<secret>[0-9A-Za-z_\-.~+/]{20,}=*)"),
        "A bearer token",
        "YOUR_ACCESS_TOKEN",
    ),
    (re.compile(r"(?P<secret>sk-(?:proj-|ant-)?[0-9A-Za-z_\-]{32,})"), "An API secret key", "YOUR_API_KEY"),
)
_BYTES_KEYS = frozenset(
    {"data", "thoughtSignature", "thought_signature", "continuationToken", "continuation_token"}
)
_ADVICE = (
    "Anyone who can read this file can use it. Send the key in the `x-goog-api-key` header from an environment "
    "variable (e.g. `-H \"x-goog-api-key: $GEMINI_API_KEY\"`) and revoke this one."
)


def check_secrets(ctx: CheckContext) -> Iterator[Finding]:
    """An error for each credential found anywhere in the text (keys, values, comments)."""
    doc = ctx.doc
    text = doc.text
    seen: set[int] = set()
    for pattern, what, placeholder in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("secret")
            if start in seen:
                continue
            seen.add(start)
            node = doc.node_at_offset(start)
            if node is not None and node.kind == "string" and _is_bytes_value(ctx, node):
                continue
            pointer = doc.pointer_of(node) if node is not None else ""
            fix = Fix(
                "Replace the credential with a placeholder (send it in the x-goog-api-key header instead)",
                (Edit(start, end, placeholder),),
                safe=True,
                preferred=True,
            )
            yield make_finding(
                "GL201",
                f"{what} is pasted into this file. {_ADVICE}",
                pointer,
                start,
                end,
                fixes=(fix,),
                data={"kind": what},
            )


def _is_bytes_value(ctx: CheckContext, node) -> bool:  # type: ignore[no-untyped-def]
    member = node.member
    if member is None:
        return False
    if ctx.schema is not None:
        parts = [p for p in ctx.doc.pointer_of(node).split("/")[1:]]
        parts = [p.replace("~1", "/").replace("~0", "~") for p in parts]
        field = ctx.schema.field_at(parts)
        if field is not None:
            return field.kind == "bytes"
    return member.key.value in _BYTES_KEYS
