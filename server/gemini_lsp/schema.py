"""The generated request schemas (``schemas/generated/``) as a small Python model.

Every fact here comes from the JSON Schemas that ``scripts/generate_schemas.py`` builds from Google's published
definitions plus ``schemas/overlay.json``; nothing about the shape of a request is typed in by hand in this module.

Typical use::

    schema = load_request_schema("gemini", "v1beta", "generateContent")
    field = schema.field_at(["contents", "0", "parts", "0", "inline_data", "data"])   # kind "bytes"

The files are read through :mod:`importlib.resources`, so an installed (non-editable) package works as well.
This module does not import pygls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "METHOD_MESSAGES",
    "EnumInfo",
    "EnumValue",
    "FieldInfo",
    "Kind",
    "MessageInfo",
    "RequestSchema",
    "available_surfaces",
    "load_request_schema",
    "methods_for",
    "schema_resource",
]

_PACKAGE = "gemini_lsp.schemas"
_GENERATED = "generated"

#: The request message whose JSON body each method takes (``streamGenerateContent`` shares generateContent's).
METHOD_MESSAGES: dict[str, str] = {
    "generateContent": "GenerateContentRequest",
    "streamGenerateContent": "GenerateContentRequest",
    "countTokens": "CountTokensRequest",
    "embedContent": "EmbedContentRequest",
    "batchEmbedContents": "BatchEmbedContentsRequest",
    "cachedContents": "CachedContent",
}

Kind = Literal[
    "message", "enum", "map", "string", "bool", "int32", "uint32", "int64", "uint64", "float", "double", "bytes",
    "duration", "timestamp", "fieldmask", "struct", "value", "listvalue", "empty",
]


@dataclass(frozen=True, slots=True)
class EnumValue:
    """One value of an enum. ``number`` is None where the source does not publish it (Vertex AI, overlay)."""

    name: str
    number: int | None
    description: str
    deprecated: bool
    source: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class EnumInfo:
    """An enum type: its canonical (UPPER_CASE) value names, numbers and documentation."""

    name: str
    description: str
    values: tuple[EnumValue, ...]
    source: str | None = None
    _by_name: dict[str, EnumValue] = dc_field(default_factory=dict, repr=False, compare=False)
    _by_number: dict[int, EnumValue] = dc_field(default_factory=dict, repr=False, compare=False)
    _by_casefold: dict[str, EnumValue] = dc_field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for v in self.values:
            self._by_name.setdefault(v.name, v)
            self._by_casefold.setdefault(v.name.casefold(), v)
            if v.number is not None:
                self._by_number.setdefault(v.number, v)

    def value(self, name_or_number: str | int) -> EnumValue | None:
        """The value with exactly this canonical name, or with this number; None if there is none."""
        if isinstance(name_or_number, bool):
            return None
        if isinstance(name_or_number, int):
            return self._by_number.get(name_or_number)
        return self._by_name.get(name_or_number)

    def value_casefold(self, name: str) -> EnumValue | None:
        """The value whose name equals ``name`` ignoring letter case (the API accepts any case)."""
        return self._by_casefold.get(name.casefold())

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical value names, in declaration order."""
        return tuple(v.name for v in self.values)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One field of a message, as accepted in a JSON request body.

    ``kind`` is one of: message, enum, map, string, bool, int32, uint32, int64, uint64, float, double, bytes,
    duration, timestamp, fieldmask, struct, value, listvalue, empty. ``type_name`` names the message or enum
    (for ``kind`` "message"/"enum"); a map's values are described by ``map_value``. The range/length/pattern
    attributes and ``default`` come from the overlay (with ``source``); for a repeated field they apply to each
    element, except ``min_items``/``max_items``.
    """

    json_name: str
    proto_name: str
    kind: Kind
    type_name: str | None = None
    repeated: bool = False
    map_value: FieldInfo | None = None
    required: bool = False
    output_only: bool = False
    input_only: bool = False
    immutable: bool = False
    deprecated: bool = False
    oneof: str | None = None
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    max_items: int | None = None
    min_items: int | None = None
    pattern: str | None = None
    max_length: int | None = None
    min_length: int | None = None
    default: Any = None
    examples: tuple[Any, ...] = ()
    source: str | None = None
    url_path: bool = False

    def spelling(self, key: str) -> Literal["json", "proto"]:
        """Which of the field's two accepted names ``key`` is ("json" when both are the same word)."""
        if key == self.json_name:
            return "json"
        if key == self.proto_name:
            return "proto"
        raise ValueError(f"{key!r} is not a name of field {self.json_name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """The accepted keys: the JSON name, then the proto name when it differs."""
        return (self.json_name,) if self.proto_name == self.json_name else (self.json_name, self.proto_name)


@dataclass(frozen=True, slots=True, eq=False)
class MessageInfo:
    """A message type: its fields (in declaration order), oneof groups and required fields (JSON names)."""

    name: str
    description: str
    fields: tuple[FieldInfo, ...]
    oneofs: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    source: str | None = None
    _by_key: dict[str, FieldInfo] = dc_field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for f in self.fields:
            self._by_key.setdefault(f.json_name, f)
        for f in self.fields:
            self._by_key.setdefault(f.proto_name, f)

    def field(self, key: str) -> FieldInfo | None:
        """The field whose JSON name or proto name is exactly ``key`` (no case folding: the API has none)."""
        return self._by_key.get(key)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every accepted key (JSON and proto spellings)."""
        return tuple(self._by_key)


@dataclass(frozen=True, slots=True, eq=False)
class RequestSchema:
    """The schema of one request body on one API surface (e.g. gemini v1beta generateContent)."""

    api: str
    api_version: str
    method: str
    root: MessageInfo
    messages: dict[str, MessageInfo]
    enums: dict[str, EnumInfo]
    resource: str
    """Path of the JSON Schema file inside the ``gemini_lsp.schemas`` package (``generated/...``)."""

    def message(self, name: str) -> MessageInfo:
        """The message type ``name`` (as in ``FieldInfo.type_name``); KeyError if the surface lacks it."""
        return self.messages[name]

    def enum(self, name: str) -> EnumInfo:
        """The enum type ``name`` (as in ``FieldInfo.type_name``); KeyError if the surface lacks it."""
        return self.enums[name]

    def _walk(self, parts: list[str] | tuple[str, ...]) -> tuple[MessageInfo | None, FieldInfo | None]:
        """Follow JSON pointer parts: returns (message the last part lives in, field the pointer ends at)."""
        msg: MessageInfo | None = self.root
        current: FieldInfo | None = None
        i, n = 0, len(parts)
        while i < n:
            if current is not None:
                # Descend into the value of ``current``.
                if current.kind == "map":
                    i += 1  # any key
                    current = current.map_value
                    if current is None:
                        return None, None
                    if i == n:
                        break
                if current.kind != "message" or current.type_name is None:
                    return None, None
                msg = self.messages.get(current.type_name)
                if msg is None:
                    return None, None
            assert msg is not None
            found = msg.field(parts[i])
            if found is None:
                return None, None
            current = found
            i += 1
            if current.repeated and i < n and parts[i].isascii() and parts[i].isdigit():
                i += 1  # an element of the list (a single value in place of the list needs no index)
        return msg, current

    def field_at(self, pointer_parts: list[str] | tuple[str, ...]) -> FieldInfo | None:
        """The field a JSON pointer (split into unescaped parts) ends at.

        Walks through list indices (numeric parts after a repeated field), map keys (any part after a map field;
        the result is then the map's value FieldInfo) and both spellings of every name. ``[]`` (the body
        itself) and pointers into free-form values (Struct / Value) give None.
        """
        if not pointer_parts:
            return None
        return self._walk(pointer_parts)[1]

    def message_at(self, pointer_parts: list[str] | tuple[str, ...]) -> MessageInfo | None:
        """The message type of the object at a JSON pointer: the root for ``[]``; for a field, its (element) type.

        ``["contents"]`` and ``["contents", "0"]`` both give ``Content`` (the API accepts a single object where
        a list is expected). None when the pointer ends at a non-message value or does not resolve.
        """
        if not pointer_parts:
            return self.root
        f = self.field_at(pointer_parts)
        if f is None:
            return None
        if f.kind == "map":
            # ``labels`` itself is an object of user keys, not a message.
            return None
        if f.kind != "message" or f.type_name is None:
            return None
        return self.messages.get(f.type_name)


# ----------------------------------------------------------------------------------------------------------------
# Loading


def schema_resource(path: str) -> Any:
    """A Traversable for a file under ``gemini_lsp.schemas/generated/``."""
    node = resources.files(_PACKAGE).joinpath(_GENERATED)
    for part in path.split("/"):
        node = node.joinpath(part)
    return node


@cache
def _surfaces() -> dict[tuple[str, str], dict[str, str]]:
    """(api, api_version) -> {method: file}, from the layout ``generated/<api>-<version>/<Message>.schema.json``.

    The same mapping is written to ``generated/index.json`` for other consumers; the loader reads the layout
    itself so that it depends only on the schema files being installed.
    """
    out: dict[tuple[str, str], dict[str, str]] = {}
    for entry in resources.files(_PACKAGE).joinpath(_GENERATED).iterdir():
        api, sep, version = entry.name.partition("-")
        if not sep or not entry.is_dir():
            continue
        methods = {method: f"{entry.name}/{message}.schema.json" for method, message in METHOD_MESSAGES.items()
                   if entry.joinpath(f"{message}.schema.json").is_file()}
        if methods:
            out[(api, version)] = methods
    return out


def available_surfaces() -> list[tuple[str, str]]:
    """The (api, api_version) pairs that have generated schemas, e.g. ``("gemini", "v1beta")``."""
    return sorted(_surfaces())


def methods_for(api: str, api_version: str) -> list[str]:
    """The methods whose request body has a schema on this surface (empty for an unknown surface)."""
    return sorted(_surfaces().get((api, api_version), {}))


def load_request_schema(api: str, api_version: str, method: str) -> RequestSchema | None:
    """The schema of ``method``'s request body on the surface, or None when the surface lacks the method.

    ``api`` is "gemini" or "vertex"; ``api_version`` "v1beta" or "v1"; ``method`` one of generateContent,
    streamGenerateContent, countTokens, embedContent, batchEmbedContents, cachedContents (create). Each file is
    read and converted once per process (cached).
    """
    rel = _surfaces().get((api, api_version), {}).get(method)
    if rel is None:
        return None
    return _load(api, api_version, method, rel)


@cache
def _load(api: str, api_version: str, method: str, rel: str) -> RequestSchema:
    doc = _load_document(rel)
    defs: dict[str, Any] = doc.get("$defs", {})
    enums = {name: _enum(name, d) for name, d in defs.items() if d.get("x-kind") == "enum"}
    messages = {name: _message(name, d) for name, d in defs.items() if d.get("x-kind") == "message"}
    root = _message(doc["x-message"], doc)
    messages.setdefault(root.name, root)
    return RequestSchema(api=api, api_version=api_version, method=method, root=root, messages=messages,
                         enums=enums, resource=f"{_GENERATED}/{rel}")


@cache
def _load_document(rel: str) -> dict[str, Any]:
    # generateContent and streamGenerateContent share one file: parse it once.
    return json.loads(schema_resource(rel).read_text(encoding="utf-8"))


def _enum(name: str, d: dict[str, Any]) -> EnumInfo:
    names = d["anyOf"][0]["enum"]
    numbers = d.get("x-enum-numbers") or [None] * len(names)
    descs = d.get("x-enum-descriptions") or [""] * len(names)
    deps = d.get("x-enum-deprecated") or [False] * len(names)
    srcs = d.get("x-enum-sources") or [None] * len(names)
    values = tuple(EnumValue(name=n, number=num, description=desc, deprecated=bool(dep), source=src)
                   for n, num, desc, dep, src in zip(names, numbers, descs, deps, srcs))
    return EnumInfo(name=name, description=d.get("description", ""), values=values, source=d.get("x-source"))


def _message(name: str, d: dict[str, Any]) -> MessageInfo:
    props = d.get("properties", {})
    # The file's keys are sorted; x-field-order keeps the declaration order of the definitions.
    fields = tuple(_field(props[key]) for key in d.get("x-field-order", ()))
    oneofs = {g: tuple(members) for g, members in d.get("x-oneofs", {}).items()}
    return MessageInfo(name=name, description=d.get("description", ""), fields=fields, oneofs=oneofs,
                       required=tuple(d.get("x-required", ())), source=d.get("x-source"))


def _field(p: dict[str, Any]) -> FieldInfo:
    map_value = None
    if p["x-kind"] == "map":
        mv = p["x-map-value"]
        map_value = FieldInfo(json_name="value", proto_name="value", kind=mv["x-kind"], type_name=mv.get("x-type-name"))
    return FieldInfo(
        json_name=p["x-json-name"], proto_name=p["x-proto-name"], kind=p["x-kind"], type_name=p.get("x-type-name"),
        repeated=bool(p.get("x-repeated")), map_value=map_value, required=bool(p.get("x-required")),
        output_only=bool(p.get("x-output-only")), input_only=bool(p.get("x-input-only")),
        immutable=bool(p.get("x-immutable")), deprecated=bool(p.get("deprecated")), oneof=p.get("x-oneof"),
        description=p.get("description", ""), minimum=p.get("minimum"), maximum=p.get("maximum"),
        exclusive_minimum=p.get("exclusiveMinimum"), exclusive_maximum=p.get("exclusiveMaximum"),
        max_items=p.get("maxItems"), min_items=p.get("minItems"), pattern=p.get("pattern"),
        max_length=p.get("maxLength"), min_length=p.get("minLength"), default=p.get("default"),
        examples=tuple(p.get("examples", ())), source=p.get("x-source"), url_path=bool(p.get("x-url-path")),
    )
