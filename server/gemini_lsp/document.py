"""Error-tolerant, API-lenient JSON parsing into a syntax tree with str offsets.

`parse(text)` never raises. It builds a tree of `Node`/`Member` objects for any text, records the forms that the
Gemini API accepts although strict JSON does not (`LenientForm`: trailing commas, single quotes, unquoted keys, raw
line breaks in strings; also comments and unusual numbers, which the parser recovers from the same way but the checks report as errors,
because the API rejects them) and reports what the API rejects (`SyntaxIssue` with a GL0xx rule code), every
error rather than only the first.

How it works
------------
The parser is iterative (an explicit stack, no recursion per nesting level) and scans with compiled regular
expressions: one `re` match per token, whitespace skipped by regex, and a string body matched in a single regex call,
so an 8 MiB base64 string is scanned in C. Nesting deeper than `MAX_DEPTH` is skipped quickly and reported once
(GL012), so the tree is never deeper than `MAX_DEPTH + 1` and recursive walkers downstream are safe.

Error recovery
--------------
- A string without its closing quote ends at the end of its line (GL002). A string that spans lines is accepted as a
  raw line break (lenient) only when what follows its closing quote can follow a value (`, : } ]`, a comment or the
  end of the text); otherwise the quote is taken to open the next key and the string ends at its first line break.
- A closing bracket that does not match the innermost container closes the containers in between, each reported once
  as unclosed (GL004), when an enclosing container of its kind exists; otherwise it is skipped (GL001).
- In a pretty-printed document, a key or closing bracket that starts a line dedented to the level of an enclosing
  container closes the inner ones (GL004), so a missing `}` does not swallow the rest of the document. Because
  well-formed JSON may be indented inconsistently (Google's own samples are), this reading is a second pass, run only
  when the plain pass found errors and saw such a line; the reading with fewer errors wins. A key seen inside an
  array (`"k":`) closes the array(s) up to the object that owns it.
- A string ended early by an unescaped inner quote (`"say "hi" now"`) is repaired with one GL001.
- A missing comma (GL003) or colon (GL010) is reported and parsing continues as if it were there; a missing value
  (GL005) leaves `Member.value` None; unquoted words become `invalid` nodes (GL001/GL006) so the member keeps a value.
- Errors right after an unterminated string or an unclosed container are not reported twice; stray text is merged
  into one error per run; after `MAX_ERRORS` errors the rest is not analysed (one more GL001 says so).
"""

from __future__ import annotations

import gc
import json
import logging
import math
import re
import sys
from bisect import bisect_right
from collections.abc import Callable
from operator import attrgetter
from typing import cast

log = logging.getLogger("gemini_lsp.document")

__all__ = [
    "MAX_DEPTH",
    "LenientForm",
    "Member",
    "Node",
    "ParsedDocument",
    "SyntaxIssue",
    "escape_pointer_token",
    "number_value",
    "parse",
    "split_pointer",
    "string_value",
]

#: Containers nested deeper than this are not built; their contents are skipped and reported once (GL012).
MAX_DEPTH = 200
#: After this many syntax errors the rest of the text is not analysed (one more GL001 says so).
MAX_ERRORS = 1000

JsonScalar = str | int | float | bool | None

_API = "Invalid JSON payload received."
_EMPTY: tuple = ()


class Node:
    """A JSON value in the tree: object, array, string, number, boolean, null or invalid.

    `start`/`end` delimit the value's text, quotes and brackets included (`end` exclusive). `value` is the decoded
    string, the int (literal without fraction/exponent) or float, the bool, or None for null, containers and invalid
    tokens. `members` (objects) and `items` (arrays) are lists; other kinds share an empty tuple. `complete` is False
    for a container that was not closed or whose contents were cut by an error. `quote` is `"` or `'` for strings
    (and "" for an unquoted key). Use `raw(text)` or `ParsedDocument.raw(node)` for the literal text.
    """

    __slots__ = ("complete", "end", "items", "kind", "member", "members", "parent", "quote", "start", "value")

    def __init__(self, kind: str, start: int, end: int, value: JsonScalar = None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
        self.members: list[Member] | tuple = _EMPTY
        self.items: list[Node] | tuple = _EMPTY
        self.parent: Node | None = None
        self.member: Member | None = None
        self.complete = True
        self.quote = ""

    def raw(self, text: str) -> str:
        """Return this value's literal text in `text` (the document the node was parsed from)."""
        return text[self.start : self.end]

    @property
    def children(self) -> list[Node]:
        """The direct child values: member values (present ones) of an object, items of an array."""
        if self.kind == "object":
            return [m.value for m in self.members if m.value is not None]
        if self.kind == "array":
            return list(self.items)
        return []

    def get(self, key: str) -> Node | None:
        """Return the value of the first member named `key` of an object (None if absent or not an object)."""
        for m in self.members:
            if m.key.value == key:
                return m.value
        return None

    def __repr__(self) -> str:
        extra = f" {self.value!r}" if self.kind not in ("object", "array") else ""
        if isinstance(self.value, str) and len(self.value) > 40:
            extra = f" {self.value[:37]!r}..."
        flag = "" if self.complete else " incomplete"
        return f"<Node {self.kind} {self.start}:{self.end}{extra}{flag}>"


class Member:
    """A `"key": value` pair of an object. `value` is None when missing; `start..end` spans key to value."""

    __slots__ = ("end", "key", "parent", "start", "value")

    def __init__(self, key: Node, parent: Node) -> None:
        self.key = key
        self.value: Node | None = None
        self.start = key.start
        self.end = key.end
        self.parent = parent

    def __repr__(self) -> str:
        return f"<Member {self.key.value!r} {self.start}:{self.end}>"


class SyntaxIssue:
    """A syntax error (or the GL012 warning) with its rule code, message and [start, end) range.

    `node` is the innermost value that encloses the problem (the root, or None when there is no root, at the top).
    """

    __slots__ = ("closing", "code", "end", "message", "node", "start")

    def __init__(self, code: str, message: str, start: int, end: int, node: Node | None,
                 closing: str | None = None) -> None:
        self.code = code
        self.message = message
        self.start = start
        self.end = end
        self.node = node
        self.closing = closing  # a cut-off file (GL004 at its end): the text that, inserted at `end`, closes it

    def __repr__(self) -> str:
        return f"<SyntaxIssue {self.code} {self.start}:{self.end} {self.message!r}>"


class LenientForm:
    """A form the API accepts that strict JSON does not; `replacement` is the strict-JSON text for [start, end)."""

    __slots__ = ("end", "kind", "replacement", "start")

    def __init__(self, kind: str, start: int, end: int, replacement: str | None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.replacement = replacement

    def __repr__(self) -> str:
        return f"<LenientForm {self.kind} {self.start}:{self.end} {self.replacement!r}>"


def string_value(node: Node) -> str:
    """The decoded text of a node of kind "string" (every object key is one), typed as `str`.

    The parser stores a str in `value` for every string node; `Node.value` is typed as any JSON scalar, so
    this states the invariant for the type checker. It does not check the kind: call it only on string nodes.
    """
    return cast(str, node.value)


def number_value(node: Node) -> int | float:
    """The value of a node of kind "number", typed as a number (the parser stores an int or a float for every
    number node). It does not check the kind: call it only on number nodes."""
    return cast("int | float", node.value)


def escape_pointer_token(key: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901: `~` -> `~0`, `/` -> `~1`)."""
    return key.replace("~", "~0").replace("/", "~1")


def split_pointer(pointer: str) -> list[str] | None:
    """Split an RFC 6901 pointer into unescaped tokens; "" -> []; None when it does not start with "/"."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _contains(node: Node, offset: int) -> bool:
    return node.start <= offset <= node.end


class ParsedDocument:
    """The result of `parse`: the text, the root value (None for an empty document), errors and lenient forms."""

    __slots__ = ("errors", "internal_error", "lenient", "root", "text")

    def __init__(self, text: str, root: Node | None, errors: list[SyntaxIssue], lenient: list[LenientForm]) -> None:
        self.text = text
        self.root = root
        self.errors = errors
        self.lenient = lenient
        #: set when the parser itself failed (a bug): the engine reports it as an internal error, never as GL001
        self.internal_error: str | None = None

    def raw(self, node: Node) -> str:
        """Return the literal text of a node (e.g. a number exactly as written)."""
        return self.text[node.start : node.end]

    def node_at_pointer(self, pointer: str) -> Node | None:
        """Return the value at an RFC 6901 pointer ("" is the root); the first member wins when a key repeats."""
        tokens = split_pointer(pointer)
        if tokens is None:
            return None
        node = self.root
        for token in tokens:
            if node is None:
                return None
            if node.kind == "object":
                found = None
                for m in node.members:
                    if m.key.value == token:
                        found = m.value
                        break
                node = found
            elif node.kind == "array":
                if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
                    return None
                index = int(token)
                if index >= len(node.items):
                    return None
                node = node.items[index]
            else:
                return None
        return node

    def member_pointer(self, member: Member) -> str:
        """The pointer of a member's value, also when the value is missing (parent's pointer plus the key)."""
        if member.value is not None:
            return self.pointer_of(member.value)
        return self.pointer_of(member.parent) + "/" + escape_pointer_token(str(member.key.value))

    def pointer_of(self, node: Node) -> str:
        """Return the RFC 6901 pointer of a value ("" for the root).

        For a member's value it is the parent's pointer plus the escaped key, for an array item the index. A key
        node yields the pointer of its member's value.
        """
        parts: list[str] = []
        current: Node | None = node
        while current is not None:
            parent = current.parent
            if parent is None:
                break
            if current.member is not None:
                parts.append(escape_pointer_token(str(current.member.key.value)))
            else:
                items = parent.items
                i = bisect_right(items, current.start, key=_start_of) - 1
                while i >= 0 and items[i] is not current:
                    i -= 1
                parts.append(str(max(i, 0)))
            current = parent
        if not parts:
            return ""
        parts.reverse()
        return "/" + "/".join(parts)

    def node_at_offset(self, offset: int) -> Node | None:
        """Return the innermost value whose [start, end] contains `offset`, both ends inclusive.

        Inclusive ends mean that a cursor right after a value (`"abc"|` or `}|`) still finds that value, and a
        cursor just inside a container's bracket finds the container. Where two values touch, the one that
        starts at `offset` wins. An offset inside a key yields the object that holds it (use `member_at_offset`
        for keys). None when the offset is outside the root.
        """
        node = self.root
        if node is None or not _contains(node, offset):
            return None
        while True:
            child = _child_at(node, offset)
            if child is None:
                return node
            node = child

    def member_at_offset(self, offset: int) -> Member | None:
        """Return the innermost member whose key or value span contains `offset` (ends inclusive), or None."""
        node = self.root
        if node is None or not _contains(node, offset):
            return None
        best: Member | None = None
        while node is not None and node.kind in ("object", "array"):
            if node.kind == "object":
                members = node.members
                i = bisect_right(members, offset, key=_start_of) - 1
                found = None
                # prefer the member starting at offset, then the one before it (touching ends)
                for j in (i, i - 1):
                    if 0 <= j < len(members) and members[j].start <= offset <= members[j].end:
                        found = members[j]
                        break
                if found is None:
                    return best
                best = found
                node = found.value if found.value is not None and _contains(found.value, offset) else None
            else:
                node = _child_at(node, offset)
        return best


def _start_of(x: Node | Member) -> int:
    return x.start


def _child_at(node: Node, offset: int) -> Node | None:
    """Return the child value of a container that contains offset (inclusive ends), preferring the later one."""
    if node.kind == "array":
        items = node.items
        i = bisect_right(items, offset, key=_start_of) - 1
        for j in (i, i - 1):
            if 0 <= j < len(items) and items[j].start <= offset <= items[j].end:
                return items[j]
        return None
    if node.kind == "object":
        members = node.members
        i = bisect_right(members, offset, key=_start_of) - 1
        for j in (i, i - 1):
            if 0 <= j < len(members):
                v = members[j].value
                if v is not None and v.start <= offset <= v.end:
                    return v
        return None
    return None


# --- scanning ---------------------------------------------------------------------------------------------------

# whitespace; group 1 is set when a line break was crossed, so that m.end() - m.end(1) is the indentation
_WS = re.compile(r"(?:[ \t]*(\r\n?|\n))*[ \t]*")
_ws_match = cast("Callable[[str, int], re.Match[str]]", _WS.match)  # always matches (possibly empty)
_by_start = attrgetter("start")
# a key, its colon and, when short and simple, its value and the comma after it, in one match
_MEMBER_FAST = re.compile(
    r'"([^"\\\x00-\x1f]{0,1024})"[ \t]*:[ \t]*'
    r'(?:('
    r'"([^"\\\x00-\x1f]{0,2048})"(?![ \t]*:)'
    r'|(-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)(?![0-9A-Za-z_.$])'
    r'|(true|false|null)(?![0-9A-Za-z_$])'
    r')([ \t]*,)?)?'
)
_NUM = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?(?![0-9A-Za-z_.$])")
_NUM_LENIENT = re.compile(r"([+-]?)(?:([0-9]+)(?:(\.)([0-9]*))?|(\.)([0-9]+))([eE][+-]?[0-9]+)?(?![0-9A-Za-z_.$])")
_NUM_JUNK = re.compile(r"[+\-.0-9A-Za-z_$]+")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_JUNK = re.compile(r"[^ \t\n\r{}\[\]:,\"'/]+")
_LINE_BREAK = re.compile(r"[\n\r]")
_CTRL = re.compile(r"[\x00-\x1f]+")
_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(u[0-9a-fA-F]{0,3})|(.)|$)",
    re.DOTALL,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_COLON_NEXT = re.compile(r"[ \t]*:")
_DEEP = re.compile(r"[\[{]+|[\]}]+|[\"']")
_BLOCK_COMMENT_END = re.compile(r"\*/")

#: how many enclosing levels the indentation heuristics look at (bounds the work per token on hostile input)
_SCAN_LIMIT = 64

_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_CTRL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_PYTHONISMS = {"True": "true", "False": "false", "None": "null", "TRUE": "true", "FALSE": "false", "NULL": "null",
               "Null": "null", "nil": "null", "undefined": "null"}

_HUGE = (math.inf, -math.inf)
_MAX_DOUBLE_INT = int(sys.float_info.max)
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]

# parser states
_TOP = 0  # expecting the root value
_DONE = 1  # root value complete
_OBJ_KEY = 2  # in an object, expecting a key or '}'
_OBJ_COLON = 3  # after a key, expecting ':'
_OBJ_VALUE = 4  # after ':', expecting a value
_OBJ_AFTER = 5  # after a member, expecting ',' or '}'
_ARR_VALUE = 6  # in an array, expecting a value or ']'
_ARR_AFTER = 7  # after an item, expecting ',' or ']'


def _short(s: object, limit: int = 40) -> str:
    text = str(s)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def _canonical_number(m: re.Match[str]) -> str:
    """The strict-JSON spelling of a lenient number match (`+1` -> `1`, `.5` -> `0.5`, `01` -> `1`, `1.` -> `1.0`)."""
    sign, intpart, dot1, frac1, dot2, frac2, exp = m.groups()
    if dot2:
        intpart, frac = "0", frac2
    else:
        frac = frac1 if dot1 else None
        intpart = intpart.lstrip("0") or "0"
        if frac == "":
            frac = "0"
    out = ("-" if sign == "-" else "") + intpart
    if frac is not None:
        out += "." + frac
    if exp:
        out += exp
    return out


def _number_value(literal: str, is_float: bool) -> int | float:
    if not is_float:
        try:
            return int(literal)
        except ValueError:  # more digits than int() allows to convert
            return float(literal)
    try:
        return float(literal)
    except (ValueError, OverflowError):  # pragma: no cover - float() returns inf rather than raising
        return math.inf


class _Parser:
    """One parse of one text; `run()` returns the ParsedDocument."""

    def __init__(self, text: str, heuristics: bool = True) -> None:
        self.text = text
        # the indentation heuristics that can act on well-formed JSON (a dedented closer or key) are used only in a
        # second pass, when the first pass found errors and saw a place where they would have acted
        self.heuristics = heuristics
        self.would_fire = False
        self.n = len(text)
        self.errors: list[SyntaxIssue] = []
        self.lenient: list[LenientForm] = []
        self.deep_reported = False
        self.last_stray: SyntaxIssue | None = None
        self._inner_quote_end = 0
        self.string_at_eof: tuple[SyntaxIssue, str] | None = None  # an unterminated string value the text ends in

    # -- reporting ---------------------------------------------------------------------------------------------

    def error(self, code: str, message: str, start: int, end: int, node: Node | None) -> None:
        self.errors.append(SyntaxIssue(code, message, start, max(start, end), node))

    # -- strings -----------------------------------------------------------------------------------------------

    def decode(self, start: int, end: int, quote: str, node: Node) -> str:
        """Decode the string body text[start:end], reporting invalid escapes (GL007) against `node`."""
        text = self.text
        body = text[start:end]
        if "\\" not in body:
            return body
        out: list[str] = []
        last = 0
        for m in _ESCAPE.finditer(body):
            out.append(body[last : m.start()])
            last = m.end()
            hi, lo, code, bad_u, char = m.groups()
            if hi is not None:
                out.append(chr(0x10000 + ((int(hi, 16) - 0xD800) << 10) + (int(lo, 16) - 0xDC00)))
            elif code is not None:
                cp = int(code, 16)
                out.append(chr(cp))
                if 0xD800 <= cp <= 0xDBFF:
                    self.error("GL007", f"{_API} Missing low surrogate. The escape \\u{code} starts a UTF-16 "
                               "surrogate pair but no low surrogate escape follows it.",
                               start + m.start(), start + m.end(), node)
                elif 0xDC00 <= cp <= 0xDFFF:
                    self.error("GL007", f"{_API} Invalid unicode code point. The escape \\u{code} is a low "
                               "surrogate without a high surrogate before it.",
                               start + m.start(), start + m.end(), node)
            elif bad_u is not None:
                out.append(bad_u[1:])
                self.error("GL007", f"{_API} Invalid escape sequence. \\u must be followed by four hex digits.",
                           start + m.start(), start + m.end(), node)
            elif char is not None:
                simple = _SIMPLE_ESCAPES.get(char)
                if simple is not None:
                    out.append(simple)
                elif char == "'" and quote == "'":
                    out.append("'")
                else:
                    out.append(char)
                    shown = char if char.isprintable() else repr(char)[1:-1]
                    self.error("GL007", f"{_API} Invalid escape sequence. \\{shown} is not a JSON escape; write "
                               f"the character itself, or \\\\ for a backslash.",
                               start + m.start(), start + m.end(), node)
            else:  # a backslash at the very end of an unterminated string
                out.append("\\")
        out.append(body[last:])
        return "".join(out)

    def read_string(self, pos: int, quote: str, is_key: bool) -> tuple[Node, bool]:
        """Read a string starting at the quote at `pos`; return (node, terminated)."""
        text = self.text
        n = self.n
        close = _find_closing_quote(text, pos + 1, quote)
        terminated = close >= 0
        body_end = close if terminated else n
        if terminated:
            brk = _first_line_break(text, pos + 1, body_end)
            if brk >= 0:
                # accept a raw line break only when the closing quote is followed by something that can follow
                # a value; otherwise the quote most likely opens the next key and this string lost its end
                p = _ws_match(text, body_end + 1).end()
                while p < n and text.startswith(("//", "/*"), p):
                    p = _comment_end(text, p)
                    p = _ws_match(text, p).end()
                if p < n and text[p] not in ",:}]":
                    terminated = False
                    body_end = brk
        else:
            brk = _first_line_break(text, pos + 1, body_end)
            if brk >= 0:
                body_end = brk
        end = body_end + 1 if terminated else body_end
        node = Node("string", pos, end)
        node.quote = quote
        node.value = self.decode(pos + 1, body_end, quote, node)
        if terminated:
            if quote == "'":
                self.lenient.append(LenientForm("single-quote", pos, end, json.dumps(node.value, ensure_ascii=False)))
            else:
                for c in _CTRL.finditer(text, pos + 1, body_end):
                    repl = "".join(_CTRL_ESCAPES.get(ch) or f"\\u{ord(ch):04x}" for ch in c.group())
                    self.lenient.append(LenientForm("raw-newline", c.start(), c.end(), repl))
        else:
            what = "key" if is_key else "string"
            self.error("GL002", f"{_API} Closing quote expected in string. This {what} has no closing {quote} "
                       "on its line.", pos, end, node)
            if not is_key and not text[end:].strip():
                self.string_at_eof = (self.errors[-1], quote)
        return node, terminated

    # -- the deep-nesting skip -----------------------------------------------------------------------------------

    def skip_deep(self, pos: int) -> tuple[int, bool]:
        """Skip the balanced container opening at `pos`; return (end, closed)."""
        text = self.text
        depth = 0
        p = pos
        search = _DEEP.search
        while True:
            m = search(text, p)
            if m is None:
                return self.n, False
            ch = text[m.start()]
            if ch in "[{":
                depth += m.end() - m.start()
                p = m.end()
            elif ch in "]}":
                run = m.end() - m.start()
                if run >= depth:
                    return m.start() + depth, True
                depth -= run
                p = m.end()
            else:
                close = _find_closing_quote(text, m.start() + 1, ch)
                if close >= 0:
                    p = close + 1
                else:
                    brk = _first_line_break(text, m.start() + 1, self.n)
                    p = brk if brk >= 0 else self.n

    # -- the main loop -----------------------------------------------------------------------------------------

    def run(self) -> ParsedDocument:
        text = self.text
        n = self.n
        errors = self.errors
        lenient = self.lenient
        error = self.error
        ws_match = _ws_match
        scanstring = _scanstring
        find_close = _find_closing_quote
        first_break = _first_line_break
        member_fast = _MEMBER_FAST.match
        S_TOP, S_DONE, S_OBJ_KEY, S_OBJ_COLON = _TOP, _DONE, _OBJ_KEY, _OBJ_COLON
        S_OBJ_VALUE, S_OBJ_AFTER, S_ARR_VALUE, S_ARR_AFTER = _OBJ_VALUE, _OBJ_AFTER, _ARR_VALUE, _ARR_AFTER
        Node_ = Node
        Member_ = Member
        num_match = _NUM.match

        root: Node | None = None
        stack: list[Node] = []
        open_indent: list[int] = []
        member_indent: list[int] = []  # -1 while unknown (no member started a line yet)
        top: Node | None = None
        top_is_obj = False
        state = S_TOP
        member: Member | None = None  # the member whose value is expected
        last_comma = -1  # offset of the comma just consumed in this container, or -1
        last_end = 0  # end of the last consumed token
        line_indent = 0
        suppress_comma = False  # after a recovered error that explains a following missing comma
        too_many = False
        no_enclosing: tuple = ()  # (top, depth, closer kind) for which no enclosing container exists
        pos = 1 if text.startswith("\ufeff") else 0
        first_on_line = True
        indent = 0

        while True:
            if len(errors) >= MAX_ERRORS:
                too_many = True
                break
            # ---- whitespace and comments
            if pos < n and text[pos] in " \t\r\n":
                m = ws_match(text, pos)
                nl = m.end(1)
                pos = m.end()
                if nl >= 0:
                    first_on_line = True
                    indent = pos - nl
            while pos < n and text[pos] == "/" and pos + 1 < n and text[pos + 1] in "/*":
                cend = _comment_end(text, pos)
                if text[pos + 1] == "*" and not (cend - pos >= 4 and text.startswith("*/", cend - 2)):
                    error("GL001", f"{_API} Unexpected token. This /* comment is never closed.", pos, pos + 2,
                          top or root)
                lenient.append(LenientForm("comment", pos, cend, ""))
                m = ws_match(text, cend)
                nl = m.end(1)
                if nl >= 0:
                    first_on_line = True
                    indent = m.end() - nl
                pos = m.end()
            if pos >= n:
                break
            if first_on_line:
                line_indent = indent
            fol = first_on_line
            first_on_line = False
            c = text[pos]

            # ---- structural tokens after a value
            if state == S_OBJ_AFTER or state == S_ARR_AFTER:
                if c == ",":
                    last_comma = pos
                    pos += 1
                    last_end = pos
                    state = S_OBJ_KEY if state == S_OBJ_AFTER else S_ARR_VALUE
                    suppress_comma = False
                    continue
                if c == "}" or c == "]":
                    closer_obj = c == "}"
                    target = -1
                    if closer_obj == top_is_obj:
                        if fol and indent < open_indent[-1] and member_indent[-1] >= 0 and \
                                self._dedent_closes(stack, open_indent, member_indent, indent, closer_obj):
                            if self.heuristics:
                                target = self._find_enclosing(stack, open_indent, closer_obj, fol, indent)
                                if target >= len(stack) - 1:
                                    target = -1
                            else:
                                self.would_fire = True
                    elif no_enclosing != (top, len(stack), closer_obj):
                        target = self._find_enclosing(stack, open_indent, closer_obj, fol, indent)
                    if closer_obj == top_is_obj and target < 0:
                        last_comma = -1
                        pos += 1
                        last_end = pos
                        top.end = pos  # type: ignore[union-attr]
                        if top.member is not None:  # type: ignore[union-attr]
                            top.member.end = pos  # type: ignore[union-attr]
                        stack.pop()
                        open_indent.pop()
                        member_indent.pop()
                        if stack:
                            top = stack[-1]
                            top_is_obj = top.kind == "object"
                            state = S_OBJ_AFTER if top_is_obj else S_ARR_AFTER
                        else:
                            top = None
                            state = S_DONE
                        suppress_comma = False
                        continue
                    # a closer for an enclosing container
                    if target >= 0:
                        last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end,
                                                        text[pos])
                        top = stack[-1]
                        top_is_obj = top.kind == "object"
                        state = S_OBJ_AFTER if top_is_obj else S_ARR_AFTER
                        continue  # the closer is processed again for the matching container
                    self._stray(pos, pos + 1, top, self._closes_nothing, c, top, closer_obj)
                    no_enclosing = (top, len(stack), closer_obj)
                    top.complete = False  # type: ignore[union-attr]
                    pos += 1
                    last_end = pos
                    continue
                # something else: a missing comma, or a missing closer detected by indentation / a key in an array
                if last_end == pos and text[pos - 1] == '"' and c not in "\"'{[:" and self._inner_quote(top, pos):
                    pos = last_end = self._inner_quote_end
                    continue
                if (c == '"' or c == "'") and fol and top_is_obj and member_indent[-1] >= 0:
                    target = self._dedent_key_target(stack, member_indent, indent)
                    if target >= 0:
                        last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end, None)
                        top = stack[-1]
                        top_is_obj = True
                        state = S_OBJ_KEY  # the missing comma went with the missing closer
                        continue
                if not top_is_obj and (c == '"' or c == "'") and _is_key_like(text, pos):
                    target = self._owner(stack, "object")
                    if target >= 0:
                        last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end, None)
                        top = stack[-1]
                        top_is_obj = True
                        state = S_OBJ_KEY
                        continue
                if c == ":" or c not in "\"'{[-0123456789tfn+." and not (c.isalpha() or c in "_$"):
                    # a stray token: skip it
                    self._junk(pos, top)
                    if top is not None:
                        top.complete = False
                    pos = self._junk_end(pos)
                    last_end = pos
                    continue
                if not suppress_comma:
                    if top_is_obj:
                        error("GL003", f"{_API} Expected , or }} after key:value pair. A ',' is missing after "
                              f"{self._where(top)}.", pos, pos + 1, top)
                    else:
                        error("GL003", f"{_API} Expected , or ] after array value. A ',' is missing after "
                              f"{self._where(top)}.", pos, pos + 1, top)
                suppress_comma = False
                last_comma = -1
                state = S_OBJ_KEY if top_is_obj else S_ARR_VALUE
                # fall through to read the key / value at pos

            # ---- keys
            if state == S_OBJ_KEY:
                if c == '"' or c == "'":
                    if fol and member_indent[-1] >= 0 and indent < member_indent[-1]:
                        target = self._dedent_key_target(stack, member_indent, indent)
                        if target >= 0 and not self.heuristics:
                            self.would_fire = True
                        elif target >= 0:
                            last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end,
                                                            None)
                            top = stack[-1]
                            top_is_obj = True
                            continue
                    if fol and member_indent[-1] < 0:
                        member_indent[-1] = indent
                    km = member_fast(text, pos) if c == '"' else None
                    if km is not None:
                        key = Node_("string", pos, km.end(1) + 1, km.group(1))
                        key.quote = '"'
                        key.parent = top
                        member = Member_(key, top)  # type: ignore[arg-type]
                        key.member = member
                        top.members.append(member)  # type: ignore[union-attr]
                        last_comma = -1
                        vs = km.start(2)
                        if vs < 0:
                            member.end = text.rfind(":", pos, km.end()) + 1  # the colon, not the blanks after it
                            pos = last_end = km.end()
                            state = S_OBJ_VALUE
                            continue
                        # the value (a short simple string, a number or a literal) came with the key
                        g = km.group
                        ve = km.end(2)
                        if text[vs] == '"':
                            node = Node_("string", vs, ve, g(3))
                            node.quote = '"'
                        elif g(4) is not None:
                            node = Node_("number", vs, ve, _number_value(g(4), g(5) is not None or g(6) is not None))
                            if node.value in _HUGE or ve - vs > 309:
                                self.check_range(node)
                        else:
                            lit = g(7)
                            if lit == "null":
                                node = Node_("null", vs, ve)
                            else:
                                node = Node_("boolean", vs, ve, lit == "true")
                        member.value = node
                        node.member = member
                        node.parent = top
                        member.end = ve
                        if km.start(8) >= 0:
                            last_comma = km.end() - 1
                            state = S_OBJ_KEY
                            suppress_comma = False
                        else:
                            state = S_OBJ_AFTER
                        pos = last_end = km.end()
                        continue
                    key, terminated = self.read_string(pos, c, True)
                    key.parent = top
                    member = Member_(key, top)  # type: ignore[arg-type]
                    key.member = member
                    top.members.append(member)  # type: ignore[union-attr]
                    pos = key.end
                    last_end = pos
                    state = S_OBJ_COLON
                    last_comma = -1
                    suppress_comma = not terminated
                    continue
                if c == "}":
                    if last_comma >= 0:
                        lenient.append(LenientForm("trailing-comma", last_comma, last_comma + 1, ""))
                    state = S_OBJ_AFTER
                    first_on_line = fol
                    continue  # close in the S_OBJ_AFTER branch (shares the mismatch logic)
                if c == "]":
                    if last_comma >= 0:
                        lenient.append(LenientForm("trailing-comma", last_comma, last_comma + 1, ""))
                    state = S_OBJ_AFTER
                    first_on_line = fol
                    continue
                if c.isalpha() or c in "_$":
                    im = _IDENT.match(text, pos)
                    if im is not None:
                        word = im.group()
                        if fol and member_indent[-1] < 0:
                            member_indent[-1] = indent
                        if word.startswith(("true", "false", "null")):
                            # the API's reader takes these as literals and then fails (protobuf JsonStreamParser)
                            error("GL001", f"{_API} Expected an object key or }}. The unquoted key {word} starts "
                                  f'like a literal; write "{word}".', pos, im.end(), top)
                        else:
                            lenient.append(LenientForm("unquoted-key", pos, im.end(), f'"{word}"'))
                        key = Node_("string", pos, im.end(), word)
                        key.parent = top
                        member = Member_(key, top)  # type: ignore[arg-type]
                        key.member = member
                        top.members.append(member)  # type: ignore[union-attr]
                        pos = im.end()
                        last_end = pos
                        state = S_OBJ_COLON
                        last_comma = -1
                        continue
                if c == "{" or c == "[":
                    # a value where a key is expected: most likely an unclosed object inside an array
                    target = self._owner(stack, "array")
                    if target >= 0 and last_comma >= 0:
                        last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end, None)
                        top = stack[-1]
                        top_is_obj = False
                        state = S_ARR_VALUE
                        continue
                if c == ",":
                    error("GL001", f"{_API} Expected an object key or }}. This ',' has no member before it in "
                          f"{self._where(top)}.", pos, pos + 1, top)
                    last_comma = pos
                    pos += 1
                    last_end = pos
                    continue
                error("GL001", f"{_API} Expected an object key or }}. Found {self._token_desc(pos)} in "
                      f"{self._where(top)}.", pos, self._junk_end(pos), top)
                top.complete = False  # type: ignore[union-attr]
                pos = self._junk_end(pos) if c not in "{[" else self._skip_value(pos)
                last_end = pos
                state = S_OBJ_AFTER
                suppress_comma = True
                continue

            if state == S_OBJ_COLON:
                if c == ":":
                    pos += 1
                    last_end = pos
                    member.end = pos  # type: ignore[union-attr]
                    state = S_OBJ_VALUE
                    continue
                key_text = _short(member.key.value)  # type: ignore[union-attr]
                if c == "=":
                    error("GL010", f"{_API} Expected : between key:value pair. Write ':' instead of '=' after the "
                          f"key {key_text}.", pos, pos + 1, top)
                    pos += 1
                    last_end = pos
                    member.end = pos  # type: ignore[union-attr]
                    state = S_OBJ_VALUE
                    continue
                ks = member.key.start  # type: ignore[union-attr]
                if c in ",}]" or (fol and (c == '"' or c == "'")):
                    # a key alone: `{"a"}` or `{"a", "b": 1}` (not reported again after an unterminated key)
                    if not suppress_comma:
                        error("GL010", f"{_API} Expected : between key:value pair. The key {key_text} has no ':' "
                              "and no value.", ks, member.key.end, top)  # type: ignore[union-attr]
                    state = S_OBJ_AFTER
                    suppress_comma = True
                    first_on_line = fol
                    continue
                if not suppress_comma:
                    error("GL010", f"{_API} Expected : between key:value pair. A ':' is missing after the key "
                          f"{key_text}.", ks, member.key.end, top)  # type: ignore[union-attr]
                state = S_OBJ_VALUE
                # fall through: read the value

            # ---- values
            if c == "}" or c == "]" or c == ",":
                if state == S_ARR_VALUE:
                    if c == ",":
                        error("GL005", f"{_API} Unexpected token. A value is missing before this ',' in "
                              f"{self._where(top, len(top.items))}.", pos, pos + 1, top)  # type: ignore[union-attr]
                        last_comma = -1
                        pos += 1
                        last_end = pos
                        continue
                    if last_comma >= 0:
                        lenient.append(LenientForm("trailing-comma", last_comma, last_comma + 1, ""))
                    state = S_ARR_AFTER
                    first_on_line = fol
                    continue
                if state == S_OBJ_VALUE:
                    error("GL005", f"{_API} Expected a value. The key {_short(member.key.value)} has no value.",  # type: ignore[union-attr]
                          member.key.start, member.end, top)  # type: ignore[union-attr]
                    state = S_OBJ_AFTER
                    first_on_line = fol
                    continue
                # top level
                if state == S_TOP:
                    error("GL001", f"{_API} Unexpected token. {c!r} before the request object.", pos, pos + 1, None)
                    pos += 1
                    last_end = pos
                    continue
            if state == S_DONE:
                break
            if state == S_OBJ_VALUE and (c == '"' or c == "'") and _is_key_like(text, pos):
                # `"a":` then the next key (`"a": "b": 1`, often on the next line): the value is missing
                error("GL005", f"{_API} Expected a value. The key {_short(member.key.value)} has no value.",  # type: ignore[union-attr]
                      member.key.start, member.end, top)  # type: ignore[union-attr]
                state = S_OBJ_AFTER
                suppress_comma = True
                first_on_line = fol
                continue

            if state == S_ARR_VALUE and (c == '"' or c == "'") and _is_key_like(text, pos):
                # `"key":` where an item is expected: the array (and what it holds) lost its ']'
                target = self._owner(stack, "object")
                if target >= 0:
                    last_end = self._close_unclosed(stack, open_indent, member_indent, target, last_end, None)
                    top = stack[-1]
                    top_is_obj = True
                    state = S_OBJ_KEY
                    continue
            if state == S_ARR_VALUE and fol and member_indent[-1] < 0:
                member_indent[-1] = indent
            if c == '"':
                # find the closing quote at memchr speed, then decode/check the slice in C; the slice keeps the
                # cost of a failure (JSONDecodeError counts lines up to the error) proportional to the string
                close = find_close(text, pos + 1, '"')
                try:
                    if close < 0 or first_break(text, pos + 1, close) >= 0:
                        raise ValueError("unterminated or multi-line")
                    value, end = scanstring(text[pos : close + 1], 1, True)
                    end += pos
                    if end - pos - 2 != len(value) and _SURROGATE.search(value):
                        raise ValueError("lone surrogate")
                except ValueError:
                    node, terminated = self.read_string(pos, c, False)
                    pos = node.end
                    if not terminated:
                        suppress_comma = True
                else:
                    node = Node_("string", pos, end, value)
                    node.quote = '"'
                    pos = end
            elif c == "{" or c == "[":
                is_obj = c == "{"
                if len(stack) >= MAX_DEPTH:
                    end, closed = self.skip_deep(pos)
                    node = Node_("object" if is_obj else "array", pos, end)
                    node.complete = False
                    if is_obj:
                        node.members = []
                    else:
                        node.items = []
                    if not self.deep_reported:
                        self.deep_reported = True
                        error("GL012", f"Nested more than {MAX_DEPTH} levels deep; the contents below are not "
                              "analysed.", pos, pos + 1, node)
                    if not closed:
                        error("GL004", f"{_API} Unexpected end of string. This {c!r} (nested too deep to "
                              "analyse) is never closed.", pos, pos + 1, node)
                    pos = end
                else:
                    node = Node_("object" if is_obj else "array", pos, pos + 1)
                    if is_obj:
                        node.members = []
                    else:
                        node.items = []
                    # attach, then descend
                    if top is None:
                        root = node
                    elif top_is_obj:
                        member.value = node  # type: ignore[union-attr]
                        node.member = member
                        node.parent = top
                        member.end = pos + 1  # type: ignore[union-attr]
                    else:
                        node.parent = top
                        top.items.append(node)  # type: ignore[union-attr]
                    stack.append(node)
                    open_indent.append(line_indent)
                    member_indent.append(-1)
                    top = node
                    top_is_obj = is_obj
                    state = S_OBJ_KEY if is_obj else S_ARR_VALUE
                    last_comma = -1
                    pos += 1
                    last_end = pos
                    suppress_comma = False
                    continue
            elif c == "-" or "0" <= c <= "9":
                nm = num_match(text, pos)
                if nm is not None:
                    node = Node_("number", pos, nm.end(),
                                 _number_value(nm.group(), nm.group(1) is not None or nm.group(2) is not None))
                    pos = nm.end()
                    if node.value in _HUGE or pos - node.start > 309:
                        self.check_range(node)
                else:
                    node = self.odd_number(pos, top)
                    pos = node.end
            elif c.isalpha() or c == "_" or c == "$":
                im = _IDENT.match(text, pos)
                word = im.group() if im is not None else c
                end = im.end() if im is not None else pos + 1
                if word == "true" or word == "false":
                    node = Node_("boolean", pos, end, word == "true")
                elif word == "null":
                    node = Node_("null", pos, end)
                else:
                    node = Node_("invalid", pos, end)
                    self.bad_word(word, pos, end, node, top)
                pos = end
            elif c == "'":
                node, terminated = self.read_string(pos, c, False)
                pos = node.end
                if not terminated:
                    suppress_comma = True
            elif c == "+" or c == ".":
                node = self.odd_number(pos, top)
                pos = node.end
            else:
                # ':' or a stray character where a value is expected
                end = self._junk_end(pos)
                if state == S_TOP:
                    error("GL001", f"{_API} Unexpected token. {self._token_desc(pos)} is not JSON.", pos, end, None)
                    pos = end
                    last_end = pos
                    continue
                node = Node_("invalid", pos, end)
                error("GL001", f"{_API} Unexpected token. {self._token_desc(pos)} is not a JSON value "
                      f"({self._where(top, None if top_is_obj else len(top.items))}).", pos, end, node)  # type: ignore[union-attr]
                pos = end

            last_end = pos
            # attach the scalar
            if top is None:
                if state == S_TOP:
                    root = node
                    state = S_DONE
                    if node.kind == "invalid":
                        pass
            elif top_is_obj:
                member.value = node  # type: ignore[union-attr]
                node.member = member
                node.parent = top
                member.end = node.end  # type: ignore[union-attr]
                state = S_OBJ_AFTER
            else:
                node.parent = top
                top.items.append(node)  # type: ignore[union-attr]
                state = S_ARR_AFTER
            last_comma = -1

        # ---- end of text
        if too_many:
            error("GL001", f"More than {MAX_ERRORS} syntax errors: the rest of the file is not analysed.", pos,
                  _line_end(text, pos), top or root)
            for node in stack:
                node.complete = False
                node.end = max(node.start + 1, last_end)
                if node.member is not None:
                    node.member.end = node.end
            stack.clear()
        elif state == S_DONE and pos < n:
            error("GL008", f"{_API} Parsing terminated before end of input. Only one JSON value may be in the "
                  f"file; found {self._token_desc(pos)} after the request object.", pos, _line_end(text, pos), root)
        elif root is None and not stack and not errors:
            error("GL009", f"{_API} Unexpected end of string. Expected a value. The file holds no JSON value.",
                  0, 0, None)
        if state == S_OBJ_COLON and member is not None and top is not None and not suppress_comma:
            error("GL010", f"{_API} Unexpected end of string. Expected : between key:value pair after the key "
                  f"{_short(member.key.value)}.", member.key.start, member.key.end, top)
        elif state == S_OBJ_VALUE and member is not None and top is not None and member.value is None:
            error("GL005", f"{_API} Unexpected end of string. Expected a value for the key "
                  f"{_short(member.key.value)}.", member.key.start, member.end, top)
        if stack:
            self._unclosed_at_eof(stack, last_end, closable=state not in (S_OBJ_COLON, S_OBJ_VALUE))

        errors.sort(key=_by_start)
        lenient.sort(key=_by_start)
        return ParsedDocument(text, root, errors, lenient)

    # -- helpers for the main loop ---------------------------------------------------------------------------------

    def check_range(self, node: Node) -> None:
        """Report a number beyond the range of a double (the API answers 400; the value stays inf or the int)."""
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) <= _MAX_DOUBLE_INT:
                return
        elif not (isinstance(value, float) and math.isinf(value)):
            return
        self.error("GL006", f"{_API} Number exceeds the range of double. {_short(self.text[node.start:node.end], 30)} "
                   "is beyond ±1.8e308.", node.start, node.end, node)

    def odd_number(self, pos: int, top: Node | None) -> Node:
        """Read a number that strict JSON rejects: a lenient form (`+1`, `.5`, `01`, `1.`) or GL006."""
        text = self.text
        lm = _NUM_LENIENT.match(text, pos)
        if lm is not None:
            canonical = _canonical_number(lm)
            node = Node("number", pos, lm.end(), _number_value(canonical, "." in canonical or "e" in canonical
                                                               or "E" in canonical))
            self.lenient.append(LenientForm("odd-number", pos, lm.end(), canonical))
            self.check_range(node)
            return node
        jm = _NUM_JUNK.match(text, pos)
        end = jm.end() if jm is not None else pos + 1
        node = Node("invalid", pos, end)
        word = text[pos:end]
        if word.lstrip("+-") in ("Infinity", "NaN", "inf", "nan", "Inf", "INF", "NAN"):
            self.error("GL006", f"{_API} Unexpected token. {word} is not a JSON number; the API rejects it "
                       "outside a string.", pos, end, node)
        else:
            self.error("GL006", f"{_API} Unable to parse number. {_short(word)} is not a valid JSON number.",
                       pos, end, node)
        return node

    def bad_word(self, word: str, pos: int, end: int, node: Node, top: Node | None) -> None:
        """Report an unquoted word in a value position."""
        if word in ("NaN", "Infinity", "inf", "nan", "Inf"):
            self.error("GL006", f"{_API} Unexpected token. {word} is not a JSON number; the API rejects bare "
                       "NaN and Infinity outside a string.", pos, end, node)
            return
        hint = _PYTHONISMS.get(word)
        if hint is not None:
            self.error("GL001", f"{_API} Unexpected token. {word} is not JSON; write {hint}.", pos, end, node)
            return
        self.error("GL001", f"{_API} Unexpected token. {_short(word)} is not a JSON value; strings must be in "
                   "double quotes.", pos, end, node)

    def _inner_quote(self, top: Node | None, pos: int) -> bool:
        """Repair `"say "hi" now"`: a string ended early by an unescaped quote, followed at once by more text.

        When the line holds a later quote followed by something that can follow a value, the previous string is
        extended to it and one GL001 is reported; `_inner_quote_end` is then where parsing resumes.
        """
        if top is None:
            return False
        prev = (top.members[-1].value if top.members else None) if top.kind == "object" else \
            (top.items[-1] if top.items else None)
        if prev is None or prev.kind != "string" or prev.quote != '"' or prev.end != pos:
            return False
        text = self.text
        line_end = _line_end(text, pos)
        q = _find_closing_quote(text, pos, '"')
        while 0 <= q < line_end:
            after = _ws_match(text, q + 1).end()
            if after >= self.n or text[after] in ",}]\r\n" or after >= line_end:
                break
            q = _find_closing_quote(text, q + 1, '"')
        else:
            return False
        self.error("GL001", f"{_API} Unexpected token. This '\"' inside the string ends it early; write \\\" "
                   "for a quote inside a string.", pos - 1, pos, prev)
        prev.end = q + 1
        prev.value = self.decode(prev.start + 1, q, '"', prev)
        if prev.member is not None:
            prev.member.end = prev.end
        self._inner_quote_end = q + 1
        return True

    def _junk(self, pos: int, top: Node | None) -> None:
        end = self._junk_end(pos)
        self._stray(pos, end, top, self._stray_text, pos, top)

    def _stray_text(self, pos: int, top: Node | None) -> str:
        return f"{_API} Unexpected token. {self._token_desc(pos)} after {self._where(top)}."

    def _closes_nothing(self, c: str, top: Node, closer_obj: bool) -> str:
        return (f"{_API} Unexpected token. This {c!r} closes nothing: {self._where(top)} is "
                f"a{'n object' if top.kind == 'object' else 'n array'} and no enclosing "
                f"{'object' if closer_obj else 'array'} is open.")

    def _stray(self, start: int, end: int, node: Node | None, message: Callable[..., str], *args: object) -> None:
        """Report stray text (GL001), merged into the previous stray-text error when only whitespace separates them."""
        last = self.last_stray
        if last is not None and self.errors and self.errors[-1] is last and start - last.end <= 80 and \
                not self.text[last.end : start].strip():
            last.end = end
            return
        self.error("GL001", message(*args), start, end, node)
        self.last_stray = self.errors[-1]

    def _junk_end(self, pos: int) -> int:
        m = _JUNK.match(self.text, pos)
        return m.end() if m is not None else min(pos + 1, self.n)

    def _skip_value(self, pos: int) -> int:
        """Skip a balanced container that appears where it cannot be used."""
        end, _ = self.skip_deep(pos)
        return end

    def _token_desc(self, pos: int) -> str:
        text = self.text
        c = text[pos]
        if c in "{}[]:,":
            return repr(c)
        m = _JUNK.match(text, pos)
        word = m.group() if m is not None else c
        if len(word) == 1 and not word.isprintable():
            return f"the character U+{ord(word):04X}"
        return _short(word, 30)

    def _where(self, top: Node | None, index: int | None = None) -> str:
        """A short description of where we are, for messages (`the value of "contents"`, `item 3 of "parts"`)."""
        if top is None:
            return "the top level"
        if top.kind == "object":
            if top.members and index is None:
                return f"the value of {_short(top.members[-1].key.value)}"
            return f"the object{self._of(top)}"
        i = len(top.items) - 1 if index is None else index
        return f"item {max(i, 0)} of the array{self._of(top)}"

    @staticmethod
    def _of(node: Node) -> str:
        if node.member is not None:
            return f" {_short(node.member.key.value)}"
        return ""

    @staticmethod
    def _dedent_closes(stack: list[Node], open_indent: list[int], member_indent: list[int], indent: int,
                       closer_obj: bool) -> bool:
        """True when a closer that starts a line belongs, by its indentation, to an enclosing container."""
        if member_indent[-1] < 0 or indent >= open_indent[-1]:
            return False
        for i in range(len(stack) - 2, max(-1, len(stack) - 2 - _SCAN_LIMIT), -1):
            if open_indent[i] == indent and (stack[i].kind == "object") == closer_obj:
                return True
            if open_indent[i] < indent:
                return False
        return False

    @staticmethod
    def _find_enclosing(stack: list[Node], open_indent: list[int], closer_obj: bool, fol: bool, indent: int) -> int:
        """The index of the enclosing container a closer belongs to, or -1 (prefer one at the same indentation)."""
        kind = "object" if closer_obj else "array"
        first = -1
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].kind == kind:
                if first < 0:
                    first = i
                if not fol or open_indent[i] == indent:
                    return i
                if open_indent[i] < indent:
                    break
        return first

    @staticmethod
    def _dedent_key_target(stack: list[Node], member_indent: list[int], indent: int) -> int:
        """The index of the enclosing object whose members are indented like a key that starts a line, or -1."""
        if member_indent[-1] < 0 or indent >= member_indent[-1]:
            return -1
        for i in range(len(stack) - 2, max(-1, len(stack) - 2 - _SCAN_LIMIT), -1):
            mi = member_indent[i]
            if mi < 0:
                continue
            if mi == indent and stack[i].kind == "object":
                return i
            if mi < indent:
                return -1
        return -1

    @staticmethod
    def _owner(stack: list[Node], kind: str) -> int:
        """Index of the nearest container of `kind` enclosing the innermost one, or -1."""
        for i in range(len(stack) - 2, -1, -1):
            if stack[i].kind == kind:
                return i
        return -1

    def _close_unclosed(self, stack: list[Node], open_indent: list[int], member_indent: list[int], target: int,
                        last_end: int, closer: str | None) -> int:
        """Pop the containers above stack[target], each reported once as never closed (GL004)."""
        while len(stack) - 1 > target:
            node = stack.pop()
            open_indent.pop()
            member_indent.pop()
            node.complete = False
            node.end = max(node.start + 1, last_end)
            if node.member is not None:
                node.member.end = node.end
            bracket = "{" if node.kind == "object" else "["
            want = "}" if node.kind == "object" else "]"
            owner = self._of(node)
            owner_text = f" (the value of{owner})" if owner else ""
            found = f"; found {closer!r} for an enclosing container" if closer else ""
            self.error("GL004", f"{_API} Expected , or {want} after {'key:value pair' if want == '}' else 'array value'}. "
                       f"This {bracket!r}{owner_text} is never closed: a {want!r} is missing{found}.",
                       node.start, node.start + 1, node)
        return last_end

    def _unclosed_at_eof(self, stack: list[Node], last_end: int, *, closable: bool = True) -> None:
        """Report a text that ends with containers still open (a cut-off file) once, at its end: what is left open
        (an unterminated string value it ends in included, whose own GL002 this replaces), with the text that
        closes it all when appending it can (not after a key that lacks its value)."""
        for node in reversed(stack):
            node.complete = False
            node.end = max(node.start + 1, last_end)
            if node.member is not None:
                node.member.end = node.end
        text = self.text
        content_end = len(text.rstrip())
        left_open: list[str] = []
        for node in stack:
            bracket = "{" if node.kind == "object" else "["
            if node.parent is None:
                left_open.append(f"{bracket!r} (the request)")
            elif node.member is not None:
                left_open.append(f"{bracket!r} of{self._of(node)}")
            else:
                left_open.append(f"{bracket!r} (a list item)")
        closing = "".join("}" if node.kind == "object" else "]" for node in reversed(stack))
        cut = self.string_at_eof
        if cut is not None and self.errors and self.errors[-1] is cut[0]:
            issue, quote = cut
            self.errors.pop()  # the string is part of what the cut left open
            left_open.append("a string")
            body = text[issue.start + 1 : content_end]
            if (len(body) - len(body.rstrip("\\"))) % 2:
                closable = False  # a trailing backslash would escape the closing quote
            closing = quote + closing
        tail = text[last_end:content_end]
        if "//" in tail:
            closing = "\n" + closing  # after a line comment: on a line of its own
        count = len(stack)
        shown = left_open if len(left_open) <= 8 else left_open[:4] + [f"{len(left_open) - 7} more"] + left_open[-3:]
        message = (f"{_API} Unexpected end of string. The file ends with {count} bracket{'s' if count != 1 else ''} "
                   f"still open, as if it was cut off; left open: {', '.join(shown)}.")
        if closable:
            message += f" Appending {closing.strip()!r} closes {'them all' if count > 1 else 'it'}."
        self.errors.append(SyntaxIssue("GL004", message, max(0, content_end - 1) if content_end else 0, content_end,
                                       stack[0], closing if closable else None))


def _find_closing_quote(text: str, start: int, quote: str) -> int:
    """The offset of the quote that closes a string whose body starts at `start`, or -1 (C-speed `find`)."""
    p = start
    find = text.find
    while True:
        q = find(quote, p)
        if q < 0:
            return -1
        k = q - 1
        while k >= start and text[k] == "\\":  # each backslash run is walked once: linear overall
            k -= 1
        if (q - 1 - k) % 2 == 0:
            return q
        p = q + 1


def _line_end(text: str, pos: int) -> int:
    """The end of the line holding `pos` (before its line break), or the end of the text."""
    brk = _first_line_break(text, pos, len(text))
    return brk if brk >= 0 else len(text)


def _is_key_like(text: str, pos: int) -> bool:
    """True when the string at `pos` ends on its line and is followed by ':' (a key, not a value)."""
    close = _find_closing_quote(text, pos + 1, text[pos])
    return close >= 0 and _first_line_break(text, pos + 1, close) < 0 and _COLON_NEXT.match(text, close + 1) is not None


def _first_line_break(text: str, start: int, end: int) -> int:
    """The offset of the first \\n or \\r in text[start:end], or -1."""
    a = text.find("\n", start, end)
    b = text.find("\r", start, end)
    if a < 0:
        return b
    if b < 0:
        return a
    return min(a, b)


def _comment_end(text: str, pos: int) -> int:
    """The end of the comment starting at `pos` (`//` to the line end, `/* */` to `*/` or the end of the text)."""
    if text[pos + 1] == "/":
        m = _LINE_BREAK.search(text, pos)
        return m.start() if m is not None else len(text)
    m = _BLOCK_COMMENT_END.search(text, pos + 2)
    return m.end() if m is not None else len(text)


def parse(text: str) -> ParsedDocument:
    """Parse `text` into a tolerant syntax tree; never raises.

    Lenient forms the Gemini API accepts are recorded in `ParsedDocument.lenient`; what it rejects is reported in
    `ParsedDocument.errors` (GL001-GL010, GL012 for nesting deeper than `MAX_DEPTH`).
    """
    gc_was_enabled = gc.isenabled()
    if gc_was_enabled:  # the tree is many small objects: pausing the cyclic GC saves up to a third of the time
        gc.disable()
    try:
        first = _Parser(text, heuristics=False)
        doc = first.run()
        if doc.errors and first.would_fire:
            # broken and indented: the indentation may tell where a bracket is missing; keep the better reading
            second = _Parser(text, heuristics=True).run()
            if len(second.errors) <= len(doc.errors):
                return second
        return doc
    except Exception as exc:  # a bug of ours: logged, and reported by the engine as an internal error (GL900)
        log.exception("the parser failed")
        doc = ParsedDocument(text, None, [], [])
        doc.internal_error = f"{type(exc).__name__}: {exc}"
        return doc
    finally:
        if gc_was_enabled:
            gc.enable()
