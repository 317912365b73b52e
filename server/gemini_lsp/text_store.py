"""The server's own store of open documents: text, version and a line index, updated incrementally.

pygls' `TextDocument.apply_change` rebuilds the whole text from `splitlines()` on every incremental change, which
costs 5-11 ms per keystroke on a 2-8 MB document (measured while designing this store). Here a change costs one slice-and-join of the
text (C speed) plus a rescan of the few lines it touches; the line starts after it are shifted in one list
comprehension. The line index is a `positions.LineIndex` (same class, same conversions) kept up to date in place of
being rebuilt, so UTF-16 positions are computed exactly as everywhere else.

Each change is also recorded as an `Edit` (str offsets in the text it applied to) so that the parse tree of the
previous version can be patched instead of rebuilt (`gemini_lsp.incremental`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from types import MemberDescriptorType
from typing import Any, Sequence

from .positions import LineIndex

__all__ = ["StoredDocument", "TextEdit", "TextStore", "update_line_index"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Edits kept per document between two analyses; beyond this the next analysis starts from scratch.
MAX_PENDING_EDITS = 64


@dataclass(frozen=True)
class TextEdit:
    """`text[start:end]` of the previous version was replaced by `new_text` (str offsets)."""

    start: int
    end: int
    new_text: str


@dataclass
class StoredDocument:
    uri: str
    version: int | None
    text: str
    language_id: str = ""
    _index: LineIndex | None = None
    #: edits since `base_version` (None: the edit history is unknown, e.g. after a full-text change)
    edits: list[TextEdit] | None = field(default_factory=list)
    base_version: int | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def apply(self, change: object) -> None:
        """Apply one LSP content change (incremental with a range, or the whole text)."""
        rng = getattr(change, "range", None)
        new_text: str = getattr(change, "text", "")
        if rng is None:
            self.text = new_text
            self._index = None
            self.edits = None
            return
        index = self.index
        start = index.offset(rng.start.line, rng.start.character)
        end = index.offset(rng.end.line, rng.end.character)
        if end < start:
            start, end = end, start
        old = self.text
        if start == end and not new_text:
            return
        text = old[:start] + new_text + old[end:]
        self._index = update_line_index(index, text, start, end, len(new_text))
        self.text = text
        if self.edits is not None:
            if len(self.edits) >= MAX_PENDING_EDITS:
                self.edits = None
            else:
                self.edits.append(TextEdit(start, end, new_text))

    def take_edits(self, since_version: int | None) -> list[TextEdit] | None:
        """The edits that turn version `since_version` into the current text, or None when unknown; then start a new
        history at the current version."""
        edits = self.edits if self.base_version == since_version and since_version is not None else None
        self.edits = []
        self.base_version = self.version
        return edits


class TextStore:
    """Open documents by URI."""

    def __init__(self) -> None:
        self.documents: dict[str, StoredDocument] = {}

    def get(self, uri: str) -> StoredDocument | None:
        return self.documents.get(uri)

    def open(self, uri: str, text: str, version: int | None, language_id: str = "") -> StoredDocument:
        document = StoredDocument(uri, version, text, language_id)
        document.base_version = version
        self.documents[uri] = document
        return document

    def change(self, uri: str, version: int | None, changes: Sequence[Any]) -> StoredDocument | None:
        document = self.documents.get(uri)
        if document is None:
            return None
        for change in changes:
            document.apply(change)
        document.version = version
        return document

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)

    def __contains__(self, uri: str) -> bool:
        return uri in self.documents

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self.documents))


# the slot descriptors of the base class: raw storage (read from the class __dict__: the same objects as
# `LineIndex.line_starts` / `._content_ends`, but type checkers see descriptors, not the instance's lists)
_RAW_STARTS: MemberDescriptorType = LineIndex.__dict__["line_starts"]
_RAW_ENDS: MemberDescriptorType = LineIndex.__dict__["_content_ends"]


class ShiftedLineIndex(LineIndex):
    """A `LineIndex` whose line starts (ends) from line `lazy_start_line` (`lazy_end_line`) on are stored `lazy_delta` too small.

    An edit then costs a rescan of the lines it touches, list slicing (C speed) and, to settle the previous edit's
    shift, work proportional to the lines between the two edits; not an addition per line of the document.
    Reading `line_starts` / `_content_ends` from outside settles the shift once (O(lines)).
    """

    __slots__ = ("lazy_start_line", "lazy_end_line", "lazy_delta")
    lazy_start_line: int
    lazy_end_line: int
    lazy_delta: int

    @property  # type: ignore[override]
    def line_starts(self) -> list[int]:
        self._settle()
        return _RAW_STARTS.__get__(self)

    @line_starts.setter
    def line_starts(self, value: list[int]) -> None:
        _RAW_STARTS.__set__(self, value)

    @property  # type: ignore[override]
    def _content_ends(self) -> list[int]:
        self._settle()
        return _RAW_ENDS.__get__(self)

    @_content_ends.setter
    def _content_ends(self, value: list[int]) -> None:
        _RAW_ENDS.__set__(self, value)

    def _settle(self) -> None:
        d = self.lazy_delta
        if d:
            starts = _RAW_STARTS.__get__(self)
            ends = _RAW_ENDS.__get__(self)
            ks, ke = self.lazy_start_line, self.lazy_end_line
            starts[ks:] = [x + d for x in starts[ks:]]
            ends[ke:] = [x + d for x in ends[ke:]]
            self.lazy_delta = 0
        self.lazy_start_line = self.lazy_end_line = len(_RAW_STARTS.__get__(self))

    def _start(self, line: int) -> int:
        x = _RAW_STARTS.__get__(self)[line]
        return x + self.lazy_delta if line >= self.lazy_start_line else x

    def _end(self, line: int) -> int:
        x = _RAW_ENDS.__get__(self)[line]
        return x + self.lazy_delta if line >= self.lazy_end_line else x

    @property
    def line_count(self) -> int:
        return len(_RAW_STARTS.__get__(self))

    def line_of(self, offset: int) -> int:
        offset = min(max(offset, 0), len(self.text))
        starts = _RAW_STARTS.__get__(self)
        ks = self.lazy_start_line
        if ks < len(starts) and offset >= starts[ks] + self.lazy_delta:
            return bisect_right(starts, offset - self.lazy_delta, ks) - 1
        return bisect_right(starts, offset, 0, ks) - 1

    def line_range(self, line: int) -> tuple[int, int]:
        line = min(max(line, 0), self.line_count - 1)
        return self._start(line), self._end(line)

    def position(self, offset: int) -> tuple[int, int]:
        offset = min(max(offset, 0), len(self.text))
        line = self.line_of(offset)
        start = self._start(line)
        end = min(offset, self._end(line))
        if self.text.isascii():  # O(1) in CPython: no slice of a long line
            return line, end - start
        return line, _utf16_len(self.text[start:end])

    def offset(self, line: int, character: int) -> int:
        if line < 0:
            return 0
        if line >= self.line_count:
            return len(self.text)
        start, end = self._start(line), self._end(line)
        if character <= 0:
            return start
        return _column_offset(self.text, start, end, character)


def _utf16_len(s: str) -> int:
    from .positions import utf16_len

    return utf16_len(s)


def _column_offset(text: str, start: int, end: int, character: int) -> int:
    """LineIndex.offset within one line whose content is text[start:end] (same clamping and surrogate rules)."""
    segment = text[start:end]
    if segment.isascii():
        return start + min(character, len(segment))
    return start + LineIndex(segment).offset(0, character)


def update_line_index(index: LineIndex, text: str, start: int, end: int, new_len: int) -> LineIndex:
    """The line index of `text`, which is `index.text` with [start, end) replaced by `new_len` characters.

    The lines around the edit (one more on each side, so that a `\\r` and `\\n` joined or split by the edit are
    seen) are rescanned; the lines after them keep a pending shift (see ShiftedLineIndex), and only the lines
    between this edit and the previous one are touched to settle the previous shift.
    """
    if isinstance(index, ShiftedLineIndex):
        raw_s, raw_e = _RAW_STARTS.__get__(index), _RAW_ENDS.__get__(index)
        ks, ke, d = index.lazy_start_line, index.lazy_end_line, index.lazy_delta
    else:
        raw_s, raw_e = index.line_starts, index._content_ends  # noqa: SLF001
        ks = ke = len(raw_s)
        d = 0
    n_lines = len(raw_s)
    delta = new_len - (end - start)
    old_len = len(index.text)
    first = max(0, index.line_of(start) - 1)
    after = index.line_of(end) + 2  # index of the first line start safely after the edit

    def true_start(i: int) -> int:
        return raw_s[i] + d if i >= ks else raw_s[i]

    window_start = true_start(first)
    window_end = (true_start(after) if after < n_lines else old_len) + delta
    found_s: list[int] = []
    found_e: list[int] = []
    for m in _LINE_BREAK.finditer(text, window_start, window_end):
        found_e.append(m.start())
        found_s.append(m.end())
    result = ShiftedLineIndex.__new__(ShiftedLineIndex)
    result.text = text
    # the part before the window, settled (true values)
    prefix_s = raw_s[: first + 1]
    prefix_e = raw_e[:first]
    if d and ks < len(prefix_s):
        prefix_s[ks:] = [x + d for x in prefix_s[ks:]]
    if d and ke < len(prefix_e):
        prefix_e[ke:] = [x + d for x in prefix_e[ke:]]
    if after >= n_lines:
        new_s = prefix_s + found_s
        new_e = prefix_e + found_e + [len(text)]
        _RAW_STARTS.__set__(result, new_s)
        _RAW_ENDS.__set__(result, new_e)
        result.lazy_start_line, result.lazy_end_line, result.lazy_delta = len(new_s), len(new_e), 0
        return result
    # the part after the window, stored so that true = stored + (d + delta) throughout
    tail_s = raw_s[after + 1 :]
    tail_e = raw_e[after:]
    if d:
        settled = ks - (after + 1)
        if settled > 0:
            tail_s[:settled] = [x - d for x in tail_s[:settled]]
        settled = ke - after
        if settled > 0:
            tail_e[:settled] = [x - d for x in tail_e[:settled]]
    new_s = prefix_s + found_s + tail_s
    new_e = prefix_e + found_e + tail_e
    _RAW_STARTS.__set__(result, new_s)
    _RAW_ENDS.__set__(result, new_e)
    result.lazy_start_line = len(prefix_s) + len(found_s)
    result.lazy_end_line = len(prefix_e) + len(found_e)
    result.lazy_delta = d + delta
    if not result.lazy_delta:
        result.lazy_start_line, result.lazy_end_line = len(new_s), len(new_e)
    return result
