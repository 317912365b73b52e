"""Shapes the request schema cannot express (GL390–GL393): an empty mimeType on a blob or file, a tool that names
no tool, Vertex AI's OBJECT-only function parameters, a STRING schema with `format: "enum"` and no values.

Each rule is a small function of its own, with its facts in `schemas/cross_field_rules.json`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Node, string_value
from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


def check_shapes(ctx: CheckContext) -> Iterator[Finding]:
    for holder in xf.content_holders(ctx):
        yield from _empty_mime_types(ctx, holder)
        tools = xf.items(xf.value(holder, "tools"))
        yield from _empty_tools(ctx, tools)
        yield from _vertex_parameters_object(ctx, tools)
        yield from _enum_format_without_enum(ctx, holder, tools)


# -- GL390 empty mimeType ----------------------------------------------------------------------------------------


def _parts(holder: Node) -> Iterator[Node]:
    """Every Part of the request: in `contents`, in `systemInstruction`, and the blobs of function responses."""
    contents = [c for c in xf.items(xf.value(holder, "contents")) if c.kind == "object"]
    system = xf.value(holder, "systemInstruction")
    if system is not None and system.kind == "object":
        contents.append(system)
    for content in contents:
        for part in xf.parts_of(content):
            yield part
            response = xf.value(part, "functionResponse")
            yield from (p for p in xf.items(xf.value(response, "parts")) if p.kind == "object")


def _empty_mime_types(ctx: CheckContext, holder: Node) -> Iterator[Finding]:
    facts = xf.fact("empty-mime-type")
    vertex = ctx.settings.api == "vertex"
    for part in _parts(holder):
        for field, proto in (("inlineData", "inlineData"), ("fileData", "fileData")):
            blob = xf.value(part, field)
            mime = xf.member(blob, "mimeType")
            if mime is None or mime.value is None or mime.value.kind != "string" or string_value(mime.value).strip():
                continue
            note = " Give the MIME type of the data (`image/png`, `application/pdf`, ...)."
            if not vertex and field == "fileData":
                # On the Developer API FileData.mime_type is optional and "" reads as unset: the uploaded file's stored
                # type is used, and the request fails only when the file has none (the report's case).
                note = (" On the Gemini API an empty `mimeType` means \"use the uploaded file's type\"; this fails when the "
                        "file was stored without one. Give the type, or leave the member out.")
            # Vertex AI rejects it outright; on the Developer API it depends on the uploaded file: a warning there
            severity = "error" if vertex else "warning"
            yield xf.at_node(ctx, "GL390", facts["apiMessage"].format(field=proto) + note, mime.value,
                             severity=severity)


# -- GL391 a tool that names no tool -----------------------------------------------------------------------------


def _empty_tools(ctx: CheckContext, tools: list[Node]) -> Iterator[Finding]:
    facts = xf.fact("empty-tool")
    for tool in tools:
        if tool.kind != "object" or not tool.complete:
            continue
        if any(m.value is not None and m.value.kind != "null" for m in tool.members):
            continue
        index = tool.parent.items.index(tool) if tool.parent is not None and tool.parent.kind == "array" else 0
        yield xf.at_node(ctx, "GL391", facts["apiMessage"].format(index=index) + ". This tool names no tool: add one "
                         "(`functionDeclarations`, `googleSearch`, `codeExecution`, `urlContext`, ...) or remove the "
                         "empty object.", tool)


# -- GL392 Vertex AI: function parameters must be an OBJECT schema -----------------------------------------------


def _vertex_parameters_object(ctx: CheckContext, tools: list[Node]) -> Iterator[Finding]:
    if ctx.settings.api != "vertex":
        return  # the reports are all Vertex AI's; the Developer API has shown no such answer
    facts = xf.fact("function-parameters-not-object")
    for tool in tools:
        for decl in xf.items(xf.value(tool, "functionDeclarations")):
            m = xf.member(decl, "parameters")
            if m is None or m.value is None or m.value.kind != "object" or not m.value.complete:
                continue
            type_text = xf.text_of(xf.value(m.value, "type"))
            if type_text is not None and type_text.strip().upper() == "OBJECT":
                continue
            name = xf.text_of(xf.value(decl, "name")) or "?"
            shown = f"`type` is `{type_text}`" if type_text is not None else "it has no `type`"
            yield xf.at_key(ctx, "GL392", facts["apiMessage"].format(name=name) + f" Learn more: {facts['docs']} "
                            f"({shown}; give the parameters `\"type\": \"OBJECT\"` with `properties`).", m)


# -- GL393 format "enum" without enum values ---------------------------------------------------------------------

_SCHEMA_CHILDREN_ONE = ("items",)
_SCHEMA_CHILDREN_MAP = ("properties",)
_SCHEMA_CHILDREN_LIST = ("anyOf",)


def _schema_roots(holder: Node, tools: list[Node]) -> Iterator[Node]:
    for tool in tools:
        for decl in xf.items(xf.value(tool, "functionDeclarations")):
            for name in ("parameters", "response"):
                schema = xf.value(decl, name)
                if schema is not None:
                    yield schema
    gc = xf.generation_config(holder)
    schema_m = xf.exact_member(gc, xf.SCHEMA_KEYS)
    if schema_m is not None and schema_m.value is not None:
        yield schema_m.value


def _enum_format_without_enum(ctx: CheckContext, holder: Node, tools: list[Node]) -> Iterator[Finding]:
    stack = list(_schema_roots(holder, tools))
    while stack:
        node = stack.pop()
        if node.kind != "object" or not node.complete:
            continue
        fmt = xf.member(node, "format")
        type_text = xf.text_of(xf.value(node, "type"))
        if (fmt is not None and (xf.text_of(fmt.value) or "").lower() == "enum"
                and (type_text or "").upper() == "STRING" and not xf.items(xf.value(node, "enum"))):
            yield xf.at_key(ctx, "GL393", "A STRING schema with `format: \"enum\"` needs a non-empty `enum` list of "
                            "the allowed values (Vertex AI Schema.format: \"for STRING type: enum\"); add `enum` or "
                            "remove `format`.", fmt)
        for key in _SCHEMA_CHILDREN_ONE:
            child = xf.value(node, key)
            if child is not None:
                stack.append(child)
        for key in _SCHEMA_CHILDREN_MAP:
            props = xf.value(node, key)
            if props is not None and props.kind == "object":
                stack.extend(m.value for m in props.members if m.value is not None)
        for key in _SCHEMA_CHILDREN_LIST:
            stack.extend(xf.items(xf.value(node, key)))
