"""From the API's words to the place in the file it means (SENDING.md §2-§3).

`place_error` takes a parsed `ApiError`, the request file's parse tree (`gemini_lsp.document.parse`, which keeps
member order and offsets) and the surface's schema (proto and JSON names, map fields, oneofs), and returns one
`Placement` per thing the API said: a [start, end) range in the text, the RFC 6901 pointer of the place (keys as
written), the API's text verbatim and whether the path resolved exactly. Every path grammar is read:

* A (JSON front end): ``Unknown name "k" at 'a.b[0].c': …`` and ``Invalid value at 'p' (TYPE), v``; snake_case
  proto names, 0-based ``[n]``, map entries as ``name[n].value``/``.key`` (n = position in the object as written),
  no ``[n]`` where the body gave one object for a list;
* B (semantic checks): ``* GenerateContentRequest.path: text`` with map keys by name (``properties[x]``), oneof names
  (``data``) that have no key in JSON, and fields that are missing;
* C (prose): a field name (``has a topK value``), a function plus dotted property names, an ordinal content block;
* D: no place at all (the whole file).

Nothing here guesses a name: a segment matches the key as written, its proto or JSON name from the schema, or the
lowerCamel form of a snake_case segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..document import Member, Node, ParsedDocument
from ..names import camel
from ..schema import FieldInfo, MessageInfo, RequestSchema
from .errors import ApiError, located_lines

__all__ = ["Placement", "place_error", "parse_path", "Name", "Index", "Key"]


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Index:
    """`[n]`; `raw` keeps the text so a map key that looks like a number can be tried as a key too."""

    n: int
    raw: str


@dataclass(frozen=True)
class Key:
    key: str


Segment = Union[Name, Index, Key]


@dataclass(frozen=True)
class Placement:
    """Where one thing the API said belongs. `pointer` None and `exact` False: the API named no place."""

    start: int
    end: int
    pointer: str | None
    text: str
    path: str | None
    exact: bool
    grammar: str
    note: str | None = None


def parse_path(path: str) -> list[Segment]:
    """`a.b[0].c[key]` → [Name a, Name b, Index 0, Name c, Key key]; a bracket may hold `.` or spaces."""
    segments: list[Segment] = []
    i, n = 0, len(path)
    name = ""
    while i < n:
        ch = path[i]
        if ch == ".":
            if name:
                segments.append(Name(name))
                name = ""
            i += 1
        elif ch == "[":
            if name:
                segments.append(Name(name))
                name = ""
            close = path.find("]", i + 1)
            if close == -1:
                close = n
            inner = path[i + 1:close]
            if inner.isascii() and inner.isdigit():
                segments.append(Index(int(inner), inner))
            else:
                segments.append(Key(inner.strip("\"'")))
            i = close + 1
        else:
            name += ch
            i += 1
    if name:
        segments.append(Name(name))
    return segments


_ROOT_MESSAGE = re.compile(r"^[A-Z][A-Za-z0-9]*(?:Request|Content)$")
_WRAPPED = ("generate_content_request", "generateContentRequest")


@dataclass
class _Cursor:
    node: Node | None           # the value we stand on
    member: Member | None       # the member holding it (None for the root and array items)
    msg: MessageInfo | None     # its message type, when the schema knows it
    field: FieldInfo | None     # the field whose value (or element) it is


@dataclass
class _Resolved:
    cursor: _Cursor
    done: int                   # segments resolved
    total: int
    stop: str | None            # None | "absent" | "oneof" | "kind"
    missing: str | None = None  # the segment that could not be found


def _message_of(schema: RequestSchema | None, fi: FieldInfo | None) -> MessageInfo | None:
    if schema is None or fi is None or fi.kind != "message" or fi.type_name is None:
        return None
    return schema.messages.get(fi.type_name)


def _find_member(node: Node, names: list[str]) -> Member | None:
    for wanted in names:  # the first spelling that occurs, in the API's order of preference
        for m in node.members:
            if m.key.value == wanted:
                return m
    return None


def _start(doc: ParsedDocument, schema: RequestSchema | None, segments: list[Segment]) -> tuple[_Cursor, list[Segment]]:
    root = doc.root
    cursor = _Cursor(root, None, schema.root if schema else None, None)
    if segments and isinstance(segments[0], Name) and _ROOT_MESSAGE.match(segments[0].name):
        segments = segments[1:]
    if segments and isinstance(segments[0], Name) and segments[0].name in _WRAPPED and root is not None \
            and root.kind == "object" and _find_member(root, list(_WRAPPED)) is None:
        # countTokens wrapped the file's generateContent body: the rest of the path is inside the file's root
        segments = segments[1:]
        if schema is not None and "GenerateContentRequest" in schema.messages:
            cursor.msg = schema.messages["GenerateContentRequest"]
    return cursor, segments


def resolve(doc: ParsedDocument, schema: RequestSchema | None, segments: list[Segment]) -> _Resolved:
    """Walk the path on the parse tree as far as it goes."""
    cursor, segments = _start(doc, schema, segments)
    i, total = 0, len(segments)
    while i < total:
        seg = segments[i]
        node = cursor.node
        if node is None:
            return _Resolved(cursor, i, total, "absent", _show(seg))
        if isinstance(seg, Name):
            if node.kind == "array" and cursor.field is not None and cursor.field.repeated and len(node.items) == 1:
                node = node.items[0]  # path without an index into a one-element list (defensive)
            if node.kind != "object":
                return _Resolved(cursor, i, total, "kind", seg.name)
            fi = cursor.msg.field(seg.name) or cursor.msg.field(camel(seg.name)) if cursor.msg else None
            names = [seg.name, camel(seg.name)] + (list(fi.names) if fi else [])
            member = _find_member(node, list(dict.fromkeys(names)))
            if member is None:
                oneofs = cursor.msg.oneofs if cursor.msg else {}
                stop = "oneof" if seg.name in oneofs or camel(seg.name) in oneofs else "absent"
                return _Resolved(cursor, i, total, stop, seg.name)
            cursor = _Cursor(member.value, member, _message_of(schema, fi), fi)
            i += 1
            continue
        is_map = (cursor.field is not None and cursor.field.kind == "map") or (
            cursor.field is None and node.kind == "object" and i + 1 < total
            and isinstance(segments[i + 1], Name) and segments[i + 1].name in ("value", "key"))  # type: ignore[union-attr]
        if isinstance(seg, Index) and node.kind == "object" and is_map:
            nxt = segments[i + 1] if i + 1 < total else None
            entry: Member | None = node.members[seg.n] if seg.n < len(node.members) else None
            if entry is None:
                entry = _find_member(node, [seg.raw])  # a property called "3"
            if entry is None:
                return _Resolved(cursor, i, total, "absent", _show(seg))
            value_field = cursor.field.map_value if cursor.field is not None else None
            if isinstance(nxt, Name) and nxt.name == "key":
                cursor = _Cursor(entry.key, entry, None, None)
                i += 2
                continue
            cursor = _Cursor(entry.value, entry, _message_of(schema, value_field), value_field)
            i += 2 if isinstance(nxt, Name) and nxt.name == "value" else 1
            continue
        if isinstance(seg, Index) and node.kind == "array":
            if seg.n >= len(node.items):
                return _Resolved(cursor, i, total, "absent", _show(seg))
            cursor = _Cursor(node.items[seg.n], None, cursor.msg, cursor.field)
            i += 1
            continue
        if isinstance(seg, Index) and node.kind == "object" and seg.n == 0 and not is_map:
            i += 1  # a single object given for a list: index 0 is that object
            continue
        key = seg.key if isinstance(seg, Key) else seg.raw
        if node.kind == "object":
            entry = _find_member(node, [key])
            if entry is None:
                return _Resolved(cursor, i, total, "absent", key)
            value_field = cursor.field.map_value if cursor.field is not None and cursor.field.kind == "map" else None
            cursor = _Cursor(entry.value, entry, _message_of(schema, value_field), value_field)
            i += 1
            continue
        return _Resolved(cursor, i, total, "kind", _show(seg))
    return _Resolved(cursor, total, total, None)


def _show(seg: Segment) -> str:
    if isinstance(seg, Name):
        return seg.name
    if isinstance(seg, Index):
        return f"[{seg.raw}]"
    return f"[{seg.key}]"


# -- ranges -----------------------------------------------------------------------------------------------------


def _whole_file(doc: ParsedDocument) -> tuple[int, int]:
    root = doc.root
    if root is None:
        return 0, min(1, len(doc.text))
    return root.start, min(root.start + 1, root.end)


def _span_of(cursor: _Cursor, doc: ParsedDocument, prefer_value: bool) -> tuple[int, int]:
    """A scalar value's token when asked for the value; else the member's key; else a container's opening bracket."""
    node = cursor.node
    if node is not None and node.kind == "string" and cursor.member is not None and node is cursor.member.key:
        return node.start, node.end
    if prefer_value and node is not None and node.kind not in ("object", "array"):
        return node.start, node.end
    if cursor.member is not None:
        return cursor.member.key.start, cursor.member.key.end
    if node is not None:
        if node.kind in ("object", "array"):
            return node.start, min(node.start + 1, node.end)
        return node.start, node.end
    return _whole_file(doc)


def _pointer_of(cursor: _Cursor, doc: ParsedDocument) -> str:
    if cursor.member is not None:
        return doc.member_pointer(cursor.member)
    if cursor.node is not None:
        return doc.pointer_of(cursor.node)
    return ""


# -- grammars ---------------------------------------------------------------------------------------------------

_UNKNOWN = re.compile(r"""Unknown name "(?P<name>(?:[^"\\]|\\.)*)"(?: at '(?P<path>[^']*)')?""")
_INVALID = re.compile(r"""Invalid value at '(?P<path>[^']*)'""")
_SEMANTIC = re.compile(r"^(?:\* )?(?P<root>[A-Z][A-Za-z0-9]*)\.(?P<path>[^\s:]+): ")
_FIELD_VALUE = re.compile(r"\b(?:has an? |the )(?P<name>[a-z][A-Za-z0-9]*|[a-z]+(?:_[a-z0-9]+)+) (?:value|field)\b")
_FUNCTION_SCHEMA = re.compile(r"`(?P<fn>[^`]+)` functionDeclaration `(?P<props>[^`]+)`")
_ORDINAL = re.compile(r"function call `?(?P<fn>[^`\s,]+)`?\s*(?:in the (?P<n>\d+)\. content block|, position (?P<p>\d+))")


def place_error(error: ApiError, doc: ParsedDocument, schema: RequestSchema | None) -> list[Placement]:
    """One placement per violation / message line (de-duplicated by range and text)."""
    out: list[Placement] = []
    seen: set[tuple[int, int, str]] = set()
    for item in located_lines(error):
        placement = place_line(item.text, item.path, doc, schema)
        key = (placement.start, placement.end, placement.text)
        if key not in seen:
            seen.add(key)
            out.append(placement)
    located = [p for p in out if p.pointer is not None]
    if located:  # a summary line with no place beside located ones says nothing more
        out = [p for p in out if p.pointer is not None or not _is_summary(p.text)]
    unplaced = [p for p in out if p.pointer is None]
    if len(unplaced) > 1:  # what names no place is said once, for the whole file
        first = unplaced[0]
        merged = Placement(first.start, first.end, None, "\n".join(p.text for p in unplaced), None, False, "D")
        out = [p for p in out if p.pointer is not None] + [merged]
    return out


def _is_summary(text: str) -> bool:
    return text.startswith(("Invalid JSON payload received", "Request contains an invalid argument"))


def place_line(text: str, field: str | None, doc: ParsedDocument, schema: RequestSchema | None) -> Placement:
    """The place of one line of the API's answer (`field`: a fieldViolation's path, when it gave one)."""
    m = _UNKNOWN.search(text)
    if m:
        name = _unescape(m.group("name"))
        path = m.group("path") if m.group("path") is not None else (field or "")
        return _unknown_name(text, name, path, doc, schema)
    m = _INVALID.search(text)
    if m:
        return _at_path(text, m.group("path"), doc, schema, "A", prefer_value=True)
    m = _SEMANTIC.match(text)
    if m:
        return _at_path(text, m.group("path"), doc, schema, "B", prefer_value=True)
    if field:
        return _at_path(text, field, doc, schema, "B", prefer_value=True)
    return _prose(text, doc)


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def _unknown_name(text: str, name: str, path: str, doc: ParsedDocument, schema: RequestSchema | None) -> Placement:
    resolved = resolve(doc, schema, parse_path(path))
    node = resolved.cursor.node
    if resolved.stop is None and node is not None:
        target = node
        if target.kind == "array" and len(target.items) == 1:
            target = target.items[0]
        if target.kind == "object":
            member = _find_member(target, [name])
            if member is not None:
                return Placement(member.key.start, member.key.end, doc.member_pointer(member), text, path or None,
                                 True, "A")
        start, end = _span_of(resolved.cursor, doc, prefer_value=False)
        return Placement(start, end, _pointer_of(resolved.cursor, doc), text, path or None, False, "A",
                         note=f'the file has no key "{name}" here (was it changed since?)')
    return _partial(text, path, resolved, doc, "A")


def _at_path(text: str, path: str, doc: ParsedDocument, schema: RequestSchema | None, grammar: str,
             prefer_value: bool) -> Placement:
    resolved = resolve(doc, schema, parse_path(path))
    if resolved.stop is None:
        start, end = _span_of(resolved.cursor, doc, prefer_value)
        return Placement(start, end, _pointer_of(resolved.cursor, doc), text, path, True, grammar)
    return _partial(text, path, resolved, doc, grammar)


def _partial(text: str, path: str, resolved: _Resolved, doc: ParsedDocument, grammar: str) -> Placement:
    start, end = _span_of(resolved.cursor, doc, prefer_value=False)
    if resolved.stop == "oneof":
        note = f"`{resolved.missing}` is a oneof: it is one of this object's fields, none of which is set"
        exact = True  # the oneof has no key: its parent is the exact place
    elif resolved.stop == "absent" and resolved.done == resolved.total - 1:
        note = f"`{resolved.missing}` is missing here"
        exact = True
    else:
        note = f"the file has no `{resolved.missing}` at this place (resolved {resolved.done} of {resolved.total} steps)"
        exact = False
    return Placement(start, end, _pointer_of(resolved.cursor, doc), text, path, exact, grammar, note=note)


# -- grammar C / D ------------------------------------------------------------------------------------------------


def _prose(text: str, doc: ParsedDocument) -> Placement:
    m = _FUNCTION_SCHEMA.search(text)
    if m:
        found = _function_property(doc, m.group("fn"), m.group("props").split("."))
        if found is not None:
            member, exact = found
            return Placement(member.key.start, member.key.end, doc.member_pointer(member), text, None, exact, "C")
    m = _ORDINAL.search(text)
    if m:
        number = int(m.group("n") or m.group("p"))
        call = _ordinal_function_call(doc, m.group("fn"), number)
        if call is not None:
            return Placement(call.key.start, call.key.end, doc.member_pointer(call), text, None, True, "C")
    m = _FIELD_VALUE.search(text)
    if m:
        named = _first_key(doc, {m.group("name"), camel(m.group("name"))})
        if named is not None:
            start, end = (named.value.start, named.value.end) if named.value is not None and \
                named.value.kind not in ("object", "array") else (named.key.start, named.key.end)
            return Placement(start, end, doc.member_pointer(named), text, None, True, "C")
    start, end = _whole_file(doc)
    return Placement(start, end, None, text, None, False, "D")


def _members(node: Node | None):  # type: ignore[no-untyped-def]
    if node is None:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "object":
            for member in current.members:
                yield member
            stack.extend(reversed(current.children))
        elif current.kind == "array":
            stack.extend(reversed(current.items))


def _first_key(doc: ParsedDocument, names: set[str]) -> Member | None:
    for member in _members(doc.root):
        if member.key.value in names:
            return member
    return None


def _items(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return list(node.items) if node.kind == "array" else [node] if node.kind == "object" else []


def _function_property(doc: ParsedDocument, function: str, names: list[str]) -> tuple[Member, bool] | None:
    root = doc.root
    if root is None or root.kind != "object":
        return None
    for tool in _items(_find_value(root, ("tools",))):
        for decl in _items(_find_value(tool, ("functionDeclarations", "function_declarations"))):
            name = decl.get("name") if decl.kind == "object" else None
            if name is None or name.value != function:
                continue
            decl_member = name.member
            assert decl_member is not None
            best: Member = decl_member
            node: Node | None = decl
            steps = list(names)
            if steps and steps[0] in ("parameters", "parametersJsonSchema", "parameters_json_schema"):
                first = _member_of(decl, ("parameters", "parametersJsonSchema", "parameters_json_schema"))
                if first is None:
                    return best, False
                best, node = first, first.value
                steps = steps[1:]
            for step in steps:
                found = None
                for container in (node, _find_value(node, ("items",)) if node is not None else None):
                    props = _find_value(container, ("properties",)) if container is not None else None
                    if props is not None and props.kind == "object":
                        found = _find_member(props, [step])
                        if found is not None:
                            break
                if found is None:
                    return best, False
                best, node = found, found.value
            return best, True
    return None


def _find_value(node: Node | None, names: tuple[str, ...]) -> Node | None:
    member = _member_of(node, names)
    return member.value if member is not None else None


def _member_of(node: Node | None, names: tuple[str, ...]) -> Member | None:
    if node is None or node.kind != "object":
        return None
    return _find_member(node, list(names))


def _ordinal_function_call(doc: ParsedDocument, function: str, number: int) -> Member | None:
    """`in the 3. content block` / `position 2`: the base is unverified (SENDING.md §10), so try contents[N-1] and
    contents[N] and keep the one with a functionCall part of that name lacking a thoughtSignature."""
    root = doc.root
    if root is None or root.kind != "object":
        return None
    contents = _items(_find_value(root, ("contents",)))
    short = function.split(":", 1)[-1]
    fallback: Member | None = None
    for index in (number - 1, number):
        if not 0 <= index < len(contents):
            continue
        for part in _items(_find_value(contents[index], ("parts",))):
            call = _member_of(part, ("functionCall", "function_call"))
            if call is None or call.value is None:
                continue
            name = call.value.get("name") if call.value.kind == "object" else None
            if name is None or name.value not in (function, short):
                continue
            if _member_of(part, ("thoughtSignature", "thought_signature")) is None:
                return call
            fallback = fallback or call
    return fallback
