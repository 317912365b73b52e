"""Model-aware and cross-field rules (GL3xx), one small module per family. `checks/__init__.py` runs CHECKS after
the schema walk."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..findings import Finding
from . import (
    caching,
    capabilities,
    images,
    conversation,
    embeddings,
    generation,
    model_rules,
    safety,
    shapes,
    speech,
    structured_output,
    thinking,
    tools,
)

if TYPE_CHECKING:
    from . import CheckContext

# Per-model capability rules whose evidence (the API's 400s) comes from the Developer API only: on Vertex AI they
# are warnings, since no source shows Vertex rejecting the request (penalties, JSON output with function calling,
# built-in tools with functions, googleSearchRetrieval).
_DEVELOPER_API_EVIDENCE = frozenset({"GL321", "GL333", "GL340", "GL341"})


# Rules that read the model's facts: when the file names a shut-down model, they run against the model that serves
# (or replaces) it, and their messages say so (issue 12, section 1).
MODEL_AWARE = frozenset({
    "GL304", "GL310", "GL311", "GL312", "GL313", "GL320", "GL321", "GL322", "GL323", "GL324", "GL326", "GL333",
    "GL340", "GL341", "GL352", "GL327", "GL328", "GL329", "GL344", "GL354", "GL395",
})


def _for_which_model(ctx: CheckContext, finding: Finding) -> Finding:
    if ctx.serving_reason is None or ctx.model is None or ctx.named_model is None or finding.code not in MODEL_AWARE:
        return finding
    how = "which serves" if ctx.serving_reason == "routed" else "the replacement of"
    note = f" [Checked against `{ctx.model.id}`, {how} the shut-down `{ctx.named_model.id}`.]"
    data = dict(finding.data or {})
    data["checkedModel"] = ctx.model.id
    return replace(finding, message=finding.message + note, data=data)


def _on_vertex_as_warnings(check: Callable[[CheckContext], Iterable[Finding]]) -> Callable[[CheckContext], Iterator[Finding]]:
    def run(ctx: CheckContext) -> Iterator[Finding]:
        for finding in check(ctx):
            if ctx.settings.api == "vertex" and finding.code in _DEVELOPER_API_EVIDENCE and finding.severity == "error":
                finding = replace(finding, severity="warning")
            yield _for_which_model(ctx, finding)

    run.__name__ = getattr(check, "__name__", "check")
    return run


CHECKS = [
    _on_vertex_as_warnings(check)
    for check in (
        model_rules.check_model,
        thinking.check_thinking,
        generation.check_generation,
        structured_output.check_structured_output,
        tools.check_tools,
        conversation.check_conversation,
        caching.check_caching,
        embeddings.check_embeddings,
        safety.check_safety,
        capabilities.check_capabilities,
        shapes.check_shapes,
        speech.check_speech,
        images.check_images,
    )
]
