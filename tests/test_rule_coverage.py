"""Every rule code is exercised by at least one test: named in a test module, or found in a corpus manifest's exact
findings (which a test compares)."""

from __future__ import annotations

import re

from conftest import ROOT
from gemini_lsp.rules import RULES

TESTS = ROOT / "tests"


def _mentioned_codes() -> set[str]:
    found: set[str] = set()
    for path in TESTS.glob("test_*.py"):
        if path.name == "test_rule_coverage.py":
            continue
        found.update(re.findall(r"GL\d{3}", path.read_text(encoding="utf-8")))
    for manifest in TESTS.glob("corpus/*/manifest.json"):
        found.update(re.findall(r'"(GL\d{3}) (?:error|warning|information|hint) ', manifest.read_text(encoding="utf-8")))
    return found


def test_every_rule_code_is_tested():
    missing = sorted(set(RULES) - _mentioned_codes())
    assert missing == [], f"rules no test names: {missing}"
