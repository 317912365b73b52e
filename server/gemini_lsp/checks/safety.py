"""Safety settings: one setting per category (GL380). Deprecated categories are GL118 (schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

DUPLICATE_SAFETY_CATEGORY = Rule(
    code='GL380',
    name='duplicate-safety-category',
    severity='warning',
    summary='Two safety settings for one category',
    doc=r"""
        Two safety settings for one category. Proto: "There should not be more than one setting for each SafetyCategory";
        reported as a 400 in github.com/google-gemini/deprecated-generative-ai-android/issues/224. A warning (no verbatim
        server message). Deprecated categories are GL118. **Fix:** keep one setting per category.
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — GenerateContentRequest.safety_settings comment',
        (
            'https://github.com/google-gemini/deprecated-generative-ai-android/issues/224 — ("Multiple safety '
            'settings with the same category", reported as a 400)'
        ),
    ),
    api_text=True,
    reads=('safetySettings[].category',),
    facts={'apiMessage': 'There should not be more than one setting for each SafetyCategory.'},
)


def check_safety(ctx: CheckContext) -> Iterator[Finding]:
    message = xf.fact("duplicate-safety-category")["apiMessage"]
    for request in xf.generate_requests(ctx):
        seen: dict[str, int] = {}
        for index, setting in enumerate(xf.items(xf.value(request, "safetySettings"))):
            category = xf.value(setting, "category")
            if category is None or category.kind not in ("string", "number"):
                continue
            key = str(category.value).upper()
            if ctx.schema is not None and category.kind == "number":
                key = _enum_name(ctx, category.value) or key
            if key in seen:
                yield xf.at_object(ctx, "GL380", message + f" `{key}` is already set by safetySettings[{seen[key]}].",
                                   setting, category, data={"first": seen[key]})
            else:
                seen[key] = index


def _enum_name(ctx: CheckContext, number) -> str | None:
    try:
        enum = ctx.schema.enum("HarmCategory")  # type: ignore[union-attr]
    except KeyError:  # Vertex names the enum differently; fall back to the number
        return None
    value = enum.value(int(number)) if isinstance(number, (int, float)) else None
    return value.name if value is not None else None


RULES = (DUPLICATE_SAFETY_CATEGORY,)
CHECKS = (Check("safety", "request", RULES, check_safety),)
