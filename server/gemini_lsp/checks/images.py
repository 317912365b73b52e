"""Image output (GL398): an `imageConfig.aspectRatio` or `imageSize` that no image model documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

IMAGE_CONFIG_VALUE_UNDOCUMENTED = Rule(
    code='GL398',
    name='image-config-value-undocumented',
    severity='warning',
    summary='An aspectRatio or imageSize that no image model documents',
    doc=r"""
        `generationConfig.imageConfig.aspectRatio` or `imageSize` with a value no Gemini image model documents. The union of
        the documented values: aspect ratios 1:1, 1:4, 1:8, 2:3, 3:2, 3:4, 4:1, 4:3, 4:5, 5:4, 8:1, 9:16, 16:9, 21:9 (the
        proto; Vertex AI's discovery adds 4:5 and 5:4; ai.google.dev/gemini-api/docs/image-generation adds 1:4, 1:8, 4:1,
        8:1, quoted in github.com/lobehub/lobehub/issues/13058) and sizes 512, 1K, 2K, 4K (google-genai `ImageConfig`; the
        docs add 512). A warning: which model takes which value is not documented per model, and no verbatim answer was found.
        **Fix:** a documented value (`1k` gets a quick fix to `1K`).
    """,
    evidence=(
        'https://github.com/googleapis/googleapis/blob/master/google/ai/generativelanguage/v1beta/generative_service.proto — (v1beta) ImageConfig.aspect_ratio: 1:1, 2:3, 3:2, 3:4, 4:3, 9:16, 16:9, 21:9',
        'https://aiplatform.googleapis.com/$discovery/rest?version=v1 — rev 20261106 GoogleCloudAiplatformV1ImageConfig.aspectRatio (adds 4:5, 5:4)',
        'https://ai.google.dev/gemini-api/docs/image-generation — adds 1:4, 1:8, 4:1, 8:1 and the 512 size; quoted in github.com/lobehub/lobehub/issues/13058',
        'https://pypi.org/project/google-genai/3.6.1/ — google-genai 3.6.1 google/genai/types.py ImageConfig.image_size: 1K, 2K, 4K',
    ),
    api_text=False,
    reads=('generationConfig.imageConfig',),
    facts={'aspectRatios': ['1:1', '1:4', '1:8', '2:3', '3:2', '3:4', '4:1', '4:3', '4:5', '5:4', '8:1', '9:16', '16:9', '21:9'], 'imageSizes': ['512', '1K', '2K', '4K']},
)


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


RULES = (IMAGE_CONFIG_VALUE_UNDOCUMENTED,)
CHECKS = (Check("images", "request", RULES, check_images),)
