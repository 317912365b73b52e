"""Lenient forms the API accepts but strict JSON (and other tools) do not: hints with the canonical form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..findings import Edit, Finding, Fix, make_finding

if TYPE_CHECKING:
    from . import CheckContext

_FORMS = {
    "trailing-comma": (
        "GL050",
        "Trailing comma: the Gemini API accepts it, but it is not strict JSON (other tools and the SDKs reject it).",
        "Remove the trailing comma",
    ),
    "single-quote": (
        "GL051",
        "Single-quoted string: the Gemini API accepts it, but it is not strict JSON.",
        "Use double quotes",
    ),
    "raw-newline": (
        "GL052",
        "Raw line break inside a string: the Gemini API accepts it, but strict JSON needs `\\n`.",
        "Escape the line break",
    ),
    "unquoted-key": (
        "GL060",
        "Unquoted key: the Gemini API accepts it (Google's own safety sample uses one), but it is not strict JSON.",
        "Quote the key",
    ),
    "comment": (
        "GL058",
        "Invalid JSON payload received. Unexpected token. Comments are not JSON and the API's JSON reader rejects "
        "them; remove it before sending.",
        "Remove the comment",
    ),
    "odd-number": (
        "GL059",
        "Invalid JSON payload received. Unexpected token. The API's JSON reader rejects this number form (a leading "
        "`+`, `0` or `.`, or a trailing `.`); write it in the standard form.",
        "Write the number in standard form",
    ),
}


def check_lenient_forms(ctx: CheckContext) -> Iterator[Finding]:
    """One hint (or warning, for comments and odd numbers) per kind of lenient form, at its first occurrence,
    with a fix that rewrites every occurrence of that kind to strict JSON."""
    doc = ctx.doc
    by_kind: dict[str, list] = {}
    for form in doc.lenient:
        if form.kind in _FORMS:
            by_kind.setdefault(form.kind, []).append(form)
    for kind, forms in by_kind.items():
        code, message, title = _FORMS[kind]
        first = forms[0]
        edits = tuple(Edit(f.start, f.end, f.replacement) for f in forms if f.replacement is not None)
        if len(forms) > 1:
            message += f" ({len(forms)} places in this file.)"
            title += f" ({len(forms)} places)"
        fixes = (Fix(title, edits, safe=True),) if edits else ()
        node = doc.node_at_offset(first.start)
        pointer = doc.pointer_of(node) if node is not None else ""
        yield make_finding(
            code, message, pointer, first.start, first.end, fixes=fixes, data={"kind": kind, "count": len(forms)}
        )
