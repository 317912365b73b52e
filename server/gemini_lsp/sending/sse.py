"""A small server-sent-events reader for `streamGenerateContent?alt=sse` (SENDING.md §4).

Lines end at LF or CRLF only (never at U+2028 or other characters `str.splitlines` honours); `data:` lines are joined
with `\\n` and dispatched at a blank line; comments (`:`) and other fields are ignored; there is no `[DONE]`: the
end of the stream ends it. Bytes are decoded per complete line, so a UTF-8 character split across chunks is fine.
"""

from __future__ import annotations

__all__ = ["SSEReader"]


class SSEReader:
    """Feed bytes as they arrive; get the data of each complete event."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[str]:
        self._buffer += chunk
        events: list[str] = []
        while True:
            newline = self._buffer.find(b"\n")
            if newline == -1:
                break
            line = self._buffer[:newline]
            self._buffer = self._buffer[newline + 1:]
            if line.endswith(b"\r"):
                line = line[:-1]
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[str]:
        """The events left when the stream ends (a last event without its blank line still counts)."""
        events: list[str] = []
        if self._buffer:
            line = self._buffer.removesuffix(b"\r")
            self._buffer = b""
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        if self._data:
            events.append("\n".join(self._data))
            self._data = []
        return events

    def _line(self, line: str) -> str | None:
        if line == "":
            if self._data:
                event = "\n".join(self._data)
                self._data = []
                return event
            return None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None

    @property
    def pending(self) -> bool:
        """Whether a partial line or event is buffered."""
        return bool(self._buffer or self._data)
