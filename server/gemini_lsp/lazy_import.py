"""Functions and classes bound by name and imported on their first call.

The server answers `initialize` before it imports the parser, the checks, the schemas and the features (issue 13:
start-up costs only what the first request needs); `server.warm_up` imports them right after `initialized`.
`lazy("gemini_lsp.document", "parse")(text)` is `gemini_lsp.document.parse(text)`.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["BINDINGS", "lazy"]

#: Every (module, name) bound so far; `tests/test_startup.py` checks that each one exists.
BINDINGS: list[tuple[str, str]] = []


def lazy(module: str, name: str) -> Callable[..., Any]:
    """A callable standing for `module.name` (a function or a class), imported when first called."""
    target: list[Callable[..., Any]] = []
    BINDINGS.append((module, name))

    def call(*args: Any, **kwargs: Any) -> Any:
        if not target:
            target.append(getattr(importlib.import_module(module), name))
        return target[0](*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported on first call."
    return call
