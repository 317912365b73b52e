"""The rules the engine itself reports: an internal error in a rule (GL900), a method the surface lacks (GL116),
a file too large to check fully (GL901), too many findings (GL902), a body above the inline-data limit (GL397). No check of their own: `engine.py` emits them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule, make_finding

if TYPE_CHECKING:
    from .context import CheckContext

#: findings shown per file; the rest are counted in one GL902
MAX_FINDINGS = 500

INTERNAL_ERROR = Rule(
    code="GL900",
    name="internal-error",
    severity="information",
    summary="A rule of gemini-lsp failed on this file (a bug); its findings are missing",
    doc=r"""
        A check of gemini-lsp raised an exception on this file, or one of its rule modules could not be loaded: a bug
        in gemini-lsp, not a problem of the request. The rules it names are not checked; every other rule ran and its
        findings are shown. The traceback is in the server log (in VS Code: Output → gemini-lsp) or on the standard
        error of `gemini-lsp check`, which then exits with status 3. **Fix:** please report it with the traceback.
    """,
    evidence=(),
    api_text=False,
    reads=(),
)
METHOD_NOT_ON_SURFACE = Rule(
    code="GL116",
    name="method-not-on-surface",
    severity="information",
    summary="The chosen API surface has no such method",
    doc=r"""
        The chosen surface has no such method (for example `cachedContents` on Gemini `v1`): the file is checked for
        syntax and credentials only. **Fix:** set `geminiLsp.api` / `geminiLsp.apiVersion`, or rename the file
        (`NAME.<method>.gemini.json`).
    """,
    evidence=(),
    api_text=False,
    reads=("method",),
)
CHECKS_SKIPPED_LARGE_FILE = Rule(
    code="GL901",
    name="checks-skipped-large-file",
    severity="information",
    summary="File above maxFileSize: only syntax and secrets checked",
    doc=r"""
        The file is larger than `geminiLsp.maxFileSize` (default 16 MiB): syntax and credentials are still checked, the
        rest is skipped. **Fix:** raise the setting.
    """,
    evidence=(),
    api_text=False,
    reads=(),
)
TOO_MANY_FINDINGS = Rule(
    code="GL902",
    name="too-many-findings",
    severity="information",
    summary="Findings capped; fix the first ones to see more",
    doc=r"""
        More than 500 findings; the rest are not shown (errors first). **Fix:** fix the first ones.
    """,
    evidence=(),
    api_text=False,
    reads=(),
)
REQUEST_TOO_LARGE = Rule(
    code='GL397',
    name='request-too-large',
    severity='warning',
    summary='A request body above the documented inline-data limit (100 MB)',
    doc=r"""
        A request body above 100 MB, the documented limit of inline data in one request: "we are increasing the maximum
        payload size for inline data from 20MB to 100MB (base64 encoded, with varying limits based on data types)" (Google,
        January 2026: blog.google/innovation-and-ai/technology/developers-tools/gemini-api-new-file-limits). It runs on every
        file, also one above `geminiLsp.maxFileSize` (the size needs no parsing). A warning: the limits vary by data type and
        no verbatim answer was found. **Fix:** send large files through the Files API, or as a URL in `fileData`.
    """,
    evidence=(
        'https://blog.google/innovation-and-ai/technology/developers-tools/gemini-api-new-file-limits',
    ),
    api_text=False,
    reads=('text',),
    facts={'maxBytes': 100000000, 'docText': '"we are increasing the maximum payload size for inline data from 20MB to 100MB (base64 encoded, with varying limits based on data types)", Google, 2026-01'},
)


def request_too_large(ctx: CheckContext) -> list[Finding]:
    """GL397: a request body above the documented inline-data limit. The engine emits it on every file, also on one
    above geminiLsp.maxFileSize (the size is known without parsing)."""
    facts = REQUEST_TOO_LARGE.facts
    limit = facts["maxBytes"]
    size = len(ctx.doc.text)  # characters; base64 and JSON punctuation are ASCII, so about the byte count
    if size <= limit:
        return []
    return [make_finding(
        "GL397",
        f"This request body has about {size / 1_000_000:,.0f} MB; the Gemini API takes at most "
        f"{limit // 1_000_000} MB of inline data in one request ({facts['docText']}). Send large files through the "
        "Files API or as a URL in fileData instead of inlineData.",
        "",
        0,
        0,
        severity="warning",
        data={"size": size, "limit": limit},
    )]


def unbuilt_findings(count: int) -> Finding:
    """A stand-in for `count` findings a check counted but did not build because they could never be shown (it had
    found MAX_FINDINGS errors before them); the engine adds the count to its GL902 note and drops the stand-in."""
    return make_finding("GL902", f"{count} more findings are not shown.", "", 0, 0, data={"unbuilt": count})


def is_unbuilt_stand_in(f: Finding) -> bool:
    return f.code == "GL902" and "unbuilt" in f.data


RULES = (INTERNAL_ERROR, METHOD_NOT_ON_SURFACE, CHECKS_SKIPPED_LARGE_FILE, TOO_MANY_FINDINGS, REQUEST_TOO_LARGE)
CHECKS: tuple[Check, ...] = ()  # reported by the engine
