"""The conversation: where function call and function response turns may stand, how many responses a call turn
needs, and Gemini 3 thought signatures on replayed calls (GL350–GL353)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Node
from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

FUNCTION_CALL_TURN_ORDER = Rule(
    code='GL350',
    name='function-call-turn-order',
    severity='error',
    summary='A function call turn not right after a user or function response turn',
    doc=r"""
        A turn with function calls that does not come right after a user turn or a function response turn (also: a
        conversation that starts with a function call): `Please ensure that function call turn comes immediately after a user
        turn or after a function response turn.` (github.com/earendil-works/pi/issues/471;
        github.com/google-gemini/gemini-cli/issues/11814). Roles `function` / `tool` carrying a functionResponse count as
        function response turns (github.com/google-gemini/cookbook REST samples with saved responses). **Fix:** restore the missing turn.
    """,
    evidence=(
        'https://github.com/earendil-works/pi/issues/471',
        'https://github.com/google-gemini/gemini-cli/issues/11814',
        'https://github.com/google-gemini/gemini-cli/issues/26486',
    ),
    api_text=True,
    reads=(
        'contents[].role',
        'contents[].parts[].functionCall',
        'contents[].parts[].functionResponse',
        'contents[].parts[].thoughtSignature',
        'model',
    ),
    repro=(
        'https://github.com/earendil-works/pi/issues/471',
        'https://github.com/google-gemini/gemini-cli/issues/11814',
    ),
    facts={'apiMessage': 'Please ensure that function call turn comes immediately after a user turn or after a '
                   'function response turn.'},
)
FUNCTION_RESPONSE_TURN_ORDER = Rule(
    code='GL351',
    name='function-response-turn-order',
    severity='error',
    summary='A function response turn not right after a function call turn',
    doc=r"""
        A function response turn not right after a function call turn: `Please ensure that function response turn comes
        immediately after a function call turn.` (github.com/langchain-ai/langchain/issues/27799;
        github.com/GoogleCloudPlatform/generative-ai/pull/368). **Fix:** put the model's functionCall turn before it.
        A model turn that holds a `functionCall` and then the `functionResponse` answering it (same `id`, else same name) is
        a replayed **server-side tool invocation** (server-side MCP tools, as the google-genai SDKs record them; answered
        200, tests/accepted/server-side-mcp-call-and-response.gemini.json): that pair is neither a call turn nor a response
        turn, and is not reported.
    """,
    evidence=(
        'https://github.com/langchain-ai/langchain/issues/27799',
        'https://github.com/GoogleCloudPlatform/generative-ai/pull/368',
    ),
    api_text=True,
    reads=('contents[].role', 'contents[].parts[].functionCall', 'contents[].parts[].functionResponse', 'contents[].parts[].thoughtSignature', 'model'),
    repro=(
        'https://github.com/langchain-ai/langchain/issues/27799',
        'https://github.com/GoogleCloudPlatform/generative-ai/pull/368',
    ),
    facts={'apiMessage': 'Please ensure that function response turn comes immediately after a function call turn.'},
)
MISSING_THOUGHT_SIGNATURE = Rule(
    code='GL352',
    name='missing-thought-signature',
    severity='warning',
    summary='A replayed Gemini 3 function call without its thoughtSignature',
    doc=r"""
        Gemini 3: a replayed function call without the `thoughtSignature` the model returned: `Function call is missing a
        thought_signature in functionCall parts. This is required for tools to work correctly, ...`
        (github.com/JetBrains/koog/issues/1148). Checked on models whose catalogue entry records
        `thought_signatures_required`, for the first functionCall part of each model turn after the last user message (the
        current turn, where signatures are validated). A warning: which parts are validated is not fully documented.
        **Fix:** send back the part exactly as the model returned it.
    """,
    evidence=(
        'https://github.com/JetBrains/koog/issues/1148',
        'https://github.com/earendil-works/pi/issues/471',
    ),
    api_text=True,
    reads=(
        'contents[].role',
        'contents[].parts[].functionCall',
        'contents[].parts[].functionResponse',
        'contents[].parts[].thoughtSignature',
        'model',
    ),
    facts={'apiMessage': 'Function call is missing a thought_signature in functionCall parts. This is required for '
                   'tools to work correctly, and missing thought_signature may lead to degraded model '
                   'performance.',
     'docs': 'https://ai.google.dev/gemini-api/docs/thought-signatures'},
)
TRAILING_MODEL_TURN = Rule(
    code='GL354',
    name='trailing-model-turn',
    severity='error',
    summary='A request ending with a model turn on a model that does not take prefill',
    doc=r"""
        A request whose last Content is a `model` turn, on a model that does not continue (prefill) a model turn
        (`features.model_turn_prefill: false`: gemini-3.6-flash, gemini-3.5-flash-lite, gemini-3.7-flash, gemini-3.8-flash).
        The API answers `Requests ending with a model turn are not supported.` (also `... unless the last part is a function
        response.`). Google's guide: "Starting with Gemini 3.6 Flash and Gemini 3.5 Flash-Lite, the following API changes
        apply to these models and all future Gemini model releases. [...] Prefilling model turns is no longer supported."
        A model turn whose last part is a `functionResponse` (a replayed server-side tool call) is allowed. gemini-3.5-flash
        and gemini-2.5-flash still take prefill (a live check). Reported at the last turn. **Fix:** end with a user turn.
        Sources: ai.google.dev/gemini-api/docs/latest-model (quoted in github.com/cline/cline/issues/12521);
        github.com/LibreChat-AI/agents/pull/323; github.com/anomalyco/opencode/issues/45359 and /47034.
    """,
    evidence=(
        'https://ai.google.dev/gemini-api/docs/latest-model — quoted in github.com/cline/cline/issues/12521',
        'https://github.com/LibreChat-AI/agents/pull/323',
        'https://github.com/anomalyco/opencode/issues/45359',
        'https://github.com/anomalyco/opencode/issues/47034',
        'https://github.com/pipecat-ai/pipecat/pull/5821',
    ),
    api_text=True,
    reads=('contents', 'model'),
    repro=(
        'https://github.com/LibreChat-AI/agents/pull/323',
        'https://github.com/anomalyco/opencode/issues/45359',
        'https://github.com/anomalyco/opencode/issues/47034',
    ),
    facts={'apiMessage': 'Requests ending with a model turn are not supported.', 'apiMessageLong': 'Requests ending with a model turn are not supported unless the last part is a function response.', 'docText': 'Prefilling model turns is no longer supported.'},
)
FUNCTION_RESPONSE_COUNT = Rule(
    code='GL353',
    name='function-response-count',
    severity='error',
    summary='Function responses not matching the function calls of the turn before',
    doc=r"""
        A function response turn whose number of functionResponse parts differs from the functionCall parts of the turn
        before: `Please ensure that the number of function response parts is equal to the number of function call parts of the
        function call turn.` (github.com/google-gemini/gemini-cli/issues/4217). **Fix:** one response per call.
    """,
    evidence=(
        'https://github.com/google-gemini/gemini-cli/issues/4217',
        'https://github.com/google-gemini/gemini-cli/issues/17857',
    ),
    api_text=True,
    reads=(
        'contents[].role',
        'contents[].parts[].functionCall',
        'contents[].parts[].functionResponse',
        'contents[].parts[].thoughtSignature',
        'model',
    ),
    repro=('https://github.com/google-gemini/gemini-cli/issues/4217',),
    facts={'apiMessage': 'Please ensure that the number of function response parts is equal to the number of '
                   'function call parts of the function call turn.'},
)


class _Turn:
    __slots__ = ("calls", "node", "other", "responses", "role", "server_side")

    def __init__(self, node: Node) -> None:
        self.node = node
        role = xf.text_of(xf.value(node, "role"))
        self.role = (role or "user").lower()  # "If not set, the service will default to 'user'"
        self.calls: list[Node] = []
        self.responses: list[Node] = []
        self.other = 0
        self.server_side = 0  # functionCall + functionResponse pairs answered inside this turn
        for part in xf.parts_of(node):
            if xf.member(part, "functionCall") is not None:
                self.calls.append(part)
            elif xf.member(part, "functionResponse") is not None:
                answered = _answered_call(self.calls, part) if self.role == "model" else None
                if answered is not None:
                    # A server-side tool invocation (e.g. a server-side MCP tool) that the SDK replays as a call and
                    # its response in the same model turn: a unit of history, not a turn boundary (issue 12 §5).
                    self.calls.remove(answered)
                    self.server_side += 1
                else:
                    self.responses.append(part)
            else:
                self.other += 1

    @property
    def is_user_turn(self) -> bool:
        return self.role == "user" and not self.calls and not self.responses

    @property
    def is_response_turn(self) -> bool:
        return bool(self.responses)


def _call_key(part: Node, kind: str) -> tuple[str | None, str | None]:
    payload = xf.value(part, kind)
    return xf.text_of(xf.value(payload, "id")), xf.text_of(xf.value(payload, "name"))


def _answered_call(calls: list[Node], response: Node) -> Node | None:
    """The functionCall part earlier in the same turn that `response` answers (same id, else same name), if any."""
    rid, rname = _call_key(response, "functionResponse")
    for call in calls:
        cid, cname = _call_key(call, "functionCall")
        if (rid is not None and cid == rid) or (rid is None and rname is not None and cname == rname):
            return call
    return None


def check_conversation(ctx: CheckContext) -> Iterator[Finding]:
    for holder in xf.content_holders(ctx):
        contents = xf.value(holder, "contents")
        if contents is None or contents.kind != "array" or not contents.complete:
            continue
        turns = [_Turn(c) for c in contents.items if c.kind == "object"]
        if len(turns) != len(contents.items):
            continue
        cached = xf.value(holder, "cachedContent") is not None
        yield from _order(ctx, turns, cached)
        yield from _signatures(ctx, turns)
        if holder is not xf.root(ctx) or ctx.method in xf.GENERATE_METHODS:
            yield from _trailing_model_turn(ctx, turns)


def _trailing_model_turn(ctx: CheckContext, turns: list[_Turn]) -> Iterator[Finding]:
    """GL354: from Gemini 3.6 Flash and 3.5 Flash-Lite on, a request may not end with a model turn (no prefill),
    "unless the last part is a function response" (a replayed server-side tool call)."""
    model = ctx.model
    if model is None or model.feature("model_turn_prefill") is not False or not turns:
        return
    last = turns[-1]
    if last.role != "model":
        return
    parts = xf.parts_of(last.node)
    if parts and xf.member(parts[-1], "functionResponse") is not None:
        return
    facts = xf.fact("trailing-model-turn")
    yield xf.at_node(ctx, "GL354", facts["apiMessage"] + f" ({model.id} does not continue a model turn: "
                     f"\"{facts['docText']}\") End the conversation with a user turn, or move this text into the "
                     "prompt.", last.node,
                     severity=xf.fact_severity(model, "features.model_turn_prefill", "trailing-model-turn"))


def _order(ctx: CheckContext, turns: list[_Turn], cached: bool) -> Iterator[Finding]:
    call_order = xf.fact("function-call-turn-order")["apiMessage"]
    response_order = xf.fact("function-response-turn-order")["apiMessage"]
    count_message = xf.fact("function-response-count")["apiMessage"]
    for i, turn in enumerate(turns):
        prev = turns[i - 1] if i > 0 else None
        if turn.calls and not (turn.responses):
            if prev is None:
                if not cached:
                    yield xf.at_node(ctx, "GL350", call_order + " (The conversation starts with a function call.)", turn.node)
            elif not (prev.is_user_turn or prev.is_response_turn):
                yield xf.at_node(ctx, "GL350", call_order + f" (contents[{i - 1}] is a {prev.role} turn"
                                 + (" with function calls" if prev.calls else "") + ".)", turn.node)
        if turn.responses:
            if prev is None:
                if not cached:
                    yield xf.at_node(ctx, "GL351", response_order + " (The conversation starts with a function response.)",
                                     turn.node)
            elif not prev.calls:
                yield xf.at_node(ctx, "GL351", response_order + f" (contents[{i - 1}] has no functionCall part.)",
                                 turn.node)
            elif len(turn.responses) != len(prev.calls):
                parts = xf.value(turn.node, "parts") or turn.node
                yield xf.at_node(ctx, "GL353", count_message + f" (contents[{i - 1}] has {len(prev.calls)} function "
                                 f"call part(s); contents[{i}] has {len(turn.responses)} function response part(s).)", parts)


def _signatures(ctx: CheckContext, turns: list[_Turn]) -> Iterator[Finding]:
    model = ctx.model
    if model is None or model.feature("thought_signatures_required") is not True:
        return
    facts = xf.fact("missing-thought-signature")
    # The signatures are validated for the current turn: everything after the last plain user message.
    start = 0
    for i, turn in enumerate(turns):
        if turn.is_user_turn:
            start = i + 1
    for i in range(start, len(turns)):
        turn = turns[i]
        if not turn.calls:
            continue
        first = turn.calls[0]  # in parallel calls only the first carries the signature
        if xf.member(first, "thoughtSignature") is not None:
            continue
        name = xf.text_of(xf.value(xf.value(first, "functionCall"), "name")) or "?"
        target = first
        yield xf.at_node(ctx, "GL352", facts["apiMessage"] + f" Additional data, function call `{name}`. Please refer "
                         f"to {facts['docs']} for more details. Replay the `thoughtSignature` the model returned with "
                         "this part.", target, severity="warning")


RULES = (FUNCTION_CALL_TURN_ORDER, FUNCTION_RESPONSE_TURN_ORDER, MISSING_THOUGHT_SIGNATURE, FUNCTION_RESPONSE_COUNT,
         TRAILING_MODEL_TURN)
CHECKS = (Check("conversation", "request", RULES, check_conversation),)
