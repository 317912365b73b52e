"""Conversion between str offsets (code points) and LSP positions (line, UTF-16 character).

The engine works in Python `str` offsets; LSP positions count UTF-16 code units per line and treat `\\n`, `\\r\\n`
and `\\r` as line breaks. `LineIndex` is built once per document version: line starts are found with one regular
expression pass (C speed), and UTF-16 columns are computed only for the line in question, so a single 8 MiB line
costs one encode of that line and nothing per character in Python.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types

__all__ = ["LineIndex", "utf16_len"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NEWLINE = re.compile(r"\n")


def utf16_len(s: str) -> int:
    """Return the length of `s` in UTF-16 code units (an astral character counts 2, a lone surrogate 1)."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """Line starts of a text, and offset <-> (line, UTF-16 character) conversion.

    Offsets are clamped into [0, len(text)]. A line's content excludes its line break; an offset that points into a
    line break (e.g. between `\\r` and `\\n`) maps to the end of that line's content.
    """

    __slots__ = ("_content_ends", "line_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends: list[int] = []
        if "\r" not in text:
            starts.extend([m.end() for m in _NEWLINE.finditer(text)])
            ends.extend([p - 1 for p in starts[1:]])
        else:
            for m in _LINE_BREAK.finditer(text):
                ends.append(m.start())
                starts.append(m.end())
        ends.append(len(text))
        self.line_starts: list[int] = starts
        self._content_ends: list[int] = ends

    @property
    def line_count(self) -> int:
        """The number of lines (a text ending with a line break has an empty last line)."""
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        """Return the 0-based line that holds `offset` (clamped into the text)."""
        offset = min(max(offset, 0), len(self.text))
        return bisect_right(self.line_starts, offset) - 1

    def line_range(self, line: int) -> tuple[int, int]:
        """Return the [start, end) str offsets of a line's content, without its line break (line clamped)."""
        line = min(max(line, 0), len(self.line_starts) - 1)
        return self.line_starts[line], self._content_ends[line]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 0-based (line, UTF-16 character) of a str offset (clamped into the text)."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        end = min(offset, self._content_ends[line])
        return line, utf16_len(self.text[start:end])

    def offset(self, line: int, character: int) -> int:
        """Return the str offset of an LSP position.

        A line before the first clamps to offset 0, a line after the last to the end of the text; a character past
        the end of its line clamps to the line's end; a character in the middle of a surrogate pair rounds down to
        the start of that astral character.
        """
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        end = self._content_ends[line]
        if character <= 0:
            return start
        segment = self.text[start:end]
        if segment.isascii():
            return start + min(character, len(segment))
        data = segment.encode("utf-16-le", "surrogatepass")
        if 2 * character >= len(data):
            return end
        prefix = data[: 2 * character]
        # a split surrogate pair leaves a lone high surrogate at the end: round down to the pair's start
        last = int.from_bytes(prefix[-2:], "little")
        if 0xD800 <= last <= 0xDBFF:
            nxt = int.from_bytes(data[2 * character : 2 * character + 2], "little")
            if 0xDC00 <= nxt <= 0xDFFF:
                prefix = prefix[:-2]
        return start + len(prefix.decode("utf-16-le", "surrogatepass"))

    def range(self, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Return ((line, character), (line, character)) for a [start, end) offset range."""
        return self.position(start), self.position(end)


def lsp_range(index: LineIndex, start: int, end: int) -> types.Range:
    """The LSP range of text[start:end): the one place where offsets become LSP positions."""
    (sl, sc), (el, ec) = index.range(start, end)
    return types.Range(start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec))
