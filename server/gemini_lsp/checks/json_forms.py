"""Forms outside strict JSON that the tolerant parser reads: those the API accepts (trailing commas, single quotes,
raw line breaks, unquoted keys: hints with the canonical form) and those it rejects (comments, odd number forms:
errors, though the parser recovers from them the same way)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..findings import Edit, Finding, Fix
from ..rule import Check, Rule, make_finding

if TYPE_CHECKING:
    from .context import CheckContext

TRAILING_COMMA = Rule(
    code='GL050',
    name='trailing-comma',
    severity='hint',
    summary='A trailing comma: the API accepts it, strict JSON does not',
    doc=r"""
        `"maxOutputTokens": 2000, }`. Accepted (AI Studio exports and official samples use it; github.com/google-gemini/cookbook REST samples with saved responses).
        **Fix:** remove the comma.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=False,
    reads=('syntax',),
)
SINGLE_QUOTED_STRING = Rule(
    code='GL051',
    name='single-quoted-string',
    severity='hint',
    summary='A single-quoted string: the API accepts it, strict JSON does not',
    doc=r"""
        `{'contents': ...}`. Accepted (Vertex sample `intro_gemini_curl.ipynb`). **Fix:** use double quotes.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=False,
    reads=('syntax',),
)
RAW_LINE_BREAK_IN_STRING = Rule(
    code='GL052',
    name='raw-line-break-in-string',
    severity='hint',
    summary='A raw line break inside a string',
    doc=r"""
        A line break typed inside a string. Accepted (github.com/google-gemini/cookbook REST samples with saved responses). **Fix:** write `\n`.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=False,
    reads=('syntax',),
)
COMMENT = Rule(
    code='GL058',
    name='comment',
    severity='error',
    summary="A comment: not JSON, and the API's JSON reader rejects it",
    doc=r"""
        `//` or `/* */` comments. Not JSON, and rejected by the JSON stream parser of protobuf that the API's lenient
        forms match (single quotes and unquoted keys are its "back compat" extensions; comments are not among them). The
        parser still reads past the comment so that the rest of the file is checked. **Fix:** remove it.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=True,
    reads=('syntax',),
)
UNUSUAL_NUMBER = Rule(
    code='GL059',
    name='unusual-number',
    severity='error',
    summary="A number form the API's JSON reader rejects (+1, .5, 01)",
    doc=r"""
        `+1`, `.5`, `01`, `1.`: rejected by the same JSON stream parser. The parser reads the number anyway so that the
        rest of the file is checked. **Fix:** the standard form.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=True,
    reads=('syntax',),
)
UNQUOTED_KEY = Rule(
    code='GL060',
    name='unquoted-key',
    severity='hint',
    summary='An unquoted key: the API accepts it, strict JSON does not',
    doc=r"""
        `{category: 7}`. Accepted: Google's `safety_settings.sh` REST sample sends it (see `tests/corpus/valid`).
        **Fix:** quote the key.
    """,
    evidence=(
        (
            'https://github.com/google-gemini/cookbook — REST samples with saved successful responses (the '
            'lenient JSON forms the API accepts)'
        ),
        'https://github.com/GoogleCloudPlatform/generative-ai/blob/main/gemini/getting-started/intro_gemini_curl.ipynb — Vertex AI curl sample (single quotes, upper-case enums)',
    ),
    api_text=False,
    reads=('syntax',),
)

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
    """One finding per kind of form (a hint for those the API accepts, an error for comments and odd numbers), at
    its first occurrence, with a fix that rewrites every occurrence of that kind to strict JSON."""
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


RULES = (TRAILING_COMMA, SINGLE_QUOTED_STRING, RAW_LINE_BREAK_IN_STRING, COMMENT, UNUSUAL_NUMBER, UNQUOTED_KEY)
CHECKS = (Check("json-forms", "document", RULES, check_lenient_forms),)
