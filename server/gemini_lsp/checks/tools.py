"""Tools: built-in tools beside function declarations, googleSearchRetrieval, allowedFunctionNames, calls to
undeclared functions (GL340–GL343)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Member, Node, string_value
from ..findings import Edit, Finding, Fix
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

BUILTIN_TOOLS_WITH_FUNCTIONS = Rule(
    code='GL340',
    name='builtin-tools-with-functions',
    severity='error',
    summary='Built-in tools beside function declarations where the model refuses it',
    doc=r"""
        Built-in tools (`googleSearch`, `codeExecution`, `urlContext`, `googleMaps`, `fileSearch`, `computerUse`, ...) beside
        function declarations. Models before Gemini 3 refuse it: `Tool use with function calling is unsupported`
        (github.com/symfony/ai/issues/803). Gemini 3 models accept it with `toolConfig.includeServerSideToolInvocations: true`
        (ai.google.dev/gemini-api/docs/tool-combination): without the flag a warning. Reported at `tools`.
        **Fix:** a Gemini 3 model with the flag, or separate requests.
    """,
    evidence=(
        'https://github.com/symfony/ai/issues/803',
        'https://ai.google.dev/gemini-api/docs/tool-combination',
    ),
    api_text=True,
    reads=('tools', 'toolConfig', 'contents[].parts[].functionCall', 'model'),
    developer_api_only=True,
    repro=('https://github.com/symfony/ai/issues/803',),
    facts={'apiMessage': 'Tool use with function calling is unsupported',
     'builtinTools': ['googleSearch',
                      'googleSearchRetrieval',
                      'codeExecution',
                      'urlContext',
                      'googleMaps',
                      'fileSearch',
                      'computerUse',
                      'enterpriseWebSearch',
                      'retrieval'],
     'serverSideFlag': 'includeServerSideToolInvocations'},
)
GOOGLE_SEARCH_RETRIEVAL_UNSUPPORTED = Rule(
    code='GL341',
    name='google-search-retrieval-unsupported',
    severity='error',
    summary='googleSearchRetrieval on a model that needs googleSearch',
    doc=r"""
        `googleSearchRetrieval` on a model that needs `googleSearch`: `Unable to submit request because Please use
        google_search field instead of google_search_retrieval field.` (github.com/simonw/llm-gemini/pull/39,
        gemini-2.0-flash-exp). Fires only where the catalogue records `features.google_search_retrieval: false`. **Fix:**
        `"googleSearch": {}` (offered).
    """,
    evidence=('https://github.com/simonw/llm-gemini/pull/39',),
    api_text=True,
    reads=('tools', 'toolConfig', 'contents[].parts[].functionCall', 'model'),
    developer_api_only=True,
    repro=('https://github.com/simonw/llm-gemini/pull/39',),
    facts={'apiMessage': 'Unable to submit request because Please use google_search field instead of '
                   'google_search_retrieval field.'},
)
ALLOWED_FUNCTION_NAMES_MODE = Rule(
    code='GL342',
    name='allowed-function-names-mode',
    severity='warning',
    summary='allowedFunctionNames without mode ANY or VALIDATED',
    doc=r"""
        `allowedFunctionNames` with a mode other than ANY or VALIDATED (AUTO is the default). Proto: "This should only be set
        when the Mode is ANY or VALIDATED". A warning: no server answer was found. **Fix:** `"mode": "ANY"` or remove the list.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — FunctionCallingConfig.allowed_function_names: "This should only be set when the Mode is ANY or VALIDATED"',
    ),
    api_text=False,
    reads=('tools', 'toolConfig', 'contents[].parts[].functionCall', 'model'),
    facts={'modes': ['ANY', 'VALIDATED']},
)
FUNCTION_CALL_UNDECLARED = Rule(
    code='GL343',
    name='function-call-undeclared',
    severity='warning',
    summary='A functionCall in the history naming an undeclared function',
    doc=r"""
        A `functionCall` in the history naming a function that no declaration in `tools` names (only checked when the request
        declares functions and uses no cached content). A warning: the API's behaviour is not documented. **Fix:** declare the
        function or correct the name.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — FunctionCall.name / FunctionDeclaration.name (a call names a declared function)',
    ),
    api_text=False,
    reads=('tools', 'toolConfig', 'contents[].parts[].functionCall', 'model'),
)


def check_tools(ctx: CheckContext) -> Iterator[Finding]:
    for holder in xf.content_holders(ctx):
        tools = xf.items(xf.value(holder, "tools"))
        declared = _declared_names(tools)
        yield from _builtin_with_functions(ctx, holder, tools, declared)
        yield from _search_retrieval(ctx, tools)
        yield from _allowed_names(ctx, holder)
        yield from _undeclared_calls(ctx, holder, declared)


def _declared_names(tools: list[Node]) -> dict[str, Node] | None:
    """Declared function names (None when no tool declares functions)."""
    names: dict[str, Node] = {}
    found = False
    for tool in tools:
        decls = xf.value(tool, "functionDeclarations")
        if decls is None:
            continue
        for decl in xf.items(decls):
            found = True
            name = xf.value(decl, "name")
            if name is not None and name.kind == "string":
                names.setdefault(string_value(name), name)
    return names if found else None


def _builtin_members(tools: list[Node]) -> list[Member]:
    kinds = xf.fact("builtin-tools-with-functions")["builtinTools"]
    out: list[Member] = []
    for tool in tools:
        for kind in kinds:
            m = xf.member(tool, kind)
            if m is not None:
                out.append(m)
    return out


def _builtin_with_functions(ctx: CheckContext, holder: Node, tools: list[Node], declared) -> Iterator[Finding]:
    model = ctx.model
    if model is None or declared is None:
        return
    builtins = _builtin_members(tools)
    if not builtins:
        return
    facts = xf.fact("builtin-tools-with-functions")
    tools_node = xf.value(holder, "tools")
    assert tools_node is not None  # `tools` are its items, and they hold the built-in tools
    names = ", ".join(f"`{m.key.value}`" for m in builtins)
    allowed = model.feature("builtin_with_functions")
    if allowed is False:
        severity = xf.fact_severity(model, "features.builtin_with_functions", "builtin-tools-with-functions")
        yield xf.at_object(ctx, "GL340", facts["apiMessage"] + f": models/{model.id} does not combine built-in "
                           f"tools ({names}) with function declarations. Use a Gemini 3 model or drop one.",
                           tools_node, builtins[0].key, severity=severity, data={"builtins": [m.key.value for m in builtins]})
        return
    if allowed and model.feature("builtin_with_functions_needs_server_side_flag") and ctx.settings.api == "gemini":
        tool_config = xf.value(holder, "toolConfig")
        if xf.is_true(xf.value(tool_config, facts["serverSideFlag"])):
            return
        yield xf.at_object(ctx, "GL340", f"models/{model.id} combines built-in tools ({names}) with function "
                           "declarations only with `toolConfig.includeServerSideToolInvocations: true` "
                           "(ai.google.dev/gemini-api/docs/tool-combination).", tools_node, builtins[0].key,
                           severity="warning", data={"builtins": [m.key.value for m in builtins]})


def _search_retrieval(ctx: CheckContext, tools: list[Node]) -> Iterator[Finding]:
    model = ctx.model
    if model is None or model.feature("google_search_retrieval") is not False:
        return
    for tool in tools:
        m = xf.member(tool, "googleSearchRetrieval")
        if m is None or m.value is None:
            continue
        new_key = "google_search" if "_" in string_value(m.key) else "googleSearch"
        q = m.key.quote or '"'
        fix = Fix(f"Use {new_key}", (Edit(m.key.start, m.value.end, f"{q}{new_key}{q}: {{}}"),), safe=False, preferred=True)
        yield xf.at_key(ctx, "GL341", xf.fact("google-search-retrieval-unsupported")["apiMessage"]
                        + f" (models/{model.id}.)", m, fixes=(fix,),
                        severity=xf.fact_severity(model, "features.google_search_retrieval", "google-search-retrieval-unsupported"))


def _allowed_names(ctx: CheckContext, holder: Node) -> Iterator[Finding]:
    fcc = xf.value(xf.value(holder, "toolConfig"), "functionCallingConfig")
    m = xf.member(fcc, "allowedFunctionNames")
    if m is None or not xf.items(m.value):
        return
    mode_node = xf.value(fcc, "mode")
    mode = xf.text_of(mode_node)
    modes = xf.fact("allowed-function-names-mode")["modes"]
    if mode_node is not None and mode is None:
        return  # an enum number: not worth guessing
    if mode is not None and mode.upper() in modes:
        return
    shown = f"mode `{mode}`" if mode else "the default mode AUTO"
    yield xf.at_key(ctx, "GL342", f"`allowedFunctionNames` should only be set when the mode is ANY or VALIDATED, "
                    f"not with {shown} (proto comment).", m)


def _undeclared_calls(ctx: CheckContext, holder: Node, declared) -> Iterator[Finding]:
    if declared is None or xf.value(holder, "cachedContent") is not None:
        return
    for content in xf.items(xf.value(holder, "contents")):
        if content.kind != "object":
            continue
        for part in xf.parts_of(content):
            call = xf.value(part, "functionCall")
            name = xf.value(call, "name")
            if name is None or name.kind != "string" or name.value in declared:
                continue
            yield xf.at_node(ctx, "GL343", f"The history calls `{name.value}`, which no function declaration in "
                             f"`tools` names (declared: {', '.join(sorted(declared)) or 'none'}).", name)


RULES = (BUILTIN_TOOLS_WITH_FUNCTIONS, GOOGLE_SEARCH_RETRIEVAL_UNSUPPORTED, ALLOWED_FUNCTION_NAMES_MODE, FUNCTION_CALL_UNDECLARED)
CHECKS = (Check("tools", "request", RULES, check_tools),)
