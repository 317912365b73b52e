"""Write docs/rules.md from the rule objects (gemini_lsp.rules_doc.render). Run after changing a rule."""

from __future__ import annotations

import sys
from pathlib import Path

from gemini_lsp.rules_doc import render

TARGET = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
