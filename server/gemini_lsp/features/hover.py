"""Hover: a key's official documentation and facts, an enum value's description, the model's catalogue facts.

Reads only the parse tree and the schema (never waits for validation). Where a diagnostic already explains a span
(an unknown key, an unknown enum value or model), hover adds nothing rather than repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lsprotocol import types

from .. import catalog as catalog_module
from ..catalog import Catalog
from ..document import Member, Node, ParsedDocument
from ..positions import LineIndex, lsp_range
from ..schema import RequestSchema
from .context import is_model_field, naming_style, pointer_parts, slot_field, slot_message
from .descriptions import enum_for, enum_value_doc, field_doc, model_doc

__all__ = ["HoverSupport", "hover"]


@dataclass(frozen=True)
class HoverSupport:
    markdown: bool = True


def _key_at(doc: ParsedDocument, offset: int) -> Member | None:
    """The member whose key token contains `offset` (ends inclusive)."""
    member = doc.member_at_offset(offset)
    if member is not None and member.key.start <= offset <= member.key.end:
        return member
    # member_at_offset prefers a value: look among the siblings of the innermost object too
    node = doc.node_at_offset(offset)
    while node is not None and node.kind != "object":
        node = node.parent
    if node is not None:
        for m in node.members:
            if m.key.start <= offset <= m.key.end:
                return m
    return None


def hover(
    doc: ParsedDocument,
    offset: int,
    *,
    schema: RequestSchema | None,
    catalog: Catalog | None,
    index: LineIndex | None = None,
    support: HoverSupport = HoverSupport(),
    today: date | None = None,
) -> types.Hover | None:
    """The hover at `offset` (a str offset), or None when there is nothing to say."""
    index = index or LineIndex(doc.text)
    markdown = support.markdown
    member = _key_at(doc, offset)
    if member is not None:
        return _key_hover(doc, member, schema, index, markdown)
    node = doc.node_at_offset(offset)
    if node is None or node.kind in ("object", "array"):
        return None
    parts = pointer_parts(doc, node)
    f = slot_field(schema, parts)
    if f is None:
        return None
    kind = _contents_kind(markdown)
    if is_model_field(f) and node.kind == "string" and catalog is not None:
        info = catalog.lookup(str(node.value or ""))
        if info is None:
            return None  # unknown model: the diagnostic says so
        day = today or catalog_module.today()
        text = model_doc(info, catalog, day, markdown)
        return types.Hover(contents=types.MarkupContent(kind=kind, value=text), range=lsp_range(index, node.start, node.end))
    if f.kind == "enum":
        enum = enum_for(schema, f)
        if enum is None:
            return None
        value = None
        if node.kind == "string":
            value = enum.value(str(node.value)) or enum.value_casefold(str(node.value))
        elif node.kind == "number" and isinstance(node.value, int):
            value = enum.value(node.value)
        if value is None:
            return None  # not a value of the enum: the diagnostic says so
        text = enum_value_doc(enum, value, markdown, naming_style(doc, schema), schema)
        return types.Hover(contents=types.MarkupContent(kind=kind, value=text), range=lsp_range(index, node.start, node.end))
    return None


def _contents_kind(markdown: bool) -> types.MarkupKind:
    return types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText


def _key_hover(doc: ParsedDocument, member: Member, schema: RequestSchema | None, index: LineIndex,
               markdown: bool) -> types.Hover | None:
    obj: Node = member.parent
    parts = pointer_parts(doc, obj)
    msg = slot_message(schema, parts)
    if msg is None:
        return None
    key = str(member.key.value)
    f = msg.field(key)
    if f is None:
        return None  # unknown key: the diagnostic explains it
    text = field_doc(f, markdown, key=key, top_level_model=not parts, style=naming_style(doc, schema), message=msg,
                     schema=schema)
    return types.Hover(
        contents=types.MarkupContent(kind=_contents_kind(markdown), value=text),
        range=lsp_range(index, member.key.start, member.key.end),
    )
