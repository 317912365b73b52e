"""Start-up: the server answers `initialize` before it imports the parser, the checks, the schemas, the catalogue
and the features (issue 13), and still serves every request afterwards (the other LSP tests)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "gemini_lsp.analysis",
    "gemini_lsp.catalog",
    "gemini_lsp.checks",
    "gemini_lsp.document",
    "gemini_lsp.incremental",
    "gemini_lsp.schema",
    "gemini_lsp.features.completion",
    "gemini_lsp.features.hover",
    "gemini_lsp.features.code_actions",
    "gemini_lsp.features.symbols",
    "gemini_lsp.features.diagnostics",
    "gemini_lsp.file_walk",
)

# What `gemini-lsp serve` runs before it reads the first message: the CLI module, the server module and the
# server object with every feature registered (their capabilities are part of the `initialize` answer).
PROGRAM = """
import json, sys
import gemini_lsp.cli
from gemini_lsp.server import create_server
server = create_server()
print(json.dumps({
    "modules": sorted(m for m in sys.modules if m.startswith("gemini_lsp")),
    "features": sorted(server.protocol.fm.features),
}))
"""


def test_serving_imports_nothing_heavy_before_initialize() -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(out.stdout)
    loaded = set(report["modules"])
    assert not [m for m in HEAVY if m in loaded], report["modules"]
    for feature in ("textDocument/completion", "textDocument/hover", "textDocument/codeAction",
                    "textDocument/documentSymbol", "textDocument/diagnostic"):
        assert feature in report["features"]


def test_announced_capabilities_are_the_features_own() -> None:
    from gemini_lsp.features import code_actions, completion
    from gemini_lsp.features.capabilities import CODE_ACTION_KINDS, TRIGGER_CHARACTERS

    assert completion.TRIGGER_CHARACTERS is TRIGGER_CHARACTERS
    assert code_actions.CODE_ACTION_KINDS is CODE_ACTION_KINDS
    assert code_actions.FIX_ALL_KIND in CODE_ACTION_KINDS


def test_warm_up_loads_what_the_first_document_needs_and_reports_a_failure(monkeypatch, caplog) -> None:
    import importlib
    import logging

    from gemini_lsp import server as server_module

    ls = server_module.create_server()
    messages: list[str] = []
    monkeypatch.setattr(ls, "log", lambda message, level=None: messages.append(message))
    ls.warm_up()
    assert ls._catalog is not None  # noqa: SLF001 - loaded by the warm-up, not at construction
    assert messages == []
    for module in server_module.WARM_UP_MODULES:
        assert importlib.import_module(module)
    # a failure is loud (an error log line and a window/logMessage), never silent, and the server goes on
    monkeypatch.setattr(server_module, "WARM_UP_MODULES", ("gemini_lsp.no_such_module",))
    with caplog.at_level(logging.ERROR, logger="gemini_lsp"):
        ls.warm_up()
    assert any("internal error" in r.getMessage() for r in caplog.records)
    assert messages and "ModuleNotFoundError" in messages[0]


def test_every_lazy_binding_names_something_that_exists() -> None:
    """A renamed function must fail here, not on a user's first keystroke."""
    import importlib

    import gemini_lsp.features.registration
    import gemini_lsp.server  # noqa: F401 - binds its names
    from gemini_lsp.lazy_import import BINDINGS

    assert len(BINDINGS) >= 20
    for module, name in BINDINGS:
        assert callable(getattr(importlib.import_module(module), name)), (module, name)
