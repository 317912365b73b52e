"""Safety settings: one setting per category (GL380). Deprecated categories are GL118 (schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


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
    except Exception:  # noqa: BLE001 - Vertex names the enum differently; fall back to the number
        return None
    value = enum.value(int(number)) if isinstance(number, (int, float)) else None
    return value.name if value is not None else None
