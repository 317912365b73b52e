"""GenerationConfig against the model: response modalities, penalties, topK, candidateCount, maxOutputTokens,
logprobs, Gemini 3 temperature (GL320–GL326)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import string_value
from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from ..document import Member
    from ..findings import Fix
    from . import CheckContext


def check_generation(ctx: CheckContext) -> Iterator[Finding]:
    for request in xf.generate_requests(ctx):
        gc = xf.generation_config(request)
        yield from _modalities(ctx, request, gc)
        if gc is None:
            continue
        yield from _logprobs(ctx, gc)
        if ctx.model is None:
            yield from _max_output_tokens_any_model(ctx, gc)
            continue
        yield from _penalties(ctx, gc)
        yield from _top_k(ctx, gc)
        yield from _candidate_count(ctx, gc)
        yield from _max_output_tokens(ctx, gc)
        yield from _temperature(ctx, gc)


def _requested_modalities(gc) -> tuple[list[str] | None, Member | None]:
    """The requested modalities (upper case), or None when they cannot be read; and the member holding them."""
    m = xf.member(gc, "responseModalities")
    if m is None:
        return list(xf.fact("response-modalities-unsupported")["default"]), None
    values = xf.items(m.value)
    names = [string_value(v).upper() for v in values if v.kind == "string"]
    if len(names) != len(values):
        return None, m  # enum numbers or junk: the schema check speaks about those
    return (names or list(xf.fact("response-modalities-unsupported")["default"])), m


def _modalities(ctx: CheckContext, request, gc) -> Iterator[Finding]:
    model = ctx.model
    if model is None or (model.response_modalities is None and model.response_modalities_must_include is None):
        return
    requested, m = _requested_modalities(gc)
    if requested is None:
        return
    if m is None and model.response_modalities is None:
        # an image model asked nothing: Google's own image-generation samples omit responseModalities and succeed
        return
    facts = xf.fact("response-modalities-unsupported")
    req_set = frozenset(requested)
    if model.response_modalities is not None:
        combos = [frozenset(c) for c in model.response_modalities]
        if req_set in combos:
            return
        accepted = "\n".join("* " + ", ".join(c) for c in model.response_modalities)
        message = facts["apiMessage"].format(requested=", ".join(requested), model=model.id, accepted=accepted)
        severity = xf.fact_severity(model, "response_modalities", "response-modalities-unsupported")
        fixes: tuple[Fix, ...] = ()
        if m is not None and len(model.response_modalities) == 1 and m.value is not None:
            only = ", ".join(f'"{x}"' for x in model.response_modalities[0])
            fixes = (xf.replace_fix(m.value, f"[{only}]", f"Use [{only}]", preferred=True),)
    else:
        must = model.response_modalities_must_include or ()
        missing = [x for x in must if x not in req_set]
        if not missing:
            return
        message = (f"The requested combination of response modalities ({', '.join(requested)}) is not supported by "
                   f"the model: models/{model.id} must be asked for {', '.join(missing)} in `responseModalities`.")
        severity = xf.fact_severity(model, "response_modalities_must_include", "response-modalities-unsupported")
        fixes = ()
        if m is not None and m.value is not None and m.value.kind == "array" and m.value.items:
            last = m.value.items[-1]
            from ..findings import Edit, Fix
            add = "".join(f', "{x}"' for x in missing)
            fixes = (Fix(f"Add {', '.join(missing)}", (Edit(last.end, last.end, add),)),)
    if m is not None:
        assert m.value is not None  # xf.member() returns only members that have a value
        yield xf.at_node(ctx, "GL320", message, m.value, severity=severity, fixes=fixes)
    else:
        if m is None and severity == "error":
            severity = "warning" if model.response_modalities is None else severity
        target = gc if gc is not None else request
        yield xf.at_missing(ctx, "GL320", message + " (`responseModalities` is not set, which means TEXT.)",
                            target, "responseModalities", severity=severity)


def _penalties(ctx: CheckContext, gc) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # check_generation calls this only when the model is known
    if model.feature("penalties") is not False:
        return
    facts = xf.fact("penalty-not-supported")
    for name in facts["fields"]:
        m = xf.member(gc, name)
        if m is None:
            continue
        number = xf.number_of(m.value)
        if number is None or number == 0:
            continue  # 0 is the default; only a real penalty is refused
        yield xf.at_key(ctx, "GL321", facts["apiMessage"].format(model=model.id) + f". Remove `{m.key.value}`.", m,
                        severity=xf.fact_severity(model, "features.penalties", "penalty-not-supported"))


def _range_message(template: str, value, high_exclusive: int, low: int = 1) -> str:
    shown = int(value) if isinstance(value, float) and value.is_integer() else value
    return template.format(value=shown, low=low, high=high_exclusive)


def _top_k(ctx: CheckContext, gc) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # check_generation calls this only when the model is known
    m = xf.member(gc, "topK")
    if m is None or (model.top_k_min is None and model.top_k_max is None):
        return
    assert m.value is not None  # xf.member() returns only members that have a value
    number = xf.number_of(m.value)
    if number is None:
        return
    low = model.top_k_min if model.top_k_min is not None else 1
    high = model.top_k_max
    if low <= number and (high is None or number <= high):
        return
    message = _range_message(xf.fact("top-k-out-of-range")["apiMessage"], number,
                             (high + 1) if high is not None else 2**31, low)
    yield xf.at_node(ctx, "GL322", message, m.value, severity=xf.fact_severity(model, "top_k", "top-k-out-of-range"),
                     fixes=(xf.replace_fix(m.value, str(high if number > (high or 0) else low), "Use the nearest allowed value", safe=False),))


def _candidate_count(ctx: CheckContext, gc) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # check_generation calls this only when the model is known
    m = xf.member(gc, "candidateCount")
    if m is None or model.candidate_count_max is None:
        return
    assert m.value is not None  # xf.member() returns only members that have a value
    number = xf.number_of(m.value)
    if number is None or number <= model.candidate_count_max:
        return
    facts = xf.fact("candidate-count-too-high")
    if model.candidate_count_max == 1:
        message = facts["apiMessage"].format(value=int(number))
    else:
        message = _range_message(facts["apiMessageRange"], number, model.candidate_count_max + 1)
    yield xf.at_node(ctx, "GL323", message, m.value,
                     severity=xf.fact_severity(model, "candidate_count_max", "candidate-count-too-high"),
                     fixes=(xf.replace_fix(m.value, str(model.candidate_count_max), f"Use {model.candidate_count_max}", safe=False),))


def _max_output_tokens(ctx: CheckContext, gc) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # check_generation calls this only when the model is known
    m = xf.member(gc, "maxOutputTokens")
    limit = model.output_token_limit
    if m is None or limit is None:
        return
    assert m.value is not None  # xf.member() returns only members that have a value
    number = xf.number_of(m.value)
    if number is None or number <= limit:
        return
    message = _range_message(xf.fact("max-output-tokens-too-high")["apiMessage"], number, limit + 1)
    message += f" (models/{model.id} writes at most {limit:,} tokens.)"
    yield xf.at_node(ctx, "GL324", message, m.value,
                     severity=xf.fact_severity(model, "output_token_limit", "max-output-tokens-too-high"),
                     fixes=(xf.replace_fix(m.value, str(limit), f"Use {limit}", safe=False),))


def _max_output_tokens_any_model(ctx: CheckContext, gc) -> Iterator[Finding]:
    """No model known (none named, a tuned model, an ID newer than the catalogue): a maxOutputTokens above the
    largest output limit of every model in the catalogue fails on all of them (issue 12, section 3). Derived from the
    catalogue, so a warning: the request may target a model the catalogue does not know yet."""
    m = xf.member(gc, "maxOutputTokens")
    if m is None or m.value is None:
        return
    limits = [(model.output_token_limit, model.id) for model in ctx.catalog.current_models(ctx.today)
              if model.output_token_limit is not None]
    if not limits:
        return
    high, which = max(limits)
    number = xf.number_of(m.value)
    if number is None or number <= high:
        return
    facts = xf.fact("max-output-tokens-too-high")
    message = _range_message(facts["apiMessage"], number, high + 1)
    message += " (" + facts["anyModelNote"].format(high=f"{high:,}") + f" `{which}` is one that writes that many.)"
    yield xf.at_node(ctx, "GL324", message, m.value, severity="warning",
                     fixes=(xf.replace_fix(m.value, str(high), f"Use {high}", safe=False),),
                     data={"limit": high, "anyModel": True})


def _logprobs(ctx: CheckContext, gc) -> Iterator[Finding]:
    m = xf.member(gc, "logprobs")
    if m is None:
        return
    flag = xf.member(gc, "responseLogprobs")
    if flag is not None and xf.is_true(flag.value):
        return
    yield xf.at_key(ctx, "GL325", "`logprobs` is only valid if `responseLogprobs` is true (proto: \"Only valid if "
                    "response_logprobs=True\"); set `\"responseLogprobs\": true` or remove `logprobs`.", m,
                    data={"member": "responseLogprobs"})


def _temperature(ctx: CheckContext, gc) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None  # check_generation calls this only when the model is known
    recommended = model.recommended_temperature
    m = xf.member(gc, "temperature")
    if m is None or recommended is None:
        return
    assert m.value is not None  # xf.member() returns only members that have a value
    number = xf.number_of(m.value)
    if number is None or abs(number - recommended) < 1e-9:
        return
    yield xf.at_node(ctx, "GL326", f"models/{model.id}: " + xf.fact("gemini3-temperature")["docText"]
                     + f" (This request sets {number}.)", m.value)
