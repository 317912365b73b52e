"""The rule registry, built from the rule modules: every rule (`RULES`, by code; `RULES_BY_NAME`) and every check in
the order the engine runs them (`CHECKS`).

A rule module declares its rules (`RULES`) and the checks that report them (`CHECKS`); adding a rule means
declaring it there (with its check) and adding its test. `docs/rules.md` is generated from the rules
(`scripts/gen_rules_doc.py`; a test fails when it is stale).

A module that fails to load is not skipped in silence: the failure is logged with its traceback, kept in
`LOAD_FAILURES`, and every analysis reports it (GL900), so the editor shows it and `gemini-lsp check` exits with
status 3.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from .rule import Check, Rule

log = logging.getLogger("gemini_lsp.rules")

#: The rule modules, in the order their checks run: syntax and text scans, lenient forms, the schema walk, then the
#: request checks (model, then the cross-field families). The engine's own rules (limits, internal errors) last.
RULE_MODULES: tuple[str, ...] = (
    "gemini_lsp.checks.syntax",
    "gemini_lsp.checks.secrets",
    "gemini_lsp.checks.json_forms",
    "gemini_lsp.checks.schema_rules",
    "gemini_lsp.checks.model_id",
    "gemini_lsp.checks.thinking",
    "gemini_lsp.checks.generation",
    "gemini_lsp.checks.structured_output",
    "gemini_lsp.checks.tools",
    "gemini_lsp.checks.conversation",
    "gemini_lsp.checks.caching",
    "gemini_lsp.checks.embeddings",
    "gemini_lsp.checks.safety",
    "gemini_lsp.checks.capabilities",
    "gemini_lsp.checks.shapes",
    "gemini_lsp.checks.speech",
    "gemini_lsp.checks.images",
    "gemini_lsp.checks.limits",
)


@dataclass(frozen=True)
class LoadFailure:
    module: str
    error: str  # "ImportError: ..." (the traceback is in the log)


def _load() -> tuple[dict[str, Rule], list[Check], list[LoadFailure]]:
    rules: dict[str, Rule] = {}
    checks: list[Check] = []
    failures: list[LoadFailure] = []
    for name in RULE_MODULES:
        try:
            module = importlib.import_module(name)
            module_rules: tuple[Rule, ...] = module.RULES
            module_checks: tuple[Check, ...] = module.CHECKS
        except Exception as error:  # a bug of ours: reported by every analysis (GL900), never skipped in silence
            log.exception("rule module %s could not be loaded", name)
            failures.append(LoadFailure(name, f"{type(error).__name__}: {error}"))
            continue
        for rule in module_rules:
            if rule.code in rules:
                raise ValueError(f"{name}: rule {rule.code} is already declared")
            rules[rule.code] = rule
        for check in module_checks:
            undeclared = [r.code for r in check.rules if r.code not in rules]
            if undeclared:
                raise ValueError(f"{name}: check {check.name} reports rules its module does not declare: {undeclared}")
        checks.extend(module_checks)
    return rules, checks, failures


_rules, _checks, _failures = _load()
RULES: dict[str, Rule] = dict(sorted(_rules.items()))
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}
CHECKS: tuple[Check, ...] = tuple(_checks)
LOAD_FAILURES: tuple[LoadFailure, ...] = tuple(_failures)
