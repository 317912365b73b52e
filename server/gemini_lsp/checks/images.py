"""Image output (GL398): an `imageConfig.aspectRatio` or `imageSize` that no image model documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


def check_images(ctx: CheckContext) -> Iterator[Finding]:
    facts = xf.fact("image-config-value-undocumented")
    for request in xf.generate_requests(ctx):
        image = xf.value(xf.generation_config(request), "imageConfig")
        for field, allowed, what in (("aspectRatio", facts["aspectRatios"], "aspect ratio"),
                                     ("imageSize", facts["imageSizes"], "image size")):
            m = xf.member(image, field)
            text = xf.text_of(m.value) if m is not None else None
            if m is None or m.value is None or text is None or text.strip() in allowed:
                continue
            listed = ", ".join(allowed)
            # an upper-case spelling of a listed size ("1k") is a case question, not an unknown size
            near = next((a for a in allowed if a.lower() == text.strip().lower()), None)
            fixes = (xf.replace_fix(m.value, xf.quoted(m.value, near), f"Use '{near}'"),) if near else ()
            yield xf.at_node(ctx, "GL398", f"`{text}` is not an {what} any Gemini image model documents ({listed}); "
                             "the API may refuse it.", m.value, fixes=fixes)
