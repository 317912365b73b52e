"""The one engine: runs every check of the registry over a request, in isolation, for `gemini-lsp check`, for a
document the editor opens and for every keystroke.

Staged like taplo: syntax and text scans first; the schema and request checks run on whatever the tolerant parser
recovered, never on a file above `geminiLsp.maxFileSize` or a method the surface lacks, and their findings on a value
a syntax error left broken are dropped (one typo does not cascade into twenty findings).

After an edit (`cache` given, with the splices `incremental.update_tree` made), what is reused follows from each
check's declared scope (`rule.Scope`): parse findings per unchanged syntax issue, text findings outside the edited
regions, the schema walk per unchanged list item, request checks when only free text none of their rules reads was
edited. Without a cache every check simply runs; both paths give the same findings (tests/test_fuzz.py).

A check that raises does not take the others with it: its findings are replaced by one information finding
(GL900, "internal error in rule GLxxx, please report"), the traceback goes to the log, and the result says which
checks crashed (`gemini-lsp check` exits with its own status then).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from . import rules as registry
from .findings import Edit, Finding, offset_finding
from .checks.limits import MAX_FINDINGS, is_unbuilt_stand_in, request_too_large
from .rule import Check, make_finding
from .settings import control_name

if TYPE_CHECKING:
    from .checks.context import CheckContext
    from .incremental import AnalysisCache, Splice

log = logging.getLogger("gemini_lsp.engine")


INTERNAL_ERROR_CODE = "GL900"

#: Rules that read the model's catalogue facts: when the file names a shut-down model they run against the model that
#: serves (or replaces) it (analysis.check_context), and their messages say so (issue 12, section 1).
MODEL_AWARE = frozenset({
    "GL304", "GL310", "GL311", "GL312", "GL313", "GL320", "GL321", "GL322", "GL323", "GL324", "GL326", "GL327",
    "GL328", "GL329", "GL333", "GL340", "GL341", "GL344", "GL352", "GL354", "GL374", "GL395",
})


def for_which_model(ctx: CheckContext, finding: Finding) -> Finding:
    """A model-aware finding on a file that names a shut-down model: say which model it was checked against."""
    if ctx.serving_reason is None or ctx.model is None or ctx.named_model is None or finding.code not in MODEL_AWARE:
        return finding
    how = "which serves" if ctx.serving_reason == "routed" else "the replacement of"
    note = f" [Checked against `{ctx.model.id}`, {how} the shut-down `{ctx.named_model.id}`.]"
    data = dict(finding.data or {})
    data["checkedModel"] = ctx.model.id
    return replace(finding, message=finding.message + note, data=data)


@dataclass(frozen=True)
class EngineResult:
    findings: list[Finding]
    #: what failed: "rule GL310, GL311 (check thinking)", "rule module gemini_lsp.checks.x", "the parser"
    internal_errors: tuple[str, ...] = ()


def run(ctx: CheckContext, cache: AnalysisCache | None = None) -> EngineResult:
    """Every check of the registry over `ctx`, reusing `cache` (and the splices recorded in it) when given."""
    runner = _Runner(ctx, cache)
    findings = runner.run()
    internal = list(runner.internal)
    extra: list[Finding] = []
    parse_failure = ctx.doc.internal_error
    if parse_failure:
        internal.append("the parser")
        extra.append(internal_error_finding(f"the parser ({parse_failure}); the file could not be analysed", ()))
    for failure in registry.LOAD_FAILURES:
        internal.append(f"rule module {failure.module}")
        extra.append(internal_error_finding(
            f"rule module `{failure.module}`, which could not be loaded ({failure.error}); its rules are not checked",
            (),
        ))
    for check in runner.crashed:
        extra.append(internal_error_finding(f"rule {check.label()} (check `{check.name}`)", sorted(check.codes)))
    return EngineResult(finish(findings) + extra, tuple(internal))


def internal_error_finding(what: str, codes: Iterable[str]) -> Finding:
    """GL900 at the top of the file: `what` failed inside gemini-lsp."""
    return make_finding(
        INTERNAL_ERROR_CODE,
        f"Internal error in {what}: gemini-lsp failed here, not your request. Please report it (the traceback is in "
        "the log); the findings of the other rules are shown.",
        "",
        0,
        0,
        data={"codes": list(codes)},
    )


class _Runner:
    def __init__(self, ctx: CheckContext, cache: AnalysisCache | None) -> None:
        self.ctx = ctx
        self.cache = cache
        self.crashed: list[Check] = []
        self.internal: list[str] = []
        vertex = ctx.settings.api == "vertex"
        self.downgrade = frozenset(r.code for r in registry.RULES.values() if r.developer_api_only) if vertex else None

    def run(self) -> list[Finding]:
        ctx = self.ctx
        cache = self.cache
        splices: list[Splice] = cache.take_splices() if cache is not None else []
        findings: list[Finding] = []
        if ctx.too_large:
            allowed = {"parse", "text"}
        elif ctx.schema is None:
            allowed = {"parse", "text", "document"}
        else:
            allowed = {"parse", "text", "document", "schema", "request"}
        stopped = False
        for check in registry.CHECKS:
            if check.scope not in allowed:
                if not stopped and check.scope in ("document", "schema", "request"):
                    stopped = True
                    findings.extend(self._limit_finding())
                if cache is not None:
                    cache.state.pop(check.name, None)
                continue
            findings.extend(self._run_one(check, splices))
        if not stopped and (ctx.too_large or ctx.schema is None):
            findings.extend(self._limit_finding())
        findings.extend(request_too_large(ctx))
        return findings

    def _limit_finding(self) -> list[Finding]:
        ctx = self.ctx
        if ctx.too_large:
            return [make_finding(
                "GL901",
                f"This file is larger than {control_name(ctx.settings, 'maxFileSize')} allows "
                f"({ctx.settings.max_file_size:,} bytes; it has about {len(ctx.doc.text):,} characters): only syntax "
                "and pasted credentials are checked. Raise that limit to check everything.",
                "",
                0,
                0,
            )]
        if ctx.schema is None:
            return [make_finding(
                "GL116",
                f"The {ctx.settings.api} API ({ctx.settings.api_version}) has no `{ctx.method}` method, so this file "
                f"is checked for syntax only. Change {control_name(ctx.settings, 'api')} / "
                f"{control_name(ctx.settings, 'apiVersion')} or the file name.",
                "",
                0,
                0,
            )]
        return []

    # -- one check, isolated ------------------------------------------------------------------------------------
    def _run_one(self, check: Check, splices: list[Splice]) -> list[Finding]:
        try:
            if self.cache is None:
                found = list(check.run(self.ctx))
            else:
                found = self._reuse(check, splices)
            codes = check.codes
            for f in found:
                if f.code not in codes and not is_unbuilt_stand_in(f):
                    raise RuntimeError(f"check {check.name} reported {f.code}, which it does not declare")
        except Exception:
            log.exception("internal error in rule %s (check %s)", check.label(), check.name)
            self.crashed.append(check)
            self.internal.append(f"rule {check.label()} (check {check.name})")
            if self.cache is not None:
                self.cache.state.pop(check.name, None)
            return []
        if self.downgrade:
            found = [
                replace(f, severity="warning") if f.code in self.downgrade and f.severity == "error" else f
                for f in found
            ]
        if self.ctx.serving_reason is not None:
            found = [for_which_model(self.ctx, f) for f in found]
        return found

    def _reuse(self, check: Check, splices: list[Splice]) -> list[Finding]:
        """The findings of `check` now, from its state of the last run and the splices since."""
        assert self.cache is not None
        state = self.cache.state
        previous = state.get(check.name)
        ctx = self.ctx
        if check.scope == "parse" and check.convert is not None:
            known: dict[Any, tuple[int, list[Finding]]] = previous or {}
            converted: dict[Any, tuple[int, list[Finding]]] = {}
            out: list[Finding] = []
            for issue in ctx.doc.errors:
                entry = known.get(issue)
                if entry is not None:
                    base, made = entry
                    if base != issue.start:
                        made = [offset_finding(f, issue.start - base) for f in made]
                else:
                    made = list(check.convert(ctx, issue))
                converted[issue] = (issue.start, made)
                out.extend(made)
            state[check.name] = converted
            return out
        if check.scope == "text" and check.scan is not None:
            return self._text(check, previous, splices)
        if check.scope == "schema" and check.memoised is not None:
            dirty = frozenset(a for s in splices for a in s.ancestors)
            found, memo = check.memoised(ctx, previous, dirty)
            state[check.name] = memo
            return found
        if check.scope == "request" and previous is not None and splices:
            if not check.reads_free_text and all(s.text_only for s in splices):
                try:
                    moved = previous
                    for s in splices:
                        moved = [shift_finding(f, s.start, s.end, s.delta) for f in moved]
                    state[check.name] = moved
                    return list(moved)
                except ShiftConflict:
                    pass
        elif check.scope == "request" and previous is not None and not splices:
            return list(previous)
        found = list(check.run(ctx))
        state[check.name] = found
        return found

    def _text(self, check: Check, previous: list[Finding] | None, splices: list[Splice]) -> list[Finding]:
        assert self.cache is not None and check.scan is not None
        ctx = self.ctx
        text = ctx.doc.text
        if previous is None:
            found = list(check.scan(ctx, 0, len(text)))
            self.cache.state[check.name] = found
            return found
        kept = previous
        lost = False
        for s in splices:
            lo, old_hi, delta = s.lo, s.hi - s.delta, s.delta
            survivors = [f if f.start < lo else offset_finding(f, delta) for f in kept if f.end <= lo or f.start >= old_hi]
            lost = lost or len(survivors) != len(kept)
            kept = survivors
        regions = self.cache.regions
        outside = [f for f in kept if not any(a <= f.start < b for a, b in regions)]
        lost = lost or len(outside) != len(kept)
        if check.first_only and lost:  # the first occurrence was edited: what comes after it is not known
            found = list(check.scan(ctx, 0, len(text)))
        else:
            kept = outside
            for a, b in regions:
                kept.extend(check.scan(ctx, a, b))
            if check.first_only and len(kept) > 1:
                kept = [min(kept, key=lambda f: f.start)]
            found = kept
        self.cache.state[check.name] = found
        return found


# -- the last stage: cascades and the cap ---------------------------------------------------------------------

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
    """No cascades from syntax errors, and at most MAX_FINDINGS; findings a check counted but did not build (their
    stand-ins, `checks.limits.unbuilt_findings`) are added to the count of those not shown."""
    unbuilt = 0
    if any(is_unbuilt_stand_in(f) for f in findings):
        unbuilt = sum(f.data["unbuilt"] for f in findings if is_unbuilt_stand_in(f))
        findings = [f for f in findings if not is_unbuilt_stand_in(f)]
    findings = drop_cascades(findings)
    if len(findings) <= MAX_FINDINGS and not unbuilt:
        return findings
    findings.sort(key=lambda f: (f.severity != "error", f.start))
    kept = findings[:MAX_FINDINGS]
    kept.append(
        make_finding(
            "GL902",
            f"{len(findings) - len(kept) + unbuilt} more findings are not shown; fix the ones above first.",
            "",
            0,
            0,
        )
    )
    return kept


# -- moving findings across edits ---------------------------------------------------------------------------------


class ShiftConflict(Exception):
    """A finding overlaps an edit: it cannot be moved, only found again."""


def _move(p: int, start: int, end: int, delta: int) -> int:
    """An offset moved across the replacement of [start, end): unchanged before it, shifted after it."""
    if start == end:
        if p < start:
            return p
        if p > start:
            return p + delta
        raise ShiftConflict  # at an insertion point: before or after it is unknown
    if p <= start:
        return p
    if p >= end:
        return p + delta
    raise ShiftConflict


def shift_finding(f: Finding, start: int, end: int, delta: int) -> Finding:
    """A finding moved across an edit of [start, end) by `delta`; raises ShiftConflict when it overlaps the edit."""
    s = _move(f.start, start, end, delta)
    e = _move(f.end, start, end, delta)
    fixes = f.fixes
    if fixes:
        fixes = tuple(
            replace(fx, edits=tuple(Edit(_move(x.start, start, end, delta), _move(x.end, start, end, delta), x.new_text)
                                    for x in fx.edits))
            for fx in fixes
        )
    if s == f.start and e == f.end and fixes is f.fixes:
        return f
    return replace(f, start=s, end=e, fixes=fixes)
