"""GL397: a request body above the documented inline-data limit. Runs on every file, also on one above
geminiLsp.maxFileSize (the size is known without parsing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding, make_finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


def check_request_size(ctx: CheckContext) -> Iterator[Finding]:
    facts = xf.fact("request-too-large")
    limit = facts["maxBytes"]
    size = len(ctx.doc.text)  # characters; base64 and JSON punctuation are ASCII, so about the byte count
    if size <= limit:
        return
    yield make_finding(
        "GL397",
        f"This request body has about {size / 1_000_000:,.0f} MB; the Gemini API takes at most "
        f"{limit // 1_000_000} MB of inline data in one request ({facts['docText']}). Send large files through the "
        "Files API or as a URL in fileData instead of inlineData.",
        "",
        0,
        0,
        severity="warning",
        data={"size": size, "limit": limit},
    )
