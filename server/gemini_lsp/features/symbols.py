"""Outline, folding and selection ranges of a request document.

The outline shows the conversation (`contents[3] · user · "Summarise the…"`), the system instruction, each tool
and function declaration, the safety settings and the generation config; other members appear as plain JSON
symbols. It reads only the parse tree, works on broken documents, and is bounded in size on huge ones.
"""

from __future__ import annotations

from bisect import bisect_right

from lsprotocol import types

from ..document import Member, Node, ParsedDocument
from ..positions import LineIndex, lsp_range
from .context import container_closed

__all__ = ["MAX_SYMBOLS", "document_symbols", "folding_ranges", "selection_ranges"]

MAX_SYMBOLS = 5000
MAX_SYMBOL_DEPTH = 24
_PREVIEW = 30

_CONTENTS = {"contents", "history"}
_CONTENT = {"content"}
_SYSTEM = {"systemInstruction", "system_instruction"}
_TOOLS = {"tools"}
_DECLARATIONS = {"functionDeclarations", "function_declarations"}
_SAFETY = {"safetySettings", "safety_settings"}
_PARTS = {"parts"}
_TEXT = {"text"}

_KIND_OF_VALUE = {
    "object": types.SymbolKind.Module,
    "array": types.SymbolKind.Array,
    "string": types.SymbolKind.String,
    "number": types.SymbolKind.Number,
    "boolean": types.SymbolKind.Boolean,
    "null": types.SymbolKind.Null,
    "invalid": types.SymbolKind.Variable,
}


def _preview(text: str, limit: int = _PREVIEW) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _get(node: Node | None, names: set[str]) -> Node | None:
    if node is None or node.kind != "object":
        return None
    for m in node.members:
        if m.key.value in names and m.value is not None:
            return m.value
    return None


def _items(node: Node | None) -> list[Node]:
    """A list's items, or the single value the API accepts in place of a list."""
    if node is None or node.kind == "null":
        return []
    return list(node.items) if node.kind == "array" else [node]


def _part_summary(part: Node) -> str:
    if part.kind != "object":
        return part.kind
    for m in part.members:
        key = str(m.key.value)
        v = m.value
        if v is None:
            continue
        if key in _TEXT and v.kind == "string":
            return f'"{_preview(str(v.value))}"'
        if v.kind == "object":
            for inner in ("name", "mimeType", "mime_type", "fileUri", "file_uri", "language"):
                x = _get(v, {inner})
                if x is not None and x.kind == "string":
                    return f"{key} {_preview(str(x.value))}"
        if v.kind in ("string", "number", "boolean"):
            return f"{key}: {_preview(str(v.value))}"
        return key
    return "{}"


def _content_summary(content: Node) -> tuple[str | None, str]:
    """(role, preview of the first part) of a Content object."""
    role_node = _get(content, {"role"})
    role = str(role_node.value) if role_node is not None and role_node.kind == "string" else None
    parts = _items(_get(content, _PARTS))
    preview = _part_summary(parts[0]) if parts else ""
    if len(parts) > 1:
        preview += f" (+{len(parts) - 1})"
    return role, preview


class _Builder:
    def __init__(self, doc: ParsedDocument, index: LineIndex) -> None:
        self.doc = doc
        self.index = index
        self.count = 0

    def full(self) -> bool:
        return self.count >= MAX_SYMBOLS

    def symbol(self, name: str, kind: types.SymbolKind, start: int, end: int, sel_start: int, sel_end: int,
               detail: str | None = None, children: list[types.DocumentSymbol] | None = None) -> types.DocumentSymbol:
        self.count += 1
        return types.DocumentSymbol(
            name=name or '""',
            kind=kind,
            range=lsp_range(self.index, start, end),
            selection_range=lsp_range(self.index, sel_start, sel_end),
            detail=detail or None,
            children=children if children is not None else [],
        )

    # -- generic JSON ---------------------------------------------------------------------------------------------
    def member(self, m: Member, depth: int) -> types.DocumentSymbol:
        key = str(m.key.value)
        v = m.value
        end = v.end if v is not None else m.key.end
        if v is not None and depth < 6:
            special = self.special(key, m, v, depth)
            if special is not None:
                return special
        kind = _KIND_OF_VALUE.get(v.kind, types.SymbolKind.Property) if v is not None else types.SymbolKind.Property
        detail = None
        children: list[types.DocumentSymbol] = []
        if v is not None:
            if v.kind in ("object", "array"):
                children = self.children(v, depth + 1, key)
                if v.kind == "array":
                    detail = f"{len(v.items)} items"
            else:
                detail = _preview(self.doc.text[v.start : v.end], 40)
        return self.symbol(key, kind, m.start, end, m.key.start, m.key.end, detail, children)

    def children(self, node: Node, depth: int, name: str) -> list[types.DocumentSymbol]:
        if depth > MAX_SYMBOL_DEPTH or self.full():
            return []
        out = []
        if node.kind == "object":
            for m in node.members:
                if self.full():
                    break
                out.append(self.member(m, depth))
        elif node.kind == "array":
            for i, item in enumerate(node.items):
                if self.full():
                    break
                out.append(self.item(item, f"{name}[{i}]", depth))
        return out

    def item(self, item: Node, name: str, depth: int) -> types.DocumentSymbol:
        kind = _KIND_OF_VALUE.get(item.kind, types.SymbolKind.Variable)
        detail = None
        children: list[types.DocumentSymbol] = []
        if item.kind in ("object", "array"):
            children = self.children(item, depth + 1, name)
        else:
            detail = _preview(self.doc.text[item.start : item.end], 40)
        return self.symbol(name, kind, item.start, item.end, item.start, item.end, detail, children)

    # -- the request's own structure ------------------------------------------------------------------------------
    def special(self, key: str, m: Member, v: Node, depth: int) -> types.DocumentSymbol | None:
        if key in _CONTENTS and v.kind in ("array", "object"):
            turns = [self.content(c, f"{key}[{i}]", depth + 1) for i, c in enumerate(_items(v)) if not self.full()]
            detail = f"{len(turns)} turns" if v.kind == "array" else None
            return self.symbol(key, types.SymbolKind.Array, m.start, v.end, m.key.start, m.key.end, detail, turns)
        if (key in _SYSTEM or key in _CONTENT) and v.kind == "object":
            sym = self.content(v, key, depth + 1)
            role, preview = _content_summary(v)
            detail = " · ".join(x for x in (role, preview) if x) or None
            return self.symbol(key, types.SymbolKind.Object, m.start, v.end, m.key.start, m.key.end, detail,
                               list(sym.children or []))
        if key in _TOOLS and v.kind in ("array", "object"):
            tools = [self.tool(t, f"{key}[{i}]", depth + 1) for i, t in enumerate(_items(v)) if not self.full()]
            return self.symbol(key, types.SymbolKind.Array, m.start, v.end, m.key.start, m.key.end,
                               f"{len(tools)} tools", tools)
        if key in _SAFETY and v.kind in ("array", "object"):
            settings = []
            for i, s in enumerate(_items(v)):
                category = _get(s, {"category"})
                threshold = _get(s, {"threshold"})
                label = f"{key}[{i}]"
                detail = " → ".join(
                    str(x.value) if x.kind == "string" else self.doc.text[x.start : x.end]
                    for x in (category, threshold) if x is not None
                )
                settings.append(self.symbol(label, types.SymbolKind.Object, s.start, s.end, s.start, s.end,
                                            detail or None, []))
            return self.symbol(key, types.SymbolKind.Array, m.start, v.end, m.key.start, m.key.end, None, settings)
        return None

    def content(self, c: Node, name: str, depth: int) -> types.DocumentSymbol:
        role, preview = _content_summary(c)
        label = " · ".join(x for x in (name, role, preview) if x)
        children: list[types.DocumentSymbol] = []
        parts = _items(_get(c, _PARTS))
        for i, p in enumerate(parts):
            if self.full():
                break
            children.append(self.symbol(f"parts[{i}] · {_part_summary(p)}", types.SymbolKind.Field, p.start, p.end,
                                        p.start, p.end))
        return self.symbol(label, types.SymbolKind.Object, c.start, c.end, c.start, c.end, None, children)

    def tool(self, t: Node, name: str, depth: int) -> types.DocumentSymbol:
        children: list[types.DocumentSymbol] = []
        kinds = []
        if t.kind == "object":
            for m in t.members:
                key = str(m.key.value)
                kinds.append(key)
                v = m.value
                if key in _DECLARATIONS and v is not None:
                    for decl in _items(v):
                        if self.full():
                            break
                        fname = _get(decl, {"name"})
                        fdesc = _get(decl, {"description"})
                        label = str(fname.value) if fname is not None and fname.kind == "string" else "(function)"
                        detail = _preview(str(fdesc.value), 50) if fdesc is not None and fdesc.kind == "string" else None
                        children.append(self.symbol(label or "(function)", types.SymbolKind.Function, decl.start,
                                                    decl.end, (fname or decl).start, (fname or decl).end, detail))
                elif not self.full():
                    children.append(self.member(m, depth + 1))
        label = f"{name} · {', '.join(kinds)}" if kinds else name
        return self.symbol(label, types.SymbolKind.Object, t.start, t.end, t.start, t.end, None, children)


def document_symbols(doc: ParsedDocument, index: LineIndex, *, hierarchical: bool = True,
                     uri: str = "") -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    """The outline: DocumentSymbols (hierarchical) or flat SymbolInformation with container names."""
    root = doc.root
    if root is None:
        return []
    builder = _Builder(doc, index)
    if root.kind == "object":
        symbols = [builder.member(m, 0) for m in root.members if not builder.full()]
    elif root.kind == "array":
        symbols = builder.children(root, 0, "")
    else:
        symbols = []
    if hierarchical:
        return symbols
    flat: list[types.SymbolInformation] = []
    stack: list[tuple[types.DocumentSymbol, str | None]] = [(s, None) for s in reversed(symbols)]
    while stack:
        sym, container = stack.pop()
        flat.append(types.SymbolInformation(name=sym.name, kind=sym.kind,
                                            location=types.Location(uri=uri, range=sym.range),
                                            container_name=container))
        for child in reversed(sym.children or []):
            stack.append((child, sym.name))
    return flat


def folding_ranges(doc: ParsedDocument, index: LineIndex, *, range_limit: int | None = None,
                   line_folding_only: bool = True) -> list[types.FoldingRange]:
    """Objects and arrays that span lines (the closing bracket's line stays visible), and block comments."""
    text = doc.text
    starts = index.line_starts
    spans: list[tuple[int, int, bool]] = []
    root = doc.root
    stack = [root] if root is not None and root.kind in ("object", "array") else []
    while stack:
        node = stack.pop()
        start_line = bisect_right(starts, node.start) - 1
        end_line = bisect_right(starts, node.end) - 1
        if end_line > start_line:
            close = node.end - 1
            if text[close] in "}]" and container_closed(text, node) and not text[starts[end_line] : close].strip():
                end_line -= 1  # the closing bracket starts its line: keep that line visible
            if end_line > start_line:
                spans.append((start_line, end_line, False))
            if node.kind == "object":
                for m in node.members:
                    v = m.value
                    if v is not None and (v.kind == "object" or v.kind == "array"):
                        stack.append(v)
            else:
                for v in node.items:
                    if v.kind == "object" or v.kind == "array":
                        stack.append(v)
    for form in doc.lenient:
        if form.kind == "comment" and text.startswith("/*", form.start):
            sl, el = index.line_of(form.start), index.line_of(form.end)
            if el > sl:
                spans.append((sl, el, True))
    spans.sort(key=lambda r: (r[0], -r[1]))
    if range_limit is not None and len(spans) > range_limit:
        spans = spans[:range_limit]
    return [
        types.FoldingRange(start_line=a, end_line=b, kind=types.FoldingRangeKind.Comment if comment else None)
        for a, b, comment in spans
    ]


def _member_of_key(doc: ParsedDocument, offset: int) -> Member | None:
    node = doc.node_at_offset(offset)
    while node is not None and node.kind != "object":
        node = node.parent
    if node is None:
        return None
    for m in node.members:
        if m.key.start <= offset < m.key.end or (offset == m.key.end and offset > m.key.start):
            return m
    return None


def _chain(doc: ParsedDocument, offset: int) -> list[tuple[int, int]]:
    """Spans from the innermost (token) outwards to the root."""
    spans: list[tuple[int, int]] = []
    member = _member_of_key(doc, offset)
    node: Node | None
    if member is not None:
        key = member.key
        if key.quote and key.end - key.start >= 2:
            spans.append((key.start + 1, key.end - 1))
        spans.append((key.start, key.end))
        spans.append((member.start, member.value.end if member.value is not None else member.key.end))
        node = member.parent
    else:
        node = doc.node_at_offset(offset)
        if node is not None and node.kind == "string" and node.quote and node.end - node.start >= 2:
            spans.append((node.start + 1, node.end - 1))
    while node is not None:
        spans.append((node.start, node.end))
        if node.member is not None:
            spans.append((node.member.start, node.end))
        node = node.parent
    if doc.root is not None:
        spans.append((0, len(doc.text)))
    # keep a strictly growing chain
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and (s, e) == out[-1]:
            continue
        if out and not (s <= out[-1][0] and e >= out[-1][1]):
            continue
        out.append((s, e))
    return out


def selection_ranges(doc: ParsedDocument, index: LineIndex, offsets: list[int]) -> list[types.SelectionRange]:
    """For each offset: token → member → container → … → the whole document."""
    result = []
    for offset in offsets:
        chain = _chain(doc, offset) or [(offset, offset)]
        parent: types.SelectionRange | None = None
        for s, e in reversed(chain):
            parent = types.SelectionRange(range=lsp_range(index, s, e), parent=parent)
        assert parent is not None
        result.append(parent)
    return result
