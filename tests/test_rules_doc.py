"""Every rule code is documented in docs/rules.md, and every documented code exists."""

from __future__ import annotations

import re

from conftest import ROOT
from gemini_lsp.rules import RULES


def test_every_rule_has_a_documentation_entry_and_back():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (GL\d{3}) ([a-z0-9-]+)$", text, flags=re.M))
    for code, rule in RULES.items():
        assert documented.get(code) == rule.name, f"{code} {rule.name} is not documented as such"
    assert set(documented) <= set(RULES), set(documented) - set(RULES)
