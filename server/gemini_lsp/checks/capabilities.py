"""What a model refuses outright, each with the API's own text (GL327–GL329): a system instruction, function
declarations, JSON output. The facts are the catalogue's `features.system_instruction`, `features.function_calling`
and `features.json_mode` (false = a source shows the API refusing it); unknown = silent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


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

