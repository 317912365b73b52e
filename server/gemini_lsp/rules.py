"""The rule registry: every finding code with its stable name, default severity and one-line summary.

The full documentation of each code (what the API answers, why, how to fix, the public source) is in
`docs/rules.md`; a test keeps both in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


_RULES: tuple[Rule, ...] = (
    # --- syntax: what the API's JSON reader rejects ------------------------------------------------------------
    Rule("GL001", "unexpected-token", "error", "Text the API's JSON reader cannot parse"),
    Rule("GL002", "unterminated-string", "error", "A string without its closing quote"),
    Rule("GL003", "missing-comma", "error", "Two members or items without a comma between them"),
    Rule("GL004", "unclosed-bracket", "error", "An object or array that is never closed"),
    Rule("GL005", "missing-value", "error", "A key without a value, or a comma with nothing after it"),
    Rule("GL006", "invalid-number", "error", "Bare NaN/Infinity or another number the API cannot read"),
    Rule("GL007", "invalid-escape", "error", "An escape sequence JSON does not define"),
    Rule("GL008", "trailing-content", "error", "Text after the end of the request object"),
    Rule("GL009", "empty-document", "error", "The file holds no JSON value"),
    Rule("GL010", "missing-colon", "error", "A key not followed by ':'"),
    Rule("GL011", "unreadable-text", "error", "Binary content, NUL bytes or undecodable text"),
    Rule("GL012", "nesting-too-deep", "warning", "Nesting deeper than the analysis limit"),
    # --- lenient forms: accepted by the API, not strict JSON or not canonical -------------------------------------
    Rule("GL050", "trailing-comma", "hint", "A trailing comma: the API accepts it, strict JSON does not"),
    Rule("GL051", "single-quoted-string", "hint", "A single-quoted string: the API accepts it, strict JSON does not"),
    Rule("GL052", "raw-line-break-in-string", "hint", "A raw line break inside a string"),
    Rule("GL053", "single-value-for-list", "hint", "A single value where the API expects a list"),
    Rule("GL054", "mixed-naming", "hint", "snake_case and camelCase field names mixed in one file"),
    Rule("GL055", "enum-as-number", "hint", "An enum given by its number instead of its name"),
    Rule("GL056", "enum-letter-case", "hint", "An enum name in other letter case than the canonical one"),
    Rule("GL057", "number-as-string", "hint", "A number written as a string"),
    Rule("GL058", "comment", "error", "A comment: not JSON, and the API's JSON reader rejects it"),
    Rule("GL059", "unusual-number", "error", "A number form the API's JSON reader rejects (+1, .5, 01)"),
    Rule("GL060", "unquoted-key", "hint", "An unquoted key: the API accepts it, strict JSON does not"),
    # --- schema: the request's shape ---------------------------------------------------------------------------
    Rule("GL101", "unknown-field", "error", "A field the API does not know at this place"),
    Rule("GL102", "wrong-type", "error", "A value of the wrong JSON type for the field"),
    Rule("GL103", "missing-required", "error", "A required field is missing"),
    Rule("GL104", "empty-required-list", "error", "A required list is empty"),
    Rule("GL105", "invalid-enum-value", "error", "A value that the field's enum does not have"),
    Rule("GL106", "oneof-conflict", "error", "Two fields that cannot be set together"),
    Rule("GL107", "duplicate-field", "warning", "The same field given twice"),
    Rule("GL108", "output-only-field", "warning", "An output-only field sent in a request"),
    Rule("GL109", "out-of-range", "error", "A value outside its documented range"),
    Rule("GL110", "invalid-format", "error", "A string not in the field's format (base64, duration, int64, name)"),
    Rule("GL111", "too-many-items", "error", "A list longer than the API allows"),
    Rule("GL112", "invalid-role", "error", "A Content role the API rejects"),
    Rule("GL113", "empty-text-part", "error", "An empty text part in a user turn"),
    Rule("GL114", "enum-requires-string-type", "error", "Schema.enum on a type other than STRING"),
    Rule("GL115", "invalid-json-schema", "warning", "A responseJsonSchema/parametersJsonSchema that is not valid JSON Schema"),
    Rule("GL116", "method-not-on-surface", "information", "The chosen API surface has no such method"),
    Rule("GL117", "not-an-object", "error", "The request body must be a JSON object"),
    Rule("GL118", "deprecated-value", "warning", "A deprecated enum value or field"),
    # --- secrets --------------------------------------------------------------------------------------------------
    Rule("GL201", "credential-in-file", "error", "An API key or token pasted into the request file"),
    # --- limits ---------------------------------------------------------------------------------------------------
    Rule("GL901", "checks-skipped-large-file", "information", "File above maxFileSize: only syntax and secrets checked"),
    Rule("GL902", "too-many-findings", "information", "Findings capped; fix the first ones to see more"),
    # --- models and cross-field rules (checks/models.py and its families) -------------------------------------------
    Rule("GL301", "unknown-model", "warning", "A model ID the catalogue does not know"),
    Rule("GL302", "retired-model", "error", "A model that has been shut down (404)"),
    Rule("GL303", "deprecated-model", "warning", "A deprecated model, with its shutdown date"),
    Rule("GL304", "model-method-mismatch", "error", "A model used with a method it does not support"),
    Rule("GL305", "model-in-vertex-body", "warning", "A top-level `model` in a Vertex AI body (it is a path parameter)"),
    Rule("GL310", "thinking-not-supported", "error", "thinkingConfig on a model without thinking"),
    Rule("GL311", "thinking-budget-invalid", "error", "A thinkingBudget outside the model's range, or 0 where thinking cannot be off"),
    Rule("GL312", "thinking-level-not-supported", "error", "thinkingLevel on a model before Gemini 3"),
    Rule("GL313", "thinking-level-rejected", "error", "A thinkingLevel value the model rejects"),
    Rule("GL314", "thinking-budget-and-level", "error", "thinkingBudget and thinkingLevel set together"),
    Rule("GL315", "include-thoughts-without-thinking", "warning", "includeThoughts with thinking turned off"),
    Rule("GL320", "response-modalities-unsupported", "error", "responseModalities not a combination the model accepts"),
    Rule("GL321", "penalty-not-supported", "error", "presencePenalty / frequencyPenalty on a model without penalties"),
    Rule("GL322", "top-k-out-of-range", "error", "topK outside the model's range"),
    Rule("GL323", "candidate-count-too-high", "error", "candidateCount above what the model allows"),
    Rule("GL324", "max-output-tokens-too-high", "error", "maxOutputTokens above the model's output limit"),
    Rule("GL325", "logprobs-without-response-logprobs", "warning", "logprobs without responseLogprobs: true"),
    Rule("GL326", "gemini3-temperature", "hint", "A temperature other than the Gemini 3 default of 1.0"),
    Rule("GL327", "system-instruction-not-supported", "error", "systemInstruction on a model that refuses it (Gemma on the Developer API)"),
    Rule("GL328", "function-calling-not-supported", "error", "Function declarations on a model without function calling"),
    Rule("GL329", "json-mode-not-supported", "error", "JSON output (responseMimeType application/json) on a model without JSON mode"),
    Rule("GL330", "response-schema-without-mime-type", "error", "A response schema without a compatible responseMimeType"),
    Rule("GL331", "response-schema-conflict", "error", "responseSchema and responseJsonSchema set together"),
    Rule("GL332", "invalid-response-mime-type", "error", "A responseMimeType the API does not allow"),
    Rule("GL333", "json-output-with-function-calling", "error", "JSON output with function calling on a model that refuses it"),
    Rule("GL334", "required-property-undefined", "error", "Schema.required names a property that is not defined"),
    Rule("GL335", "array-without-items", "error", "An ARRAY schema without items"),
    Rule("GL336", "ref-with-siblings", "error", "A JSON Schema node with $ref and other keywords"),
    Rule("GL337", "object-properties-empty", "warning", "An OBJECT schema with an empty properties map"),
    Rule("GL340", "builtin-tools-with-functions", "error", "Built-in tools beside function declarations where the model refuses it"),
    Rule("GL341", "google-search-retrieval-unsupported", "error", "googleSearchRetrieval on a model that needs googleSearch"),
    Rule("GL342", "allowed-function-names-mode", "warning", "allowedFunctionNames without mode ANY or VALIDATED"),
    Rule("GL343", "function-call-undeclared", "warning", "A functionCall in the history naming an undeclared function"),
    Rule("GL344", "builtin-tool-not-supported", "error", "A built-in tool the model does not support"),
    Rule("GL350", "function-call-turn-order", "error", "A function call turn not right after a user or function response turn"),
    Rule("GL351", "function-response-turn-order", "error", "A function response turn not right after a function call turn"),
    Rule("GL352", "missing-thought-signature", "warning", "A replayed Gemini 3 function call without its thoughtSignature"),
    Rule("GL353", "function-response-count", "error", "Function responses not matching the function calls of the turn before"),
    Rule("GL354", "trailing-model-turn", "error", "A request ending with a model turn on a model that does not take prefill"),
    Rule("GL360", "cached-content-conflict", "error", "cachedContent with systemInstruction, tools or toolConfig"),
    Rule("GL371", "batch-embed-too-many", "error", "More than 100 requests in one batchEmbedContents"),
    Rule("GL372", "batch-embed-model-mismatch", "error", "A batch request whose model differs from the file's model"),
    Rule("GL373", "embed-title-ignored", "warning", "An embedding title without taskType RETRIEVAL_DOCUMENT"),
    Rule("GL374", "output-dimensionality-out-of-range", "error", "outputDimensionality outside the embedding model's range"),
    Rule("GL380", "duplicate-safety-category", "warning", "Two safety settings for one category"),
    Rule("GL390", "empty-mime-type", "error", "An empty mimeType in inlineData or fileData"),
    Rule("GL391", "empty-tool", "error", "A tool object that names no tool"),
    Rule("GL392", "function-parameters-not-object", "error", "Vertex AI: a function declaration's parameters not of type OBJECT"),
    Rule("GL393", "enum-format-without-enum", "warning", "A STRING schema with format enum but no enum values"),
    Rule("GL395", "speech-config-required", "error", "A TTS model that needs speechConfig (a voice) asked without one"),
    Rule("GL396", "too-many-speakers", "warning", "More speakers in multiSpeakerVoiceConfig than the API supports"),
    Rule("GL397", "request-too-large", "warning", "A request body above the documented inline-data limit (100 MB)"),
    Rule("GL398", "image-config-value-undocumented", "warning", "An aspectRatio or imageSize that no image model documents"),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in _RULES}

