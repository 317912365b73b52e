"""Context caching: a request that names `cachedContent` may not also carry systemInstruction, tools or toolConfig
(GL360)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

CACHED_CONTENT_CONFLICT = Rule(
    code='GL360',
    name='cached-content-conflict',
    severity='error',
    summary='cachedContent with systemInstruction, tools or toolConfig',
    doc=r"""
        `cachedContent` together with `systemInstruction`, `tools` or `toolConfig` (each reported at its key): `Tool config,
        tools and system instruction should not be set in the request when using cached content.`
        (github.com/567-labs/instructor/issues/2580); older wording `CachedContent can not be used with GenerateContent
        request setting system_instruction, tools or tool_config.` (github.com/vercel/ai/issues/3333). **Fix:** put them into
        the CachedContent when creating it.
    """,
    evidence=('https://github.com/567-labs/instructor/issues/2580', 'https://github.com/vercel/ai/issues/3333'),
    api_text=True,
    reads=('cachedContent', 'systemInstruction', 'tools', 'toolConfig'),
    repro=('https://github.com/567-labs/instructor/issues/2580', 'https://github.com/vercel/ai/issues/3333'),
    facts={'apiMessage': 'Tool config, tools and system instruction should not be set in the request when using '
                   'cached content.',
     'fields': ['systemInstruction', 'tools', 'toolConfig']},
)


def check_caching(ctx: CheckContext) -> Iterator[Finding]:
    facts = xf.fact("cached-content-conflict")
    for request in xf.generate_requests(ctx):
        if xf.member(request, "cachedContent") is None:
            continue
        for name in facts["fields"]:
            m = xf.member(request, name)
            if m is None:
                continue
            yield xf.at_key(ctx, "GL360", facts["apiMessage"] + f" Move `{m.key.value}` into the CachedContent "
                            "when you create it, or drop `cachedContent`.", m)


RULES = (CACHED_CONTENT_CONFLICT,)
CHECKS = (Check("caching", "request", RULES, check_caching),)
