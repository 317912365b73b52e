"""The checks: pure functions from a parsed request (plus schema, catalogue and settings) to findings.

Staged like taplo: syntax first; the schema and model checks run on whatever the tolerant parser recovered, but
never inside a container the syntax error left incomplete, so one typo does not cascade into twenty findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from ..catalog import Catalog, ModelInfo
from ..document import ParsedDocument
from ..findings import Finding, make_finding
from ..schema import RequestSchema
from ..settings import Settings, control_name

MAX_FINDINGS = 500


@dataclass
class CheckContext:
    """Everything a check may read. Checks never mutate it."""

    doc: ParsedDocument
    schema: RequestSchema | None
    catalog: Catalog
    settings: Settings
    method: str
    today: date
    model: ModelInfo | None = None  # the model whose rules apply: the named one, or what serves a shut-down one
    named_model: ModelInfo | None = None  # set only when `model` is not the model the file names (it is shut down)
    serving_reason: str | None = None  # "routed" | "replacement" | None: why `model` differs from `named_model`
    model_id: str | None = None
    model_source: str | None = None  # "body" | "setting" | None
    model_kind: str | None = None  # "model" | "tuned" | "unknown" | None
    too_large: bool = False
    facts: dict = field(default_factory=dict)  # scratch shared between families (e.g. seen naming styles)


Check = Callable[[CheckContext], Iterable[Finding]]


def _schema_checks() -> list[Check]:
    from . import structure

    checks: list[Check] = [structure.check_structure]
    try:  # model-aware and cross-field families (optional modules of their own)
        from . import models as model_rules

        checks.extend(model_rules.CHECKS)
    except ImportError:
        pass
    return checks


def run_checks(ctx: CheckContext) -> list[Finding]:
    """Run every family in order and return the findings, capped at MAX_FINDINGS."""
    from . import lenient, secrets, syntax

    findings: list[Finding] = []
    findings.extend(syntax.check_syntax(ctx))
    findings.extend(secrets.check_secrets(ctx))
    from .request_size import check_request_size

    findings.extend(check_request_size(ctx))
    if ctx.too_large:
        size = len(ctx.doc.text)
        findings.append(
            make_finding(
                "GL901",
                f"This file is larger than {control_name(ctx.settings, 'maxFileSize')} allows "
                f"({ctx.settings.max_file_size:,} bytes; it has about {size:,} characters): only syntax and pasted "
                "credentials are checked. Raise that limit to check everything.",
                "",
                0,
                0,
            )
        )
        return _cap(findings)
    findings.extend(lenient.check_lenient_forms(ctx))
    if ctx.schema is None:
        findings.append(
            make_finding(
                "GL116",
                f"The {ctx.settings.api} API ({ctx.settings.api_version}) has no `{ctx.method}` method, so this file "
                f"is checked for syntax only. Change {control_name(ctx.settings, 'api')} / "
                f"{control_name(ctx.settings, 'apiVersion')} or the file name.",
                "",
                0,
                0,
            )
        )
        return _cap(findings)
    for check in _schema_checks():
        findings.extend(check(ctx))
    return finish(findings)


_SYNTAX_CODES = frozenset(f"GL{n:03d}" for n in range(1, 11))
# syntax errors that leave the value they sit in broken (not a missing comma between two intact members, nor text
# after the end of the document)
_BREAKING_CODES = _SYNTAX_CODES - {"GL003", "GL008", "GL009"}


def _is_cascade(pointer: str, broken: list[str]) -> bool:
    """Whether a schema or model finding at `pointer` may only follow from a syntax error at one of `broken`: it
    sits on the broken value, inside it, or on the object that holds it (a recovered value is not what the user
    meant to write)."""
    for b in broken:
        if pointer == b or pointer.startswith(b + "/"):
            return True
        if b and pointer == b.rsplit("/", 1)[0]:
            return True
    return False


def drop_cascades(findings: list[Finding]) -> list[Finding]:
    """Drop schema and model findings that only cascade from a syntax error (credentials and limits stay)."""
    broken = [f.pointer for f in findings if f.code in _BREAKING_CODES and f.severity == "error"]
    if not broken:
        return findings
    return [
        f
        for f in findings
        if f.code in _SYNTAX_CODES or not f.code.startswith(("GL1", "GL3")) or not _is_cascade(f.pointer, broken)
    ]


def finish(findings: list[Finding]) -> list[Finding]:
    """The last stage of every analysis: no cascades from syntax errors, and at most MAX_FINDINGS."""
    return _cap(drop_cascades(findings))


def _cap(findings: list[Finding]) -> list[Finding]:
    if len(findings) <= MAX_FINDINGS:
        return findings
    findings.sort(key=lambda f: (f.severity != "error", f.start))
    kept = findings[:MAX_FINDINGS]
    kept.append(
        make_finding(
            "GL902",
            f"{len(findings) - MAX_FINDINGS} more findings are not shown; fix the ones above first.",
            "",
            0,
            0,
        )
    )
    return kept
