"""What every check returns: findings with a stable code, a range in str offsets and safe fixes.

Findings are built with `rule.make_finding`, which fills in the rule's name and default severity."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning", "information", "hint"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "information", "hint")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] by new_text (str offsets)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A named set of edits; `safe` fixes are applied by "fix all"."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True
    preferred: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a request document."""

    code: str
    name: str
    severity: Severity
    message: str
    pointer: str
    start: int
    end: int
    fixes: tuple[Fix, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def offset_finding(f: Finding, delta: int) -> Finding:
    """A finding, its range and its fixes moved by `delta` characters."""
    if not delta:
        return f
    fixes = tuple(
        Fix(fx.title, tuple(Edit(x.start + delta, x.end + delta, x.new_text) for x in fx.edits), fx.safe, fx.preferred)
        for fx in f.fixes
    )
    return replace(f, start=f.start + delta, end=f.end + delta, fixes=fixes)
