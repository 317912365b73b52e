"""What the server announces in its `initialize` answer for the editing features: completion trigger characters and
code action kinds. Kept apart from the features themselves so that announcing them imports nothing heavy (the
features are imported after `initialize`, see `gemini_lsp.lazy_import`)."""

from __future__ import annotations

from lsprotocol import types

__all__ = [
    "CAMEL_CASE_KIND",
    "CODE_ACTION_KINDS",
    "FIX_ALL_KIND",
    "SNAKE_CASE_KIND",
    "STRICT_JSON_KIND",
    "TRIGGER_CHARACTERS",
]

TRIGGER_CHARACTERS = ['"', ":", " "]

FIX_ALL_KIND = "source.fixAll.gemini"
CAMEL_CASE_KIND = "refactor.rewrite.gemini.camelCase"
SNAKE_CASE_KIND = "refactor.rewrite.gemini.snakeCase"
STRICT_JSON_KIND = "refactor.rewrite.gemini.strictJson"
CODE_ACTION_KINDS = [types.CodeActionKind.QuickFix.value, FIX_ALL_KIND, CAMEL_CASE_KIND, SNAKE_CASE_KIND,
                     STRICT_JSON_KIND]
