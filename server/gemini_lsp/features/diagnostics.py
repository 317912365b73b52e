"""Findings as LSP diagnostics: UTF-16 ranges, codes linked to the rule documentation, fixes in `data`."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..findings import Finding, Fix
from ..positions import LineIndex

SOURCE = "gemini-lsp"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


@lru_cache(maxsize=1)
def rules_doc_uri() -> str | None:
    """`file:` URI of the installed docs/rules.md (None when it is not installed)."""
    try:
        path = resources.files("gemini_lsp.docs") / "rules.md"
        if path.is_file():
            return Path(str(path)).resolve().as_uri()
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        pass
    return None


def rule_href(code: str, name: str, documentation_url: str | None = None) -> str | None:
    """Where a code is documented: the configured documentation URL or the installed rules.md, at its anchor."""
    base = documentation_url or rules_doc_uri()
    if not base:
        return None
    return f"{base}#{code.lower()}-{name}"


def lsp_range(index: LineIndex, start: int, end: int) -> types.Range:
    start_line, start_char = index.position(start)
    end_line, end_char = index.position(end)
    return types.Range(
        start=types.Position(line=start_line, character=start_char),
        end=types.Position(line=end_line, character=end_char),
    )


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
