"""Findings as LSP diagnostics: UTF-16 ranges, codes linked to the rule documentation, fixes in `data`."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from lsprotocol import types

from .. import rules_doc
from ..catalog import default_refresh_cache_path
from ..findings import Finding, Fix
from ..positions import LineIndex, lsp_range

log = logging.getLogger("gemini_lsp.diagnostics")

SOURCE = "gemini-lsp"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


@lru_cache(maxsize=1)
def rules_doc_uri() -> str | None:
    """`file:` URI of the rule documentation: `docs/rules.md` of a source checkout, else the same text rendered from
    the rule declarations into the user's cache (`$XDG_CACHE_HOME/gemini-lsp/rules-<digest>.md`); None when
    neither can be had (the diagnostics then carry no link)."""
    return rules_doc_file(Path(__file__).resolve().parents[3] / "docs" / "rules.md", default_refresh_cache_path().parent)


def rules_doc_file(checkout_doc: Path, cache_dir: Path) -> str | None:
    if checkout_doc.is_file():
        return checkout_doc.as_uri()
    text = rules_doc.render()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    target = cache_dir / f"rules-{digest}.md"
    try:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError:
        log.warning("could not write the rule documentation to %s; diagnostics link to none", target, exc_info=True)
        return None
    return target.as_uri()


def rule_href(code: str, name: str, documentation_url: str | None = None) -> str | None:
    """Where a code is documented: the configured documentation URL or rules.md (`rules_doc_uri`), at its anchor."""
    base = documentation_url or rules_doc_uri()
    if not base:
        return None
    return f"{base}#{code.lower()}-{name}"


def fix_to_data(fix: Fix) -> dict[str, Any]:
    return {
        "title": fix.title,
        "safe": fix.safe,
        "preferred": fix.preferred,
        "edits": [[edit.start, edit.end, edit.new_text] for edit in fix.edits],
    }


def to_diagnostic(
    finding: Finding, index: LineIndex, version: int | None = None, documentation_url: str | None = None
) -> types.Diagnostic:
    """One finding as a diagnostic; the fixes travel in `data` (str offsets, valid for `version`)."""
    href = rule_href(finding.code, finding.name, documentation_url)
    tags = [types.DiagnosticTag.Deprecated] if finding.code == "GL118" else None
    return types.Diagnostic(
        range=lsp_range(index, finding.start, finding.end),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        tags=tags,
        data={
            "name": finding.name,
            "pointer": finding.pointer,
            "version": version,
            "fixes": [fix_to_data(fix) for fix in finding.fixes],
            **({"facts": finding.data} if finding.data else {}),
        },
    )


def to_diagnostics(
    findings: list[Finding], index: LineIndex, version: int | None = None, documentation_url: str | None = None
) -> list[types.Diagnostic]:
    return [to_diagnostic(f, index, version, documentation_url) for f in findings]
