"""`generationConfig.thinkingConfig` against the model's thinking facts (GL310–GL315)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from ..findings import Fix
    from . import CheckContext


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
