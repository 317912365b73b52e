"""Completion: keys valid at the cursor, enum values with their descriptions, model names with status and limits.

Works on half-typed, broken documents: it reads only the tolerant parse tree and the schema at the cursor's
pointer (never the validation). Like vscode-json-languageservice, an item's text edit replaces the whole token
(quotes included), a key is followed by `: ` and a value placeholder, and a comma is added when the next token
needs one (or was missing before the new text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lsprotocol import types

from .. import catalog as catalog_module
from ..catalog import Catalog, ModelInfo
from ..document import ParsedDocument
from ..positions import LineIndex, lsp_range
from ..schema import FieldInfo, MessageInfo, RequestSchema
from .capabilities import TRIGGER_CHARACTERS
from .context import Cursor, is_model_field, locate, naming_style, skip_trivia, slot_field, slot_message
from .descriptions import (
    NUMBER_KINDS,
    enum_for,
    enum_value_doc,
    field_doc,
    field_range,
    field_type_plain,
    format_number,
    model_doc,
    model_summary,
    status_label,
)

__all__ = ["TRIGGER_CHARACTERS", "CompletionSupport", "complete"]

#: `"` opens a key or a string value, `:` starts a value, a space after `:` or `,` too.

#: Keys a new object of these messages is created with (besides its required keys), so that the snippet is a
#: working example: a `contents` entry with `role` and `parts`, a function declaration skeleton, ...
_SKELETON_KEYS: dict[str, tuple[str, ...]] = {
    "Content": ("role", "parts"),
    "Part": ("text",),
    "Blob": ("mimeType", "data"),
    "FileData": ("mimeType", "fileUri"),
    "FunctionDeclaration": ("name", "description", "parameters"),
    "Schema": ("type", "properties"),
    "FunctionCall": ("name", "args"),
    "FunctionResponse": ("name", "response"),
    "SafetySetting": ("category", "threshold"),
    "ExecutableCode": ("language", "code"),
}
#: Default placeholder values inside skeletons.
_SKELETON_DEFAULTS: dict[tuple[str, str], str] = {("Schema", "type"): "OBJECT"}
#: Per field: a skeleton with fewer keys (a system instruction has no role).
_FIELD_SKELETON_KEYS: dict[str, tuple[str, ...]] = {"systemInstruction": ("parts",)}
_MAX_CHOICES = 24
_MAX_DEPTH = 4


@dataclass(frozen=True)
class CompletionSupport:
    """What the client can show: snippets, markdown documentation, the Deprecated tag."""

    snippets: bool = True
    markdown: bool = True
    deprecated_tag: bool = True


def _short(name: str) -> str:
    return name.removeprefix("GoogleCloudAiplatformV1")


class _Snippet:
    """Builds an insert text as a snippet (tab stops, choices) or as plain text (the default values)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.n = 0

    @staticmethod
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")

    def literal(self, text: str) -> str:
        return self.escape(text) if self.enabled else text

    def tab(self, default: str = "") -> str:
        if not self.enabled:
            return default
        self.n += 1
        if not default:
            return f"${self.n}"
        return f"${{{self.n}:{self.escape(default)}}}"

    def choice(self, options: list[str], default: str = "") -> str:
        if not self.enabled:
            return default
        if not options or len(options) > _MAX_CHOICES:
            return self.tab(default)
        self.n += 1
        escaped = [o.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$") for o in options]
        return f"${{{self.n}|{','.join(escaped)}|}}"


class _Builder:
    """Value texts for fields, in the file's naming style."""

    def __init__(self, schema: RequestSchema | None, style: str, snippet: _Snippet) -> None:
        self.schema = schema
        self.style = style
        self.snip = snippet

    def key(self, f: FieldInfo) -> str:
        return f.proto_name if self.style == "snake" else f.json_name

    def enum_choices(self, f: FieldInfo) -> list[str]:
        enum = enum_for(self.schema, f)
        if enum is None:
            return []
        return [v.name for v in _ordered_enum_values(enum.values) if not _unspecified(v.name) and not v.deprecated]

    def value(self, f: FieldInfo, *, element: bool = False, owner: str | None = None, depth: int = 0) -> str:
        """The text of a value for field `f` (the list itself unless `element`)."""
        snip = self.snip
        if f.repeated and not element and f.kind != "map":
            return "[" + self.value(f, element=True, owner=owner, depth=depth) + "]"
        kind = f.kind
        default = _SKELETON_DEFAULTS.get((owner or "", f.json_name))
        if kind == "message":
            msg = self.schema.messages.get(f.type_name or "") if self.schema else None
            if msg is None or depth >= _MAX_DEPTH:
                return "{" + snip.tab() + "}"
            return self.message(msg, field=f, depth=depth + 1)
        if kind == "enum":
            if default:
                return '"' + snip.tab(default) + '"'
            return '"' + snip.choice(self.enum_choices(f)) + '"'
        if kind == "bool":
            return snip.tab(_literal(f.default) if f.default is not None else "false")
        if kind in NUMBER_KINDS:
            return snip.tab(_number_default(f))
        if kind in ("string", "bytes", "duration", "timestamp", "fieldmask"):
            examples = [e for e in f.examples if isinstance(e, str)]
            if examples and kind == "string" and not is_model_field(f):
                return '"' + snip.choice(examples) + '"'
            return '"' + snip.tab(default or "") + '"'
        if kind == "listvalue":
            return "[" + snip.tab() + "]"
        # map, struct, value (a JSON Schema, usually an object), empty
        return "{" + snip.tab() + "}"

    def skeleton_fields(self, msg: MessageInfo, field: FieldInfo | None) -> list[FieldInfo]:
        names = None
        if field is not None:
            names = _FIELD_SKELETON_KEYS.get(field.json_name)
        if names is None:
            names = _SKELETON_KEYS.get(_short(msg.name), ())
        wanted = list(names) + [r for r in msg.required if r not in names]
        out = []
        for name in wanted:
            f = msg.field(name)
            if f is not None and not f.output_only and f not in out:
                out.append(f)
        return out

    def message(self, msg: MessageInfo, *, field: FieldInfo | None = None, depth: int = 0) -> str:
        fields = self.skeleton_fields(msg, field)
        if not fields:
            return "{" + self.snip.tab() + "}"
        members = [f'"{self.key(f)}": ' + self.value(f, owner=_short(msg.name), depth=depth) for f in fields]
        return "{" + ", ".join(members) + "}"


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value).replace(",", "")
    return str(value)


def _number_default(f: FieldInfo) -> str:
    if f.default is not None and not isinstance(f.default, (str, bool)):
        return _literal(f.default)
    for candidate in (f.minimum, f.exclusive_minimum):
        if candidate is not None and abs(candidate) < 2_000_000_000:
            return _literal(candidate if f.exclusive_minimum is None else candidate + (1 if "int" in f.kind else 0.1))
    return "0"


def _unspecified(name: str) -> bool:
    return name.endswith("_UNSPECIFIED") or name == "UNSPECIFIED"


def _ordered_enum_values(values):  # type: ignore[no-untyped-def]
    """Useful values first; UNSPECIFIED, PaLM-only and deprecated ones last (declaration order otherwise)."""

    def rank(v) -> int:  # type: ignore[no-untyped-def]
        if _unspecified(v.name):
            return 3
        if v.deprecated:
            return 2
        if (v.description or "").lstrip().startswith("**PaLM**"):
            return 1
        return 0

    return sorted(values, key=rank)


def _documentation(text: str, markdown: bool) -> types.MarkupContent | str:
    if markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return text


class _Context:
    def __init__(self, doc: ParsedDocument, cursor: Cursor, index: LineIndex, support: CompletionSupport) -> None:
        self.doc = doc
        self.cursor = cursor
        self.index = index
        self.support = support
        self.style = "camel"  # the file's key spelling, for documentation texts
        text = doc.text
        self.replace = lsp_range(index, cursor.start, cursor.end)
        after_at = skip_trivia(text, cursor.end)
        after = text[after_at] if after_at < len(text) else ""
        # a comma only before a token of the same container (not after an unclosed one, before its parent's key)
        self.comma_after = after not in ("", "}", "]", ",") and (
            cursor.container is None or after_at < cursor.container.end
        )
        self.space_before = cursor.start > 0 and text[cursor.start - 1] == ":"
        self.additional: list[types.TextEdit] | None = None
        if cursor.comma_before is not None:
            self.additional = [types.TextEdit(range=lsp_range(index, cursor.comma_before, cursor.comma_before),
                                              new_text=",")]
        self.format = types.InsertTextFormat.Snippet if support.snippets else types.InsertTextFormat.PlainText

    def item(
        self,
        label: str,
        new_text: str,
        *,
        kind: types.CompletionItemKind,
        detail: str | None = None,
        documentation: str | None = None,
        sort: str,
        filter_text: str | None = None,
        deprecated: bool = False,
        value: bool = False,
        description: str | None = None,
        allow_comma: bool = True,
    ) -> types.CompletionItem:
        if value and self.space_before:
            new_text = " " + new_text
        if self.comma_after and allow_comma:
            new_text += ","
        tags = [types.CompletionItemTag.Deprecated] if deprecated and self.support.deprecated_tag else None
        return types.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            label_details=types.CompletionItemLabelDetails(description=description) if description else None,
            documentation=_documentation(documentation, self.support.markdown) if documentation else None,
            sort_text=sort,
            filter_text=filter_text,
            text_edit=types.TextEdit(range=self.replace, new_text=new_text),
            insert_text_format=self.format,
            additional_text_edits=self.additional,
            tags=tags,
        )


def complete(
    doc: ParsedDocument,
    offset: int,
    *,
    schema: RequestSchema | None,
    catalog: Catalog | None,
    index: LineIndex | None = None,
    method: str = "generateContent",
    support: CompletionSupport = CompletionSupport(),
    today: date | None = None,
) -> types.CompletionList:
    """The completion items at `offset` (a str offset) of a parsed request document."""
    index = index or LineIndex(doc.text)
    cursor = locate(doc, offset)
    items: list[types.CompletionItem] = []
    if cursor.kind != "none":
        ctx = _Context(doc, cursor, index, support)
        style = naming_style(doc, schema)
        ctx.style = style
        builder = _Builder(schema, style, _Snippet(support.snippets))
        if cursor.kind == "key":
            items = _key_items(ctx, builder, schema)
        else:
            items = _value_items(ctx, builder, schema, catalog, method, today)
    return types.CompletionList(is_incomplete=False, items=items)


# --- keys ---------------------------------------------------------------------------------------------------------


def _key_items(ctx: _Context, builder: _Builder, schema: RequestSchema | None) -> list[types.CompletionItem]:
    cursor = ctx.cursor
    msg = slot_message(schema, cursor.parts)
    if msg is None or cursor.container is None:
        return []
    present: set[str] = set()
    groups: set[str] = set()
    for m in cursor.container.members:
        if m is cursor.member:
            continue
        f = msg.field(str(m.key.value))
        if f is not None:
            present.add(f.json_name)
            if f.oneof:
                groups.add(f.oneof)
    top_level = not cursor.parts
    quoted = cursor.token is not None and bool(cursor.token.quote)
    items = []
    for position, f in enumerate(msg.fields):
        if f.json_name in present or f.output_only or f.json_name.startswith("_"):
            continue
        if f.oneof and f.oneof in groups:
            continue
        builder.snip.n = 0
        name = builder.key(f)
        if cursor.member is not None and cursor.has_colon:
            new_text = f'"{name}"'
        else:
            new_text = f'"{name}": ' + builder.value(f, owner=_short(msg.name))
        required = f.required and not (top_level and f.url_path)
        rank = 0 if required else (2 if f.deprecated else 1)
        replacing_key_only = cursor.member is not None and cursor.has_colon
        items.append(ctx.item(
            name,
            new_text,
            kind=types.CompletionItemKind.Property,
            detail=field_type_plain(f) + (" · required" if required else ""),
            documentation=field_doc(f, ctx.support.markdown, key=name, top_level_model=top_level,
                                    style=builder.style, message=msg, schema=schema),
            sort=f"{rank}{position:03d}",
            filter_text=(f'"{name}"' if quoted else name),
            deprecated=f.deprecated,
            allow_comma=not replacing_key_only,
        ))
    return items


# --- values ---------------------------------------------------------------------------------------------------------


def _value_items(
    ctx: _Context,
    builder: _Builder,
    schema: RequestSchema | None,
    catalog: Catalog | None,
    method: str,
    today: date | None,
) -> list[types.CompletionItem]:
    cursor = ctx.cursor
    if not cursor.parts:
        return _root_items(ctx, builder, schema)
    f = slot_field(schema, cursor.parts)
    if f is None:
        return []
    element = cursor.container is not None and cursor.container.kind == "array" and f.repeated
    if f.repeated and not element and f.kind != "map":
        return _list_items(ctx, builder, f)
    if is_model_field(f) and catalog is not None:
        return _model_items(ctx, catalog, method, today)
    kind = f.kind
    if kind == "enum":
        return _enum_items(ctx, schema, f)
    if kind == "bool":
        return [
            ctx.item(word, word, kind=types.CompletionItemKind.Value, detail="boolean", sort=f"{i}", value=True,
                     documentation=field_doc(f, ctx.support.markdown, with_facts=False, style=ctx.style))
            for i, word in enumerate(("true", "false"))
        ]
    if kind in NUMBER_KINDS:
        return _number_items(ctx, f)
    if kind == "message":
        return _object_items(ctx, builder, schema, f)
    if kind == "string":
        return _string_example_items(ctx, f)
    if kind in ("map", "struct", "empty", "value"):
        builder.snip.n = 0
        return [ctx.item("{}", "{" + builder.snip.tab() + "}", kind=types.CompletionItemKind.Struct,
                         detail=field_type_plain(f), sort="0", value=True)]
    return []


def _root_items(ctx: _Context, builder: _Builder, schema: RequestSchema | None) -> list[types.CompletionItem]:
    if ctx.cursor.token is not None and ctx.cursor.token.kind in ("object", "array"):
        return []
    items = []
    if schema is not None:
        builder.snip.n = 0
        text = builder.message(schema.root)
        if text != "{" + ("$1" if builder.snip.enabled else "") + "}":
            items.append(ctx.item(f"New {_short(schema.root.name)}", text, kind=types.CompletionItemKind.Snippet,
                                  detail="a request with its required fields", sort="0",
                                  documentation=schema.root.description or None))
    builder.snip.n = 0
    items.append(ctx.item("{}", "{" + builder.snip.tab() + "}", kind=types.CompletionItemKind.Struct,
                          detail="an empty request object", sort="1"))
    return items


def _list_items(ctx: _Context, builder: _Builder, f: FieldInfo) -> list[types.CompletionItem]:
    builder.snip.n = 0
    text = builder.value(f)
    return [ctx.item("[]", text, kind=types.CompletionItemKind.Value, detail=field_type_plain(f), sort="0",
                     documentation=field_doc(f, ctx.support.markdown, style=ctx.style), value=True)]


def _object_items(ctx: _Context, builder: _Builder, schema: RequestSchema | None,
                  f: FieldInfo) -> list[types.CompletionItem]:
    msg = schema.messages.get(f.type_name or "") if schema is not None else None
    if msg is None:
        return []
    items = []
    variants: list[tuple[str, str]] = []
    builder.snip.n = 0
    fields = builder.skeleton_fields(msg, f)
    label = "{ " + ", ".join(builder.key(x) for x in fields) + " }" if fields else "{}"
    variants.append((label, builder.message(msg, field=f)))
    # a message made of alternatives (a Part's data): one skeleton per alternative
    if not msg.required and msg.oneofs:
        group = max(msg.oneofs.values(), key=len)
        if len(group) >= 2:
            for name in group:
                alt = msg.field(name)
                if alt is None or alt.output_only or (fields and alt is fields[0] and len(fields) == 1):
                    continue
                builder.snip.n = 0
                key = builder.key(alt)
                variants.append(("{ " + key + " }", '{"' + key + '": ' + builder.value(alt, owner=_short(msg.name)) + "}"))
    for i, (label, text) in enumerate(variants):
        items.append(ctx.item(label, text, kind=types.CompletionItemKind.Struct, detail=_short(msg.name),
                              documentation=msg.description or None, sort=f"{i:03d}", value=True))
    return items


def _enum_items(ctx: _Context, schema: RequestSchema | None, f: FieldInfo) -> list[types.CompletionItem]:
    enum = enum_for(schema, f)
    if enum is None:
        return []
    quote = ctx.cursor.quote if ctx.cursor.token is not None and ctx.cursor.token.kind == "string" else '"'
    items = []
    for i, v in enumerate(_ordered_enum_values(enum.values)):
        text = f"{quote}{v.name}{quote}"
        items.append(
            ctx.item(
                v.name,
                text,
                kind=types.CompletionItemKind.EnumMember,
                detail=_short(enum.name) + (" · deprecated" if v.deprecated else ""),
                documentation=enum_value_doc(enum, v, ctx.support.markdown, ctx.style, schema),
                sort=f"{i:03d}",
                filter_text=text,
                deprecated=v.deprecated,
                value=True,
            )
        )
    return items


def _number_items(ctx: _Context, f: FieldInfo) -> list[types.CompletionItem]:
    rng = field_range(f)
    detail = field_type_plain(f)
    if rng:
        detail += f" · range {rng}"
    if f.default is not None:
        detail += f" · default {_literal(f.default)}"
    candidates: list[str] = []
    if f.default is not None and not isinstance(f.default, (str, bool)):
        candidates.append(_literal(f.default))
    for example in f.examples:
        if isinstance(example, (int, float)) and not isinstance(example, bool):
            candidates.append(_literal(example))
    if not candidates:
        candidates.append(_number_default(f))
    seen: list[str] = []
    for c in candidates:
        if c not in seen:
            seen.append(c)
    doc = field_doc(f, ctx.support.markdown, style=ctx.style)
    return [ctx.item(c, c, kind=types.CompletionItemKind.Value, detail=detail, documentation=doc, sort=f"{i:03d}",
                     value=True) for i, c in enumerate(seen)]


def _string_example_items(ctx: _Context, f: FieldInfo) -> list[types.CompletionItem]:
    examples = [e for e in f.examples if isinstance(e, str)]
    quote = ctx.cursor.quote if ctx.cursor.token is not None and ctx.cursor.token.kind == "string" else '"'
    doc = field_doc(f, ctx.support.markdown, with_facts=False, style=ctx.style)
    return [ctx.item(e, f"{quote}{e}{quote}", kind=types.CompletionItemKind.Value, detail=field_type_plain(f),
                     documentation=doc, sort=f"{i:03d}", filter_text=f"{quote}{e}{quote}", value=True)
            for i, e in enumerate(examples)]


# --- models -------------------------------------------------------------------------------------------------------


_PREFIX = "models/"


def _model_prefix(ctx: _Context) -> str:
    """`models/` unless what is typed (or the file's other model names) uses bare IDs."""
    typed = ctx.cursor.typed if ctx.cursor.token is not None and ctx.cursor.token.kind == "string" else ""
    if typed:
        if typed.startswith("publishers/google/models/"):
            return "publishers/google/models/"
        if typed.startswith(_PREFIX) or _PREFIX.startswith(typed):
            return _PREFIX
        return ""
    for other in _model_values(ctx.doc):
        if other is ctx.cursor.token:
            continue
        value = str(other.value or "")
        if value and "/" not in value:
            return ""
        if value.startswith(_PREFIX):
            return _PREFIX
    return _PREFIX


def _model_values(doc: ParsedDocument):  # type: ignore[no-untyped-def]
    root = doc.root
    if root is None or root.kind != "object":
        return
    stack = [root]
    seen = 0
    while stack and seen < 2000:
        node = stack.pop()
        seen += 1
        for m in node.members:
            if m.key.value == "model" and m.value is not None and m.value.kind == "string":
                yield m.value
        if len(node.members) < 200:
            stack.extend(c for c in node.children if c.kind in ("object", "array"))
        elif node.kind == "array":
            stack.extend(c for c in node.items[:50] if c.kind == "object")


def _model_items(ctx: _Context, catalog: Catalog, method: str, today: date | None) -> list[types.CompletionItem]:
    day = today or catalog_module.today()
    prefix = _model_prefix(ctx)
    quote = ctx.cursor.quote if ctx.cursor.token is not None and ctx.cursor.token.kind == "string" else '"'
    wanted = method if method != "cachedContents" else "generateContent"
    if method == "streamGenerateContent":
        wanted = "generateContent"
    models: list[ModelInfo] = []
    for m in catalog.current_models(day):
        if m.supports_method(wanted) is False:
            continue
        if method in ("embedContent", "batchEmbedContents") and m.category != "embedding" and m.methods is None:
            continue
        if method not in ("embedContent", "batchEmbedContents") and m.category == "embedding":
            continue
        models.append(m)
    items = []
    for i, m in enumerate(models):
        status = catalog.effective_status(m, day)
        label = status_label(m, status, catalog.is_documented(m))
        text = f"{quote}{prefix}{m.id}{quote}"
        items.append(
            ctx.item(
                m.id,
                text,
                kind=types.CompletionItemKind.Value,
                detail=model_summary(m, label),
                description=label,
                documentation=model_doc(m, catalog, day, ctx.support.markdown),
                sort=f"{i:04d}",
                filter_text=text,
                deprecated=status == "deprecated",
                value=True,
            )
        )
    return items
