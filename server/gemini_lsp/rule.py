"""What a rule is: one object with its code, name, default severity, summary, documentation, evidence, what it reads,
and the check that reports it. `rules.py` collects the rule modules into the registry; `engine.py` runs the checks;
`docs/rules.md` is generated from these objects (`scripts/gen_rules_doc.py`).

A check (`Check`) reports one or more rules of one family (a walk over `generationConfig.thinkingConfig` reports
GL310–GL315); its `scope` tells the engine what it looks at, and so what the engine may reuse after an edit.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from .findings import Finding, Fix, Severity

if TYPE_CHECKING:
    from .checks.context import CheckContext
    from .document import SyntaxIssue

#: What a check looks at, which decides what the engine may reuse after an edit (see engine.py):
#: - "parse": converts the parser's syntax issues, one at a time (reused per issue while the issue is unchanged);
#: - "text": scans the raw text; findings outside the edited regions are kept, the regions are scanned again;
#: - "document": reads the whole document cheaply (lenient forms); run again after every edit;
#: - "schema": the walk along the schema; it reuses, per unchanged item of a long list, the item's findings;
#: - "request": reads several fields of the request; reused after edits inside free text that none of its rules
#:   reads, run again after any other edit.
#: - "engine": not a check: the engine itself reports these rules (limits, internal errors).
Scope = Literal["parse", "text", "document", "schema", "request", "engine"]
#: Scopes that run on files above `geminiLsp.maxFileSize`, and on surfaces without a schema for the method.
#: Members whose string value is free text: a rule declared with `free_text=False` reads at most whether such a
#: value is empty, never its content, so an edit inside a non-empty one lets the engine reuse its findings.
FREE_TEXT_KEYS: frozenset[str] = frozenset({"text"})


@dataclass(frozen=True)
class Rule:
    """One finding code. Declared once, in the module whose check reports it."""

    code: str
    name: str
    severity: Severity
    summary: str
    #: Markdown for docs/rules.md: what the API answers, why, how to fix it
    doc: str
    #: public sources behind the rule: https URLs (with a note after " — "), or files of this repository
    evidence: tuple[str, ...]
    #: whether the API's own error text backs the rule (its message quotes what the API answers)
    api_text: bool
    #: the parts of the request it reads: JSON paths (`generationConfig.thinkingConfig`), "model" (the model's
    #: catalogue facts), "text" (the raw text), "syntax" (the parser's findings). Documentation for now: the engine's
    #: reuse follows the check's scope and `free_text`, not these paths
    reads: tuple[str, ...]
    #: whether it reads the content of free text (a part's `text`); an edit inside free text then re-runs it
    free_text: bool = False
    #: the evidence is Developer-API 400s only: on Vertex AI the rule reports at most a warning
    developer_api_only: bool = False
    #: the evidence that shows the server's verbatim answer (a per-model fact backed by one of them is an error)
    repro: tuple[str, ...] = ()
    #: data the check reads: the API's messages, fixed value lists and limits
    facts: Mapping[str, Any] = field(default_factory=dict)
    #: the check that reports it (set when the check is declared; None for the rules the engine reports itself)
    check: Check | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))
        object.__setattr__(self, "doc", inspect.cleandoc(self.doc))
        known = _DECLARED.get(self.code)
        if known is not None and known.name != self.name:
            raise ValueError(f"rule code {self.code} declared twice ({known.name}, {self.name})")
        _DECLARED[self.code] = self
        _BY_NAME[self.name] = self


@dataclass(frozen=True)
class Check:
    """The code that reports some rules. `run` is the whole check; the scope decides how it is re-run after edits."""

    name: str
    scope: Scope
    rules: tuple[Rule, ...]
    run: Callable[[CheckContext], Iterable[Finding]]
    #: "text" scope: the findings in text[lo:hi] (str offsets of the whole text)
    scan: Callable[[CheckContext, int, int], Iterable[Finding]] | None = None
    #: "text" scope: the check reports only its first occurrence
    first_only: bool = False
    #: "parse" scope: the findings of one syntax issue
    convert: Callable[[CheckContext, SyntaxIssue], Iterable[Finding]] | None = None
    #: "schema" scope: the check with a memo it owns (kept by the engine between runs) and the nodes edited since
    memoised: Callable[[CheckContext, Any, frozenset[Any]], tuple[list[Finding], Any]] | None = None

    #: the codes of `rules` (derived)
    codes: frozenset[str] = field(init=False, default=frozenset())
    #: whether any of its rules reads free text (derived)
    reads_free_text: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            if rule.check is not None and rule.check.name != self.name:
                raise ValueError(f"rule {rule.code} is reported by two checks ({rule.check.name}, {self.name})")
            object.__setattr__(rule, "check", self)
        object.__setattr__(self, "codes", frozenset(rule.code for rule in self.rules))
        object.__setattr__(self, "reads_free_text", any(rule.free_text for rule in self.rules))

    def label(self) -> str:
        """The rule codes this check reports, for messages ("GL310, GL311, ...")."""
        codes = sorted(self.codes)
        return codes[0] if len(codes) == 1 else ", ".join(codes)


_DECLARED: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}


def declared(code: str) -> Rule:
    """The rule with this code (declared by its module when imported)."""
    return _DECLARED[code]


def declared_by_name(name: str) -> Rule:
    return _BY_NAME[name]


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
    """Build a finding for a declared rule code, with the rule's name and default severity."""
    rule = _DECLARED[code]
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
