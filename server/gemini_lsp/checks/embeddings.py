"""Embeddings: batch size and models, `title` without RETRIEVAL_DOCUMENT (GL371–GL373). countTokens with both
`contents` and `generateContentRequest` is the schema's oneof check (GL106)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..catalog import parse_model_ref
from ..document import Node
from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

BATCH_EMBED_TOO_MANY = Rule(
    code='GL371',
    name='batch-embed-too-many',
    severity='error',
    summary='More than 100 requests in one batchEmbedContents',
    doc=r"""
        More than 100 requests in one `batchEmbedContents`: `* BatchEmbedContentsRequest.requests: at most 100 requests can be
        in one batch` (github.com/langchain-ai/langchainjs/issues/4491; github.com/weaviate/weaviate/pull/11277). **Fix:**
        split the batch.
    """,
    evidence=(
        'https://github.com/langchain-ai/langchainjs/issues/4491',
        'https://github.com/weaviate/weaviate/pull/11277',
        'https://github.com/vercel/ai/pull/16575',
    ),
    api_text=True,
    reads=('requests[]', 'model', 'taskType', 'title'),
    repro=('https://github.com/langchain-ai/langchainjs/issues/4491',),
    facts={'apiMessage': '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch',
     'maxRequests': 100},
)
BATCH_EMBED_MODEL_MISMATCH = Rule(
    code='GL372',
    name='batch-embed-model-mismatch',
    severity='error',
    summary="A batch request whose model differs from the file's model",
    doc=r"""
        A `requests[].model` that differs from the file's model (the URL's), or from the first request's when no model is
        known. Proto: "The model in each of these requests must match the model specified BatchEmbedContentsRequest.model."
        **Fix:** the file's model (offered).
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — BatchEmbedContentsRequest.requests comment',
    ),
    api_text=True,
    reads=('requests[]', 'model', 'taskType', 'title'),
    facts={'apiMessage': 'The model in each of these requests must match the model specified '
                   'BatchEmbedContentsRequest.model.'},
)
EMBED_TITLE_IGNORED = Rule(
    code='GL373',
    name='embed-title-ignored',
    severity='warning',
    summary='An embedding title without taskType RETRIEVAL_DOCUMENT',
    doc=r"""
        An embedding `title` without `taskType: RETRIEVAL_DOCUMENT`. Proto: "Only applicable when TaskType is
        `RETRIEVAL_DOCUMENT`". A warning: documented as not applicable, not as rejected. **Fix:** set the task type or remove
        the title.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — EmbedContentRequest.title comment',
    ),
    api_text=False,
    reads=('requests[]', 'model', 'taskType', 'title'),
    facts={'docText': 'Only applicable when TaskType is RETRIEVAL_DOCUMENT.', 'taskType': 'RETRIEVAL_DOCUMENT'},
)
OUTPUT_DIMENSIONALITY_OUT_OF_RANGE = Rule(
    code='GL374',
    name='output-dimensionality-out-of-range',
    severity='error',
    summary="outputDimensionality outside the embedding model's range",
    doc=r"""
        `outputDimensionality` (top level, or in `embedContentConfig`; also per request of a batch) outside the embedding
        model's documented range: 128–3072 for `gemini-embedding-001` (ai.google.dev/gemini-api/docs/models/gemini-embedding-001;
        developers.googleblog.com/en/gemini-embedding-available-gemini-api/) and `gemini-embedding-2` (model card "Flexible,
        supports: 128 - 3072", quoted in github.com/openclaw/openclaw/issues/128925). First-party documentation, so an error;
        no verbatim answer of the API was found. **Fix:** a value in the range (3072, 1536 and 768 are recommended).
    """,
    evidence=(
        'https://ai.google.dev/gemini-api/docs/models/gemini-embedding-001',
        'https://ai.google.dev/gemini-api/docs/models/gemini-embedding-2 — quoted in https://github.com/openclaw/openclaw/issues/128925',
        'https://developers.googleblog.com/en/gemini-embedding-available-gemini-api/',
    ),
    api_text=False,
    reads=('outputDimensionality', 'embedContentConfig', 'requests[]', 'model'),
)


def check_embeddings(ctx: CheckContext) -> Iterator[Finding]:
    r = xf.root(ctx)
    if r is None:
        return
    if ctx.method == "embedContent":
        yield from _title(ctx, r)
        yield from _output_dimensionality(ctx, r)
    elif ctx.method == "batchEmbedContents":
        yield from _batch(ctx, r)
        for request in xf.items(xf.value(r, "requests")):
            if request.kind == "object":
                yield from _output_dimensionality(ctx, request)


def _batch(ctx: CheckContext, r: Node) -> Iterator[Finding]:
    requests_m = xf.member(r, "requests")
    if requests_m is None or requests_m.value is None:
        return
    requests = xf.items(requests_m.value)
    facts = xf.fact("batch-embed-too-many")
    if len(requests) > facts["maxRequests"]:
        yield xf.at_key(ctx, "GL371", facts["apiMessage"] + f" (this file has {len(requests)}). Split it.", requests_m,
                        data={"maxItems": facts["maxRequests"]})
    expected = ctx.model_id
    mismatch = xf.fact("batch-embed-model-mismatch")["apiMessage"]
    for request in requests:
        if request.kind != "object":
            continue
        yield from _title(ctx, request)
        model_node = xf.value(request, "model")
        text = xf.text_of(model_node)
        if text is None:
            continue
        assert model_node is not None  # `text` is its text
        ref = parse_model_ref(text)
        if expected is None:
            expected = ref.id
            continue
        if ref.id != expected:
            yield xf.at_node(ctx, "GL372", mismatch + f" (`{text}` is not `models/{expected}`).", model_node,
                             fixes=(xf.replace_fix(model_node, xf.quoted(model_node, f"models/{expected}"),
                                                   f"Use 'models/{expected}'"),))


def _title(ctx: CheckContext, request: Node) -> Iterator[Finding]:
    facts = xf.fact("embed-title-ignored")
    title = xf.member(request, "title")
    if title is None:
        return
    task = xf.value(request, "taskType")
    task_text = xf.text_of(task)
    if task is not None and task_text is None:
        return  # an enum number
    if task_text is not None and task_text.upper() == facts["taskType"]:
        return
    shown = f"`{task_text}`" if task_text else "not set"
    yield xf.at_key(ctx, "GL373", f"`title` is only applicable when taskType is RETRIEVAL_DOCUMENT (here it is {shown}): "
                    "the API ignores it. Set `\"taskType\": \"RETRIEVAL_DOCUMENT\"` or remove `title`.", title)


def _output_dimensionality(ctx: CheckContext, request: Node) -> Iterator[Finding]:
    """GL374: outputDimensionality (top level, or in embedContentConfig) outside the model's documented range."""
    model = ctx.model
    dims = model.extra.get("output_dimensionality") if model is not None else None
    if model is None or not isinstance(dims, dict):
        return
    low, high = dims.get("min"), dims.get("max")
    for holder in (request, xf.value(request, "embedContentConfig")):
        m = xf.member(holder, "outputDimensionality")
        if m is None or m.value is None:
            continue
        number = xf.number_of(m.value)
        if number is None or ((low is None or number >= low) and (high is None or number <= high)):
            continue
        if low is not None and high is not None:
            rng = f"{low}–{high}"
        else:
            rng = f"at most {high}" if high is not None else f"at least {low}"
        yield xf.at_node(ctx, "GL374", f"outputDimensionality {number} is outside the range {model.id} supports "
                         f"({rng}, Google's model page).", m.value,
                         severity=xf.fact_severity(model, "output_dimensionality", "output-dimensionality-out-of-range"))


RULES = (BATCH_EMBED_TOO_MANY, BATCH_EMBED_MODEL_MISMATCH, EMBED_TITLE_IGNORED, OUTPUT_DIMENSIONALITY_OUT_OF_RANGE)
CHECKS = (Check("embeddings", "request", RULES, check_embeddings),)
