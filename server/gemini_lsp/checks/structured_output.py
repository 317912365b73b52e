"""Structured output: response schemas and their MIME type, JSON output with function calling, and the Schema /
JSON Schema rules the API enforces (GL330–GL336)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeGuard

from ..document import Member, Node, string_value
from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from ..findings import Fix
    from .context import CheckContext

RESPONSE_SCHEMA_WITHOUT_MIME_TYPE = Rule(
    code='GL330',
    name='response-schema-without-mime-type',
    severity='error',
    summary='A response schema without a compatible responseMimeType',
    doc=r"""
        `responseSchema` or the JSON-Schema field in any spelling (`responseJsonSchema`, `_responseJsonSchema`,
        `response_json_schema`, `response_json_schema_ordered`) without a compatible `responseMimeType`
        (`application/json`, or `text/x.enum` for a schema with `enum`). Proto: "If set, a compatible `response_mime_type`
        must also be set"; discovery: "you must also set the `response_mime_type` to `application/json`". Reported at
        `generationConfig` when the MIME type is missing, at the value when it is incompatible. Skipped on Vertex when
        `responseFormat` is used. **Fix:** the quick fix adds `"responseMimeType": "application/json"` next to the schema
        (same indentation, same naming style).
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — GenerationConfig.response_schema and response_json_schema comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — discovery revision 20261106: '
            'GenerationConfig.responseSchema: "When this field is set, you must also set the response_mime_type '
            'to application/json"'
        ),
    ),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    facts={'apiMessage': 'If set, a compatible response_mime_type must also be set.',
     'compatible': {'schema': ['application/json', 'text/x.enum'],
                    'jsonSchema': ['application/json'],
                    'enumOnly': ['text/x.enum']}},
)
RESPONSE_SCHEMA_CONFLICT = Rule(
    code='GL331',
    name='response-schema-conflict',
    severity='error',
    summary='responseSchema and responseJsonSchema set together',
    doc=r"""
        `responseSchema` together with the JSON-Schema field: `response_schema must not be set when response_json_schema is
        set.` (github.com/flachesis/gemini-rust/pull/64; proto "If set, `response_schema` must be omitted"). Reported at
        `generationConfig`. **Fix:** keep one.
    """,
    evidence=(
        'https://github.com/flachesis/gemini-rust/pull/64',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — response_json_schema: "If set, response_schema must be omitted"',
    ),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    repro=('https://github.com/flachesis/gemini-rust/pull/64',),
    facts={'apiMessage': 'response_schema must not be set when response_json_schema is set.'},
)
INVALID_RESPONSE_MIME_TYPE = Rule(
    code='GL332',
    name='invalid-response-mime-type',
    severity='error',
    summary='A responseMimeType the API does not allow',
    doc=r"""
        `GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are text/plain, application/json,
        application/xml, application/yaml and text/x.enum` (github.com/googleapis/go-genai/issues/322). An error on the
        Gemini API, a warning on Vertex AI (the list was seen on one surface). **Fix:** the nearest allowed type.
    """,
    evidence=('https://github.com/googleapis/go-genai/issues/322',),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    repro=('https://github.com/googleapis/go-genai/issues/322',),
    facts={'apiMessage': 'GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are '
                   '`text/plain`, `application/json`, `application/xml`, `application/yaml` and '
                   '`text/x.enum`',
     'allowed': ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum']},
)
JSON_OUTPUT_WITH_FUNCTION_CALLING = Rule(
    code='GL333',
    name='json-output-with-function-calling',
    severity='error',
    summary='JSON output with function calling on a model that refuses it',
    doc=r"""
        `responseMimeType: application/json` together with function declarations on a model that refuses it (before Gemini 3):
        `Function calling with a response mime type: 'application/json' is unsupported`
        (github.com/googleapis/python-genai/issues/867; github.com/symfony/ai/issues/803). Gemini 3 models accept the
        combination (recorded 200s: github.com/googleapis/js-genai system tests), so it fires only where `features.json_with_function_calling` is false.
        **Fix:** drop one of them.
    """,
    evidence=(
        'https://github.com/googleapis/python-genai/issues/867',
        'https://github.com/symfony/ai/issues/803',
        (
            'https://github.com/googleapis/js-genai — recorded system tests: accepted on Gemini 3 (also '
            'pydantic-ai recordings)'
        ),
    ),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    developer_api_only=True,
    repro=(
        'https://github.com/googleapis/python-genai/issues/867',
        'https://github.com/symfony/ai/issues/803',
    ),
    facts={'apiMessage': "Function calling with a response mime type: 'application/json' is unsupported"},
)
REQUIRED_PROPERTY_UNDEFINED = Rule(
    code='GL334',
    name='required-property-undefined',
    severity='error',
    summary='Schema.required names a property that is not defined',
    doc=r"""
        A `Schema.required` entry (response schema, function `parameters` / `response`) that `properties` does not define:
        `* GenerateContentRequest.tools[0].function_declarations[9].parameters.required[0]: property is not defined`
        (github.com/probelabs/probe/issues/569; github.com/moltis-org/moltis/issues/849;
        github.com/lbjlaq/Antigravity-Manager/issues/187). **Fix:** define the property or remove the name.
    """,
    evidence=(
        'https://github.com/probelabs/probe/issues/569',
        'https://github.com/moltis-org/moltis/issues/849',
        'https://github.com/lbjlaq/Antigravity-Manager/issues/187',
        'https://github.com/iBUHub/AIStudioToAPI/issues/154',
    ),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    repro=(
        'https://github.com/probelabs/probe/issues/569',
        'https://github.com/moltis-org/moltis/issues/849',
    ),
    facts={'apiMessage': '* GenerateContentRequest.{path}: property is not defined'},
)
ARRAY_WITHOUT_ITEMS = Rule(
    code='GL335',
    name='array-without-items',
    severity='error',
    summary='An ARRAY schema without items',
    doc=r"""
        An `ARRAY` Schema without `items`: `* GenerateContentRequest.tools[0].function_declarations[28].parameters.properties[time_ranges].items: missing field.`
        (github.com/cline/cline/issues/7926; github.com/anomalyco/opencode/pull/49392). **Fix:** add `items`.
    """,
    evidence=('https://github.com/cline/cline/issues/7926', 'https://github.com/anomalyco/opencode/pull/49392'),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    repro=('https://github.com/cline/cline/issues/7926',),
    facts={'apiMessage': '* GenerateContentRequest.{path}.items: missing field.'},
)
REF_WITH_SIBLINGS = Rule(
    code='GL336',
    name='ref-with-siblings',
    severity='error',
    summary='A JSON Schema node with $ref and other keywords',
    doc=r"""
        A JSON-Schema node (`responseJsonSchema`, `parametersJsonSchema`) with `$ref` and keywords not starting with `$`:
        `schema at properties.draft can only contain properties starting with '$' when $ref is present`
        (github.com/google-gemini/gemini-cli/issues/4758); proto: "If `$ref` is set on a sub-schema, no other properties,
        except for than those starting as a `$`, may be set". The API's newer text names the exceptions: `Schema.ref 'X' was
        set alongside unsupported fields. If a schema node has Schema.ref set, then only description and default can be set
        alongside it` (github.com/diegosouzapw/OmniRoute/issues/461; github.com/su-kaka/gcli2api/pull/374), so `description`
        and `default` are not reported. At the **root** of the schema, annotations beside `$ref` (`title`, `description`,
        `default`, `examples`, `$comment`, `deprecated`, `readOnly`, `writeOnly`) are accepted: a root `$ref` with `title`
        was answered 200 on gemini-2.5-flash (tests/accepted/ref-root-with-title.gemini.json); a constraint keyword beside a
        root `$ref` is only a warning (no report either way). Nested nodes: an error. **Fix:** move the keywords into the
        referenced definition.
    """,
    evidence=(
        'https://github.com/google-gemini/gemini-cli/issues/4758',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — response_json_schema: "If $ref is set on a sub-schema, no other properties, except for than those starting as a $, may be set"',
        'https://github.com/su-kaka/gcli2api/pull/374 — description and default tolerated',
        'https://github.com/diegosouzapw/OmniRoute/issues/461 — "only description and default can be set alongside it"',
        'https://github.com/anomalyco/opencode/issues/12295',
        'tests/accepted/ref-root-with-title.gemini.json — a root $ref with title accepted on gemini-2.5-flash',
    ),
    api_text=True,
    reads=('generationConfig.responseSchema', 'generationConfig.responseJsonSchema', 'generationConfig.responseMimeType', 'tools', 'model'),
    repro=(
        'https://github.com/google-gemini/gemini-cli/issues/4758',
    ),
    facts={'apiMessage': "schema at {path} can only contain properties starting with '$' when $ref is present", 'allowedSiblings': ['description', 'default'], 'rootTolerated': ['title', 'description', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly'], 'apiMessageSchemaRef': "Schema.ref '{ref}' was set alongside unsupported fields. If a schema node has Schema.ref set, then only description and default can be set alongside it; other fields they would be replaced by the expanded reference."},
)
OBJECT_PROPERTIES_EMPTY = Rule(
    code='GL337',
    name='object-properties-empty',
    severity='warning',
    summary='An OBJECT schema with an empty properties map',
    doc=r"""
        An `OBJECT` Schema with an explicitly empty `properties` map: `* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type`
        (github.com/pipecat-ai/pipecat-flows/issues/110, gemini-2.0-flash-001; github.com/langchain-ai/langchain-google/pull/416).
        A warning: saved 2024 successes send `{"type": "object"}` without `properties`, so the rule looks model- or
        time-dependent; a schema without `properties` is not flagged. **Fix:** leave out `parameters` for a function without
        arguments, or declare a property.
    """,
    evidence=(
        'https://github.com/pipecat-ai/pipecat-flows/issues/110',
        'https://github.com/langchain-ai/langchain-google/pull/416',
        (
            'tests/corpus/valid 17-19: saved 2024 successes with {"type": "object"} and no properties at all '
            '(only an explicit empty map is flagged)'
        ),
    ),
    api_text=True,
    reads=(
        'generationConfig.responseSchema',
        'generationConfig.responseJsonSchema',
        'generationConfig.responseMimeType',
        'tools',
        'model',
    ),
    repro=(
        'https://github.com/pipecat-ai/pipecat-flows/issues/110',
        'https://github.com/langchain-ai/langchain-google/pull/416',
    ),
    facts={'apiMessage': '* GenerateContentRequest.{path}: should be non-empty for OBJECT type'},
)


def check_structured_output(ctx: CheckContext) -> Iterator[Finding]:
    for request in xf.generate_requests(ctx):
        gc = xf.generation_config(request)
        if gc is not None:
            yield from _mime_and_schemas(ctx, request, gc)
    for holder in xf.content_holders(ctx):
        yield from _schemas_in_tools(ctx, holder)
    for request in xf.generate_requests(ctx):
        gc = xf.generation_config(request)
        schema_m = xf.exact_member(gc, xf.SCHEMA_KEYS)
        if schema_m is not None and schema_m.value is not None:
            yield from _walk_schema(ctx, schema_m.value)
        for key in xf.JSON_SCHEMA_KEYS:
            json_m = xf.exact_member(gc, (key,))
            if json_m is not None and json_m.value is not None:
                yield from _walk_json_schema(ctx, json_m.value, [])


# -- responseMimeType / responseSchema / responseJsonSchema ---------------------------------------------------


def _mime_and_schemas(ctx: CheckContext, request: Node, gc: Node) -> Iterator[Finding]:
    mime_m = xf.member(gc, "responseMimeType")
    mime = xf.text_of(mime_m.value) if mime_m is not None else None
    schema_m = xf.exact_member(gc, xf.SCHEMA_KEYS)
    json_m = xf.exact_member(gc, xf.JSON_SCHEMA_KEYS)

    if mime_m is not None and mime is not None:
        yield from _mime_value(ctx, mime_m, mime)
    if schema_m is not None and json_m is not None:
        later = max((schema_m, json_m), key=lambda m: m.key.start)
        yield xf.at_object(ctx, "GL331", xf.fact("response-schema-conflict")["apiMessage"]
                           + f" Keep one of `{schema_m.key.value}` and `{json_m.key.value}`.", gc, later.key,
                           data={"members": [schema_m.key.value, json_m.key.value]})
    if ctx.settings.api == "vertex" and xf.member(gc, "responseFormat") is not None:
        return  # Vertex's newer responseFormat carries the type itself
    for m, kind in ((schema_m, "schema"), (json_m, "jsonSchema")):
        if m is None:
            continue
        yield from _schema_needs_mime(ctx, gc, m, kind, mime_m, mime)
    yield from _json_with_function_calling(ctx, request, mime_m, mime)


def _has_enum(node: Node | None) -> TypeGuard[Node]:
    return node is not None and node.kind == "object" and xf.exact_member(node, ("enum",)) is not None


def _schema_needs_mime(ctx: CheckContext, gc: Node, m: Member, kind: str, mime_m: Member | None, mime: str | None) -> Iterator[Finding]:
    facts = xf.fact("response-schema-without-mime-type")
    compatible = list(facts["compatible"][kind])
    if kind == "jsonSchema" and _has_enum(m.value):
        compatible += facts["compatible"]["enumOnly"]
    if mime is not None and mime.strip().lower() in compatible:
        return
    snake = "_" in string_value(m.key).lstrip("_")
    mime_key = "response_mime_type" if snake else "responseMimeType"
    wanted = "text/x.enum" if (kind == "schema" and _has_enum(m.value) and _enum_only(m.value)) else "application/json"
    if mime_m is None:
        fix = xf.insert_member_before(ctx, m, mime_key, f'"{wanted}"', f'Add "{mime_key}": "{wanted}"')
        yield xf.at_object(ctx, "GL330", f"`{m.key.value}` is set without `responseMimeType`. "
                           + facts["apiMessage"] + f" Add `\"{mime_key}\": \"{wanted}\"` (compatible: "
                           + ", ".join(f"`{c}`" for c in compatible) + ").", gc, m.key, fixes=(fix,),
                           data={"member": mime_key})
        return
    if mime is None or mime_m.value is None:
        return
    fix = xf.replace_fix(mime_m.value, xf.quoted(mime_m.value, wanted), f'Use "{wanted}"', safe=False)
    yield xf.at_node(ctx, "GL330", f"`{m.key.value}` needs a compatible `responseMimeType`, not `{mime}`. "
                     + facts["apiMessage"] + " Compatible: " + ", ".join(f"`{c}`" for c in compatible) + ".",
                     mime_m.value, fixes=(fix,))


def _enum_only(schema: Node) -> bool:
    type_m = xf.exact_member(schema, ("type",))
    t = xf.text_of(type_m.value) if type_m else None
    return t is not None and t.upper() == "STRING"


def _mime_value(ctx: CheckContext, mime_m: Member, mime: str) -> Iterator[Finding]:
    assert mime_m.value is not None  # `mime` is its text
    facts = xf.fact("invalid-response-mime-type")
    allowed = facts["allowed"]
    if mime.strip().lower() in allowed:
        return
    guess = difflib.get_close_matches(mime.lower(), allowed, n=1, cutoff=0.4)
    if not guess:
        guess = [a for a in allowed if mime.lower().split("/")[-1] in a]
    fixes: tuple[Fix, ...] = ()
    if guess and mime_m.value is not None:
        fixes = (xf.replace_fix(mime_m.value, xf.quoted(mime_m.value, guess[0]), f'Use "{guess[0]}"', preferred=True),)
    severity = "error" if ctx.settings.api == "gemini" else "warning"
    yield xf.at_node(ctx, "GL332", facts["apiMessage"] + f" (not `{mime}`).", mime_m.value, severity=severity, fixes=fixes)


def _declares_functions(request: Node) -> bool:
    for tool in xf.items(xf.value(request, "tools")):
        decls = xf.value(tool, "functionDeclarations")
        if decls is not None and xf.items(decls):
            return True
    return False


def _json_with_function_calling(ctx: CheckContext, request: Node, mime_m: Member | None, mime: str | None) -> Iterator[Finding]:
    model = ctx.model
    if model is None or model.feature("json_with_function_calling") is not False:
        return
    if mime_m is None or mime is None or mime.strip().lower() != "application/json" or not _declares_functions(request):
        return
    assert mime_m.value is not None  # `mime` is its text
    yield xf.at_node(ctx, "GL333", xf.fact("json-output-with-function-calling")["apiMessage"]
                     + f" on models/{model.id} (Gemini 3 models accept the combination). Drop `responseMimeType` or "
                     "the function declarations.", mime_m.value,
                     severity=xf.fact_severity(model, "features.json_with_function_calling", "json-output-with-function-calling"))


# -- Schema (OpenAPI subset) -------------------------------------------------------------------------------------


def _schemas_in_tools(ctx: CheckContext, holder: Node) -> Iterator[Finding]:
    for tool in xf.items(xf.value(holder, "tools")):
        for decl in xf.items(xf.value(tool, "functionDeclarations")):
            for name in ("parameters", "response"):
                schema = xf.value(decl, name)
                if schema is not None:
                    yield from _walk_schema(ctx, schema)
            for name in ("parametersJsonSchema", "responseJsonSchema"):
                schema = xf.value(decl, name)
                if schema is not None:
                    yield from _walk_json_schema(ctx, schema, [])


def _api_schema_path(ctx: CheckContext, node: Node) -> str:
    """The API's semantic-error path for a Schema node: map keys by name (`properties[city]`), proto names."""
    from .api_paths import snake_case as _snake

    parts: list[str] = []
    current = node
    while current is not None and current.parent is not None:
        parent = current.parent
        if current.member is not None:
            key = string_value(current.member.key)
            if parent.member is not None and parent.member.key.value == "properties":
                parts.append(f"[{key}]")
            else:
                parts.append("." + _snake(key))
        else:
            index = next((i for i, it in enumerate(parent.items) if it is current), 0)
            parts.append(f"[{index}]")
        current = parent
    text = "".join(reversed(parts)).lstrip(".")
    return text.replace(".properties[", ".properties[").replace("properties.[", "properties[").replace(".[", "[")


def _walk_schema(ctx: CheckContext, schema: Node) -> Iterator[Finding]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if node.kind != "object" or not node.complete:
            continue
        props = xf.value(node, "properties")
        required = xf.value(node, "required")
        type_text = xf.text_of(xf.value(node, "type"))
        if required is not None and required.kind == "array":
            defined = {m.key.value for m in props.members} if props is not None and props.kind == "object" else set()
            for item in required.items:
                if item.kind == "string" and item.value not in defined:
                    path = _api_schema_path(ctx, item)
                    yield xf.at_node(ctx, "GL334", xf.fact("required-property-undefined")["apiMessage"].format(path=path)
                                     + f" (`{item.value}` is not in `properties`).", item)
        if (type_text is not None and type_text.upper() == "OBJECT" and props is not None and props.kind == "object"
                and not props.members and props.complete):
            yield xf.at_node(ctx, "GL337", xf.fact("object-properties-empty")["apiMessage"].format(
                path=_api_schema_path(ctx, props)) + " Leave out `properties` (or `parameters` for a function "
                "without arguments), or declare at least one property.", props)
        if type_text is not None and type_text.upper() == "ARRAY" and xf.value(node, "items") is None:
            path = _api_schema_path(ctx, node)
            yield xf.at_missing(ctx, "GL335", xf.fact("array-without-items")["apiMessage"].format(path=path)
                                + " An ARRAY schema needs `items`.", node, "items")
        if props is not None and props.kind == "object":
            stack.extend(m.value for m in props.members if m.value is not None)
        sub = xf.value(node, "items")
        if sub is not None:
            stack.append(sub)
        stack.extend(xf.items(xf.value(node, "anyOf")))


# -- JSON Schema ($ref siblings) ---------------------------------------------------------------------------------

_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")


def _walk_json_schema(ctx: CheckContext, node: Node, path: list[str]) -> Iterator[Finding]:
    stack: list[tuple[Node, list[str]]] = [(node, path)]
    facts = xf.fact("ref-with-siblings")
    # The API's own text allows `description` and `default` beside `$ref` on any node; at the root of the schema
    # annotations (a `title` generated from a class name, ...) are accepted too (a recorded 200, tests/accepted).
    allowed = set(facts["allowedSiblings"])
    root_tolerated = set(facts["rootTolerated"])
    while stack:
        current, where = stack.pop()
        if current.kind != "object" or not current.complete:
            continue
        if any(m.key.value == "$ref" for m in current.members):
            at_root = current is node
            for m in current.members:
                key = string_value(m.key)
                if key.startswith("$") or key in allowed or (at_root and key in root_tolerated):
                    continue
                shown = ".".join(where) or "the top level"
                # a constraint beside a root `$ref`: no report of a rejection there, so only a warning
                yield xf.at_key(ctx, "GL336", facts["apiMessage"].format(path=shown)
                                + f" (`{key}` sits beside `$ref`; only `description` and `default` may).", m,
                                severity="warning" if at_root else "error")
        for m in current.members:
            key = string_value(m.key)
            if m.value is None:
                continue
            if key in _SUBSCHEMA_MAPS and m.value.kind == "object":
                for sub in m.value.members:
                    if sub.value is not None:
                        stack.append((sub.value, where + [key, string_value(sub.key)]))
            elif key in _SUBSCHEMA_LISTS and m.value.kind == "array":
                for i, sub_node in enumerate(m.value.items):
                    stack.append((sub_node, where + [key, str(i)]))
            elif key in _SUBSCHEMA_ONE:
                stack.append((m.value, where + [key]))


RULES = (RESPONSE_SCHEMA_WITHOUT_MIME_TYPE, RESPONSE_SCHEMA_CONFLICT, INVALID_RESPONSE_MIME_TYPE, JSON_OUTPUT_WITH_FUNCTION_CALLING, REQUIRED_PROPERTY_UNDEFINED, ARRAY_WITHOUT_ITEMS, REF_WITH_SIBLINGS, OBJECT_PROPERTIES_EMPTY)
CHECKS = (Check("structured-output", "request", RULES, check_structured_output),)
