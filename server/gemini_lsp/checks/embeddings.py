"""Embeddings: batch size and models, `title` without RETRIEVAL_DOCUMENT (GL371–GL373). countTokens with both
`contents` and `generateContentRequest` is the schema's oneof check (GL106)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..catalog import parse_model_ref
from ..document import Node
from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


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
        rng = f"{low}–{high}" if low is not None and high is not None else (f"at most {high}" if high is not None else f"at least {low}")
        yield xf.at_node(ctx, "GL374", f"outputDimensionality {number} is outside the range {model.id} supports "
                         f"({rng}, Google's model page).", m.value,
                         severity=xf.fact_severity(model, "output_dimensionality", "output-dimensionality-out-of-range"))

