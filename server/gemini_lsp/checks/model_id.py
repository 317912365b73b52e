"""The model itself: unknown, retired, deprecated, used with a method it lacks, or named in a Vertex AI body
(GL301–GL305)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..catalog import ModelInfo, parse_generation, parse_model_ref
from ..document import string_value
from ..findings import Edit, Finding, Fix, Severity
from ..rule import Check, Rule, make_finding
from ..settings import control_name
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

UNKNOWN_MODEL = Rule(
    code='GL301',
    name='unknown-model',
    severity='warning',
    summary='A model ID the catalogue does not know',
    doc=r"""
        An ID the catalogue does not know (it may be misspelt, or newer than the catalogue's collection date): the API answers
        404 NOT_FOUND for IDs it does not serve. A warning, never an error: an ID newer than every catalogued generation
        (`gemini-5-*`) only says that model-specific rules are off. Moving aliases (`gemini-flash-latest`) are known. **Fix:**
        one of the nearest known IDs (offered as fixes). Source: `schemas/models.json` (collected 2026-11-26).
    """,
    evidence=('schemas/models.json (collected 2026-11-26)',),
    api_text=False,
    reads=('model', 'method'),
)
RETIRED_MODEL = Rule(
    code='GL302',
    name='retired-model',
    severity='error',
    summary='A model that has been shut down (404)',
    doc=r"""
        A model that has been shut down (`status: retired`, or a `shutdown_date` on or before today). What the API does then
        comes from the catalogue's `after_shutdown` fact, and the severity follows the evidence:
        - **Routed** (`after_shutdown.behavior: "routed"`): the API serves the request with another model and bills its rates.
          A **warning** (the request is answered), naming the serving model and the tier of the evidence, and the reports that
          disagree (`after_shutdown_alternatives`). `gemini-2.5-pro` → `gemini-3.8-flash` and `gemini-2.5-flash` →
          `gemini-3.5-flash-lite` from 2026-12-01, per a third-party reading of Google's deprecations page
          (dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9); other
          reports saw 404 "no longer available" for accounts that had not used the model (github.com/decolua/9router/issues/2788,
          github.com/antonyrag/ragleap-core/pull/386), and a proxy answered 503 with its own channels withdrawn
          (docs.laozhang.ai). Conflicting third-party evidence: never an error. On Vertex AI the message adds that
          the reading is for the Gemini API (the same reading says Vertex AI has its own schedule).
        - **404** (no `after_shutdown`, or `behavior: "not_found"`): an **error** with the API's text, `This model
          models/ID is no longer available. Please update your code to use a newer model for the latest features and
          improvements.` (github.com/google/adk-docs/pull/1840; github.com/langgenius/dify-official-plugins/issues/2515).

        **The rest of the file is still checked.** Every model-aware rule (GL304, GL310–GL313, GL320–GL326, GL333, GL340,
        GL341, GL352) runs against the model that serves the request (routed) or against the replacement the quick fix
        proposes (404), and its message ends with `[Checked against `X`, which serves / the replacement of the shut-down
        `Y`.]`. A shut-down model with no replacement leaves those rules silent. **Fix:** the quick fix replaces the ID with
        the serving model or the replacement, following the replacement chain to a model that still works
        (`gemini-pro-vision` → `gemini-3.8-flash`) and keeping the `models/` or `publishers/google/models/` prefix.
    """,
    evidence=(
        'https://github.com/google/adk-docs/pull/1840 — verbatim 404 NOT_FOUND for gemini-2.0-flash',
        'https://github.com/langgenius/dify-official-plugins/issues/2515',
        'https://ai.google.dev/gemini-api/docs/deprecations',
        'https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9 — 2.5 Pro/Flash routed after 2026-12-01; third-party reading of the deprecations page',
    ),
    api_text=True,
    reads=('model', 'method'),
    repro=(
        'https://github.com/google/adk-docs/pull/1840',
    ),
    facts={'apiMessage': 'This model models/{model} is no longer available. Please update your code to use a newer model for the latest features and improvements.'},
)
DEPRECATED_MODEL = Rule(
    code='GL303',
    name='deprecated-model',
    severity='warning',
    summary='A deprecated model, with its shutdown date',
    doc=r"""
        A deprecated model, with its shutdown date when one is recorded (`gemini-2.5-pro`: 2026-12-01). A warning: it still
        answers until then. **Fix:** move to the replacement (offered, not applied by "fix all"). Sources: the deprecations
        page; dev.to/aideprecations (read of it, 2026-11-10).
    """,
    evidence=('https://ai.google.dev/gemini-api/docs/deprecations', 'https://dev.to/aideprecations'),
    api_text=False,
    reads=('model', 'method'),
)
MODEL_METHOD_MISMATCH = Rule(
    code='GL304',
    name='model-method-mismatch',
    severity='error',
    summary='A model used with a method it does not support',
    doc=r"""
        A model whose supported methods are known used with another one: an embedding model (`gemini-embedding-001`:
        `embedContent`, `batchEmbedContents`) in `generateContent`, a Live model (`bidiGenerateContent` only) in
        `generateContent`. The API answers that the model "is not supported for generateContent" (ai.google.dev/api/models,
        `Model.supportedGenerationMethods`). **Fix:** a model that supports the method, or the file name of the right
        method (`NAME.embedContent.gemini.json`). Source: `methods` in `models.json`.
    """,
    evidence=(
        'https://ai.google.dev/api/models#Model — Model.supportedGenerationMethods (models.get)',
        'schemas/models.json `methods`',
    ),
    api_text=False,
    reads=('model', 'method'),
    facts={'equivalentMethods': {'streamGenerateContent': 'generateContent'},
     'checkedMethods': ['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents']},
)
MODEL_IN_VERTEX_BODY = Rule(
    code='GL305',
    name='model-in-vertex-body',
    severity='warning',
    summary='A top-level `model` in a Vertex AI body (it is a path parameter)',
    doc=r"""
        On Vertex AI (`geminiLsp.api: "vertex"`) the model is a path parameter (`.../publishers/google/models/ID:generateContent`)
        and the request message has no `model` field (discovery, `GoogleCloudAiplatformV1GenerateContentRequest`). The value is
        still read as the file's model, and `publishers/google/models/ID` is accepted. A warning. **Fix:** move the model to
        the URL or `geminiLsp.model`.
    """,
    evidence=(
        (
            'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — discovery revision 20261106: '
            'GoogleCloudAiplatformV1GenerateContentRequest has no `model`; it is the path parameter'
        ),
    ),
    api_text=False,
    reads=('model', 'method'),
)


def _model_member(ctx: CheckContext):
    r = xf.root(ctx)
    if r is None or ctx.model_source != "body":
        return None
    m = xf.exact_member(r, ("model",))
    return m if m is not None and m.value is not None and m.value.kind == "string" else None


def _where(ctx: CheckContext) -> tuple[str, int, int]:
    """Pointer and range of the model reference: the body's `model` value, else the top of the file (the model
    came from the setting geminiLsp.model / --model)."""
    m = _model_member(ctx)
    if m is not None and m.value is not None:
        return ctx.doc.pointer_of(m.value), m.value.start, m.value.end
    return "", 0, 0


def _origin(ctx: CheckContext) -> str:
    return "" if ctx.model_source == "body" else f" (from {control_name(ctx.settings, 'model')})"


def _capped(ctx: CheckContext, severity: Severity) -> Severity:
    """A model named by the setting (not by the file) is reported at most as a warning at the top of the file: the
    file itself is not what needs the change."""
    return "warning" if ctx.model_source != "body" and severity == "error" else severity


def _replace_id_fix(ctx: CheckContext, new_id: str, title: str, *, safe: bool) -> tuple[Fix, ...]:
    m = _model_member(ctx)
    if m is None or m.value is None or ctx.model_id is None:
        return ()
    written: str = m.value.value
    if not written.endswith(ctx.model_id):
        return ()
    new_text = written[: len(written) - len(ctx.model_id)] + new_id
    return (Fix(title, (Edit(m.value.start, m.value.end, xf.quoted(m.value, new_text)),), safe=safe, preferred=True),)


def check_model(ctx: CheckContext) -> Iterator[Finding]:
    yield from _vertex_body_model(ctx)
    if not ctx.model_id or ctx.model_kind != "model":
        return  # tuned models, Vertex endpoints and unreadable references: nothing the catalogue can know
    named = ctx.named_model if ctx.named_model is not None else ctx.model
    if named is None:
        yield from _unknown(ctx)
        return
    status = ctx.catalog.effective_status(named, ctx.today)
    if status == "retired":
        yield from _retired(ctx, named)
        return
    if status == "deprecated":
        yield from _deprecated(ctx)
    yield from _method_mismatch(ctx)


def _unknown(ctx: CheckContext) -> Iterator[Finding]:
    assert ctx.model_id is not None
    pointer, start, end = _where(ctx)
    nearest = ctx.catalog.nearest(ctx.model_id, today=ctx.today)
    generation = parse_generation(ctx.model_id)
    known = [g for g in (m.generation for m in ctx.catalog.models()) if g is not None]
    if generation is not None and known and generation > max(known):
        message = (f"`{ctx.model_id}`{_origin(ctx)} is newer than the model catalogue (collected "
                   f"{ctx.catalog.collected}); model-specific rules are off for it. Check the ID with models.list.")
    else:
        message = f"`{ctx.model_id}`{_origin(ctx)} is not a model the catalogue knows; the API answers 404 NOT_FOUND for an unknown ID."
        if nearest:
            message += " Did you mean " + ", ".join(f"`{n}`" for n in nearest) + "?"
    fixes: list[Fix] = []
    for n in nearest:
        fixes.extend(_replace_id_fix(ctx, n, f"Use '{n}'", safe=False))
    yield make_finding("GL301", message, pointer, start, end, fixes=fixes[:3],
                       data={"model": ctx.model_id, "suggestions": nearest})


def _retired(ctx: CheckContext, model: ModelInfo) -> Iterator[Finding]:
    """A shut-down model. What the API does then comes from the catalogue (`after_shutdown`): routed to another
    model (a warning: the request is served, by another model), or 404 (an error). The other model-aware rules keep
    running against the serving model or the replacement (`analysis.check_context`); this message names it."""
    pointer, start, end = _where(ctx)
    replacement = ctx.catalog.final_replacement(model, ctx.today)
    when = f" on {model.shutdown_date.isoformat()}" if model.shutdown_date else ""
    serving = ctx.model if ctx.serving_reason is not None else None
    fixes: tuple[Fix, ...] = ()
    if ctx.serving_reason == "routed" and serving is not None:
        after = model.after_shutdown
        assert after is not None  # serving_reason "routed" comes only from after_shutdown
        official = model.evidence("after_shutdown") in ("official", "sdk")
        tier = "Google" if official else "a third-party reading of Google's deprecations page"
        message = (f"`{model.id}`{_origin(ctx)} was shut down{when}. Its requests are routed to `{serving.id}` and billed "
                   f"at its rates (according to {tier}), so the rest of this file is checked against `{serving.id}`.")
        disagreeing = [a for a in model.after_shutdown_alternatives if a.behavior == "not_found"]
        if disagreeing:
            message += f" Other reports disagree: {disagreeing[0].note}."
        message += f" Name `{serving.id}` to get what you are billed for."
        if ctx.settings.api == "vertex":
            # the same reading says Vertex AI (Gemini Enterprise Agent Platform) has a schedule of its own
            message += " This reading is for the Gemini API; Vertex AI has its own schedule for this model."
        fixes = _replace_id_fix(ctx, serving.id, f"Use '{serving.id}'", safe=True)
        severity: Severity = "warning"
        data: dict[str, str | None] = {"model": model.id, "replacement": serving.id, "servedBy": serving.id,
                                       "afterShutdown": "routed"}
    else:
        api_text = xf.fact("retired-model")["apiMessage"].format(model=model.id)
        message = f"`{model.id}`{_origin(ctx)} was shut down{when}: the API answers 404 NOT_FOUND: {api_text}"
        if replacement is not None:
            message += f" Use `{replacement.id}`; the rest of this file is checked against `{replacement.id}`."
            fixes = _replace_id_fix(ctx, replacement.id, f"Use '{replacement.id}'", safe=True)
        severity = _capped(ctx, "error")
        data = {"model": model.id, "replacement": replacement.id if replacement else None,
                "servedBy": None, "afterShutdown": "not_found"}
    yield make_finding("GL302", message, pointer, start, end, fixes=fixes, severity=severity, data=data)


def _deprecated(ctx: CheckContext) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None
    pointer, start, end = _where(ctx)
    message = f"`{model.id}`{_origin(ctx)} is deprecated"
    message += f" and shuts down on {model.shutdown_date.isoformat()}." if model.shutdown_date else "."
    replacement = ctx.catalog.final_replacement(model, ctx.today) if model.replacement else None
    fixes: tuple[Fix, ...] = ()
    if replacement is not None:
        message += f" Move to `{replacement.id}`."
        fixes = _replace_id_fix(ctx, replacement.id, f"Use '{replacement.id}'", safe=False)
    yield make_finding("GL303", message, pointer, start, end, fixes=fixes,
                       data={"model": model.id, "shutdownDate": model.shutdown_date.isoformat() if model.shutdown_date else None})


def _method_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    model = ctx.model
    assert model is not None
    rule = xf.fact("model-method-mismatch")
    if ctx.method not in rule["checkedMethods"] or model.methods is None:
        return
    method = rule["equivalentMethods"].get(ctx.method, ctx.method)
    if method in model.methods:
        return
    pointer, start, end = _where(ctx)
    listed = ", ".join(f"`{m}`" for m in model.methods)
    message = (f"models/{model.id} is not supported for {ctx.method}: its supported methods are {listed}. "
               "Call ListModels to see the available models and their supported methods.")
    severity = _capped(ctx, xf.fact_severity(model, "methods", "model-method-mismatch"))
    yield make_finding("GL304", message, pointer, start, end, severity=severity,
                       data={"model": model.id, "methods": list(model.methods)})


def _vertex_body_model(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.settings.api != "vertex":
        return
    r = xf.root(ctx)
    m = xf.exact_member(r, ("model",))
    if m is None or ctx.method not in ("generateContent", "streamGenerateContent", "countTokens"):
        return
    if ctx.schema is not None and ctx.schema.root.field("model") is not None:
        return  # this request message has a `model` field of its own (Vertex's CountTokensRequest)
    ref = parse_model_ref(string_value(m.value)) if m.value is not None and m.value.kind == "string" else None
    shown = f" (`{ref.id}`)" if ref is not None and ref.id else ""
    yield xf.at_key(
        ctx,
        "GL305",
        f"On Vertex AI the model is part of the URL (`.../publishers/google/models/ID:{ctx.method}`), not of the "
        f"body: the request message has no `model` field. It is still read as this file's model{shown}; move it "
        f"to the URL (or {control_name(ctx.settings, 'model')}) and remove it here.",
        m,
    )


RULES = (UNKNOWN_MODEL, RETIRED_MODEL, DEPRECATED_MODEL, MODEL_METHOD_MISMATCH, MODEL_IN_VERTEX_BODY)
CHECKS = (Check("model-id", "request", RULES, check_model),)
