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
        "Comments are not JSON, and the Gemini API is not known to accept them; remove it before sending.",
        "Remove the comment",
    ),
    "odd-number": (
        "GL059",
        "This number form is not strict JSON; the API may read it, but write it in the standard form.",
        "Write the number in standard form",
    ),
}


def check_lenient_forms(ctx: CheckContext) -> Iterator[Finding]:
    """A hint (or warning, for comments and odd numbers) per lenient form, each with its strict-JSON fix."""
    doc = ctx.doc
    for form in doc.lenient:
        entry = _FORMS.get(form.kind)
        if entry is None:
            continue
        code, message, title = entry
        fixes: tuple[Fix, ...] = ()
        if form.replacement is not None:
            fixes = (Fix(title, (Edit(form.start, form.end, form.replacement),), safe=True),)
        node = doc.node_at_offset(form.start)
        pointer = doc.pointer_of(node) if node is not None else ""
        yield make_finding(code, message, pointer, form.start, form.end, fixes=fixes, data={"kind": form.kind})
