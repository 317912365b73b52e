"""The two spellings of a field name: camelCase (the JSON name) and snake_case (the proto name)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def snake(name: str) -> str:
    """camelCase -> snake_case (`thinkingConfig` → `thinking_config`); cached: the checks ask for the same few
    constant names once per schema node (200,000 responseSchema properties converted the same names a million
    times)."""
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)


@lru_cache(maxsize=4096)
def camel(name: str) -> str:
    """snake_case -> lowerCamel, as protoc derives a JSON name: each `_` dropped and the next character upper-cased
    (`function_declarations` → `functionDeclarations`)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
