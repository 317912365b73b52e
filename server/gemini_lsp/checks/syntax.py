"""Syntax findings: what the API's JSON reader rejects, straight from the tolerant parser."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..findings import Finding, make_finding

if TYPE_CHECKING:
    from . import CheckContext


def check_syntax(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per syntax issue, at the innermost enclosing value's pointer."""
    doc = ctx.doc
    for issue in doc.errors:
        pointer = doc.pointer_of(issue.node) if issue.node is not None else ""
        yield make_finding(issue.code, issue.message, pointer, issue.start, issue.end)
