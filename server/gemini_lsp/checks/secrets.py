"""Credentials pasted into a request file: the one error on a body the API would accept.

Messages never repeat the secret. Values of bytes fields (base64 media, thought signatures) are not scanned, since
key-shaped runs occur there by chance.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterator

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
# Literal text each pattern needs: a pattern whose needles are all absent is not run (str.find is far faster
# than a regex scan over a multi-megabyte request).
_NEEDLES: tuple[tuple[str, ...], ...] = (
    ("AIza",),
    ("ya29.",),
    ("key=", "apikey=", "access_token="),
    ("earer",),
    ("sk-",),
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
    for (pattern, what, placeholder), needles in zip(_PATTERNS, _NEEDLES):
        if not any(needle in text for needle in needles):
            continue
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


def redact(text: str) -> str:
    """`text` with every credential shape above replaced by asterisks (a finding may quote a key or a value of the
    document, e.g. an unknown field named like an API key, or a key pasted where the model goes)."""
    for (pattern, _, _), needles in zip(_PATTERNS, _NEEDLES):
        if any(needle in text for needle in needles) and pattern.search(text):
            text = pattern.sub(lambda m: m.group(0).replace(m.group("secret"), "*" * len(m.group("secret"))), text)
    return text


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v) for v in value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    return value


def redact_findings(findings: list[Finding]) -> list[Finding]:
    """Findings as they may be shown anywhere (editor, CLI, logs): no credential in a message, pointer or data.
    Fix edits keep their text: they replace a key by a placeholder and never insert one."""
    out = []
    for finding in findings:
        message, pointer, data = redact(finding.message), redact(finding.pointer), redact_value(finding.data)
        if message != finding.message or pointer != finding.pointer or data != finding.data:
            finding = replace(finding, message=message, pointer=pointer, data=data)
        out.append(finding)
    return out
