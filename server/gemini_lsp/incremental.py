"""Work proportional to the edit: patch the previous parse tree and reuse the previous findings where they cannot
have changed. Used by the language server only; `analysis.analyze` stays the reference, and the results here are
the same (tests/test_fuzz.py compares the two after random edits).

Tree (`update_tree`): an edit strictly inside one value (a string's body, or a container's brackets) re-parses only
the smallest such value, when the old value was parsed without any error and the new text of it parses on its own
as one complete value of the same kind without any error. The new subtree replaces the old one; nodes after it are
shifted in place. Anything else (an edit that touches brackets or quotes, a line break added or removed inside a
container, an error nearby) falls back to a full `document.parse`.

Findings (`analyze_incremental`), family by family, in `run_checks` order:
- syntax: GL011 is tracked by offset; parse errors are converted again (few);
- secrets: a credential never spans a quote or a bracket, so only the re-parsed value is scanned again;
- lenient forms: converted again from the tree's list;
- structure: the schema walk reuses, per item of a long list (e.g. each `contents[i]`), the findings of the item's
  previous walk when the item is the same node object, at the same pointer, with the same length, untouched by an
  edit;
- the cross-field families (checks.models.CHECKS): reused when every edit since the last run was inside the body of
  a non-empty `"text"` string (no cross-field rule reads free text); otherwise run again.
A change of settings, surface, method or model starts from scratch.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from .document import MAX_DEPTH, LenientForm, Member, Node, ParsedDocument, SyntaxIssue, parse
from .findings import Edit, Finding, Fix

if TYPE_CHECKING:
    from .analysis import Analysis
    from .catalog import Catalog
    from .settings import Settings
    from .text_store import TextEdit

__all__ = ["AnalysisCache", "Splice", "analyze_incremental", "update_tree"]

#: at most this many pending edits are replayed one by one; more means a full parse
MAX_REPLAYED_EDITS = 8
#: the previous document may carry at most this many syntax errors for a patch to be tried
MAX_ERRORS_FOR_PATCH = 200
#: lists with at least this many items memoise the schema walk per item
MEMO_MIN_ITEMS = 8
#: characters that make an edit inside a string more than a change of its text
_STRING_SENSITIVE = re.compile(r"[\"'\\\x00-\x1f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\r\n]")
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")
#: string members whose value no cross-field rule reads (beyond being empty or not)
CROSS_FIELD_BLIND_KEYS = frozenset({"text"})


# -- the tree ---------------------------------------------------------------------------------------------------


@dataclass
class Splice:
    """One edit applied to the tree: old text [start, end) replaced by `new_len` characters."""

    start: int
    end: int
    delta: int
    node: Node  # the new value that replaced the old one
    ancestors: list[Node]  # root .. parent of `node`, mutated in place
    text_only: bool  # the edit changed only the free text of a non-empty `"text"` string
    lo: int = 0  # the new value's span right after this edit (later edits may move the node itself)
    hi: int = 0


def _start_of(x: Node | Member | SyntaxIssue | LenientForm) -> int:
    return x.start


def _enclosing(root: Node, start: int, end: int) -> tuple[Node, list[Node]] | None:
    """The innermost string or container that holds [start, end] strictly inside its delimiters, with its ancestors."""
    if not (root.start < start and end < root.end) or root.kind not in ("object", "array"):
        return None
    node = root
    ancestors: list[Node] = []
    while True:
        child: Node | None = None
        if node.kind == "object":
            members = node.members
            i = bisect_right(members, start, key=_start_of) - 1
            if i >= 0:
                v = members[i].value
                if v is not None and v.start < start and end < v.end:
                    child = v
        elif node.kind == "array":
            items = node.items
            i = bisect_right(items, start, key=_start_of) - 1
            if i >= 0 and items[i].start < start and end < items[i].end:
                child = items[i]
        if child is None or child.kind not in ("object", "array", "string"):
            return node, ancestors
        ancestors.append(node)
        node = child


def _shift_subtree(node: Node, delta: int) -> int:
    """Shift a subtree's offsets by `delta`; return its depth (1 for a scalar)."""
    stack = [(node, 1)]
    deepest = 1
    pop = stack.pop
    push = stack.append
    while stack:
        n, depth = pop()
        n.start += delta
        n.end += delta
        if depth > deepest:
            deepest = depth
        members = n.members
        if members:
            for m in members:
                m.start += delta
                m.end += delta
                k = m.key
                k.start += delta
                k.end += delta
                v = m.value
                if v is not None:
                    push((v, depth + 1))
        else:
            items = n.items
            if items:
                for item in items:
                    push((item, depth + 1))
    return deepest


def _shift_after(nodes: list[Node], delta: int) -> None:
    """Shift whole subtrees (no depth bookkeeping: the fast path; scalars are shifted in place, not stacked)."""
    stack = [n for n in nodes if n.members or n.items]
    for n in nodes:
        if not (n.members or n.items):
            n.start += delta
            n.end += delta
    pop = stack.pop
    push = stack.append
    while stack:
        n = pop()
        n.start += delta
        n.end += delta
        members = n.members
        if members:
            for m in members:
                m.start += delta
                m.end += delta
                k = m.key
                k.start += delta
                k.end += delta
                v = m.value
                if v is not None:
                    if v.members or v.items:
                        push(v)
                    else:
                        v.start += delta
                        v.end += delta
        else:
            for v in n.items:
                if v.members or v.items:
                    push(v)
                else:
                    v.start += delta
                    v.end += delta


def _splice_one(doc: ParsedDocument, text: str, start: int, end: int, new_text: str) -> Splice | None:
    """Patch `doc` (parsed from the text before the edit) in place for one edit; None when a full parse is needed.

    Nothing is mutated unless the patch succeeds.
    """
    root = doc.root
    if root is None or len(doc.errors) > MAX_ERRORS_FOR_PATCH:
        return None
    found = _enclosing(root, start, end)
    if found is None:
        return None
    node, ancestors = found
    if node is root:
        return None
    old_text = doc.text
    removed = old_text[start:end]
    delta = len(new_text) - (end - start)
    n_start, n_end = node.start, node.end
    # no error may touch the value (its parse was clean and will be replaced)
    for e in doc.errors:
        if e.start <= n_end and e.end >= n_start:
            return None
    text_only = False
    if node.kind == "string":
        if _STRING_SENSITIVE.search(new_text) or _STRING_SENSITIVE.search(removed):
            return None
        text_only = (
            node.member is not None
            and node.member.key.value in CROSS_FIELD_BLIND_KEYS
            and node.value != ""
            and (n_end - n_start + delta) > 2
        )
    else:
        # line structure and the first token of each line feed the parser's indentation heuristics
        if _LINE_BREAK.search(new_text) or _LINE_BREAK.search(removed):
            return None
        line_start = max(old_text.rfind("\n", 0, start), old_text.rfind("\r", 0, start)) + 1
        if not old_text[line_start:start].strip():
            return None
        for a in ancestors:
            if not a.complete:
                return None
        if not node.complete:
            return None
    new_end = n_end + delta
    sub = parse(text[n_start:new_end])
    new = sub.root
    if (
        new is None
        or sub.errors
        or new.kind != node.kind
        or new.start != 0
        or new.end != new_end - n_start
        or not new.complete
        or (new.kind == "string" and new.quote != node.quote)
    ):
        return None
    depth = _shift_subtree(new, n_start)
    if len(ancestors) + depth >= MAX_DEPTH - 1:
        return None
    # -- commit: replace the value, then shift everything after it
    parent = node.parent
    new.parent = parent
    new.member = node.member
    if node.member is not None:
        node.member.value = new
    elif parent is not None:
        items = parent.items
        k = bisect_right(items, n_start, key=_start_of) - 1
        while k >= 0 and items[k] is not node:
            k -= 1
        if k < 0:  # pragma: no cover - the tree is always consistent
            raise RuntimeError("value not found in its parent")
        items[k] = new  # type: ignore[index]
    if delta:
        for a in ancestors:
            a.end += delta
            if a.kind == "object":
                members = a.members
                j = bisect_right(members, n_start, key=_start_of)
                # the member holding the edit: its end moves with its value
                if j > 0:
                    held = members[j - 1]
                    if held.end >= n_end:
                        held.end += delta
                later = members[j:]
                for m in later:
                    m.start += delta
                    m.end += delta
                    m.key.start += delta
                    m.key.end += delta
                _shift_after([m.value for m in later if m.value is not None], delta)
            else:
                items = a.items
                j = bisect_right(items, n_start, key=_start_of)
                _shift_after(items[j:], delta)  # type: ignore[arg-type]
    # errors and lenient forms: those after the value move; the value's own lenient forms are the new parse's
    if delta:
        for e in doc.errors:
            if e.start >= n_end:
                e.start += delta
                e.end += delta
    lenient = doc.lenient
    lo = bisect_right(lenient, n_start - 1, key=_start_of)
    hi = bisect_right(lenient, n_end - 1, key=_start_of)
    for f in lenient[hi:]:
        f.start += delta
        f.end += delta
    inner = []
    for f in sub.lenient:
        f.start += n_start
        f.end += n_start
        inner.append(f)
    lenient[lo:hi] = inner
    doc.text = text
    return Splice(start, end, delta, new, ancestors, text_only, new.start, new.end)


def update_tree(
    doc: ParsedDocument, edits: list[TextEdit], text: str
) -> tuple[ParsedDocument, list[Splice]] | None:
    """Apply `edits` (in order, each in the coordinates of the text before it) to `doc` (parsed from the text before
    the first one), ending with `text`. Returns the patched document and the splices, or None: parse from scratch.

    On success `doc` itself is patched and returned under a new ParsedDocument; the old object must not be used.
    """
    if not edits or len(edits) > MAX_REPLAYED_EDITS or doc.root is None:
        return None
    splices: list[Splice] = []
    current = doc.text
    work = ParsedDocument(current, doc.root, list(doc.errors), list(doc.lenient))
    for n, edit in enumerate(edits):
        after = text if n == len(edits) - 1 else current[: edit.start] + edit.new_text + current[edit.end :]
        try:
            splice = _splice_one(work, after, edit.start, edit.end, edit.new_text)
        except Exception:  # pragma: no cover - a bug here must only cost a full parse
            return None
        if splice is None:
            return None
        splices.append(splice)
        current = after
    if len(current) != len(text):  # pragma: no cover - the store and the edits disagree
        return None
    work.text = text
    return work, splices


# -- findings ---------------------------------------------------------------------------------------------------

_UNKNOWN = -1
#: characters of text on each side of a syntax error that its message may quote
_CONTEXT = 256


class _ShiftConflict(Exception):
    pass


def _move(p: int, start: int, end: int, delta: int) -> int:
    """An offset moved across the replacement of [start, end): unchanged before it, shifted after it."""
    if start == end:
        if p < start:
            return p
        if p > start:
            return p + delta
        raise _ShiftConflict  # at an insertion point: before or after it is unknown
    if p <= start:
        return p
    if p >= end:
        return p + delta
    raise _ShiftConflict


def shift_finding(f: Finding, start: int, end: int, delta: int) -> Finding:
    """A finding moved across an edit of [start, end) by `delta`; raises _ShiftConflict when it overlaps the edit."""
    s = _move(f.start, start, end, delta)
    e = _move(f.end, start, end, delta)
    fixes = f.fixes
    if fixes:
        fixes = tuple(
            replace(fx, edits=tuple(Edit(_move(x.start, start, end, delta), _move(x.end, start, end, delta), x.new_text)
                                    for x in fx.edits))
            for fx in fixes
        )
    if s == f.start and e == f.end and fixes is f.fixes:
        return f
    return replace(f, start=s, end=e, fixes=fixes)


def _offset_finding(f: Finding, delta: int) -> Finding:
    if not delta:
        return f
    fixes = tuple(
        Fix(fx.title, tuple(Edit(x.start + delta, x.end + delta, x.new_text) for x in fx.edits), fx.safe, fx.preferred)
        for fx in f.fixes
    )
    return replace(f, start=f.start + delta, end=f.end + delta, fixes=fixes)


def _within(f: Finding, lo: int, hi: int) -> bool:
    if not (lo <= f.start and f.end <= hi):
        return False
    return all(lo <= x.start and x.end <= hi for fx in f.fixes for x in fx.edits)


@dataclass
class _MemoEntry:
    pointer: str  # the list's pointer
    index: int
    length: int
    base: int
    findings: list[Finding]
    spellings: list[Any]


class AnalysisCache:
    """What one open document keeps between analyses so that the next one does only the work the edits require."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.memo: dict[Node, _MemoEntry] = {}  # by identity (Node has no __eq__)
        self.dirty: set[Node] = set()
        self.unreadable: int | None = _UNKNOWN
        self.secrets: list[Finding] | None = None
        self.secret_regions: list[tuple[int, int]] = []
        self.cross: list[Finding] | None = None
        self.syntax: dict[SyntaxIssue, tuple[int, list[Finding]]] = {}  # by identity (no __eq__)
        self.root: Node | None = None  # the tree the cached facts describe (patched in place by splices)

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def on_full_parse(self) -> None:
        """The tree was rebuilt: nothing cached about nodes or offsets survives."""
        self.reset()

    def on_splice(self, splice: Splice, new_text: str) -> None:
        start, end, delta = splice.start, splice.end, splice.delta
        for ancestor in splice.ancestors:
            self.dirty.add(ancestor)
        # GL011: the first NUL or non-UTF-8 character
        u = self.unreadable
        if _UNREADABLE.search(new_text):
            self.unreadable = _UNKNOWN
        elif u is not None and u != _UNKNOWN and u >= start:
            self.unreadable = _UNKNOWN if u < end else u + delta
        # secrets: a credential never crosses a quote or bracket, so each one lies wholly inside or outside the
        # re-parsed value; those inside are dropped here and found again by rescanning the value
        lo, hi = splice.lo, splice.hi
        old_hi = hi - delta
        if self.secrets is not None:
            self.secrets = [
                f if f.start < lo else _offset_finding(f, delta)
                for f in self.secrets
                if f.end <= lo or f.start >= old_hi
            ]
            regions: list[tuple[int, int]] = []
            for a, b in self.secret_regions:
                if b <= start:
                    regions.append((a, b))
                elif a >= end:
                    regions.append((a + delta, b + delta))
                else:
                    regions.append((min(a, lo), max(b + delta, hi)))
            regions.append((lo, hi))
            self.secret_regions = regions
        # cross-field findings
        if self.cross is not None:
            if not splice.text_only:
                self.cross = None
            else:
                try:
                    self.cross = [shift_finding(f, start, end, delta) for f in self.cross]
                except _ShiftConflict:
                    self.cross = None


class _Window:
    """A view of a parsed document for a check that scans `text` (a slice starting at `base`): offsets the check
    reads or returns are relative to the slice; lookups go to the real document."""

    __slots__ = ("doc", "base", "text", "errors", "lenient", "root")

    def __init__(self, doc: ParsedDocument, base: int, text: str, errors: list | None = None) -> None:
        self.doc = doc
        self.base = base
        self.text = text
        self.errors = errors if errors is not None else []
        self.lenient: list = []
        self.root = doc.root

    def node_at_offset(self, offset: int) -> Node | None:
        return self.doc.node_at_offset(offset + self.base)

    def member_at_offset(self, offset: int) -> Member | None:
        return self.doc.member_at_offset(offset + self.base)

    def pointer_of(self, node: Node) -> str:
        return self.doc.pointer_of(node)

    def node_at_pointer(self, pointer: str) -> Node | None:
        return self.doc.node_at_pointer(pointer)

    def raw(self, node: Node) -> str:
        return self.doc.raw(node)


def first_unreadable(text: str) -> int | None:
    """The offset of the first NUL or lone surrogate (undecodable byte), or None; C-speed scans only."""
    nul = text.find("\x00")
    if text.isascii():
        return nul if nul >= 0 else None
    try:
        text.encode("utf-8")
        sur = -1
    except UnicodeEncodeError as error:
        sur = error.start
    found = [p for p in (nul, sur) if p >= 0]
    return min(found) if found else None


def _context_key(ctx_context: Any, settings: Settings, catalog: Catalog, today: date, schema: Any, too_large: bool):
    return (ctx_context, settings, catalog, today, schema, too_large)


def analyze_incremental(
    text: str,
    path: str,
    settings: Settings,
    catalog: Catalog,
    doc: ParsedDocument,
    cache: AnalysisCache,
    today: date | None = None,
) -> Analysis:
    """Same result as `analysis.analyze(text, path, settings, catalog=catalog, doc=doc)`, reusing `cache`."""
    from . import catalog as catalog_module
    from . import checks
    from .analysis import Analysis, analyze, apply_severity_overrides, check_context, request_context
    from .checks import lenient, secrets, structure, syntax
    from .schema import load_request_schema

    context = request_context(doc, path, settings)
    schema = load_request_schema(context.api, context.api_version, context.method)
    too_large = len(text) > settings.max_file_size
    day = today or catalog_module.today()
    if schema is None or too_large or doc.root is None or doc.root.kind != "object":
        cache.reset()
        return analyze(text, path, settings, catalog=catalog, doc=doc, today=day)
    key = _context_key(context, settings, catalog, day, schema, too_large)
    if cache.key != key or cache.root is not doc.root:
        cache.reset()
        cache.key = key
    ctx = check_context(doc, context, schema, catalog, settings, day, len(text))
    findings: list[Finding] = []
    # syntax: GL011, then the parse errors
    if cache.unreadable == _UNKNOWN:
        cache.unreadable = first_unreadable(text)
    u = cache.unreadable
    if u is not None:
        window = _Window(doc, u, text[u : u + 1])
        findings.extend(_offset_finding(f, u) for f in syntax.check_syntax(replace(ctx, doc=window)))  # type: ignore[arg-type]
    converted: dict[SyntaxIssue, tuple[int, list[Finding]]] = {}
    for issue in doc.errors:
        # a parse error outside every patched value keeps its object, text and pointer: reuse its findings
        known = cache.syntax.get(issue)
        if known is not None:
            base, made = known
            if base != issue.start:
                made = [_offset_finding(f, issue.start - base) for f in made]
        else:
            # check_syntax on a window of the text around the error (its messages may quote the text), so that
            # its own scan for unreadable characters (GL011, handled above) stays off the whole text
            a = max(0, issue.start - _CONTEXT)
            b = min(len(text), max(issue.end, issue.start) + _CONTEXT)
            shifted = SyntaxIssue(issue.code, issue.message, issue.start - a, issue.end - a, issue.node, issue.closing)
            window = _Window(doc, a, text[a:b], [shifted])
            made = [_offset_finding(f, a) for f in syntax.check_syntax(replace(ctx, doc=window))  # type: ignore[arg-type]
                    if f.code != "GL011"]  # the window's own unreadable-character finding: handled above
        converted[issue] = (issue.start, made)
        findings.extend(made)
    cache.syntax = converted
    # secrets
    if cache.secrets is None:
        cache.secrets = _scan_secrets(ctx, doc, text, secrets)
    elif cache.secret_regions:
        regions = _merge(cache.secret_regions)
        kept = [f for f in cache.secrets if not any(a <= f.start < b for a, b in regions)]
        for a, b in regions:
            window = _Window(doc, a, text[a:b])
            kept.extend(_offset_finding(f, a) for f in secrets.check_secrets(replace(ctx, doc=window)))  # type: ignore[arg-type]
        cache.secrets = kept
    cache.secret_regions = []
    findings.extend(cache.secrets)
    # lenient forms
    findings.extend(lenient.check_lenient_forms(ctx))
    # structure, memoised per list item
    findings.extend(_structure(ctx, cache, structure))
    # cross-field families
    if cache.cross is None:
        cross: list[Finding] = []
        for check in checks._schema_checks():  # noqa: SLF001 - the same list run_checks uses
            if check is structure.check_structure:
                continue
            cross.extend(check(ctx))
        cache.cross = cross
    findings.extend(cache.cross)
    cache.dirty.clear()
    cache.root = doc.root
    result = secrets.redact_findings(apply_severity_overrides(checks.finish(findings), settings))
    result.sort(key=lambda f: (f.start, f.end, f.code))
    return Analysis(doc, context, result)


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _scan_secrets(ctx: Any, doc: ParsedDocument, text: str, secrets: Any) -> list[Finding]:
    """All credentials in the text; long bytes values (base64 media) are skipped, as check_secrets ignores what it
    finds in them, so an 8 MiB image costs nothing here."""
    skip: list[tuple[int, int]] = []
    stack = [doc.root] if doc.root is not None else []
    while stack:
        n = stack.pop()
        if n.kind == "string":
            if n.end - n.start > 4096 and n.member is not None and secrets._is_bytes_value(ctx, n):  # noqa: SLF001
                skip.append((n.start + 1, n.end - 1))
        elif n.members:
            stack.extend(m.value for m in n.members if m.value is not None)
        elif n.items:
            stack.extend(n.items)
    if not skip:
        return list(secrets.check_secrets(ctx))
    skip.sort()
    out: list[Finding] = []
    pos = 0
    for a, b in skip + [(len(text), len(text))]:
        if a > pos:
            window = _Window(doc, pos, text[pos:a])
            out.extend(_offset_finding(f, pos) for f in secrets.check_secrets(replace(ctx, doc=window)))
        pos = max(pos, b)
    return out


def _structure(ctx: Any, cache: AnalysisCache, structure: Any) -> list[Finding]:
    from .checks import values

    root = ctx.doc.root
    walker = _memo_walker_class(structure, values)(ctx, cache)
    walker.message(root, ctx.schema.root, "")
    cache.memo = walker.new_memo
    out = list(walker.findings)
    out.extend(walker.naming_hints())
    return out


_WALKER_CLASS: Any = None


def _memo_walker_class(structure: Any, values: Any) -> Any:
    global _WALKER_CLASS
    if _WALKER_CLASS is not None and _WALKER_CLASS.__bases__[0] is structure._Walker:  # noqa: SLF001
        return _WALKER_CLASS

    class MemoWalker(structure._Walker):  # type: ignore[name-defined,misc]  # noqa: SLF001
        """The schema walk, reusing per list item the findings of the previous walk."""

        def __init__(self, ctx: Any, cache: AnalysisCache) -> None:
            super().__init__(ctx)
            self.old_memo = cache.memo
            self.dirty = cache.dirty
            self.new_memo: dict[Node, _MemoEntry] = {}

        def value(self, node: Node, field: Any, pointer: str) -> None:
            if (
                node.kind == "array"
                and field.repeated
                and field.kind != "map"
                and len(node.items) >= MEMO_MIN_ITEMS
            ):
                old = self.old_memo
                new = self.new_memo
                dirty = self.dirty
                findings = self.findings
                spellings = self.spellings
                for index, item in enumerate(node.items):
                    if item.kind == "array":
                        self.wrong_type(item, field, f"{pointer}/{index}", "a single item, not a nested list")
                        continue
                    entry = old.get(item)
                    if (
                        entry is not None
                        and entry.index == index
                        and entry.length == item.end - item.start
                        and entry.pointer == pointer
                        and item not in dirty
                    ):
                        if entry.findings:
                            delta = item.start - entry.base
                            if delta:
                                entry.findings = [_offset_finding(f, delta) for f in entry.findings]
                                entry.base = item.start
                            findings.extend(entry.findings)
                        if entry.spellings:
                            spellings.extend(entry.spellings)
                        new[item] = entry
                        continue
                    f0 = len(findings)
                    s0 = len(spellings)
                    self.single(item, field, f"{pointer}/{index}")
                    mine = findings[f0:]
                    if all(_within(f, item.start, item.end) for f in mine):
                        new[item] = _MemoEntry(pointer, index, item.end - item.start, item.start, mine, spellings[s0:])
                values.check_list_rules(self, node, field, pointer)
                return
            super().value(node, field, pointer)

    _WALKER_CLASS = MemoWalker
    return MemoWalker
