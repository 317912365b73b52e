"""Syntax findings: what the API's JSON reader rejects, straight from the tolerant parser (GL001–GL010, GL012), and
text that is not UTF-8 (GL011)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Edit, Finding, Fix
from ..rule import Check, Rule, make_finding

if TYPE_CHECKING:
    from ..document import SyntaxIssue
    from .context import CheckContext

UNEXPECTED_TOKEN = Rule(
    code='GL001',
    name='unexpected-token',
    severity='error',
    summary="Text the API's JSON reader cannot parse",
    doc=r"""
        Text the reader cannot parse: an unquoted word as a value (`"role": user`), `True`/`None`, a stray character.
        **Fix:** quote strings; use `true`, `false`, `null`.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
UNTERMINATED_STRING = Rule(
    code='GL002',
    name='unterminated-string',
    severity='error',
    summary='A string without its closing quote',
    doc=r"""
        A string whose closing quote is missing; it is taken to end at the end of its line. **Fix:** add the quote.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
MISSING_COMMA = Rule(
    code='GL003',
    name='missing-comma',
    severity='error',
    summary='Two members or items without a comma between them',
    doc=r"""
        Two members or list items without a comma between them. **Fix:** add the comma.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
UNCLOSED_BRACKET = Rule(
    code='GL004',
    name='unclosed-bracket',
    severity='error',
    summary='An object or array that is never closed',
    doc=r"""
        An object or list that is never closed, or a closing bracket that does not match. The range shows the opening
        bracket. A file that ends with brackets still open (cut off, or still being typed) gets one finding at its end that
        lists what is left open, including a string it ends in. **Fix:** add the missing `}` or `]`; for a cut-off file the
        quick fix appends everything that closes it (restore what was cut off if the content is incomplete).
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
MISSING_VALUE = Rule(
    code='GL005',
    name='missing-value',
    severity='error',
    summary='A key without a value, or a comma with nothing after it',
    doc=r"""
        A key with `:` and no value (`"model": }`), or two commas in a row. **Fix:** write the value or remove the comma.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
INVALID_NUMBER = Rule(
    code='GL006',
    name='invalid-number',
    severity='error',
    summary='Bare NaN/Infinity or another number the API cannot read',
    doc=r"""
        `NaN`, `Infinity` or `-Infinity` written bare. The proto3 JSON mapping accepts them only as strings (`"NaN"`).
        Source: protobuf.dev/programming-guides/json. **Fix:** quote them, or use a number.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
INVALID_ESCAPE = Rule(
    code='GL007',
    name='invalid-escape',
    severity='error',
    summary='An escape sequence JSON does not define',
    doc=r"""
        A broken `\u` escape (`"\u12"`) is an error. An escape JSON does not define (`"\q"`) is a warning: protobuf's JSON
        reader, whose lenient forms the API shows, reads it as the character alone, but other tools reject it. **Fix:**
        escape the backslash (`\\`).
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
TRAILING_CONTENT = Rule(
    code='GL008',
    name='trailing-content',
    severity='error',
    summary='Text after the end of the request object',
    doc=r"""
        Text after the end of the request object. **Fix:** remove it, or merge it into the object.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
EMPTY_DOCUMENT = Rule(
    code='GL009',
    name='empty-document',
    severity='error',
    summary='The file holds no JSON value',
    doc=r"""
        The file holds no JSON value. **Fix:** start with `{"contents": [{"role": "user", "parts": [{"text": "..."}]}]}`.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
MISSING_COLON = Rule(
    code='GL010',
    name='missing-colon',
    severity='error',
    summary="A key not followed by ':'",
    doc=r"""
        A key not followed by `:`. **Fix:** add the colon.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('syntax',),
)
UNREADABLE_TEXT = Rule(
    code='GL011',
    name='unreadable-text',
    severity='error',
    summary='Binary content, NUL bytes or undecodable text',
    doc=r"""
        The file holds NUL bytes or bytes that are not UTF-8, so it is not a text request body. **Fix:** save the file as
        UTF-8 JSON.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=True,
    reads=('text',),
    free_text=True,
)
NESTING_TOO_DEEP = Rule(
    code='GL012',
    name='nesting-too-deep',
    severity='warning',
    summary='Nesting deeper than the analysis limit',
    doc=r"""
        Objects or lists nested deeper than the analysis limit (200 levels); what lies below is not analysed. The API's own
        JSON reader also limits the depth. **Fix:** flatten the structure.
    """,
    evidence=(
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
    ),
    api_text=False,
    reads=('syntax',),
)

_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def first_unreadable(text: str, lo: int, hi: int) -> int | None:
    """The offset of the first NUL or lone surrogate (an undecodable byte) in text[lo:hi], or None."""
    if hi - lo == len(text) and text.isascii():
        # an ASCII-only str (known in O(1)) can hold no surrogate: then only NUL needs looking for, with str.find
        nul = text.find("\x00")
        return nul if nul >= 0 else None
    bad = _UNREADABLE.search(text, lo, hi)
    return bad.start() if bad is not None else None


def scan_unreadable(ctx: CheckContext, lo: int, hi: int) -> Iterator[Finding]:
    """GL011 at the first unreadable character of text[lo:hi]."""
    doc = ctx.doc
    at = first_unreadable(doc.text, lo, hi)
    if at is None:
        return
    what = "a NUL character" if doc.text[at] == "\x00" else "bytes that are not UTF-8"
    node = doc.node_at_offset(at)
    yield make_finding(
        "GL011",
        f"This file contains {what}. The API answers `Invalid JSON payload received. Encountered non UTF-8 "
        "code points.` for such bodies; save the file as UTF-8 text.",
        doc.pointer_of(node) if node is not None else "",
        at,
        at + 1,
    )


def check_unreadable(ctx: CheckContext) -> Iterator[Finding]:
    return scan_unreadable(ctx, 0, len(ctx.doc.text))


def convert_issue(ctx: CheckContext, issue: SyntaxIssue) -> Iterator[Finding]:
    """The finding of one syntax issue, at the innermost enclosing value's pointer."""
    doc = ctx.doc
    pointer = doc.pointer_of(issue.node) if issue.node is not None else ""
    if issue.code == "GL007" and not doc.text.startswith("\\u", issue.start):
        # protobuf's JSON reader, whose lenient forms the API shows, reads `\q` as `q`: not strict JSON, but
        # not known to be rejected either, so a warning (malformed `\u` escapes stay errors)
        yield make_finding(
            "GL007",
            f"`{doc.text[issue.start:issue.end]}` is not a JSON escape. The API's JSON reader is believed to read "
            "it as the character alone, but other tools reject it; write the character itself, or `\\\\` for "
            "a backslash.",
            pointer,
            issue.start,
            issue.end,
            severity="warning",
        )
        return
    fixes: tuple[Fix, ...] = ()
    closing = issue.closing
    if closing:
        # not "safe": the real fix may be to restore what was cut off, so fix-all leaves it to the user
        fixes = (Fix(f"Close what is left open: append {closing.strip()}", (Edit(issue.end, issue.end, closing),),
                     safe=False, preferred=True),)
    yield make_finding(issue.code, issue.message, pointer, issue.start, issue.end, fixes=fixes)


def check_syntax(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per syntax issue."""
    for issue in ctx.doc.errors:
        yield from convert_issue(ctx, issue)


RULES = (
    UNEXPECTED_TOKEN, UNTERMINATED_STRING, MISSING_COMMA, UNCLOSED_BRACKET, MISSING_VALUE, INVALID_NUMBER,
    INVALID_ESCAPE, TRAILING_CONTENT, EMPTY_DOCUMENT, MISSING_COLON, UNREADABLE_TEXT, NESTING_TOO_DEEP,
)
CHECKS = (
    Check("unreadable-text", "text", (UNREADABLE_TEXT,), check_unreadable, scan=scan_unreadable, first_only=True),
    Check(
        "syntax",
        "parse",
        tuple(r for r in RULES if r is not UNREADABLE_TEXT),
        check_syntax,
        convert=convert_issue,
    ),
)
