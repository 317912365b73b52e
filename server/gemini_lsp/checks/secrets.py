"""Credentials pasted into a request file: the one error on a body the API would accept.

Messages never repeat the secret. Values of bytes fields (base64 media, thought signatures) are not scanned, since
key-shaped runs occur there by chance.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterator

from ..findings import Edit, Finding, Fix
from ..rule import Check, Rule, make_finding

if TYPE_CHECKING:
    from ..document import Node
    from .context import CheckContext

CREDENTIAL_IN_FILE = Rule(
    code='GL201',
    name='credential-in-file',
    severity='error',
    summary='An API key or token pasted into the request file',
    doc=r"""
        A Google API key (`AIza` + 35 characters), an OAuth access token (`ya29.`), `key=` in a URL, a bearer token or
        another API secret anywhere in the file. The API would accept the body; this is the one deliberate exception, because
        a committed or shared key is a leak. The message never repeats the key. Values of bytes fields (base64 media,
        thought signatures) are not scanned, since such patterns occur there by chance. **Fix:** replace it with a
        placeholder and send the key in the `x-goog-api-key` header from an environment variable; revoke the leaked key.
    """,
    evidence=(
        (
            'https://ai.google.dev/gemini-api/docs/api-key — send the key in the x-goog-api-key header, keep it '
            'out of files'
        ),
    ),
    api_text=False,
    reads=('text',),
    free_text=True,
)

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


#: bytes values longer than this are skipped whole by the scan (what it finds in them is never reported)
_BIG_BYTES_VALUE = 4096


def check_secrets(ctx: CheckContext) -> Iterator[Finding]:
    """An error for each credential found anywhere in the text (keys, values, comments)."""
    return scan_secrets(ctx, 0, len(ctx.doc.text))


def scan_secrets(ctx: CheckContext, lo: int, hi: int) -> Iterator[Finding]:
    """The credentials in text[lo:hi]. Long bytes values (base64 media) are skipped: credentials found in them are
    not reported anyway, so an 8 MiB image costs nothing here. A credential never crosses a quote or a bracket."""
    text = ctx.doc.text
    if not any(text.find(needle, lo, hi) >= 0 for needles in _NEEDLES for needle in needles):
        return  # no credential can be there (str.find is far faster than walking the tree for bytes values)
    skip = _big_bytes_values(ctx, lo, hi)
    pos = lo
    for a, b in skip + [(hi, hi)]:
        if a > pos:
            yield from _scan(ctx, pos, a)
        pos = max(pos, b)


def _big_bytes_values(ctx: CheckContext, lo: int, hi: int) -> list[tuple[int, int]]:
    root = ctx.doc.root
    if root is None or hi - lo <= _BIG_BYTES_VALUE:
        return []
    skip: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        n = stack.pop()
        if n.end <= lo or n.start >= hi:
            continue
        if n.kind == "string":
            if n.end - n.start > _BIG_BYTES_VALUE and n.member is not None and _is_bytes_value(ctx, n):
                skip.append((max(lo, n.start + 1), min(hi, n.end - 1)))
        elif n.members:
            stack.extend(m.value for m in n.members if m.value is not None)
        elif n.items:
            stack.extend(n.items)
    skip.sort()
    return skip


def _scan(ctx: CheckContext, lo: int, hi: int) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    seen: set[int] = set()
    for (pattern, what, placeholder), needles in zip(_PATTERNS, _NEEDLES):
        if not any(text.find(needle, lo, hi) >= 0 for needle in needles):
            continue
        for match in pattern.finditer(text, lo, hi):
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


def _is_bytes_value(ctx: CheckContext, node: Node) -> bool:
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


RULES = (CREDENTIAL_IN_FILE,)
CHECKS = (Check("secrets", "text", RULES, check_secrets, scan=scan_secrets),)
