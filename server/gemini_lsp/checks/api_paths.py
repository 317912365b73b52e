"""Pointers as the API's error messages print them, and the short names of Vertex messages."""

from __future__ import annotations


def api_path(pointer: str) -> str:
    """The API's own path syntax for a pointer (`contents[0].parts[1].inline_data`) as its errors print it."""
    out = ""
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += ("." if out else "") + snake_case(part)
    return out


def snake_case(name: str) -> str:
    chars = []
    for ch in name:
        if ch.isupper():
            chars.append("_" + ch.lower())
        else:
            chars.append(ch)
    return "".join(chars).lstrip("_") if not name.startswith("_") else name


def short_name(message_name: str) -> str:
    """Vertex names its messages GoogleCloudAiplatformV1X; rules use the short name X."""
    return message_name.removeprefix("GoogleCloudAiplatformV1")
