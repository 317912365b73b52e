"""Context caching: a request that names `cachedContent` may not also carry systemInstruction, tools or toolConfig
(GL360)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


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
