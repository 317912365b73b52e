"""GenerationConfig against the model: response modalities, penalties, topK, candidateCount, maxOutputTokens,
logprobs, Gemini 3 temperature (GL320–GL326)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import string_value
from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from ..document import Member
    from ..findings import Fix
    from .context import CheckContext

RESPONSE_MODALITIES_UNSUPPORTED = Rule(
    code='GL320',
    name='response-modalities-unsupported',
    severity='error',
    summary='responseModalities not a combination the model accepts',
    doc=r"""
        `responseModalities` (an empty or missing list means TEXT, proto) that is not a combination the model accepts: `The
        requested combination of response modalities (TEXT) is not supported by the model.
        models/gemini-2.5-flash-preview-tts accepts the following combination of response modalities: * AUDIO`
        (github.com/danielmiessler/Fabric/issues/1607). TTS models need exactly `["AUDIO"]`; image models must be asked for
        `IMAGE` (a warning when the list is missing). **Fix:** the accepted combination (offered when there is one).
    """,
    evidence=(
        'https://github.com/danielmiessler/Fabric/issues/1607',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — GenerationConfig.response_modalities: "An empty list is equivalent to requesting only text"',
    ),
    api_text=True,
    reads=('generationConfig', 'model'),
    repro=('https://github.com/danielmiessler/Fabric/issues/1607',),
    facts={'apiMessage': 'The requested combination of response modalities ({requested}) is not supported by the '
                   'model. models/{model} accepts the following combination of response modalities:\n'
                   '{accepted}',
     'default': ['TEXT']},
)
PENALTY_NOT_SUPPORTED = Rule(
    code='GL321',
    name='penalty-not-supported',
    severity='error',
    summary='presencePenalty / frequencyPenalty on a model without penalties',
    doc=r"""
        A non-zero `presencePenalty` / `frequencyPenalty` on a model without penalties: `Penalty is not enabled for
        models/gemini-2.5-flash-preview-05-20` (github.com/PublicAffairs/openai-gemini/issues/63); `Penalty is not enabled for
        this model` (github.com/Ikalus1988/MisakaNet/issues/1473, 3.7/3.8 Flash). **Fix:** remove the penalty.
    """,
    evidence=(
        'https://github.com/PublicAffairs/openai-gemini/issues/63',
        'https://github.com/Ikalus1988/MisakaNet/issues/1473',
    ),
    api_text=True,
    reads=('generationConfig', 'model'),
    developer_api_only=True,
    repro=(
        'https://github.com/PublicAffairs/openai-gemini/issues/63',
        'https://github.com/Ikalus1988/MisakaNet/issues/1473',
    ),
    facts={'apiMessage': 'Penalty is not enabled for models/{model}',
     'fields': ['presencePenalty', 'frequencyPenalty']},
)
TOP_K_OUT_OF_RANGE = Rule(
    code='GL322',
    name='top-k-out-of-range',
    severity='error',
    summary="topK outside the model's range",
    doc=r"""
        `topK` outside the model's range: `Unable to submit request because it has a topK value of 50 but the supported range
        is from 1 (inclusive) to 41 (exclusive). Update the value and try again.` (github.com/genkit-ai/genkit/issues/1397).
        Range: `top_k` in `models.json` (model.proto `Model.top_k`). **Fix:** a value in range.
    """,
    evidence=(
        'https://github.com/genkit-ai/genkit/issues/1397',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/model.proto — Model.top_k',
    ),
    api_text=True,
    reads=('generationConfig', 'model'),
    repro=('https://github.com/genkit-ai/genkit/issues/1397',),
    facts={'apiMessage': 'Unable to submit request because it has a topK value of {value} but the supported range '
                   'is from {low} (inclusive) to {high} (exclusive). Update the value and try again.'},
)
CANDIDATE_COUNT_TOO_HIGH = Rule(
    code='GL323',
    name='candidate-count-too-high',
    severity='error',
    summary='candidateCount above what the model allows',
    doc=r"""
        `candidateCount` above the model's maximum: `Unable to submit request because candidateCount must be 1 but the entered
        value was 3. Update the candidateCount value and try again.` (github.com/genkit-ai/genkit/issues/546); proto: it
        "doesn't work for previous generation models (Gemini 1.0 family)". **Fix:** the maximum.
    """,
    evidence=(
        'https://github.com/genkit-ai/genkit/issues/546',
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — candidate_count: "doesn\'t work for previous generation models (Gemini 1.0 family)"',
    ),
    api_text=True,
    reads=('generationConfig', 'model'),
    repro=('https://github.com/genkit-ai/genkit/issues/546',),
    facts={'apiMessage': 'Unable to submit request because candidateCount must be 1 but the entered value was '
                   '{value}. Update the candidateCount value and try again.',
     'apiMessageRange': 'Unable to submit request because it has a candidateCount value of {value} but the '
                        'supported range is from 1 (inclusive) to {high} (exclusive). Update the value and '
                        'try again.'},
)
MAX_OUTPUT_TOKENS_TOO_HIGH = Rule(
    code='GL324',
    name='max-output-tokens-too-high',
    severity='error',
    summary="maxOutputTokens above the model's output limit",
    doc=r"""
        `maxOutputTokens` above the model's output limit: `Unable to submit request because it has a maxOutputTokens value of
        65536 but the supported range is from 1 (inclusive) to 65536 (exclusive).` (github.com/BerriAI/litellm/pull/10548;
        github.com/stackblitz-labs/bolt.diy/issues/955). Limit: `output_token_limit` in `models.json`. **Fix:** the limit.
        With no model known (none named, a tuned model, an ID newer than the catalogue), a value above the largest
        `output_token_limit` of every current model in the catalogue is a **warning** (it fails on all of them, but the
        request may target a model the catalogue does not know yet).
    """,
    evidence=(
        'https://github.com/BerriAI/litellm/pull/10548',
        'https://github.com/stackblitz-labs/bolt.diy/issues/955',
    ),
    api_text=True,
    reads=('generationConfig', 'model'),
    repro=(
        'https://github.com/BerriAI/litellm/pull/10548',
        'https://github.com/stackblitz-labs/bolt.diy/issues/955',
    ),
    facts={'apiMessage': 'Unable to submit request because it has a maxOutputTokens value of {value} but the supported range is from 1 (inclusive) to {high} (exclusive). Update the value and try again.', 'anyModelNote': 'No model in the catalogue writes more than {high} tokens.'},
)
LOGPROBS_WITHOUT_RESPONSE_LOGPROBS = Rule(
    code='GL325',
    name='logprobs-without-response-logprobs',
    severity='warning',
    summary='logprobs without responseLogprobs: true',
    doc=r"""
        `logprobs` without `responseLogprobs: true`. Proto: "Only valid if response_logprobs=True". A warning: no server
        answer to it was found. **Fix:** add `"responseLogprobs": true` or remove `logprobs`.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — GenerationConfig.logprobs: "Only valid if response_logprobs=True"',
    ),
    api_text=False,
    reads=('generationConfig', 'model'),
)
GEMINI3_TEMPERATURE = Rule(
    code='GL326',
    name='gemini3-temperature',
    severity='hint',
    summary='A temperature other than the Gemini 3 default of 1.0',
    doc=r"""
        A `temperature` other than 1.0 on Gemini 3 models. A hint, never an error (ai.google.dev/gemini-api/docs/gemini-3): "If your existing
        code explicitly sets temperature ... it is recommended to remove this parameter and use the Gemini 3 default of 1.0 to
        avoid potential looping issues or performance degradation" (Google's docs, quoted in
        github.com/spring-projects/spring-ai/issues/4911).
    """,
    evidence=(
        'https://github.com/spring-projects/spring-ai/issues/4911 — (quotes ai.google.dev Gemini 3 guide)',
    ),
    api_text=False,
    reads=('generationConfig', 'model'),
    facts={'docText': 'If your existing code explicitly sets temperature, it is recommended to remove this '
                'parameter and use the Gemini 3 default of 1.0 to avoid potential looping issues or '
                'performance degradation.'},
)


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


RULES = (RESPONSE_MODALITIES_UNSUPPORTED, PENALTY_NOT_SUPPORTED, TOP_K_OUT_OF_RANGE, CANDIDATE_COUNT_TOO_HIGH, MAX_OUTPUT_TOKENS_TOO_HIGH, LOGPROBS_WITHOUT_RESPONSE_LOGPROBS, GEMINI3_TEMPERATURE)
CHECKS = (Check("generation", "request", RULES, check_generation),)
