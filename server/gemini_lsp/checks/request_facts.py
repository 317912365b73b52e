"""Hand-written request facts with sources (`schemas/request_rules.json`), loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class RequestFacts:
    raw: dict[str, Any]

    @property
    def accepted_roles(self) -> frozenset[str]:
        return frozenset(self.raw["roles"]["accepted"])

    @property
    def role_replacements(self) -> dict[str, str]:
        return dict(self.raw["roles"]["replacements"])

    def non_empty_lists(self, message: str, field: str) -> list[dict[str, Any]]:
        """The entries saying that `message.field` must not be an empty list (each may be limited to places)."""
        return [e for e in self.raw["nonEmptyLists"] if e["message"] == message and e["field"] == field]

    @property
    def part_data_extra(self) -> tuple[str, ...]:
        """Part fields that carry a part's content besides the proto's `data` oneof (e.g. `toolCall`)."""
        return tuple(self.raw.get("partDataExtra", {}).get("fields", ()))

    def required_relaxation(self, message: str, field: str) -> dict[str, Any] | None:
        """How a REQUIRED field is relaxed where the API is shown to accept its absence (`requiredRelaxed`)."""
        for entry in self.raw.get("requiredRelaxed", ()):
            if entry["message"] == message and entry["field"] == field:
                return dict(entry)
        return None

    def vocabulary_hint(self, message: str, key: str, top_level: bool) -> tuple[str | None, str | None, str | None]:
        """(hint, suggested key, move-to pointer) for a key from another vocabulary, else Nones."""
        vocabulary = self.raw["vocabulary"]
        table = vocabulary["topLevel"] if top_level else vocabulary.get(message, {})
        entry = table.get(key) if isinstance(table, dict) else None
        if isinstance(entry, dict) and "hint" in entry:
            return entry["hint"], entry.get("suggest"), entry.get("moveTo")
        schema_entry = vocabulary.get("Schema", {})
        if message == "Schema" and key in schema_entry.get("jsonSchemaKeywords", ()):
            return schema_entry["hint"], None, None
        return None, None, None


@lru_cache(maxsize=1)
def request_facts() -> RequestFacts:
    path = resources.files("gemini_lsp.schemas") / "request_rules.json"
    return RequestFacts(json.loads(path.read_text(encoding="utf-8")))
