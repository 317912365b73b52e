"""Shapes the request schema cannot express (GL390–GL393): an empty mimeType on a blob or file, a tool that names
no tool, Vertex AI's OBJECT-only function parameters, a STRING schema with `format: "enum"` and no values.

Each rule is a small function of its own, with its facts declared on its Rule object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Node, string_value
from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

EMPTY_MIME_TYPE = Rule(
    code='GL390',
    name='empty-mime-type',
    severity='error',
    summary='An empty mimeType in inlineData or fileData',
    doc=r"""
        An empty `mimeType` in `inlineData` or `fileData`. Vertex AI answers `Unable to submit request because it has an empty
        mimeType parameter in fileData. Add a value to the parameter and try again.` On Vertex AI an error. On the Developer
        API `FileData.mime_type` is optional and `""` reads as unset: the uploaded file's stored type is used, and the same
        400 comes only when the file was stored without a type (the report's case, an upload that lost its type), so a
        warning; an empty `inlineData.mimeType` is a warning there too (no report of the Developer API's answer). **Fix:**
        give the MIME type. Source: github.com/GoogleCloudPlatform/generative-ai/issues/1390.
    """,
    evidence=(
        'https://github.com/GoogleCloudPlatform/generative-ai/issues/1390 — Vertex AI, fileData',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — Blob.mime_type: "If an unsupported MIME type is provided, an error will be returned"',
    ),
    api_text=True,
    reads=('contents', 'systemInstruction'),
    repro=(
        'https://github.com/GoogleCloudPlatform/generative-ai/issues/1390',
    ),
    facts={'apiMessage': 'Unable to submit request because it has an empty mimeType parameter in {field}. Add a value to the parameter and try again.'},
)
EMPTY_TOOL = Rule(
    code='GL391',
    name='empty-tool',
    severity='error',
    summary='A tool object that names no tool',
    doc=r"""
        A tool object with no tool in it (`"tools": [{}]`). The API validates that a Tool names one kind of tool:
        `* GenerateContentRequest.tools[0].tool_type: required one_of 'tool_type' must have one initialized field`. **Fix:** add
        a tool or remove the empty object. Source: github.com/googleapis/js-genai/issues/1221 (that text, for a tool whose
        only member the endpoint did not take).
    """,
    evidence=(
        "https://github.com/googleapis/js-genai/issues/1221 — the API's text for a Tool whose only member it did not take",
        'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Tool: every member optional; a Tool names at least one kind of tool',
    ),
    api_text=True,
    reads=('tools',),
    facts={'apiMessage': "* GenerateContentRequest.tools[{index}].tool_type: required one_of 'tool_type' must have one initialized field"},
)
FUNCTION_PARAMETERS_NOT_OBJECT = Rule(
    code='GL392',
    name='function-parameters-not-object',
    severity='error',
    summary="Vertex AI: a function declaration's parameters not of type OBJECT",
    doc=r"""
        Vertex AI only: a function declaration whose `parameters` schema is not `type: OBJECT` (a missing `type`, or an
        `anyOf` at the top). Vertex answers ``Unable to submit request because `todoread` functionDeclaration parameters schema
        should be of type OBJECT. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling``
        (older: `... because function parameters schema should be of type OBJECT`). Not reported on the Developer API (no
        report there). **Fix:** `"type": "OBJECT"` with `properties`. Sources: github.com/anomalyco/opencode/issues/9233;
        github.com/diegosouzapw/OmniRoute/issues/3357; github.com/vercel/ai/issues/12183; github.com/genkit-ai/genkit/issues/1134;
        github.com/spring-projects/spring-ai/issues/1373; github.com/BerriAI/litellm/pull/19139 and /41728.
    """,
    evidence=(
        'https://github.com/anomalyco/opencode/issues/9233',
        'https://github.com/diegosouzapw/OmniRoute/issues/3357',
        'https://github.com/vercel/ai/issues/12183',
        'https://github.com/genkit-ai/genkit/issues/1134',
        'https://github.com/spring-projects/spring-ai/issues/1373',
        'https://github.com/BerriAI/litellm/pull/19139',
        'https://github.com/BerriAI/litellm/pull/41728 — anyOf at the top level without type object',
    ),
    api_text=True,
    reads=('tools',),
    repro=(
        'https://github.com/anomalyco/opencode/issues/9233',
        'https://github.com/diegosouzapw/OmniRoute/issues/3357',
        'https://github.com/vercel/ai/issues/12183',
        'https://github.com/genkit-ai/genkit/issues/1134',
    ),
    facts={'apiMessage': 'Unable to submit request because `{name}` functionDeclaration parameters schema should be of type OBJECT.', 'apiMessageOld': 'Unable to submit request because function parameters schema should be of type OBJECT.', 'docs': 'https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling'},
)
ENUM_FORMAT_WITHOUT_ENUM = Rule(
    code='GL393',
    name='enum-format-without-enum',
    severity='warning',
    summary='A STRING schema with format enum but no enum values',
    doc=r"""
        A `Schema` of type STRING with `format: "enum"` and no (or an empty) `enum` list. Vertex AI's Schema documents
        `enum` as a STRING format whose values are the `enum` list, and Google's JavaScript SDK types refuse the combination;
        no report of the API's answer was found, so a warning. **Fix:** list the values in `enum`, or remove `format`.
        Sources: aiplatform.v1.json `Schema.format`; github.com/google-gemini/deprecated-generative-ai-js/pull/369.
    """,
    evidence=(
        'https://github.com/google-gemini/deprecated-generative-ai-js/pull/369 — Google\'s SDK types: a STRING schema with format "enum" must list enum values',
        'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Schema.format: "for STRING type: enum, date-time"',
    ),
    api_text=False,
    reads=('tools', 'generationConfig.responseSchema'),
)


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


RULES = (EMPTY_MIME_TYPE, EMPTY_TOOL, FUNCTION_PARAMETERS_NOT_OBJECT, ENUM_FORMAT_WITHOUT_ENUM,)
CHECKS = (Check("shapes", "request", RULES, check_shapes),)
