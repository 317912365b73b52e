"""Where a cursor is in a (possibly broken) request document, and what the schema says about that place.

Shared by completion, hover and code actions. Everything works in `str` offsets on the tolerant parse tree
(`gemini_lsp.document`); no LSP types here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..document import Member, Node, ParsedDocument, split_pointer
from ..schema import FieldInfo, MessageInfo, RequestSchema

__all__ = [
    "FREE_FORM_KINDS",
    "Cursor",
    "container_closed",
    "is_model_field",
    "known_keys",
    "list_slots",
    "locate",
    "naming_style",
    "next_token",
    "pointer_parts",
    "skip_trivia",
    "slot_field",
    "slot_message",
    "string_closed",
]

#: Field kinds whose JSON value is free-form (its keys are the user's, not the schema's).
FREE_FORM_KINDS = frozenset({"struct", "value", "listvalue"})

_WS_OR_COMMENT = re.compile(r"(?:\s+|//[^\n\r]*|/\*.*?(?:\*/|\Z))*", re.DOTALL)


@dataclass
class Cursor:
    """What is at an offset, for completion.

    kind "key": a key is expected or being typed in `container` (an object); `member` is the member whose key is
    at the cursor (None for a new key). kind "value": a value is expected or being typed; `member` is the member
    whose value it is (None for an array item or the root). kind "none": nothing can be proposed here.
    `start`/`end` delimit the text a completion replaces (the whole token, quotes included). `parts` are the JSON
    pointer parts of the object (keys) or of the value (values). `comma_before` is an offset where a missing comma
    must be inserted before the new text.
    """

    kind: Literal["key", "value", "none"]
    offset: int
    container: Node | None = None
    member: Member | None = None
    token: Node | None = None
    start: int = 0
    end: int = 0
    parts: list[str] = field(default_factory=list)
    has_colon: bool = False
    comma_before: int | None = None
    typed: str = ""
    quote: str = '"'


NONE = Cursor("none", 0)


def skip_trivia(text: str, pos: int) -> int:
    """The offset of the next token at or after `pos` (whitespace and comments skipped)."""
    m = _WS_OR_COMMENT.match(text, pos)
    return m.end() if m else pos


def next_token(text: str, pos: int) -> str:
    """The first character of the next token at or after `pos` ("" at the end of the text)."""
    p = skip_trivia(text, pos)
    return text[p] if p < len(text) else ""


def string_closed(text: str, node: Node) -> bool:
    """Whether a string (or quoted key) token has its closing quote."""
    quote = node.quote
    if not quote:
        return True
    if node.end - node.start < 2 or text[node.end - 1] != quote:
        return False
    backslashes = 0
    i = node.end - 2
    while i > node.start and text[i] == "\\":
        backslashes += 1
        i -= 1
    return backslashes % 2 == 0


def container_closed(text: str, node: Node) -> bool:
    """Whether an object or array ends with its closing bracket."""
    closer = "}" if node.kind == "object" else "]"
    return node.end - node.start >= 2 and text[node.end - 1] == closer


def pointer_parts(doc: ParsedDocument, node: Node) -> list[str]:
    """The unescaped JSON pointer parts of a value."""
    return split_pointer(doc.pointer_of(node)) or []


def _colon_after(text: str, pos: int) -> int | None:
    p = skip_trivia(text, pos)
    return p if p < len(text) and text[p] == ":" else None


def _has_comma_between(text: str, start: int, end: int) -> bool:
    p = skip_trivia(text, start)
    return p < end and text[p] == ","


def _member_end(m: Member) -> int:
    return m.value.end if m.value is not None else m.key.end


def locate(doc: ParsedDocument, offset: int) -> Cursor:
    """Describe the place at `offset` for completion (see `Cursor`)."""
    text = doc.text
    offset = max(0, min(offset, len(text)))
    root = doc.root
    if root is None:
        return Cursor("value", offset, start=offset, end=offset, parts=[])
    node = doc.node_at_offset(offset)
    if node is None:
        return NONE
    if node.kind in ("object", "array"):
        if offset <= node.start:
            return NONE
        if offset >= node.end and container_closed(text, node):
            return NONE
        return _in_object(doc, node, offset) if node.kind == "object" else _in_array(doc, node, offset)
    if node.kind == "string":
        inside = node.start < offset < node.end or (offset == node.end and not string_closed(text, node))
    else:
        inside = node.start <= offset <= node.end
    if not inside:
        return NONE
    quote = node.quote if node.kind == "string" else ""
    typed = text[node.start + len(quote) : offset]
    return Cursor(
        "value",
        offset,
        container=node.parent,
        member=node.member,
        token=node,
        start=node.start,
        end=node.end,
        parts=pointer_parts(doc, node),
        typed=typed,
        quote=quote or '"',
    )


def _in_object(doc: ParsedDocument, obj: Node, offset: int) -> Cursor:
    text = doc.text
    members = obj.members
    prev: Member | None = None
    prev_index = -1
    for i, m in enumerate(members):
        key = m.key
        if key.quote:
            inside = key.start < offset < key.end or (offset == key.end and not string_closed(text, key))
        else:
            inside = key.start <= offset <= key.end
        if inside:
            before = members[i - 1] if i > 0 else None
            comma_before = None
            if before is not None and not _has_comma_between(text, _member_end(before), key.start):
                comma_before = _member_end(before)
            return Cursor(
                "key",
                offset,
                container=obj,
                member=m,
                token=key,
                start=key.start,
                end=key.end,
                parts=pointer_parts(doc, obj),
                has_colon=_colon_after(text, key.end) is not None,
                comma_before=comma_before,
                typed=text[key.start + len(key.quote) : offset],
                quote=key.quote or '"',
            )
        if key.start < offset:
            prev, prev_index = m, i
    parts = pointer_parts(doc, obj)
    if prev is None:
        return Cursor("key", offset, container=obj, start=offset, end=offset, parts=parts)
    if prev.value is None:
        colon = _colon_after(text, prev.key.end)
        if colon is not None and colon < offset:
            return Cursor(
                "value",
                offset,
                container=obj,
                member=prev,
                start=offset,
                end=offset,
                parts=parts + [str(prev.key.value)],
            )
        return NONE
    value = prev.value
    if offset <= value.start:
        # between the colon and a value: typing a value before what the parser took as this member's value
        # (`"a": | "b": 1` on one line, where the next key was read as the value)
        colon = _colon_after(text, prev.key.end)
        if colon is not None and colon < offset:
            return Cursor("value", offset, container=obj, member=prev, start=offset, end=offset,
                          parts=parts + [str(prev.key.value)])
        return NONE
    if offset < value.end:
        return NONE
    comma_before = None if _has_comma_between(text, value.end, offset) else value.end
    del prev_index
    return Cursor("key", offset, container=obj, start=offset, end=offset, parts=parts, comma_before=comma_before)


def _in_array(doc: ParsedDocument, arr: Node, offset: int) -> Cursor:
    text = doc.text
    before = [item for item in arr.items if item.end <= offset]
    parts = pointer_parts(doc, arr)
    comma_before = None
    if before:
        last = before[-1]
        if not _has_comma_between(text, last.end, offset):
            comma_before = last.end
    return Cursor(
        "value",
        offset,
        container=arr,
        start=offset,
        end=offset,
        parts=parts + [str(len(before))],
        comma_before=comma_before,
    )


# ---------------------------------------------------------------------------------------------------------------
# the schema along the tree


def slot_field(schema: RequestSchema | None, parts: list[str]) -> FieldInfo | None:
    """The field a pointer ends at (the map's value field inside a map); None at the root or when unknown."""
    if schema is None or not parts:
        return None
    return schema.field_at(parts)  # any list of parts resolves or gives None


def slot_message(schema: RequestSchema | None, parts: list[str]) -> MessageInfo | None:
    """The message type of the object at a pointer; None for maps, free-form values and unknown places."""
    if schema is None:
        return None
    return schema.message_at(parts)  # any list of parts resolves or gives None


def is_model_field(f: FieldInfo | None) -> bool:
    """Whether a field's value names a model (`model` of a request, a CachedContent, a batch entry)."""
    return f is not None and f.kind == "string" and f.json_name == "model"


def known_keys(doc: ParsedDocument, schema: RequestSchema | None) -> Iterator[tuple[Member, FieldInfo, str]]:
    """Every member whose key the schema knows at its place, with its field and the pointer of its object.

    Keys inside free-form values (Struct/Value: function call arguments, JSON Schemas) and map keys (labels,
    Schema.properties names) are the user's own and are not yielded. Iterative: safe on deep documents.
    """
    root = doc.root
    if schema is None or root is None or root.kind != "object":
        return
    # stack items: (node, message or None, field or None, is_element)
    stack: list[tuple[Node, MessageInfo | None, FieldInfo | None, bool]] = [(root, schema.root, None, False)]
    while stack:
        node, msg, f, element = stack.pop()
        if msg is None and f is not None:
            if f.kind == "map":
                if node.kind == "object" and f.map_value is not None:
                    for m in reversed(node.members):
                        if m.value is not None:
                            stack.append((m.value, None, f.map_value, False))
                continue
            if f.repeated and not element and node.kind == "array":
                for item in reversed(node.items):
                    stack.append((item, None, f, True))
                continue
            if f.kind == "message" and node.kind == "object" and f.type_name:
                msg = schema.messages.get(f.type_name)
            if msg is None:
                continue
        if msg is None or node.kind != "object":
            continue
        for m in reversed(node.members):
            fi = msg.field(str(m.key.value))
            if fi is None:
                continue
            if m.value is not None:
                stack.append((m.value, None, fi, False))
        for m in node.members:
            fi = msg.field(str(m.key.value))
            if fi is not None:
                yield m, fi, msg.name


def list_slots(doc: ParsedDocument, schema: RequestSchema | None) -> Iterator[tuple[Node, FieldInfo]]:
    """Values given as a single item where the schema expects a list (repeated, non-map fields)."""
    for m, fi, _ in known_keys(doc, schema):
        v = m.value
        if fi.repeated and fi.kind != "map" and v is not None and v.kind not in ("array", "null", "invalid"):
            yield v, fi


def naming_style(doc: ParsedDocument, schema: RequestSchema | None, limit: int = 400) -> Literal["camel", "snake"]:
    """The file's own key convention: "snake" when most schema keys that have two spellings use snake_case.
    Looks at the first keys of the file only (at most `limit` two-spelling keys among 10 × `limit` keys), so it
    stays cheap on a file with thousands of turns."""
    camel = snake = 0
    seen = 0
    visited = 0
    if schema is not None:
        for m, fi, _ in known_keys(doc, schema):
            visited += 1
            if visited > 10 * limit:
                break
            if fi.json_name == fi.proto_name:
                continue
            if m.key.value == fi.proto_name:
                snake += 1
            else:
                camel += 1
            seen += 1
            if seen >= limit:
                break
    else:
        for m in _all_members(doc, limit):
            key = str(m.key.value)
            if "_" in key.strip("_") and key == key.lower():
                snake += 1
            elif any(c.isupper() for c in key[1:]) and "_" not in key:
                camel += 1
    return "snake" if snake > camel else "camel"


def _all_members(doc: ParsedDocument, limit: int) -> Iterator[Member]:
    root = doc.root
    if root is None:
        return
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        for m in node.members:
            yield m
            count += 1
            if count >= limit:
                return
        stack.extend(node.children)
