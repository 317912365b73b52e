"""Syntax findings: what the API's JSON reader rejects, straight from the tolerant parser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..findings import Edit, Finding, Fix, make_finding

if TYPE_CHECKING:
    from . import CheckContext


_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def check_syntax(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per syntax issue, at the innermost enclosing value's pointer; one for unreadable text."""
    doc = ctx.doc
    text = doc.text
    # an ASCII-only str (known in O(1)) can hold no surrogate: then only NUL needs looking for, with str.find
    bad = (_UNREADABLE.search(text, text.find("\x00")) if "\x00" in text else None) if text.isascii() else (
        _UNREADABLE.search(text)
    )
    if bad is not None:
        what = "a NUL character" if bad.group() == "\x00" else "bytes that are not UTF-8"
        node = doc.node_at_offset(bad.start())
        yield make_finding(
            "GL011",
            f"This file contains {what}. The API answers `Invalid JSON payload received. Encountered non UTF-8 "
            "code points.` for such bodies; save the file as UTF-8 text.",
            doc.pointer_of(node) if node is not None else "",
            bad.start(),
            bad.start() + 1,
        )
    for issue in doc.errors:
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
            continue
        fixes: tuple[Fix, ...] = ()
        closing = getattr(issue, "closing", None)
        if closing:
            # not "safe": the real fix may be to restore what was cut off, so fix-all leaves it to the user
            fixes = (Fix(f"Close what is left open: append {closing.strip()}", (Edit(issue.end, issue.end, closing),),
                         safe=False, preferred=True),)
        yield make_finding(issue.code, issue.message, pointer, issue.start, issue.end, fixes=fixes)
