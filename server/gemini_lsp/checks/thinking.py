"""`generationConfig.thinkingConfig` against the model's thinking facts (GL310–GL315)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from ..findings import Fix
    from .context import CheckContext

THINKING_NOT_SUPPORTED = Rule(
    code='GL310',
    name='thinking-not-supported',
    severity='error',
    summary='thinkingConfig on a model without thinking',
    doc=r"""
        `thinkingConfig` on a model that does not think: `Thinking is not enabled for models/gemini-2.0-flash-preview-image-generation`
        (github.com/lobehub/lobehub/issues/7985); proto: "An error will be returned if this field is set for models that
        don't support thinking". Fires only where the catalogue records `thinking.supported: false`. **Fix:** remove
        `thinkingConfig`.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — ThinkingConfig comment: "An error will be returned if this field is set for models that don\'t support thinking"',
        'https://github.com/lobehub/lobehub/issues/7985',
        'https://github.com/Veloera/Veloera/issues/41',
    ),
    api_text=True,
    reads=('generationConfig.thinkingConfig', 'model'),
    repro=('https://github.com/lobehub/lobehub/issues/7985',),
    facts={'apiMessage': 'Thinking is not enabled for models/{model}'},
)
THINKING_BUDGET_INVALID = Rule(
    code='GL311',
    name='thinking-budget-invalid',
    severity='error',
    summary="A thinkingBudget outside the model's range, or 0 where thinking cannot be off",
    doc=r"""
        `thinkingBudget: 0` on a model that only thinks: `Budget 0 is invalid. This model only works in thinking mode.`
        (gemini-2.5-pro: github.com/snailyp/gemini-balance/issues/206; gemini-3.1-pro-preview:
        github.com/docker/docker-agent/issues/2051). A budget outside the model's range: `The thinking budget (52428) is
        invalid.` (github.com/RooCodeInc/Roo-Code/issues/4399); ranges from the Vertex thinking table
        (github.com/juspay/neurolink/pull/1707: 2.5 Pro 128–32,768, 2.5 Flash 0–24,576, 2.5 Flash-Lite 512–24,576).
        **Fix:** a budget in range, `-1` (dynamic) where allowed, or `thinkingLevel` on Gemini 3.
    """,
    evidence=(
        'https://github.com/snailyp/gemini-balance/issues/206',
        'https://github.com/docker/docker-agent/issues/2051',
        'https://github.com/RooCodeInc/Roo-Code/issues/4399',
        'https://github.com/juspay/neurolink/pull/1707',
    ),
    api_text=True,
    reads=('generationConfig.thinkingConfig', 'model'),
    repro=(
        'https://github.com/snailyp/gemini-balance/issues/206',
        'https://github.com/docker/docker-agent/issues/2051',
        'https://github.com/RooCodeInc/Roo-Code/issues/4399',
    ),
    facts={'apiMessage': 'The thinking budget ({budget}) is invalid.',
     'apiMessageZero': 'Budget 0 is invalid. This model only works in thinking mode.'},
)
THINKING_LEVEL_NOT_SUPPORTED = Rule(
    code='GL312',
    name='thinking-level-not-supported',
    severity='error',
    summary='thinkingLevel on a model before Gemini 3',
    doc=r"""
        `thinkingLevel` on a model before Gemini 3: `Thinking level is not supported for this model.`
        (github.com/RooCodeInc/Roo-Code/issues/10700, gemini-2.5-flash); Vertex docs: "If you use the thinking_level parameter
        with a model earlier than Gemini 3, the model returns an error" (quoted in github.com/juspay/neurolink/pull/1707).
        **Fix:** `thinkingBudget`.
    """,
    evidence=(
        'https://github.com/RooCodeInc/Roo-Code/issues/10700',
        'https://github.com/juspay/neurolink/pull/1707 — (quotes the Vertex AI thinking page)',
    ),
    api_text=True,
    reads=('generationConfig.thinkingConfig', 'model'),
    repro=('https://github.com/RooCodeInc/Roo-Code/issues/10700',),
    facts={'apiMessage': 'Thinking level is not supported for this model.'},
)
THINKING_LEVEL_REJECTED = Rule(
    code='GL313',
    name='thinking-level-rejected',
    severity='error',
    summary='A thinkingLevel value the model rejects',
    doc=r"""
        A level the model rejects: `MINIMAL` on gemini-3.8-flash and gemini-3.1-pro-preview. "Explicitly setting
        `thinking_level` to `MINIMAL` will return an API validation error"
        (docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-8-flash.md.txt). **Fix:** one of the listed
        levels (the model's default is offered).
    """,
    evidence=(
        (
            'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-8-flash.md.txt: — '
            '"Explicitly setting thinking_level to MINIMAL will return an API validation error"'
        ),
        'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-8-flash.md.txt',
    ),
    api_text=False,
    reads=('generationConfig.thinkingConfig', 'model'),
)
THINKING_BUDGET_AND_LEVEL = Rule(
    code='GL314',
    name='thinking-budget-and-level',
    severity='error',
    summary='thinkingBudget and thinkingLevel set together',
    doc=r"""
        `thinkingBudget` and `thinkingLevel` together, on any model: `You can only set only one of thinking budget and
        thinking level.` (github.com/sterlp/eclipse-peon-ai/issues/115, gemini-flash-latest). Reported at `thinkingConfig`.
        **Fix:** keep one.
    """,
    evidence=('https://github.com/sterlp/eclipse-peon-ai/issues/115',),
    api_text=True,
    reads=('generationConfig.thinkingConfig', 'model'),
    repro=('https://github.com/sterlp/eclipse-peon-ai/issues/115',),
    facts={'apiMessage': 'You can only set only one of thinking budget and thinking level.'},
)
INCLUDE_THOUGHTS_WITHOUT_THINKING = Rule(
    code='GL315',
    name='include-thoughts-without-thinking',
    severity='warning',
    summary='includeThoughts with thinking turned off',
    doc=r"""
        `includeThoughts: true` with `thinkingBudget: 0`. The API answers `Unable to submit request because
        Thinking_config.include_thoughts is only enabled when thinking is enabled.` when thinking is off
        (github.com/lobehub/lobehub/issues/7985, Vertex; github.com/raphaelmansuy/edgequake-llm/issues/28). With budget 0
        itself: github.com/su-kaka/gcli2api/issues/299 (gemini-2.5-flash through Code Assist, Vertex's text). An **error on
        Vertex AI** (the API's own text, reproduced), a warning on the Developer API (no report from it). **Fix:** remove
        `includeThoughts` or give a budget.
    """,
    evidence=(
        'https://github.com/lobehub/lobehub/issues/7985',
        'https://github.com/raphaelmansuy/edgequake-llm/issues/28',
        'https://github.com/su-kaka/gcli2api/issues/299 — gemini-2.5-flash, thinkingBudget 0 with includeThoughts, the same text through Code Assist',
    ),
    api_text=True,
    reads=('generationConfig.thinkingConfig', 'model'),
    repro=(
        'https://github.com/lobehub/lobehub/issues/7985',
        'https://github.com/su-kaka/gcli2api/issues/299',
    ),
    facts={'apiMessage': 'Unable to submit request because Thinking_config.include_thoughts is only enabled when thinking is enabled.'},
)


def check_thinking(ctx: CheckContext) -> Iterator[Finding]:
    for request in xf.generate_requests(ctx):
        gc = xf.generation_config(request)
        tc_member = xf.member(gc, "thinkingConfig")
        if tc_member is None or tc_member.value is None or tc_member.value.kind != "object":
            continue
        yield from _check_config(ctx, tc_member)


def _check_config(ctx: CheckContext, tc_member) -> Iterator[Finding]:
    tc = tc_member.value
    budget_m = xf.member(tc, "thinkingBudget")
    level_m = xf.member(tc, "thinkingLevel")
    include_m = xf.member(tc, "includeThoughts")
    budget = xf.number_of(budget_m.value) if budget_m is not None else None
    if isinstance(budget, float) and budget.is_integer():
        budget = int(budget)
    level = xf.text_of(level_m.value) if level_m is not None else None

    # model-independent rules
    if budget_m is not None and level_m is not None:
        later = max((budget_m, level_m), key=lambda m: m.key.start)
        yield xf.at_object(ctx, "GL314", xf.fact("thinking-budget-and-level")["apiMessage"]
                           + " Keep `thinkingLevel` on Gemini 3 and later, `thinkingBudget` on earlier models.", tc,
                           later.key, data={"members": [budget_m.key.value, level_m.key.value]})
    if include_m is not None and xf.is_true(include_m.value) and budget == 0:
        # Vertex AI's (and Code Assist's) verbatim answer; no report from the Developer API: a warning there
        yield xf.at_key(ctx, "GL315", xf.fact("include-thoughts-without-thinking")["apiMessage"]
                        + " `thinkingBudget: 0` turns thinking off, so there are no thoughts to include.", include_m,
                        severity="error" if ctx.settings.api == "vertex" else "warning")

    model = ctx.model
    if model is None or model.thinking is None:
        return
    thinking = model.thinking
    name = xf.model_name(ctx)
    if thinking.supported is False:
        yield xf.at_key(ctx, "GL310", xf.fact("thinking-not-supported")["apiMessage"].format(model=model.id)
                        + ": this model does not think; remove `thinkingConfig`.", tc_member,
                        severity=xf.fact_severity(model, "thinking.supported", "thinking-not-supported"))
        return
    if isinstance(budget, int) and budget_m is not None:
        accepted = thinking.accepts_budget(budget)
        if accepted is False:
            yield from _budget(ctx, budget_m, budget, name)
    if level is not None and level_m is not None:
        if thinking.level_accepted is False:
            yield xf.at_key(ctx, "GL312", xf.fact("thinking-level-not-supported")["apiMessage"]
                            + f" ({name} takes `thinkingBudget`; `thinkingLevel` is for Gemini 3 and later.)", level_m,
                            severity=xf.fact_severity(model, "thinking.level_accepted", "thinking-level-not-supported"))
        elif thinking.accepts_level(level) is False:
            assert level_m.value is not None  # xf.member() returns only members that have a value
            ok = [lv for lv in (thinking.levels_accepted or ()) if lv != level.upper()]
            fixes: tuple[Fix, ...] = ()
            target = thinking.default_level if thinking.default_level and thinking.default_level != level.upper() else (ok[0] if ok else None)
            if target and level_m.value is not None:
                fixes = (xf.replace_fix(level_m.value, xf.quoted(level_m.value, target), f"Use '{target}'", safe=False),)
            listed = ", ".join(ok)
            yield xf.at_node(
                ctx, "GL313",
                f"thinkingLevel `{level}` is not supported for {name}; setting it returns an API validation error."
                + (f" It accepts {listed}." if listed else ""),
                level_m.value, fixes=fixes,
                severity=xf.fact_severity(model, "thinking.levels_rejected", "thinking-level-rejected"))


def _budget(ctx: CheckContext, budget_m, budget: int, name: str) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # _check_config calls this only for a model with thinking facts
    thinking = model.thinking
    assert thinking is not None
    facts = xf.fact("thinking-budget-invalid")
    if budget == 0:
        message = facts["apiMessageZero"] + f" ({name} cannot turn thinking off.)"
        fact_name = "thinking.budget_zero_allowed"
        suggest = thinking.budget_min
    elif budget == -1:
        message = facts["apiMessage"].format(budget=budget) + f" ({name} has no dynamic budget.)"
        fact_name = "thinking.budget_dynamic_allowed"
        suggest = None
    else:
        low, high = thinking.budget_min, thinking.budget_max
        if low is not None and high is not None:
            rng = f"{low}–{high}"
        elif high is not None:
            rng = f"at most {high}"
        elif low is not None:
            rng = f"at least {low}"
        else:
            rng = "no negative budget other than -1"
        message = facts["apiMessage"].format(budget=budget) + f" {name} accepts {rng}"
        message += ", 0 to turn thinking off" if thinking.budget_zero_allowed else ""
        message += ", -1 for a dynamic budget" if thinking.budget_dynamic_allowed else ""
        message += "."
        too_high = high is not None and budget > high
        fact_name = "thinking.budget_max" if too_high else "thinking.budget_min"
        suggest = high if too_high else low
    fixes: tuple[Fix, ...] = ()
    if suggest is not None and budget_m.value is not None and budget_m.value.kind == "number":
        fixes = (xf.replace_fix(budget_m.value, str(suggest), f"Use {suggest}", safe=False),)
    yield xf.at_node(ctx, "GL311", message, budget_m.value, fixes=fixes,
                     severity=xf.fact_severity(model, fact_name, "thinking-budget-invalid"),
                     data={"budgetMin": thinking.budget_min, "budgetMax": thinking.budget_max})


RULES = (THINKING_NOT_SUPPORTED, THINKING_BUDGET_INVALID, THINKING_LEVEL_NOT_SUPPORTED, THINKING_LEVEL_REJECTED, THINKING_BUDGET_AND_LEVEL, INCLUDE_THOUGHTS_WITHOUT_THINKING)
CHECKS = (Check("thinking", "request", RULES, check_thinking),)
