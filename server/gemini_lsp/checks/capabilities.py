"""What a model refuses outright, each with the API's own text (GL327–GL329): a system instruction, function
declarations, JSON output. The facts are the catalogue's `features.system_instruction`, `features.function_calling`
and `features.json_mode` (false = a source shows the API refusing it); unknown = silent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

SYSTEM_INSTRUCTION_NOT_SUPPORTED = Rule(
    code='GL327',
    name='system-instruction-not-supported',
    severity='error',
    summary='systemInstruction on a model that refuses it (Gemma on the Developer API)',
    doc=r"""
        `systemInstruction` on a model that refuses it. The API answers `Developer instruction is not enabled for
        models/gemma-3-27b-it` (400), even for an empty instruction. Recorded for `gemma-3-27b-it` and `gemma-3-12b-it` on the
        Developer API (`features.system_instruction: false`); other models stay silent until a source says. An error: the
        evidence is the API's own text, reproduced many times. **Fix:** put the instruction at the start of the first user
        turn. Sources: github.com/lobehub/lobehub/issues/7128; github.com/0xPlaygrounds/rig/issues/788;
        github.com/google/adk-python/issues/3900 (a maintainer: Gemma takes no system instructions in the Gemini API);
        github.com/agno-agi/agno/issues/3505; github.com/MaKTaiL/gemini-srt-translator/issues/101.
    """,
    evidence=(
        'https://github.com/lobehub/lobehub/issues/7128',
        'https://github.com/0xPlaygrounds/rig/issues/788',
        'https://github.com/google/adk-python/issues/3900',
        'https://github.com/agno-agi/agno/issues/3505',
        'https://github.com/MaKTaiL/gemini-srt-translator/issues/101',
        'https://github.com/google-gemini/deprecated-generative-ai-python/issues/278 — gemini-pro, 2024',
    ),
    api_text=True,
    reads=('systemInstruction', 'model'),
    repro=(
        'https://github.com/lobehub/lobehub/issues/7128',
        'https://github.com/0xPlaygrounds/rig/issues/788',
        'https://github.com/google/adk-python/issues/3900',
        'https://github.com/agno-agi/agno/issues/3505',
        'https://github.com/MaKTaiL/gemini-srt-translator/issues/101',
    ),
    facts={'apiMessage': 'Developer instruction is not enabled for models/{model}'},
)
FUNCTION_CALLING_NOT_SUPPORTED = Rule(
    code='GL328',
    name='function-calling-not-supported',
    severity='error',
    summary='Function declarations on a model without function calling',
    doc=r"""
        Function declarations on a model without function calling (`features.function_calling: false`). The API answers
        `Function calling is not enabled for models/gemma-3-27b-it`. Reported at the `functionDeclarations` member.
        **Fix:** remove the declarations or use a Gemini model. Sources: github.com/BerriAI/litellm/issues/10313 (27B);
        github.com/agno-agi/agno/issues/3505 (12B).
    """,
    evidence=(
        'https://github.com/BerriAI/litellm/issues/10313',
        'https://github.com/agno-agi/agno/issues/3505',
    ),
    api_text=True,
    reads=('tools', 'model'),
    repro=(
        'https://github.com/BerriAI/litellm/issues/10313',
        'https://github.com/agno-agi/agno/issues/3505',
    ),
    facts={'apiMessage': 'Function calling is not enabled for models/{model}'},
)
JSON_MODE_NOT_SUPPORTED = Rule(
    code='GL329',
    name='json-mode-not-supported',
    severity='error',
    summary='JSON output (responseMimeType application/json) on a model without JSON mode',
    doc=r"""
        `responseMimeType: "application/json"` on a model without JSON mode (`features.json_mode: false`). The API answers
        `JSON mode is not enabled for models/gemma-3-27b-it` (also `JSON mode is not enabled for this model`, for
        `gemini-2.5-flash-image`, whose models page lists structured output). **Fix:** remove `responseMimeType` and any
        response schema; ask for JSON in the prompt. Sources: github.com/vercel/ai/issues/8080;
        github.com/FirebaseExtended/compass-ai-travel-planning-sample-flutter/pull/40; github.com/google-gemini/cookbook/issues/1028.
    """,
    evidence=(
        'https://github.com/vercel/ai/issues/8080',
        'https://github.com/FirebaseExtended/compass-ai-travel-planning-sample-flutter/pull/40',
        'https://github.com/google-gemini/deprecated-generative-ai-python/issues/137 — "Json mode is not enabled for models/gemini-pro", 2024',
        'https://github.com/google-gemini/cookbook/issues/1028 — gemini-2.5-flash-image: "JSON mode is not enabled for this model"',
    ),
    api_text=True,
    reads=('generationConfig.responseMimeType', 'model'),
    repro=(
        'https://github.com/vercel/ai/issues/8080',
        'https://github.com/FirebaseExtended/compass-ai-travel-planning-sample-flutter/pull/40',
        'https://github.com/google-gemini/cookbook/issues/1028',
    ),
    facts={'apiMessage': 'JSON mode is not enabled for models/{model}', 'jsonMimeTypes': ['application/json'], 'apiMessageVariant': 'JSON mode is not enabled for this model'},
)
BUILTIN_TOOL_NOT_SUPPORTED = Rule(
    code='GL344',
    name='builtin-tool-not-supported',
    severity='error',
    summary='A built-in tool the model does not support',
    doc=r"""
        A built-in tool (`codeExecution`, `googleSearch`, `urlContext`, `fileSearch`, `googleMaps`, `computerUse`) on a model
        whose catalogue flag for it is `false` (`features.code_execution`, ...): today `computerUse` on `gemini-3.5-flash`,
        whose model page lists computer use as not supported (ai.google.dev/gemini-api/docs/models/gemini-3.5-flash). The
        severity follows the flag's evidence (Google's page: an error); no verbatim answer of the API is recorded, and models
        without a recorded flag stay silent. **Fix:** remove the tool or use a model that supports it.
    """,
    evidence=(
        'https://ai.google.dev/gemini-api/docs/models/gemini-3.5-flash — capabilities table: computer use not supported',
        'schemas/models.json features.* (each with its sources)',
    ),
    api_text=False,
    reads=('tools', 'model'),
    facts={'tools': {'codeExecution': 'code_execution', 'googleSearch': 'google_search', 'urlContext': 'url_context', 'fileSearch': 'file_search', 'googleMaps': 'google_maps', 'computerUse': 'computer_use'}},
)


def check_capabilities(ctx: CheckContext) -> Iterator[Finding]:
    model = ctx.model
    if model is None:
        return
    for holder in xf.content_holders(ctx):
        yield from _system_instruction(ctx, holder)
        yield from _function_calling(ctx, holder)
        yield from _builtin_tools(ctx, holder)
    for request in xf.generate_requests(ctx):
        yield from _json_mode(ctx, request)


def _system_instruction(ctx: CheckContext, holder) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None
    if model.feature("system_instruction") is not False:
        return
    m = xf.member(holder, "systemInstruction")
    if m is None:
        return
    # even an empty instruction is refused (github.com/0xPlaygrounds/rig/issues/788)
    message = xf.fact("system-instruction-not-supported")["apiMessage"].format(model=model.id)
    yield xf.at_key(ctx, "GL327", message + f": {model.id} takes no system instruction; put it at the start of the "
                    "first user turn instead.", m,
                    severity=xf.fact_severity(model, "features.system_instruction", "system-instruction-not-supported"))


def _function_calling(ctx: CheckContext, holder) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None
    if model.feature("function_calling") is not False:
        return
    message = xf.fact("function-calling-not-supported")["apiMessage"].format(model=model.id)
    severity = xf.fact_severity(model, "features.function_calling", "function-calling-not-supported")
    for tool in xf.items(xf.value(holder, "tools")):
        m = xf.member(tool, "functionDeclarations")
        if m is None or not xf.items(m.value):
            continue
        yield xf.at_key(ctx, "GL328", message + f": {model.id} cannot call functions; remove the function "
                        "declarations or use a Gemini model.", m, severity=severity)


def _json_mode(ctx: CheckContext, request) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None
    if model.feature("json_mode") is not False:
        return
    gc = xf.generation_config(request)
    m = xf.member(gc, "responseMimeType")
    if m is None:
        return
    mime = (xf.text_of(m.value) or "").strip().lower()
    facts = xf.fact("json-mode-not-supported")
    if mime not in facts["jsonMimeTypes"]:
        return
    assert m.value is not None  # xf.member() returns only members that have a value
    yield xf.at_node(ctx, "GL329", facts["apiMessage"].format(model=model.id) + f": {model.id} cannot be asked for "
                     "JSON output; remove `responseMimeType` (and any response schema) and ask for JSON in the prompt.",
                     m.value, severity=xf.fact_severity(model, "features.json_mode", "json-mode-not-supported"))


def _builtin_tools(ctx: CheckContext, holder) -> Iterator[Finding]:
    """GL344: a built-in tool whose catalogue flag is false for the model (e.g. computer use on gemini-3.5-flash,
    per its model page). The severity follows the flag's evidence; no verbatim answer of the API is recorded."""
    model = ctx.model
    assert model is not None
    kinds = xf.fact("builtin-tool-not-supported")["tools"]
    for tool in xf.items(xf.value(holder, "tools")):
        for key, flag in kinds.items():
            m = xf.member(tool, key)
            if m is None or model.feature(flag) is not False:
                continue
            sources = ", ".join(model.sources_of(f"features.{flag}")) or "the model catalogue"
            yield xf.at_key(ctx, "GL344", f"{model.id} does not support the `{key}` tool ({sources}). Remove it or "
                            "use a model that supports it.", m,
                            severity=xf.fact_severity(model, f"features.{flag}", "builtin-tool-not-supported"))


RULES = (SYSTEM_INSTRUCTION_NOT_SUPPORTED, FUNCTION_CALLING_NOT_SUPPORTED, JSON_MODE_NOT_SUPPORTED, BUILTIN_TOOL_NOT_SUPPORTED,)
CHECKS = (Check("capabilities", "request", RULES, check_capabilities),)
