"""Pointers as the API's error messages print them, and the short names of Vertex messages."""

from __future__ import annotations

import functools

from ..names import snake


def api_path(pointer: str) -> str:
    """The API's own path syntax for a pointer (`contents[0].parts[1].inline_data`) as its errors print it."""
    if len(pointer) <= 256:  # the findings of one object share their pointer: convert it once (bounded memory)
        return _api_path_cached(pointer)
    return _api_path(pointer)


@functools.lru_cache(maxsize=1024)
def _api_path_cached(pointer: str) -> str:
    return _api_path(pointer)


def _api_path(pointer: str) -> str:
    out = ""
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += ("." if out else "") + snake_case(part)
    return out


def snake_case(name: str) -> str:
    """The proto name the API prints for a JSON name (no leading `_` added to a capitalised name)."""
    return name if name.startswith("_") else snake(name).lstrip("_")


def short_name(message_name: str) -> str:
    """Vertex names its messages GoogleCloudAiplatformV1X; rules use the short name X."""
    return message_name.removeprefix("GoogleCloudAiplatformV1")
