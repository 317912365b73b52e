"""Documentation texts shared by hover and completion: a field, an enum value, a model (markdown or plain)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from ..catalog import Catalog, ModelInfo
from ..names import camel, snake
from ..schema import EnumInfo, EnumValue, FieldInfo, MessageInfo, RequestSchema

__all__ = ["enum_value_doc", "field_doc", "field_facts", "field_type", "format_number", "in_file_spelling", "model_doc", "model_summary",
           "status_label"]

_KIND_TEXT = {
    "string": "string",
    "bool": "boolean",
    "int32": "integer (int32)",
    "uint32": "integer (uint32)",
    "int64": "integer (int64, also as a string)",
    "uint64": "integer (uint64, also as a string)",
    "float": "number (float)",
    "double": "number (double)",
    "bytes": "base64 string (bytes)",
    "duration": 'duration string such as "3.5s"',
    "timestamp": 'RFC 3339 timestamp string such as "2026-01-01T00:00:00Z"',
    "fieldmask": "field mask string",
    "struct": "JSON object (free-form)",
    "value": "any JSON value (free-form)",
    "listvalue": "JSON list (free-form)",
    "empty": "empty object {}",
}

_FEATURE_LABELS = {
    "json_with_function_calling": "JSON output with function calling",
    "builtin_with_functions": "built-in tools together with functions",
    "google_search_retrieval": "google search retrieval",
    "image_config": "imageConfig",
    "speech_config": "speechConfig",
}
_FEATURE_NOTES = {
    "builtin_with_functions_needs_server_side_flag": (
        "Built-in tools with functions", "need `toolConfig.includeServerSideToolInvocations`", "no extra flag needed"),
    "thought_signatures_required": ("Thought signatures", "required in multi-turn function calling", "not required"),
}

NUMBER_KINDS = frozenset({"int32", "uint32", "int64", "uint64", "float", "double"})


def format_number(value: Any) -> str:
    """A number as a person writes it: 2.0 → "2", 0.95 → "0.95", 1048576 → "1,048,576" for big integers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _single_type(f: FieldInfo) -> str:
    if f.kind == "message":
        return f"object `{f.type_name}`"
    if f.kind == "enum":
        return f"enum `{f.type_name}`"
    if f.kind == "map":
        inner = _single_type(f.map_value) if f.map_value is not None else "value"
        return f"map of string → {inner}"
    return _KIND_TEXT.get(f.kind, f.kind)


def field_type(f: FieldInfo) -> str:
    """The field's type in words, with the message/enum name in backticks."""
    single = _single_type(f)
    if f.repeated:
        return f"list of {single}"
    return single


def field_type_plain(f: FieldInfo) -> str:
    return field_type(f).replace("`", "")


def field_range(f: FieldInfo) -> str | None:
    """The documented range ("[0, 2]", "≥ 1", "(0, 1]") or None."""
    lo, hi = f.minimum, f.maximum
    lo_x, hi_x = f.exclusive_minimum, f.exclusive_maximum
    left = right = None
    if lo_x is not None:
        left = f"({format_number(lo_x)}"
    elif lo is not None:
        left = f"[{format_number(lo)}"
    if hi_x is not None:
        right = f"{format_number(hi_x)})"
    elif hi is not None:
        right = f"{format_number(hi)}]"
    # the int32/uint32 type bounds say nothing useful
    if f.kind in ("int32", "uint32", "int64", "uint64"):
        if hi is not None and hi >= 2_147_483_647:
            right = None
        if lo is not None and lo <= -2_147_483_648:
            left = None
    if left and right:
        return f"{left}, {right}"
    if left:
        return ("> " if lo_x is not None else "≥ ") + format_number(lo_x if lo_x is not None else lo)
    if right:
        return ("< " if hi_x is not None else "≤ ") + format_number(hi_x if hi_x is not None else hi)
    return None


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_SNAKE_WORD = re.compile(r"(?<![\w./{$])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/}])")
_CAMEL_WORD = re.compile(r"(?<![\w./{$])[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+(?![\w/}])")


@lru_cache(maxsize=16)
def _two_spelling_names(schema: RequestSchema) -> tuple[frozenset[str], frozenset[str]]:
    """The schema's field names that have two spellings: (snake_case ones, camelCase ones)."""
    snake, camel = set(), set()
    for message in schema.messages.values():
        for f in message.fields:
            if f.proto_name != f.json_name:
                snake.add(f.proto_name)
                camel.add(f.json_name)
    return frozenset(snake), frozenset(camel)


def in_file_spelling(text: str, style: str, schema: RequestSchema | None = None) -> str:
    """Field names in Google's descriptions (written in the proto's snake_case) as the file spells keys: inside
    `code` spans every snake_case (or camelCase) identifier, elsewhere the schema's own field names."""
    if not text:
        return text
    word = _SNAKE_WORD if style != "snake" else _CAMEL_WORD
    convert = camel if style != "snake" else snake
    known: frozenset[str] = frozenset()
    if schema is not None:
        snake_names, camel_names = _two_spelling_names(schema)
        known = snake_names if style != "snake" else camel_names

    def in_span(m: re.Match[str]) -> str:
        inner = m.group(1)
        if "/" in inner or "://" in inner:  # a path or URL: leave it as written
            return m.group(0)
        return "`" + word.sub(lambda w: convert(w.group(0)), inner) + "`"

    pieces = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        plain = text[pos : m.start()]
        pieces.append(word.sub(lambda w: convert(w.group(0)) if w.group(0) in known else w.group(0), plain))
        pieces.append(in_span(m))
        pos = m.end()
    tail = text[pos:]
    pieces.append(word.sub(lambda w: convert(w.group(0)) if w.group(0) in known else w.group(0), tail))
    return "".join(pieces)


def _spelled(f: FieldInfo, style: str) -> str:
    return f.proto_name if style == "snake" else f.json_name


def _alternatives(f: FieldInfo, message: MessageInfo | None, style: str) -> str | None:
    """A oneof in plain words: which fields this one excludes."""
    if not f.oneof:
        return None
    names = [f"`{_spelled(g, style)}`" for g in message.fields if g.oneof == f.oneof] if message else []
    if len(names) < 2:
        return "set it or one of its alternatives, never two"
    if len(names) == 2:
        return f"set either {names[0]} or {names[1]}, not both"
    return "set only one of " + ", ".join(names[:-1]) + " or " + names[-1]


def field_facts(f: FieldInfo, *, top_level_model: bool = False, message: MessageInfo | None = None,
                style: str = "camel") -> list[tuple[str, str]]:
    """(label, text) facts of a field: type, range, default, items, required, alternatives, spellings."""
    facts: list[tuple[str, str]] = [("Type", field_type(f))]
    rng = field_range(f)
    if rng:
        facts.append(("Range", rng))
    if f.default is not None:
        facts.append(("Default", _json_literal(f.default)))
    if f.min_items is not None or f.max_items is not None:
        if f.min_items is not None and f.max_items is not None:
            facts.append(("Items", f"{f.min_items} to {f.max_items}"))
        elif f.max_items is not None:
            facts.append(("Items", f"at most {f.max_items}"))
        else:
            facts.append(("Items", f"at least {f.min_items}"))
    if f.max_length is not None:
        facts.append(("Length", f"at most {f.max_length} characters"))
    if f.url_path and top_level_model:
        facts.append(("Required", "no: in a body file it names the URL's model (optional)"))
    else:
        facts.append(("Required", "yes" if f.required else "no"))
    alternatives = _alternatives(f, message, style)
    if alternatives:
        facts.append(("Alternatives", alternatives))
    if f.output_only:
        facts.append(("Output only", "the API sets it in responses"))
    if f.deprecated:
        facts.append(("Deprecated", "yes"))
    facts.append(("Accepted spellings", ", ".join(f"`{n}`" for n in f.names)))
    return facts


def _json_literal(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return format_number(value)


def _clean_description(text: str) -> str:
    return (text or "").strip()


def _render(title: str, body: str, facts: list[tuple[str, str]], markdown: bool) -> str:
    if markdown:
        lines = [title]
        if body:
            lines += ["", body]
        if facts:
            lines += [""] + [f"- **{label}:** {text}" for label, text in facts]
        return "\n".join(lines)
    lines = [title.replace("**", "").replace("`", "")]
    if body:
        lines += ["", body]
    if facts:
        lines += [""] + [f"{label}: {text.replace('`', '')}" for label, text in facts]
    return "\n".join(lines)


def field_doc(f: FieldInfo, markdown: bool, *, key: str | None = None, top_level_model: bool = False,
              with_facts: bool = True, style: str = "camel", message: MessageInfo | None = None,
              schema: RequestSchema | None = None) -> str:
    """A field's official description and facts, for hover and completion documentation, with field names spelled
    as the file spells its keys (`style`: "camel" or "snake")."""
    name = key or _spelled(f, style)
    title = f"**{name}**" if markdown else name
    facts = field_facts(f, top_level_model=top_level_model, message=message, style=style) if with_facts else []
    return _render(title, in_file_spelling(_clean_description(f.description), style, schema), facts, markdown)


def enum_value_doc(enum: EnumInfo, value: EnumValue, markdown: bool, style: str = "camel",
                   schema: RequestSchema | None = None) -> str:
    """An enum value's official description (field names in it spelled as the file spells keys)."""
    title = f"**{value.name}** · `{enum.name}`" if markdown else f"{value.name} · {enum.name}"
    facts: list[tuple[str, str]] = []
    if value.number is not None:
        facts.append(("Number", str(value.number)))
    if value.deprecated:
        facts.append(("Deprecated", "yes"))
    return _render(title, in_file_spelling(_clean_description(value.description), style, schema), facts, markdown)


def _tokens(n: int | None) -> str | None:
    return None if n is None else f"{n:,}"


def status_label(model: ModelInfo, status: str, documented: bool) -> str:
    """The status as shown to users: a name without documentation is "undocumented", never "current"."""
    if documented:
        return status
    return "undocumented" if status == "current" else f"{status}, undocumented"


def model_summary(model: ModelInfo, status: str) -> str:
    """One line for completion details: status (as `status_label` words it) and token limits."""
    parts = [status]
    limits = []
    if model.input_token_limit is not None:
        limits.append(f"in {_tokens(model.input_token_limit)}")
    if model.output_token_limit is not None:
        limits.append(f"out {_tokens(model.output_token_limit)}")
    if limits:
        parts.append(" / ".join(limits) + " tokens")
    if model.category not in ("text",):
        parts.append(model.category)
    return " · ".join(parts)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def model_facts(model: ModelInfo, catalog: Catalog, today: date) -> list[tuple[str, str]]:
    """(label, text) facts of a model from the catalogue; unknown facts are left out."""
    status: str = catalog.effective_status(model, today)
    facts: list[tuple[str, str]] = []
    documented = catalog.is_documented(model)
    status_text = status_label(model, status, documented)
    if status != model.status:
        status_text += f" (recorded as {model.status})"
    if not documented:
        status_text += (" — Google's documentation does not describe this model; it is known only from an SDK's model "
                        "list or from third parties")
    facts.append(("Status", status_text))
    if model.release_date:
        facts.append(("Released", model.release_date.isoformat()))
    if model.deprecation_date:
        facts.append(("Deprecation announced", model.deprecation_date.isoformat()))
    if model.shutdown_date:
        facts.append(("Shutdown", model.shutdown_date.isoformat()))
    after = model.after_shutdown
    if after is not None and after.behavior == "routed" and after.routed_to:
        facts.append(("After shutdown", f"requests routed to `{after.routed_to}` (reported; see GL302)"))
    if model.replacement:
        facts.append(("Replacement", f"`{model.replacement}`"))
    if model.input_token_limit is not None:
        facts.append(("Input token limit", f"{model.input_token_limit:,}"))
    if model.output_token_limit is not None:
        facts.append(("Output token limit", f"{model.output_token_limit:,}"))
    thinking = model.thinking
    if thinking is not None and thinking.supported is not None:
        text = "yes" if thinking.supported else "no"
        details = []
        if thinking.budget_min is not None or thinking.budget_max is not None:
            lo = format_number(thinking.budget_min) if thinking.budget_min is not None else "?"
            hi = format_number(thinking.budget_max) if thinking.budget_max is not None else "?"
            details.append(f"thinkingBudget {lo} to {hi}")
            if thinking.budget_zero_allowed is not None:
                details.append("0 (off) " + ("allowed" if thinking.budget_zero_allowed else "rejected"))
            if thinking.budget_dynamic_allowed is not None:
                details.append("-1 (dynamic) " + ("allowed" if thinking.budget_dynamic_allowed else "rejected"))
        if thinking.levels_accepted:
            details.append("thinkingLevel " + ", ".join(thinking.levels_accepted))
        if thinking.levels_rejected:
            details.append("rejects " + ", ".join(thinking.levels_rejected))
        if thinking.default_level:
            details.append(f"default level {thinking.default_level}")
        if thinking.default_budget is not None:
            details.append(f"default budget {format_number(thinking.default_budget)}")
        if details:
            text += " (" + "; ".join(details) + ")"
        facts.append(("Thinking", text))
    if model.response_modalities:
        facts.append(("Response modalities", " | ".join("+".join(c) for c in model.response_modalities)))
    if model.methods:
        facts.append(("Methods", ", ".join(model.methods)))
    capabilities = {k: v for k, v in model.features.items() if k not in _FEATURE_NOTES}
    supported = [_FEATURE_LABELS.get(k, k.replace("_", " ")) for k, v in capabilities.items() if v is True]
    unsupported = [_FEATURE_LABELS.get(k, k.replace("_", " ")) for k, v in capabilities.items() if v is False]
    if supported:
        facts.append(("Supports", ", ".join(supported)))
    if unsupported:
        facts.append(("Does not support", ", ".join(unsupported)))
    for key, (label, yes, no) in _FEATURE_NOTES.items():
        flag = model.features.get(key)
        if flag is not None:
            facts.append((label, yes if flag else no))
    if model.recommended_temperature is not None:
        facts.append(("Recommended temperature", format_number(model.recommended_temperature)))
    return facts


def model_doc(model: ModelInfo, catalog: Catalog, today: date, markdown: bool) -> str:
    """The catalogue's facts of a model."""
    title = f"**{model.display_name}** · `{model.id}`" if markdown else f"{model.display_name} · {model.id}"
    body = "\n\n".join(t for t in (model.description, model.notes) if t)
    return _render(title, body, model_facts(model, catalog, today), markdown)


def enum_for(schema: RequestSchema | None, f: FieldInfo | None) -> EnumInfo | None:
    """The enum type of an enum field (None for other fields or an unknown type)."""
    if schema is None or f is None or f.kind != "enum" or not f.type_name:
        return None
    return schema.enums.get(f.type_name)
