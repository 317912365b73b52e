"""Small helpers for checker tests: analyze a text and look at codes and pointers."""

from __future__ import annotations

from gemini_lsp.analysis import Analysis, analyze
from gemini_lsp.settings import Settings

from conftest import FIXED_TODAY  # type: ignore[import-not-found]


def check(
    text: str,
    path: str = "request.gemini.json",
    *,
    api: str = "gemini",
    api_version: str = "v1beta",
    model: str | None = None,
    method: str | None = None,
    **settings: object,
) -> Analysis:
    return analyze(
        text,
        path,
        Settings(api=api, api_version=api_version, model=model, **settings),  # type: ignore[arg-type]
        method=method,
        today=FIXED_TODAY,
    )


def codes(analysis: Analysis, severity: str | None = None) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in analysis.findings if severity is None or f.severity == severity]


def errors(analysis: Analysis) -> list[tuple[str, str]]:
    return codes(analysis, "error")
