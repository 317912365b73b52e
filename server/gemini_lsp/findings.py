"""What every check returns: findings with a stable code, a range in str offsets and safe fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def make_finding(
    code: str,
    message: str,
    pointer: str,
    start: int,
    end: int,
    *,
    severity: Severity | None = None,
    fixes: tuple[Fix, ...] | list[Fix] = (),
    data: dict[str, Any] | None = None,
) -> Finding:
    """Build a finding for a registered rule code, with the rule's name and default severity."""
    from .rules import RULES

    rule = RULES[code]
    return Finding(
        code=code,
        name=rule.name,
        severity=severity or rule.severity,
        message=message,
        pointer=pointer,
        start=start,
        end=max(start, end),
        fixes=tuple(fixes),
        data=dict(data or {}),
    )


def unbuilt_findings(count: int) -> Finding:
    """A stand-in for `count` findings a check counted but did not build because they could never be shown; the cap
    on findings (checks.finish) adds the count to its "more findings are not shown" note and drops this one."""
    return make_finding("GL902", f"{count} more findings are not shown.", "", 0, 0, data={"unbuilt": count})
