"""The rules of the walk along the schema (`structure.py`, with the value rules of `values.py`): unknown fields,
types, required fields, enums, oneofs, duplicates, output-only and deprecated fields, ranges, formats, roles, and
the canonical forms of what the API reads leniently (a single value for a list, enum numbers, mixed naming)."""

from __future__ import annotations

from ..rule import Check, Rule
from . import structure

SINGLE_VALUE_FOR_LIST = Rule(
    code='GL053',
    name='single-value-for-list',
    severity='hint',
    summary='A single value where the API expects a list',
    doc=r"""
        `"contents": {...}`, `"parts": {"text": ...}`, `"response_modalities": "TEXT"`. Accepted (github.com/google-gemini/cookbook REST samples with saved responses). **Fix:** wrap the
        value in `[...]`.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
MIXED_NAMING = Rule(
    code='GL054',
    name='mixed-naming',
    severity='hint',
    summary='snake_case and camelCase field names mixed in one file',
    doc=r"""
        `generationConfig` next to `safety_settings`. The API accepts both spellings, mixed freely (proto3 JSON mapping,
        protobuf.dev/programming-guides/json: the json_name and the proto field name); the hint names the file's majority style. **Fix:** rename to the majority style.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
ENUM_AS_NUMBER = Rule(
    code='GL055',
    name='enum-as-number',
    severity='hint',
    summary='An enum given by its number instead of its name',
    doc=r"""
        `{"category": 7, "threshold": 4}`. Accepted (Google's REST sample, github.com/google-gemini/deprecated-generative-ai-python/pull/433); so is the number as a string
        (`"7"`: protobuf's `DataPiece::ToEnum`). **Fix:** use the enum name.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
ENUM_LETTER_CASE = Rule(
    code='GL056',
    name='enum-letter-case',
    severity='hint',
    summary='An enum name in other letter case than the canonical one',
    doc=r"""
        `"role"`-like enum values in other letter case (`"object"` for `OBJECT`, `"auto"` for `AUTO`). Accepted in Google's
        samples (github.com/google-gemini/cookbook); reports of failures came through proxies, so this stays a hint. **Fix:** the canonical
        upper-case name.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
NUMBER_AS_STRING = Rule(
    code='GL057',
    name='number-as-string',
    severity='hint',
    summary='A number written as a string',
    doc=r"""
        `"temperature": "0.7"`. The proto3 JSON mapping accepts numeric strings (protobuf.dev/programming-guides/json), and protobuf's reader takes
        `"true"` / `"false"` (also `"yes"`, `"1"`, ...) for booleans (`DataPiece::ToBool`). **Fix:** remove the quotes.
        (64-bit integers are canonically strings and are not reported.)
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
UNKNOWN_FIELD = Rule(
    code='GL101',
    name='unknown-field',
    severity='error',
    summary='A field the API does not know at this place',
    doc=r"""
        The API answers `Invalid JSON payload received. Unknown name "content": Cannot find field.` (github.com/googleapis/python-genai/issues/425).
        Only the exact camelCase JSON name or the exact snake_case proto name is
        accepted: `generationconfig` is unknown. The message suggests the nearest field, and targeted hints for OpenAI's
        vocabulary (`messages`, `max_tokens`, sampling parameters at the top level), JSON Schema keywords inside a `Schema`
        (`additionalProperties`, `$schema`, `const`, `$ref`: use `responseJsonSchema` / `parametersJsonSchema`) and SDK
        objects serialized as is. Facts: `schemas/request_rules.json`. **Fix:** rename, or move the value where it belongs.
    """,
    evidence=('https://github.com/googleapis/python-genai/issues/425',),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
WRONG_TYPE = Rule(
    code='GL102',
    name='wrong-type',
    severity='error',
    summary='A value of the wrong JSON type for the field',
    doc=r"""
        `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"` (github.com/egoist/chatwise-releases/issues/536); a list for a non-repeated
        field gives `Proto field is not repeating, cannot start list.` (github.com/zed-industries/zed/issues/53919); a
        fraction for an int32 gives `(TYPE_INT32), 1.5` (github.com/egoist/chatwise-releases/issues/536); a number inside
        `Schema.enum` gives `(TYPE_STRING), 1` (github.com/BrokkAi/bifrost/issues/25). **Fix:** the type the field takes.
    """,
    evidence=(
        'https://github.com/zed-industries/zed/issues/53919',
        'https://github.com/egoist/chatwise-releases/issues/536',
        'https://github.com/BrokkAi/bifrost/issues/25',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
MISSING_REQUIRED = Rule(
    code='GL103',
    name='missing-required',
    severity='error',
    summary='A required field is missing',
    doc=r"""
        A field marked `REQUIRED` in the proto (`field_behavior`) or `Required.` in the discovery document is missing, e.g.
        `* GenerateContentRequest.contents: contents is not specified` (github.com/ikechan8370/chatgpt-plugin/issues/733). A Part with none of its data fields
        (`text`, `inlineData`, `fileData`, ...) is an error when empty and a warning when it holds only metadata, because a
        part with only `videoMetadata` was accepted in a recording (github.com/google-gemini/cookbook REST samples with saved responses). The `model` of the URL is never reported
        missing at the top of a body (DESIGN: "The request file"). Two REQUIRED marks are relaxed where the API is shown to
        accept the absence (`schemas/request_rules.json`, `requiredRelaxed`): a `Schema` node with `anyOf` needs no `type`
        (python-genai#625, #447), and a `FunctionDeclaration` without `description` is only a warning (ai.google.dev/api/caching#FunctionDeclaration; the
        tool-combination docs declare `{"name": "getWeather"}`). **Fix:** add the field.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
EMPTY_REQUIRED_LIST = Rule(
    code='GL104',
    name='empty-required-list',
    severity='error',
    summary='A required list is empty',
    doc=r"""
        `{"contents": []}` → `contents is not specified`; `"parts": []` → `contents.parts must not be empty.` (github.com/ikechan8370/chatgpt-plugin/issues/733, github.com/egoist/chatwise-releases/issues/250;
        `schemas/request_rules.json`). **Fix:** add at least one item.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
INVALID_ENUM_VALUE = Rule(
    code='GL105',
    name='invalid-enum-value',
    severity='error',
    summary="A value that the field's enum does not have",
    doc=r"""
        `Invalid value at 'safety_settings[0].category' (...HarmCategory), "HARASSMENT"` (github.com/simonw/llm-gemini/issues/49 shows the form). An enum number the enum
        does not define is a warning. **Fix:** one of the listed names.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
ONEOF_CONFLICT = Rule(
    code='GL106',
    name='oneof-conflict',
    severity='error',
    summary='Two fields that cannot be set together',
    doc=r"""
        Two members of one `oneof` (a Part with `text` and `inlineData`; `voiceConfig` with `multiSpeakerVoiceConfig`; cache
        `ttl` with `expireTime`; `parameters` with `parametersJsonSchema`; `responseSchema` with `responseJsonSchema`).
        Source: the proto's `oneof` groups and "mutually exclusive" comments (generative_service.proto, content.proto).
        **Fix:** keep one.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
DUPLICATE_FIELD = Rule(
    code='GL107',
    name='duplicate-field',
    severity='warning',
    summary='The same field given twice',
    doc=r"""
        The same field twice, also under both spellings (`generationConfig` and `generation_config`). Strict proto3 JSON
        parsers reject duplicates; the API's behaviour is not verified (protobuf.dev/programming-guides/json), so a warning. **Fix:** remove one.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
OUTPUT_ONLY_FIELD = Rule(
    code='GL108',
    name='output-only-field',
    severity='warning',
    summary='An output-only field sent in a request',
    doc=r"""
        A field marked `OUTPUT_ONLY` (proto) or `readOnly` (discovery) sent in a request. **Fix:** remove it.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
OUT_OF_RANGE = Rule(
    code='GL109',
    name='out-of-range',
    severity='error',
    summary='A value outside its documented range',
    doc=r"""
        A value outside its documented range, in the API's words: `Unable to submit request because it has a topK value of
        50 but the supported range is from 1 (inclusive) to 41 (exclusive).` (github.com/genkit-ai/genkit/issues/1397). Ranges: `schemas/overlay.json`
        (temperature 0–2, logprobs 0–20, video fps in (0, 24], ...). **Fix:** a value in range.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
INVALID_FORMAT = Rule(
    code='GL110',
    name='invalid-format',
    severity='error',
    summary="A string not in the field's format (base64, duration, int64, name)",
    doc=r"""
        A string not in its field's format: base64 for bytes (`inlineData.data`, `thoughtSignature`: standard or URL-safe,
        with or without padding; protobuf.dev/programming-guides/json), Duration (`"3.5s"`), Timestamp (RFC 3339), function names (`a-z, A-Z, 0-9,
        _ . : -`, at most 64 characters; proto comment). Base64 broken only by white space (line-wrapped `base64` output) is
        a hint: Google's cookbook `Audio_REST` sends it and gets 200. **Fix:** the format.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
TOO_MANY_ITEMS = Rule(
    code='GL111',
    name='too-many-items',
    severity='error',
    summary='A list longer than the API allows',
    doc=r"""
        More list items than allowed: `stopSequences` takes at most 5 (proto "up to 5"; Vertex: `... stopSequences value of
        10 but the supported range is from 1 (inclusive) to 6 (exclusive).`, github.com/genkit-ai/genkit/issues/546). **Fix:** fewer items.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
INVALID_ROLE = Rule(
    code='GL112',
    name='invalid-role',
    severity='error',
    summary='A Content role the API rejects',
    doc=r"""
        `Please use a valid role: user, model.` for roles such as `system` or `assistant` (github.com/songquanpeng/one-api/issues/1385).
        `user`, `model`, and in Google's own samples `function` and `tool`, in any letter case, are accepted (github.com/google-gemini/cookbook REST samples with saved responses).
        **Fix:** `model` for the model's turns; a system prompt goes in `systemInstruction`.
    """,
    evidence=('https://github.com/songquanpeng/one-api/issues/1385',),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
EMPTY_TEXT_PART = Rule(
    code='GL113',
    name='empty-text-part',
    severity='error',
    summary='An empty text part in a user turn',
    doc=r"""
        `Unable to submit request because it has an empty text parameter.` for `{"text": ""}` in a user turn; accepted in
        model turns (github.com/google-gemini/cookbook REST samples with saved responses). **Fix:** write the text or remove the part.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
ENUM_REQUIRES_STRING_TYPE = Rule(
    code='GL114',
    name='enum-requires-string-type',
    severity='error',
    summary='Schema.enum on a type other than STRING',
    doc=r"""
        `...properties[operation].enum: only allowed for STRING type` (github.com/anomalyco/opencode/issues/28397).
        **Fix:** `"type": "STRING"` with string values.
    """,
    evidence=('https://github.com/anomalyco/opencode/issues/28397',),
    api_text=True,
    reads=("the whole request, against the method's schema",),
)
INVALID_JSON_SCHEMA = Rule(
    code='GL115',
    name='invalid-json-schema',
    severity='warning',
    summary='A responseJsonSchema/parametersJsonSchema that is not valid JSON Schema',
    doc=r"""
        A `responseJsonSchema` / `parametersJsonSchema` that is not valid JSON Schema (checked with the `jsonschema` library
        against the 2020-12 meta-schema). A warning: the API documents a subset and may reject more.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
NOT_AN_OBJECT = Rule(
    code='GL117',
    name='not-an-object',
    severity='error',
    summary='The request body must be a JSON object',
    doc=r"""
        The body is a list or a scalar; every request body is a JSON object. **Fix:** wrap it in `{...}`.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)
DEPRECATED_VALUE = Rule(
    code='GL118',
    name='deprecated-value',
    severity='warning',
    summary='A deprecated enum value or field',
    doc=r"""
        A deprecated enum value (e.g. `HARM_CATEGORY_CIVIC_INTEGRITY`: "use enable_enhanced_civic_answers instead" in
        safety.proto) is a warning; a deprecated field (e.g. Vertex's `responseMimeType`, "Use `response_format` instead") is a hint.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — the request messages, field behaviours and comments',
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — Vertex AI request schemas (revision '
            '20261106)'
        ),
        'https://protobuf.dev/programming-guides/json/ — the proto3 JSON mapping the API reads',
    ),
    api_text=False,
    reads=("the whole request, against the method's schema",),
)

RULES = (
    SINGLE_VALUE_FOR_LIST, MIXED_NAMING, ENUM_AS_NUMBER, ENUM_LETTER_CASE, NUMBER_AS_STRING, UNKNOWN_FIELD, WRONG_TYPE,
    MISSING_REQUIRED, EMPTY_REQUIRED_LIST, INVALID_ENUM_VALUE, ONEOF_CONFLICT, DUPLICATE_FIELD, OUTPUT_ONLY_FIELD,
    OUT_OF_RANGE, INVALID_FORMAT, TOO_MANY_ITEMS, INVALID_ROLE, EMPTY_TEXT_PART, ENUM_REQUIRES_STRING_TYPE,
    INVALID_JSON_SCHEMA, NOT_AN_OBJECT, DEPRECATED_VALUE,
)
CHECKS = (Check("schema", "schema", RULES, structure.check_structure, memoised=structure.walk_memoised),)
