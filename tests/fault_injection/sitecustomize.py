"""Test support: injects a fault into gemini-lsp at interpreter start-up, chosen by GEMINI_LSP_TEST_FAULT, so that
tests can run the real console script and the real server with a broken part (tests/test_internal_errors.py).

- `crash`: the thinking check (GL310–GL315) raises;
- `import`: the rule module gemini_lsp.checks.thinking fails to import;
- `parser`: the parser raises.
Nothing happens without the variable; this directory is on PYTHONPATH only in those tests.
"""

from __future__ import annotations

import dataclasses
import importlib.abc
import os
import sys

FAULT = os.environ.get("GEMINI_LSP_TEST_FAULT", "")


def _boom(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise RuntimeError("injected fault for a test")


class _BrokenModule(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname == "gemini_lsp.checks.thinking":
            raise ImportError("injected import failure for a test")
        return None


if FAULT == "crash":
    from gemini_lsp.checks import thinking

    thinking.CHECKS = tuple(dataclasses.replace(check, run=_boom) for check in thinking.CHECKS)
elif FAULT == "import":
    sys.meta_path.insert(0, _BrokenModule())
elif FAULT == "parser":
    from gemini_lsp import document

    document._Parser.run = _boom  # noqa: SLF001 - the parser's entry point is what must fail
