"""The request's shape against the generated schema: unknown fields, types, required fields, enums, oneofs,
duplicates, output-only fields; value rules (ranges, formats, roles) are delegated to `values`.

The walk follows the proto3 JSON mapping as leniently as the API reads it (protobuf.dev/programming-guides/json; Google's REST samples).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from ..document import Member, Node, escape_pointer_token, string_value
from ..findings import Edit, Finding, Fix, offset_finding
from ..rule import make_finding
from ..schema import FieldInfo, MessageInfo
from . import values
from .api_paths import snake_case, api_path, short_name
from .request_facts import request_facts

if TYPE_CHECKING:
    from .context import CheckContext

_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
_BOOL_WORDS = _TRUE_WORDS | frozenset({"false", "f", "no", "n", "0"})
INTEGER_KINDS = frozenset({"int32", "uint32", "int64", "uint64"})
FLOAT_KINDS = frozenset({"float", "double"})
_PROTO_TYPE = {
    "int32": "TYPE_INT32",
    "uint32": "TYPE_UINT32",
    "int64": "TYPE_INT64",
    "uint64": "TYPE_UINT64",
    "float": "TYPE_FLOAT",
    "double": "TYPE_DOUBLE",
    "bool": "TYPE_BOOL",
    "string": "TYPE_STRING",
    "bytes": "TYPE_BYTES",
    "enum": "TYPE_ENUM",
}
_JSON_KIND = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
    "invalid": "an invalid value",
}


#: lists with at least this many items memoise the walk per item (`walk_memoised`)
MEMO_MIN_ITEMS = 8


def check_structure(ctx: CheckContext) -> Iterator[Finding]:
    """Walk the tree along the schema and report every schema-level reason for a 400."""
    findings, _ = _walk(ctx, None, frozenset())
    return iter(findings)


def walk_memoised(ctx: CheckContext, memo: WalkMemo | None, dirty: frozenset[Node]) -> tuple[list[Finding], WalkMemo]:
    """The walk of `check_structure`, reusing from `memo` (the previous walk's; None for the first) the findings of
    each item of a long list that is the same node object, at the same pointer and index, with the same length, and
    not in `dirty` (an ancestor of an edit). Returns the findings and the memo for the next walk."""
    return _walk(ctx, memo if memo is not None else {}, dirty)


def _walk(ctx: CheckContext, memo: WalkMemo | None, dirty: frozenset[Node]) -> tuple[list[Finding], WalkMemo]:
    root = ctx.doc.root
    schema = ctx.schema
    if root is None or schema is None:
        return [], {}
    if root.kind != "object":
        if root.kind != "invalid":
            return [make_finding(
                "GL117",
                f"The request body must be a JSON object, not {_JSON_KIND.get(root.kind, root.kind)}.",
                "",
                root.start,
                root.end,
            )], {}
        return [], {}
    walker = SchemaWalker(ctx, memo, dirty)
    walker.message(root, schema.root, "")
    return walker.findings + list(walker.naming_hints()), walker.new_memo


@dataclass
class MemoEntry:
    """What the walk found in one item of a long list."""

    pointer: str  # the list's pointer
    index: int
    length: int
    base: int
    findings: list[Finding]
    spellings: list[tuple[Member, FieldInfo, str]]


WalkMemo = dict[Node, MemoEntry]  # by node identity (Node has no __eq__)


def _within(f: Finding, lo: int, hi: int) -> bool:
    if not (lo <= f.start and f.end <= hi):
        return False
    return all(lo <= x.start and x.end <= hi for fx in f.fixes for x in fx.edits)


class SchemaWalker:
    def __init__(self, ctx: CheckContext, memo: WalkMemo | None = None, dirty: frozenset[Node] = frozenset()) -> None:
        self.ctx = ctx
        self.memoise = memo is not None  # keep, per item of each long list, what the walk found (for the next walk)
        self.old_memo: WalkMemo = memo if memo is not None else {}
        self.new_memo: WalkMemo = {}
        self.dirty = dirty
        self.schema = ctx.schema
        self.findings: list[Finding] = []
        self.facts = request_facts()
        # (member key node, field) for keys whose two spellings differ, to report mixed conventions
        self.spellings: list[tuple[Member, FieldInfo, str]] = []

    # -- objects ---------------------------------------------------------------------------------------------
    def message(self, node: Node, msg: MessageInfo, pointer: str) -> None:
        seen: dict[str, Member] = {}
        oneof_seen: dict[str, Member] = {}
        suggested: set[str] = set()
        for member in node.members:
            key = string_value(member.key)
            member_pointer = f"{pointer}/{escape_pointer_token(key)}"
            field = msg.field(key)
            if field is None:
                if pointer == "" and key == "model" and self.ctx.settings.api == "vertex":
                    continue  # Vertex's model is a path parameter: GL305 (checks/model_id.py) warns about it
                if node.complete:
                    suggested.update(self.unknown_field(member, msg, pointer, member_pointer))
                continue
            if field.json_name != field.proto_name:
                self.spellings.append((member, field, field.spelling(key)))
            earlier = seen.get(field.json_name)
            if earlier is not None:
                self.duplicate(earlier, member, field, member_pointer)
            else:
                seen[field.json_name] = member
            if field.oneof:
                other = oneof_seen.get(field.oneof)
                if (
                    other is not None
                    and other.key.value != key
                    and msg.field(string_value(other.key)) is not field
                ):
                    self.oneof_conflict(other, member, field, msg, pointer)
                else:
                    oneof_seen.setdefault(field.oneof, member)
            if field.output_only:
                self.add(
                    "GL108",
                    f"`{key}` is output only: the API sets it in responses and ignores or rejects it in a request.",
                    member_pointer,
                    member.key,
                    fixes=(_remove_member_fix(self.ctx, member, f"Remove `{key}`"),),
                )
            elif field.deprecated:
                self.add(
                    "GL118",
                    f"`{key}` is deprecated. {_first_sentence(field.description)}".strip(),
                    member_pointer,
                    member.key,
                    severity="hint",
                )
            if member.value is None:
                continue  # the parser reported the missing value
            self.value(member.value, field, member_pointer)
        if node.complete:
            self.missing_required(node, msg, pointer, seen, suggested)
        values.check_message_rules(self, node, msg, pointer, seen)

    def missing_required(
        self, node: Node, msg: MessageInfo, pointer: str, seen: dict[str, Member], suggested: set[str]
    ) -> None:
        for name in msg.required:
            if name in seen:
                continue
            field = msg.field(name)
            if field is not None and {field.json_name, field.proto_name} & suggested:
                continue  # the misspelt key's finding already says "did you mean"
            relaxed = self.facts.required_relaxation(short_name(msg.name), name)
            if relaxed is not None and not self._relaxation_applies(relaxed, pointer):
                relaxed = None
            if relaxed is not None:
                present = {m.key.value for m in node.members}
                if "unlessPresent" in relaxed:
                    if present & set(relaxed["unlessPresent"]):
                        continue
                elif "severity" not in relaxed:
                    continue  # not required at all here
            spelled = field.json_name if field else name
            anchor = node.member.key if node.member is not None else node
            end = anchor.end if anchor is not node else node.start + 1
            self.findings.append(
                make_finding(
                    "GL103",
                    f"`{spelled}` is required in {short_name(msg.name)}"
                    + (f" ({api_path(pointer)})" if pointer else "")
                    + ". "
                    + _first_sentence(field.description if field else ""),
                    pointer,
                    anchor.start,
                    end,
                    severity=(relaxed or {}).get("severity"),
                    data={"member": spelled},
                )
            )

    def _relaxation_applies(self, relaxed: dict, pointer: str) -> bool:
        apis = relaxed.get("apis")
        if apis and self.ctx.settings.api not in apis:
            return False
        within = relaxed.get("within")
        return not within or any(re.search(p, pointer) for p in within)

    # -- values --------------------------------------------------------------------------------------------------
    def value(self, node: Node, field: FieldInfo, pointer: str) -> None:
        if node.kind == "null":
            return
        if field.kind == "map":
            if node.kind != "object":
                self.wrong_type(node, field, pointer, "an object (a map)")
                return
            assert field.map_value is not None
            for member in node.members:
                if member.value is not None:
                    member_pointer = f"{pointer}/{escape_pointer_token(string_value(member.key))}"
                    self.value(member.value, field.map_value, member_pointer)
            return
        if field.repeated:
            if self.memoise and node.kind == "array" and len(node.items) >= MEMO_MIN_ITEMS:
                self.memoised_items(node, field, pointer)
                values.check_list_rules(self, node, field, pointer)
                return
            if node.kind == "array":
                for index, item in enumerate(node.items):
                    if item.kind == "array":
                        self.wrong_type(item, field, f"{pointer}/{index}", "a single item, not a nested list")
                        continue
                    self.single(item, field, f"{pointer}/{index}")
                values.check_list_rules(self, node, field, pointer)
                return
            self.single_for_list(node, field, pointer)
            self.single(node, field, pointer)
            return
        if node.kind == "array":
            self.add(
                "GL102",
                f"Invalid JSON payload received. Unknown name \"{_last(pointer)}\" at '{api_path(_parent(pointer))}': "
                "Proto field is not repeating, cannot start list.",
                pointer,
                node,
            )
            return
        self.single(node, field, pointer)

    def memoised_items(self, node: Node, field: FieldInfo, pointer: str) -> None:
        """The items of a long list, each walked again only when it is not the same as in the previous walk."""
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
                        entry.findings = [offset_finding(f, delta) for f in entry.findings]
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
                new[item] = MemoEntry(pointer, index, item.end - item.start, item.start, mine, spellings[s0:])

    def single(self, node: Node, field: FieldInfo, pointer: str) -> None:
        kind = field.kind
        if node.kind == "null":
            return
        if kind == "message":
            if node.kind != "object":
                self.wrong_type(node, field, pointer, "an object")
                return
            assert self.schema is not None
            self.message(node, self.schema.message(field.type_name or ""), pointer)
        elif kind == "enum":
            values.check_enum(self, node, field, pointer)
        elif kind in ("string", "fieldmask"):
            if node.kind != "string":
                self.wrong_type(node, field, pointer, "a string")
                return
            values.check_string(self, node, field, pointer)
        elif kind == "bool":
            if node.kind == "string" and isinstance(node.value, str) and node.value.strip().lower() in _BOOL_WORDS:
                # protobuf's JSON reader (DataPiece::ToBool, safe_strtob) reads these strings as booleans
                word = "true" if node.value.strip().lower() in _TRUE_WORDS else "false"
                self.add(
                    "GL057",
                    f"The API reads the string \"{node.value}\" as {word}; write it without quotes.",
                    pointer,
                    node,
                    fixes=(Fix(f"Write {word}", (Edit(node.start, node.end, word),)),),
                )
            elif node.kind != "boolean":
                self.wrong_type(node, field, pointer, "true or false")
        elif kind in INTEGER_KINDS or kind in FLOAT_KINDS:
            values.check_number(self, node, field, pointer)
        elif kind == "bytes":
            if node.kind != "string":
                self.wrong_type(node, field, pointer, "a base64 string")
                return
            values.check_bytes(self, node, field, pointer)
        elif kind in ("duration", "timestamp"):
            if node.kind != "string":
                example = '"3.5s"' if kind == "duration" else '"2026-01-01T00:00:00Z"'
                self.wrong_type(node, field, pointer, f"a string such as {example}")
                return
            values.check_time(self, node, field, pointer)
        elif kind == "struct":
            if node.kind != "object":
                self.wrong_type(node, field, pointer, "a JSON object")
        elif kind == "listvalue":
            if node.kind != "array":
                self.wrong_type(node, field, pointer, "a list")
        elif kind == "value":
            values.check_free_value(self, node, field, pointer)
        elif kind == "empty":
            if node.kind != "object":
                self.wrong_type(node, field, pointer, "an object ({})")

    # -- findings ------------------------------------------------------------------------------------------------
    def add(
        self,
        code: str,
        message: str,
        pointer: str,
        span: Node,
        *,
        severity: str | None = None,
        fixes: tuple[Fix, ...] = (),
        data: dict | None = None,
    ) -> None:
        self.findings.append(
            make_finding(
                code,
                message,
                pointer,
                span.start,
                span.end,
                severity=severity,  # type: ignore[arg-type]
                fixes=fixes,
                data=data,
            )
        )

    def wrong_type(self, node: Node, field: FieldInfo, pointer: str, expected: str) -> None:
        shown = _shown_value(self.ctx.doc.text, node)
        proto_type = _PROTO_TYPE.get(field.kind, field.type_name or field.kind)
        self.add(
            "GL102",
            f"Invalid value at '{api_path(pointer)}' ({proto_type}), {shown}: "
            f"`{field.json_name}` takes {expected}, not {_JSON_KIND.get(node.kind, node.kind)}.",
            pointer,
            node,
            data={"expected": expected},
        )

    def single_for_list(self, node: Node, field: FieldInfo, pointer: str) -> None:
        fix = Fix("Wrap the value in a list", (Edit(node.start, node.start, "["), Edit(node.end, node.end, "]")))
        self.add(
            "GL053",
            f"`{field.json_name}` is a list; the Gemini API also accepts a single value, but strict clients expect "
            "`[...]`.",
            pointer,
            node,
            fixes=(fix,),
        )

    def unknown_field(self, member: Member, msg: MessageInfo, pointer: str, member_pointer: str) -> list[str]:
        """Report an unknown key; return the field names it suggests instead."""
        key = string_value(member.key)
        where = api_path(pointer)
        message = f"Invalid JSON payload received. Unknown name \"{key}\"" + (f" at '{where}'" if where else "")
        message += ": Cannot find field."
        hint, suggestion, move_to = self.facts.vocabulary_hint(short_name(msg.name), key, pointer == "")
        fixes: list[Fix] = []
        suggestions: list[str] = []
        if suggestion is None and move_to is None:
            suggestions = _nearest_names(key, msg)
            if suggestions:
                suggestion = suggestions[0]
        if suggestion and msg.field(suggestion) is not None:
            if key.casefold() == suggestion.casefold() and key != suggestion:
                hint = hint or f"Field names are case-sensitive: the API accepts `{suggestion}`."
            message += f" Did you mean `{suggestion}`?"
            fixes.append(
                Fix(
                    f"Rename to '{suggestion}'",
                    (Edit(member.key.start, member.key.end, _quoted_like(member.key, suggestion)),),
                    safe=True,
                    preferred=True,
                )
            )
            suggestions = suggestions or [suggestion]
        if move_to is not None:
            move = _move_fix(self.ctx, member, move_to)
            if move is not None:
                fixes.append(move)
        if hint:
            message += " " + hint
        self.add(
            "GL101",
            message,
            member_pointer,
            member.key,
            fixes=tuple(fixes),
            data={"key": key, "suggestions": suggestions, "moveTo": move_to},
        )
        return suggestions

    def duplicate(self, earlier: Member, member: Member, field: FieldInfo, pointer: str) -> None:
        same_spelling = earlier.key.value == member.key.value
        how = "twice" if same_spelling else f"twice, as `{earlier.key.value}` and `{member.key.value}`"
        text = self.ctx.doc.text
        identical = (
            earlier.value is not None
            and member.value is not None
            and text[earlier.value.start : earlier.value.end] == text[member.value.start : member.value.end]
        )
        self.add(
            "GL107",
            f"`{field.json_name}` is set {how}. Strict proto3 JSON parsers reject duplicates, and which value the "
            "API would use is not documented; keep one.",
            pointer,
            member.key,
            fixes=(_remove_member_fix(self.ctx, member, "Remove the duplicate", safe=identical),),
        )

    def oneof_conflict(self, other: Member, member: Member, field: FieldInfo, msg: MessageInfo, pointer: str) -> None:
        group = msg.oneofs.get(field.oneof or "", ())
        listed = ", ".join(f"`{name}`" for name in group)
        self.add(
            "GL106",
            f"`{other.key.value}` and `{member.key.value}` cannot both be set: {short_name(msg.name)} takes only one of "
            f"{listed} (oneof `{field.oneof}`).",
            pointer,
            member.key,
            data={"oneof": field.oneof, "other": other.key.value},
        )

    def naming_hints(self) -> Iterator[Finding]:
        camel = [s for s in self.spellings if s[2] == "json"]
        snake = [s for s in self.spellings if s[2] == "proto"]
        if not camel or not snake:
            return
        minority, style = (snake, "camelCase") if len(camel) >= len(snake) else (camel, "snake_case")
        for member, field, _ in minority:
            key_node = member.key
            target = field.json_name if style == "camelCase" else field.proto_name
            yield make_finding(
                "GL054",
                f"This file mixes camelCase and snake_case field names. The API accepts both; most of this file uses "
                f"{style}: `{target}`.",
                self.ctx.doc.member_pointer(member),
                key_node.start,
                key_node.end,
                fixes=(Fix(f"Rename to '{target}'", (Edit(key_node.start, key_node.end, _quoted_like(key_node, target)),)),),
                data={"style": style},
            )


# -- helpers ----------------------------------------------------------------------------------------------------


def _nearest_names(key: str, msg: MessageInfo) -> list[str]:
    snake = "_" in key
    names = [f.proto_name if snake else f.json_name for f in msg.fields]
    by_fold = {name.casefold(): name for name in names}
    folded = key.casefold().replace("_", "")
    for name in names:
        if name.casefold().replace("_", "") == folded:
            return [name]
    if key.casefold() in by_fold:
        return [by_fold[key.casefold()]]
    return difflib.get_close_matches(key, names, n=3, cutoff=0.6)


def _quoted_like(key: Node, name: str) -> str:
    quote = getattr(key, "quote", '"') or '"'
    return f"{quote}{name}{quote}"


_BEHAVIOR_PREFIX = re.compile(r"^(?:(?:Required|Optional|Output only|Immutable|Input only)\.\s*)+", re.I)


def _first_sentence(text: str) -> str:
    text = _BEHAVIOR_PREFIX.sub("", (text or "").strip().replace("\n", " "))
    if not text:
        return ""
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _last(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if "/" in pointer else ""


def _shown_value(text: str, node: Node, limit: int = 40) -> str:
    raw = text[node.start : node.end]
    raw = " ".join(raw.split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def _remove_member_fix(ctx: CheckContext, member: Member, title: str, safe: bool = True) -> Fix:
    """Delete a member with its comma (and its line, when it stands alone on it)."""
    text = ctx.doc.text
    parent = member.parent
    members = parent.members
    index = next(i for i, m in enumerate(members) if m is member)
    end = member.value.end if member.value is not None else member.key.end
    if index + 1 < len(members):
        nxt = members[index + 1]
        start, stop = member.start, nxt.start
    elif index > 0:
        prev = members[index - 1]
        prev_end = prev.value.end if prev.value is not None else prev.key.end
        start, stop = prev_end, end
    else:
        start, stop = member.start, end
        # swallow a trailing comma after the only member
        after = text[stop : stop + 200]
        stripped = after.lstrip()
        if stripped.startswith(","):
            stop += len(after) - len(stripped) + 1
    return Fix(title, (Edit(start, stop, ""),), safe=safe)


def _move_fix(ctx: CheckContext, member: Member, move_to: str) -> Fix | None:
    """Move a top-level member into another object (e.g. `temperature` into `generationConfig`)."""
    if member.value is None:
        return None
    doc = ctx.doc
    text = doc.text
    container_key, _, new_key = move_to.partition("/")
    root = doc.root
    if root is None or root.kind != "object":
        return None
    value_text = text[member.value.start : member.value.end]
    remove = _remove_member_fix(ctx, member, "").edits[0]
    target = next(
        (
            m
            for m in root.members
            if m.key.value in (container_key, snake_case(container_key)) and m.value is not None
        ),
        None,
    )
    title = f"Move into `{container_key}` as `{new_key}`"
    if target is not None and target.value is not None and target.value.kind == "object":
        obj = target.value
        if any(m.key.value == new_key for m in obj.members):
            return None
        if obj.members:
            last = obj.members[-1]
            anchor = last.value.end if last.value is not None else last.key.end
            if "\n" in text[obj.start : obj.end]:
                separator = ",\n" + _indent_of(text, last.key.start)
            else:
                separator = ", "
            insert = Edit(anchor, anchor, f"{separator}\"{new_key}\": {value_text}")
        else:
            insert = Edit(obj.start + 1, obj.start + 1, f"\"{new_key}\": {value_text}")
        edits = sorted((insert, remove), key=lambda e: e.start)
        if edits[0].end > edits[1].start:
            return None
        return Fix(title, tuple(edits), safe=True)
    new_text = f"\"{container_key}\": {{\"{new_key}\": {value_text}}}"
    return Fix(title, (Edit(member.key.start, member.value.end, new_text),), safe=True)


def _indent_of(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    indent = ""
    for ch in text[line_start:offset]:
        if ch in " \t":
            indent += ch
        else:
            break
    return indent
