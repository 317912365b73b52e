"""Work proportional to the edit: patch the previous parse tree, and keep what the engine needs to reuse findings
(`AnalysisCache`). Used by the language server only; which findings are reused is decided by `engine.py` from what
each check declares, and the results equal a fresh analysis (tests/test_fuzz.py compares the two after random edits).

Tree (`update_tree`): an edit strictly inside one value (a string's body, or a container's brackets) re-parses only
the smallest such value, when the old value was parsed without any error and the new text of it parses on its own
as one complete value of the same kind without any error. The new subtree replaces the old one; nodes after it are
shifted in place. Anything else (an edit that touches brackets or quotes, a line break added or removed inside a
container, an error nearby) falls back to a full `document.parse`.

"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .document import MAX_DEPTH, LenientForm, Member, Node, ParsedDocument, SyntaxIssue, parse
from .rule import FREE_TEXT_KEYS

if TYPE_CHECKING:
    from .text_store import TextEdit

__all__ = ["AnalysisCache", "Splice", "update_tree"]

#: at most this many pending edits are replayed one by one; more means a full parse
MAX_REPLAYED_EDITS = 8
#: the previous document may carry at most this many syntax errors for a patch to be tried
MAX_ERRORS_FOR_PATCH = 200
#: characters that make an edit inside a string more than a change of its text
_STRING_SENSITIVE = re.compile(r"[\"'\\\x00-\x1f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\r\n]")


# -- the tree ---------------------------------------------------------------------------------------------------


@dataclass
class Splice:
    """One edit applied to the tree: old text [start, end) replaced by `new_len` characters."""

    start: int
    end: int
    delta: int
    node: Node  # the new value that replaced the old one
    ancestors: list[Node]  # root .. parent of `node`, mutated in place
    text_only: bool  # the edit changed only the free text of a non-empty free-text string (rule.FREE_TEXT_KEYS)
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
            and node.member.key.value in FREE_TEXT_KEYS
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
        # an exception here is a bug: it propagates (the server logs it and parses from scratch; the tests fail)
        splice = _splice_one(work, after, edit.start, edit.end, edit.new_text)
        if splice is None:
            return None
        splices.append(splice)
        current = after
    if len(current) != len(text):  # pragma: no cover - the store and the edits disagree
        raise RuntimeError(f"the edits give {len(current)} characters, the store has {len(text)}")
    work.text = text
    return work, splices


# -- what the engine keeps between analyses -----------------------------------------------------------------------


class AnalysisCache:
    """What one open document keeps between analyses: per check, the state the engine kept of its last run
    (`engine.py` decides what it is and how to reuse it), and the splices made to the tree since."""

    def __init__(self) -> None:
        self.key: tuple | None = None  # what the findings were computed against (settings, surface, model, ...)
        self.root: Node | None = None  # the tree they describe (patched in place by splices)
        self.state: dict[str, Any] = {}  # check name -> the engine's state of it
        self.regions: list[tuple[int, int]] = []  # text regions re-parsed since the last run, merged
        self._splices: list[Splice] = []
        self._regions: list[tuple[int, int]] = []

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def on_full_parse(self) -> None:
        """The tree was rebuilt: nothing cached about nodes or offsets survives."""
        self.reset()

    def on_splice(self, splice: Splice) -> None:
        """Record one splice: the text regions edited since the last run move with it, and grow by its value."""
        start, end, delta = splice.start, splice.end, splice.delta
        lo, hi = splice.lo, splice.hi
        regions: list[tuple[int, int]] = []
        for a, b in self._regions:
            if b <= start:
                regions.append((a, b))
            elif a >= end:
                regions.append((a + delta, b + delta))
            else:
                regions.append((min(a, lo), max(b + delta, hi)))
        regions.append((lo, hi))
        self._regions = regions
        self._splices.append(splice)

    def take_splices(self) -> list[Splice]:
        """The splices since the last run (in order), for the run that starts now; `regions` holds their regions."""
        splices, self._splices = self._splices, []
        self.regions = _merge(self._regions)
        self._regions = []
        return splices

    def begin(self, key: tuple, root: Node | None) -> None:
        """Start a run for `key` over the tree `root`: anything kept for another key or tree is dropped."""
        if self.key != key or self.root is not root:
            self.reset()
            self.key = key
        self.root = root


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
