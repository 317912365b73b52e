"""Queries over a request for the GL3xx families (models and cross-field rules): member lookup under both
spellings, the request objects of each method, severities from the evidence, findings at keys and objects, and the
facts each rule declares.

Every helper is a pure function of the parsed document; nothing here reads the clock or the network.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..document import Member, Node, string_value
from ..findings import Edit, Finding, Fix, Severity
from ..names import snake
from ..rule import declared_by_name, make_finding

if TYPE_CHECKING:
    from ..catalog import ModelInfo
    from .context import CheckContext

GENERATE_METHODS = frozenset({"generateContent", "streamGenerateContent"})
# every spelling of GenerationConfig's JSON-Schema field (two proto fields, four keys)
JSON_SCHEMA_KEYS = ("responseJsonSchema", "_responseJsonSchema", "response_json_schema", "response_json_schema_ordered")
SCHEMA_KEYS = ("responseSchema", "response_schema")


def fact(rule: str) -> Mapping[str, Any]:
    """The facts a rule declares (the API's message, value lists, limits), by the rule's name."""
    return declared_by_name(rule).facts


@lru_cache(maxsize=1024)
def spellings(camel: str) -> tuple[str, ...]:
    s = snake(camel)
    return (camel,) if s == camel else (camel, s)


@lru_cache(maxsize=1024)
def _wanted(camel_names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(s for name in camel_names for s in spellings(name))


def member(obj: Node | None, *camel_names: str) -> Member | None:
    """The first member of `obj` named by any of the names, each in its camelCase or snake_case spelling.
    A member whose value is null counts as absent (null means the default in the proto3 JSON mapping)."""
    if obj is None or obj.kind != "object":
        return None
    wanted = _wanted(camel_names)
    for m in obj.members:
        if m.key.value in wanted and m.value is not None and m.value.kind != "null":
            return m
    return None


def value(obj: Node | None, *camel_names: str) -> Node | None:
    m = member(obj, *camel_names)
    return m.value if m is not None else None


def exact_member(obj: Node | None, keys: tuple[str, ...]) -> Member | None:
    """The first member whose key is exactly one of `keys` (for fields whose spellings are not camel/snake pairs)."""
    if obj is None or obj.kind != "object":
        return None
    for m in obj.members:
        if m.key.value in keys and m.value is not None and m.value.kind != "null":
            return m
    return None


def items(node: Node | None) -> list[Node]:
    """A list's items; a single value where a list is expected counts as a one-item list (github.com/google-gemini/cookbook REST samples with saved responses)."""
    if node is None or node.kind == "null":
        return []
    if node.kind == "array":
        return list(node.items)
    return [node]


def text_of(node: Node | None) -> str | None:
    return string_value(node) if node is not None and node.kind == "string" else None


def number_of(node: Node | None) -> float | int | None:
    """A number, also when written as a numeric string (the API reads both)."""
    if node is None:
        return None
    if node.kind == "number" and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if node.kind == "string":
        try:
            raw = string_value(node).strip()
            return int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:
            return None
    return None


def is_true(node: Node | None) -> bool:
    return node is not None and node.kind == "boolean" and node.value is True


def pointer(ctx: CheckContext, node: Node) -> str:
    return ctx.doc.pointer_of(node)


def at_key(
    ctx: CheckContext,
    code: str,
    message: str,
    m: Member,
    *,
    severity: str | None = None,
    fixes: tuple[Fix, ...] = (),
    data: dict | None = None,
) -> Finding:
    """A finding about a member: pointer of its value, range of its key."""
    return make_finding(code, message, ctx.doc.member_pointer(m), m.key.start, m.key.end,
                        severity=severity, fixes=fixes, data=data)  # type: ignore[arg-type]


def at_node(
    ctx: CheckContext,
    code: str,
    message: str,
    node: Node,
    *,
    severity: str | None = None,
    fixes: tuple[Fix, ...] = (),
    data: dict | None = None,
) -> Finding:
    return make_finding(code, message, ctx.doc.pointer_of(node), node.start, node.end,
                        severity=severity, fixes=fixes, data=data)  # type: ignore[arg-type]


def at_object(ctx: CheckContext, code: str, message: str, obj: Node, span, *, severity: str | None = None,
              fixes: tuple[Fix, ...] = (), data: dict | None = None) -> Finding:
    """A finding about an object as a whole (two members that conflict, a member missing), underlining `span`
    (a key or value inside it)."""
    return make_finding(code, message, ctx.doc.pointer_of(obj), span.start, span.end, severity=severity,  # type: ignore[arg-type]
                        fixes=fixes, data=data)


def at_missing(ctx: CheckContext, code: str, message: str, obj: Node, missing: str, *,
               severity: str | None = None, fixes: tuple[Fix, ...] = ()) -> Finding:
    """A missing member, reported at its parent object's pointer (DESIGN: output conventions)."""
    anchor = obj.member.key if obj.member is not None else obj
    end = anchor.end if anchor is not obj else obj.start + 1
    return make_finding(code, message, ctx.doc.pointer_of(obj), anchor.start, end, severity=severity,  # type: ignore[arg-type]
                        fixes=fixes, data={"member": missing})


def model_name(ctx: CheckContext) -> str:
    return f"models/{ctx.model.id if ctx.model is not None else ctx.model_id}"


def fact_severity(model: ModelInfo, fact_name: str, rule: str, default: Severity = "error") -> Severity:
    """Error when the model fact rests on official or SDK evidence, or on a direct reproduction of this rule's
    server message; warning when only third-party sources back it (schemas/MODELS.md)."""
    if model.evidence(fact_name) in ("official", "sdk"):
        return default
    repro = {_bare(source) for source in declared_by_name(rule).repro}
    if repro & {_bare(source) for source in model.sources_of(fact_name)}:
        return default
    return "warning"


def _bare(source: str) -> str:
    """A source as the catalogue and the rules both may write it: no scheme, no trailing slash, no note."""
    source = source.split(" — ", 1)[0].strip()
    for scheme in ("https://", "http://"):
        source = source.removeprefix(scheme)
    return source.rstrip("/")


# -- request objects -------------------------------------------------------------------------------------------


def root(ctx: CheckContext) -> Node | None:
    r = ctx.doc.root
    return r if r is not None and r.kind == "object" else None


def generate_requests(ctx: CheckContext) -> Iterator[Node]:
    """GenerateContentRequest objects of the file: the body of generateContent / streamGenerateContent, the
    `generateContentRequest` of a countTokens body."""
    r = root(ctx)
    if r is None:
        return
    if ctx.method in GENERATE_METHODS:
        yield r
    elif ctx.method == "countTokens":
        nested = value(r, "generateContentRequest")
        if nested is not None and nested.kind == "object":
            yield nested


def content_holders(ctx: CheckContext) -> Iterator[Node]:
    """Objects that carry `contents` / `tools` like a GenerateContentRequest: also a CachedContent body and the
    countTokens body itself."""
    r = root(ctx)
    if r is None:
        return
    seen: set[int] = set()
    for obj in generate_requests(ctx):
        seen.add(id(obj))
        yield obj
    if ctx.method in ("countTokens", "cachedContents") and id(r) not in seen:
        yield r


def generation_config(request: Node) -> Node | None:
    gc = value(request, "generationConfig")
    return gc if gc is not None and gc.kind == "object" else None


def parts_of(content: Node) -> list[Node]:
    return [p for p in items(value(content, "parts")) if p.kind == "object"]


def line_indent(text: str, offset: int) -> tuple[str, bool]:
    """The indentation of the line holding `offset`, and whether only white space precedes `offset` on it."""
    start = text.rfind("\n", 0, offset) + 1
    before = text[start:offset]
    indent = before[: len(before) - len(before.lstrip(" \t"))]
    return indent, before.strip() == ""


def insert_member_before(ctx: CheckContext, m: Member, key: str, json_value: str, title: str) -> Fix:
    """Insert `"key": value` as a sibling right before member `m`, on its own line with the same indentation when
    `m` starts a line, inline otherwise."""
    quote = m.key.quote or '"'
    indent, own_line = line_indent(ctx.doc.text, m.key.start)
    new = f"{quote}{key}{quote}: {json_value},"
    new += f"\n{indent}" if own_line else " "
    return Fix(title, (Edit(m.key.start, m.key.start, new),))


def replace_fix(node: Node, new_text: str, title: str, safe: bool = True, preferred: bool = False) -> Fix:
    return Fix(title, (Edit(node.start, node.end, new_text),), safe=safe, preferred=preferred)


def quoted(node: Node, text: str) -> str:
    q = node.quote or '"'
    return f"{q}{text}{q}"
