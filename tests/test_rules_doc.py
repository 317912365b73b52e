"""Every rule is one declared object: docs/rules.md is generated from them, and each cites public evidence."""

from __future__ import annotations

import re

from conftest import ROOT
from gemini_lsp.rules import CHECKS, RULES
from gemini_lsp.rules_doc import render


def test_rules_doc_is_generated_from_the_rules():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == render(), "docs/rules.md is stale: run `python scripts/gen_rules_doc.py`"
    documented = dict(re.findall(r"^### (GL\d{3}) ([a-z0-9-]+)$", text, flags=re.M))
    assert documented == {code: rule.name for code, rule in RULES.items()}


def test_every_rule_cites_public_evidence_inside_the_repository():
    engine_rules = {"GL900", "GL116", "GL901", "GL902"}  # reported by the engine itself: no API fact behind them
    for code, rule in RULES.items():
        assert rule.summary and rule.doc, code
        if code not in engine_rules:
            assert rule.evidence, f"{code} cites no evidence"
        for source in rule.evidence + rule.repro:
            where = source.split(" — ", 1)[0]
            if where.startswith("https://"):
                continue
            assert (ROOT / where.split(" ")[0]).exists(), f"{code}: {source} is neither a URL nor a file of the repository"
        for text in (rule.doc, *rule.evidence):
            assert "shared/" not in text and "FACTS" not in text, f"{code} cites a file outside the repository: {text}"


def test_every_rule_is_reported_by_exactly_one_check_or_by_the_engine():
    reported = [rule.code for check in CHECKS for rule in check.rules]
    assert len(reported) == len(set(reported))
    assert set(RULES) - set(reported) == {"GL900", "GL116", "GL901", "GL902", "GL397"}


def test_diagnostics_link_the_checkout_doc_or_render_it_into_the_cache(tmp_path):
    from gemini_lsp.features.diagnostics import rules_doc_file

    checkout = ROOT / "docs" / "rules.md"
    assert rules_doc_file(checkout, tmp_path) == checkout.as_uri()
    # an installed package has no docs/ beside it: the same text, rendered from the rules into the cache
    uri = rules_doc_file(tmp_path / "no-checkout" / "rules.md", tmp_path / "cache")
    assert uri is not None and uri.startswith("file://")
    [written] = (tmp_path / "cache").glob("rules-*.md")
    assert written.read_text(encoding="utf-8") == checkout.read_text(encoding="utf-8")
    readonly = tmp_path / "ro"
    readonly.write_text("a file, not a directory", encoding="utf-8")
    assert rules_doc_file(tmp_path / "none.md", readonly / "cache") is None
